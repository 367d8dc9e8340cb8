// L01/L02 end to end: an image is uploaded, signed by our firmware-signer key, and rolled out to a
// station played by the ocpp-rpc strict client, which downloads it over HTTP (resuming in two
// ranges), verifies the certificate and the signature with openssl, reports every state and
// reboots with the new version, which closes the job. A byte changed on disk withdraws the image;
// a station that finds a bad signature reports InvalidSignature and the job fails.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCaService } from '../../src/ca/ca-service.js';
import { kekSource } from '../../src/ca/kek-source.js';
import { silentLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore } from '../../src/store/store.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { startFirmwareCharger, type FirmwareCharger } from '../helpers/firmware-charger.js';
import { firmwareApi, type FirmwareApi } from '../helpers/firmware-api.js';
import { LAB } from '../helpers/test-ca.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const VENDOR = 'Acme';
const MODEL = 'AC22';

describe('signed firmware update (L01/L02) with the ocpp-rpc strict client as the station', () => {
  let tdb: TestDatabase;
  let csms: TestCsms;
  let api: FirmwareApi;
  const chargers: FirmwareCharger[] = [];

  const flipByte = (imageId: string, at: number): void => {
    const fd = openSync(join(tdb.dataDir, 'firmware', `${imageId}.bin`), 'r+');
    writeSync(fd, Buffer.from([0x5a]), 0, 1, at);
    closeSync(fd);
  };

  async function signedImage(version: string, size = 3 * 1024 * 1024 + 17): Promise<{ id: string; bytes: Buffer }> {
    const bytes = randomBytes(size);
    const up = await api.upload(bytes, { vendor: VENDOR, version, models: `${MODEL},DC50` });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const id = up.body.id as string;
    const signed = await api.json('POST', `/api/v1/firmware/images/${id}/sign`);
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    return { id, bytes };
  }

  before(async () => {
    tdb = await createTestDatabase();
    const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
    await migrate(db);
    await createCaService({ store: createStore(db), kek: kekSource({ dataDir: tdb.dataDir, log: silentLogger() }), publicBaseUrl: 'http://unused.invalid', log: silentLogger() }).initLab(LAB);
    for (const id of ['CS-FW-1', 'CS-FW-2', 'CS-FW-3', 'CS-FW-4', 'CS-FW-5', 'CS-FW-6']) await createStore(db).stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
    await db.close();
    // A short job timeout, so that a silent station's update fails within the test.
    csms = await startTestCsms(['--firmware-job-timeout', '15'], {}, tdb);
    api = await firmwareApi(csms);
  });
  after(async () => {
    for (const c of chargers) await c.close();
    await csms.stop();
    await tdb.dispose();
  });

  it('uploads with SHA-256 computed while streaming, signs with the firmware-signer key, and the signature verifies', async () => {
    const { id, bytes } = await signedImage('1.0.1', 1000);
    const got = await api.json('GET', `/api/v1/firmware/images/${id}`);
    assert.equal(got.body.sha256, (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'));
    assert.equal(got.body.sizeBytes, 1000);
    const sig = got.body.signature as Record<string, unknown>;
    assert.equal(sig.state, 'verified');
    assert.equal(sig.source, 'csms');
    assert.match(sig.signingCertificate as string, /BEGIN CERTIFICATE/);
    // Signing twice is refused.
    const again = await api.json('POST', `/api/v1/firmware/images/${id}/sign`);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'firmware_already_signed');
  });

  it('runs the whole L01 flow: download with resume, openssl verification, statuses, reboot with the new version', async () => {
    const { id, bytes } = await signedImage('2.0.0');
    const charger = await startFirmwareCharger({ ocppUrl: csms.ocppUrl, id: 'CS-FW-1', vendor: VENDOR, model: MODEL, version: '1.0.0', rootPem: await api.rootPem() });
    chargers.push(charger);
    const created = await api.json('POST', '/api/v1/stations/CS-FW-1/firmware-updates', { imageId: id, retries: 2, retryInterval: 30 });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const jobId = created.body.id as string;
    const done = await api.until(`/api/v1/firmware/updates/${jobId}`, (b) => b.state === 'completed' || b.state === 'failed');
    await charger.idle();
    assert.equal(done.state, 'completed', JSON.stringify(done));
    assert.deepEqual(charger.sent, ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting', 'Installed']);
    const req = charger.requests[0] as { requestId: number; retries: number; retryInterval: number; firmware: Record<string, string> };
    assert.equal(req.requestId, created.body.requestId);
    assert.equal(req.retries, 2);
    assert.equal(req.retryInterval, 30);
    assert.ok(req.firmware.signature && req.firmware.signingCertificate, 'L01.FR.11: signature and signing certificate are sent');
    const download = done.download as Record<string, number>;
    assert.equal(download.sizeBytes, bytes.length);
    assert.ok(Number(download.bytesServed) >= bytes.length, `served ${download.bytesServed}`);
    assert.ok(Number(download.completedDownloads) >= 1);
    const statuses = (done.events as { status: string }[]).map((e) => e.status);
    assert.ok(statuses.includes('UpdateFirmware:Accepted') && statuses.includes('BootNotification') && statuses.includes('Installed'), statuses.join(','));
    const station = (await csms.store.stations.get('CS-FW-1'))?.firmwareVersion;
    assert.equal(station, '2.0.0');
  });

  it('serves the image only at its unguessable URL: unknown token 404, Range beyond the end 416', async () => {
    const job = (await csms.store.firmwareJobs.listForStation('CS-FW-1', 1))[0];
    assert.ok(job);
    const location = (chargersRequest(chargers[0]))?.firmware.location as string;
    const bogus = location.replace(/\/firmware\/[^/]+\//, `/firmware/${'A'.repeat(43)}/`);
    assert.equal((await fetch(bogus)).status, 404);
    const head = await fetch(location, { method: 'HEAD' });
    const size = Number(head.headers.get('content-length'));
    assert.equal(head.headers.get('accept-ranges'), 'bytes');
    const past = await fetch(location, { headers: { range: `bytes=${size}-` } });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${size}`);
    // A range for another version of the file (If-Range mismatch) gets the whole image.
    const stale = await fetch(location, { headers: { range: 'bytes=0-9', 'if-range': '"0000"' } });
    assert.equal(stale.status, 200);
    await stale.arrayBuffer();
  });

  it('withdraws an image whose file changed on disk after signing, and sends nothing', async () => {
    const { id } = await signedImage('2.1.0', 4096);
    flipByte(id, 100);
    const res = await api.json('POST', '/api/v1/stations/CS-FW-2/firmware-updates', { imageId: id });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'firmware_tampered');
    const image = await api.json('GET', `/api/v1/firmware/images/${id}`);
    assert.equal((image.body.signature as Record<string, unknown>).state, 'tampered');
    assert.equal((await csms.store.firmwareJobs.listForStation('CS-FW-2', 10)).length, 0);
  });

  it('fails the job when the station finds the signature invalid (the image changed after UpdateFirmware was sent)', async () => {
    const { id } = await signedImage('3.0.0', 64 * 1024);
    // A byte of the file changes after UpdateFirmware went out, before the station downloads.
    const charger = await startFirmwareCharger({ ocppUrl: csms.ocppUrl, id: 'CS-FW-2', vendor: VENDOR, model: MODEL, version: '1.0.0', rootPem: await api.rootPem(), beforeDownload: () => flipByte(id, 10) });
    chargers.push(charger);
    const created = await api.json('POST', '/api/v1/stations/CS-FW-2/firmware-updates', { imageId: id });
    assert.equal(created.status, 202);
    const done = await api.until(`/api/v1/firmware/updates/${created.body.id as string}`, (b) => b.state === 'failed' || b.state === 'completed');
    assert.equal(done.state, 'failed');
    assert.equal(done.failure, 'InvalidSignature');
    assert.ok(charger.sent.includes('InvalidSignature'));
  });

  it('refuses an unsecured update (L02) unless the operator allows it for the station, then sends no signature', async () => {
    const { id } = await signedImage('4.0.0', 2048);
    const refused = await api.json('POST', '/api/v1/stations/CS-FW-3/firmware-updates', { imageId: id, secure: false });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'unsecured_update_not_allowed');
    assert.equal((await api.json('PUT', '/api/v1/stations/CS-FW-3/firmware-policy', { allowUnsecured: true })).status, 200);
    const charger = await startFirmwareCharger({ ocppUrl: csms.ocppUrl, id: 'CS-FW-3', vendor: VENDOR, model: MODEL, version: '1.0.0' });
    chargers.push(charger);
    const created = await api.json('POST', '/api/v1/stations/CS-FW-3/firmware-updates', { imageId: id, secure: false });
    assert.equal(created.status, 202);
    const done = await api.until(`/api/v1/firmware/updates/${created.body.id as string}`, (b) => b.state === 'completed' || b.state === 'failed');
    assert.equal(done.state, 'completed');
    const fw = (charger.requests[0] as { firmware: Record<string, unknown> }).firmware;
    assert.equal(fw.signature, undefined);
    assert.equal(fw.signingCertificate, undefined);
  });

  const cases: [string, 'invalid-certificate' | 'install-fails' | 'silent', string, string][] = [
    ['the station refuses the signing certificate (UpdateFirmware InvalidCertificate)', 'invalid-certificate', 'CS-FW-4', 'InvalidCertificate'],
    ['the installation fails (InstallationFailed)', 'install-fails', 'CS-FW-5', 'InstallationFailed'],
    ['the station goes silent after accepting (Timeout)', 'silent', 'CS-FW-6', 'Timeout'],
  ];
  for (const [name, behaviour, station, failure] of cases) {
    it(`fails the job when ${name}`, async () => {
      const { id } = await signedImage(`5.${failure.length}.0`, 8192);
      const charger = await startFirmwareCharger({ ocppUrl: csms.ocppUrl, id: station, vendor: VENDOR, model: MODEL, version: '1.0.0', rootPem: await api.rootPem(), behaviour });
      chargers.push(charger);
      const created = await api.json('POST', `/api/v1/stations/${station}/firmware-updates`, { imageId: id });
      assert.equal(created.status, 202);
      const done = await api.until(`/api/v1/firmware/updates/${created.body.id as string}`, (b) => b.state === 'failed' || b.state === 'completed', 40_000);
      assert.equal(done.state, 'failed');
      assert.equal(done.failure, failure);
      if (failure === 'InvalidCertificate') assert.equal(done.failureDetail, 'NoTrustAnchor');
    });
  }

  it("ignores a status naming another station's request, an out-of-range requestId, or none", async () => {
    const station1 = chargers[0];
    assert.ok(station1);
    const other = (await csms.store.firmwareJobs.listForStation('CS-FW-2', 1))[0];
    assert.ok(other);
    const before = await csms.store.firmwareJobs.events(other.id);
    for (const requestId of [other.requestId, 2 ** 40, undefined]) {
      const answer: unknown = await station1.client.call('FirmwareStatusNotification', { status: 'InstallationFailed', ...(requestId !== undefined ? { requestId } : {}) });
      assert.deepEqual(answer, {});
    }
    assert.deepEqual(await csms.store.firmwareJobs.get(other.id), other);
    assert.equal((await csms.store.firmwareJobs.events(other.id)).length, before.length);
    assert.deepEqual(await station1.client.call('PublishFirmwareStatusNotification', { status: 'Published', location: ['http://x/y'], requestId: 2 ** 40 }), {});
  });

  it('refuses a second update while one is running, and an image for another model', async () => {
    const other = await api.upload(randomBytes(100), { vendor: 'Other', version: '9', models: 'X1' });
    await api.json('POST', `/api/v1/firmware/images/${other.body.id as string}/sign`);
    const res = await api.json('POST', '/api/v1/stations/CS-FW-1/firmware-updates', { imageId: other.body.id });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, 'firmware_not_for_station');
    const unsigned = await api.upload(randomBytes(100), { vendor: VENDOR, version: '9', models: MODEL });
    const r2 = await api.json('POST', '/api/v1/stations/CS-FW-1/firmware-updates', { imageId: unsigned.body.id });
    assert.equal(r2.body.code, 'firmware_not_verified');
  });
});

function chargersRequest(c: FirmwareCharger | undefined): { firmware: Record<string, string> } | undefined {
  return c?.requests[0] as { firmware: Record<string, string> } | undefined;
}
