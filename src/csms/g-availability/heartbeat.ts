// G02 Heartbeat: the CSMS's current time. Last-seen is recorded for every frame by the
// connection, in batches, so this handler touches no storage.
import type { CallHandler } from '../../ocpp/handler.js';
import type { HeartbeatResponse } from '../types.js';

export function handleHeartbeat(): CallHandler {
  return (ctx): HeartbeatResponse => ({ currentTime: ctx.receivedAt.toISOString() });
}
