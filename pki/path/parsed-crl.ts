// A CRL as path validation reads it (RFC 5280 5): signed bytes, issuer, update times, the entries
// by serial number, and the CRL and entry extensions section 6.3 acts on. Extensions we do not
// process are recorded rather than rejected here: whether that makes the CRL unusable is the
// revocation check's decision (RFC 5280 5.2, 5.3). Malformed input raises PkiError('MALFORMED_DER').
import { children, expectTag, parseDer, readBitString, readInteger, readSmallInteger, readTime, sequence, type DerNode } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { OID } from '../oids.js';
import { readAuthorityKeyId, readExtensions, readGeneralNames, readIssuingDistributionPoint, type Extension, type GeneralName, type IssuingDistributionPoint } from './extensions.js';
import { bytesEqual } from './parsed-certificate.js';
import { readName, type Name } from './name.js';

/** CRLReason (RFC 5280 5.3.1); 7 is unused. */
export const CRL_REASONS: Readonly<Record<number, string>> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};
export const REMOVE_FROM_CRL = 8;

export interface CrlEntry {
  serialNumber: bigint;
  revocationDate: Date;
  /** The reasonCode value, undefined when the entry has none. */
  reason: number | undefined;
  /** For an indirect CRL, the issuer of the revoked certificate (carried forward, RFC 5280 5.3.3); else undefined: the CRL issuer. */
  certificateIssuer: readonly GeneralName[] | undefined;
}

export interface PathCrl {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: Uint8Array;
  readonly signature: Uint8Array;
  /** Unused bits of the signatureValue BIT STRING: not 0 means the signature is damaged. */
  readonly signatureUnusedBits: number;
  readonly issuer: Name;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  /** Entries by serial number (decimal); an indirect CRL may list one serial for several issuers. */
  readonly entries: ReadonlyMap<string, readonly CrlEntry[]>;
  readonly extensions: readonly Extension[];
  readonly crlNumber: bigint | undefined;
  /** deltaCRLIndicator's BaseCRLNumber: set only on a delta CRL (RFC 5280 5.2.4). */
  readonly baseCrlNumber: bigint | undefined;
  readonly issuingDistributionPoint: IssuingDistributionPoint | undefined;
  /** The issuingDistributionPoint value DER, to compare the scopes of a complete and a delta CRL. */
  readonly issuingDistributionPointDer: Uint8Array | undefined;
  readonly authorityKeyId: Uint8Array | undefined;
  /** The first critical CRL extension we do not process (RFC 5280 5.2: then the CRL is not used). */
  readonly unknownCriticalExtension: string | undefined;
  /** The first critical entry extension we do not process (RFC 5280 5.3: then the CRL is not used). */
  readonly unknownCriticalEntryExtension: string | undefined;
}

const CRL_EXTENSIONS_PROCESSED = new Set<string>([OID.authorityKeyIdentifier, '2.5.29.18', OID.cRLNumber, OID.deltaCRLIndicator, OID.issuingDistributionPoint, '2.5.29.46', OID.authorityInfoAccess]);
const ENTRY_EXTENSIONS_PROCESSED = new Set<string>([OID.cRLReason, '2.5.29.23', '2.5.29.24', '2.5.29.29']);
const CERTIFICATE_ISSUER = '2.5.29.29';

const fail = (what: string): never => {
  throw new PkiError('MALFORMED_DER', what);
};

