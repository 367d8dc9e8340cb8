// Brute force against HTTP Basic (security profile 1), through real sockets: 10,000 wrong
// passwords cost fewer than 100 scrypt computations (counted), other stations still connect at
// once, and the right password is admitted afterwards. Also: A01 password rotation through
// SetVariables, and the client certificate header of a TLS-terminating proxy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifySecret } from '../../src/api/secret-hash.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { closeWs, rawStatus, tryConnect } from '../helpers/tls-stations.js';

const RIGHT = 'the-right-password-000001';
const basic = (id: string, pw: string) => `Basic ${Buffer.from(`${id}:${pw}`).toString('base64')}`;

describe('brute force, A01 rotation and proxy headers', () => {
  let csms: TestCsms;
  let hashCalls = 0;
  let token: string;
  const api = (path: string, init: RequestInit = {}) => fetch(`${csms.httpUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  before(async () => {
    csms = await startTestCsms(['--station-auth', 'enforce', '--trusted-proxies', '127.0.0.20', '--client-cert-header', 'X-SSL-Client-Cert'], {
      authThrottle: { baseDelayMs: 300, maxDelayMs: 1200 },
      verifyStationSecret: (h, s) => {
        hashCalls++;
        return verifySecret(h, s);
      },
    });
    for (const id of ['CS-BF', 'CS-BF2', 'CS-OK', 'CS-ROT']) await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
    await csms.store.stations.create({ id: 'CS-PX', registrationStatus: 'Accepted', securityProfile: 3 });
    const res = await fetch(`${csms.httpUrl}/api/v1/auth/token`, { method: 'POST', headers: { authorization: basic('operator', csms.operatorSecret), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(() => csms.stop());

  it('sets a password by API, with precise errors for bad ones', async () => {
    for (const [body, status, code] of [[{ password: 'short' }, 400, 'password_rejected'], [{ password: 'x'.repeat(41) }, 400, 'password_rejected'], [{ password: 'tab\there-0123456789' }, 400, 'password_rejected'], [{}, 400, 'validation_failed']] as const) {
      const r = await api('/api/v1/stations/CS-BF/password', { method: 'PUT', body: JSON.stringify(body) });
      assert.equal(r.status, status);
      assert.equal(((await r.json()) as { code: string }).code, code);
    }
    assert.equal((await api('/api/v1/stations/NOPE/password', { method: 'PUT', body: JSON.stringify({ password: RIGHT }) })).status, 404);
    for (const id of ['CS-BF', 'CS-BF2', 'CS-OK', 'CS-ROT']) assert.equal((await api(`/api/v1/stations/${id}/password`, { method: 'PUT', body: JSON.stringify({ password: RIGHT }) })).status, 200);
    const stored = await csms.store.stationPasswords.get('CS-BF');
    assert.match(stored?.hash ?? '', /^scrypt\$/);
    assert.ok(!JSON.stringify(stored).includes(RIGHT));
  });

  it('10,000 wrong passwords cost fewer than 100 hash computations; others and the right password get in', async () => {
    const first = await tryConnect(`${csms.ocppUrl}/CS-BF`, { password: RIGHT });
    assert.equal(first.status, 101);
    await closeWs(first.ws);
    const before = hashCalls;
    const statuses = new Map<number, number>();
    let sent = 0;
    let slowest = 0;
    const attacker = async (): Promise<void> => {
      while (sent < 10_000) {
        const n = sent++;
        const s = await rawStatus(csms.ocppPort, '/ocpp/CS-BF', { authorization: basic('CS-BF', `wrong-password-${String(n).padStart(8, '0')}`) }, `127.0.0.${2 + (n % 8)}`);
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
    };
    const bystander = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const r = await tryConnect(`${csms.ocppUrl}/CS-OK`, { password: RIGHT, localAddress: '127.0.0.11' });
        slowest = Math.max(slowest, performance.now() - t0);
        assert.equal(r.status, 101);
        await closeWs(r.ws);
      }
    };
    await Promise.all([...Array.from({ length: 100 }, attacker), bystander()]);
    const computed = hashCalls - before;
    assert.ok(computed < 100, `${computed} hash computations`);
    assert.equal((statuses.get(401) ?? 0) + (statuses.get(429) ?? 0), 10_000, JSON.stringify([...statuses]));
    // Not a performance figure: a bystander queued behind the attack would wait for all 10,000
    // refusals (minutes); the bound only has to separate that from a loaded machine's seconds.
    assert.ok(slowest < 15_000, `a bystander station took ${slowest} ms`);
    // The right password, from an address that did not attack: admitted without waiting.
    const again = await tryConnect(`${csms.ocppUrl}/CS-BF`, { password: RIGHT, localAddress: '127.0.0.12' });
    assert.equal(again.status, 101);
    await closeWs(again.ws);
  });

  it('a station whose password was never verified gets in after the back-off interval', async () => {
    for (let i = 0; i < 8; i++) await rawStatus(csms.ocppPort, '/ocpp/CS-BF2', { authorization: basic('CS-BF2', `wrong-password-x${i}-000000`) }, `127.0.0.${13 + i}`);
    const during = await tryConnect(`${csms.ocppUrl}/CS-BF2`, { password: RIGHT, localAddress: '127.0.0.30' });
    assert.equal(during.status, 429);
    await new Promise((r) => setTimeout(r, 1300));
    const later = await tryConnect(`${csms.ocppUrl}/CS-BF2`, { password: RIGHT, localAddress: '127.0.0.30' });
    assert.equal(later.status, 101);
    await closeWs(later.ws);
  });

  it('A01: the new password is stored only after Accepted; the old one works until the station reconnects with the new one', async () => {
    const OLD = RIGHT;
    const NEW = 'rotated-password-0000002';
    const station = await tryConnect(`${csms.ocppUrl}/CS-ROT`, { password: OLD, localAddress: '127.0.0.40' });
    assert.equal(station.status, 101);
    let answer = 'Rejected';
    const seen: unknown[] = [];
    station.ws!.on('message', (data) => {
      const [, id, action, payload] = JSON.parse(String(data)) as [number, string, string, unknown];
      seen.push({ action, payload });
      station.ws!.send(JSON.stringify([3, id, { setVariableResult: [{ attributeStatus: answer, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] }]));
    });
    const refused = await api('/api/v1/stations/CS-ROT/password/rotate', { method: 'POST', body: JSON.stringify({ password: NEW }) });
    assert.equal(refused.status, 409);
    assert.equal(((await refused.json()) as { code: string }).code, 'password_change_refused');
    assert.equal((await tryConnect(`${csms.ocppUrl}/CS-ROT`, { password: NEW, localAddress: '127.0.0.41' })).status, 401);
    answer = 'Accepted';
    const ok = await api('/api/v1/stations/CS-ROT/password/rotate', { method: 'POST', body: JSON.stringify({ password: NEW }) });
    assert.equal(ok.status, 200);
    assert.deepEqual(seen.at(-1), { action: 'SetVariables', payload: { setVariableData: [{ attributeType: 'Actual', attributeValue: NEW, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }] } });
    // The station has not reconnected yet: the old password still admits it.
    const withOld = await tryConnect(`${csms.ocppUrl}/CS-ROT`, { password: OLD, localAddress: '127.0.0.42' });
    assert.equal(withOld.status, 101);
    await closeWs(withOld.ws);
    const withNew = await tryConnect(`${csms.ocppUrl}/CS-ROT`, { password: NEW, localAddress: '127.0.0.42' });
    assert.equal(withNew.status, 101);
    await closeWs(withNew.ws);
    // Once the new password has been used, the old one stops working.
    assert.equal((await tryConnect(`${csms.ocppUrl}/CS-ROT`, { password: OLD, localAddress: '127.0.0.43' })).status, 401);
    assert.equal((await api('/api/v1/stations/CS-ROT/password/rotate', { method: 'POST', body: JSON.stringify({ password: 'too-short' }) })).status, 400);
    await closeWs(station.ws);
  });

  it('believes the client certificate header only from a trusted proxy', async () => {
    const header = { 'x-ssl-client-cert': encodeURIComponent('-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n'), 'x-forwarded-proto': 'https' };
    // From an untrusted peer the header is ignored: plain ws, no certificate -> downgrade refused.
    assert.equal(await rawStatus(csms.ocppPort, '/ocpp/CS-PX', header, '127.0.0.50'), 403);
    // From the trusted proxy the header is read: an unreadable certificate is refused (403),
    // a garbled header too (401), and no header means no certificate (401).
    assert.equal(await rawStatus(csms.ocppPort, '/ocpp/CS-PX', header, '127.0.0.20'), 403);
    assert.equal(await rawStatus(csms.ocppPort, '/ocpp/CS-PX', { 'x-ssl-client-cert': '%E0%A4%A', 'x-forwarded-proto': 'https' }, '127.0.0.20'), 401);
    assert.equal(await rawStatus(csms.ocppPort, '/ocpp/CS-PX', { 'x-forwarded-proto': 'https' }, '127.0.0.20'), 401);
    const events = await csms.store.events.listSecurityEvents('CS-PX', 10);
    assert.ok(events.some((e) => /without TLS/.test(e.techInfo ?? '')));
  });
});
