// The pure parts of security profiles: which credential each profile needs on which transport,
// the password rules, the Basic header, the back-off arithmetic and the proxy header.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { createAuthThrottle } from '../../src/ocpp/auth-throttle.js';
import { checkStationPassword, parseBasicAuthorization } from '../../src/ocpp/basic-password.js';
import { certificatesFromHeader, forwardedFor, isTrustedProxy, parseTrustedProxies } from '../../src/ocpp/proxy-client-cert.js';
import { requiredCredential } from '../../src/ocpp/security-profile.js';

describe('requiredCredential', () => {
  const t = (tls: boolean, clientCertificate: boolean, basic: boolean) => ({ tls, clientCertificate, basic });
  const cases: [string, 1 | 2 | 3, ReturnType<typeof t>, string | number][] = [
    ['profile 1 Basic over ws', 1, t(false, false, true), 'basic'],
    ['profile 1 without Basic', 1, t(false, false, false), 401],
    ['profile 1 over TLS', 1, t(true, false, true), 403],
    ['profile 2 Basic over TLS', 2, t(true, false, true), 'basic'],
    ['profile 2 over ws (downgrade)', 2, t(false, false, true), 403],
    ['profile 2 without Basic', 2, t(true, true, false), 401],
    ['profile 3 with a certificate', 3, t(true, true, false), 'certificate'],
    ['profile 3 with a password only (downgrade)', 3, t(true, false, true), 401],
    ['profile 3 over ws (downgrade)', 3, t(false, true, true), 403],
  ];
  for (const [name, profile, transport, want] of cases) {
    it(name, () => {
      const r = requiredCredential(profile, transport);
      if (typeof want === 'string') assert.deepEqual(r, { ok: true, check: want });
      else assert.equal(r.ok ? 0 : r.status, want);
    });
  }
});

describe('station passwords', () => {
  it('follows the OCPP length rules', () => {
    assert.equal(checkStationPassword('x'.repeat(15)), 'too-short');
    assert.equal(checkStationPassword('x'.repeat(16)), null);
    assert.equal(checkStationPassword('x'.repeat(40)), null);
    assert.equal(checkStationPassword('x'.repeat(41)), 'too-long');
    assert.equal(checkStationPassword('abcdefgh\nijklmnopq'), 'not-printable');
  });
  it('reads Basic headers and nothing else', () => {
    assert.deepEqual(parseBasicAuthorization(`Basic ${Buffer.from('CS1:pass:word').toString('base64')}`), { user: 'CS1', password: 'pass:word' });
    assert.equal(parseBasicAuthorization('Bearer abc'), null);
    assert.equal(parseBasicAuthorization(`Basic ${Buffer.from('nocolon').toString('base64')}`), null);
    assert.equal(parseBasicAuthorization(undefined), null);
  });
});

describe('auth throttle', () => {
  it('allows 5 verifications, then one per doubling interval; success clears', () => {
    let now = 0;
    const th = createAuthThrottle({ now: () => now });
    for (let i = 0; i < 5; i++) {
      assert.ok(th.tryAcquire('a'));
      th.release('a', false);
    }
    assert.equal(th.tryAcquire('a'), false);
    now += 1000;
    assert.ok(th.tryAcquire('a'));
    assert.equal(th.tryAcquire('a'), false);
    th.release('a', false);
    now += 1000;
    assert.equal(th.tryAcquire('a'), false, 'the interval has doubled to 2 s');
    now += 1000;
    assert.ok(th.tryAcquire('a'));
    th.release('a', true);
    assert.ok(th.tryAcquire('a'));
  });
  it('counts verifications in flight, so a burst cannot pass before the first failure', () => {
    const th = createAuthThrottle({ now: () => 0 });
    const granted = Array.from({ length: 100 }, () => th.tryAcquire('b')).filter(Boolean).length;
    assert.equal(granted, 5);
  });
  it('blocks an address after repeated failures', () => {
    let now = 0;
    const th = createAuthThrottle({ now: () => now });
    for (let i = 0; i < 5; i++) th.fail('10.0.0.9');
    assert.ok(th.blocked('10.0.0.9'));
    now += 1001;
    assert.equal(th.blocked('10.0.0.9'), false);
  });
});

describe('proxy client certificate header', () => {
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  it('trusts listed proxies only, IPv4-mapped forms included', () => {
    const trust = { clientCertHeader: 'x-ssl-client-cert', trustedProxies: parseTrustedProxies(' 10.0.0.1, 10.0.0.2 ') };
    assert.ok(isTrustedProxy(trust, '10.0.0.2'));
    assert.ok(isTrustedProxy(trust, '::ffff:10.0.0.1'));
    assert.equal(isTrustedProxy(trust, '10.0.0.3'), false);
  });
  it('takes the address the proxy appended to X-Forwarded-For, not what the client wrote', () => {
    assert.equal(forwardedFor(req({ 'x-forwarded-for': '1.2.3.4, 203.0.113.7' })), '203.0.113.7');
    assert.equal(forwardedFor(req({})), undefined);
  });
  it('decodes URL-encoded PEM; absent is undefined, garbage is null', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    assert.deepEqual(certificatesFromHeader(req({ 'x-c': encodeURIComponent(pem) }), 'x-c'), [new Uint8Array(Buffer.from('MIIB', 'base64'))]);
    assert.equal(certificatesFromHeader(req({}), 'x-c'), undefined);
    assert.equal(certificatesFromHeader(req({ 'x-c': '%E0%A4%A' }), 'x-c'), null);
    assert.equal(certificatesFromHeader(req({ 'x-c': 'not a pem' }), 'x-c'), null);
  });
});
