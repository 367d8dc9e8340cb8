// The foreign-responder client without sockets: acceptance of answers (RFC 6960 3.2), the cache
// (one upstream request per CertID per nextUpdate, single-flight), failures never cached as answers,
// and the URL policy against SSRF. Answers are built by pki/ itself from a test PKI.
import assert from 'node:assert/strict';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { before, describe, it } from 'node:test';
import { buildOcspErrorResponse, buildOcspResponse, type CertStatus } from '../../pki/ocsp/build-response.js';
import { digest, encodeCertId, readCertificateParts, responderKeyHash, serialContent } from '../../pki/ocsp/cert-id.js';
import { silentLogger } from '../../src/log.js';
import { OcspClientError, type OcspClientErrorCode } from '../../src/ocsp-client/ocsp-client-error.js';
import { createOcspClient } from '../../src/ocsp-client/ocsp-client.js';
import { createOcspFetch } from '../../src/ocsp-client/ocsp-fetch.js';
import { readOcspRequestData } from '../../src/ocsp-client/ocsp-request-data.js';
import { createUrlPolicy } from '../../src/ocsp-client/url-policy.js';
import { verifyOcspResponse, type CertIdFields } from '../../src/ocsp-client/verify-response.js';
import { createOcspTestPki, softwareSigner, type OcspTestPki, type TestCert } from '../helpers/ocsp-ca.js';

const MIN = 60_000;
const now = new Date();

function certIdOf(pki: OcspTestPki, leaf: TestCert, issuer: TestCert = pki.ca): CertIdFields {
  const parts = readCertificateParts(issuer.der);
  return { hashAlgorithm: 'sha256', issuerNameHash: digest('sha256', parts.subject), issuerKeyHash: digest('sha256', parts.subjectPublicKey), serialNumber: leaf.serial };
}

/** An answer signed by `signerCert` (the CA itself or a delegated responder), including `certs`. */
async function answer(certId: CertIdFields, signerCert: TestCert, opts: { status?: CertStatus; thisUpdate?: Date; nextUpdate?: Date | null; certs?: Uint8Array[]; producedAt?: Date } = {}): Promise<Uint8Array> {
  const signer = await softwareSigner(signerCert.keys);
  return buildOcspResponse({
    responder: { signer, keyHash: responderKeyHash(readCertificateParts(signerCert.der).subjectPublicKeyInfo), certificates: opts.certs ?? [signerCert.der] },
    producedAt: opts.producedAt ?? now,
    nonce: null,
    responses: [
      {
        certId: encodeCertId({ ...certId, serialNumber: serialContent(certId.serialNumber) }),
        status: opts.status ?? { status: 'good' },
        thisUpdate: opts.thisUpdate ?? now,
        nextUpdate: opts.nextUpdate === undefined ? new Date(now.getTime() + 60 * MIN) : opts.nextUpdate,
      },
    ],
  });
}

const rejectsWith = (fn: () => unknown, code: OcspClientErrorCode): void => {
  assert.throws(fn, (e: unknown) => e instanceof OcspClientError && e.code === code);
};

