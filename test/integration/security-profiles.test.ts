// Security profiles 1-3 at the WebSocket upgrade, with real handshakes: `ws` over TLS and
// `openssl s_client`. Certificates come from our own CA (a lab hierarchy made before start; the
// lab is dated three days back so that a one-day certificate can already have expired) and from a
// look-alike CA with the same names but other keys.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import { hashSecret, verifySecret } from '../../src/api/secret-hash.js';
import { createCaService } from '../../src/ca/ca-service.js';
import { kekSource } from '../../src/ca/kek-source.js';
import { silentLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore } from '../../src/store/store.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { LAB, openTestCa } from '../helpers/test-ca.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { closeWs, issueStationCert, opensslUpgrade, tryConnect, type StationCert } from '../helpers/tls-stations.js';

const DAY = 86_400_000;
const P1_PASSWORD = 'profile-one-password-0001';
const P2_PASSWORD = 'profile-two-password-0002';

describe('security profiles at the upgrade', () => {
  let tdb: TestDatabase;
  let csms: TestCsms;
  let dir: string;
  let rootPem: string;
  let rootFile: string;
  const certs: Record<string, StationCert> = {};
  let hashCalls = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plugtrust-sp-'));
    tdb = await createTestDatabase();
    const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
    await migrate(db);
    const store = createStore(db);
    const kek = kekSource({ dataDir: tdb.dataDir, log: silentLogger() });
    const caAt = (offset: number) => createCaService({ store, kek, publicBaseUrl: 'http://localhost', log: silentLogger(), now: () => new Date(Date.now() + offset) });
    await caAt(-3 * DAY).initLab(LAB);
    const ca = caAt(0);
    rootPem = toPem((await ca.issuers.get('csms-root')).row.certificate, 'CERTIFICATE');
    rootFile = join(dir, 'root.pem');
    writeFileSync(rootFile, rootPem);
    certs.good = await issueStationCert(ca, dir, 'good', { CN: 'CS-P3', O: LAB.organization });
    certs.other = await issueStationCert(ca, dir, 'other', { CN: 'CS-P3B', O: LAB.organization });
    certs.wrongO = await issueStationCert(ca, dir, 'wrong-o', { CN: 'CS-P3', O: 'Evil CPO' });
    certs.expired = await issueStationCert(caAt(-3 * DAY), dir, 'expired', { CN: 'CS-P3', O: LAB.organization }, 1);
    certs.notYet = await issueStationCert(caAt(10 * DAY), dir, 'not-yet', { CN: 'CS-P3', O: LAB.organization }, 30);
    certs.revoked = await issueStationCert(ca, dir, 'revoked', { CN: 'CS-P3', O: LAB.organization });
    await ca.revoke({ serial: certs.revoked.serial, reason: 'keyCompromise', requestedBy: 'test' });
    // A look-alike hierarchy: the same names (CSMS Root CA, CSMS Sub-CA, Test CPO), other keys.
    const foreign = await openTestCa();
    await foreign.ca.initLab(LAB);
    certs.foreign = await issueStationCert(foreign.ca, dir, 'foreign', { CN: 'CS-P3', O: LAB.organization });
    await foreign.close();
    for (const [id, securityProfile] of [['CS-P1', 1], ['CS-P2', 2], ['CS-P3', 3], ['CS-P3B', 3], ['CS-UP', 1]] as const) await store.stations.create({ id, registrationStatus: 'Accepted', securityProfile });
    await store.stationPasswords.set('CS-P1', await hashSecret(P1_PASSWORD));
    await store.stationPasswords.set('CS-UP', await hashSecret(P1_PASSWORD));
    await store.stationPasswords.set('CS-P2', await hashSecret(P2_PASSWORD));
    // A profile 3 station that also has a password: the password must never stand in for the certificate.
    await store.stationPasswords.set('CS-P3', await hashSecret(P2_PASSWORD));
    await db.close();
    // Every client here connects from 127.0.0.1: back-off is tested in security-bruteforce.test.ts.
    csms = await startTestCsms(['--station-auth', 'enforce', '--ocpp-tls-port', '0', '--cpo-name', LAB.organization, '--trusted-proxies', '127.0.0.20', '--client-cert-header', 'X-SSL-Client-Cert'], {
      authThrottle: { maxFailures: 10_000 },
      verifyStationSecret: (h, s) => {
        hashCalls++;
        return verifySecret(h, s);
      },
    }, tdb);
  });
  after(async () => {
    await csms.stop();
    await tdb.dispose();
  });

  const wss = (id: string) => `wss://localhost:${csms.ocppTlsPort}/ocpp/${id}`;
  const ws = (id: string) => `${csms.ocppUrl}/${id}`;
  const withCert = (c: StationCert) => ({ ca: rootPem, cert: c.certPem, key: c.keyPem });

  it('admits a profile 3 station with its own certificate, over ws (TLS) and openssl s_client', async () => {
    const ok = await tryConnect(wss('CS-P3'), withCert(certs.good!));
    assert.equal(ok.status, 101);
    await closeWs(ok.ws);
    const viaOpenssl = await opensslUpgrade(csms.ocppTlsPort!, '/ocpp/CS-P3', ['-CAfile', rootFile, '-cert', certs.good!.certFile, '-key', certs.good!.keyFile]);
    assert.equal(viaOpenssl.status, 101, viaOpenssl.output);
  });

  const refusedCerts: [string, string, string][] = [
    ['another station\'s certificate (CN = CS-P3B)', 'other', 'CS-P3'],
    ['wrong O', 'wrongO', 'CS-P3'],
    ['expired', 'expired', 'CS-P3'],
    ['not yet valid', 'notYet', 'CS-P3'],
    ['revoked', 'revoked', 'CS-P3'],
    ['issued by a look-alike CA', 'foreign', 'CS-P3'],
  ];
  for (const [name, cert, id] of refusedCerts) {
    it(`refuses a profile 3 certificate: ${name} (ws and openssl)`, async () => {
      const r = await tryConnect(wss(id), withCert(certs[cert]!));
      assert.equal(r.status, 403);
      const o = await opensslUpgrade(csms.ocppTlsPort!, `/ocpp/${id}`, ['-CAfile', rootFile, '-cert', certs[cert]!.certFile, '-key', certs[cert]!.keyFile]);
      assert.equal(o.status, 403, o.output);
    });
  }

  it('stores every refusal as a security event with its reason', async () => {
    const events = await csms.store.events.listSecurityEvents('CS-P3', 100);
    const reasons = events.filter((e) => e.type === 'ConnectionRefused').map((e) => e.techInfo ?? '');
    assert.ok(reasons.some((r) => /CN/.test(r)));
    assert.ok(reasons.some((r) => /O "Evil CPO"/.test(r)));
    assert.ok(reasons.some((r) => /REVOKED/i.test(r)));
    assert.ok(reasons.some((r) => /EXPIRED/i.test(r)));
  });

  it('never lets the certificate of station X admit station Y', async () => {
    const r = await tryConnect(wss('CS-P3B'), withCert(certs.good!));
    assert.equal(r.status, 403);
    const own = await tryConnect(wss('CS-P3B'), withCert(certs.other!));
    assert.equal(own.status, 101);
    await closeWs(own.ws);
  });

  it('refuses downgrades: profile 3 without a certificate, with a password, over ws', async () => {
    assert.equal((await tryConnect(wss('CS-P3'), { ca: rootPem, password: P2_PASSWORD })).status, 401);
    assert.equal((await tryConnect(ws('CS-P3'), { password: P2_PASSWORD })).status, 403);
    assert.equal((await tryConnect(ws('CS-P2'), { password: P2_PASSWORD })).status, 403);
    assert.equal((await tryConnect(ws('CS-P3'))).status, 403);
  });

  it('profile 2: TLS plus the right password; wrong or missing passwords and wrong user names are 401', async () => {
    const ok = await tryConnect(wss('CS-P2'), { ca: rootPem, password: P2_PASSWORD });
    assert.equal(ok.status, 101);
    await closeWs(ok.ws);
    assert.equal((await tryConnect(wss('CS-P2'), { ca: rootPem, password: 'wrong-password-00000000' })).status, 401);
    assert.equal((await tryConnect(wss('CS-P2'), { ca: rootPem })).status, 401);
    assert.equal((await tryConnect(wss('CS-P2'), { ca: rootPem, password: P2_PASSWORD, user: 'CS-P1' })).status, 401);
    const o = await opensslUpgrade(csms.ocppTlsPort!, '/ocpp/CS-P2', ['-CAfile', rootFile], `Authorization: Basic ${Buffer.from(`CS-P2:${P2_PASSWORD}`).toString('base64')}\r\n`);
    assert.equal(o.status, 101, o.output);
  });

  it('profile 1: Basic over ws; the same station over TLS is refused', async () => {
    const ok = await tryConnect(ws('CS-P1'), { password: P1_PASSWORD });
    assert.equal(ok.status, 101);
    await closeWs(ok.ws);
    assert.equal((await tryConnect(ws('CS-P1'), { password: 'nearly-right-password-01' })).status, 401);
    assert.equal((await tryConnect(ws('CS-P1'))).status, 401);
    assert.equal((await tryConnect(wss('CS-P1'), { ca: rootPem, password: P1_PASSWORD })).status, 403);
  });

  it('speaks TLS 1.2 and 1.3 only, with the OCPP cipher suites for our EC certificate', async () => {
    const tls12 = await opensslUpgrade(csms.ocppTlsPort!, '/ocpp/CS-P3', ['-CAfile', rootFile, '-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256', '-cert', certs.good!.certFile, '-key', certs.good!.keyFile]);
    assert.equal(tls12.status, 101, tls12.output);
    const tls12b = await opensslUpgrade(csms.ocppTlsPort!, '/ocpp/CS-P3', ['-CAfile', rootFile, '-tls1_2', '-cipher', 'ECDHE-ECDSA-AES256-GCM-SHA384', '-cert', certs.good!.certFile, '-key', certs.good!.keyFile]);
    assert.equal(tls12b.status, 101, tls12b.output);
    // A TLS 1.2 suite outside the list (CBC) is not negotiated.
    const cbc = await opensslUpgrade(csms.ocppTlsPort!, '/ocpp/CS-P3', ['-CAfile', rootFile, '-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-SHA256']);
    assert.equal(cbc.status, 0);
    const old = await opensslUpgrade(csms.ocppTlsPort!, '/ocpp/CS-P3', ['-CAfile', rootFile, '-tls1_1']);
    assert.equal(old.status, 0);
  });

  it('a duplicate connection displaces the live session only once it has authenticated', async () => {
    const first = await tryConnect(wss('CS-P2'), { ca: rootPem, password: P2_PASSWORD });
    assert.equal(first.status, 101);
    const closed = new Promise<number>((resolve) => first.ws!.once('close', (code) => resolve(code)));
    assert.equal((await tryConnect(wss('CS-P2'), { ca: rootPem, password: 'wrong-password-00000000' })).status, 401);
    assert.equal((await tryConnect(wss('CS-P2'), { ca: rootPem })).status, 401);
    assert.equal((await tryConnect(ws('CS-P2'), { password: P2_PASSWORD })).status, 403);
    assert.equal((await tryConnect(wss('CS-P2'), { ca: rootPem, cert: certs.good!.certPem, key: certs.good!.keyPem })).status, 401);
    assert.equal(first.ws!.readyState, first.ws!.OPEN);
    assert.ok(csms.bus.isConnected('CS-P2'));
    const second = await tryConnect(wss('CS-P2'), { ca: rootPem, password: P2_PASSWORD });
    assert.equal(second.status, 101);
    assert.equal(await closed, 1000);
    await closeWs(second.ws);
  });

  it('a refusal carries no detail', async () => {
    const o = await opensslUpgrade(csms.ocppTlsPort!, '/ocpp/CS-P3', ['-CAfile', rootFile, '-cert', certs.other!.certFile, '-key', certs.other!.keyFile]);
    assert.match(o.output, /HTTP\/1\.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n/);
    assert.doesNotMatch(o.output, /certificate CN|station identity/);
  });

  it('takes the certificate from a trusted TLS-terminating proxy only, bound to the identity all the same', async () => {
    const header = (c: StationCert) => ({ 'x-ssl-client-cert': encodeURIComponent(c.certPem), 'x-forwarded-proto': 'https' });
    const viaProxy = await tryConnect(ws('CS-P3'), { headers: header(certs.good!), localAddress: '127.0.0.20' });
    assert.equal(viaProxy.status, 101);
    await closeWs(viaProxy.ws);
    assert.equal((await tryConnect(ws('CS-P3B'), { headers: header(certs.good!), localAddress: '127.0.0.20' })).status, 403);
    assert.equal((await tryConnect(ws('CS-P3'), { headers: header(certs.revoked!), localAddress: '127.0.0.20' })).status, 403);
    // The proxy says the station's leg was plain: a downgrade.
    assert.equal((await tryConnect(ws('CS-P3'), { headers: { ...header(certs.good!), 'x-forwarded-proto': 'http' }, localAddress: '127.0.0.20' })).status, 403);
    // Not a trusted proxy: the header is ignored (plain ws, no certificate).
    assert.equal((await tryConnect(ws('CS-P3'), { headers: header(certs.good!), localAddress: '127.0.0.21' })).status, 403);
    const events = await csms.store.events.listSecurityEvents('CS-P3', 5);
    assert.match(events[0]?.techInfo ?? '', /without TLS/);
  });

  it('A05: raises a connected station from profile 1 to 2, after which only TLS admits it', async () => {
    const res = await fetch(`${csms.httpUrl}/api/v1/auth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`operator:${csms.operatorSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    const token = ((await res.json()) as { access_token: string }).access_token;
    const upgrade = (id: string, body: object) => fetch(`${csms.httpUrl}/api/v1/stations/${id}/security-profile`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const url = `wss://localhost:${csms.ocppTlsPort}/ocpp`;
    const station = await tryConnect(ws('CS-UP'), { password: P1_PASSWORD });
    assert.equal(station.status, 101);
    const seen: string[] = [];
    let answerProfile = 'Rejected';
    station.ws!.on('message', (data) => {
      const [, msgId, action] = JSON.parse(String(data)) as [number, string, string];
      seen.push(action);
      const payload = action === 'SetNetworkProfile' ? { status: answerProfile } : action === 'Reset' ? { status: 'Accepted' } : { setVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } }] };
      station.ws!.send(JSON.stringify([3, msgId, payload]));
    });
    const code = async (r: Response) => ((await r.json()) as { code: string }).code;
    assert.equal(await code(await upgrade('CS-P2', { securityProfile: 2, ocppCsmsUrl: url })), 'profile_not_upgrade');
    assert.equal(await code(await upgrade('CS-UP', { securityProfile: 3, ocppCsmsUrl: url })), 'profile_precondition');
    assert.equal((await upgrade('CS-UP', { securityProfile: 2, ocppCsmsUrl: 'ws://plain' })).status, 400);
    assert.equal(await code(await upgrade('CS-UP', { securityProfile: 2, ocppCsmsUrl: url })), 'profile_change_refused');
    assert.equal((await csms.store.stations.get('CS-UP'))?.securityProfile, 1);
    answerProfile = 'Accepted';
    const ok = await upgrade('CS-UP', { securityProfile: 2, ocppCsmsUrl: url });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { securityProfile: number }).securityProfile, 2);
    assert.deepEqual(seen, ['SetNetworkProfile', 'SetNetworkProfile', 'SetVariables', 'Reset']);
    assert.equal((await tryConnect(ws('CS-UP'), { password: P1_PASSWORD })).status, 403);
    const viaTls = await tryConnect(wss('CS-UP'), { ca: rootPem, password: P1_PASSWORD });
    assert.equal(viaTls.status, 101);
    await closeWs(viaTls.ws);
    await closeWs(station.ws);
  });

  it('has computed few password hashes for all of the above', () => {
    assert.ok(hashCalls > 0 && hashCalls < 20, String(hashCalls));
    assert.ok(readFileSync(rootFile, 'utf8').includes('BEGIN CERTIFICATE'));
  });
});
