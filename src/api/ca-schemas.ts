// Request and response schemas of the CA routes (ajv for requests, OpenAPI for the document).
import { PROFILES } from '../../pki/profiles/index.js';
import { REVOCATION_REASONS } from '../ca/revoke-certificate.js';
import { limitSchema } from './common-schemas.js';

const serial = { type: 'string', pattern: '^[0-9a-fA-F]{18,40}$', description: 'Serial number, hex (9 to 20 octets)' } as const;
const pem = { type: 'string', description: 'PEM' } as const;

export const issuerSchema = {
  type: 'object',
  required: ['id', 'profile', 'parentId', 'subject', 'notBefore', 'notAfter', 'imported', 'lab', 'hasOcspSigner', 'certificate', 'chain'],
  properties: {
    id: { type: 'string' },
    profile: { type: 'string' },
    parentId: { type: ['string', 'null'] },
    subject: { type: 'string' },
    notBefore: { type: 'string', format: 'date-time' },
    notAfter: { type: 'string', format: 'date-time' },
    imported: { type: 'boolean' },
    lab: { type: 'boolean' },
    hasOcspSigner: { type: 'boolean' },
    certificate: pem,
    chain: { ...pem, description: 'The CA certificate and its issuers up to the root, PEM' },
    crlUrl: { type: 'string' },
  },
} as const;

export const issuerListSchema = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: issuerSchema } } } as const;

export const certificateSchema = {
  type: 'object',
  required: ['serial', 'issuerId', 'profile', 'status', 'subject', 'identity', 'notBefore', 'notAfter', 'requestedBy', 'revokedAt', 'revocationReason'],
  properties: {
    serial: { type: 'string' },
    issuerId: { type: 'string' },
    profile: { type: 'string' },
    status: { type: 'string', enum: ['reserved', 'signing', 'issued', 'failed', 'revoked'] },
    subject: { type: ['string', 'null'] },
    identity: { type: ['string', 'null'] },
    notBefore: { type: ['string', 'null'], format: 'date-time' },
    notAfter: { type: ['string', 'null'], format: 'date-time' },
    requestedBy: { type: 'string' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    revocationReason: { type: ['string', 'null'] },
    certificate: pem,
  },
} as const;

export const certificateListSchema = { type: 'object', required: ['items', 'nextAfter'], properties: { items: { type: 'array', items: certificateSchema }, nextAfter: { type: ['string', 'null'] } } } as const;

export const issueBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['issuerId', 'profile', 'csr'],
  properties: {
    issuerId: { type: 'string', minLength: 1, maxLength: 63 },
    profile: { type: 'string', enum: Object.keys(PROFILES) },
    csr: { type: 'string', minLength: 1, maxLength: 65536, description: 'PKCS#10 request, PEM' },
    identity: { type: 'string', minLength: 1, maxLength: 255, description: 'The identity the certificate is bound to; when given, the CSR CN must equal it' },
    organization: { type: 'string', minLength: 1, maxLength: 64, description: 'When given, the CSR O must equal it' },
    validityDays: { type: 'integer', minimum: 1, maximum: 36500 },
    dnsNames: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 253 } },
    ipAddresses: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 2, maxLength: 45 } },
  },
} as const;

export interface IssueBody {
  issuerId: string;
  profile: keyof typeof PROFILES;
  csr: string;
  identity?: string;
  organization?: string;
  validityDays?: number;
  dnsNames?: string[];
  ipAddresses?: string[];
}

export const issuedSchema = {
  type: 'object',
  required: ['serial', 'issuerId', 'profile', 'notBefore', 'notAfter', 'certificate', 'chain'],
  properties: { serial: { type: 'string' }, issuerId: { type: 'string' }, profile: { type: 'string' }, notBefore: { type: 'string', format: 'date-time' }, notAfter: { type: 'string', format: 'date-time' }, certificate: pem, chain: pem },
} as const;

export const revokeBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { reason: { type: 'string', enum: [...REVOCATION_REASONS], default: 'unspecified', description: 'RFC 5280 5.3.1 reason' } },
} as const;

export const revocationSchema = {
  type: 'object',
  required: ['serial', 'issuerId', 'revokedAt', 'reason', 'changed'],
  properties: { serial: { type: 'string' }, issuerId: { type: 'string' }, revokedAt: { type: 'string', format: 'date-time' }, reason: { type: ['string', 'null'] }, changed: { type: 'boolean', description: 'False when it was already revoked; the first revocation stands' } },
} as const;

export const serialParamsSchema = { type: 'object', required: ['serial'], properties: { serial } } as const;
export const issuerParamsSchema = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } } } as const;

export const listCertificatesQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    issuerId: { type: 'string', maxLength: 63 },
    profile: { type: 'string', enum: Object.keys(PROFILES) },
    identity: { type: 'string', maxLength: 255 },
    status: { type: 'string', enum: ['reserved', 'signing', 'issued', 'failed'] },
    after: serial,
    limit: limitSchema,
  },
} as const;

export interface ListCertificatesQuery {
  issuerId?: string;
  profile?: string;
  identity?: string;
  status?: 'reserved' | 'signing' | 'issued' | 'failed';
  after?: string;
  limit: number;
}

export const auditQuerySchema = { type: 'object', additionalProperties: false, properties: { limit: limitSchema, serial } } as const;

export const auditListSchema = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['seq', 'at', 'actor', 'action', 'decision', 'issuerId', 'serial', 'profile', 'detail', 'hash'],
        properties: { seq: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actor: { type: 'string' }, action: { type: 'string' }, decision: { type: 'string' }, issuerId: { type: ['string', 'null'] }, serial: { type: ['string', 'null'] }, profile: { type: ['string', 'null'] }, detail: { type: 'object', additionalProperties: true }, hash: { type: 'string' } },
      },
    },
  },
} as const;
