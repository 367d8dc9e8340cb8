// The eMSP API end to end over HTTP with real tokens: client credentials bound to an eMSP, tokens
// that are expired, for the wrong audience, without the scope or of another tenant; an external
// identity provider (a local JWKS server); polling events; webhooks signed with HMAC-SHA256 that a
// local receiver refuses first and accepts later.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { EMSP_AUDIENCE } from '../../src/api/emsp-auth.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../src/api/operator-auth.js';
import { call, clientToken, emspWithToken, startContractLab, type ContractLab } from '../helpers/emsp-fixtures.js';

const PCID = 'WMIV1234567890ABCD';
const IDP_ISSUER = 'https://idp.test.invalid/';
const IDP_AUDIENCE = 'plugtrust-emsp-test';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook receiver that answers 503 to the first `failures` requests, then 204. */
async function receiver(failures: number): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  let seen = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.statusCode = seen++ < failures ? 503 : 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/plugtrust`, got, server };
}

async function until<T>(what: string, f: () => T | Promise<T>, ms = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('eMSP API', () => {
  let lab: ContractLab;
  let jwks: Server;
  let idpKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let a: { token: string; clientId: string; secret: string };
  let b: { token: string; clientId: string; secret: string };
  const api = (token: string | null, method: string, path: string, body?: unknown) => call(lab.csms.httpUrl, token, method, path, body);

  before(async () => {
    // The identity provider's JWKS, served before the server starts (its URL is configuration).
    const pair = await generateKeyPair('ES256', { extractable: true });
    idpKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    lab = await startContractLab(() => ['--emsp-idp-issuer', IDP_ISSUER, '--emsp-idp-audience', IDP_AUDIENCE, '--emsp-idp-jwks-url', jwksUrl, '--emsp-idp-emsp-claim', 'tenant', '--webhook-poll-ms', '50', '--webhook-retry-base-ms', '100', '--webhook-max-attempts', '3']);
    a = await emspWithToken(lab, 'emsp-a');
    b = await emspWithToken(lab, 'emsp-b');
  });
  after(async () => {
    await lab.stop();
    await new Promise((r) => jwks.close(r));
  });

  let aContract = '';
  let bContract = '';

  it('lets an eMSP create, list and read its own contracts', async () => {
    const r = await api(a.token, 'POST', '/api/v1/emsp/contracts', { emaid: 'DE-83D-UIEN83QGZ-D', pcids: [PCID] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    aContract = r.body.id as string;
    assert.deepEqual([r.body.emspId, r.body.emaid, r.headers.get('location')], ['emsp-a', 'DE83DUIEN83QGZD', `/api/v1/emsp/contracts/${aContract}`]);
    const rb = await api(b.token, 'POST', '/api/v1/emsp/contracts', { emaid: 'FR-XYZ-123456789-2', pcids: ['VF1AB000000000001'] });
    assert.equal(rb.status, 201, JSON.stringify(rb.body));
    bContract = rb.body.id as string;
    const list = await api(a.token, 'GET', '/api/v1/emsp/contracts');
    assert.deepEqual((list.body.items as { id: string }[]).map((c) => c.id), [aContract]);
    assert.equal((await api(a.token, 'GET', `/api/v1/emsp/contracts/${aContract}`)).body.id, aContract);
    const bad = await api(a.token, 'POST', '/api/v1/emsp/contracts', { emaid: 'DE-83D-UIEN83QGZ-E', pcids: [PCID] });
    assert.deepEqual([bad.status, bad.body.code, bad.headers.get('content-type')], [400, 'emaid_invalid', 'application/problem+json; charset=utf-8']);
  });

  it("never lets eMSP A read, revoke, delete or list eMSP B's contracts by guessing ids", async () => {
    for (const [method, path, body] of [
      ['GET', `/api/v1/emsp/contracts/${bContract}`, undefined],
      ['POST', `/api/v1/emsp/contracts/${bContract}/revoke`, { reason: 'keyCompromise' }],
      ['DELETE', `/api/v1/emsp/contracts/${bContract}`, undefined],
    ] as const) {
      const r = await api(a.token, method, path, body);
      assert.deepEqual([r.status, r.body.code], [404, 'contract_not_found'], `${method} ${path}`);
      // Exactly what an id that does not exist answers: nothing tells A that the contract exists.
      const none = await api(a.token, method, path.replace(bContract, randomUUID()), body);
      assert.deepEqual([none.status, none.body.code], [404, 'contract_not_found']);
    }
    assert.equal(((await api(a.token, 'GET', `/api/v1/emsp/contracts?after=${bContract}`)).body.items as unknown[]).length, 0);
    assert.ok(((await api(a.token, 'GET', '/api/v1/emsp/events')).body.items as { contractId: string }[]).every((e) => e.contractId !== bContract));
    // B's contract is untouched, and still installable for its PCID.
    const mine = await api(b.token, 'GET', `/api/v1/emsp/contracts/${bContract}`);
    assert.deepEqual([mine.status, mine.body.status], [200, 'active']);
    assert.deepEqual((await lab.csms.store.contracts.findForPcid('VF1AB000000000001')).map((c) => c.id), [bContract]);
  });

  it('refuses expired tokens, tokens for another audience, without the scope, and unknown clients', async () => {
    const [key] = await lab.csms.store.credentials.activeSigningKeys();
    assert.ok(key);
    const now = Math.floor(Date.now() / 1000);
    const forge = (claims: Record<string, unknown>, aud: string, iat: number, exp: number) =>
      new SignJWT({ scope: 'contracts:read', client_id: a.clientId, ...claims }).setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' }).setIssuer(TOKEN_ISSUER).setAudience(aud).setSubject(a.clientId).setIssuedAt(iat).setExpirationTime(exp).setJti(randomUUID()).sign(key.secret);
    // Control: the same forge with valid times works, so the refusals below are for the stated reason.
    assert.equal((await api(await forge({ emsp_id: 'emsp-a' }, EMSP_AUDIENCE, now, now + 60), 'GET', '/api/v1/emsp/contracts')).status, 200);
    const cases: [string, string][] = [
      ['expired', await forge({ emsp_id: 'emsp-a' }, EMSP_AUDIENCE, now - 7200, now - 3600)],
      ['operator audience', await forge({ emsp_id: 'emsp-a' }, TOKEN_AUDIENCE, now, now + 60)],
      ['tenant claim of another eMSP', await forge({ emsp_id: 'emsp-b' }, EMSP_AUDIENCE, now, now + 60)],
      ['no tenant claim', await forge({}, EMSP_AUDIENCE, now, now + 60)],
      ['operator token', lab.operatorToken],
      ['garbage', 'abc.def.ghi'],
    ];
    for (const [name, token] of cases) {
      const r = await api(token, 'GET', '/api/v1/emsp/contracts');
      assert.deepEqual([r.status, r.body.code], [401, 'invalid_token'], name);
      assert.match(r.headers.get('www-authenticate') ?? '', /error="invalid_token"/, name);
    }
    // And an eMSP token is no operator token.
    const op = await api(a.token, 'GET', '/api/v1/emsps');
    assert.deepEqual([op.status, op.body.code], [401, 'invalid_token']);
    // Scopes per action.
    const reader = await clientToken(`${lab.csms.httpUrl}/api/v1/emsp/auth/token`, a.clientId, a.secret, 'contracts:read');
    for (const [method, path, body] of [
      ['POST', '/api/v1/emsp/contracts', { emaid: 'DE83DUIEN83QGZ', pcids: [PCID] }],
      ['POST', `/api/v1/emsp/contracts/${aContract}/revoke`, {}],
      ['GET', '/api/v1/emsp/events', undefined],
      ['POST', '/api/v1/emsp/webhooks', { url: 'http://127.0.0.1:1/' }],
    ] as const) {
      const r = await api(reader, method, path, body);
      assert.deepEqual([r.status, r.body.code], [403, 'insufficient_scope'], path);
    }
    assert.equal((await api(reader, 'GET', '/api/v1/emsp/contracts')).status, 200);
    // The token endpoint: wrong secret, scope beyond the client's.
    const wrong = await fetch(`${lab.csms.httpUrl}/api/v1/emsp/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&client_id=${a.clientId}&client_secret=nope` });
    assert.deepEqual([wrong.status, ((await wrong.json()) as { error: string }).error], [401, 'invalid_client']);
    const limited = await emspWithToken(lab, 'emsp-a', ['contracts:read']);
    await assert.rejects(clientToken(`${lab.csms.httpUrl}/api/v1/emsp/auth/token`, limited.clientId, limited.secret, 'contracts:write'), /invalid_scope/);
    // A disabled client's tokens stop working at once, and it gets no new ones.
    const gone = await emspWithToken(lab, 'emsp-a');
    assert.equal((await api(gone.token, 'GET', '/api/v1/emsp/contracts')).status, 200);
    assert.equal((await api(lab.operatorToken, 'DELETE', `/api/v1/emsps/emsp-b/clients/${gone.clientId}`)).body.code, 'emsp_client_not_found', 'only under its own eMSP');
    assert.equal((await api(lab.operatorToken, 'DELETE', `/api/v1/emsps/emsp-a/clients/${gone.clientId}`)).status, 204);
    assert.equal((await api(gone.token, 'GET', '/api/v1/emsp/contracts')).status, 401);
    await assert.rejects(clientToken(`${lab.csms.httpUrl}/api/v1/emsp/auth/token`, gone.clientId, gone.secret), /invalid_client/);
    // Operator credentials are not eMSP clients.
    await assert.rejects(clientToken(`${lab.csms.httpUrl}/api/v1/emsp/auth/token`, 'operator', lab.csms.operatorSecret), /invalid_client/);
  });

  it('accepts tokens of the configured identity provider, for the eMSP its claim names', async () => {
    const now = Math.floor(Date.now() / 1000);
    const idp = (claims: Record<string, unknown>, opts: { aud?: string; iss?: string; exp?: number } = {}) =>
      new SignJWT({ scope: 'contracts:read contracts:revoke', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'idp-1' }).setIssuer(opts.iss ?? IDP_ISSUER).setAudience(opts.aud ?? IDP_AUDIENCE).setSubject('idp-user-7').setIssuedAt(now).setExpirationTime(opts.exp ?? now + 300).sign(idpKey);
    const ok = await api(await idp({ tenant: 'emsp-a' }), 'GET', '/api/v1/emsp/contracts');
    assert.equal(ok.status, 200);
    assert.deepEqual((ok.body.items as { id: string }[]).map((c) => c.id), [aContract]);
    const other = await api(await idp({ tenant: 'emsp-a' }), 'GET', `/api/v1/emsp/contracts/${bContract}`);
    assert.equal(other.status, 404);
    const noScope = await api(await idp({ tenant: 'emsp-a' }), 'POST', '/api/v1/emsp/contracts', { emaid: 'DE83DUIEN83QGZ', pcids: [PCID] });
    assert.equal(noScope.status, 403);
    for (const [name, token] of [
      ['wrong audience', await idp({ tenant: 'emsp-a' }, { aud: 'someone-else' })],
      ['wrong issuer', await idp({ tenant: 'emsp-a' }, { iss: 'https://evil.invalid/' })],
      ['expired', await idp({ tenant: 'emsp-a' }, { exp: now - 60 })],
      ['unknown eMSP', await idp({ tenant: 'emsp-zzz' })],
      ['no tenant claim', await idp({})],
    ] as const) {
      const r = await api(token, 'GET', '/api/v1/emsp/contracts');
      assert.deepEqual([r.status, r.body.code], [401, 'invalid_token'], name);
    }
    // A key the identity provider never published.
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ tenant: 'emsp-a', scope: 'contracts:read' }).setProtectedHeader({ alg: 'ES256', kid: 'idp-1' }).setIssuer(IDP_ISSUER).setAudience(IDP_AUDIENCE).setIssuedAt(now).setExpirationTime(now + 60).sign(privateKey);
    assert.equal((await api(forged, 'GET', '/api/v1/emsp/contracts')).status, 401);
  });

  it('delivers events to a webhook with an HMAC signature, retrying until the receiver accepts; polling sees the same', async () => {
    const hook = await receiver(2);
    try {
      const sub = await api(a.token, 'POST', '/api/v1/emsp/webhooks', { url: hook.url, kinds: ['revoked', 'installed', 'installation_failed'] });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      const secret = sub.body.secret as string;
      assert.ok(secret.length >= 40);
      assert.equal(((await api(a.token, 'GET', '/api/v1/emsp/webhooks')).body.items as { secret?: string }[])[0]?.secret, undefined, 'the secret is shown once');
      const bad = await api(a.token, 'POST', '/api/v1/emsp/webhooks', { url: 'ftp://127.0.0.1/' });
      assert.deepEqual([bad.status, bad.body.code], [400, 'webhook_invalid']);

      // An installation recorded by the M01 handler, then a revocation through the API.
      await lab.csms.store.contracts.recordEvent({ emspId: 'emsp-a', contractId: aContract, kind: 'installed', at: new Date(), stationId: 'CS-1', detail: { pcid: PCID } });
      const rev = await api(a.token, 'POST', `/api/v1/emsp/contracts/${aContract}/revoke`, { reason: 'privilegeWithdrawn' });
      assert.equal(rev.status, 200);
      // Two 503s, then the first event goes through; the second follows in order.
      const delivered = await until('two deliveries', () => (hook.got.length >= 4 ? hook.got : null));
      const bodies = delivered.map((d) => JSON.parse(d.body) as { id: string; kind: string; contractId: string; stationId: string | null });
      assert.deepEqual(bodies.map((x) => x.kind), ['installed', 'installed', 'installed', 'revoked']);
      assert.equal(bodies[0]!.id, bodies[2]!.id, 'the retry carries the same event id');
      assert.deepEqual([bodies[0]!.contractId, bodies[0]!.stationId], [aContract, 'CS-1']);
      for (const d of delivered) {
        const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(d.headers['plugtrust-signature']));
        assert.ok(m, String(d.headers['plugtrust-signature']));
        assert.equal(m[2], createHmac('sha256', secret).update(`${m[1]}.${d.body}`).digest('hex'));
        assert.ok(Math.abs(Number(m[1]) - Date.now() / 1000) < 60);
        assert.equal(d.headers['plugtrust-event-id'], (JSON.parse(d.body) as { id: string }).id);
      }
      // Delivery state is stored.
      const [w] = await lab.csms.store.emspApi.listWebhooks('emsp-a');
      const states = await until('settled deliveries', async () => {
        const l = await lab.csms.store.emspApi.listDeliveries(w!.id, 10);
        return l.length === 2 && l.every((d) => d.state === 'delivered') ? l : null;
      });
      assert.deepEqual(states.map((d) => [d.attempts, d.lastStatus]).reverse(), [[3, 204], [1, 204]]);
      // eMSP B heard nothing of it; polling shows A the same events.
      const events = (await api(a.token, 'GET', '/api/v1/emsp/events')).body;
      assert.deepEqual((events.items as { kind: string }[]).map((e) => e.kind), ['created', 'installed', 'revoked']);
      const next = await api(a.token, 'GET', `/api/v1/emsp/events?after=${events.nextAfter as string}`);
      assert.deepEqual([(next.body.items as unknown[]).length, next.body.nextAfter], [0, events.nextAfter]);
    } finally {
      await new Promise((r) => hook.server.close(r));
    }
  });

  it('gives up after the configured attempts and moves on to the next event', async () => {
    const hook = await receiver(1000);
    try {
      const sub = await api(b.token, 'POST', '/api/v1/emsp/webhooks', { url: hook.url });
      assert.equal(sub.status, 201);
      await lab.csms.store.contracts.recordEvent({ emspId: 'emsp-b', contractId: bContract, kind: 'installation_failed', at: new Date(), stationId: 'CS-2', detail: { reason: 'test' } });
      const del = await api(b.token, 'DELETE', `/api/v1/emsp/contracts/${bContract}`);
      assert.equal(del.status, 200);
      const [w] = await lab.csms.store.emspApi.listWebhooks('emsp-b');
      // installation_failed, revoked and deleted: each tried 3 times, then marked failed.
      const states = await until('failed deliveries', async () => {
        const l = await lab.csms.store.emspApi.listDeliveries(w!.id, 10);
        return l.length === 3 && l.every((d) => d.state === 'failed') ? l : null;
      });
      assert.ok(states.every((d) => d.attempts === 3 && d.lastStatus === 503));
      assert.equal(hook.got.length, 9);
      const removed = await api(b.token, 'DELETE', `/api/v1/emsp/webhooks/${w!.id}`);
      assert.equal(removed.status, 204);
      assert.equal((await api(a.token, 'DELETE', `/api/v1/emsp/webhooks/${w!.id}`)).body.code, 'webhook_not_found');
    } finally {
      await new Promise((r) => hook.server.close(r));
    }
  });

  it('documents the eMSP API in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${lab.csms.httpUrl}/docs/json`)).json()) as { paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown> } };
    for (const p of ['/api/v1/emsp/auth/token', '/api/v1/emsp/contracts', '/api/v1/emsp/contracts/{id}/revoke', '/api/v1/emsp/events', '/api/v1/emsp/webhooks']) assert.ok(doc.paths[p], p);
    assert.ok(doc.components.securitySchemes.emspToken);
  });
});
