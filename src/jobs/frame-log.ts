// The frame log writer: frames are appended to per-station text buffers as they pass (no object
// per frame) and written every 200 ms as one chunk row per station (a busy station's buffer is
// sealed as a chunk of its own whenever it reaches 32 KiB, so no row, and no statement, grows
// without bound). Bounded: when the database
// falls behind, new frames are dropped and counted instead of growing memory.
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { encodeFrame } from '../store/frame-chunk.js';
import type { FrameChunk, FrameRepo } from '../store/frames.js';

export interface FrameLog {
  record: (stationId: string, direction: 'in' | 'out', messageType: number | null, action: string | null, messageId: string | null, outcome: string, payload: string | null, atMs: number) => void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  parts: string[];
  first: number;
  last: number;
  bytes: number;
}

/** A station's buffer becomes a chunk of its own at this size (characters of encoded frames). */
const CHUNK_BYTES = 32 * 1024;

export interface FrameLogOptions {
  frames: FrameRepo;
  metrics: Metrics;
  log: Logger;
  retentionDays: number;
  intervalMs?: number;
  /** Frames held in memory at most; beyond it new frames are dropped and counted. */
  maxPending?: number;
  /** Chunks per INSERT statement. */
  maxChunksPerStatement?: number;
  /** Payload bytes (before deflating) per INSERT statement. */
  maxBytesPerStatement?: number;
  now?: () => Date;
}

export function startFrameLog(o: FrameLogOptions): FrameLog {
  const now = o.now ?? (() => new Date());
  const maxPending = o.maxPending ?? 200_000;
  // Statements are bounded and written one after the other, so that other statements (an
  // Authorize's contract look-up, a boot) get the connection between them: on the embedded
  // database's single connection one large frame-log statement held everything behind it for tens
  // of milliseconds.
  const perStatement = o.maxChunksPerStatement ?? 500;
  const bytesPerStatement = o.maxBytesPerStatement ?? 64 * 1024;
  let pending = new Map<string, Pending>();
  let sealed: [string, Pending][] = [];
  let pendingCount = 0;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  const write = async (batch: Iterable<[string, Pending]>, count: number): Promise<void> => {
    const chunks: FrameChunk[] = [];
    for (const [stationId, p] of batch) chunks.push({ stationId, firstAtMs: p.first, lastAtMs: p.last, count: p.parts.length, body: p.parts.join('') });
    try {
      let from = 0;
      while (from < chunks.length) {
        let to = from;
        let bytes = 0;
        while (to < chunks.length && to - from < perStatement && (to === from || bytes + chunks[to]!.body.length <= bytesPerStatement)) bytes += chunks[to++]!.body.length;
        await o.frames.insertChunks(chunks.slice(from, to));
        from = to;
      }
    } catch (err) {
      o.metrics.framesDropped.inc(count);
      o.log.warn({ err, lost: count }, 'could not write frame log batch');
    } finally {
      pendingCount -= count;
    }
  };
  const flush = (): Promise<void> => {
    if (pending.size > 0 || sealed.length > 0) {
      const batch = [...sealed, ...pending];
      const count = batch.reduce((n, [, p]) => n + p.parts.length, 0);
      pending = new Map();
      sealed = [];
      writing = writing.then(() => write(batch, count));
    }
    return writing;
  };
  const timer = setInterval(() => void flush(), o.intervalMs ?? 200);
  timer.unref();

  const prune = async (): Promise<void> => {
    try {
      const removed = await o.frames.prune(new Date(now().getTime() - o.retentionDays * 86_400_000));
      if (removed > 0) o.log.info({ removed }, 'pruned frame log');
    } catch (err) {
      o.log.warn({ err }, 'frame log pruning failed');
    }
  };
  const pruneTimer = setInterval(() => void prune(), 3_600_000);
  pruneTimer.unref();
  void prune();

  return {
    record(stationId, direction, messageType, action, messageId, outcome, payload, atMs) {
      if (closed) return;
      if (pendingCount >= maxPending) {
        o.metrics.framesDropped.inc();
        return;
      }
      pendingCount++;
      const line = encodeFrame(direction, messageType, action, messageId, outcome, payload, atMs);
      const p = pending.get(stationId);
      if (p) {
        p.parts.push(line);
        p.bytes += line.length;
        if (atMs > p.last) p.last = atMs;
        if (atMs < p.first) p.first = atMs;
        if (p.bytes >= CHUNK_BYTES) {
          sealed.push([stationId, p]);
          pending.delete(stationId);
        }
      } else pending.set(stationId, { parts: [line], first: atMs, last: atMs, bytes: line.length });
    },
    flush,
    async close() {
      closed = true;
      clearInterval(timer);
      clearInterval(pruneTimer);
      await flush();
    },
  };
}
