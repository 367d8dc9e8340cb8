import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Coalescer } from '../../src/store/coalesce.js';

describe('Coalescer', () => {
  it('answers concurrent loads with one batch, duplicates included, missing keys as the default', async () => {
    const batches: string[][] = [];
    const c = new Coalescer<string, number | null>(async (keys) => {
      batches.push(keys);
      return new Map(keys.filter((k) => k !== 'none').map((k) => [k, k.length]));
    }, null);
    const results = await Promise.all(['a', 'bb', 'a', 'none', 'ccc'].map((k) => c.load(k)));
    assert.deepEqual(results, [1, 2, 1, null, 3]);
    assert.deepEqual(batches, [['a', 'bb', 'none', 'ccc']]);
  });

  it('splits batches at maxBatch and batches what arrives meanwhile', async () => {
    const sizes: number[] = [];
    const c = new Coalescer<number, number>(async (keys) => {
      sizes.push(keys.length);
      await new Promise((r) => setTimeout(r, 5));
      return new Map(keys.map((k) => [k, k * 2]));
    }, -1, 3);
    const first = Array.from({ length: 7 }, (_, i) => c.load(i));
    await new Promise((r) => setTimeout(r, 1));
    const later = c.load(100);
    assert.deepEqual(await Promise.all([...first, later]), [0, 2, 4, 6, 8, 10, 12, 200]);
    assert.deepEqual(sizes, [3, 3, 2]);
  });

  it('rejects every waiter of a failed batch and recovers for the next', async () => {
    let fail = true;
    const c = new Coalescer<string, string>(async (keys) => {
      if (fail) throw new Error('db down');
      return new Map(keys.map((k) => [k, k]));
    }, '');
    await assert.rejects(Promise.all([c.load('x'), c.load('y')]), /db down/);
    fail = false;
    assert.equal(await c.load('z'), 'z');
  });
});
