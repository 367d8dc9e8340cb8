// What the operator API promises for each way a CALL can fail (README, OpenAPI): one table, used
// by the mapping's unit test and by the route test alike. A change here is an API change.
import type { ApiErrorCode } from '../../src/api/errors.js';
import type { OcppRpcError } from '../../src/ocpp/rpc-error.js';

export const CALL_FAILURES: readonly (readonly [OcppRpcError['code'], number, ApiErrorCode])[] = [
  ['StationNotConnected', 409, 'station_not_connected'],
  ['CallTimeout', 504, 'call_timeout'],
  ['InvalidPayload', 400, 'invalid_payload'],
  ['UnknownAction', 404, 'unknown_action'],
  ['QueueFull', 503, 'queue_full'],
  ['ConnectionClosed', 502, 'connection_closed'],
  ['InvalidResponse', 502, 'invalid_response'],
];
