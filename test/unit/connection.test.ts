// StationConnection against a fake socket: what a handler returns or throws becomes exactly one
// well-formed answer, an invalid response is never sent, and internals never reach the station.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { StationConnection, type ConnectionDeps } from '../../src/ocpp/connection.js';
import type { CallHandler } from '../../src/ocpp/handler.js';
import { OcppRpcError } from '../../src/ocpp/rpc-error.js';
import { loadOcppSchemas } from '../../src/ocpp/schemas.js';

const validator = loadOcppSchemas();

class FakeSocket extends EventEmitter {
  sent: unknown[][] = [];
  bufferedAmount = 0;
  send(text: string): void {
    this.sent.push(JSON.parse(text) as unknown[]);
  }
  close(): void {}
  terminate(): void {}
  ping(): void {}
}

function connect(heartbeat: CallHandler): { ws: FakeSocket; logged: string[] } {
  const ws = new FakeSocket();
  const logged: string[] = [];
  const log = silentLogger();
  log.error = ((obj: unknown, msg?: string) => void logged.push(msg ?? String(obj)));
  const deps: ConnectionDeps = {
    validator,
    route: (action) => (action === 'Heartbeat' ? heartbeat : undefined),
    allowedBeforeAccepted: new Set(['BootNotification']),
    permitAfterAnswer: () => null,
    permitTtlMs: 1000,
    recordFrame: () => undefined,
    seen: () => undefined,
    metrics: createMetrics(),
    log,
    recordPayloads: true,
    callTimeoutMs: 1000,
    maxBufferedBytes: 1 << 20,
    pingIntervalMs: 0,
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
  new StationConnection(ws as unknown as WebSocket, 'CS-U', 'Accepted', null, deps);
  return { ws, logged };
}

async function heartbeatAnswer(handler: CallHandler): Promise<{ answer: unknown[]; logged: string[]; count: number }> {
  const { ws, logged } = connect(handler);
  ws.emit('message', Buffer.from('[2,"h1","Heartbeat",{}]'), false);
  await new Promise((r) => setImmediate(r));
  return { answer: ws.sent[0] ?? [], logged, count: ws.sent.length };
}

describe('StationConnection answers', () => {
  it('sends a valid handler result as the CALLRESULT', async () => {
    const { answer } = await heartbeatAnswer(() => ({ currentTime: '2026-01-01T00:00:00Z' }));
    assert.deepEqual(answer, [3, 'h1', { currentTime: '2026-01-01T00:00:00Z' }]);
  });

  for (const [name, handler] of [
    ['a result failing the schema', () => ({ currentTime: 'yesterday' })],
    ['a result with an unknown field', async () => ({ currentTime: '2026-01-01T00:00:00Z', secret: 'k' })],
  ] as const) {
    it(`never sends ${name}: InternalError instead, and logs it`, async () => {
      const { answer, logged, count } = await heartbeatAnswer(handler);
      assert.equal(count, 1);
      assert.deepEqual(answer.slice(0, 3), [4, 'h1', 'InternalError']);
      assert.doesNotMatch(JSON.stringify(answer), /yesterday|secret/);
      assert.ok(logged.some((m) => m.includes('invalid response')));
    });
  }

  it('passes an OCPP error code a handler throws', async () => {
    const { answer } = await heartbeatAnswer(() => {
      throw new OcppRpcError('PropertyConstraintViolation', 'interval out of range');
    });
    assert.deepEqual(answer.slice(0, 4), [4, 'h1', 'PropertyConstraintViolation', 'interval out of range']);
  });

  for (const [name, handler] of [
    ['throws', () => { throw new Error('connection to db at 10.0.0.5 refused'); }],
    ['rejects', () => Promise.reject(new Error('connection to db at 10.0.0.5 refused'))],
    ['throws a non-wire OcppRpcError', () => { throw new OcppRpcError('CallTimeout', 'internal timeout detail'); }],
  ] as const) {
    it(`answers InternalError without internals when a handler ${name}`, async () => {
      const { answer } = await heartbeatAnswer(handler);
      assert.deepEqual(answer.slice(0, 3), [4, 'h1', 'InternalError']);
      assert.doesNotMatch(JSON.stringify(answer), /10\.0\.0\.5|internal timeout/);
    });
  }
});
