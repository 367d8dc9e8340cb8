// JSON schemas of the station certificate inventory routes (OCPP 2.0.1 M03-M05).
import { dateTime, nullableDateTime, nullableString } from './common-schemas.js';

export const INSTALL_USES = ['V2GRootCertificate', 'MORootCertificate', 'CSMSRootCertificate', 'ManufacturerRootCertificate'] as const;
export const INSTALLED_TYPES = ['V2GRootCertificate', 'MORootCertificate', 'CSMSRootCertificate', 'V2GCertificateChain', 'ManufacturerRootCertificate'] as const;

/** CertificateHashDataType (OCPP 2.0.1), as the station reports it. */
export const hashDataSchema = {
  type: 'object',
  required: ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber'],
  additionalProperties: false,
  properties: {
    hashAlgorithm: { type: 'string', enum: ['SHA256', 'SHA384', 'SHA512'] },
    issuerNameHash: { type: 'string', pattern: '^[0-9A-Fa-f]{1,128}$', description: 'Hash of the issuer DN (DER), hex' },
    issuerKeyHash: { type: 'string', pattern: '^[0-9A-Fa-f]{1,128}$', description: "Hash of the issuer's public key BIT STRING value, hex" },
    serialNumber: { type: 'string', pattern: '^[0-9A-Fa-f]{1,40}$', description: 'Serial number, hex without leading zeroes' },
  },
} as const;

/** The same, as stored: whatever the station sent (its own schema already checked). */
const storedHashDataSchema = {
  type: 'object',
  required: ['hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'serialNumber'],
  properties: { hashAlgorithm: { type: 'string' }, issuerNameHash: { type: 'string' }, issuerKeyHash: { type: 'string' }, serialNumber: { type: 'string' } },
} as const;

const entryProperties = {
  id: { type: 'string' },
  certificateType: { type: 'string', enum: INSTALLED_TYPES },
  hashData: storedHashDataSchema,
  reportedAt: dateTime,
  subject: { ...nullableString, description: 'Known when we installed the certificate or our CA issued it' },
  notAfter: nullableDateTime,
} as const;

export const inventorySchema = {
  type: 'object',
  required: ['stationId', 'reads', 'certificates'],
  properties: {
    stationId: { type: 'string' },
    reads: {
      type: 'array',
      description: 'When each certificate type was last read with GetInstalledCertificateIds, and the answer',
      items: { type: 'object', required: ['certificateType', 'readAt', 'status'], properties: { certificateType: { type: 'string' }, readAt: dateTime, status: { type: 'string' } } },
    },
    certificates: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'certificateType', 'hashData', 'reportedAt', 'subject', 'notAfter', 'children'],
        properties: {
          ...entryProperties,
          children: { type: 'array', description: 'childCertificateHashData of a V2GCertificateChain', items: { type: 'object', required: ['id', 'hashData'], properties: entryProperties } },
        },
      },
    },
  },
} as const;

const statusInfoSchema = { type: ['object', 'null'], properties: { reasonCode: { type: 'string' }, additionalInfo: { type: 'string' } } } as const;
const callErrorSchema = { type: ['object', 'null'], description: "The station's CALLERROR, when it answered with one", properties: { code: { type: 'string' }, description: { type: 'string' } } } as const;

/** The station's answer: status (and statusInfo) or its CALLERROR (the HTTP exchange succeeded either way). */
export const stationAnswerSchema = {
  type: 'object',
  required: ['status', 'statusInfo', 'callError'],
  properties: { status: nullableString, statusInfo: statusInfoSchema, callError: callErrorSchema },
} as const;

export const installBodySchema = {
  type: 'object',
  required: ['certificateType', 'certificate'],
  additionalProperties: false,
  properties: {
    certificateType: { type: 'string', enum: INSTALL_USES, description: 'InstallCertificateUseEnumType' },
    certificate: { type: 'string', minLength: 1, maxLength: 5500, description: 'One PEM encoded self-signed CA certificate' },
  },
} as const;

export const installResultSchema = {
  type: 'object',
  required: [...stationAnswerSchema.required, 'hashData', 'requiredStores'],
  properties: {
    ...stationAnswerSchema.properties,
    hashData: { ...storedHashDataSchema, description: 'How the station names it (SHA256), for GetInstalledCertificateIds and DeleteCertificate' },
    requiredStores: { type: 'array', items: { type: 'string' }, description: 'Every store this root must reach for Plug & Charge (a V2G root also goes to MORootCertificate); a campaign installs into all of them' },
  },
} as const;

export const deleteBodySchema = {
  type: 'object',
  required: ['certificateHashData'],
  additionalProperties: false,
  properties: { certificateHashData: hashDataSchema },
} as const;

export const refreshBodySchema = {
  type: 'object',
  description: 'Send {} to read every certificate type',
  additionalProperties: false,
  properties: { certificateTypes: { type: 'array', uniqueItems: true, minItems: 1, items: { type: 'string', enum: INSTALLED_TYPES }, description: 'Omitted: every type' } },
} as const;

export const refreshResultSchema = {
  type: 'object',
  required: [...stationAnswerSchema.required, 'inventory'],
  properties: { ...stationAnswerSchema.properties, inventory: inventorySchema },
} as const;
