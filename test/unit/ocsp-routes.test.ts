import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { fastify, type FastifyInstance } from 'fastify';
import { parseOcspResponse } from '../../pki/ocsp/parse-response.js';
import { silentLogger } from '../../src/log.js';
import { createOcspResponder, type OcspResponder } from '../../src/ocsp/responder.js';
import { buildOcspApp, collapsedSlashRepairs, OCSP_BODY_LIMIT, registerOcspRoutes } from '../../src/ocsp/routes.js';
import { createOcspTestPki, memoryStatusSource, type OcspTestPki } from '../helpers/ocsp-ca.js';
import { buildRequest, certIdFor, simpleRequest } from '../helpers/ocsp-requests.js';

const T0 = new Date('2026-05-01T12:00:00Z');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** A request for a serial of ours whose base64 holds '+', '/' and '//' (found by a deterministic search). */
function awkwardRequest(pki: OcspTestPki): { der: Uint8Array; serial: Uint8Array } {
  for (let i = 0; i < 100_000; i++) {
    const serial = createHash('sha256').update(String(i)).digest().subarray(0, 16);
    serial[0] = (serial[0]! & 0x7f) | 0x01;
    const der = simpleRequest(pki.ca.der, serial);
    const text = b64(der);
    if (text.includes('//') && text.includes('+')) return { der, serial: Uint8Array.from(serial) };
  }
  throw new Error('no awkward request found');
}

