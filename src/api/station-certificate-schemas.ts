// Schemas of the station certificate routes (OCPP 2.0.1 A02/A03): a station's certificates with
// their expiry and renewal state, its SECC ID, and a renewal trigger.
import { SECC_ID_PATTERN } from '../../pki/profiles/secc-leaf.js';
import { dateTime, nullableString } from './common-schemas.js';

const certificateType = { type: 'string', enum: ['ChargingStationCertificate', 'V2GCertificate'] } as const;

export const RENEWAL_STATES = ['not-installed', 'valid', 'renewal-due', 'renewal-triggered', 'renewing', 'replaced', 'expired', 'revoked'] as const;
export type RenewalState = (typeof RENEWAL_STATES)[number];

const stationCertificateSchema = {
  type: 'object',
  description: 'One SignCertificate request, the decision of the registration authority, and its certificate',
  properties: {
    requestId: { type: 'string' },
    certificateType,
    receivedAt: dateTime,
    decision: { type: 'string', enum: ['Accepted', 'Rejected'] },
    reason: nullableString,
    defects: { type: ['array', 'null'], items: { type: 'object', properties: { code: { type: 'string' }, detail: { type: 'string' } } } },
    state: { type: 'string', enum: ['rejected', 'accepted', 'issued', 'installed', 'station_rejected', 'expired', 'failed'] },
    serial: nullableString,
    issuerId: nullableString,
    notBefore: { type: ['string', 'null'], format: 'date-time' },
    notAfter: { type: ['string', 'null'], format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    revocationReason: nullableString,
    stationStatus: { ...nullableString, description: "The station's CertificateSignedResponse status" },
    stationReason: nullableString,
    renewal: { type: 'string', enum: RENEWAL_STATES, description: 'For installed certificates: valid, renewal-due, renewal-triggered, renewing, replaced, expired, revoked' },
  },
} as const;

export const stationCertificatesSchema = {
  type: 'object',
  required: ['seccId', 'items'],
  properties: { seccId: nullableString, items: { type: 'array', items: stationCertificateSchema } },
} as const;

export const seccIdBodySchema = {
  type: 'object',
  required: ['seccId'],
  additionalProperties: false,
  properties: { seccId: { type: ['string', 'null'], maxLength: 64, pattern: SECC_ID_PATTERN.source, description: 'The SECC ID (ISO 15118-2 EVSE ID or ISO 15118-20 SECC ID) a V2GCertificate of this station carries in CN; null clears it' } },
} as const;

export const seccIdSchema = { type: 'object', required: ['seccId'], properties: { seccId: nullableString } } as const;

export const renewBodySchema = {
  type: 'object',
  required: ['certificateType'],
  additionalProperties: false,
  properties: { certificateType },
} as const;

export const renewResultSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', description: "The station's TriggerMessageResponse status (or CALLERROR <code>)" } },
} as const;
