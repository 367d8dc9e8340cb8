import assert from 'node:assert/strict';
import { before, beforeEach, describe, it } from 'node:test';
import { parseOcspResponse, verifyOcspResponseSignature } from '../../pki/ocsp/parse-response.js';
import { issuerHashes } from '../../pki/ocsp/cert-id.js';
import type { CertStatus } from '../../pki/ocsp/build-response.js';
import { silentLogger } from '../../src/log.js';
import { createOcspResponder, type OcspResponder } from '../../src/ocsp/responder.js';
import { OcspError, type OcspAnswer, type OcspStatusSource, type OcspSuccessAnswer } from '../../src/ocsp/types.js';
import { createOcspTestPki, memoryStatusSource, softwareSigner, type OcspTestPki } from '../helpers/ocsp-ca.js';
import { prng, mutate } from '../helpers/ocsp-fuzz.js';
import { buildRequest, certIdFor, simpleRequest } from '../helpers/ocsp-requests.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const T0 = new Date('2026-05-01T12:00:00Z');

function success(a: OcspAnswer): OcspSuccessAnswer {
  assert.equal(a.responseStatus, 'successful', `expected successful, got ${a.responseStatus}`);
  return a;
}

function statusOf(a: OcspAnswer, i = 0): CertStatus {
  const basic = parseOcspResponse(a.der).basic;
  assert.ok(basic, 'a BasicOCSPResponse');
  return basic.responses[i]!.certStatus;
}