describe('OCSP routes', () => {
  let pki: OcspTestPki;
  let responder: OcspResponder;
  let source: ReturnType<typeof memoryStatusSource>;
  let app: FastifyInstance;
  let awkward: { der: Uint8Array; serial: Uint8Array };

  before(async () => {
    pki = await createOcspTestPki(T0);
    source = memoryStatusSource([pki.issuer]);
    source.set(pki.issuer.id, pki.leaves.good.serial, { status: 'good' });
    awkward = awkwardRequest(pki);
    source.set(pki.issuer.id, awkward.serial, { status: 'revoked', revokedAt: new Date('2026-04-01T00:00:00Z'), reason: 'superseded' });
    responder = createOcspResponder({ source, now: () => T0, validitySeconds: 3600, log: silentLogger() });
    await responder.reloadIssuers();
    app = await buildOcspApp({ responder });
  });

  const postOcsp = (body: Uint8Array, contentType = 'application/ocsp-request', url = '/ocsp') => app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload: Buffer.from(body) });

  it('POST: application/ocsp-response, not for caches', async () => {
    const res = await postOcsp(simpleRequest(pki.ca.der, pki.leaves.good.serial));
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/ocsp-response');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.etag, undefined);
    assert.equal(parseOcspResponse(res.rawPayload).basic!.responses[0]!.certStatus.status, 'good');
  });

  it('POST to /ocsp/ (a base URL with a trailing slash) works too', async () => {
    assert.equal(parseOcspResponse((await postOcsp(simpleRequest(pki.ca.der, pki.leaves.good.serial), undefined, '/ocsp/')).rawPayload).responseStatus, 'successful');
  });

  it(`POST over ${OCSP_BODY_LIMIT} bytes -> 413; another content type -> 415`, async () => {
    assert.equal((await postOcsp(new Uint8Array(OCSP_BODY_LIMIT + 1))).statusCode, 413);
    for (const type of ['text/plain', 'application/octet-stream']) assert.equal((await postOcsp(simpleRequest(pki.ca.der, pki.leaves.good.serial), type)).statusCode, 415, type);
  });

  it('POST garbage or an empty body -> 200 malformedRequest, not for caches', async () => {
    for (const body of [Uint8Array.of(0x30, 0x03, 0x02, 0x01), new Uint8Array(0)]) {
      const res = await postOcsp(body);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.deepEqual(parseOcspResponse(res.rawPayload), { responseStatus: 'malformedRequest', basic: null });
    }
  });

  it('GET: RFC 5019 6.2 cache headers (max-age to nextUpdate, Last-Modified, Expires, ETag) and 304 on If-None-Match', async () => {
    const res = await app.inject({ method: 'GET', url: `/ocsp/${encodeURIComponent(b64(simpleRequest(pki.ca.der, pki.leaves.good.serial)))}` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'application/ocsp-response');
    assert.equal(res.headers['cache-control'], 'max-age=3600, public, no-transform, must-revalidate');
    assert.equal(res.headers['last-modified'], T0.toUTCString());
    assert.equal(res.headers.expires, new Date(T0.getTime() + 3_600_000).toUTCString());
    assert.equal(res.headers.etag, `"${createHash('sha1').update(res.rawPayload).digest('hex')}"`);
    const again = await app.inject({ method: 'GET', url: `/ocsp/${encodeURIComponent(b64(simpleRequest(pki.ca.der, pki.leaves.good.serial)))}`, headers: { 'if-none-match': String(res.headers.etag) } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.rawPayload.length, 0);
  });

  it('HEAD: the GET headers, no body', async () => {
    const url = `/ocsp/${encodeURIComponent(b64(simpleRequest(pki.ca.der, pki.leaves.good.serial)))}`;
    const get = await app.inject({ method: 'GET', url });
    const head = await app.inject({ method: 'HEAD', url });
    assert.equal(head.statusCode, 200);
    assert.equal(head.rawPayload.length, 0);
    assert.equal(head.headers['content-length'], String(get.rawPayload.length));
    assert.equal(head.headers.etag, get.headers.etag);
  });

  it('GET unauthorized and malformed answers carry no cache headers', async () => {
    for (const der of [simpleRequest(pki.foreignCa.der, pki.foreignLeaf.serial), Uint8Array.of(1, 2, 3)]) {
      const res = await app.inject({ method: 'GET', url: `/ocsp/${encodeURIComponent(b64(der))}` });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers.etag, undefined);
      assert.equal(res.headers.expires, undefined);
      assert.notEqual(parseOcspResponse(res.rawPayload).responseStatus, 'successful');
    }
  });

  describe('GET path encodings of a request whose base64 holds +, / and //', () => {
    const variants: [string, (s: string) => string][] = [
      ['percent_encoded', (s) => encodeURIComponent(s)],
      ['raw_plus_and_slashes', (s) => s],
      ['only_plus_encoded', (s) => s.replace(/\+/g, '%2B')],
      ['only_slash_encoded', (s) => s.replace(/\//g, '%2F')],
      ['lowercase_percent_escapes', (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
      ['padding_dropped', (s) => s.replace(/=+$/, '')],
      ['base64url', (s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')],
      ['plus_as_space_%20', (s) => s.replace(/\+/g, '%20')],
      ['double_slash_after_ocsp', (s) => `/${s}`],
      ['double_slash_collapsed_by_a_proxy', (s) => s.replace('//', '/')],
      ['query_string_appended', (s) => `${encodeURIComponent(s)}?x=1`],
    ];
    for (const [name, encode] of variants) {
      it(`${name} -> the revoked answer for that serial`, async () => {
        const text = b64(awkward.der);
        assert.ok(text.includes('//') && text.includes('+'));
        const res = await app.inject({ method: 'GET', url: `/ocsp/${encode(text)}` });
        assert.equal(res.statusCode, 200);
        const single = parseOcspResponse(res.rawPayload).basic?.responses[0];
        assert.equal(hex(single!.certId.serialNumber), hex(awkward.serial));
        assert.equal(single!.certStatus.status, 'revoked');
      });
    }
  });

  it('an empty or undecodable path is a malformed request; a broken percent escape is the router\'s 400', async () => {
    for (const path of ['', '////', 'AAAA', '!!!']) {
      const res = await app.inject({ method: 'GET', url: `/ocsp/${path}` });
      assert.equal(res.statusCode, 200, path);
      assert.equal(parseOcspResponse(res.rawPayload).responseStatus, 'malformedRequest', path);
    }
    assert.equal((await app.inject({ method: 'GET', url: '/ocsp/%E0%A4%A' })).statusCode, 400);
  });

  it('collapsed slashes are repaired wherever the // was, also when it is not the first slash', async () => {
    let checked = 0;
    for (let i = 0; checked < 12 && i < 200_000; i++) {
      const serial = createHash('sha256').update(`collapse-${i}`).digest().subarray(0, 16);
      serial[0] = (serial[0]! & 0x7f) | 0x01;
      const der = simpleRequest(pki.ca.der, serial);
      const text = b64(der);
      const first = text.indexOf('/');
      const pair = text.indexOf('//');
      if (pair < 0 || first === pair) continue;
      checked++;
      source.set(pki.issuer.id, Uint8Array.from(serial), { status: 'good' });
      const candidates = collapsedSlashRepairs(text.replace('//', '/'));
      assert.ok(candidates.some((c) => hex(c) === hex(der)), `serial ${hex(serial)}`);
      const res = await app.inject({ method: 'GET', url: `/ocsp/${text.replace('//', '/')}` });
      assert.equal(hex(parseOcspResponse(res.rawPayload).basic!.responses[0]!.certId.serialNumber), hex(serial));
    }
    assert.equal(checked, 12);
    assert.deepEqual(collapsedSlashRepairs(b64(simpleRequest(pki.ca.der, pki.leaves.good.serial))), [], 'nothing to repair in a whole value');
  });

  it('works at the root of an app that has other routes, one that folds duplicate slashes, and under a prefix', async () => {
    const der = simpleRequest(pki.ca.der, awkward.serial);
    const host = fastify({ logger: false, ignoreDuplicateSlashes: true, ignoreTrailingSlash: true });
    host.get('/healthz', () => ({ status: 'ok' }));
    host.post('/json', (req) => req.body);
    await registerOcspRoutes(host, { responder });
    const prefixed = fastify({ logger: false });
    await prefixed.register((scope, _o, done) => {
      void registerOcspRoutes(scope, { responder }).then(() => done(), done);
    }, { prefix: '/pki' });
    for (const [server, base] of [[host, ''], [prefixed, '/pki']] as const) {
      const get = await server.inject({ method: 'GET', url: `${base}/ocsp/${b64(der)}` });
      assert.equal(parseOcspResponse(get.rawPayload).basic!.responses[0]!.certStatus.status, 'revoked', `GET ${base}`);
      const post = await server.inject({ method: 'POST', url: `${base}/ocsp`, headers: { 'content-type': 'application/ocsp-request' }, payload: Buffer.from(der) });
      assert.equal(parseOcspResponse(post.rawPayload).responseStatus, 'successful', `POST ${base}`);
    }
    assert.equal((await host.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    // The OCSP body parser stays inside the OCSP routes.
    const json = await host.inject({ method: 'POST', url: '/json', headers: { 'content-type': 'application/ocsp-request' }, payload: 'x' });
    assert.equal(json.statusCode, 415);
    await host.close();
    await prefixed.close();
  });

  it('sits in an app with an OpenAPI document (as the API app has) and is listed there', async () => {
    const { default: swagger } = await import('@fastify/swagger');
    const host = fastify({ logger: false });
    await host.register(swagger, { openapi: { info: { title: 't', version: '1' } } });
    await registerOcspRoutes(host, { responder });
    await host.ready();
    const doc = host.swagger() as { paths: Record<string, unknown> };
    assert.ok(Object.keys(doc.paths).some((p) => p.startsWith('/ocsp')), Object.keys(doc.paths).join(','));
    const res = await host.inject({ method: 'POST', url: '/ocsp', headers: { 'content-type': 'application/ocsp-request' }, payload: Buffer.from(simpleRequest(pki.ca.der, pki.leaves.good.serial)) });
    assert.equal(parseOcspResponse(res.rawPayload).responseStatus, 'successful');
    await host.close();
  });

  it('several CertIDs over GET: one response with several SingleResponses', async () => {
    const der = buildRequest({ certIds: [certIdFor(pki.ca.der, pki.leaves.good.serial), certIdFor(pki.ca.der, awkward.serial, 'sha256')] });
    const res = await app.inject({ method: 'GET', url: `/ocsp/${encodeURIComponent(b64(der))}` });
    assert.deepEqual(
      parseOcspResponse(res.rawPayload).basic!.responses.map((r) => r.certStatus.status),
      ['good', 'revoked'],
    );
  });
});
