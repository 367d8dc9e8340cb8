// JSON schemas of the fleet certificate report.
import { dateTime, nullableDateTime, nullableString } from './common-schemas.js';

export const REPORT_SORTS = ['notAfter', 'subject', 'stationId', 'use', 'source', 'serialNumber', 'recordedAt'] as const;

export const reportQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    source: { type: 'string', enum: ['station', 'issued'], description: 'Only what stations reported, or only what our CA issued; both when omitted' },
    expiresBefore: { type: 'string', format: 'date-time', description: 'Only certificates expiring before this instant (unknown expiry is left out)' },
    sort: { type: 'string', enum: REPORT_SORTS, default: 'notAfter' },
    order: { type: 'string', enum: ['asc', 'desc'], default: 'asc' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    offset: { type: 'integer', minimum: 0, default: 0 },
    format: { type: 'string', enum: ['json', 'csv'], description: 'csv: every matching row as text/csv (limit and offset ignored); also chosen by Accept: text/csv' },
  },
} as const;

export const REPORT_COLUMNS = ['source', 'stationId', 'use', 'child', 'subject', 'serialNumber', 'hashAlgorithm', 'issuerNameHash', 'issuerKeyHash', 'issuerId', 'identity', 'notAfter', 'expired', 'revokedAt', 'recordedAt'] as const;

export const reportSchema = {
  type: 'object',
  required: ['total', 'limit', 'offset', 'items'],
  properties: {
    total: { type: 'integer', description: 'Rows matching the filter' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: [...REPORT_COLUMNS],
        properties: {
          source: { type: 'string', enum: ['station', 'issued'] },
          stationId: { ...nullableString, description: 'The station that reported it (source station)' },
          use: { type: 'string', description: 'GetCertificateIdUseEnumType (station) or the CA profile (issued)' },
          child: { type: 'boolean', description: 'A child certificate of a V2GCertificateChain' },
          subject: { ...nullableString, description: 'Known when we installed it or our CA issued it' },
          serialNumber: { type: 'string', description: 'Hex' },
          hashAlgorithm: nullableString,
          issuerNameHash: nullableString,
          issuerKeyHash: nullableString,
          issuerId: { ...nullableString, description: 'Our issuing CA (source issued)' },
          identity: { ...nullableString, description: 'Whom we issued it to (source issued)' },
          notAfter: nullableDateTime,
          expired: { type: ['boolean', 'null'], description: 'Null when the expiry is unknown' },
          revokedAt: nullableDateTime,
          recordedAt: dateTime,
        },
      },
    },
  },
} as const;
