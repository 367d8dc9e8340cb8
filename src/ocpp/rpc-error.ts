// The OCPP layer's error type. Codes that are OCPP-J RPC error codes go to the wire as CALLERROR;
// the others describe why a CSMS-initiated CALL could not complete and reach the API edge.
import type { OcppErrorCode } from './validation-errors.js';

export type CallFailureCode =
  | 'StationNotConnected' // no open connection for that identity
  | 'CallTimeout' // no answer within the response timeout
  | 'ConnectionClosed' // the connection closed while the CALL was queued or outstanding
  | 'InvalidPayload' // the outgoing payload failed schema validation: never sent
  | 'InvalidResponse' // the station's CALLRESULT failed schema validation
  | 'UnknownAction' // not an OCPP 2.0.1 CSMS-to-station action
  | 'QueueFull'; // too many CALLs waiting for that station

export class OcppRpcError extends Error {
  constructor(
    readonly code: OcppErrorCode | CallFailureCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'OcppRpcError';
  }
}
