// The error type of the foreign-responder client: why no usable OCSP answer was obtained. Edges
// (GetCertificateStatus, Authorize) map the code to the wire with an exhaustive switch.

/**
 * - URL_INVALID: responderURL is not an absolute http(s) URL, or carries credentials.
 * - URL_REFUSED: the URL is outside the allowlist, or its host resolves to an address we do not
 *   fetch from (loopback, private, link-local ...: a charger must not make us probe our network).
 * - UNREACHABLE: connection failed, timed out, or the responder answered with an HTTP error (after
 *   the retry).
 * - TOO_LARGE: the answer exceeds the size limit.
 * - MALFORMED: the answer is not a DER OCSPResponse.
 * - RESPONDER_ERROR: a well-formed OCSPResponse whose responseStatus is not successful.
 * - CERTID_MISMATCH: no SingleResponse for the CertID we asked about (RFC 6960 3.2 item 1).
 * - ISSUER_UNKNOWN: no certificate known to us (trusted pool or the response's certs) has the
 *   CertID's issuer hashes, so the signature cannot be checked.
 * - SIGNATURE_INVALID: not signed by the issuing CA nor by a signer it authorised (3.2 items 2, 3).
 * - STALE: thisUpdate in the future, nextUpdate in the past, or no nextUpdate and an old thisUpdate (3.2 items 4, 5).
 */
export type OcspClientErrorCode =
  | 'URL_INVALID'
  | 'URL_REFUSED'
  | 'UNREACHABLE'
  | 'TOO_LARGE'
  | 'MALFORMED'
  | 'RESPONDER_ERROR'
  | 'CERTID_MISMATCH'
  | 'ISSUER_UNKNOWN'
  | 'SIGNATURE_INVALID'
  | 'STALE';

export class OcspClientError extends Error {
  override readonly name = 'OcspClientError';
  constructor(
    readonly code: OcspClientErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Transport problems are worth one retry; an answer that arrived and is wrong is not. */
export const isRetryable = (e: unknown): boolean => e instanceof OcspClientError && e.code === 'UNREACHABLE';
