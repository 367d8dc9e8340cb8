// CertID (RFC 6960 4.1.1): the hash algorithms we accept, the issuer hashes a responder matches
// on, and the few certificate fields needed to compute them.
import { createHash } from 'node:crypto';
import { PkiError } from '../errors.js';
import { children, expectTag, parseDer, readBitString, readBoolean, readOid, readTime, sequence } from '../der/reader.js';
import { integerBytes, nullValue, octetString, oid, seq, TAG } from '../der/writer.js';
import { OID } from '../oids.js';

/**
 * Hash algorithms of a CertID. RFC 6960 clients use SHA-1 (RFC 5019) or SHA-256; OCPP 2.0.1
 * OCSPRequestDataType also names SHA-384 and SHA-512, so those are accepted too.
 */
export type CertIdHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export const CERT_ID_HASHES: readonly CertIdHash[] = ['sha1', 'sha256', 'sha384', 'sha512'];

export const CERT_ID_HASH_OIDS: Readonly<Record<CertIdHash, string>> = {
  sha1: OID.sha1,
  sha256: OID.sha256,
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};

export const CERT_ID_HASH_LENGTHS: Readonly<Record<CertIdHash, number>> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

const BY_OID = new Map<string, CertIdHash>(CERT_ID_HASHES.map((h) => [CERT_ID_HASH_OIDS[h], h]));

export function certIdHashFromOid(dotted: string): CertIdHash | null {
  return BY_OID.get(dotted) ?? null;
}

export interface CertId {
  hashAlgorithm: CertIdHash;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** CertificateSerialNumber as INTEGER content octets (minimal two's complement, as in the certificate). */
  serialNumber: Uint8Array;
  /** The exact encoding received, echoed unchanged in the SingleResponse (RFC 6960 4.2.1). */
  der: Uint8Array;
}

/**
 * A CertID as OpenSSL writes it (hashAlgorithm with NULL parameters), for in-process callers that
 * hold the fields rather than a request.
 */
export function encodeCertId(fields: Omit<CertId, 'der'>): Uint8Array {
  return seq(
    seq(oid(CERT_ID_HASH_OIDS[fields.hashAlgorithm]), nullValue()),
    octetString(fields.issuerNameHash),
    octetString(fields.issuerKeyHash),
    integerBytes(fields.serialNumber),
  );
}

/**
 * A serial number as minimal INTEGER content octets for a non-negative value, from either the
 * content octets or the unsigned magnitude (OCPP carries serials as hex without leading zeros,
 * so 0x8F... must become 00 8F ...).
 */
export function serialContent(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const rest = magnitude.subarray(start);
  if (rest.length === 0) return Uint8Array.of(0);
  if ((rest[0] as number) & 0x80) {
    const out = new Uint8Array(rest.length + 1);
    out.set(rest, 1);
    return out;
  }
  // A copy, never a view: `magnitude` may be a Buffer, whose slice() does not copy.
  return new Uint8Array(rest);
}

export interface CertificateParts {
  /** tbsCertificate, DER. */
  tbs: Uint8Array;
  serialNumber: Uint8Array;
  /** issuer Name, DER (tag and all). */
  issuer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** subject Name, DER (tag and all). */
  subject: Uint8Array;
  subjectPublicKeyInfo: Uint8Array;
  /** The subjectPublicKey BIT STRING contents without the unused-bits octet (RFC 6960 4.1.1). */
  subjectPublicKey: Uint8Array;
  signatureAlgorithm: Uint8Array;
  signature: Uint8Array;
  /** Extensions by OID (RFC 5280 4.1.2.9); extnValue contents. */
  extensions: Map<string, { critical: boolean; value: Uint8Array }>;
}

/** The certificate fields OCSP needs (RFC 5280 4.1); raises PkiError('MALFORMED_DER'). */
export function readCertificateParts(der: Uint8Array): CertificateParts {
  const [tbsNode, sigAlg, sigValue] = sequence(parseDer(der), 'Certificate');
  const tbs = expectTag(tbsNode, TAG.SEQUENCE, 'tbsCertificate');
  const fields = children(tbs);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = expectTag(fields[i++], TAG.INTEGER, 'serialNumber');
  i++; // signature AlgorithmIdentifier
  const issuer = expectTag(fields[i++], TAG.SEQUENCE, 'issuer');
  const [notBefore, notAfter] = sequence(fields[i++], 'validity');
  const subject = expectTag(fields[i++], TAG.SEQUENCE, 'subject');
  const spki = expectTag(fields[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  const extensions = new Map<string, { critical: boolean; value: Uint8Array }>();
  for (const f of fields.slice(i)) {
    if (f.tag !== 0xa3) continue; // issuerUniqueID [1], subjectUniqueID [2]
    for (const ext of sequence(children(f)[0], 'extensions')) {
      const parts = sequence(ext, 'Extension');
      const critical = parts.length === 3 && readBoolean(parts[1], 'critical');
      extensions.set(readOid(parts[0], 'extnID'), { critical, value: expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue').content });
    }
  }
  const key = readBitString(sequence(spki, 'subjectPublicKeyInfo')[1], 'subjectPublicKey');
  if (key.unused !== 0) throw new PkiError('MALFORMED_DER', 'subjectPublicKey has unused bits');
  return {
    tbs: tbs.der,
    serialNumber: serial.content,
    issuer: issuer.der,
    notBefore: readTime(notBefore, 'notBefore'),
    notAfter: readTime(notAfter, 'notAfter'),
    subject: subject.der,
    subjectPublicKeyInfo: spki.der,
    subjectPublicKey: key.bytes,
    signatureAlgorithm: expectTag(sigAlg, TAG.SEQUENCE, 'signatureAlgorithm').der,
    signature: readBitString(sigValue, 'signatureValue').bytes,
    extensions,
  };
}

export const digest = (alg: CertIdHash, data: Uint8Array): Uint8Array => new Uint8Array(createHash(alg).update(data).digest());

/**
 * issuerNameHash and issuerKeyHash for certificates issued by `issuerCertificate`: the hash of
 * its subject Name DER and of its subjectPublicKey BIT STRING contents (RFC 6960 4.1.1).
 */
export function issuerHashes(issuerCertificate: Uint8Array, alg: CertIdHash): { issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array } {
  const parts = readCertificateParts(issuerCertificate);
  return { issuerNameHash: digest(alg, parts.subject), issuerKeyHash: digest(alg, parts.subjectPublicKey) };
}

/** KeyHash of ResponderID byKey: SHA-1 of the responder's subjectPublicKey BIT STRING contents (RFC 6960 4.2.1). */
export function responderKeyHash(subjectPublicKeyInfo: Uint8Array): Uint8Array {
  const key = readBitString(sequence(parseDer(subjectPublicKeyInfo), 'SubjectPublicKeyInfo')[1], 'subjectPublicKey');
  return digest('sha1', key.bytes);
}
