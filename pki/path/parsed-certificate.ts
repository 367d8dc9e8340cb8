// A certificate as path validation reads it (RFC 5280 4.1): the signed bytes, the names, the
// validity, the key, and the extensions the algorithm of section 6 acts on. Our own small reader on
// pki/der/reader.ts, so that path validation depends on nothing being written beside it.
// Malformed input raises PkiError('MALFORMED_DER'); nothing else is thrown.
import { children, expectTag, parseDer, readBitString, readBoolean, readInteger, readNamedBits, readOid, readSmallInteger, readTime, sequence } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { OID } from '../oids.js';
import { readAuthorityKeyId, readCrlDistributionPoints, readExtensions, type DistributionPoint, type Extension } from './extensions.js';
import { namesMatch, readName, type Name } from './name.js';

/** KeyUsage bit names in bit order (RFC 5280 4.2.1.3). */
export const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

export interface BasicConstraints {
  ca: boolean;
  pathLenConstraint: number | undefined;
}

export interface PathCertificate {
  /** The whole Certificate DER, as given. */
  readonly der: Uint8Array;
  /** The TBSCertificate DER, exactly as signed. */
  readonly tbs: Uint8Array;
  /** The outer signatureAlgorithm AlgorithmIdentifier DER. */
  readonly signatureAlgorithm: Uint8Array;
  readonly signature: Uint8Array;
  /** Unused bits of the signatureValue BIT STRING: not 0 means the signature is damaged. */
  readonly signatureUnusedBits: number;
  readonly version: 1 | 2 | 3;
  readonly serialNumber: bigint;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  readonly extensions: readonly Extension[];
  readonly basicConstraints: BasicConstraints | undefined;
  readonly keyUsage: ReadonlySet<KeyUsageName> | undefined;
  readonly extKeyUsage: readonly string[] | undefined;
  readonly crlDistributionPoints: readonly DistributionPoint[] | undefined;
  readonly authorityKeyId: Uint8Array | undefined;
  readonly subjectKeyId: Uint8Array | undefined;
  /** Issuer and subject are the same name (RFC 5280 6.1: self-issued). */
  readonly selfIssued: boolean;
}

const fail = (what: string): never => {
  throw new PkiError('MALFORMED_DER', what);
};

export function parsePathCertificate(der: Uint8Array): PathCertificate {
  const [tbsNode, algNode, sigNode, extra] = sequence(parseDer(der), 'Certificate');
  if (extra) fail('Certificate: trailing fields');
  const signatureAlgorithm = expectTag(algNode, TAG.SEQUENCE, 'signatureAlgorithm').der;
  const sig = readBitString(sigNode, 'signatureValue');

  const f = sequence(tbsNode, 'TBSCertificate');
  let i = 0;
  let version: 1 | 2 | 3 = 1;
  if (f[i]?.tag === 0xa0) {
    const [v, vExtra] = children(f[i++]!);
    if (vExtra) fail('version: trailing data');
    const n = readSmallInteger(v, 'version');
    if (n < 0 || n > 2) fail(`version: unknown value ${n}`);
    version = (n + 1) as 1 | 2 | 3;
  }
  const serialNumber = readInteger(f[i++], 'serialNumber');
  const innerAlg = expectTag(f[i++], TAG.SEQUENCE, 'signature').der;
  // RFC 5280 4.1.1.2: the signature field MUST match signatureAlgorithm.
  if (!bytesEqual(innerAlg, signatureAlgorithm)) fail('TBSCertificate.signature differs from signatureAlgorithm');
  const issuer = readName(f[i++], 'issuer');
  const [nb, na, vExtra] = sequence(f[i++], 'validity');
  if (vExtra) fail('validity: trailing fields');
  const notBefore = readTime(nb, 'notBefore');
  const notAfter = readTime(na, 'notAfter');
  const subject = readName(f[i++], 'subject');
  const spki = expectTag(f[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo').der;
  if (f[i]?.tag === 0x81) i++; // issuerUniqueID
  if (f[i]?.tag === 0x82) i++; // subjectUniqueID
  let extensions: Extension[] = [];
  if (f[i]?.tag === 0xa3) {
    if (version !== 3) fail('extensions in a version 1 or 2 certificate');
    const [list, lExtra] = children(f[i++]!);
    if (!list || lExtra) fail('extensions: bad wrapper');
    extensions = readExtensions(list!, 'extensions');
  }
  if (i !== f.length) fail('TBSCertificate: unexpected trailing fields');
  // RFC 5280 4.1.2.4: the issuer field MUST contain a non-empty distinguished name.
  if (issuer.rdns.length === 0) fail('issuer: empty name');

  const ext = (oid: string): Extension | undefined => extensions.find((e) => e.oid === oid);
  const bcExt = ext(OID.basicConstraints);
  const kuExt = ext(OID.keyUsage);
  const ekuExt = ext(OID.extKeyUsage);
  const dpExt = ext(OID.cRLDistributionPoints);
  const akiExt = ext(OID.authorityKeyIdentifier);
  const skiExt = ext(OID.subjectKeyIdentifier);
  return {
    der,
    tbs: tbsNode!.der,
    signatureAlgorithm,
    signature: sig.bytes,
    signatureUnusedBits: sig.unused,
    version,
    serialNumber,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki,
    extensions,
    basicConstraints: bcExt ? readBasicConstraints(bcExt.value) : undefined,
    keyUsage: kuExt ? readKeyUsage(kuExt.value) : undefined,
    extKeyUsage: ekuExt ? readExtKeyUsage(ekuExt.value) : undefined,
    crlDistributionPoints: dpExt ? readCrlDistributionPoints(dpExt.value) : undefined,
    authorityKeyId: akiExt ? readAuthorityKeyId(akiExt.value) : undefined,
    subjectKeyId: skiExt ? expectTag(parseDer(skiExt.value), TAG.OCTET_STRING, 'subjectKeyIdentifier').content : undefined,
    selfIssued: namesMatch(issuer, subject),
  };
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL }. */
function readBasicConstraints(value: Uint8Array): BasicConstraints {
  const parts = sequence(parseDer(value), 'basicConstraints');
  let i = 0;
  let ca = false;
  if (parts[i]?.tag === TAG.BOOLEAN) ca = readBoolean(parts[i++], 'basicConstraints.cA');
  let pathLenConstraint: number | undefined;
  if (parts[i]) {
    pathLenConstraint = readSmallInteger(parts[i++], 'pathLenConstraint');
    if (pathLenConstraint < 0) fail('pathLenConstraint: negative');
  }
  if (i !== parts.length) fail('basicConstraints: trailing fields');
  return { ca, pathLenConstraint };
}

function readKeyUsage(value: Uint8Array): Set<KeyUsageName> {
  const bits = readNamedBits(parseDer(value), 'keyUsage');
  const out = new Set<KeyUsageName>();
  for (const b of bits) {
    const name = KEY_USAGE_BITS[b];
    if (name) out.add(name);
  }
  return out;
}

function readExtKeyUsage(value: Uint8Array): string[] {
  const list = sequence(parseDer(value), 'extKeyUsage');
  if (list.length === 0) fail('extKeyUsage: empty');
  return list.map((n) => readOid(n, 'KeyPurposeId'));
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** basicConstraints cA asserted: the certificate is a CA certificate (RFC 5280 4.2.1.9). */
export const isCaCertificate = (c: PathCertificate): boolean => c.basicConstraints?.ca === true;
