// The frame log's chunk format: per frame, one line of JSON metadata, then the payload verbatim
// (its length is in the metadata, so it is never escaped again):
//   ["i"|"o", messageType, action, messageId, outcome, atMs, payloadLength]\n<payload>
// payloadLength is -1 when the payload is not recorded.
import type { FrameRecord } from './frames.js';
import { pgText } from './text.js';

export function encodeFrame(direction: 'in' | 'out', messageType: number | null, action: string | null, messageId: string | null, outcome: string, payload: string | null, atMs: number): string {
  const body = payload === null ? '' : pgText(payload);
  const meta = JSON.stringify([direction === 'in' ? 'i' : 'o', messageType, action, messageId, outcome, atMs, payload === null ? -1 : body.length]);
  return `${meta}\n${body}`;
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
