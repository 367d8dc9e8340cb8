// A request refused for its size while the client is still sending: over a real socket, with a
// client that, like curl, writes its whole body before it reads the answer.
import assert from 'node:assert/strict';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fastify, type FastifyInstance } from 'fastify';
import { registerRefusedBodyDrain, type DrainLimits } from '../../src/api/drain-refused-body.js';

const BODY_LIMIT = 16 * 1024;

async function serve(limits: DrainLimits | null): Promise<{ app: FastifyInstance; port: number }> {
  const app = fastify({ logger: false, bodyLimit: BODY_LIMIT });
  if (limits) registerRefusedBodyDrain(app, limits);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/upload', async (req) => ({ bytes: (req.body as Buffer).length }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, port: (app.server.address() as AddressInfo).port };
}

interface Exchange {
  /** Everything the server sent, or what arrived before the error. */
  received: string;
  error: string | null;
  /** When the first byte of the answer arrived, in ms after the request started. */
  answeredAfterMs: number | null;
}

/**
 * Sends `head` and the body parts, waiting `gapMs` before each later part, without reading; then
 * reads until the server closes. `readAfterMs` waits before reading at all.
 */
async function exchange(port: number, head: string, parts: Buffer[], gapMs: number, readAfterMs = 0): Promise<Exchange> {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.pause();
  const started = performance.now();
  let received = '';
  let answeredAfterMs: number | null = null;
  const closed = new Promise<string | null>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      answeredAfterMs ??= performance.now() - started;
      received += chunk.toString('latin1');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.once('close', () => resolve(null));
  });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(head);
  for (const [i, part] of parts.entries()) {
    if (i > 0) await sleep(gapMs);
    if (socket.destroyed) break;
    socket.write(part);
  }
  if (readAfterMs > 0) await sleep(readAfterMs);
  socket.resume();
  const error = await closed;
  return { received, error, answeredAfterMs };
}

const postHead = (contentLength: number): string =>
  `POST /upload HTTP/1.1\r\nHost: test\r\nContent-Type: application/octet-stream\r\nContent-Length: ${contentLength}\r\n\r\n`;

describe('a body refused for its size is drained before the connection closes', () => {
  let drained: { app: FastifyInstance; port: number };
  let plain: { app: FastifyInstance; port: number };
  before(async () => {
    drained = await serve({ maxBytes: 1024 * 1024, maxMs: 1_500 });
    plain = await serve(null);
  });
  after(async () => {
    await drained?.app.close();
    await plain?.app.close();
  });

  const half = Buffer.alloc(150_000, 0x41);

  it('a client still sending when refused reads the 413, not a reset', async () => {
    const res = await exchange(drained.port, postHead(2 * half.length), [half, half], 300, 200);
    assert.equal(res.error, null);
    assert.match(res.received, /^HTTP\/1\.1 413 /);
    assert.match(res.received, /\r\nconnection: close\r\n/i);
    // The answer waited for the second half, sent 300 ms after the first.
    assert.ok(res.answeredAfterMs !== null && res.answeredAfterMs >= 250, `answered after ${res.answeredAfterMs} ms`);
  });

  it('without the drain, the same client gets a reset: the case the drain is for', async () => {
    const res = await exchange(plain.port, postHead(2 * half.length), [half, half], 300, 200);
    assert.ok(res.error === 'ECONNRESET' || res.error === 'EPIPE', `expected a reset, got ${res.error} after ${JSON.stringify(res.received.slice(0, 40))}`);
  });

  it('a body that never ends is waited for at most maxMs', async () => {
    const res = await exchange(drained.port, postHead(10_000_000), [Buffer.alloc(40_000, 0x42)], 0);
    assert.equal(res.error, null);
    assert.match(res.received, /^HTTP\/1\.1 413 /);
    assert.ok(res.answeredAfterMs !== null && res.answeredAfterMs >= 1_400, `answered after ${res.answeredAfterMs} ms`);
  });

  it('past maxBytes the answer goes out without waiting for the end', async () => {
    const big = Buffer.alloc(1024 * 1024 + 200_000, 0x43);
    const res = await exchange(drained.port, postHead(10_000_000), [big], 0);
    assert.match(res.received, /^HTTP\/1\.1 413 /);
    assert.ok(res.answeredAfterMs !== null && res.answeredAfterMs < 1_400, `answered after ${res.answeredAfterMs} ms`);
  });

  it('accepted requests are not held: two on one keep-alive connection', async () => {
    const body = Buffer.alloc(1000, 0x44);
    const one = `${postHead(body.length)}${body.toString('latin1')}`;
    const head = one + one.replace('Host: test', 'Host: test\r\nConnection: close');
    const res = await exchange(drained.port, head, [], 0);
    assert.equal(res.error, null);
    assert.equal(res.received.match(/HTTP\/1\.1 200 /g)?.length, 2, res.received);
    assert.equal(res.received.match(/\{"bytes":1000\}/g)?.length, 2);
  });
});
