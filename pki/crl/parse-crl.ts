// A CRL read back with the strict DER reader (RFC 5280 5.1): issuer, update times, numbers, the
// entries in order with their reasons, and the signature checked against an issuer key. For our
// own CRLs and for tests; path validation reads CRLs with pki/path/parsed-crl.ts. Malformed input
// raises PkiError('MALFORMED_DER').
import { readSignatureAlgorithm, verifySignature, type SignatureAlgorithmOid } from '../algorithms.js';
import { decodeAuthorityKeyIdentifier, readExtensions, type RawExtension } from '../certificate/extensions.js';
import { crlReasonFromCode, type CrlReason } from '../crl-reason.js';
import { children, expectTag, parseDer, readBitString, readInteger, readSmallInteger, readTime, sequence } from '../der/reader.js';
import { compareBytes, TAG } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { OID } from '../oids.js';

export interface ParsedCrlEntry {
  /** serialNumber INTEGER content octets (points into the CRL). */
  serial: Uint8Array;
  serialNumber: bigint;
  revokedAt: Date;
  /** The reasonCode, or null when the entry has none (RFC 5280 5.3.1: then unspecified). */
  reason: CrlReason | null;
  extensions: RawExtension[];
}

export interface ParsedCrl {
  der: Uint8Array;
  /** TBSCertList exactly as signed. */
  tbs: Uint8Array;
  /** 2 for a v2 CRL, 1 when the version is absent. */
  version: number;
  signatureAlgorithm: SignatureAlgorithmOid;
  signature: Uint8Array;
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date | null;
  crlNumber: bigint | null;
  authorityKeyIdentifier: Uint8Array | null;
  extensions: RawExtension[];
  entries: ParsedCrlEntry[];
}

const fail = (what: string): never => {
  throw new PkiError('MALFORMED_DER', what);
};

function readReason(value: Uint8Array): CrlReason | null {
  const node = expectTag(parseDer(value), TAG.ENUMERATED, 'reasonCode');
  const code = readSmallInteger({ ...node, tag: TAG.INTEGER }, 'reasonCode');
  const reason = crlReasonFromCode(code);
  if (reason === null) fail(`reasonCode ${code} is not defined`);
  return reason;
}

export function parseCrl(der: Uint8Array): ParsedCrl {
  const parts = sequence(parseDer(der), 'CertificateList');
  if (parts.length !== 3) fail('CertificateList: expected three fields');
  const [tbsNode, algNode, sigNode] = [parts[0]!, parts[1], parts[2]];
  const outerAlg = expectTag(algNode, TAG.SEQUENCE, 'signatureAlgorithm');
  const sig = readBitString(sigNode, 'signatureValue');
  if (sig.unused !== 0) fail('signatureValue: unused bits');

  const f = sequence(tbsNode, 'TBSCertList');
  let i = 0;
  let version = 1;
  if (f[i]?.tag === TAG.INTEGER) {
    const v = readSmallInteger(f[i++], 'version');
    if (v !== 1) fail(`CRL version ${v + 1} is not known`);
    version = 2;
  }
  const innerAlg = expectTag(f[i++], TAG.SEQUENCE, 'signature');
  // RFC 5280 5.1.1.2: the two AlgorithmIdentifiers are the same.
  if (compareBytes(innerAlg.der, outerAlg.der) !== 0) fail('TBSCertList.signature differs from signatureAlgorithm');
  const issuerDer = expectTag(f[i++], TAG.SEQUENCE, 'issuer').der;
  const thisUpdate = readTime(f[i++], 'thisUpdate');
  let nextUpdate: Date | null = null;
  if (f[i]?.tag === TAG.UTC_TIME || f[i]?.tag === TAG.GENERALIZED_TIME) nextUpdate = readTime(f[i++], 'nextUpdate');

  const entries: ParsedCrlEntry[] = [];
  if (f[i]?.tag === TAG.SEQUENCE) {
    for (const e of sequence(f[i++], 'revokedCertificates')) {
      const fields = sequence(e, 'revokedCertificates entry');
      if (fields.length < 2 || fields.length > 3) fail('revokedCertificates entry: expected two or three fields');
      const serialNode = expectTag(fields[0], TAG.INTEGER, 'userCertificate');
      const extensions = fields[2] ? readExtensions(fields[2]) : [];
      const reasonExt = extensions.find((x) => x.oid === OID.cRLReason);
      entries.push({
        serial: serialNode.content,
        serialNumber: readInteger(serialNode, 'userCertificate'),
        revokedAt: readTime(fields[1], 'revocationDate'),
        reason: reasonExt ? readReason(reasonExt.value) : null,
        extensions,
      });
    }
  }
  let extensions: RawExtension[] = [];
  if (f[i]?.tag === 0xa0) {
    const inner = children(f[i++]!);
    if (inner.length !== 1) fail('crlExtensions: expected one SEQUENCE');
    extensions = readExtensions(inner[0]!);
  }
  if (i !== f.length) fail('TBSCertList: unexpected trailing fields');
  if (version === 1 && (extensions.length > 0 || entries.some((e) => e.extensions.length > 0))) fail('a v1 CRL carries no extensions (RFC 5280 5.1.2.1)');

  const numberExt = extensions.find((x) => x.oid === OID.cRLNumber);
  const akiExt = extensions.find((x) => x.oid === OID.authorityKeyIdentifier);
  return {
    der,
    tbs: tbsNode.der,
    version,
    signatureAlgorithm: readSignatureAlgorithm(outerAlg),
    signature: sig.bytes,
    issuerDer,
    thisUpdate,
    nextUpdate,
    crlNumber: numberExt ? readInteger(parseDer(numberExt.value), 'cRLNumber') : null,
    authorityKeyIdentifier: akiExt ? decodeAuthorityKeyIdentifier(akiExt.value) : null,
    extensions,
    entries,
  };
}

/** True when the CRL's signature verifies with the issuer's SubjectPublicKeyInfo. */
export function verifyCrlSignature(crl: Pick<ParsedCrl, 'signatureAlgorithm' | 'tbs' | 'signature'>, issuerSpki: Uint8Array): boolean {
  return verifySignature(crl.signatureAlgorithm, issuerSpki, crl.tbs, crl.signature);
}
