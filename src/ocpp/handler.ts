// What the router hands a business handler, and what a handler is. The OCPP layer knows no
// business rules: it only finds the handler for an action and frames what it returns.
import type { RegistrationStatus } from '../store/stations.js';

/** Per-connection state that handlers may read and, for BootNotification, change. */
export interface StationSession {
  readonly stationId: string;
  registrationStatus: RegistrationStatus;
  readonly remoteAddress: string | null;
}

export interface CallContext {
  readonly session: StationSession;
  readonly messageId: string;
  readonly receivedAt: Date;
}

/** Returns the CALLRESULT payload, or throws OcppRpcError with an OCPP error code. */
export type CallHandler = (ctx: CallContext, payload: never) => Promise<object> | object;

/** Every station-initiated action, mapped to its handler or to null (answered NotImplemented). */
export type RouteTable<A extends string> = Readonly<Record<A, CallHandler | null>>;
