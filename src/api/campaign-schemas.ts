// JSON schemas of the certificate campaign routes.
import { dateTime, limitSchema, nullableDateTime, nullableString } from './common-schemas.js';
import { INSTALL_USES } from './inventory-schemas.js';

const stationId = { type: 'string', minLength: 1, maxLength: 48 } as const;

export const targetSchema = {
  description: 'Which stations: all, by vendor (and model) as reported in BootNotification, or a list; resolved once when the campaign is created',
  oneOf: [
    { type: 'object', required: ['all'], additionalProperties: false, properties: { all: { type: 'boolean', const: true } } },
    { type: 'object', required: ['vendorName'], additionalProperties: false, properties: { vendorName: { type: 'string', minLength: 1, maxLength: 50 }, model: { type: 'string', minLength: 1, maxLength: 20 } } },
    { type: 'object', required: ['stationIds'], additionalProperties: false, properties: { stationIds: { type: 'array', minItems: 1, maxItems: 100000, uniqueItems: true, items: stationId } } },
  ],
} as const;

export const createCampaignBodySchema = {
  type: 'object',
  required: ['kind', 'certificateType', 'certificate', 'target'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['install', 'remove'], description: 'install (InstallCertificate, M05) or remove (GetInstalledCertificateIds + DeleteCertificate, M03/M04)' },
    certificateType: { type: 'string', enum: INSTALL_USES, description: 'What the root is; a V2G root also reaches the MO root store (see uses)' },
    certificate: { type: 'string', minLength: 1, maxLength: 5500, description: 'One PEM encoded self-signed CA certificate' },
    target: targetSchema,
    maxAttempts: { type: 'integer', minimum: 1, maximum: 100, default: 5, description: 'Attempts without a usable answer (timeouts, transient CALLERRORs) before a station fails; offline periods do not count' },
  },
} as const;

const counts = { type: 'object', required: ['pending', 'running', 'succeeded', 'failed', 'cancelled'], properties: Object.fromEntries(['pending', 'running', 'succeeded', 'failed', 'cancelled'].map((k) => [k, { type: 'integer' }])) } as const;

export const campaignSchema = {
  type: 'object',
  required: ['id', 'kind', 'certificateType', 'uses', 'certificate', 'target', 'state', 'maxAttempts', 'createdBy', 'createdAt', 'updatedAt', 'completedAt', 'counts'],
  properties: {
    id: { type: 'string' },
    kind: { type: 'string', enum: ['install', 'remove'] },
    certificateType: { type: 'string' },
    uses: { type: 'array', items: { type: 'string' }, description: 'Every store the root is installed in or removed from, on each station' },
    certificate: {
      type: 'object',
      required: ['fingerprint', 'subject', 'serialNumber', 'notAfter'],
      properties: { fingerprint: { type: 'string', description: 'SHA-256 of the DER, hex' }, subject: nullableString, serialNumber: nullableString, notAfter: nullableDateTime },
    },
    target: { type: 'object', additionalProperties: true },
    state: { type: 'string', enum: ['running', 'paused', 'completed', 'cancelled'] },
    maxAttempts: { type: 'integer' },
    createdBy: { type: 'string' },
    createdAt: dateTime,
    updatedAt: dateTime,
    completedAt: nullableDateTime,
    counts,
  },
} as const;

export const campaignListSchema = { type: 'object', required: ['items'], properties: { items: { type: 'array', items: campaignSchema } } } as const;

export const transitionResultSchema = {
  type: 'object',
  required: ['changed', 'campaign'],
  properties: { changed: { type: 'boolean', description: 'False when the campaign was not in a state this applies to (see campaign.state)' }, campaign: campaignSchema },
} as const;

export const campaignParamsSchema = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,17}$' } } } as const;

export const pageQuerySchema = { type: 'object', additionalProperties: false, properties: { limit: limitSchema, offset: { type: 'integer', minimum: 0, default: 0 } } } as const;

export const targetsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { state: { type: 'string', enum: ['pending', 'running', 'succeeded', 'failed', 'cancelled'] }, limit: limitSchema, offset: { type: 'integer', minimum: 0, default: 0 } },
} as const;

export const targetListSchema = {
  type: 'object',
  required: ['items'],
  properties: {
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['stationId', 'state', 'outcome', 'steps', 'attempts', 'nextAttemptAt', 'lastError', 'updatedAt'],
        properties: {
          stationId: { type: 'string' },
          state: { type: 'string' },
          outcome: { ...nullableString, description: 'installed, removed, not-installed, refused, no-answer, certificate-unusable, cancelled' },
          steps: { type: 'object', additionalProperties: { type: 'string' }, description: "The station's answer per store" },
          attempts: { type: 'integer' },
          nextAttemptAt: dateTime,
          lastError: nullableString,
          updatedAt: dateTime,
        },
      },
    },
  },
} as const;
