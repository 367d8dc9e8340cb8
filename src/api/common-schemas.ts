// JSON schemas shared by the routes: the problem body, the error responses, security requirements.
// They feed both ajv (requests) and the OpenAPI document (@fastify/swagger).
import { API_ERRORS, type ApiErrorCode } from './errors.js';
import { PROBLEM_CONTENT_TYPE } from './problem-handler.js';
import type { OperatorScope } from './scopes.js';

export const SECURITY_SCHEME = 'operatorToken';

export const PROBLEM_SCHEMA_ID = 'Problem';

/** Registered once with app.addSchema; responses refer to it, so it appears once in the document. */
export const problemSchema = {
  $id: PROBLEM_SCHEMA_ID,
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', description: 'URI of the problem type (urn:plugtrust:problem:<code>)' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(API_ERRORS), description: 'Stable error code' },
    errors: {
      type: 'array',
      description: 'Schema violations (validation_failed)',
      items: {
        type: 'object',
        required: ['in', 'path', 'message'],
        properties: { in: { type: 'string' }, path: { type: 'string', description: 'JSON pointer' }, message: { type: 'string' } },
      },
    },
    violation: { description: 'The OCPP schema violation (invalid_payload, invalid_response)' },
    defects: {
      type: 'array',
      description: 'What is wrong with a CSR (csr_rejected) or a certificate (lint_failed)',
      items: { type: 'object', required: ['code', 'detail'], properties: { code: { type: 'string' }, detail: { type: 'string' } } },
    },
  },
} as const;

/** Error responses, each described by the codes that produce it. */
export function problemResponses(...codes: ApiErrorCode[]): Record<number, object> {
  const byStatus = new Map<number, string[]>();
  for (const code of [...codes, 'internal_error' as const]) {
    const status = API_ERRORS[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, object> = {};
  for (const [status, list] of byStatus) {
    responses[status] = { description: [...new Set(list)].join(', '), content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } } } };
  }
  return responses;
}

/** Security requirement plus the error responses every protected route shares. */
export function protectedBy(scope: OperatorScope, ...codes: ApiErrorCode[]): { security: Record<string, string[]>[]; response: Record<number, object> } {
  return { security: [{ [SECURITY_SCHEME]: [scope] }], response: problemResponses('unauthorized', 'invalid_token', 'insufficient_scope', 'validation_failed', ...codes) };
}

export const limitSchema = { type: 'integer', minimum: 1, maximum: 1000, default: 100 } as const;

export const stationIdParam = { type: 'string', minLength: 1, maxLength: 48, description: 'Station identity' } as const;

export const stationParamsSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: stationIdParam },
} as const;

export const nullableString = { type: ['string', 'null'] } as const;
export const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