describe('verifyOcspResponse (RFC 6960 3.2)', () => {
  let pki: OcspTestPki;
  let id: CertIdFields;
  before(async () => {
    pki = await createOcspTestPki(now);
    id = certIdOf(pki, pki.leaves.good);
  });
  const opts = (known: Uint8Array[] = []) => ({ now, skewMs: 5 * MIN, knownCertificates: known });

  it('accepts a delegated responder issued by the CA, the CA certificate known', async () => {
    const v = verifyOcspResponse(await answer(id, pki.responder), id, opts([pki.ca.der]));
    assert.equal(v.status.status, 'good');
    assert.equal(v.signedByCa, false);
  });
  it('accepts an answer signed by the CA itself; the CA certificate may come with the answer (the CertID hashes bind its key)', async () => {
    const v = verifyOcspResponse(await answer(id, pki.ca), id, opts());
    assert.equal(v.signedByCa, true);
  });
  it('reports revoked with its time', async () => {
    const revokedAt = new Date('2026-01-02T03:04:05Z');
    const v = verifyOcspResponse(await answer(id, pki.responder, { status: { status: 'revoked', revokedAt, reason: 'keyCompromise' } }), id, opts([pki.ca.der]));
    assert.deepEqual(v.status, { status: 'revoked', revokedAt, reason: 'keyCompromise' });
  });
  it('MALFORMED: not DER, or not an OCSPResponse', () => {
    rejectsWith(() => verifyOcspResponse(Buffer.alloc(0), id, opts()), 'MALFORMED');
    rejectsWith(() => verifyOcspResponse(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x00]), id, opts()), 'MALFORMED');
  });
  it('ISSUER_UNKNOWN: delegated answer, CA certificate nowhere', async () => {
    const der = await answer(id, pki.responder);
    rejectsWith(() => verifyOcspResponse(der, id, opts()), 'ISSUER_UNKNOWN');
  });
  it('SIGNATURE_INVALID: signed by a certificate of another CA', async () => {
    const der = await answer(id, pki.foreignCa);
    rejectsWith(() => verifyOcspResponse(der, id, opts([pki.ca.der])), 'SIGNATURE_INVALID');
  });
  it('SIGNATURE_INVALID: signed by a leaf of the CA without id-kp-OCSPSigning', async () => {
    const der = await answer(id, pki.leaves.unknown);
    assert.throws(() => verifyOcspResponse(der, id, opts([pki.ca.der])), (e: unknown) => e instanceof OcspClientError && e.code === 'SIGNATURE_INVALID' && /OCSPSigning/.test(e.message));
  });
  it('CERTID_MISMATCH: an answer about another serial', async () => {
    const der = await answer(certIdOf(pki, pki.leaves.revoked), pki.responder);
    rejectsWith(() => verifyOcspResponse(der, id, opts([pki.ca.der])), 'CERTID_MISMATCH');
  });
  it('RESPONDER_ERROR: tryLater, unauthorized', () => {
    rejectsWith(() => verifyOcspResponse(buildOcspErrorResponse('tryLater'), id, opts()), 'RESPONDER_ERROR');
    rejectsWith(() => verifyOcspResponse(buildOcspErrorResponse('unauthorized'), id, opts()), 'RESPONDER_ERROR');
  });
  it('STALE: nextUpdate passed, thisUpdate in the future, no nextUpdate and an old thisUpdate', async () => {
    const known = opts([pki.ca.der]);
    const past = await answer(id, pki.responder, { thisUpdate: new Date(now.getTime() - 120 * MIN), nextUpdate: new Date(now.getTime() - MIN) });
    rejectsWith(() => verifyOcspResponse(past, id, known), 'STALE');
    const future = await answer(id, pki.responder, { thisUpdate: new Date(now.getTime() + 30 * MIN) });
    rejectsWith(() => verifyOcspResponse(future, id, known), 'STALE');
    const oldNoNext = await answer(id, pki.responder, { thisUpdate: new Date(now.getTime() - 30 * MIN), nextUpdate: null });
    rejectsWith(() => verifyOcspResponse(oldNoNext, id, known), 'STALE');
    const freshNoNext = await answer(id, pki.responder, { nextUpdate: null });
    assert.equal(verifyOcspResponse(freshNoNext, id, known).nextUpdate, null);
  });
});

