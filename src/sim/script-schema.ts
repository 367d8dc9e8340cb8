// The simulator's script format, as one JSON Schema (draft-07) checked by ajv. A script is a
// station id and a list of steps; each step has exactly one kind key, and CALL-sending steps may
// carry an `expect`. Boot and send fields are deliberately loose (no OCPP length limits): scripts
// exist to show the CSMS payloads it must refuse.
import { BOOT_REASONS, CONNECTOR_STATUSES, type BootReason, type ConnectorStatus } from './ocpp-messages.js';

export interface Expectation {
  /** The answer is a CALLRESULT whose payload.status is this. */
  status?: string;
  /** The answer is a CALLERROR with this error code. */
  errorCode?: string;
  /** The answer carries this message id (e.g. "-1" for an unreadable frame). */
  messageId?: string;
  /** Every field given here is in the CALLRESULT payload with the same value (deep subset). */
  payload?: Record<string, unknown>;
}

export interface BootStep {
  reason?: BootReason;
  vendorName?: string;
  model?: string;
  serialNumber?: string;
  firmwareVersion?: string;
}

export interface StatusStep {
  evseId: number;
  connectorId: number;
  connectorStatus: ConnectorStatus;
  /** Defaults to the time the step runs. */
  timestamp?: string;
}

export type ScriptStep =
  | { boot: BootStep; expect?: Expectation }
  | { send: { action: string; payload?: Record<string, unknown> }; expect?: Expectation }
  | { status: StatusStep; expect?: Expectation }
  | { heartbeat: Record<string, never>; expect?: Expectation }
  | { raw: string; expect?: Expectation }
  | { wait: { ms: number } }
  | { disconnect: { code?: number; reason?: string } }
  | { reconnect: { delayMs?: number } };

export interface SimScript {
  $schema?: string;
  description?: string;
  stationId?: string;
  steps: ScriptStep[];
}

/** Step kinds that send a frame and so may have an `expect`. */
export const CALL_STEP_KINDS = ['boot', 'send', 'status', 'heartbeat', 'raw'] as const;
export const STEP_KINDS = [...CALL_STEP_KINDS, 'wait', 'disconnect', 'reconnect'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

const object = (properties: Record<string, object>, required: string[] = []): object => ({ type: 'object', additionalProperties: false, properties, required });
const text = { type: 'string' };
const count = { type: 'integer', minimum: 0 };

// Printable ASCII without ':' and '/', at most 48 characters (OCPP 2.0.1 Part 4 §3.1.1 and §3.2).
export const STATION_ID_PATTERN = '^[!-.0-9;-~]{1,48}$';

export const SCRIPT_SCHEMA = {
  $id: 'https://plugtrust.dev/schemas/sim-script.json',
  title: 'plugtrust sim script',
  type: 'object',
  additionalProperties: false,
  required: ['steps'],
  properties: {
    $schema: text,
    description: text,
    stationId: { type: 'string', pattern: STATION_ID_PATTERN },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          boot: object({ reason: { enum: BOOT_REASONS }, vendorName: text, model: text, serialNumber: text, firmwareVersion: text }),
          send: object({ action: { type: 'string', minLength: 1 }, payload: { type: 'object' } }, ['action']),
          status: object({ evseId: count, connectorId: count, connectorStatus: { enum: CONNECTOR_STATUSES }, timestamp: { type: 'string', format: 'date-time' } }, ['evseId', 'connectorId', 'connectorStatus']),
          heartbeat: object({}),
          raw: text,
          wait: object({ ms: { type: 'integer', minimum: 0, maximum: 3_600_000 } }, ['ms']),
          disconnect: object({ code: { type: 'integer', minimum: 1000, maximum: 4999 }, reason: { type: 'string', maxLength: 123 } }),
          reconnect: object({ delayMs: { type: 'integer', minimum: 0, maximum: 3_600_000 } }),
          expect: {
            ...object({ status: text, errorCode: text, messageId: text, payload: { type: 'object' } }),
            minProperties: 1,
            // A CALLERROR has no payload: asking for both a status and an error code cannot pass.
            not: { anyOf: [{ required: ['status', 'errorCode'] }, { required: ['payload', 'errorCode'] }] },
          },
        },
        oneOf: STEP_KINDS.map((k) => ({ required: [k] })),
        if: { required: ['expect'] },
        then: { anyOf: CALL_STEP_KINDS.map((k) => ({ required: [k] })) },
      },
    },
  },
} as const;
