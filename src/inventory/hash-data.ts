// CertificateHashDataType (OCPP 2.0.1 Part 2, 2.6): how a station names an installed certificate in
// GetInstalledCertificateIds (M03) and DeleteCertificate (M04). issuerNameHash is the hash of the
// issuer's DER Name, issuerKeyHash the hash of the issuer's subjectPublicKey BIT STRING value (the
// same fields as an OCSP CertID, RFC 6960 4.1.1), serialNumber the serial in hexadecimal without
// leading zeroes.
import { createHash } from 'node:crypto';
import { readCertificateParts } from '../../pki/ocsp/cert-id.js';

export type HashAlgorithm = 'SHA256' | 'SHA384' | 'SHA512';

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['SHA256', 'SHA384', 'SHA512'];

export interface CertificateHashData {
  hashAlgorithm: HashAlgorithm;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

const NODE_HASH: Readonly<Record<HashAlgorithm, string>> = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

const hex = (alg: HashAlgorithm, data: Uint8Array): string => createHash(NODE_HASH[alg]).update(data).digest('hex');

/** Serial INTEGER content octets -> hex without leading zeroes (OCPP 2.0.1 CertificateHashDataType.serialNumber). */
export function serialHex(content: Uint8Array): string {
  const s = Buffer.from(content).toString('hex').replace(/^0+/, '');
  return s === '' ? '0' : s;
}

/**
 * The hash data of `certificate` (DER) issued by `issuer` (DER; the certificate itself for a
 * self-signed root). Raises PkiError('MALFORMED_DER') on malformed input.
 */
export function certificateHashData(certificate: Uint8Array, issuer: Uint8Array, hashAlgorithm: HashAlgorithm): CertificateHashData {
  const cert = readCertificateParts(certificate);
  const iss = issuer === certificate ? cert : readCertificateParts(issuer);
  return {
    hashAlgorithm,
    issuerNameHash: hex(hashAlgorithm, cert.issuer),
    issuerKeyHash: hex(hashAlgorithm, iss.subjectPublicKey),
    serialNumber: serialHex(cert.serialNumber),
  };
}

/**
 * One comparable key for hash data: algorithm, hashes in lower case, serial in lower case without
 * leading zeroes. Stations differ in case and some keep leading zeroes; the key forgives both.
 */
export function hashDataKey(h: { hashAlgorithm: string; issuerNameHash: string; issuerKeyHash: string; serialNumber: string }): string {
  const serial = h.serialNumber.toLowerCase().replace(/^0+/, '') || '0';
  return `${h.hashAlgorithm}:${h.issuerNameHash.toLowerCase()}:${h.issuerKeyHash.toLowerCase()}:${serial}`;
}

/** The keys of a self-signed certificate under every hash algorithm a station may use. */
export function rootHashKeys(der: Uint8Array): string[] {
  return HASH_ALGORITHMS.map((alg) => hashDataKey(certificateHashData(der, der, alg)));
}
