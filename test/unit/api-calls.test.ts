import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiApp, type ApiDeps } from '../../src/api/api-app.js';
import { ApiError } from '../../src/api/errors.js';
import type { OperatorAuth } from '../../src/api/operator-auth.js';
import { silentLogger } from '../../src/log.js';
import { OcppRpcError } from '../../src/ocpp/rpc-error.js';
import type { CallAnswer, CallOptions } from '../../src/ocpp/station-bus.js';
import { CALL_FAILURES } from '../helpers/call-failure-table.js';

interface SentCall {
  stationId: string;
  action: string;
  payload: unknown;
  options: CallOptions | undefined;
}

// The bus answers whatever the current test puts here.
let answer: () => Promise<CallAnswer> = () => Promise.resolve({ kind: 'result', payload: {} });
const sent: SentCall[] = [];
const bus = {
  call: async (stationId: string, action: string, payload: unknown, options?: CallOptions) => {
    sent.push({ stationId, action, payload, options });
    return answer();
  },
  isConnected: () => true,
};

const auth: OperatorAuth = {
  issueToken: () => Promise.reject(new ApiError('invalid_client')),
  verify: (token) => {
    if (token === 'caller') return Promise.resolve({ clientId: 'ops', scopes: ['calls:send'] });
    if (token === 'reader') return Promise.resolve({ clientId: 'viewer', scopes: ['stations:read'] });
    return Promise.reject(new ApiError('invalid_token'));
  },
};

const store = { stations: { get: (id: string) => Promise.resolve(id === 'CS-1' ? { id } : null) } } as unknown as ApiDeps['store'];

let app: FastifyInstance;
before(async () => {
  app = await buildApiApp({ store, bus, auth, logger: silentLogger(), config: { tokenTtlS: 300 } });
});
after(async () => app.close());

const call = (url: string, payload: unknown = { type: 'Immediate' }, token = 'caller') =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });

describe('POST /api/v1/stations/:id/calls/:action', () => {
  it('sends the body as the OCPP payload and returns the CALLRESULT as {result}', async () => {
    sent.length = 0;
    answer = () => Promise.resolve({ kind: 'result', payload: { status: 'Scheduled' } });
    const res = await call('/api/v1/stations/CS-1/calls/Reset', { type: 'OnIdle', evseId: 1 });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { result: { status: 'Scheduled' } });
    assert.deepEqual(sent, [{ stationId: 'CS-1', action: 'Reset', payload: { type: 'OnIdle', evseId: 1 }, options: undefined }]);
  });

  it('returns a CALLERROR from the station as 200 {error}', async () => {
    answer = () => Promise.resolve({ kind: 'error', errorCode: 'NotSupported', errorDescription: 'no reset here', errorDetails: { hint: 1 } });
    const res = await call('/api/v1/stations/CS-1/calls/Reset');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { error: { code: 'NotSupported', description: 'no reset here', details: { hint: 1 } } });
  });

  it('passes ?timeoutMs= to the bus', async () => {
    sent.length = 0;
    answer = () => Promise.resolve({ kind: 'result', payload: {} });
    assert.equal((await call('/api/v1/stations/CS-1/calls/ClearCache?timeoutMs=1500', {})).statusCode, 200);
    assert.deepEqual(sent[0]?.options, { timeoutMs: 1500 });
  });

  for (const [rpcCode, status, code] of CALL_FAILURES) {
    it(`bus failure ${rpcCode} -> ${status} ${code} as problem+json`, async () => {
      const violation = { code: 'OccurrenceConstraintViolation', description: "(root) must have required property 'type'", details: [] };
      answer = () => Promise.reject(new OcppRpcError(rpcCode, 'text meant for logs', rpcCode === 'InvalidPayload' ? violation : {}));
      const res = await call('/api/v1/stations/CS-1/calls/Reset');
      assert.equal(res.statusCode, status);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const body = res.json();
      assert.equal(body.code, code);
      assert.equal(body.status, status);
      assert.equal(body.type, `urn:plugtrust:problem:${code}`);
      assert.ok(!res.body.includes('text meant for logs'));
      if (rpcCode === 'InvalidPayload') assert.deepEqual(body.violation, violation);
    });
  }

  it('an unexpected bus failure is a generic 500', async () => {
    answer = () => Promise.reject(new Error('socket internals: fd 17'));
    const res = await call('/api/v1/stations/CS-1/calls/Reset');
    assert.equal(res.statusCode, 500);
    assert.equal(res.json().code, 'internal_error');
    assert.ok(!res.body.includes('fd 17'));
  });

  const refused: [string, string, unknown, string, number, string][] = [
    ['unknown station', '/api/v1/stations/CS-9/calls/Reset', { type: 'Immediate' }, 'caller', 404, 'station_not_found'],
    ['station-to-CSMS action', '/api/v1/stations/CS-1/calls/BootNotification', {}, 'caller', 400, 'validation_failed'],
    ['not an action', '/api/v1/stations/CS-1/calls/DoSomething', {}, 'caller', 400, 'validation_failed'],
    ['timeout below 100 ms', '/api/v1/stations/CS-1/calls/Reset?timeoutMs=5', { type: 'Immediate' }, 'caller', 400, 'validation_failed'],
    ['payload not an object', '/api/v1/stations/CS-1/calls/Reset', [1, 2], 'caller', 400, 'validation_failed'],
    ['no calls:send scope', '/api/v1/stations/CS-1/calls/Reset', { type: 'Immediate' }, 'reader', 403, 'insufficient_scope'],
    ['invalid token', '/api/v1/stations/CS-1/calls/Reset', { type: 'Immediate' }, 'forged', 401, 'invalid_token'],
  ];
  for (const [name, url, payload, token, status, code] of refused) {
    it(`${name} -> ${status} ${code}, nothing sent`, async () => {
      sent.length = 0;
      const res = await call(url, payload, token);
      assert.equal(res.statusCode, status);
      assert.equal(res.json().code, code);
      assert.equal(sent.length, 0);
    });
  }

  it('names the failing parameter of a refused action', async () => {
    const res = await call('/api/v1/stations/CS-1/calls/BootNotification', {});
    assert.deepEqual(res.json().errors, [{ in: 'params', path: '/action', message: 'must be equal to one of the allowed values' }]);
  });

  it('refuses a body that is not JSON with 415, nothing sent', async () => {
    sent.length = 0;
    const res = await app.inject({ method: 'POST', url: '/api/v1/stations/CS-1/calls/Reset', payload: 'type=Immediate', headers: { authorization: 'Bearer caller', 'content-type': 'text/plain' } });
    assert.equal(res.statusCode, 415);
    assert.equal(res.json().code, 'unsupported_media_type');
    assert.equal(sent.length, 0);
  });
});
