// The frame log: every frame in and out, written in batches (one statement per flush). Chunk
// bodies are stored deflated (see frame-chunk.ts); the writer deflates them before they come here.
import { inflateRawSync } from 'node:zlib';
import type { Queryable } from './db.js';
import { decodeChunk } from './frame-chunk.js';
import { decodeChunkV1 } from './frame-chunk-v1.js';

export interface FrameRecord {
  stationId: string;
  direction: 'in' | 'out';
  messageType: number | null;
  action: string | null;
  messageId: string | null;
  /** 'ok', or the CALLERROR code / rejection reason. */
  outcome: string | null;
  payload: string | null;
  at: Date;
}

/** Frames of one station, encoded (see frame-chunk.ts) and deflated. */
export interface FrameChunk {
  stationId: string;
  firstAtMs: number;
  lastAtMs: number;
  count: number;
  deflated: Buffer;
}

export interface FrameRepo {
  insertChunks(chunks: readonly FrameChunk[]): Promise<void>;
  listFor(stationId: string, opts?: { limit?: number; before?: Date }): Promise<FrameRecord[]>;
  /** Deletes chunks whose newest frame is older than the cutoff; returns how many. */
  prune(olderThan: Date): Promise<number>;
}

/** How many recent chunks a station's frame listing looks at. */
const CHUNKS_SCANNED = 500;

export function frameRepo(db: Queryable): FrameRepo {
  return {
    async insertChunks(chunks) {
      if (chunks.length === 0) return;
      // Plain parameters travel unescaped; at most 5 per chunk, well under PostgreSQL's 65,535.
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (const c of chunks) {
        const n = params.length;
        tuples.push(`($${n + 1}, to_timestamp($${n + 2}::double precision / 1000), to_timestamp($${n + 3}::double precision / 1000), $${n + 4}, $${n + 5})`);
        params.push(c.stationId, c.firstAtMs, c.lastAtMs, c.count, c.deflated);
      }
      await db.query(`INSERT INTO frame_chunks (station_id, first_at, last_at, frame_count, frames_deflated) VALUES ${tuples.join(', ')}`, params);
    },
    async listFor(stationId, opts = {}) {
      const before = opts.before ?? new Date('9999-01-01');
      const { rows } = await db.query<{ frames: string | null; frames_deflated: Buffer | null }>(
        `SELECT frames, frames_deflated FROM frame_chunks WHERE station_id = $1 AND first_at < $2 ORDER BY last_at DESC, id DESC LIMIT $3`,
        [stationId, before, CHUNKS_SCANNED],
      );
      const limit = Math.min(opts.limit ?? 100, 1000);
      const out: FrameRecord[] = [];
      for (const row of rows) {
        const frames = row.frames !== null ? decodeChunkV1(stationId, row.frames) : row.frames_deflated ? decodeChunk(stationId, inflateRawSync(row.frames_deflated)) : [];
        for (const f of frames) if (f.at < before) out.push(f);
        if (out.length >= limit * 4) break;
      }
      // Newest first; frames of one chunk keep their recorded order for equal times.
      return out.map((f, i) => ({ f, i })).sort((a, b) => b.f.at.getTime() - a.f.at.getTime() || a.i - b.i).slice(0, limit).map((x) => x.f);
    },
    async prune(olderThan) {
      return (await db.query('DELETE FROM frame_chunks WHERE last_at < $1', [olderThan])).rowCount;
    },
  };
}
