// JSON schemas of the firmware routes (requests validated by ajv; responses documented in OpenAPI).
import { stationIdParam } from './common-schemas.js';

const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;
const text50 = { type: 'string', minLength: 1, maxLength: 50 } as const;
const hashAlgorithm = { type: 'string', enum: ['SHA256', 'SHA384'], default: 'SHA256', description: 'Hash the signature was computed with' } as const;
const retries = { type: 'integer', minimum: 0, maximum: 1000, description: 'UpdateFirmwareRequest.retries' } as const;
const retryInterval = { type: 'integer', minimum: 0, maximum: 86400, description: 'UpdateFirmwareRequest.retryInterval (seconds)' } as const;

export const imageParamsSchema = { type: 'object', required: ['imageId'], additionalProperties: false, properties: { imageId: uuid } } as const;
export const idParamsSchema = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', minLength: 1, maxLength: 40 } } } as const;
export const stationPublicationParamsSchema = {
  type: 'object',
  required: ['id', 'publicationId'],
  additionalProperties: false,
  properties: { id: stationIdParam, publicationId: { type: 'string', pattern: '^[1-9][0-9]{0,17}$' } },
} as const;

export const uploadQuerySchema = {
  type: 'object',
  required: ['vendor', 'version', 'models'],
  additionalProperties: false,
  properties: {
    vendor: { ...text50, description: 'Vendor, as stations report it in BootNotification vendorName' },
    version: { ...text50, description: 'Firmware version, as stations will report it in BootNotification firmwareVersion' },
    models: { type: 'string', minLength: 1, maxLength: 1000, pattern: '^[^,]{1,20}(,[^,]{1,20})*$', description: 'Comma-separated models the image fits (BootNotification model)' },
    fileName: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9._-]+$', description: 'File name shown in the download URL' },
  },
} as const;

export const manufacturerSignatureSchema = {
  type: 'object',
  required: ['signature', 'signingCertificate'],
  additionalProperties: false,
  properties: {
    signature: { type: 'string', minLength: 1, maxLength: 800, description: 'Base64 of the DER signature over the whole image (UpdateFirmware firmware.signature)' },
    signingCertificate: { type: 'string', minLength: 1, maxLength: 20000, description: 'PEM signing certificate, then any intermediates up to a configured manufacturer root' },
    hashAlgorithm,
  },
} as const;

export const policySchema = { type: 'object', required: ['allowUnsecured'], additionalProperties: false, properties: { allowUnsecured: { type: 'boolean', description: 'Allow UpdateFirmware without signature (L02) for this station' } } } as const;

export const updateBodySchema = {
  type: 'object',
  required: ['imageId'],
  additionalProperties: false,
  properties: {
    imageId: uuid,
    secure: { type: 'boolean', default: true, description: 'L01 (signature and signing certificate sent) or, when false, L02' },
    retrieveDateTime: { type: 'string', format: 'date-time' },
    installDateTime: { type: 'string', format: 'date-time' },
    retries,
    retryInterval,
  },
} as const;

export const campaignBodySchema = {
  type: 'object',
  required: ['imageId'],
  additionalProperties: false,
  properties: {
    imageId: uuid,
    filter: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        stationIds: { type: 'array', minItems: 1, maxItems: 100000, items: stationIdParam },
        vendor: text50,
        models: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 20 } },
        excludeVersion: text50,
      },
      description: "Stations targeted; by default those reporting the image's vendor and models and not its version",
    },
    waveSize: { type: 'integer', minimum: 1, maximum: 100000, default: 10 },
    maxInFlight: { type: 'integer', minimum: 1, maximum: 100000, default: 10 },
    maxFailureRatio: { type: 'number', minimum: 0, maximum: 1, default: 0.1, description: 'Pause when failed / launched (since the last resume) exceeds this' },
    secure: { type: 'boolean', default: true },
    retries,
    retryInterval,
  },
} as const;

export const publishBodySchema = { type: 'object', required: ['imageId'], additionalProperties: false, properties: { imageId: uuid, retries, retryInterval } } as const;

export const listQuerySchema = { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } } } as const;

const open = (description: string): object => ({ type: 'object', additionalProperties: true, description });
export const imageSchema = open('A firmware image and its signature');
export const jobSchema = open('A firmware update of one station, with its download progress and events');
export const campaignSchema = open('A firmware campaign and its job counts');
export const publicationSchema = open('A firmware publication on a local controller');
export const listOf = (item: object): object => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: item } } });
