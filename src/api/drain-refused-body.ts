// A request refused before its body was read (too large for the route) is answered with
// `Connection: close`. Closing a socket whose peer is still sending makes the kernel answer with
// a reset, and a client that is still writing then sees "connection reset" instead of our answer
// (curl: "Send failure"). So the answer waits until the rest of the body has arrived and been
// discarded, within bounds: past them a client that keeps sending gets the reset.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

export interface DrainLimits {
  /** Bytes read and discarded at most. */
  maxBytes: number;
  /** How long the answer may wait for the body to end. */
  maxMs: number;
}

export const DRAIN_LIMITS: DrainLimits = { maxBytes: 4 * 1024 * 1024, maxMs: 2_000 };

export type DrainOutcome = 'ended' | 'closed' | 'too-many-bytes' | 'timed-out';

/** Reads and discards what is left of a request body; settles once it ends or a bound is hit. */
export function drainRequestBody(req: IncomingMessage, limits: DrainLimits = DRAIN_LIMITS): Promise<DrainOutcome> {
  if (req.complete || req.readableEnded) return Promise.resolve('ended');
  if (req.destroyed) return Promise.resolve('closed');
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (outcome: DrainOutcome): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > limits.maxBytes) finish('too-many-bytes');
    };
    const onEnd = (): void => finish('ended');
    const onClose = (): void => finish(req.complete ? 'ended' : 'closed');
    const timer = setTimeout(() => finish('timed-out'), limits.maxMs);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onClose);
    req.resume();
  });
}

/** Every answer that closes the connection before the request body was read waits for it first. */
export function registerRefusedBodyDrain(app: FastifyInstance, limits: DrainLimits = DRAIN_LIMITS): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const raw = request.raw;
    if (raw.complete || String(reply.getHeader('connection') ?? '').toLowerCase() !== 'close') return payload;
    const outcome = await drainRequestBody(raw, limits);
    if (outcome !== 'ended') request.log.warn({ outcome, limits }, 'refused request body not drained; the connection may be reset');
    return payload;
  });
}
