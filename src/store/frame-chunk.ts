// The frame log's chunk format: per frame, one line of JSON metadata, then the payload verbatim
// (its length is in the metadata, so it is never escaped again):
//   ["i"|"o", messageType, action, messageId, outcome, atMs, payloadLength]\n<payload>
// payloadLength counts UTF-16 code units of the payload as decoded from the chunk's UTF-8 bytes;
// it is -1 when the payload is not recorded.
import { deflateRawSync, type ZlibOptions } from 'node:zlib';
import type { FrameRecord } from './frames.js';
import { pgText } from './text.js';

function frameMeta(direction: 'in' | 'out', messageType: number | null, action: string | null, messageId: string | null, outcome: string, payloadLength: number, atMs: number): string {
  return JSON.stringify([direction === 'in' ? 'i' : 'o', messageType, action, messageId, outcome, atMs, payloadLength]);
}

export function encodeFrame(direction: 'in' | 'out', messageType: number | null, action: string | null, messageId: string | null, outcome: string, payload: string | null, atMs: number): string {
  const body = payload === null ? '' : pgText(payload);
  return `${frameMeta(direction, messageType, action, messageId, outcome, payload === null ? -1 : body.length, atMs)}\n${body}`;
}

/**
 * Chunks are stored deflated (raw deflate), level 1 with a 4 KiB window and a small hash: frames
 * repeat within a few hundred bytes, so chunks compress as well as with zlib's 32 KiB defaults
 * (measured: the same ratios on heartbeat and EXI chunks) for about a third of the memory.
 */
export const FRAME_DEFLATE_OPTIONS: ZlibOptions = { level: 1, windowBits: 12, memLevel: 7 };

export function deflateFrames(bodies: readonly Buffer[]): Buffer[] {
  return bodies.map((b) => deflateRawSync(b, FRAME_DEFLATE_OPTIONS));
}

/** Bytes a frame buffer starts with: a boot's or a few heartbeats' frames. */
const INITIAL_BYTES = 1024;

/**
 * One station's frames, encoded as above straight into UTF-8 bytes outside the JavaScript heap.
 * Frames wait up to a flush interval before they are written; kept as strings they outlived
 * young-generation collections and were promoted, and a busy CSMS spent a tenth of its event loop
 * collecting them.
 */
export class FrameBuffer {
  private bytes: Buffer;
  private used = 0;
  count = 0;
  firstAtMs: number;
  lastAtMs: number;

  constructor(atMs: number) {
    this.bytes = Buffer.allocUnsafe(INITIAL_BYTES);
    this.firstAtMs = atMs;
    this.lastAtMs = atMs;
  }

  get byteLength(): number {
    return this.used;
  }

  append(direction: 'in' | 'out', messageType: number | null, action: string | null, messageId: string | null, outcome: string, payload: string | null, atMs: number): void {
    const body = payload === null ? '' : pgText(payload);
    const meta = frameMeta(direction, messageType, action, messageId, outcome, payload === null ? -1 : body.length, atMs);
    // A UTF-16 code unit takes at most 3 bytes; the exact size is computed only when that bound
    // does not fit.
    const bound = (meta.length + 1 + body.length) * 3;
    if (this.used + bound > this.bytes.length) this.reserve(Buffer.byteLength(meta) + 1 + Buffer.byteLength(body));
    this.used += this.bytes.write(meta, this.used);
    this.bytes[this.used++] = 0x0a;
    this.used += this.bytes.write(body, this.used);
    this.count++;
    if (atMs > this.lastAtMs) this.lastAtMs = atMs;
    if (atMs < this.firstAtMs) this.firstAtMs = atMs;
  }

  /** The encoded frames (a view, valid until the next append). */
  contents(): Buffer {
    return this.bytes.subarray(0, this.used);
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + extra));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}

/** Decodes a chunk; a malformed tail (never written by encodeFrame) ends decoding. */
export function decodeChunk(stationId: string, chunk: string): FrameRecord[] {
  const out: FrameRecord[] = [];
  let i = 0;
  while (i < chunk.length) {
    const nl = chunk.indexOf('\n', i);
    if (nl === -1) break;
    let meta: unknown;
    try {
      meta = JSON.parse(chunk.slice(i, nl));
    } catch {
      break;
    }
    if (!Array.isArray(meta) || meta.length !== 7) break;
    const [d, messageType, action, messageId, outcome, at, length] = meta as [string, number | null, string | null, string | null, string | null, number, number];
    const payload = length >= 0 ? chunk.slice(nl + 1, nl + 1 + length) : null;
    out.push({ stationId, direction: d === 'i' ? 'in' : 'out', messageType, action, messageId, outcome, payload, at: new Date(at) });
    i = nl + 1 + Math.max(length, 0);
  }
  return out;
}
