// G02 Heartbeat: the CSMS's current time. Last-seen is recorded for every frame by the
// connection, in batches, so this handler touches no storage.
import type { CallHandler } from '../../ocpp/handler.js';
import type { HeartbeatResponse } from '../types.js';

export function handleHeartbeat(): CallHandler {
  // Formatting a date is a call into the runtime that cost as much as parsing the frame; busy
  // stations' heartbeats arrive many to a millisecond, so the last millisecond's text is kept.
  let lastMs = Number.NaN;
  let lastText = '';
  return (ctx): HeartbeatResponse => {
    const ms = ctx.receivedAt.getTime();
    if (ms !== lastMs) {
      lastMs = ms;
      lastText = ctx.receivedAt.toISOString();
    }
    return { currentTime: lastText };
  };
}
