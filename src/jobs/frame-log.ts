// The frame log writer: frames are appended to per-station text buffers as they pass (no object
// per frame) and written every 200 ms as one chunk row per station. Bounded: when the database
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
}

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
  now?: () => Date;
}

export function startFrameLog(o: FrameLogOptions): FrameLog {
  const now = o.now ?? (() => new Date());
  const maxPending = o.maxPending ?? 200_000;
  const perStatement = o.maxChunksPerStatement ?? 2000;
  let pending = new Map<string, Pending>();
  let pendingCount = 0;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  const write = async (batch: Map<string, Pending>, count: number): Promise<void> => {
    const chunks: FrameChunk[] = [];
    for (const [stationId, p] of batch) chunks.push({ stationId, firstAtMs: p.first, lastAtMs: p.last, count: p.parts.length, body: p.parts.join('') });
    try {
      for (let i = 0; i < chunks.length; i += perStatement) await o.frames.insertChunks(chunks.slice(i, i + perStatement));
    } catch (err) {
      o.metrics.framesDropped.inc(count);
      o.log.warn({ err, lost: count }, 'could not write frame log batch');
    } finally {
      pendingCount -= count;
    }
  };
  const flush = (): Promise<void> => {
    if (pending.size > 0) {
      const batch = pending;
      const count = [...batch.values()].reduce((n, p) => n + p.parts.length, 0);
      pending = new Map();
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
        if (atMs > p.last) p.last = atMs;
        if (atMs < p.first) p.first = atMs;
      } else pending.set(stationId, { parts: [line], first: atMs, last: atMs });
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
