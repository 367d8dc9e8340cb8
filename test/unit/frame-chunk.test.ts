import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeChunk, encodeFrame, FrameBuffer } from '../../src/store/frame-chunk.js';

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

  it('a frame buffer holds the UTF-8 of the same encoding, growing as needed, with first and last times', () => {
    const big = `[2,"big","DataTransfer",{"data":"${'€'.repeat(3000)}"}]`;
    const frames: [number | null, string | null, string, string | null, number][] = [
      [2, 'Heartbeat', 'é1', '[2,"é1","Heartbeat",{"x":"😀"}]', 20],
      [3, null, 'r\n"', 'lone \ud800 surrogate and raw\u0000nul', 10],
      [2, 'DataTransfer', 'big', big, 30],
      [null, null, '-1', null, 25],
    ];
    const buffer = new FrameBuffer(20);
    for (const [type, action, id, payload, at] of frames) buffer.append('in', type, action, id, 'ok', payload, at);
    const expected = frames.map(([type, action, id, payload, at]) => encodeFrame('in', type, action, id, 'ok', payload, at)).join('');
    assert.deepEqual(buffer.contents(), Buffer.from(expected, 'utf8'));
    assert.equal(buffer.count, 4);
    assert.equal(buffer.byteLength, Buffer.byteLength(expected));
    assert.equal(buffer.firstAtMs, 10);
    assert.equal(buffer.lastAtMs, 30);
    const decoded = decodeChunk('S', buffer.contents().toString('utf8'));
    assert.deepEqual(
      decoded.map((f) => f.payload),
      ['[2,"é1","Heartbeat",{"x":"😀"}]', 'lone \ufffd surrogate and raw\ufffdnul', big, null],
    );
    assert.deepEqual(decoded.map((f) => f.messageId), ['é1', 'r\n"', 'big', '-1']);
  });
});