describe('createOcspClient: cache, single-flight, failures', () => {
  let pki: OcspTestPki;
  let id: CertIdFields;
  before(async () => {
    pki = await createOcspTestPki(now);
    id = certIdOf(pki, pki.leaves.good);
  });

  function client(fetchImpl: (url: string) => Promise<Uint8Array>, clock: { t: number }, holdMs = 60_000) {
    const calls: string[] = [];
    const c = createOcspClient({
      fetch: (url) => {
        calls.push(url);
        return fetchImpl(url);
      },
      now: () => new Date(clock.t),
      knownCertificates: () => [pki.ca.der],
      noNextUpdateHoldMs: holdMs,
      failureHoldMs: 5000,
      log: silentLogger(),
    });
    return { c, calls };
  }

  it('caches until nextUpdate: one upstream request, then hits; after nextUpdate, one more', async () => {
    const clock = { t: now.getTime() };
    const der = await answer(id, pki.responder, { nextUpdate: new Date(now.getTime() + 10 * MIN) });
    const { c, calls } = client(() => Promise.resolve(der), clock);
    const first = await c.query(id, 'http://ocsp.example/');
    assert.equal(first.fromCache, false);
    for (let i = 0; i < 5; i++) assert.equal((await c.query(id, 'http://other.example/')).fromCache, true);
    assert.equal(calls.length, 1);
    clock.t += 10 * MIN + 1;
    // The cached answer is past its nextUpdate: fetched again (and this one is stale too, so refused).
    await assert.rejects(c.query(id, 'http://ocsp.example/'), (e: unknown) => e instanceof OcspClientError && e.code === 'STALE');
    assert.equal(calls.length, 2);
    assert.deepEqual(c.stats(), { upstreamRequests: 2, cacheHits: 5, coalesced: 0, failures: 1 });
  });

  it('coalesces concurrent misses for one CertID into one upstream request', async () => {
    const clock = { t: now.getTime() };
    const der = await answer(id, pki.responder);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { c, calls } = client(async () => {
      await gate;
      return der;
    }, clock);
    const all = Array.from({ length: 50 }, () => c.query(id, 'http://ocsp.example/'));
    release();
    const answers = await Promise.all(all);
    assert.equal(calls.length, 1);
    assert.ok(answers.every((a) => a.status.status === 'good'));
    assert.equal(c.stats().coalesced, 49);
  });

  it('an answer without nextUpdate is served for the hold only; with hold 0 it is never cached', async () => {
    const clock = { t: now.getTime() };
    const der = await answer(id, pki.responder, { nextUpdate: null });
    const held = client(() => Promise.resolve(der), clock, 60_000);
    await held.c.query(id, 'http://ocsp.example/');
    await held.c.query(id, 'http://ocsp.example/');
    assert.equal(held.calls.length, 1);
    clock.t += 60_001;
    await held.c.query(id, 'http://ocsp.example/');
    assert.equal(held.calls.length, 2);
    const none = client(() => Promise.resolve(der), { t: now.getTime() }, 0);
    await none.c.query(id, 'http://ocsp.example/');
    await none.c.query(id, 'http://ocsp.example/');
    assert.equal(none.calls.length, 2);
  });

  it('a bad answer is not cached; the failure is held per CertID and URL for a short while', async () => {
    const clock = { t: now.getTime() };
    const forged = await answer(id, pki.foreignCa);
    const good = await answer(id, pki.responder);
    let serve = forged;
    const { c, calls } = client(() => Promise.resolve(serve), clock);
    await assert.rejects(c.query(id, 'http://a.example/'), (e: unknown) => e instanceof OcspClientError && e.code === 'SIGNATURE_INVALID');
    await assert.rejects(c.query(id, 'http://a.example/'), (e: unknown) => e instanceof OcspClientError && e.code === 'SIGNATURE_INVALID');
    assert.equal(calls.length, 1, 'held failure: no second upstream request');
    serve = good;
    // Another URL for the same CertID is tried at once; its good answer is cached for everybody.
    assert.equal((await c.query(id, 'http://b.example/')).status.status, 'good');
    clock.t += 5001;
    assert.equal((await c.query(id, 'http://a.example/')).fromCache, true);
    assert.equal(calls.length, 2);
  });
});

