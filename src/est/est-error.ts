// The EST edge's error type and its one mapping to HTTP. An EST client sees a status and a short
// plain-text line (RFC 7030 4.2.3: without a content type, the body is a human-readable message),
// never a stack trace or an internal message; the full story goes to the log.
import { PkiError } from '../../pki/errors.js';
import { CaError } from '../ca/ca-error.js';

export const EST_ERROR_CODES = [
  /** No credentials at all (RFC 7030 3.2.3: 401 with a challenge). */
  'EST_AUTH_REQUIRED',
  /** Wrong user name or password. */
  'EST_AUTH_FAILED',
  /** A TLS client certificate that does not validate to an anchor, or is revoked, or whose status is unknown. */
  'EST_CLIENT_CERT_INVALID',
  /** Authenticated, but not allowed this label or operation. */
  'EST_FORBIDDEN',
  /** No such CA label (RFC 7030 3.2.2), or no default label for a URI without one. */
  'EST_LABEL_UNKNOWN',
  /** An operation we do not offer (fullcmc, serverkeygen, csrattrs) or any other path. */
  'EST_OPERATION_UNKNOWN',
  /** The body is not application/pkcs10. */
  'EST_UNSUPPORTED_MEDIA_TYPE',
  /** The body is not base64 of a DER PKCS#10 request. */
  'EST_BAD_REQUEST',
  /** A well-formed request that fails checkCsr: the defect codes are given. */
  'EST_CSR_REJECTED',
  /** Reenrollment asks for another subject than the certificate renewed (RFC 7030 4.2.2). */
  'EST_SUBJECT_MISMATCH',
  /** The CA refused the request (validity, lint) after the RA accepted it. */
  'EST_ISSUANCE_REFUSED',
  /** Labels or accounts do not fit the CAs we run (raised at start only). */
  'EST_CONFIG_INVALID',
  'EST_INTERNAL',
] as const;

export type EstErrorCode = (typeof EST_ERROR_CODES)[number];

export class EstError extends Error {
  override readonly name = 'EstError';
  constructor(
    readonly code: EstErrorCode,
    message: string,
    /** Codes (CSR defects, lint findings) that may be shown to the client; details stay in the log. */
    readonly codes: readonly string[] = [],
  ) {
    super(message);
  }
}

export function estStatus(code: EstErrorCode): number {
  switch (code) {
    case 'EST_AUTH_REQUIRED':
    case 'EST_AUTH_FAILED':
    case 'EST_CLIENT_CERT_INVALID':
      return 401;
    case 'EST_FORBIDDEN':
      return 403;
    case 'EST_LABEL_UNKNOWN':
    case 'EST_OPERATION_UNKNOWN':
      return 404;
    case 'EST_UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'EST_BAD_REQUEST':
    case 'EST_CSR_REJECTED':
    case 'EST_SUBJECT_MISMATCH':
    case 'EST_ISSUANCE_REFUSED':
      return 400;
    case 'EST_CONFIG_INVALID':
    case 'EST_INTERNAL':
      return 500;
  }
}

/** What the client is told for each code: fixed text, so no internal message leaks. */
const TEXT: Record<EstErrorCode, string> = {
  EST_AUTH_REQUIRED: 'authentication required: HTTP Basic or a TLS client certificate',
  EST_AUTH_FAILED: 'authentication failed',
  EST_CLIENT_CERT_INVALID: 'the TLS client certificate is not acceptable',
  EST_FORBIDDEN: 'not authorized for this operation',
  EST_LABEL_UNKNOWN: 'unknown EST label',
  EST_OPERATION_UNKNOWN: 'no such EST operation',
  EST_UNSUPPORTED_MEDIA_TYPE: 'the request must be application/pkcs10, base64 encoded',
  EST_BAD_REQUEST: 'the body is not a base64 DER PKCS#10 certification request',
  EST_CSR_REJECTED: 'certification request rejected',
  EST_SUBJECT_MISMATCH: 'the request subject differs from the certificate being renewed',
  EST_ISSUANCE_REFUSED: 'the CA refused to issue this certificate',
  EST_CONFIG_INVALID: 'the EST service is misconfigured',
  EST_INTERNAL: 'internal error',
};

export interface EstReply {
  status: number;
  code: EstErrorCode;
  /** One line, or the line and the codes, for a text/plain body. */
  body: string;
}

/** Any error thrown while answering a request, as the client sees it. */
export function estReply(err: unknown): EstReply {
  const e = toEstError(err);
  const codes = e.codes.length > 0 ? `: ${e.codes.join(', ')}` : '';
  return { status: estStatus(e.code), code: e.code, body: `${e.code}: ${TEXT[e.code]}${codes}\n` };
}

/** Errors of the layers below, mapped once: PKI parse failures and CA refusals are the request's fault. */
export function toEstError(err: unknown): EstError {
  if (err instanceof EstError) return err;
  if (err instanceof PkiError) {
    switch (err.code) {
      case 'MALFORMED_DER':
      case 'CSR_REJECTED':
        return new EstError('EST_BAD_REQUEST', err.message, [err.code]);
      default:
        return new EstError('EST_INTERNAL', err.message);
    }
  }
  if (err instanceof CaError) {
    switch (err.code) {
      case 'CA_REQUEST_INVALID':
      case 'CA_LINT_FAILED':
        return new EstError('EST_ISSUANCE_REFUSED', err.message, [err.code, ...(err.details ?? []).map((d) => d.code)]);
      default:
        return new EstError('EST_INTERNAL', err.message);
    }
  }
  return new EstError('EST_INTERNAL', err instanceof Error ? err.message : String(err));
}
