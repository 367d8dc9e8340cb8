// The frame log writer: frames are appended to per-station byte buffers as they pass (no object
// per frame, nothing on the JavaScript heap, a received frame's bytes copied as they arrived) and
// written every 200 ms as one chunk row per station (a busy station's buffer is sealed as a chunk
// of its own whenever it reaches 32 KiB, so no row, and no statement, grows without bound).
// Bounded: when the database falls behind, new frames are dropped and counted instead of growing
// memory.
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { FrameBytesPool } from '../store/frame-bytes-pool.js';
import { deflateFrames, FrameBuffer } from '../store/frame-chunk.js';
import type { DeflateFrames } from './frame-deflater.js';
import type { FrameChunk, FrameRepo } from '../store/frames.js';

export interface FrameLog {
  /** A payload is the frame's text, or its UTF-8 bytes as received; null when not recorded. */
  record: (stationId: string, direction: 'in' | 'out', messageType: number | null, action: string | null, messageId: string | null, outcome: string, payload: string | Uint8Array | null, atMs: number) => void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A station's buffer becomes a chunk of its own at this size (bytes of encoded frames). */
const CHUNK_BYTES = 32 * 1024;
/**
 * Buffer storage kept for reuse between flushes: a few hundred busy stations' worth (a station
 * answering a hundred round trips a second fills about 8 KiB per flush).
 */
const POOLED_BYTES = 8 * 1024 * 1024;

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
  /** Deflated bytes per INSERT statement. */
  maxBytesPerStatement?: number;
  /** Deflates chunk bodies (default: on this thread; the server uses a FrameDeflater). */
  deflate?: DeflateFrames;
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
  let pending = new Map<string, FrameBuffer>();
  let sealed: [string, FrameBuffer][] = [];
  let pendingCount = 0;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;
  const pool = new FrameBytesPool(POOLED_BYTES);

  const deflate: DeflateFrames = o.deflate ?? ((bodies) => Promise.resolve(deflateFrames(bodies)));

  const write = async (batch: [string, FrameBuffer][], count: number): Promise<void> => {
    try {
      let deflated: Buffer[];
      try {
        deflated = await deflate(batch.map(([, b]) => b.contents()));
      } finally {
        for (const [, b] of batch) b.release();
      }
      const chunks: FrameChunk[] = batch.map(([stationId, b], i) => ({ stationId, firstAtMs: b.firstAtMs, lastAtMs: b.lastAtMs, count: b.count, deflated: deflated[i]! }));
      let from = 0;
      while (from < chunks.length) {
        let to = from;
        let bytes = 0;
        while (to < chunks.length && to - from < perStatement && (to === from || bytes + chunks[to]!.deflated.length <= bytesPerStatement)) bytes += chunks[to++]!.deflated.length;
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
      const count = batch.reduce((n, [, b]) => n + b.count, 0);
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
      let b = pending.get(stationId);
      if (!b) pending.set(stationId, (b = new FrameBuffer(atMs, pool)));
      b.append(direction, messageType, action, messageId, outcome, payload, atMs);
      if (b.byteLength >= CHUNK_BYTES) {
        sealed.push([stationId, b]);
        pending.delete(stationId);
      }
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