describe('createOcspResponder', () => {
  let pki: OcspTestPki;
  let source: ReturnType<typeof memoryStatusSource>;
  let clock: Date;
  let responder: OcspResponder;
  const revoked: CertStatus = { status: 'revoked', revokedAt: new Date('2026-04-01T00:00:00Z'), reason: 'keyCompromise' };

  before(async () => {
    pki = await createOcspTestPki(T0);
  });

  beforeEach(async () => {
    clock = T0;
    source = memoryStatusSource([pki.issuer]);
    source.set(pki.issuer.id, pki.leaves.good.serial, { status: 'good' });
    source.set(pki.issuer.id, pki.leaves.revoked.serial, revoked);
    responder = createOcspResponder({ source, now: () => clock, validitySeconds: 3600, refreshBeforeSeconds: 600, log: silentLogger() });
    await responder.reloadIssuers();
  });

  it('answers good, revoked and unknown, signed by the delegated responder, with thisUpdate/nextUpdate from the clock', async () => {
    for (const [leaf, expected] of [
      [pki.leaves.good, { status: 'good' }],
      [pki.leaves.revoked, revoked],
      [pki.leaves.unknown, { status: 'unknown' }],
    ] as const) {
      const answer = success(await responder.respond(simpleRequest(pki.ca.der, leaf.serial, 'sha256')));
      const basic = parseOcspResponse(answer.der).basic!;
      assert.deepEqual(basic.responses[0]!.certStatus, expected);
      assert.deepEqual(answer.responses[0]!.status, expected);
      assert.equal(hex(answer.responses[0]!.serial), hex(leaf.serial));
      assert.deepEqual([basic.producedAt, basic.responses[0]!.thisUpdate, basic.responses[0]!.nextUpdate], [T0, T0, new Date(T0.getTime() + 3_600_000)]);
      assert.ok(verifyOcspResponseSignature(basic, pki.responder.der));
      assert.deepEqual(basic.certificates.map(hex), [hex(pki.responder.der)]);
    }
  });

  it('serves a request without nonce from the cache: same bytes, no second look-up', async () => {
    const req = simpleRequest(pki.ca.der, pki.leaves.good.serial);
    const first = success(await responder.respond(req));
    const second = success(await responder.respond(Uint8Array.from(req)));
    assert.equal(second, first);
    assert.equal(source.calls, 1);
    assert.equal(first.nonce, false);
  });

  it('signs a request with a nonce for it alone and echoes the nonce, reusing the looked-up status', async () => {
    const certIds = [certIdFor(pki.ca.der, pki.leaves.good.serial)];
    const a = success(await responder.respond(buildRequest({ certIds, nonce: Uint8Array.of(1, 2, 3) })));
    const b = success(await responder.respond(buildRequest({ certIds, nonce: Uint8Array.of(4, 5, 6) })));
    assert.equal(hex(parseOcspResponse(a.der).basic!.nonce!), '010203');
    assert.equal(hex(parseOcspResponse(b.der).basic!.nonce!), '040506');
    assert.ok(a.nonce && b.nonce);
    assert.equal(source.calls, 1, 'the status is looked up once');
  });

  it('several CertIDs -> one response with a SingleResponse each, in order', async () => {
    const serials = [pki.leaves.unknown.serial, pki.leaves.good.serial, pki.leaves.revoked.serial];
    const answer = success(await responder.respond(buildRequest({ certIds: serials.map((s) => certIdFor(pki.ca.der, s, 'sha256')) })));
    assert.deepEqual(
      parseOcspResponse(answer.der).basic!.responses.map((r) => [hex(r.certId.serialNumber), r.certStatus.status]),
      [
        [hex(serials[0]!), 'unknown'],
        [hex(serials[1]!), 'good'],
        [hex(serials[2]!), 'revoked'],
      ],
    );
  });

  it('invalidate(): the next answer after a cached good one reflects the revocation', async () => {
    const req = simpleRequest(pki.ca.der, pki.leaves.good.serial);
    assert.equal(statusOf(await responder.respond(req)).status, 'good');
    source.set(pki.issuer.id, pki.leaves.good.serial, revoked);
    assert.equal(statusOf(await responder.respond(req)).status, 'good', 'cached until invalidated');
    responder.invalidate(pki.issuer.id, pki.leaves.good.serial);
    assert.deepEqual(statusOf(await responder.respond(req)), revoked);
  });

  it('invalidate() takes the serial with or without the 00 of a high-bit serial', async () => {
    const req = simpleRequest(pki.ca.der, pki.leaves.highBit.serial);
    source.set(pki.issuer.id, pki.leaves.highBit.serial, { status: 'good' });
    assert.equal(statusOf(await responder.respond(req)).status, 'good');
    source.set(pki.issuer.id, pki.leaves.highBit.serial, revoked);
    responder.invalidate(pki.issuer.id, pki.leaves.highBit.serial.subarray(1));
    assert.equal(statusOf(await responder.respond(req)).status, 'revoked');
  });

  it('invalidate() during a look-up in flight: the stale answer is returned once but never cached', async () => {
    const waiting: ((s: CertStatus) => void)[] = [];
    const slow: OcspStatusSource = {
      listIssuers: () => Promise.resolve([pki.issuer]),
      status: () => new Promise<CertStatus>((r) => waiting.push(r)),
    };
    const r = createOcspResponder({ source: slow, now: () => clock, log: silentLogger() });
    await r.reloadIssuers();
    const req = simpleRequest(pki.ca.der, pki.leaves.good.serial);
    const inFlight = r.respond(req);
    await new Promise((res) => setImmediate(res));
    r.invalidate(pki.issuer.id, pki.leaves.good.serial);
    const afterInvalidate = r.respond(req);
    assert.equal(waiting.length, 2, 'a request after invalidate() does not join the earlier look-up');
    waiting[1]!(revoked);
    assert.equal(statusOf(await afterInvalidate).status, 'revoked');
    waiting[0]!({ status: 'good' });
    assert.equal(statusOf(await inFlight).status, 'good', 'the request that began before the revocation');
    assert.equal(statusOf(await r.respond(req)).status, 'revoked', 'the late stale answer did not replace the cached one');
    assert.equal(waiting.length, 2);
  });

  it('refreshes before nextUpdate in the background, and never serves past nextUpdate', async () => {
    const req = simpleRequest(pki.ca.der, pki.leaves.good.serial);
    const first = success(await responder.respond(req));
    clock = new Date(T0.getTime() + 3_000_000 + 1000); // inside the last 600 s
    const served = success(await responder.respond(req));
    assert.equal(served, first, 'the cached answer is still served while refreshing');
    await new Promise((res) => setImmediate(res));
    const refreshed = success(await responder.respond(req));
    assert.notEqual(refreshed, first);
    assert.deepEqual(refreshed.thisUpdate, clock);
    assert.equal(source.calls, 2);
    clock = new Date(refreshed.nextUpdate.getTime());
    const expired = success(await responder.respond(req));
    assert.deepEqual(expired.thisUpdate, clock, 'an answer at its nextUpdate is not served');
  });

  it('an issuer we do not serve -> unauthorized; CertIDs of two issuers in one request -> unauthorized', async () => {
    assert.equal((await responder.respond(simpleRequest(pki.foreignCa.der, pki.foreignLeaf.serial))).responseStatus, 'unauthorized');
    const mixed = buildRequest({ certIds: [certIdFor(pki.ca.der, pki.leaves.good.serial), certIdFor(pki.foreignCa.der, pki.foreignLeaf.serial)] });
    const answer = await responder.respond(mixed);
    assert.equal(answer.responseStatus, 'unauthorized');
    assert.deepEqual(parseOcspResponse(answer.der), { responseStatus: 'unauthorized', basic: null });
  });

  it('garbage -> malformedRequest', async () => {
    for (const bad of [new Uint8Array(0), Uint8Array.of(1, 2, 3), new TextEncoder().encode('GET / HTTP/1.1')]) {
      const answer = await responder.respond(bad);
      assert.equal(answer.responseStatus, 'malformedRequest');
      assert.deepEqual(parseOcspResponse(answer.der), { responseStatus: 'malformedRequest', basic: null });
    }
  });

  it('a failing status source or signer -> internalError, and nothing is cached', async () => {
    let fail = true;
    const flaky: OcspStatusSource = {
      listIssuers: () => Promise.resolve([pki.issuer]),
      status: () => (fail ? Promise.reject(new Error('database down')) : Promise.resolve({ status: 'good' })),
    };
    const r = createOcspResponder({ source: flaky, now: () => clock, log: silentLogger() });
    await r.reloadIssuers();
    const req = simpleRequest(pki.ca.der, pki.leaves.good.serial);
    assert.equal((await r.respond(req)).responseStatus, 'internalError');
    fail = false;
    assert.equal((await r.respond(req)).responseStatus, 'successful');

    const signer = { ...pki.issuer.responder.signer, sign: () => Promise.reject(new Error('HSM unplugged')) };
    const broken = createOcspResponder({ source, now: () => clock, log: silentLogger() });
    source.listIssuers = () => Promise.resolve([{ ...pki.issuer, responder: { ...pki.issuer.responder, signer } }]);
    await broken.reloadIssuers();
    assert.equal((await broken.respond(req)).responseStatus, 'internalError');
  });

  it('keeps at most cacheSize answers (least recently used go first)', async () => {
    const r = createOcspResponder({ source, now: () => clock, cacheSize: 2, log: silentLogger() });
    await r.reloadIssuers();
    const reqs = [1, 2, 3].map((n) => simpleRequest(pki.ca.der, Uint8Array.of(n)));
    const a0 = await r.respond(reqs[0]!);
    const a1 = await r.respond(reqs[1]!);
    await r.respond(reqs[0]!); // 0 is now the most recent
    await r.respond(reqs[2]!); // evicts 1
    assert.equal(await r.respond(reqs[0]!), a0, '0 still cached');
    assert.notEqual(await r.respond(reqs[1]!), a1, '1 was evicted and signed again');
  });

  it('cacheSize 0: every request is looked up and signed', async () => {
    const r = createOcspResponder({ source, now: () => clock, cacheSize: 0, log: silentLogger() });
    await r.reloadIssuers();
    const req = simpleRequest(pki.ca.der, pki.leaves.good.serial);
    const a = await r.respond(req);
    const b = await r.respond(req);
    assert.notEqual(a, b);
    assert.equal(source.calls, 2);
  });

  it('checkStatus by CertID fields (SHA-384, serial as hex magnitude) and by issuer id share the HTTP cache', async () => {
    const h = issuerHashes(pki.ca.der, 'sha384');
    const byFields = success(await responder.checkStatus({ hashAlgorithm: 'sha384', ...h, serialNumber: Uint8Array.of(0x8f, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66) }));
    assert.equal(hex(byFields.responses[0]!.serial), hex(pki.leaves.highBit.serial), 'the magnitude 8f... is the INTEGER 00 8f...');
    assert.equal(byFields.responses[0]!.hashAlgorithm, 'sha384');

    const byId = success(await responder.checkStatus({ issuerId: pki.issuer.id, serial: pki.leaves.revoked.serial }));
    assert.deepEqual(byId.responses[0]!.status, revoked);
    const calls = source.calls;
    const overHttp = await responder.respond(simpleRequest(pki.ca.der, pki.leaves.revoked.serial, 'sha256'));
    assert.equal(overHttp, byId, 'the request OpenSSL sends hits the same cached answer');
    assert.equal(source.calls, calls);
    assert.equal((await responder.checkStatus({ issuerId: 'nobody', serial: Uint8Array.of(1) })).responseStatus, 'unauthorized');
  });

  it('reloadIssuers refuses a misconfigured issuer and keeps the previous set', async () => {
    const wrongKey = await softwareSigner(pki.leaves.good.keys);
    const leafAsResponder = { certificate: pki.leaves.good.der, signer: wrongKey };
    const cases: [string, typeof pki.issuer][] = [
      ['signer key is not the responder certificate key', { ...pki.issuer, responder: { ...pki.issuer.responder, signer: wrongKey } }],
      ['not issued by this CA', { ...pki.issuer, certificate: pki.foreignCa.der }],
      ['lacks id-kp-OCSPSigning', { ...pki.issuer, responder: leafAsResponder }],
      ['does not parse', { ...pki.issuer, certificate: Uint8Array.of(0x30, 0) }],
      ['the CA certificate is not a certificate', { ...pki.issuer, certificate: Uint8Array.of(1, 2, 3) }],
    ];
    for (const [why, issuer] of cases) {
      source.listIssuers = () => Promise.resolve([issuer]);
      await assert.rejects(responder.reloadIssuers(), (e: unknown) => e instanceof OcspError && e.code === 'ISSUER_INVALID' && e.message.includes(why.split(' ').slice(-2).join(' ')), why);
    }
    assert.equal((await responder.respond(simpleRequest(pki.ca.der, pki.leaves.good.serial))).responseStatus, 'successful', 'still serving the previous issuers');
  });

  it('the CA may sign for itself (no delegation): verified with the CA certificate, no certs sent', async () => {
    const caSigner = await softwareSigner(pki.ca.keys);
    source.listIssuers = () => Promise.resolve([{ ...pki.issuer, responder: { signer: caSigner, certificate: pki.ca.der } }]);
    await responder.reloadIssuers();
    const basic = parseOcspResponse((await responder.respond(simpleRequest(pki.ca.der, pki.leaves.good.serial))).der).basic!;
    assert.ok(verifyOcspResponseSignature(basic, pki.ca.der));
    assert.deepEqual(basic.certificates, []);
  });

  it('refuses a responder certificate that is not valid at the clock', async () => {
    const r = createOcspResponder({ source, now: () => new Date(T0.getTime() + 400 * 86_400_000), log: silentLogger() });
    await assert.rejects(r.reloadIssuers(), (e: unknown) => e instanceof OcspError && /not valid now/.test(e.message));
  });

  it('beyond maxPending answers being signed, a request not in the cache gets tryLater; cached ones are still served', async () => {
    const waiting: ((s: CertStatus) => void)[] = [];
    const slow: OcspStatusSource = { listIssuers: () => Promise.resolve([pki.issuer]), status: () => new Promise<CertStatus>((r) => waiting.push(r)) };
    const r = createOcspResponder({ source: slow, now: () => clock, maxPending: 2, log: silentLogger() });
    await r.reloadIssuers();
    const cachedReq = simpleRequest(pki.ca.der, Uint8Array.of(9));
    const warm = r.respond(cachedReq);
    waiting.shift()!({ status: 'good' });
    const cached = await warm;
    const a = r.respond(simpleRequest(pki.ca.der, Uint8Array.of(1)));
    const b = r.respond(simpleRequest(pki.ca.der, Uint8Array.of(2)));
    const shed = await r.respond(simpleRequest(pki.ca.der, Uint8Array.of(3)));
    assert.equal(shed.responseStatus, 'tryLater');
    assert.deepEqual(parseOcspResponse(shed.der), { responseStatus: 'tryLater', basic: null });
    assert.equal(await r.respond(cachedReq), cached);
    for (const release of waiting) release({ status: 'good' });
    assert.equal((await a).responseStatus, 'successful');
    assert.equal((await b).responseStatus, 'successful');
    const after = r.respond(simpleRequest(pki.ca.der, Uint8Array.of(3)));
    waiting.at(-1)!({ status: 'good' });
    assert.equal((await after).responseStatus, 'successful', 'capacity is given back');
  });

  it('no answer outlives the responder certificate, and none is signed after it expires', async () => {
    const notAfter = pki.responder.cert.notAfter.getTime();
    const req = simpleRequest(pki.ca.der, pki.leaves.good.serial);
    clock = new Date(notAfter - 600_000);
    const late = success(await responder.respond(req));
    assert.equal(late.nextUpdate.getTime(), notAfter);
    clock = new Date(notAfter + 1000);
    assert.equal((await responder.respond(req)).responseStatus, 'internalError');
  });

  it('rejects nonsensical options', () => {
    assert.throws(() => createOcspResponder({ source, now: () => clock, validitySeconds: 60, refreshBeforeSeconds: 60, log: silentLogger() }), OcspError);
    assert.throws(() => createOcspResponder({ source, now: () => clock, cacheSize: -1, log: silentLogger() }), OcspError);
    assert.throws(() => createOcspResponder({ source, now: () => clock, maxPending: 0, log: silentLogger() }), OcspError);
  });

  it('3,000 mutated requests: an OCSP answer every time, never a throw', async () => {
    const seeds = [simpleRequest(pki.ca.der, pki.leaves.good.serial), buildRequest({ certIds: [certIdFor(pki.ca.der, pki.leaves.revoked.serial, 'sha256')], nonce: Uint8Array.of(7, 7) })];
    const seen = new Set<string>();
    for (let seed = 1; seed <= 3000; seed++) {
      const answer = await responder.respond(mutate(seeds[seed % 2]!, prng(seed), seeds));
      assert.ok(['successful', 'malformedRequest', 'unauthorized'].includes(answer.responseStatus), `seed ${seed}: ${answer.responseStatus}`);
      assert.equal(parseOcspResponse(answer.der).responseStatus, answer.responseStatus);
      seen.add(answer.responseStatus);
    }
    assert.deepEqual([...seen].sort(), ['malformedRequest', 'successful', 'unauthorized']);
  });
});
