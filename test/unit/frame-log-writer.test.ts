// The frame log writer bounds its rows and statements: a busy station's buffer becomes several
// chunks of about 32 KiB, statements carry at most 64 KiB of deflated frames (or one larger chunk),
// and every frame arrives once, in its order, with each chunk's own first and last times.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { startFrameLog } from '../../src/jobs/frame-log.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { decodeChunk, deflateFrames } from '../../src/store/frame-chunk.js';
import type { FrameChunk, FrameRepo } from '../../src/store/frames.js';

function recordingRepo(): { repo: FrameRepo; statements: FrameChunk[][] } {
  const statements: FrameChunk[][] = [];
  const repo: FrameRepo = {
    insertChunks: (chunks) => {
      statements.push([...chunks]);
      return Promise.resolve();
    },
    listFor: () => Promise.resolve([]),
    prune: () => Promise.resolve(0),
  };
  return { repo, statements };
}

describe('frame log writer', () => {
  it('splits a busy station into bounded chunks and statements, losing and reordering nothing', async () => {
    const { repo, statements } = recordingRepo();
    const log = startFrameLog({ frames: repo, metrics: createMetrics(), log: silentLogger(), retentionDays: 1, intervalMs: 60_000 });
    // Pseudo-random data, different in every frame, so that chunks stay large once deflated.
    const noise = (i: number, length: number): string => {
      let seed = i + 1;
      return Array.from({ length }, () => String.fromCharCode(35 + ((seed = (seed * 48271) % 2147483647) % 56))).join('');
    };
    const payload = (i: number): string => JSON.stringify({ i, data: noise(i, 900 + (i % 200)) });
    const bytes = (c: FrameChunk): Buffer => inflateRawSync(c.deflated);
    for (let i = 0; i < 300; i++) {
      log.record('BUSY', i % 2 ? 'out' : 'in', 2, 'Authorize', `m${i}`, 'ok', payload(i), 1_000_000 + i);
      if (i % 50 === 0) log.record('QUIET', 'in', 2, 'Heartbeat', `q${i}`, 'ok', '{}', 1_000_000 + i);
    }
    await log.flush();
    await log.close();
    const chunks = statements.flat();
    const busy = chunks.filter((c) => c.stationId === 'BUSY');
    assert.ok(busy.length >= 8, `a busy station's 300 KiB make several chunks (got ${busy.length})`);
    for (const c of busy) assert.ok(bytes(c).length < 32 * 1024 + 2000, `chunk of ${bytes(c).length} bytes`);
    assert.ok(statements.length >= 3, `several statements (got ${statements.length})`);
    for (const s of statements) {
      const bytes = s.reduce((n, c) => n + c.deflated.length, 0);
      assert.ok(s.length === 1 || bytes <= 64 * 1024, `statement of ${s.length} chunks, ${bytes} bytes`);
    }
    const frames = busy.flatMap((c) => {
      const decoded = decodeChunk(c.stationId, bytes(c));
      assert.equal(decoded.length, c.count);
      assert.equal(decoded[0]!.at.getTime(), c.firstAtMs);
      assert.equal(decoded[decoded.length - 1]!.at.getTime(), c.lastAtMs);
      return decoded;
    });
    assert.deepEqual(frames.map((f) => f.messageId), Array.from({ length: 300 }, (_, i) => `m${i}`));
    assert.deepEqual(frames.map((f) => f.payload), Array.from({ length: 300 }, (_, i) => payload(i)));
    assert.deepEqual(chunks.filter((c) => c.stationId === 'QUIET').flatMap((c) => decodeChunk(c.stationId, bytes(c)).map((f) => f.messageId)), ['q0', 'q50', 'q100', 'q150', 'q200', 'q250']);
  });

  it('reuses a flushed buffer only after its frames have been deflated', async () => {
    const { repo, statements } = recordingRepo();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let deflateCalls = 0;
    const log = startFrameLog({
      frames: repo,
      metrics: createMetrics(),
      log: silentLogger(),
      retentionDays: 1,
      intervalMs: 60_000,
      // Reads the bodies only once released: until then they must stay as they were handed over.
      deflate: async (bodies) => {
        deflateCalls++;
        await held;
        return deflateFrames(bodies);
      },
    });
    const payload = (tag: string, i: number): string => JSON.stringify({ tag, i, pad: tag.repeat(60) });
    for (let i = 0; i < 40; i++) log.record('A', 'in', 2, 'DataTransfer', `A${i}`, 'ok', payload('A', i), 1000 + i);
    const first = log.flush();
    await new Promise((r) => setImmediate(r));
    assert.equal(deflateCalls, 1);
    // New buffers now take storage from the pool; had A's been given back already, they would
    // write over its frames.
    for (const station of ['B', 'C', 'D']) for (let i = 0; i < 40; i++) log.record(station, 'in', 2, 'DataTransfer', `${station}${i}`, 'ok', payload(station, i), 2000 + i);
    release();
    await first;
    await log.close();
    const byStation = new Map<string, string[]>();
    for (const c of statements.flat()) for (const f of decodeChunk(c.stationId, inflateRawSync(c.deflated))) byStation.set(c.stationId, [...(byStation.get(c.stationId) ?? []), f.payload ?? '']);
    for (const station of ['A', 'B', 'C', 'D']) {
      assert.deepEqual(byStation.get(station), Array.from({ length: 40 }, (_, i) => payload(station, i)), `station ${station}`);
    }
  });
});
