// The Signer port: the only way a private key is used. A software key today; an HSM, a PKCS#11
// token or a cloud KMS later, behind the same three members.
export type SignatureAlgorithm = 'ecdsa-with-SHA256' | 'ecdsa-with-SHA384' | 'sha256WithRSAEncryption';

export interface Signer {
  /** The algorithm this signer produces; it goes into signatureAlgorithm unchanged. */
  readonly algorithm: SignatureAlgorithm;
  /** SubjectPublicKeyInfo of the key, DER. */
  readonly publicKey: Uint8Array;
  /** The signature over `data` as carried in X.509, CRL and OCSP BIT STRINGs (ECDSA: DER Ecdsa-Sig-Value). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}
