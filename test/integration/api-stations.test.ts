// The station resources against the real database, the problem+json contract, and the OpenAPI document.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiApp } from '../../src/api/api-app.js';
import { createOperatorAuth } from '../../src/api/operator-auth.js';
import { registerOpsRoutes } from '../../src/api/ops-app.js';
import { hashSecret } from '../../src/api/secret-hash.js';
import { OPERATOR_SCOPES, SCOPE_DESCRIPTIONS } from '../../src/api/scopes.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore, type Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { deflateFrames, FrameBuffer } from '../../src/store/frame-chunk.js';

// Unique ids, so the file also runs against a shared PostgreSQL (DATABASE_URL).
const run = randomBytes(4).toString('hex');
const sid = (name: string) => `T${run}-${name}`;

let testDb: TestDatabase;
let db: Db;
let store: Store;
let app: FastifyInstance;
let headers: { authorization: string };
const connectedNow = new Set<string>();
const bus = { call: () => Promise.resolve({ kind: 'result' as const, payload: {} }), isConnected: (id: string) => connectedNow.has(id) };

before(async () => {
  testDb = await createTestDatabase();
  db = await openDb({ dataDir: testDb.dataDir, databaseUrl: testDb.databaseUrl });
  await migrate(db);
  store = createStore(db);
  const secret = `secret-${run}-long-enough`;
  await store.credentials.insertIfAbsent({ clientId: `ops-${run}`, secretHash: await hashSecret(secret), scopes: ['stations:read', 'stations:write', 'calls:send'] });
  const auth = createOperatorAuth({ credentials: store.credentials, tokenTtlS: 600 });
  app = await buildApiApp({ store, bus, auth, logger: silentLogger(), config: { tokenTtlS: 600 } });
  registerOpsRoutes(app, { db, metrics: createMetrics() });
  headers = { authorization: `Bearer ${(await auth.issueToken(`ops-${run}`, secret)).accessToken}` };
});

after(async () => {
  await app?.close();
  await db?.close();
  await testDb.dispose();
});

const get = (url: string) => app.inject({ method: 'GET', url, headers });
const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, headers, payload: payload as object });
const patch = (url: string, payload: unknown) => app.inject({ method: 'PATCH', url, headers, payload: payload as object });

function assertProblem(res: Awaited<ReturnType<typeof get>>, status: number, code: string): Record<string, unknown> {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json<Record<string, unknown>>();
  assert.deepEqual(Object.keys(body).slice(0, 5), ['type', 'title', 'status', 'detail', 'code']);
  assert.equal(body.type, `urn:plugtrust:problem:${code}`);
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.ok(!res.body.includes('    at '), 'no stack trace');
  return body;
}

