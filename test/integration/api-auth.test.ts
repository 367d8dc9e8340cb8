// Operator authentication against the real database: the token endpoint, and every way a bearer
// token can be wrong, each refused without touching storage.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { buildApiApp } from '../../src/api/api-app.js';
import { createOperatorAuth } from '../../src/api/operator-auth.js';
import { hashSecret } from '../../src/api/secret-hash.js';
import { silentLogger } from '../../src/log.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore, type Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const TTL = 600;
const run = randomBytes(4).toString('hex');
const client = { id: `ops-${run}`, secret: `secret-${run}-of-enough-length` };
const readerClient = { id: `reader-${run}`, secret: `reader-${run}-secret-value` };
const disabledClient = { id: `gone-${run}`, secret: `gone-${run}-secret-value!` };
const revokedClient = { id: `revoked-${run}`, secret: `revoked-${run}-secret-value` };

let testDb: TestDatabase;
let db: Db;
let store: Store;
let app: FastifyInstance;
let clock = new Date();
const bus = { call: () => Promise.resolve({ kind: 'result' as const, payload: {} }), isConnected: () => false };

before(async () => {
  testDb = await createTestDatabase();
  db = await openDb({ dataDir: testDb.dataDir, databaseUrl: testDb.databaseUrl });
  await migrate(db);
  store = createStore(db);
  await store.credentials.insertIfAbsent({ clientId: client.id, secretHash: await hashSecret(client.secret), scopes: ['stations:read', 'stations:write', 'calls:send'] });
  await store.credentials.insertIfAbsent({ clientId: readerClient.id, secretHash: await hashSecret(readerClient.secret), scopes: ['stations:read'] });
  await store.credentials.insertIfAbsent({ clientId: disabledClient.id, secretHash: await hashSecret(disabledClient.secret), scopes: ['stations:read', 'stations:write'] });
  await store.credentials.insertIfAbsent({ clientId: revokedClient.id, secretHash: await hashSecret(revokedClient.secret), scopes: ['stations:read'] });
  await db.query('UPDATE operator_credentials SET disabled_at = now() WHERE client_id = $1', [revokedClient.id]);
  const auth = createOperatorAuth({ credentials: store.credentials, tokenTtlS: TTL, now: () => clock });
  app = await buildApiApp({ store, bus, auth, logger: silentLogger(), config: { tokenTtlS: TTL } });
});

after(async () => {
  await app?.close();
  await db?.close();
  await testDb.dispose();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function tokenFor(c: { id: string; secret: string }, scope?: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c.id, c.secret) },
    payload: form({ grant_type: 'client_credentials', ...(scope && { scope }) }),
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().access_token as string;
}

