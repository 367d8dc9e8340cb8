// The frame deflater's worker thread returns, for every body of a batch, raw deflate that inflates
// back to exactly that body; concurrent batches are not mixed up, and after close() batches are
// deflated on the calling thread instead of being lost.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { FrameDeflater } from '../../src/jobs/frame-deflater.js';
import { silentLogger } from '../../src/log.js';

function bodies(batch: number): Buffer[] {
  return Array.from({ length: 5 + batch }, (_, i) => Buffer.from(`batch ${batch} body ${i} ${'é€😀'.repeat(i * 50)}`.repeat(1 + i)));
}

describe('frame deflater', () => {
  it('deflates batches on its thread, each body separately, and on the event loop once closed', async () => {
    const deflater = new FrameDeflater(silentLogger());
    try {
      const inputs = [0, 1, 2, 3].map(bodies);
      const outputs = await Promise.all(inputs.map((b) => deflater.deflate(b)));
      outputs.forEach((out, k) => {
        assert.equal(out.length, inputs[k]!.length);
        out.forEach((d, i) => {
          assert.ok(d.length < inputs[k]![i]!.length || inputs[k]![i]!.length < 64, 'compressed');
          assert.deepEqual(inflateRawSync(d), inputs[k]![i]);
        });
      });
      assert.deepEqual(await deflater.deflate([]), []);
      const body = bodies(1)[0]!;
      const copy = Buffer.from(body);
      await deflater.deflate([body]);
      assert.deepEqual(body, copy, 'the caller keeps its bodies intact');
    } finally {
      await deflater.close();
    }
    const after = bodies(9);
    const out = await deflater.deflate(after);
    assert.deepEqual(out.map((d) => inflateRawSync(d)), after);
  });
});
