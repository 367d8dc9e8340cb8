// permessage-deflate (RFC 7692), which OCPP-J expects a CSMS to support, in a fixed configuration
// tuned for memory. ws keeps one zlib stream per direction for a connection's life and, with no
// context takeover, resets rather than frees them; with ws's defaults that is 240-260 KiB per
// connection after the first message. Most of the cost is window and hash memory (set by
// windowBits and memLevel) and Node's per-stream output buffer (chunkSize, 16 KiB by default).
// OCPP frames are small JSON documents, so small windows lose little compression.
import type { PerMessageDeflateOptions } from 'ws';

export const DEFLATE_OPTIONS: PerMessageDeflateOptions = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  // 2^9-byte windows: the smallest zlib allows for raw deflate.
  serverMaxWindowBits: 9,
  clientMaxWindowBits: 9,
  zlibDeflateOptions: { level: 6, memLevel: 1, chunkSize: 1024 },
  zlibInflateOptions: { chunkSize: 1024 },
  // Heartbeats and short answers are not worth compressing.
  threshold: 256,
  concurrencyLimit: 4,
};
