// The one error type of the pure PKI library. `code` is a closed union so that every edge maps it
// with an exhaustive switch; `detail` is for operators and logs, never for a peer as-is.
export type PkiErrorCode =
  | 'MALFORMED_DER'
  | 'UNSUPPORTED_ALGORITHM'
  | 'BAD_SIGNATURE'
  | 'CSR_REJECTED'
  | 'LINT_FAILED'
  | 'LINTED_TBS_REUSED'
  | 'PROFILE_MISMATCH'
  | 'PATH_INVALID'
  | 'OCSP_MALFORMED_REQUEST'
  | 'CRL_INVALID'
  | 'AUDIT_CHAIN_BROKEN';

export class PkiError extends Error {
  override readonly name = 'PkiError';
  constructor(
    readonly code: PkiErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}
