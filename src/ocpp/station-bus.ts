// The one interface through which the rest of the product sends a CALL to a station and awaits
// its answer. Today one process answers it from its own connections; a multi-process deployment
// answers it through a shared engine behind the same interface, without touching callers.

/** A station's answer: its CALLRESULT payload, or its CALLERROR. */
export type CallAnswer =
  | { kind: 'result'; payload: unknown }
  | { kind: 'error'; errorCode: string; errorDescription: string; errorDetails: unknown };

export interface CallOptions {
  /** Overrides the configured response timeout for this CALL. */
  timeoutMs?: number;
}

export interface StationBus {
  /**
   * Validates the payload, queues the CALL behind any outstanding one for that station (OCPP-J
   * allows one at a time), sends it, and resolves with the station's answer. Rejects with
   * OcppRpcError (StationNotConnected, CallTimeout, ConnectionClosed, InvalidPayload,
   * InvalidResponse, UnknownAction, QueueFull) when there is no answer to give.
   */
  call(stationId: string, action: string, payload: unknown, options?: CallOptions): Promise<CallAnswer>;
  isConnected(stationId: string): boolean;
}