describe('POST /api/v1/stations', () => {
  it('registers with defaults: 201, Location, Accepted, security profile 1', async () => {
    const res = await post('/api/v1/stations', { id: sid('a') });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.headers.location, `/api/v1/stations/${sid('a')}`);
    const body = res.json();
    assert.equal(body.id, sid('a'));
    assert.equal(body.registrationStatus, 'Accepted');
    assert.equal(body.securityProfile, 1);
    assert.equal(body.description, null);
    assert.equal(body.connected, false);
    assert.ok(!Number.isNaN(Date.parse(body.createdAt)));
    const stored = await store.stations.get(sid('a'));
    assert.equal(stored?.registrationStatus, 'Accepted');
  });

  it('registers with everything given', async () => {
    const res = await post('/api/v1/stations', { id: sid('b'), registrationStatus: 'Pending', securityProfile: 3, description: 'Bay 2' });
    assert.equal(res.statusCode, 201);
    assert.deepEqual([res.json().registrationStatus, res.json().securityProfile, res.json().description], ['Pending', 3, 'Bay 2']);
  });

  it('answers 409 station_exists for a second registration, and keeps the first', async () => {
    assertProblem(await post('/api/v1/stations', { id: sid('a'), registrationStatus: 'Rejected' }), 409, 'station_exists');
    assert.equal((await store.stations.get(sid('a')))?.registrationStatus, 'Accepted');
  });

  const invalid: [string, unknown, string][] = [
    ['id with a colon (Basic auth username)', { id: 'CS:1' }, '/id'],
    ['id of 49 characters', { id: 'x'.repeat(49) }, '/id'],
    ['empty id', { id: '' }, '/id'],
    ['id with a space', { id: 'CS 1' }, '/id'],
    ['id that needs percent-encoding', { id: 'CS%201' }, '/id'],
    ['id with a slash', { id: 'a/b' }, '/id'],
    ['dot segment id', { id: '..' }, '/id'],
    ['missing id', {}, '/id'],
    ['unknown registration status', { id: sid('x'), registrationStatus: 'Maybe' }, '/registrationStatus'],
    ['security profile 4', { id: sid('x'), securityProfile: 4 }, '/securityProfile'],
    ['security profile as a string (no coercion of bodies)', { id: sid('x'), securityProfile: '2' }, '/securityProfile'],
    ['unknown property', { id: sid('x'), autoRegistered: true }, '/autoRegistered'],
  ];
  for (const [name, body, path] of invalid) {
    it(`400 validation_failed: ${name}, nothing stored`, async () => {
      const problem = assertProblem(await post('/api/v1/stations', body), 400, 'validation_failed');
      assert.equal((problem.errors as { path: string; in: string }[])[0]?.path, path);
      assert.equal((problem.errors as { path: string; in: string }[])[0]?.in, 'body');
      assert.equal(await store.stations.get(sid('x')), null);
    });
  }

  it('accepts the longest id, with every allowed character', async () => {
    const id = `${run}-A.z_0`.padEnd(48, '9');
    const res = await post('/api/v1/stations', { id });
    assert.equal(res.statusCode, 201, res.body);
  });
});

describe('GET /api/v1/stations', () => {
  before(async () => {
    for (const n of ['p1', 'p2', 'p3']) await store.stations.create({ id: sid(n), registrationStatus: 'Accepted', securityProfile: 1 });
    await store.stations.setConnectedMany(new Map([[sid('p2'), { connected: true, at: new Date() }]]));
  });

  it('pages with after + limit, in id order', async () => {
    const first = (await get(`/api/v1/stations?after=${sid('o')}&limit=2`)).json();
    assert.deepEqual(first.items.map((s: { id: string }) => s.id), [sid('p1'), sid('p2')]);
    assert.equal(first.nextAfter, sid('p2'));
    const second = (await get(`/api/v1/stations?after=${first.nextAfter}&limit=2`)).json();
    assert.equal(second.items[0].id, sid('p3'));
  });

  it('says null for nextAfter on the last page', async () => {
    const all = (await get('/api/v1/stations?limit=1000')).json();
    assert.equal(all.nextAfter, null);
    assert.ok(all.items.some((s: { id: string }) => s.id === sid('p3')));
  });

  it('filters on the connected flag', async () => {
    const ids = (q: string) => get(`/api/v1/stations?after=${sid('o')}&limit=1000&connected=${q}`).then((r) => r.json<{ items: { id: string }[] }>().items.map((s) => s.id).filter((id) => id.startsWith(sid('p'))));
    assert.deepEqual(await ids('true'), [sid('p2')]);
    assert.deepEqual(await ids('false'), [sid('p1'), sid('p3')]);
  });

  for (const q of ['limit=0', 'limit=1001', 'limit=ten', 'connected=maybe', 'offset=3']) {
    it(`400 for ?${q}`, async () => {
      const problem = assertProblem(await get(`/api/v1/stations?${q}`), 400, 'validation_failed');
      assert.equal((problem.errors as { in: string }[])[0]?.in, 'querystring');
    });
  }
});

