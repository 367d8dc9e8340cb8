// ContractError -> problem+json (RFC 9457), for the operator's contract routes and the eMSP API.
// The table is typed on the full code union, so a new code fails to compile until it is mapped.
// Contract routes live in their own plugin scope whose error handler answers ContractErrors from
// this table and everything else as the rest of the API does.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ContractError, type ContractErrorCode } from '../contracts/contract-error.js';
import { API_ERRORS, problemFromError, type ApiErrorCode } from './errors.js';
import { PROBLEM_CONTENT_TYPE } from './problem-handler.js';

export const CONTRACT_PROBLEMS = {
  CONTRACT_EMAID_INVALID: { code: 'emaid_invalid', status: 400, title: 'eMAID invalid', detail: 'Not an eMAID of ISO 15118-2 Annex H / DIN SPEC 91286, or its check digit is wrong' },
  CONTRACT_EMAID_MISMATCH: { code: 'emaid_mismatch', status: 400, title: 'eMAID mismatch', detail: "The eMAID given is not the certificate's CN" },
  CONTRACT_PCID_INVALID: { code: 'pcid_invalid', status: 400, title: 'PCID invalid', detail: 'A contract is bound to 1 to 32 PCIDs of 17 or 18 letters and digits' },
  CONTRACT_VALIDITY_INVALID: { code: 'validity_invalid', status: 400, title: 'Validity invalid', detail: 'validityDays is outside the contract certificate profile' },
  CONTRACT_EMSP_UNKNOWN: { code: 'emsp_not_found', status: 404, title: 'eMSP not found', detail: 'No eMSP has this id' },
  CONTRACT_EMSP_INVALID: { code: 'emsp_invalid', status: 400, title: 'eMSP invalid', detail: 'The eMSP id or name is malformed' },
  CONTRACT_EMSP_EXISTS: { code: 'emsp_exists', status: 409, title: 'eMSP exists', detail: 'An eMSP with this id exists' },
  CONTRACT_NOT_FOUND: { code: 'contract_not_found', status: 404, title: 'Contract not found', detail: 'No contract has this id' },
  CONTRACT_REVOKED: { code: 'contract_revoked', status: 409, title: 'Contract revoked', detail: 'The contract is revoked already' },
  CONTRACT_REASON_INVALID: { code: 'revocation_reason_invalid', status: 400, title: 'Revocation reason invalid', detail: 'Not a revocation reason for contract certificates' },
  CONTRACT_CERTIFICATE_INVALID: { code: 'contract_certificate_invalid', status: 400, title: 'Contract certificate invalid', detail: 'The certificate cannot be read or is not a contract certificate; see defects' },
  CONTRACT_CHAIN_UNTRUSTED: { code: 'contract_chain_untrusted', status: 422, title: 'Contract chain untrusted', detail: 'The chain does not validate against the configured MO roots; see defects' },
  CONTRACT_KEY_INVALID: { code: 'contract_key_invalid', status: 400, title: 'Contract key invalid', detail: 'The private key is not an unencrypted PKCS#8 EC P-256 key' },
  CONTRACT_KEY_MISMATCH: { code: 'contract_key_mismatch', status: 400, title: 'Contract key mismatch', detail: 'The private key does not belong to the certificate' },
  CONTRACT_ISSUER_UNAVAILABLE: { code: 'contract_issuer_unavailable', status: 503, title: 'Contract issuer unavailable', detail: 'The MO Sub-CA that issues contract certificates is not operated here' },
  CONTRACT_KEY_UNAVAILABLE: { code: 'contract_key_unavailable', status: 503, title: 'Contract key unavailable', detail: 'The contract key cannot be decrypted; check the key-encryption key configuration' },
  EMSP_CLIENT_EXISTS: { code: 'emsp_client_exists', status: 409, title: 'eMSP client exists', detail: 'An eMSP API client with this id exists' },
  EMSP_CLIENT_NOT_FOUND: { code: 'emsp_client_not_found', status: 404, title: 'eMSP client not found', detail: 'No enabled eMSP API client has this id for this eMSP' },
  WEBHOOK_INVALID: { code: 'webhook_invalid', status: 400, title: 'Webhook invalid', detail: 'The webhook URL must be http or https without credentials' },
  WEBHOOK_NOT_FOUND: { code: 'webhook_not_found', status: 404, title: 'Webhook not found', detail: 'No webhook has this id' },
} as const satisfies Record<ContractErrorCode, { code: string; status: number; title: string; detail: string }>;

export type ContractProblemCode = (typeof CONTRACT_PROBLEMS)[ContractErrorCode]['code'];

/** Codes whose message may be shown: they describe the client's own input. The 503s are logged only. */
const FORWARDED: ReadonlySet<ContractErrorCode> = new Set((Object.keys(CONTRACT_PROBLEMS) as ContractErrorCode[]).filter((c) => CONTRACT_PROBLEMS[c].status < 500));

export interface ContractProblem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  defects?: { code: string; detail: string }[];
}

export function contractProblem(err: ContractError): ContractProblem {
  const p = CONTRACT_PROBLEMS[err.code];
  const forward = FORWARDED.has(err.code);
  return { type: `urn:plugtrust:problem:${p.code}`, title: p.title, status: p.status, detail: forward ? err.message : p.detail, code: p.code, ...(forward && err.details ? { defects: [...err.details] } : {}) };
}

export const CONTRACT_PROBLEM_SCHEMA_ID = 'ContractProblem';

export const contractProblemSchema = {
  $id: CONTRACT_PROBLEM_SCHEMA_ID,
  type: 'object',
  description: 'RFC 9457 problem details of the contract routes',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: [...new Set([...Object.keys(API_ERRORS), ...Object.values(CONTRACT_PROBLEMS).map((p) => p.code)])], description: 'Stable error code' },
    errors: { type: 'array', items: { type: 'object', properties: { in: { type: 'string' }, path: { type: 'string' }, message: { type: 'string' } } } },
    defects: { type: 'array', items: { type: 'object', required: ['code', 'detail'], properties: { code: { type: 'string' }, detail: { type: 'string' } } } },
  },
} as const;

/** Error responses for the OpenAPI document: API codes and contract codes, grouped by status. */
export function contractResponses(apiCodes: readonly ApiErrorCode[], contractCodes: readonly ContractErrorCode[]): Record<number, object> {
  const byStatus = new Map<number, string[]>();
  const add = (status: number, code: string): void => void byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  for (const c of [...apiCodes, 'internal_error' as const]) add(API_ERRORS[c].status, c);
  for (const c of contractCodes) add(CONTRACT_PROBLEMS[c].status, CONTRACT_PROBLEMS[c].code);
  const out: Record<number, object> = {};
  for (const [status, codes] of byStatus) out[status] = { description: [...new Set(codes)].join(', '), content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `${CONTRACT_PROBLEM_SCHEMA_ID}#` } } } };
  return out;
}

/** The error handler of a contract route scope. */
export function handleContractErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError | ContractError, req: FastifyRequest, reply: FastifyReply) => {
    const problem = err instanceof ContractError ? contractProblem(err) : problemFromError(err);
    if (problem.status >= 500) req.log.error({ err, code: problem.code }, 'request failed');
    else req.log.info({ code: problem.code, status: problem.status }, 'request refused');
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
}
