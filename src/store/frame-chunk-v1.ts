// The frame log's first chunk format, still read from rows written before format 2 (frame-chunk.ts)
// and from the oldest rows' `frames` text column. Per frame, one line of JSON metadata, then the
// payload verbatim (NUL stored as U+FFFD):
//   ["i"|"o", messageType, action, messageId, outcome, atMs, payloadLength]\n<payload>
// payloadLength counts UTF-16 code units of the payload; it is -1 when the payload is not recorded.
import type { FrameRecord } from './frames.js';

/** Decodes a format-1 chunk; a malformed tail ends decoding. */
export function decodeChunkV1(stationId: string, chunk: string): FrameRecord[] {
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
