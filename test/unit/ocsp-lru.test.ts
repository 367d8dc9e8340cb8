import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LruMap } from '../../src/ocsp/lru.js';

describe('LruMap', () => {
  it('never holds more than its capacity and reports what it drops', () => {
    const dropped: number[] = [];
    const lru = new LruMap<number, string>(100, (k) => dropped.push(k));
    for (let i = 0; i < 1000; i++) lru.set(i, String(i));
    assert.equal(lru.size, 100);
    assert.equal(dropped.length, 900);
    assert.deepEqual(dropped.slice(0, 3), [0, 1, 2]);
  });

  it('keeps entries that are read while others stream through', () => {
    const lru = new LruMap<string, number>(100);
    lru.set('hot', 1);
    for (let i = 0; i < 10_000; i++) {
      lru.set(`cold-${i}`, i);
      assert.equal(lru.get('hot'), 1, `lost the hot entry after ${i} inserts`);
    }
  });

  it('a replaced value is reported; delete reports; capacity 0 holds nothing', () => {
    const removed: string[] = [];
    const lru = new LruMap<string, string>(2, (k, v) => removed.push(`${k}=${v}`));
    lru.set('a', '1');
    lru.set('a', '2');
    lru.delete('a');
    lru.delete('missing');
    assert.deepEqual(removed, ['a=1', 'a=2']);
    const none = new LruMap<string, string>(0);
    none.set('a', '1');
    assert.equal(none.get('a'), undefined);
  });
});
