// Request and response schemas shared by the operator's contract routes and the eMSP API.
import { CONTRACT_REVOCATION_REASONS } from '../contracts/contract-service.js';
import { limitSchema } from './common-schemas.js';

const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;
const pem = { type: 'string', maxLength: 65536, description: 'PEM' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;

export const emaidInput = {
  type: 'string',
  minLength: 14,
  maxLength: 18,
  description: 'eMAID (ISO 15118-2 Annex H / DIN SPEC 91286): DE8AA001234567, DE-8AA-CA2B3C4D5-L; a check digit, when given, must be correct',
} as const;
export const pcidsInput = { type: 'array', minItems: 1, maxItems: 32, items: { type: 'string', minLength: 1, maxLength: 64 }, description: 'Provisioning certificate ids (PCIDs, 17 or 18 alphanumerics) of the EVs the contract may be installed in' } as const;

export const createContractBody = {
  type: 'object',
  required: ['emaid', 'pcids'],
  additionalProperties: false,
  properties: { emaid: emaidInput, pcids: pcidsInput, validityDays: { type: 'integer', minimum: 1, maximum: 730, description: 'Default 365 (ISO 15118-2 Annex F Table F.4: at most 2 years)' } },
} as const;

export const uploadContractBody = {
  type: 'object',
  required: ['pcids', 'certificate', 'privateKey'],
  additionalProperties: false,
  properties: {
    emaid: { ...emaidInput, description: "Optional; when given it must be the certificate's CN" },
    pcids: pcidsInput,
    certificate: { ...pem, description: 'The contract certificate, PEM' },
    chain: { ...pem, description: 'Its sub-CAs, issuer first, PEM (the MO root may end it); empty when the MO root issued it' },
    privateKey: { ...pem, description: 'Its private key: unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY); stored encrypted under the key-encryption key' },
  },
} as const;

export const revokeContractBody = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', enum: [...CONTRACT_REVOCATION_REASONS], default: 'cessationOfOperation', description: 'RFC 5280 5.3.1 reason' } },
} as const;

export const contractParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { ...uuid, description: 'Contract id' } } } as const;

export const listContractsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: limitSchema, after: { ...uuid, description: 'nextAfter of the previous page' } },
} as const;

export const listEventsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: limitSchema, after: { type: 'string', pattern: '^[0-9]{1,18}$', description: 'Id of the last event seen (poll from there)' } },
} as const;

export const contractSchema = {
  type: 'object',
  required: ['id', 'emspId', 'emaid', 'pcids', 'origin', 'status', 'serial', 'certificate', 'chain', 'moRoot', 'notBefore', 'notAfter', 'createdAt', 'revokedAt', 'revocationReason', 'deletedAt'],
  properties: {
    id: { type: 'string' },
    emspId: { type: 'string' },
    emaid: { type: 'string', description: 'Normalized: upper case, no separators' },
    pcids: { type: 'array', items: { type: 'string' } },
    origin: { type: 'string', enum: ['issued', 'uploaded'] },
    status: { type: 'string', enum: ['active', 'expired', 'revoked', 'deleted'] },
    serial: { type: ['string', 'null'], description: 'Serial (hex) of a certificate our MO CA issued' },
    certificate: pem,
    chain: { ...pem, description: 'Sub-CAs, issuer first, without the MO root' },
    moRoot: pem,
    notBefore: dateTime,
    notAfter: dateTime,
    createdAt: dateTime,
    revokedAt: nullableDateTime,
    revocationReason: { type: ['string', 'null'] },
    deletedAt: nullableDateTime,
  },
} as const;

export const contractListSchema = {
  type: 'object',
  required: ['items', 'nextAfter'],
  properties: { items: { type: 'array', items: contractSchema }, nextAfter: { type: ['string', 'null'] } },
} as const;

export const eventSchema = {
  type: 'object',
  required: ['id', 'kind', 'contractId', 'at', 'stationId', 'detail'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['created', 'installed', 'installation_failed', 'revoked', 'deleted'] },
    contractId: { type: ['string', 'null'] },
    at: dateTime,
    stationId: { type: ['string', 'null'] },
    detail: { type: ['object', 'null'], additionalProperties: true },
  },
} as const;

export const eventListSchema = {
  type: 'object',
  required: ['items', 'nextAfter'],
  properties: { items: { type: 'array', items: eventSchema }, nextAfter: { type: ['string', 'null'], description: 'Pass as after to poll on; null when nothing new' } },
} as const;

export interface CreateContractBody {
  emaid: string;
  pcids: string[];
  validityDays?: number;
}
export interface UploadContractBody {
  emaid?: string;
  pcids: string[];
  certificate: string;
  chain?: string;
  privateKey: string;
}
export interface ListQuery {
  limit: number;
  after?: string;
}
