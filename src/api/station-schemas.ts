// Schemas of the station resources: registration bodies and what the API returns.
import { dateTime, limitSchema, nullableDateTime, nullableString } from './common-schemas.js';

/**
 * Identity of a new station: 1-48 characters from A-Z a-z 0-9 "-" "." "_", and not "." or "..".
 * That is where the two OCPP-J 2.0.1 rules meet: the identity is an identifierString without ":"
 * (Part 4 §3.1.1 and its errata), and it is the last segment of the connection URL, so it should be
 * RFC 3986 unreserved characters that need no percent-encoding ("~" is unreserved but not in
 * identifierString). Dot segments are refused because URL clients collapse them. Look-ups accept
 * any 1-48 characters, so stations the OCPP server auto-registered with a wider identity stay reachable.
 */
export const NEW_STATION_ID_PATTERN = '^(?!\\.{1,2}$)[A-Za-z0-9._-]{1,48}$';

const registrationStatus = { type: 'string', enum: ['Accepted', 'Pending', 'Rejected'] } as const;
const securityProfile = { type: 'integer', minimum: 1, maximum: 3, description: 'OCPP 2.0.1 security profile (Part 2 A00)' } as const;
const description = { type: ['string', 'null'], maxLength: 500 } as const;

export interface CreateStationBody {
  id: string;
  registrationStatus: 'Accepted' | 'Pending' | 'Rejected';
  securityProfile: 1 | 2 | 3;
  description?: string | null;
}

export const createStationBodySchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: NEW_STATION_ID_PATTERN, description: 'Station identity (see NEW_STATION_ID_PATTERN)' },
    registrationStatus: { ...registrationStatus, default: 'Accepted' },
    securityProfile: { ...securityProfile, default: 1 },
    description,
  },
} as const;

export interface PatchStationBody {
  registrationStatus?: 'Accepted' | 'Pending' | 'Rejected';
  securityProfile?: 1 | 2 | 3;
  description?: string | null;
}

export const patchStationBodySchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: { registrationStatus, securityProfile, description },
} as const;

export interface ListStationsQuery {
  after?: string;
  limit: number;
  connected?: boolean;
}

export const listStationsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    after: { type: 'string', maxLength: 48, description: 'Return stations whose id sorts after this one (the previous page\'s nextAfter)' },
    limit: limitSchema,
    connected: { type: 'boolean', description: 'Only stations whose stored connection flag has this value' },
  },
} as const;

const stationProperties = {
  id: { type: 'string' },
  registrationStatus,
  securityProfile,
  autoRegistered: { type: 'boolean' },
  description: nullableString,
  vendorName: nullableString,
  model: nullableString,
  serialNumber: nullableString,
  firmwareVersion: nullableString,
  lastBootAt: nullableDateTime,
  lastBootReason: nullableString,
  lastSeenAt: nullableDateTime,
  connected: { type: 'boolean' },
  connectedAt: nullableDateTime,
  disconnectedAt: nullableDateTime,
  createdAt: dateTime,
} as const;

export const stationSchema = { type: 'object', required: Object.keys(stationProperties), properties: stationProperties } as const;

export const stationDetailSchema = {
  type: 'object',
  required: [...Object.keys(stationProperties), 'connectors'],
  properties: {
    ...stationProperties,
    connected: { type: 'boolean', description: 'Whether the station has an open OCPP connection right now' },
    connectors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['evseId', 'connectorId', 'status', 'reportedAt'],
        properties: { evseId: { type: 'integer' }, connectorId: { type: 'integer' }, status: { type: 'string' }, reportedAt: dateTime },
      },
    },
  },
} as const;

export const stationListSchema = {
  type: 'object',
  required: ['items', 'nextAfter'],
  properties: {
    items: { type: 'array', items: stationSchema },
    nextAfter: { ...nullableString, description: 'Pass as ?after= for the next page; null on the last page' },
  },
} as const;
