import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeChunk, encodeFrame } from '../../src/store/frame-chunk.js';

describe('frame chunks', () => {
  it('round-trips frames, payloads verbatim, including newlines, quotes, NUL and unpaired surrogates', () => {
    const payloads = ['[2,"a","Heartbeat",{}]', '[2,"b",\n"X"\n,{"q":"\\"\\n"}]', 'raw\u0000nul', 'lone \ud800 surrogate', '', null];
    const body = payloads.map((p, i) => encodeFrame(i % 2 ? 'out' : 'in', i, i === 3 ? null : `A${i}\n"`, `id-${i}\n`, 'ok', p, 1000 + i)).join('');
    const frames = decodeChunk('S1', body);
    assert.equal(frames.length, payloads.length);
    frames.forEach((f, i) => {
      assert.equal(f.stationId, 'S1');
      assert.equal(f.direction, i % 2 ? 'out' : 'in');
      assert.equal(f.messageType, i);
      assert.equal(f.action, i === 3 ? null : `A${i}\n"`);
      assert.equal(f.messageId, `id-${i}\n`);
      assert.equal(f.at.getTime(), 1000 + i);
      const expected = payloads[i] ?? null;
      assert.equal(f.payload, expected === null ? null : expected.replaceAll('\u0000', '\uFFFD'));
    });
  });

  it('stops at a malformed tail instead of throwing', () => {
    const good = encodeFrame('in', 2, 'Heartbeat', 'x', 'ok', '{}', 5);
    assert.equal(decodeChunk('S', `${good}not json\n`).length, 1);
    assert.equal(decodeChunk('S', `${good}[1,2]\n`).length, 1);
    assert.equal(decodeChunk('S', good.slice(0, 10)).length, 0);
  });
});