export function parsePathCrl(der: Uint8Array): PathCrl {
  const [tbsNode, algNode, sigNode, extra] = sequence(parseDer(der), 'CertificateList');
  if (extra) fail('CertificateList: trailing fields');
  const signatureAlgorithm = expectTag(algNode, TAG.SEQUENCE, 'signatureAlgorithm').der;
  const sig = readBitString(sigNode, 'signatureValue');

  const f = sequence(tbsNode, 'TBSCertList');
  let i = 0;
  if (f[i]?.tag === TAG.INTEGER) {
    const v = readSmallInteger(f[i++], 'version');
    if (v !== 1) fail(`CRL version ${v + 1} is not known`);
  }
  const innerAlg = expectTag(f[i++], TAG.SEQUENCE, 'signature').der;
  if (!bytesEqual(innerAlg, signatureAlgorithm)) fail('TBSCertList.signature differs from signatureAlgorithm');
  const issuer = readName(f[i++], 'CRL issuer');
  if (issuer.rdns.length === 0) fail('CRL issuer: empty name');
  const thisUpdate = readTime(f[i++], 'thisUpdate');
  let nextUpdate: Date | undefined;
  if (f[i]?.tag === TAG.UTC_TIME || f[i]?.tag === TAG.GENERALIZED_TIME) nextUpdate = readTime(f[i++], 'nextUpdate');
  let revoked: DerNode | undefined;
  if (f[i]?.tag === TAG.SEQUENCE) revoked = f[i++];
  let extensions: Extension[] = [];
  if (f[i]?.tag === 0xa0) {
    const [list, lExtra] = children(f[i++]!);
    if (!list || lExtra) fail('crlExtensions: bad wrapper');
    extensions = readExtensions(list!, 'crlExtensions');
  }
  if (i !== f.length) fail('TBSCertList: unexpected trailing fields');

  const ext = (oid: string): Extension | undefined => extensions.find((e) => e.oid === oid);
  const idpExt = ext(OID.issuingDistributionPoint);
  const issuingDistributionPoint = idpExt ? readIssuingDistributionPoint(idpExt.value) : undefined;
  const numberExt = ext(OID.cRLNumber);
  const deltaExt = ext(OID.deltaCRLIndicator);
  const akiExt = ext(OID.authorityKeyIdentifier);
  const unknownCriticalExtension = extensions.find((e) => e.critical && !CRL_EXTENSIONS_PROCESSED.has(e.oid))?.oid;

  // Entries; for an indirect CRL the certificate issuer carries over from entry to entry (RFC 5280 5.3.3).
  const entries = new Map<string, CrlEntry[]>();
  let unknownCriticalEntryExtension: string | undefined;
  let currentIssuer: readonly GeneralName[] | undefined;
  for (const e of revoked ? sequence(revoked, 'revokedCertificates') : []) {
    const parts = sequence(e, 'revokedCertificates entry');
    const serialNumber = readInteger(parts[0], 'userCertificate');
    const revocationDate = readTime(parts[1], 'revocationDate');
    let reason: number | undefined;
    if (parts[2]) {
      for (const x of readExtensions(parts[2], 'crlEntryExtensions')) {
        if (x.critical && !ENTRY_EXTENSIONS_PROCESSED.has(x.oid)) unknownCriticalEntryExtension ??= x.oid;
        if (x.oid === OID.cRLReason) reason = readSmallInteger({ ...expectTag(parseDer(x.value), TAG.ENUMERATED, 'reasonCode'), tag: TAG.INTEGER }, 'reasonCode');
        if (x.oid === CERTIFICATE_ISSUER && issuingDistributionPoint?.indirectCRL) currentIssuer = readGeneralNames(sequence(parseDer(x.value), 'certificateIssuer'), 'certificateIssuer');
      }
    }
    if (parts.length > 3) fail('revokedCertificates entry: trailing fields');
    const key = serialNumber.toString();
    const list = entries.get(key) ?? [];
    list.push({ serialNumber, revocationDate, reason, certificateIssuer: currentIssuer });
    entries.set(key, list);
  }

  return {
    der,
    tbs: tbsNode!.der,
    signatureAlgorithm,
    signature: sig.bytes,
    signatureUnusedBits: sig.unused,
    issuer,
    thisUpdate,
    nextUpdate,
    entries,
    extensions,
    crlNumber: numberExt ? readInteger(parseDer(numberExt.value), 'cRLNumber') : undefined,
    baseCrlNumber: deltaExt ? readInteger(parseDer(deltaExt.value), 'deltaCRLIndicator') : undefined,
    issuingDistributionPoint,
    issuingDistributionPointDer: idpExt?.value,
    authorityKeyId: akiExt ? readAuthorityKeyId(akiExt.value) : undefined,
    unknownCriticalExtension,
    unknownCriticalEntryExtension,
  };
}

export const reasonName = (reason: number | undefined): string => (reason === undefined ? 'unspecified' : (CRL_REASONS[reason] ?? `reason(${reason})`));
