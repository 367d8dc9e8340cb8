// The CA service's error type: what callers (API, CLI, OCPP handlers) map to their wire.
export type CaErrorCode =
  | 'CA_KEK_MISSING' // no key-encryption key configured or readable
  | 'CA_KEK_INVALID' // the file is not a 256-bit key
  | 'CA_KEK_MISMATCH' // a key was encrypted under another KEK
  | 'CA_KEY_UNAVAILABLE' // the key cannot be decrypted or loaded
  | 'CA_ISSUER_UNKNOWN'
  | 'CA_ISSUER_EXISTS'
  | 'CA_PROFILE_MISMATCH' // the issuer may not issue this profile
  | 'CA_REQUEST_INVALID' // CSR or request refused: see defects
  | 'CA_LINT_FAILED'
  | 'CA_CERTIFICATE_UNKNOWN'
  | 'CA_IMPORT_INVALID';

export class CaError extends Error {
  override readonly name = 'CaError';
  constructor(
    readonly code: CaErrorCode,
    message: string,
    readonly details?: readonly { code: string; detail: string }[],
  ) {
    super(message);
  }
}
