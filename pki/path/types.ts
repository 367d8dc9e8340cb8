// The public shape of path validation: what goes in, what comes out, and every way it can fail.
import type { KeyUsageName, PathCertificate } from './parsed-certificate.js';

/**
 * Why a path is not valid. A closed union: edges map it with an exhaustive switch.
 * - MALFORMED: a certificate of the chain is not a well-formed DER X.509 certificate (or the chain
 *   is longer than MAX_CHAIN_LENGTH).
 * - UNSUPPORTED_ALGORITHM: a signature or key algorithm we do not verify (unknown OID, RSA-PSS,
 *   SHA-1 unless allowed, a signature algorithm that does not fit the issuer's key).
 * - SIGNATURE_INVALID: the certificate's signature does not verify under its issuer's key.
 * - NOT_YET_VALID / EXPIRED: `at` is before notBefore / after notAfter (RFC 5280 6.1.3 a 2).
 * - NAME_CHAINING: the certificate's issuer is not the subject of the next certificate (6.1.3 a 4).
 * - NO_TRUST_ANCHOR: the top of the chain is not issued by any anchor (no anchor has its issuer name).
 * - NOT_A_CA: an intermediate has no basicConstraints or cA is false (6.1.4 k).
 * - PATH_LENGTH_EXCEEDED: a pathLenConstraint above is exceeded (6.1.4 l, m).
 * - KEY_USAGE: an intermediate's keyUsage lacks keyCertSign (6.1.4 n), or the leaf lacks a usage
 *   the caller requires.
 * - EXT_KEY_USAGE: the leaf lacks an extended key usage the caller requires.
 * - UNKNOWN_CRITICAL_EXTENSION: a critical certificate extension we do not process (6.1.4 o, 6.1.5 f).
 * - REVOKED: the status hook or a CRL says the certificate is revoked (or on hold).
 * - REVOCATION_UNKNOWN: revocation is required and no status could be established: no hook answer,
 *   no CRL in scope, CRLs covering only some reasons (6.3.3), or the status hook failed.
 * - CRL_INVALID: a CRL in scope for the certificate exists but cannot be used: bad signature, no
 *   valid path to its issuer, issuer without cRLSign, unknown critical CRL or entry extension.
 * - CRL_EXPIRED: a CRL in scope is past its nextUpdate (6.3.3 a) and no current one is given.
 */
export type PathErrorCode =
  | 'MALFORMED'
  | 'UNSUPPORTED_ALGORITHM'
  | 'SIGNATURE_INVALID'
  | 'NOT_YET_VALID'
  | 'EXPIRED'
  | 'NAME_CHAINING'
  | 'NO_TRUST_ANCHOR'
  | 'NOT_A_CA'
  | 'PATH_LENGTH_EXCEEDED'
  | 'KEY_USAGE'
  | 'EXT_KEY_USAGE'
  | 'UNKNOWN_CRITICAL_EXTENSION'
  | 'REVOKED'
  | 'REVOCATION_UNKNOWN'
  | 'CRL_INVALID'
  | 'CRL_EXPIRED';

/** What a status source (our store, an OCSP client) says about one certificate. */
export type CertificateStatus = 'good' | 'unknown' | { revoked: { at: Date; reason: string } };

/** How revocation of each non-anchor certificate is checked. */
export type RevocationMode =
  /** Every certificate needs a status: a 'good' from the hook or CRLs covering all reasons. */
  | 'require'
  /** Checked when the hook answers or a CRL in scope is given; a certificate with neither passes. */
  | 'if-available'
  /** Not checked at all (the hook is not called). */
  | 'off';

export interface ValidatePathInput {
  /**
   * Certificates, leaf first, then intermediates in order; the anchor may end the list. Each is DER,
   * or what parsePathCertificate made of it (a caller that has read the leaf need not read it twice).
   */
  readonly chain: readonly (Uint8Array | PathCertificate)[];
  /** Trusted root certificates (DER); an anchor is its subject name and public key (RFC 5280 6.1.1 d). */
  readonly anchors: readonly Uint8Array[];
  /** The validation time. */
  readonly at: Date;
  /** DER CRLs (complete and delta) available to the validator. */
  readonly crls?: readonly Uint8Array[] | undefined;
  /** Further certificates that may issue CRLs (CRL signing keys, indirect CRL issuers; RFC 5280 6.3.3 f). */
  readonly otherCertificates?: readonly Uint8Array[] | undefined;
  /** Default 'if-available'. */
  readonly revocation?: RevocationMode | undefined;
  /**
   * Consulted before CRLs for each non-anchor certificate, top of the chain first. 'good' and
   * revoked are final; 'unknown' falls through to CRLs. A throw becomes REVOCATION_UNKNOWN.
   */
  readonly checkStatus?: ((cert: PathCertificate, issuer: PathCertificate) => Promise<CertificateStatus>) | undefined;
  /** keyUsage bits the leaf must have; the extension must be present. */
  readonly requiredLeafKeyUsage?: readonly KeyUsageName[] | undefined;
  /** Key purpose OIDs the leaf's extKeyUsage must list (anyExtendedKeyUsage satisfies any). */
  readonly requiredLeafExtKeyUsage?: readonly string[] | undefined;
  /** Accept SHA-1 based signatures (sha1WithRSAEncryption, dsa-with-sha1). Default false. */
  readonly allowSha1Signatures?: boolean | undefined;
}

/** How each certificate's revocation status was settled, leaf first. */
export type RevocationOutcome = 'good-by-status-hook' | 'good-by-crl' | 'not-checked';

export type PathResult =
  | {
      ok: true;
      /** The validated certificates, leaf first, without the anchor. */
      path: readonly PathCertificate[];
      anchor: PathCertificate;
      revocation: readonly RevocationOutcome[];
    }
  | {
      ok: false;
      code: PathErrorCode;
      /** Position in `chain` of the certificate at fault: 0 = leaf. */
      index: number;
      detail: string;
    };

export type PathFailure = Extract<PathResult, { ok: false }>;