describe('GET /api/v1/stations/:id', () => {
  it('returns the station, its connectors and the live connection state', async () => {
    await store.connectors.upsert(sid('a'), { evseId: 1, connectorId: 1, status: 'Available', reportedAt: new Date('2025-01-02T03:04:05.000Z') });
    await store.connectors.upsert(sid('a'), { evseId: 2, connectorId: 1, status: 'Faulted', reportedAt: new Date('2025-01-02T03:04:06.000Z') });
    connectedNow.add(sid('a'));
    const body = (await get(`/api/v1/stations/${sid('a')}`)).json();
    connectedNow.delete(sid('a'));
    assert.equal(body.id, sid('a'));
    assert.equal(body.connected, true);
    assert.deepEqual(body.connectors, [
      { evseId: 1, connectorId: 1, status: 'Available', reportedAt: '2025-01-02T03:04:05.000Z' },
      { evseId: 2, connectorId: 1, status: 'Faulted', reportedAt: '2025-01-02T03:04:06.000Z' },
    ]);
    assert.equal((await get(`/api/v1/stations/${sid('a')}`)).json().connected, false);
  });

  it('finds a station whose id needs percent-encoding (auto-registered with a wider identity)', async () => {
    const id = `${run}*CS+1`;
    await store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
    const res = await get(`/api/v1/stations/${encodeURIComponent(id)}`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().id, id);
  });

  it('404 station_not_found for an unknown station', async () => {
    assertProblem(await get(`/api/v1/stations/${sid('nope')}`), 404, 'station_not_found');
  });
});

describe('PATCH /api/v1/stations/:id', () => {
  it('changes only what is given', async () => {
    const res = await patch(`/api/v1/stations/${sid('b')}`, { registrationStatus: 'Accepted' });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([res.json().registrationStatus, res.json().securityProfile, res.json().description], ['Accepted', 3, 'Bay 2']);
  });

  it('clears the description with null', async () => {
    const res = await patch(`/api/v1/stations/${sid('b')}`, { description: null, securityProfile: 2 });
    assert.deepEqual([res.json().securityProfile, res.json().description], [2, null]);
    assert.equal((await store.stations.get(sid('b')))?.description, null);
  });

  it('404 for an unknown station, 400 for an empty or unknown change', async () => {
    assertProblem(await patch(`/api/v1/stations/${sid('nope')}`, { registrationStatus: 'Rejected' }), 404, 'station_not_found');
    assertProblem(await patch(`/api/v1/stations/${sid('b')}`, {}), 400, 'validation_failed');
    assertProblem(await patch(`/api/v1/stations/${sid('b')}`, { id: 'renamed' }), 400, 'validation_failed');
    assert.equal((await store.stations.get(sid('b')))?.securityProfile, 2);
  });
});

describe('station logs', () => {
  before(async () => {
    const at = new Date('2025-03-01T10:00:00.000Z');
    await store.events.insertStationEvents(sid('a'), [
      { generatedAt: at, seqNo: 0, tbc: false, eventId: 7, eventAt: at, trigger: 'Alerting', cause: null, actualValue: 'true', techCode: null, techInfo: null, cleared: null, transactionId: null, variableMonitoringId: null, eventNotificationType: 'HardWiredNotification', component: { name: 'Door' }, variable: { name: 'Open' } },
    ]);
    await store.events.insertSecurityEvent({ stationId: sid('a'), source: 'station', type: 'TamperDetectionActivated', occurredAt: at, techInfo: 'lid', remoteAddr: null });
    const t = at.getTime();
    const frames = new FrameBuffer(t);
    frames.append('in', 2, 'Heartbeat', 'm1', 'ok', Buffer.from('[2,"m1","Heartbeat",{}]'), t);
    frames.append('out', 3, 'Heartbeat', 'm1', 'ok', null, t + 5);
    await store.frames.insertChunks([{ stationId: sid('a'), firstAtMs: t, lastAtMs: t + 5, count: 2, deflated: deflateFrames([frames.contents()])[0]! }]);
  });

  it('GET .../events returns NotifyEvent records', async () => {
    const res = await get(`/api/v1/stations/${sid('a')}/events`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().items, [
      { generatedAt: '2025-03-01T10:00:00.000Z', seqNo: 0, tbc: false, eventId: 7, eventAt: '2025-03-01T10:00:00.000Z', trigger: 'Alerting', cause: null, actualValue: 'true', techCode: null, techInfo: null, cleared: null, transactionId: null, variableMonitoringId: null, eventNotificationType: 'HardWiredNotification', component: { name: 'Door' }, variable: { name: 'Open' } },
    ]);
  });

  it('GET .../security-events returns security events', async () => {
    const res = await get(`/api/v1/stations/${sid('a')}/security-events?limit=5`);
    assert.deepEqual(res.json().items, [{ stationId: sid('a'), source: 'station', type: 'TamperDetectionActivated', occurredAt: '2025-03-01T10:00:00.000Z', techInfo: 'lid', remoteAddr: null }]);
  });

  it('GET .../frames returns the frame log newest first, and pages with before', async () => {
    const res = await get(`/api/v1/stations/${sid('a')}/frames`);
    assert.deepEqual(res.json().items.map((f: { direction: string }) => f.direction), ['out', 'in']);
    assert.equal(res.json().items[1].payload, '[2,"m1","Heartbeat",{}]');
    const older = await get(`/api/v1/stations/${sid('a')}/frames?before=2025-03-01T10:00:00.005Z&limit=1`);
    assert.deepEqual(older.json().items.map((f: { direction: string }) => f.direction), ['in']);
  });

  for (const tail of ['events', 'security-events', 'frames']) {
    it(`GET .../${tail} is 404 for an unknown station`, async () => {
      assertProblem(await get(`/api/v1/stations/${sid('nope')}/${tail}`), 404, 'station_not_found');
    });
  }

  it('400 for a malformed before', async () => {
    assertProblem(await get(`/api/v1/stations/${sid('a')}/frames?before=yesterday`), 400, 'validation_failed');
  });
});