describe('createUrlPolicy (SSRF guard)', () => {
  const refused = (policy: ReturnType<typeof createUrlPolicy>, url: string, code: OcspClientErrorCode): void => {
    assert.throws(() => policy.check(url), (e: unknown) => e instanceof OcspClientError && e.code === code, url);
  };
  it('without an allowlist: http(s) on public hosts only', () => {
    const p = createUrlPolicy(undefined);
    assert.equal(p.check('http://ocsp.example.com/x').hostname, 'ocsp.example.com');
    assert.equal(p.check('https://8.8.8.8/').hostname, '8.8.8.8');
    for (const u of ['file:///etc/passwd', 'gopher://x/', 'ftp://ocsp.example.com/', 'not a url', 'javascript:alert(1)']) refused(p, u, 'URL_INVALID');
    refused(p, 'http://user:pw@ocsp.example.com/', 'URL_INVALID');
    for (const u of ['http://127.0.0.1:8080/', 'http://localhost/', 'http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[fd00::1]/', 'http://192.168.1.1/', 'http://0.0.0.0/', 'http://[::ffff:127.0.0.1]/']) {
      refused(p, u, 'URL_REFUSED');
    }
    assert.equal(p.addressAllowed('ocsp.example.com', '10.0.0.5', 4), false, 'a public name resolving to a private address is refused at connect');
    assert.equal(p.addressAllowed('ocsp.example.com', '93.184.216.34', 4), true);
  });
  it('with an allowlist: only the listed hosts (and ports), private ones included', () => {
    const p = createUrlPolicy('127.0.0.1, ocsp.example.com:8080');
    assert.equal(p.check('http://127.0.0.1:9999/').port, '9999');
    assert.equal(p.check('http://ocsp.example.com:8080/').port, '8080');
    refused(p, 'http://ocsp.example.com/', 'URL_REFUSED');
    refused(p, 'http://8.8.8.8/', 'URL_REFUSED');
    refused(p, 'file:///etc/passwd', 'URL_INVALID');
  });
});

describe('createOcspFetch: the address check at connect time', () => {
  it('a host name that resolves to a loopback address is refused before any connection (no allowlist)', async (t) => {
    const name = hostname();
    const { address } = await lookup(name).catch(() => ({ address: '' }));
    if (!address.startsWith('127.') && address !== '::1') return t.skip(`${name} does not resolve to loopback here`);
    const fetchOcsp = createOcspFetch({ policy: createUrlPolicy(undefined), timeoutMs: 1000, maxResponseBytes: 1024 });
    await assert.rejects(fetchOcsp(`http://${name}:9/`, Uint8Array.of(0x30, 0x00)), (e: unknown) => e instanceof OcspClientError && e.code === 'URL_REFUSED');
  });
});

describe('readOcspRequestData', () => {
  const h = (n: number) => 'ab'.repeat(n);
  it('reads OCPP hex fields; an odd-length serial is a leading zero nibble', () => {
    const r = readOcspRequestData({ hashAlgorithm: 'SHA256', issuerNameHash: h(32), issuerKeyHash: h(32), serialNumber: 'f01', responderURL: 'http://x/' });
    assert.ok(r.ok);
    assert.deepEqual([...r.certId.serialNumber], [0x0f, 0x01]);
  });
  for (const [name, data] of [
    ['short hash', { hashAlgorithm: 'SHA256', issuerNameHash: h(20), issuerKeyHash: h(32), serialNumber: '01' }],
    ['SHA384 length with SHA256', { hashAlgorithm: 'SHA256', issuerNameHash: h(48), issuerKeyHash: h(48), serialNumber: '01' }],
    ['non-hex serial', { hashAlgorithm: 'SHA256', issuerNameHash: h(32), issuerKeyHash: h(32), serialNumber: 'xyz' }],
    ['serial over 20 octets', { hashAlgorithm: 'SHA512', issuerNameHash: h(64), issuerKeyHash: h(64), serialNumber: 'a'.repeat(41) }],
    ['unknown algorithm', { hashAlgorithm: 'MD5', issuerNameHash: h(16), issuerKeyHash: h(16), serialNumber: '01' }],
  ] as const) {
    it(`refuses ${name}`, () => {
      const r = readOcspRequestData({ ...data, responderURL: 'http://x/' } as never);
      assert.equal(r.ok, false);
    });
  }
});
