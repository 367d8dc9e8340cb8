// A manufacturer's signature (made with openssl, outside our CA) is verified against the configured
// manufacturer roots before the image can be used; each wrong input is refused with its reason and
// leaves the image unsigned. The station, holding the manufacturer root, verifies with openssl.
// Then L03/L04: a local controller (ocpp-rpc strict client) publishes and unpublishes the image.
// And the upload limits.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RPCClient } from 'ocpp-rpc';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { firmwareApi, type FirmwareApi } from '../helpers/firmware-api.js';
import { resumedDownload, startFirmwareCharger, type FirmwareCharger } from '../helpers/firmware-charger.js';
import { makeManufacturer, type Manufacturer } from '../helpers/firmware-manufacturer.js';

const MAX = 1024 * 1024;

describe('manufacturer signatures, publication on a local controller, upload limits', () => {
  let csms: TestCsms;
  let api: FirmwareApi;
  let acme: Manufacturer;
  let rogue: Manufacturer;
  let dir: string;
  const closers: (() => Promise<unknown>)[] = [];

  async function upload(bytes: Buffer, version: string): Promise<string> {
    const up = await api.upload(bytes, { vendor: 'Acme', version, models: 'AC22' });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    return up.body.id as string;
  }
  const file = (name: string, bytes: Buffer): string => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fw-mfr-'));
    acme = makeManufacturer('Acme');
    rogue = makeManufacturer('Rogue');
    csms = await startTestCsms(['--firmware-roots-file', acme.rootFile, '--firmware-max-bytes', String(MAX)]);
    api = await firmwareApi(csms);
    for (const id of ['CS-M-1', 'LC-1']) await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
  });
  after(async () => {
    for (const c of closers) await c();
    await csms.stop();
  });

  it('refuses, with the reason, a wrong signature, a certificate of another root, a tampered byte, malformed input', async () => {
    const bytes = randomBytes(200_000);
    const id = await upload(bytes, '5.0.0');
    const other = Buffer.from(bytes);
    other[777] = (other[777] ?? 0) ^ 1;
    const cases: [string, object, number, string, string?][] = [
      ['a signature over other bytes (tampered)', { signature: acme.sign(file('other.bin', other)), signingCertificate: acme.signerPem }, 422, 'signature_invalid'],
      ['a certificate of another manufacturer', { signature: rogue.sign(file('same.bin', bytes)), signingCertificate: rogue.signerPem }, 422, 'signing_certificate_untrusted', 'NO_TRUST_ANCHOR'],
      ["the right signature with another manufacturer's certificate", { signature: acme.sign(file('same.bin', bytes)), signingCertificate: rogue.signerPem }, 422, 'signing_certificate_untrusted', 'NO_TRUST_ANCHOR'],
      ['a signature that is not base64', { signature: '***', signingCertificate: acme.signerPem }, 400, 'signature_malformed'],
      ['a certificate that is not PEM', { signature: acme.sign(file('same.bin', bytes)), signingCertificate: 'not a certificate' }, 400, 'signing_certificate_malformed'],
      ['an unknown member', { signature: 'AA==', signingCertificate: acme.signerPem, extra: 1 }, 400, 'validation_failed'],
    ];
    for (const [name, body, status, code, defect] of cases) {
      const res = await api.json('POST', `/api/v1/firmware/images/${id}/signature`, body);
      assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, code, name);
      if (defect) assert.equal((res.body.defects as { code: string }[])[0]?.code, defect, name);
      const image = await api.json('GET', `/api/v1/firmware/images/${id}`);
      assert.equal((image.body.signature as Record<string, unknown>).state, 'unsigned', `${name} left the image unsigned`);
    }
    assert.equal((await api.json('POST', '/api/v1/stations/CS-M-1/firmware-updates', { imageId: id })).body.code, 'firmware_not_verified');
  });

  it("accepts the manufacturer's signature, and the station verifies it against the manufacturer root with openssl", async () => {
    const bytes = randomBytes(300_000);
    const id = await upload(bytes, '6.0.0');
    const res = await api.json('POST', `/api/v1/firmware/images/${id}/signature`, { signature: acme.sign(file('good.bin', bytes)), signingCertificate: acme.signerPem });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((res.body.signature as Record<string, unknown>).source, 'manufacturer');
    const charger: FirmwareCharger = await startFirmwareCharger({ ocppUrl: csms.ocppUrl, id: 'CS-M-1', vendor: 'Acme', model: 'AC22', version: '1.0.0', rootPem: acme.rootPem });
    closers.push(() => charger.close());
    const created = await api.json('POST', '/api/v1/stations/CS-M-1/firmware-updates', { imageId: id });
    const done = await api.until(`/api/v1/firmware/updates/${created.body.id as string}`, (b) => b.state === 'completed' || b.state === 'failed');
    assert.equal(done.state, 'completed', JSON.stringify(done));
    assert.ok(charger.sent.includes('SignatureVerified'));
  });

  it('publishes on a local controller (L03) with the MD5 checksum, tracks its statuses, and unpublishes (L04)', async () => {
    const bytes = randomBytes(100_000);
    const id = await upload(bytes, '7.0.0');
    // No CA hierarchy in this CSMS: our own signing is unavailable, the manufacturer's signature is used.
    assert.equal((await api.json('POST', `/api/v1/firmware/images/${id}/sign`)).body.code, 'firmware_signer_unavailable');
    assert.equal((await api.json('POST', `/api/v1/firmware/images/${id}/signature`, { signature: acme.sign(file('lc.bin', bytes)), signingCertificate: acme.signerPem })).status, 200);
    const controller = new RPCClient({ endpoint: csms.ocppUrl, identity: 'LC-1', protocols: ['ocpp2.0.1'], strictMode: true, reconnect: false } as never);
    closers.push(() => controller.close({ force: true }));
    let unpublishAnswer: 'DownloadOngoing' | 'Unpublished' = 'DownloadOngoing';
    const checksums: string[] = [];
    let work: Promise<void> = Promise.resolve();
    controller.handle('PublishFirmware', async ({ params }) => {
      const p = params as { location: string; checksum: string; requestId: number };
      work = (async () => {
        const report = (status: string, extra: object = {}): Promise<unknown> => controller.call('PublishFirmwareStatusNotification', { status, requestId: p.requestId, ...extra });
        await report('Downloading');
        const image = await resumedDownload(p.location);
        await report('Downloaded');
        // The checksum checked by an independent tool.
        const md5 = execFileSync('openssl', ['dgst', '-md5', '-r', file('published.bin', image)], { encoding: 'utf8' }).split(' ')[0];
        if (md5 !== p.checksum) return void (await report('InvalidChecksum'));
        await report('ChecksumVerified');
        await report('Published', { location: ['http://lc-1.local/fw/acme-7.0.0.bin'] });
      })();
      return { status: 'Accepted' };
    });
    controller.handle('UnpublishFirmware', async ({ params }) => {
      checksums.push((params as { checksum: string }).checksum);
      return { status: unpublishAnswer };
    });
    await controller.connect();
    await controller.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'LC' } });
    const pub = await api.json('POST', '/api/v1/stations/LC-1/firmware-publications', { imageId: id });
    assert.equal(pub.status, 201, JSON.stringify(pub.body));
    await work;
    const list = await api.until('/api/v1/stations/LC-1/firmware-publications', (b) => (b.items as Record<string, unknown>[])[0]?.state === 'published');
    const published = (list.items as Record<string, unknown>[])[0] as Record<string, unknown>;
    assert.deepEqual(published.locations, ['http://lc-1.local/fw/acme-7.0.0.bin']);
    const ongoing = await api.json('DELETE', `/api/v1/stations/LC-1/firmware-publications/${published.id as string}`);
    assert.equal(ongoing.status, 409);
    assert.equal(ongoing.body.code, 'firmware_download_ongoing');
    unpublishAnswer = 'Unpublished';
    const gone = await api.json('DELETE', `/api/v1/stations/LC-1/firmware-publications/${published.id as string}`);
    assert.equal(gone.status, 200);
    assert.equal(gone.body.state, 'unpublished');
    const image = await api.json('GET', `/api/v1/firmware/images/${id}`);
    assert.deepEqual(checksums, [image.body.md5, image.body.md5]);
  });

  it('refuses an image above the size limit (declared or streamed) and an empty one, keeping nothing', async () => {
    const big = await api.upload(randomBytes(MAX + 1), { vendor: 'Acme', version: '8', models: 'AC22' });
    assert.equal(big.status, 413);
    assert.equal(big.body.code, 'firmware_too_large');
    // Chunked (no Content-Length): the limit is enforced while streaming.
    const chunks = [randomBytes(MAX / 2), randomBytes(MAX / 2), randomBytes(10)];
    const stream = new ReadableStream({ pull(c) { const n = chunks.shift(); if (n) c.enqueue(n); else c.close(); } });
    const res = await fetch(`${csms.httpUrl}/api/v1/firmware/images?vendor=Acme&version=8&models=AC22`, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/octet-stream' }, body: stream, duplex: 'half' });
    assert.equal(res.status, 413);
    const empty = await api.upload(new Uint8Array(0), { vendor: 'Acme', version: '8', models: 'AC22' });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.code, 'firmware_empty');
    const images = (await api.json('GET', '/api/v1/firmware/images')).body.items as { version: string }[];
    assert.equal(images.filter((i) => i.version === '8').length, 0);
    const noToken = await fetch(`${csms.httpUrl}/api/v1/firmware/images?vendor=A&version=1&models=B`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(10) });
    assert.equal(noToken.status, 401);
  });
});
