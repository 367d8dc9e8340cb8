// A WebSocket upgrade by hand over a plain TCP socket, to see exactly what the server answers:
// status line, headers, and the first frame after the handshake (a close frame, say).
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

export interface RawUpgradeResult {
  status: number;
  headers: Record<string, string>;
  /** Close code of the first frame when it is a close frame, else null. */
  closeCode: number | null;
}

export function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}, timeoutMs = 3000): Promise<RawUpgradeResult> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let head: { status: number; headers: Record<string, string>; rest: Buffer } | null = null;
    const timer = setTimeout(() => finish(), timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      if (!head) return reject(new Error('no HTTP response'));
      const f = head.rest;
      const closeCode = f.length >= 4 && (f[0]! & 0x0f) === 0x8 ? f.readUInt16BE(2) : null;
      resolve({ status: head.status, headers: head.headers, closeCode });
    };
    socket.on('error', reject);
    socket.on('close', finish);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (!head) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(lines[0]?.split(' ')[1]);
        const hs: Record<string, string> = {};
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          hs[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        head = { status, headers: hs, rest: buf.subarray(end + 4) };
        if (status !== 101) return finish();
      } else head.rest = Buffer.concat([head.rest, chunk]);
      if (head.rest.length >= 4) finish();
    });
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`,
    );
  });
}
