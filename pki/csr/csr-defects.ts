// Every reason checkCsr can give for refusing a request, one code per rule, so that the RA can
// record and report exactly what is wrong (Boulder names its CSR test files the same way:
// short_key.der.csr, invalid_signature.der.csr).
export const CSR_DEFECT_CODES = [
  /** RFC 2986 4.1: version is v1 (0). */
  'BAD_VERSION',
  /** The signature algorithm is none we verify, or its parameters are not as RFC 5758 / RFC 4055 require. */
  'UNSUPPORTED_SIGNATURE_ALGORITHM',
  /** The request is not signed by the private key of the key it carries (proof of possession). */
  'SIGNATURE_INVALID',
  /** The key cannot be used: an EC point off the curve or not uncompressed, a malformed RSA key. */
  'KEY_INVALID',
  /** The profile allows no key of this type (RSA where only EC is allowed, Ed25519, DSA, ...). */
  'KEY_TYPE_NOT_ALLOWED',
  /** An EC key on a curve the profile does not allow, or with explicit curve parameters. */
  'CURVE_NOT_ALLOWED',
  /** An RSA modulus shorter than the profile's minimum. */
  'KEY_TOO_SMALL',
  /** An RSA public exponent other than 65537. */
  'KEY_WEAK_EXPONENT',
  /** The caller found this key in a certificate issued for another identity. */
  'KEY_ALREADY_CERTIFIED',
  'SUBJECT_MISSING_ATTRIBUTE',
  'SUBJECT_UNEXPECTED_ATTRIBUTE',
  'SUBJECT_DUPLICATE_ATTRIBUTE',
  /** A value differs from the station identity, the CSO name or a fixed profile value. */
  'SUBJECT_VALUE_MISMATCH',
  'SUBJECT_VALUE_TOO_LONG',
  'SUBJECT_PATTERN_MISMATCH',
  /** A string type the attribute may not use, a character its type cannot hold, a control character, or empty. */
  'SUBJECT_BAD_STRING',
  /** A non-CA profile, and the request asks for cA=TRUE, keyCertSign or cRLSign. */
  'CA_REQUESTED',
  /** A critical extension is requested that we do not understand. */
  'UNKNOWN_CRITICAL_EXTENSION',
] as const;

export type CsrDefectCode = (typeof CSR_DEFECT_CODES)[number];

export interface CsrDefect {
  code: CsrDefectCode;
  /** For operators and logs; names the attribute, extension or algorithm at fault. */
  detail: string;
}

/** Names for OIDs that show up in refused requests, so that a defect reads "secp256k1", not an OID. */
const OID_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10045.3.1.1': 'P-192',
  '1.3.132.0.33': 'P-224',
  '1.3.132.0.35': 'P-521',
  '1.3.132.0.10': 'secp256k1',
  '1.3.36.3.3.2.8.1.1.7': 'brainpoolP256r1',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
};

export const oidName = (oid: string): string => {
  const name = OID_NAMES[oid];
  return name ? `${name} (${oid})` : oid;
};

/** A subject value quoted for a detail line, cut short so a hostile value cannot flood a log. */
export const quote = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value);
