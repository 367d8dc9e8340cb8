// Every error the HTTP edge can answer, in one table, and the one mapping from the errors of the
// layers below (OcppRpcError, StoreError, fastify's FST_ERR_*) to it. Bodies are RFC 9457 problem
// details; `code` is the stable, documented identifier clients switch on. A client never sees a
// stack trace or an internal message: anything not in these tables becomes `internal_error`.
import { OcppRpcError } from '../ocpp/rpc-error.js';
import { StoreError, type StoreErrorCode } from '../store/errors.js';
import { CaError, type CaErrorCode } from '../ca/ca-error.js';

export const API_ERRORS = {
  validation_failed: { status: 400, title: 'Request validation failed', detail: 'The request does not match its schema' },
  malformed_request: { status: 400, title: 'Malformed request', detail: 'The request could not be read' },
  invalid_payload: { status: 400, title: 'OCPP payload rejected', detail: 'The payload does not match the OCPP 2.0.1 request schema; nothing was sent' },
  // RFC 6749 §5.2 error codes, answered by the token endpoint in the OAuth format.
  invalid_request: { status: 400, title: 'Invalid token request', detail: 'The token request is malformed' },
  unsupported_grant_type: { status: 400, title: 'Unsupported grant type', detail: 'Only grant_type=client_credentials is supported' },
  invalid_scope: { status: 400, title: 'Invalid scope', detail: 'The requested scope is malformed or exceeds the scope granted to the client' },
  invalid_client: { status: 401, title: 'Client authentication failed', detail: 'Unknown client, wrong secret, or no client authentication' },
  // RFC 6750 §3.1 error codes for protected resources.
  unauthorized: { status: 401, title: 'Authentication required', detail: 'Send an access token in the Authorization header (Bearer)' },
  invalid_token: { status: 401, title: 'Invalid access token', detail: 'The access token is malformed, expired, revoked or not for this API' },
  insufficient_scope: { status: 403, title: 'Insufficient scope', detail: 'The access token lacks the scope this operation needs' },
  route_not_found: { status: 404, title: 'Not found', detail: 'No such resource' },
  station_not_found: { status: 404, title: 'Station not found', detail: 'No station is registered with this id' },
  unknown_action: { status: 404, title: 'Unknown action', detail: 'Not an OCPP 2.0.1 action the CSMS can send to a station' },
  ca_not_found: { status: 404, title: 'CA not found', detail: 'No CA is operated with this id' },
  certificate_not_found: { status: 404, title: 'Certificate not found', detail: 'No issued certificate has this serial number' },
  csr_rejected: { status: 400, title: 'CSR rejected', detail: 'The certificate signing request does not meet the profile; see defects' },
  certificate_request_invalid: { status: 400, title: 'Certificate request invalid', detail: 'The request cannot be issued as asked' },
  profile_not_issued: { status: 409, title: 'Profile not issued by this CA', detail: 'This CA does not issue certificates of this profile' },
  lint_failed: { status: 422, title: 'Certificate failed its profile lint', detail: 'The certificate would break its profile; nothing was signed' },
  ca_exists: { status: 409, title: 'CA exists', detail: 'A CA with this id exists' },
  ca_key_unavailable: { status: 503, title: 'CA key unavailable', detail: 'The CA key cannot be loaded; check the key-encryption key configuration' },
  password_rejected: { status: 400, title: 'Password rejected', detail: 'A station password is 16 to 40 printable characters (OCPP 2.0.1 BasicAuthPassword)' },
  password_change_refused: { status: 409, title: 'Password change refused by the station', detail: 'The station did not accept SetVariables SecurityCtrlr.BasicAuthPassword; the stored password is unchanged' },
  profile_not_upgrade: { status: 409, title: 'Not a security profile upgrade', detail: 'A05 only raises a station\'s security profile; lowering it is refused' },
  profile_precondition: { status: 409, title: 'Security profile precondition unmet', detail: 'The station lacks what the new profile needs (a password for 2, a valid station certificate for 3)' },
  profile_change_refused: { status: 409, title: 'Security profile change refused by the station', detail: 'The station did not accept the new network profile; its registered profile is unchanged' },
  station_exists: { status: 409, title: 'Station exists', detail: 'A station with this id is already registered' },
  station_not_connected: { status: 409, title: 'Station not connected', detail: 'The station has no open OCPP connection' },
  payload_too_large: { status: 413, title: 'Payload too large', detail: 'The request body exceeds the size limit' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', detail: 'Send the body as application/json' },
  internal_error: { status: 500, title: 'Internal error', detail: 'The request could not be completed; the error was logged' },
  connection_closed: { status: 502, title: 'Connection closed', detail: 'The station connection closed before it answered' },
  invalid_response: { status: 502, title: 'Invalid station response', detail: 'The station answered with a payload that does not match the OCPP 2.0.1 schema' },
  queue_full: { status: 503, title: 'Call queue full', detail: 'Too many CALLs are waiting for this station; retry later' },
  service_unavailable: { status: 503, title: 'Service unavailable', detail: 'A backing service is unavailable; retry later' },
  call_timeout: { status: 504, title: 'Call timeout', detail: 'The station did not answer in time' },
} as const satisfies Record<string, { status: number; title: string; detail: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** One location that failed schema validation (`in` is body, querystring, params or headers). */
export interface ValidationIssue {
  in: string;
  path: string;
  message: string;
}

/** RFC 9457 problem details plus our members: code, errors (validation), violation (OCPP schema). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ApiErrorCode;
  errors?: ValidationIssue[];
  violation?: unknown;
  /** Named defects of a CSR or lint findings (csr_rejected, lint_failed). */
  defects?: { code: string; detail: string }[];
}

type ProblemExtras = Pick<Problem, 'errors' | 'violation' | 'defects'>;

/** The edge's one error type: thrown by routes and hooks, answered by the error handler. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly detail: string = API_ERRORS[code].detail,
    readonly extras: ProblemExtras = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

// RFC 9457 §3.1.1: a URI identifying the problem type. Not dereferenceable; the code is the key.
export function problemType(code: ApiErrorCode): string {
  return `urn:plugtrust:problem:${code}`;
}

export function buildProblem(code: ApiErrorCode, detail: string = API_ERRORS[code].detail, extras: ProblemExtras = {}): Problem {
  const { status, title } = API_ERRORS[code];
  return { type: problemType(code), title, status, detail, code, ...extras };
}

/** OcppRpcError code -> API error. Typed on the full union, so a new code fails to compile here. */
export const CALL_FAILURE_ERRORS: Readonly<Record<OcppRpcError['code'], ApiErrorCode>> = {
  StationNotConnected: 'station_not_connected',
  CallTimeout: 'call_timeout',
  InvalidPayload: 'invalid_payload',
  UnknownAction: 'unknown_action',
  QueueFull: 'queue_full',
  ConnectionClosed: 'connection_closed',
  InvalidResponse: 'invalid_response',
  // The bus answers a station's CALLERROR as a value, never by throwing; should a wire code reach us
  // as an exception anyway, the exchange with the station failed.
  FormatViolation: 'invalid_response',
  GenericError: 'invalid_response',
  InternalError: 'invalid_response',
  MessageTypeNotSupported: 'invalid_response',
  NotImplemented: 'invalid_response',
  NotSupported: 'invalid_response',
  OccurrenceConstraintViolation: 'invalid_response',
  PropertyConstraintViolation: 'invalid_response',
  ProtocolError: 'invalid_response',
  RpcFrameworkError: 'invalid_response',
  SecurityError: 'invalid_response',
  TypeConstraintViolation: 'invalid_response',
};

/** StoreError code -> API error. Routes handle the expected ones (a conflict on create) themselves. */
export const STORE_ERRORS: Readonly<Record<StoreErrorCode, ApiErrorCode>> = {
  STORE_UNAVAILABLE: 'service_unavailable',
  STORE_CONFLICT: 'internal_error',
  STORE_CONSTRAINT: 'internal_error',
  STORE_MIGRATION: 'internal_error',
  STORE_QUERY: 'internal_error',
};

/** CaError code -> API error; details (CSR defects, lint findings) go out as `defects`. */
export const CA_ERRORS: Readonly<Record<CaErrorCode, ApiErrorCode>> = {
  CA_KEK_MISSING: 'ca_key_unavailable',
  CA_KEK_INVALID: 'ca_key_unavailable',
  CA_KEK_MISMATCH: 'ca_key_unavailable',
  CA_KEY_UNAVAILABLE: 'ca_key_unavailable',
  CA_ISSUER_UNKNOWN: 'ca_not_found',
  CA_ISSUER_EXISTS: 'ca_exists',
  CA_PROFILE_MISMATCH: 'profile_not_issued',
  CA_REQUEST_INVALID: 'certificate_request_invalid',
  CA_LINT_FAILED: 'lint_failed',
  CA_CERTIFICATE_UNKNOWN: 'certificate_not_found',
  CA_IMPORT_INVALID: 'certificate_request_invalid',
};

/** Codes whose CaError message describes the client's own request and may be shown. */
const CA_FORWARDED: ReadonlySet<CaErrorCode> = new Set(['CA_ISSUER_UNKNOWN', 'CA_PROFILE_MISMATCH', 'CA_REQUEST_INVALID', 'CA_LINT_FAILED', 'CA_CERTIFICATE_UNKNOWN', 'CA_ISSUER_EXISTS', 'CA_IMPORT_INVALID']);

/** fastify's own client errors (FST_ERR_*) -> API error, with a detail that names what was wrong. */
export const FASTIFY_ERRORS: Readonly<Record<string, { code: ApiErrorCode; detail?: string }>> = {
  FST_ERR_VALIDATION: { code: 'validation_failed' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'malformed_request', detail: 'The body size does not match Content-Length' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'malformed_request', detail: 'The body is empty but Content-Type is application/json' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'malformed_request', detail: 'The body is not valid JSON' },
  FST_ERR_BAD_URL: { code: 'malformed_request', detail: 'The URL cannot be decoded' },
};

// OcppRpcError details are forwarded only where they describe the client's own payload (or the
// station's answer), which is what the operator needs to fix the request.
const FORWARDED_DETAILS: ReadonlySet<OcppRpcError['code']> = new Set(['InvalidPayload', 'InvalidResponse']);

interface FastifyValidationError {
  code: 'FST_ERR_VALIDATION';
  validation: readonly { instancePath: string; message?: string | undefined; params: Record<string, unknown> }[];
  validationContext?: string;
}

function isFastifyValidationError(err: unknown): err is FastifyValidationError {
  return typeof err === 'object' && err !== null && Array.isArray((err as { validation?: unknown }).validation);
}

/** ajv reports a missing or an unknown property at its parent; name the property itself. */
export function validationIssues(err: FastifyValidationError): ValidationIssue[] {
  return err.validation.map((v) => {
    const name = v.params.missingProperty ?? v.params.additionalProperty;
    const path = typeof name === 'string' ? `${v.instancePath}/${name}` : v.instancePath;
    return { in: err.validationContext ?? 'request', path: path === '' ? '/' : path, message: v.message ?? 'is invalid' };
  });
}

export function problemFromError(err: unknown): Problem {
  if (err instanceof ApiError) return buildProblem(err.code, err.detail, err.extras);
  if (err instanceof OcppRpcError) {
    const extras = FORWARDED_DETAILS.has(err.code) ? { violation: err.details } : {};
    return buildProblem(CALL_FAILURE_ERRORS[err.code], undefined, extras);
  }
  if (err instanceof StoreError) return buildProblem(STORE_ERRORS[err.code]);
  if (err instanceof CaError) {
    const forward = CA_FORWARDED.has(err.code);
    return buildProblem(CA_ERRORS[err.code], forward ? err.message : undefined, forward && err.details ? { defects: [...err.details] } : {});
  }
  if (isFastifyValidationError(err)) {
    const errors = validationIssues(err);
    const first = errors[0];
    const detail = first ? `${first.in}${first.path === '/' ? '' : first.path} ${first.message}` : undefined;
    return buildProblem('validation_failed', detail, { errors });
  }
  const fastifyCode = (err as { code?: unknown } | null)?.code;
  if (typeof fastifyCode === 'string' && Object.hasOwn(FASTIFY_ERRORS, fastifyCode)) {
    const known = FASTIFY_ERRORS[fastifyCode];
    if (known) return buildProblem(known.code, known.detail);
  }
  // Any other client error fastify raises (statusCode 4xx) is still the client's fault.
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return buildProblem('malformed_request');
  return buildProblem('internal_error');
}