describe('problem+json for what fastify refuses', () => {
  it('unknown route -> 404 route_not_found', async () => {
    assertProblem(await get('/api/v1/nothing-here'), 404, 'route_not_found');
  });
  it('invalid JSON -> 400 malformed_request', async () => {
    assertProblem(await app.inject({ method: 'POST', url: '/api/v1/stations', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"id":' }), 400, 'malformed_request');
  });
  it('a form body outside the token endpoint -> 415 unsupported_media_type, nothing stored', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/stations', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: `id=${sid('form')}` });
    assertProblem(res, 415, 'unsupported_media_type');
    assert.equal(await store.stations.get(sid('form')), null);
  });
  it('body over 1 MiB -> 413 payload_too_large', async () => {
    assertProblem(await post('/api/v1/stations', { id: sid('big'), description: 'x'.repeat(1024 * 1024) }), 413, 'payload_too_large');
  });
});

describe('OpenAPI document', () => {
  // Every route of the API, with the scope it needs (null: public).
  const routes: [string, string, string | null][] = [
    ['post', '/api/v1/auth/token', null],
    ['post', '/api/v1/stations', 'stations:write'],
    ['get', '/api/v1/stations', 'stations:read'],
    ['get', '/api/v1/stations/{id}', 'stations:read'],
    ['patch', '/api/v1/stations/{id}', 'stations:write'],
    ['get', '/api/v1/stations/{id}/events', 'stations:read'],
    ['get', '/api/v1/stations/{id}/security-events', 'stations:read'],
    ['get', '/api/v1/stations/{id}/frames', 'stations:read'],
    ['post', '/api/v1/stations/{id}/calls/{action}', 'calls:send'],
    ['get', '/api/v1/stations/{id}/certificates', 'stations:read'],
    ['put', '/api/v1/stations/{id}/secc-id', 'stations:write'],
    ['post', '/api/v1/stations/{id}/certificates/renew', 'stations:write'],
    ['put', '/api/v1/stations/{id}/password', 'stations:write'],
    ['post', '/api/v1/stations/{id}/password/rotate', 'stations:write'],
    ['post', '/api/v1/stations/{id}/security-profile', 'stations:write'],
    ['get', '/api/v1/stations/{id}/installed-certificates', 'stations:read'],
    ['post', '/api/v1/stations/{id}/installed-certificates', 'certificates:install'],
    ['post', '/api/v1/stations/{id}/installed-certificates/refresh', 'certificates:install'],
    ['post', '/api/v1/stations/{id}/installed-certificates/delete', 'certificates:install'],
    ['post', '/api/v1/certificate-campaigns', 'certificates:install'],
    ['get', '/api/v1/certificate-campaigns', 'stations:read'],
    ['get', '/api/v1/certificate-campaigns/{id}', 'stations:read'],
    ['get', '/api/v1/certificate-campaigns/{id}/stations', 'stations:read'],
    ['post', '/api/v1/certificate-campaigns/{id}/pause', 'certificates:install'],
    ['post', '/api/v1/certificate-campaigns/{id}/resume', 'certificates:install'],
    ['post', '/api/v1/certificate-campaigns/{id}/cancel', 'certificates:install'],
    ['get', '/api/v1/reports/certificates', 'ca:read'],
    ['get', '/healthz', null],
    ['get', '/readyz', null],
    ['get', '/metrics', null],
  ];

  it('is served at /docs/json as OpenAPI 3.1 and lists exactly the routes of the app', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json();
    assert.equal(doc.openapi, '3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    assert.deepEqual(documented.sort(), routes.map(([m, p]) => `${m} ${p}`).sort());
    for (const [method, path] of routes) {
      assert.ok(app.hasRoute({ method: method.toUpperCase(), url: path.replace(/\{(\w+)\}/g, ':$1') }), `${method} ${path} is a route`);
    }
  });

  it('declares a security requirement, a success schema and problem responses on each protected route', async () => {
    const doc = (await app.inject({ url: '/docs/json' })).json();
    // The document offers every scope the API defines, each with its description.
    assert.deepEqual(doc.components.securitySchemes.operatorToken.flows.clientCredentials.scopes, SCOPE_DESCRIPTIONS);
    assert.deepEqual(Object.keys(doc.components.securitySchemes.operatorToken.flows.clientCredentials.scopes), [...OPERATOR_SCOPES]);
    for (const [method, path, scope] of routes.filter((r) => r[2] !== null)) {
      const op = doc.paths[path][method];
      assert.deepEqual(op.security, [{ operatorToken: [scope] }], `${method} ${path}`);
      const success = Object.keys(op.responses).find((s) => s.startsWith('2'));
      assert.ok(success && op.responses[success].content['application/json'].schema, `${method} ${path} success schema`);
      for (const status of ['401', '403', '400', '500']) {
        assert.deepEqual(op.responses[status].content['application/problem+json'].schema, { $ref: '#/components/schemas/Problem' }, `${method} ${path} ${status}`);
      }
    }
  });

  it('the token endpoint grants exactly the defined scopes the credential holds', async () => {
    const token = async (clientId: string, secret: string, scope?: string) => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, ...(scope === undefined ? {} : { scope }) });
      return app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
    };
    const secret = `scopes-${run}-long-enough`;
    // Every scope the API defines, plus one it does not: the unknown one is never granted.
    await store.credentials.insertIfAbsent({ clientId: `all-${run}`, secretHash: await hashSecret(secret), scopes: [...OPERATOR_SCOPES, 'bogus:scope'] });
    const all = await token(`all-${run}`, secret);
    assert.equal(all.statusCode, 200, all.body);
    assert.deepEqual(all.json<{ scope: string }>().scope.split(' '), [...OPERATOR_SCOPES]);
    assert.equal((await token(`all-${run}`, secret, 'bogus:scope')).json<{ error: string }>().error, 'invalid_scope');
    // A credential holding some scopes gets those, and no others on request.
    const some = OPERATOR_SCOPES.filter((_, i) => i % 2 === 0);
    const other = OPERATOR_SCOPES.find((s) => !some.includes(s));
    assert.ok(other);
    await store.credentials.insertIfAbsent({ clientId: `some-${run}`, secretHash: await hashSecret(secret), scopes: some });
    assert.deepEqual((await token(`some-${run}`, secret)).json<{ scope: string }>().scope.split(' '), some);
    const refused = await token(`some-${run}`, secret, `${some[0]} ${other}`);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json<{ error: string }>().error, 'invalid_scope');
  });

  it('serves the UI at /docs', async () => {
    const res = await app.inject({ url: '/docs' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Swagger UI/);
  });
});
