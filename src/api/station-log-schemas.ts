// Schemas of what stations reported (NotifyEvent, SecurityEventNotification) and of the frame log.
import { dateTime, limitSchema, nullableString } from './common-schemas.js';

const nullableInteger = { type: ['integer', 'null'] } as const;

export const limitQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: limitSchema },
} as const;

export const securityEventQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: limitSchema,
    type: { type: 'string', minLength: 1, maxLength: 50, description: 'Only events of this type (SecurityEventNotificationRequest.type, OCPP 2.0.1 Appendix 1)' },
    from: { ...dateTime, description: 'Only events that occurred at or after this instant' },
    to: { ...dateTime, description: 'Only events that occurred before this instant' },
  },
} as const;

export const frameQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: limitSchema, before: { ...dateTime, description: 'Only frames older than this instant (the previous page\'s last "at")' } },
} as const;

const stationEventSchema = {
  type: 'object',
  description: 'One eventData entry of a NotifyEventRequest (OCPP 2.0.1 N07)',
  properties: {
    generatedAt: dateTime,
    seqNo: { type: 'integer' },
    tbc: { type: 'boolean' },
    eventId: { type: 'integer' },
    eventAt: dateTime,
    trigger: { type: 'string' },
    cause: nullableInteger,
    actualValue: { type: 'string' },
    techCode: nullableString,
    techInfo: nullableString,
    cleared: { type: ['boolean', 'null'] },
    transactionId: nullableString,
    variableMonitoringId: nullableInteger,
    eventNotificationType: { type: 'string' },
    component: { type: 'object', additionalProperties: true },
    variable: { type: 'object', additionalProperties: true },
  },
} as const;

const securityEventSchema = {
  type: 'object',
  description: 'A SecurityEventNotification (A04), or a security event the CSMS raised about the station',
  properties: {
    stationId: { type: 'string' },
    source: { type: 'string', enum: ['station', 'csms'] },
    type: { type: 'string' },
    occurredAt: dateTime,
    techInfo: nullableString,
    remoteAddr: nullableString,
  },
} as const;

const frameSchema = {
  type: 'object',
  properties: {
    stationId: { type: 'string' },
    direction: { type: 'string', enum: ['in', 'out'] },
    messageType: nullableInteger,
    action: nullableString,
    messageId: nullableString,
    outcome: { ...nullableString, description: '"ok", or the CALLERROR code / rejection reason' },
    payload: { ...nullableString, description: 'The frame as received or sent (absent when payload recording is off)' },
    at: dateTime,
  },
} as const;

const itemsOf = (items: object): object => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items } } });

export const stationEventListSchema = itemsOf(stationEventSchema);
export const securityEventListSchema = itemsOf(securityEventSchema);
export const frameListSchema = itemsOf(frameSchema);