describe('POST /api/v1/auth/token', () => {
  const ok: [string, () => Promise<Awaited<ReturnType<FastifyInstance['inject']>>>][] = [
    ['form body with client_id/client_secret', () => app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret }) })],
    ['JSON body', () => app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret } })],
    ['HTTP Basic', () => app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.id, client.secret) }, payload: form({ grant_type: 'client_credentials' }) })],
  ];
  for (const [name, send] of ok) {
    it(`issues a token: ${name}`, async () => {
      const res = await send();
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      const body = res.json();
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, TTL);
      assert.equal(body.scope, 'stations:read stations:write calls:send');
      const header = decodeProtectedHeader(body.access_token);
      assert.equal(header.alg, 'HS256');
      assert.equal(header.typ, 'at+jwt');
      assert.equal(typeof header.kid, 'string');
      const claims = decodeJwt(body.access_token);
      assert.equal(claims.iss, 'plugtrust');
      assert.equal(claims.aud, 'plugtrust-operator-api');
      assert.equal(claims.sub, client.id);
      assert.equal(claims.scope, body.scope);
      assert.equal(claims.exp! - claims.iat!, TTL);
      assert.equal(typeof claims.jti, 'string');
    });
  }

  it('grants a narrower scope when asked', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret, scope: 'stations:read' } });
    assert.equal(res.json().scope, 'stations:read');
  });

  const refused: [string, Record<string, string>, Record<string, unknown>, number, string][] = [
    ['wrong secret', {}, { client_id: client.id, client_secret: 'wrong-secret-value' }, 401, 'invalid_client'],
    ['unknown client', {}, { client_id: `nobody-${run}`, client_secret: client.secret }, 401, 'invalid_client'],
    ['wrong secret over Basic', { authorization: basic(client.id, 'wrong') }, {}, 401, 'invalid_client'],
    ['disabled client', {}, { client_id: revokedClient.id, client_secret: revokedClient.secret }, 401, 'invalid_client'],
    ['no client authentication', {}, {}, 401, 'invalid_client'],
    ['bad grant type', {}, { grant_type: 'password', client_id: client.id, client_secret: client.secret }, 400, 'unsupported_grant_type'],
    ['missing grant type', {}, { grant_type: undefined, client_id: client.id, client_secret: client.secret }, 400, 'invalid_request'],
    ['two authentication methods', { authorization: basic(client.id, client.secret) }, { client_id: client.id, client_secret: client.secret }, 400, 'invalid_request'],
    ['scope beyond the client', {}, { client_id: readerClient.id, client_secret: readerClient.secret, scope: 'stations:write' }, 400, 'invalid_scope'],
    ['unknown scope', {}, { client_id: client.id, client_secret: client.secret, scope: 'admin' }, 400, 'invalid_scope'],
    ['malformed scope', {}, { client_id: client.id, client_secret: client.secret, scope: '' }, 400, 'invalid_scope'],
  ];
  for (const [name, headers, fields, status, error] of refused) {
    it(`${name} -> ${status} ${error}`, async () => {
      const payload = Object.fromEntries(Object.entries({ grant_type: 'client_credentials', ...fields }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: form(payload) });
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.equal(res.json().error, error);
      assert.equal(typeof res.json().error_description, 'string');
      if (status === 401) assert.match(String(res.headers['www-authenticate']), /^Basic realm="plugtrust"/);
    });
  }

  it('answers an unknown client exactly like a wrong secret', async () => {
    const send = (id: string) => app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { grant_type: 'client_credentials', client_id: id, client_secret: 'not-the-secret' } });
    const [unknown, wrong] = [await send(`nobody-${run}`), await send(client.id)];
    assert.equal(unknown.statusCode, wrong.statusCode);
    assert.equal(unknown.body, wrong.body);
  });

  it('refuses a repeated form parameter and an oversized form', async () => {
    const repeated = await app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials&grant_type=client_credentials' });
    assert.equal(repeated.statusCode, 400);
    assert.equal(repeated.json().error, 'invalid_request');
    const big = await app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials&pad=${'x'.repeat(20_000)}` });
    assert.equal(big.statusCode, 400);
    assert.equal(big.json().error, 'invalid_request');
  });
});

describe('protected routes refuse bad bearer tokens and change nothing', () => {
  async function signed(claims: Record<string, unknown>, opts: { kid?: string; key?: Uint8Array; typ?: string; aud?: string; iss?: string; exp?: number } = {}): Promise<string> {
    const [active] = await store.credentials.activeSigningKeys();
    const iat = Math.floor(clock.getTime() / 1000);
    return new SignJWT({ scope: 'stations:read stations:write calls:send', ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: opts.kid ?? active!.kid, typ: opts.typ ?? 'at+jwt' })
      .setIssuer(opts.iss ?? 'plugtrust')
      .setAudience(opts.aud ?? 'plugtrust-operator-api')
      .setSubject(client.id)
      .setIssuedAt(iat)
      .setExpirationTime(opts.exp ?? iat + 60)
      .setJti(randomUUID())
      .sign(opts.key ?? active!.secret);
  }

  // Each case: the Authorization header to send (computed after setup), the status, the code.
  const cases: [string, () => Promise<string | undefined>, number, string][] = [
    ['no token', () => Promise.resolve(undefined), 401, 'unauthorized'],
    ['another scheme', () => Promise.resolve(basic(client.id, client.secret)), 401, 'unauthorized'],
    ['malformed bearer', () => Promise.resolve('Bearer not a jwt'), 401, 'invalid_token'],
    ['bad signature', async () => { const t = await tokenFor(client); return `Bearer ${t.slice(0, -4)}${t.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`; }, 401, 'invalid_token'],
    ['signed with another key', async () => `Bearer ${await signed({}, { key: randomBytes(32) })}`, 401, 'invalid_token'],
    ['unknown kid', async () => `Bearer ${await signed({}, { kid: 'no-such-key' })}`, 401, 'invalid_token'],
    ['wrong audience', async () => `Bearer ${await signed({}, { aud: 'some-other-api' })}`, 401, 'invalid_token'],
    ['wrong issuer', async () => `Bearer ${await signed({}, { iss: 'someone-else' })}`, 401, 'invalid_token'],
    ['wrong typ (an id token, say)', async () => `Bearer ${await signed({}, { typ: 'JWT' })}`, 401, 'invalid_token'],
    ['alg none', () => { const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url'); const now = Math.floor(clock.getTime() / 1000); const token = `Bearer ${enc({ alg: 'none', typ: 'at+jwt' })}.${enc({ iss: 'plugtrust', aud: 'plugtrust-operator-api', sub: client.id, scope: 'stations:write', iat: now, exp: now + 60, jti: 'x' })}.`; return Promise.resolve(token); }, 401, 'invalid_token'],
    ['expired', async () => { const t = await tokenFor(client); clock = new Date(clock.getTime() + (TTL + 1) * 1000); return `Bearer ${t}`; }, 401, 'invalid_token'],
    ['token for a disabled credential', async () => { const t = await tokenFor(disabledClient); await db.query('UPDATE operator_credentials SET disabled_at = now() WHERE client_id = $1', [disabledClient.id]); return `Bearer ${t}`; }, 401, 'invalid_token'],
    ['missing scope (narrowed at issue)', async () => `Bearer ${await tokenFor(client, 'stations:read')}`, 403, 'insufficient_scope'],
    ['missing scope (credential lacks it)', async () => `Bearer ${await tokenFor(readerClient)}`, 403, 'insufficient_scope'],
  ];

  for (const [name, header, status, code] of cases) {
    it(`${name} -> ${status} ${code}`, async () => {
      const saved = clock;
      const authorization = await header();
      const id = `AUTH-${run}-${cases.findIndex((c) => c[0] === name)}`;
      const res = await app.inject({ method: 'POST', url: '/api/v1/stations', headers: authorization === undefined ? {} : { authorization }, payload: { id } });
      clock = saved;
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json().code, code);
      const challenge = String(res.headers['www-authenticate']);
      if (code === 'unauthorized') assert.equal(challenge, 'Bearer realm="plugtrust"');
      if (code === 'invalid_token') assert.equal(challenge, 'Bearer realm="plugtrust", error="invalid_token"');
      if (code === 'insufficient_scope') assert.equal(challenge, 'Bearer realm="plugtrust", error="insufficient_scope", scope="stations:write"');
      assert.equal(await store.stations.get(id), null);
    });
  }

  it('a valid token is accepted (the control case)', async () => {
    const id = `AUTH-${run}-ok`;
    const res = await app.inject({ method: 'POST', url: '/api/v1/stations', headers: { authorization: `Bearer ${await tokenFor(client)}` }, payload: { id } });
    assert.equal(res.statusCode, 201, res.body);
    assert.notEqual(await store.stations.get(id), null);
  });

  it('checks authentication before the body: an unauthenticated invalid body is 401, not 400', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/stations', payload: { id: 'a:b', nonsense: true } });
    assert.equal(res.statusCode, 401);
  });

  it('signs every token with one key, created on first use and kept', async () => {
    const keys = await store.credentials.activeSigningKeys();
    assert.ok(keys.length >= 1);
    assert.equal(keys[0]!.secret.length, 32);
    assert.equal(decodeProtectedHeader(await tokenFor(client)).kid, keys[0]!.kid);
  });
});
