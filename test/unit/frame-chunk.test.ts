import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeChunk, FRAME_CHUNK_FORMAT, FrameBuffer } from '../../src/store/frame-chunk.js';

type Frame = [direction: 'in' | 'out', type: number | null, action: string | null, id: string | null, outcome: string, payload: string | Uint8Array | null, at: number];

function encode(frames: Frame[], firstAt = frames[0]?.[6] ?? 0): FrameBuffer {
  const buffer = new FrameBuffer(firstAt);
  for (const f of frames) buffer.append(...f);
  return buffer;
}

/** One frame laid out by hand from the documented format (time: ms since the previous frame). */
function handMade(flags: number, sinceMs: number, type: number, strings: (string | null)[]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(17);
  head[0] = flags;
  head.writeDoubleLE(sinceMs, 1);
  head.writeDoubleLE(type, 9);
  parts.push(head);
  for (const s of strings) {
    const len = Buffer.alloc(4);
    if (s === null) len.writeUInt32LE(0xffffffff);
    else len.writeUInt32LE(Buffer.byteLength(s));
    parts.push(len);
    if (s !== null) parts.push(Buffer.from(s, 'utf8'));
  }
  return Buffer.concat(parts);
}

describe('frame chunks (format 2)', () => {
  const long = `[2,"big","DataTransfer",{"data":"${'x'.repeat(3000)}"}]`;
  const longWide = `[2,"big","DataTransfer",{"data":"${'€'.repeat(3000)}"}]`;
  const frames: Frame[] = [
    ['in', 2, 'Heartbeat', 'm1', 'ok', Buffer.from('[2,"m1","Heartbeat",{}]'), 20],
    ['out', 3, 'Heartbeat', 'm1', 'ok', '[3,"m1",{"currentTime":"2026-01-01T00:00:00.000Z"}]', 21],
    ['in', 2, 'A\n"é', 'é1', 'FormatViolation', Buffer.from('[2,"é1","A\\n\\"é",{"x":"😀"}]'), 10],
    ['out', 4, null, 'r\n"', 'InternalError', 'raw\u0000nul and a lone \ud800 surrogate', 30],
    ['in', null, null, '-1', 'RpcFrameworkError', null, 25],
    ['out', 2, 'DataTransfer', 'big', 'ok', long, 26],
    ['in', 2, 'DataTransfer', 'big2', 'ok', longWide, 27],
    ['in', 7, null, null, 'MessageTypeNotSupported', Buffer.from([0xff, 0xfe, 0x00]), 28],
  ];

  it('round-trips every field, payloads as UTF-8, received bytes verbatim', () => {
    const buffer = encode(frames);
    assert.equal(buffer.count, frames.length);
    assert.equal(buffer.firstAtMs, 10);
    assert.equal(buffer.lastAtMs, 30);
    assert.equal(buffer.byteLength, buffer.contents().length);
    assert.equal(buffer.contents()[0], FRAME_CHUNK_FORMAT);
    const decoded = decodeChunk('S1', buffer.contents());
    assert.equal(decoded.length, frames.length);
    decoded.forEach((f, i) => {
      const [direction, type, action, id, outcome, payload, at] = frames[i]!;
      assert.equal(f.stationId, 'S1');
      assert.equal(f.direction, direction);
      assert.equal(f.messageType, type);
      assert.equal(f.action, action);
      assert.equal(f.messageId, id);
      assert.equal(f.outcome, outcome);
      assert.equal(f.at.getTime(), at);
      const expected = payload === null ? null : typeof payload === 'string' ? Buffer.from(payload, 'utf8').toString('utf8') : Buffer.from(payload).toString('utf8');
      assert.equal(f.payload, expected);
    });
    // NUL is kept (the chunk is bytea, not text); a lone surrogate becomes U+FFFD as in any UTF-8.
    assert.equal(decoded[3]!.payload, 'raw\u0000nul and a lone \ufffd surrogate');
  });

  it('lays frames out exactly as documented', () => {
    const buffer = encode([
      ['out', 3, 'Heartbeat', 'é1', 'ok', '{"a":1}', 1_700_000_000_123],
      ['in', null, null, null, 'RpcFrameworkError', null, 5],
    ]);
    const expected = Buffer.concat([
      Buffer.from([FRAME_CHUNK_FORMAT]),
      handMade(0b11, 1_700_000_000_123, 3, ['Heartbeat', 'é1', 'ok', '{"a":1}']),
      handMade(0b00, 5 - 1_700_000_000_123, Number.NaN, [null, null, 'RpcFrameworkError']),
    ]);
    assert.deepEqual(buffer.contents(), expected);
  });

  it('decodes the whole frames of any truncated chunk and stops at a corrupt one, without throwing', () => {
    const bytes = encode(frames).contents();
    const ends: number[] = [];
    const one = new FrameBuffer(0);
    for (const f of frames) {
      one.append(...f);
      ends.push(one.byteLength);
    }
    for (let cut = 0; cut <= bytes.length; cut++) {
      const whole = ends.filter((e) => e <= cut).length;
      assert.equal(decodeChunk('S', bytes.subarray(0, cut)).length, whole, `cut at ${cut}`);
    }
    const corrupt = Buffer.from(bytes);
    corrupt[ends[1]!] = 0x80; // the third frame's flags
    assert.equal(decodeChunk('S', corrupt).length, 2);
    const huge = Buffer.from(bytes);
    huge.writeUInt32LE(0x7fffffff, ends[0]! + 17); // the second frame's action length
    assert.equal(decodeChunk('S', huge).length, 1);
  });
});

describe('frame chunks (format 1, rows written before format 2)', () => {
  const v1 = (meta: unknown[], payload: string | null): string => `${JSON.stringify([...meta.slice(0, 6), payload === null ? -1 : payload.length])}\n${payload ?? ''}`;
  const chunk = v1(['i', 2, 'Heartbeat', 'm1', 'ok', 5], '[2,"m1",\n"Heartbeat",{"q":"😀"}]') + v1(['o', 3, null, 'm1', 'ok', 6], null) + v1(['o', 4, 'X', 'id\n"', 'InternalError', 7], '');

  it('are still read', () => {
    const frames = decodeChunk('S', Buffer.from(chunk, 'utf8'));
    assert.deepEqual(
      frames.map((f) => [f.direction, f.messageType, f.action, f.messageId, f.outcome, f.payload, f.at.getTime()]),
      [
        ['in', 2, 'Heartbeat', 'm1', 'ok', '[2,"m1",\n"Heartbeat",{"q":"😀"}]', 5],
        ['out', 3, null, 'm1', 'ok', null, 6],
        ['out', 4, 'X', 'id\n"', 'InternalError', '', 7],
      ],
    );
  });

  it('stop at a malformed tail instead of throwing', () => {
    const good = v1(['i', 2, 'Heartbeat', 'x', 'ok', 5], '{}');
    assert.equal(decodeChunk('S', Buffer.from(`${good}not json\n`)).length, 1);
    assert.equal(decodeChunk('S', Buffer.from(`${good}[1,2]\n`)).length, 1);
    assert.equal(decodeChunk('S', Buffer.from(good.slice(0, 10))).length, 0);
  });
});
