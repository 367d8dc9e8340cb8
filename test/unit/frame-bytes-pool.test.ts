// The frame log's buffer storage pool: power-of-two buffers reused, bounded, and frame buffers
// that reuse storage a previous buffer wrote into still encode exactly their own frames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameBytesPool } from '../../src/store/frame-bytes-pool.js';
import { decodeChunk, FrameBuffer } from '../../src/store/frame-chunk.js';

describe('frame bytes pool', () => {
  it('hands out power-of-two buffers of at least the size asked, from 1 KiB', () => {
    const pool = new FrameBytesPool(1 << 20);
    assert.equal(pool.take(1).length, 1024);
    assert.equal(pool.take(1024).length, 1024);
    assert.equal(pool.take(1025).length, 2048);
    assert.equal(pool.take(40_000).length, 65_536);
    // Beyond the largest class: exactly what was asked, never kept.
    const big = pool.take(100_000);
    assert.equal(big.length, 100_000);
    pool.give(big);
    assert.equal(pool.pooledBytes, 0);
  });

  it('gives a returned buffer out again for a request of its class', () => {
    const pool = new FrameBytesPool(1 << 20);
    const a = pool.take(3000);
    pool.give(a);
    assert.equal(pool.pooledBytes, 4096);
    assert.notEqual(pool.take(1000), a, 'another class allocates');
    assert.equal(pool.take(2049), a);
    assert.equal(pool.pooledBytes, 0);
  });

  it('keeps at most its bound and ignores buffers it did not hand out', () => {
    const pool = new FrameBytesPool(5000);
    const [a, b] = [pool.take(4096), pool.take(1024)];
    pool.give(a);
    pool.give(pool.take(4096));
    assert.equal(pool.pooledBytes, 4096, 'a second 4 KiB buffer would pass the bound');
    pool.give(b);
    assert.equal(pool.pooledBytes, 4096, '4 KiB + 1 KiB would pass the bound of 5000 bytes');
    pool.give(Buffer.alloc(3000));
    assert.equal(pool.pooledBytes, 4096, 'a buffer of no class is not kept');
    const none = new FrameBytesPool(0);
    none.give(none.take(1024));
    assert.equal(none.pooledBytes, 0);
  });

  it('frame buffers on reused storage encode only their own frames', () => {
    const pool = new FrameBytesPool(1 << 20);
    const first = new FrameBuffer(1000, pool);
    // Enough to grow through 1, 2 and 4 KiB: the smaller buffers go back to the pool on the way.
    for (let i = 0; i < 60; i++) first.append('in', 2, 'DataTransfer', `old-${i}`, 'ok', JSON.stringify({ data: 'x'.repeat(80), i }), 1000 + i);
    assert.ok(pool.pooledBytes >= 1024 + 2048, `grown-out storage pooled (${pool.pooledBytes} bytes)`);
    first.release();
    const pooledBefore = pool.pooledBytes;
    const second = new FrameBuffer(5000, pool);
    assert.equal(pool.pooledBytes, pooledBefore - 1024, 'the new buffer starts on pooled storage');
    second.append('out', 3, 'Heartbeat', 'new-1', 'ok', '[3,"new-1",{}]', 5000);
    second.append('in', 2, 'Heartbeat', 'new-2', 'ok', null, 5001);
    const frames = decodeChunk('S', second.contents());
    assert.deepEqual(
      frames.map((f) => [f.direction, f.messageId, f.payload, f.at.getTime()]),
      [
        ['out', 'new-1', '[3,"new-1",{}]', 5000],
        ['in', 'new-2', null, 5001],
      ],
    );
  });
});
