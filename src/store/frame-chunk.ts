// The frame log's chunk format (format 2): one version byte, then per frame, little-endian:
//   u8  flags: bit 0 outgoing, bit 1 payload recorded
//   f64 time: milliseconds since the chunk's previous frame (the first frame: since the epoch),
//       which deflates far better than absolute times; f64 messageType (NaN: none)
//   action, messageId, outcome: u32 byte length (0xFFFFFFFF: none), then UTF-8
//   payload, when recorded: u32 byte length, then the frame's UTF-8 bytes
// Binary, so nothing is escaped or re-encoded on the way in: a received frame's bytes are copied
// as they arrived, and short ASCII strings are copied by a loop without a call into the runtime.
// Rows written before carry format 1 (frame-chunk-v1.ts), whose first byte is always '['.
import { deflateRawSync, type ZlibOptions } from 'node:zlib';
import { FrameBytesPool } from './frame-bytes-pool.js';
import { decodeChunkV1 } from './frame-chunk-v1.js';
import type { FrameRecord } from './frames.js';

export const FRAME_CHUNK_FORMAT = 2;
const OUTGOING = 1;
const HAS_PAYLOAD = 2;
const HEADER_BYTES = 17;
const NONE = 0xffffffff;
/** Strings of at most this many UTF-16 code units are copied by a JavaScript loop when ASCII. */
const SHORT_STRING = 512;

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
/** Storage for frame buffers made without a pool of their own: nothing is kept for reuse. */
const UNPOOLED = new FrameBytesPool(0);
const EMPTY = Buffer.alloc(0);

/**
 * One station's frames, encoded as above straight into bytes outside the JavaScript heap. Frames
 * wait up to a flush interval before they are written; kept as strings they outlived
 * young-generation collections and were promoted, and a busy CSMS spent a tenth of its event loop
 * collecting them.
 */
export class FrameBuffer {
  private bytes: Buffer;
  private used = 1;
  private previousAtMs = 0;
  count = 0;
  firstAtMs: number;
  lastAtMs: number;

  /** pool: where the storage comes from, and goes back to on release(). */
  constructor(
    atMs: number,
    private readonly pool: FrameBytesPool = UNPOOLED,
  ) {
    this.bytes = pool.take(INITIAL_BYTES);
    this.bytes[0] = FRAME_CHUNK_FORMAT;
    this.firstAtMs = atMs;
    this.lastAtMs = atMs;
  }

  get byteLength(): number {
    return this.used;
  }

  /** A payload is the frame's text, or its UTF-8 bytes as received. */
  append(direction: 'in' | 'out', messageType: number | null, action: string | null, messageId: string | null, outcome: string, payload: string | Uint8Array | null, atMs: number): void {
    this.reserve(HEADER_BYTES);
    const b = this.bytes;
    b[this.used] = (direction === 'out' ? OUTGOING : 0) | (payload === null ? 0 : HAS_PAYLOAD);
    b.writeDoubleLE(atMs - this.previousAtMs, this.used + 1);
    this.previousAtMs = atMs;
    b.writeDoubleLE(messageType ?? Number.NaN, this.used + 9);
    this.used += HEADER_BYTES;
    this.putString(action);
    this.putString(messageId);
    this.putString(outcome);
    if (typeof payload === 'string') this.putString(payload);
    else if (payload !== null) this.putBytes(payload);
    this.count++;
    if (atMs > this.lastAtMs) this.lastAtMs = atMs;
    if (atMs < this.firstAtMs) this.firstAtMs = atMs;
  }

  /** The encoded frames (a view, valid until the next append or release()). */
  contents(): Buffer {
    return this.bytes.subarray(0, this.used);
  }

  /** Gives the storage back to the pool: the buffer must not be used again. */
  release(): void {
    this.pool.give(this.bytes);
    this.bytes = EMPTY;
    this.used = 0;
  }

  private putBytes(value: Uint8Array): void {
    this.reserve(4 + value.length);
    this.bytes.writeUInt32LE(value.length, this.used);
    this.bytes.set(value, this.used + 4);
    this.used += 4 + value.length;
  }

  private putString(value: string | null): void {
    if (value === null) {
      this.reserve(4);
      this.bytes.writeUInt32LE(NONE, this.used);
      this.used += 4;
      return;
    }
    const n = value.length;
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    this.reserve(4 + n * 3);
    const b = this.bytes;
    const at = this.used + 4;
    let length = 0;
    if (n <= SHORT_STRING) {
      while (length < n) {
        const c = value.charCodeAt(length);
        if (c > 0x7f) break;
        b[at + length++] = c;
      }
    }
    if (length < n) length = b.write(value, at, 'utf8');
    b.writeUInt32LE(length, this.used);
    this.used = at + length;
  }

  private reserve(extra: number): void {
    if (this.used + extra <= this.bytes.length) return;
    const grown = this.pool.take(Math.max(this.bytes.length * 2, this.used + extra));
    this.bytes.copy(grown, 0, 0, this.used);
    this.pool.give(this.bytes);
    this.bytes = grown;
  }
}

/** Decodes a chunk of either format; a malformed tail ends decoding. */
export function decodeChunk(stationId: string, chunk: Buffer): FrameRecord[] {
  if (chunk.length === 0) return [];
  if (chunk[0] !== FRAME_CHUNK_FORMAT) return decodeChunkV1(stationId, chunk.toString('utf8'));
  const out: FrameRecord[] = [];
  let i = 1;
  let at = 0;
  // undefined: the chunk ends inside the string.
  const str = (): string | null | undefined => {
    if (i + 4 > chunk.length) return undefined;
    const n = chunk.readUInt32LE(i);
    i += 4;
    if (n === NONE) return null;
    if (i + n > chunk.length) return undefined;
    i += n;
    return chunk.toString('utf8', i - n, i);
  };
  while (i + HEADER_BYTES <= chunk.length) {
    const flags = chunk[i]!;
    if (flags > (OUTGOING | HAS_PAYLOAD)) break;
    at += chunk.readDoubleLE(i + 1);
    const messageType = chunk.readDoubleLE(i + 9);
    i += HEADER_BYTES;
    const action = str();
    const messageId = str();
    const outcome = str();
    const payload = flags & HAS_PAYLOAD ? str() : null;
    if (action === undefined || messageId === undefined || outcome === undefined || payload === undefined || (payload === null && flags & HAS_PAYLOAD)) break;
    out.push({ stationId, direction: flags & OUTGOING ? 'out' : 'in', messageType: Number.isNaN(messageType) ? null : messageType, action, messageId, outcome, payload, at: new Date(at) });
  }
  return out;
}
