// A02/A03 end to end: the ocpp-rpc strict client plays the station. SignCertificate is decided by
// the RA, CertificateSigned arrives through the outbox (also across a CSMS restart), the chain
// verifies with openssl against the CSMS root, the station's answer is acted on, replaced
// certificates are revoked after the grace period, and renewal is triggered before expiry.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RPCClient } from 'ocpp-rpc';
import { parseCertificate, pemBlocks, toPem } from '../../pki/certificate/parse-certificate.js';
import { nameValue } from '../../pki/names.js';
import { createCaService } from '../../src/ca/ca-service.js';
import { kekSource } from '../../src/ca/kek-source.js';
import { silentLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore } from '../../src/store/store.js';
import { buildCsr, toPem as csrPem } from '../helpers/csr-factory.js';
import { LAB } from '../helpers/test-ca.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';
import { issuedForRequest } from '../../src/csms/a-security/certificate-signed.js';
import { startSigningCsms, type SigningCsms } from './sign-certificate-harness.js';

const STATION = 'CS-SIGN';
const DAY = 86_400_000;

type Handler = (params: Record<string, unknown>) => Promise<object>;

describe('SignCertificate -> CertificateSigned (ocpp-rpc strict client as the station)', () => {
  let tdb: TestDatabase;
  let csms: SigningCsms;
  let dir: string;
  let offsetMs = 0;
  const now = (): Date => new Date(Date.now() + offsetMs);
  const clients: InstanceType<typeof RPCClient>[] = [];

  async function connect(handlers: Record<string, Handler>): Promise<InstanceType<typeof RPCClient>> {
    const client = new RPCClient({ endpoint: csms.ocppUrl, identity: STATION, protocols: ['ocpp2.0.1'], strictMode: true, reconnect: false } as never);
    for (const [method, h] of Object.entries(handlers)) client.handle(method, ({ params }) => h(params as Record<string, unknown>));
    await client.connect();
    clients.push(client);
    return client;
  }

  /** A handler for CertificateSigned that answers `status` and resolves with the payload. */
  function certificateSigned(status: 'Accepted' | 'Rejected' = 'Accepted'): { handler: Handler; received: Promise<{ certificateChain: string; certificateType?: string }> } {
    let resolve!: (p: { certificateChain: string; certificateType?: string }) => void;
    const received = new Promise<{ certificateChain: string; certificateType?: string }>((r) => (resolve = r));
    return {
      received,
      handler: async (params) => {
        resolve(params as { certificateChain: string });
        return status === 'Accepted' ? { status } : { status, statusInfo: { reasonCode: 'InvalidCertificate', additionalInfo: 'test says no' } };
      },
    };
  }

  function opensslCsr(name: string, subject: string): string {
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, `${name}.key`), '-subj', subject, '-out', join(dir, `${name}.csr`)], { stdio: 'pipe' });
    return readFileSync(join(dir, `${name}.csr`), 'utf8');
  }

  async function rootPem(id: string): Promise<string> {
    const root = await csms.ca.issuers.get(id);
    return toPem(root.row.certificate, 'CERTIFICATE');
  }

  /** openssl verify of the leaf against the root, with the sub-CAs of the chain as untrusted. */
  function opensslVerify(chainPem: string, root: string): string {
    const certs = pemBlocks(chainPem, 'CERTIFICATE');
    const [leaf, ...subs] = certs;
    writeFileSync(join(dir, 'leaf.pem'), toPem(leaf as Uint8Array, 'CERTIFICATE'));
    writeFileSync(join(dir, 'subs.pem'), subs.map((d) => toPem(d, 'CERTIFICATE')).join(''));
    writeFileSync(join(dir, 'root.pem'), root);
    return execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'subs.pem'), join(dir, 'leaf.pem')], { encoding: 'utf8' });
  }

  const stationIssued = async (): Promise<number> => (await csms.db.query<{ n: string }>(`SELECT count(*) AS n FROM certificates WHERE requested_by LIKE $1`, [`station:${STATION} request:%`])).rows[0]?.n as unknown as number;
  const latestRequest = async () => (await csms.store.signingRequests.listForStation(STATION, 1))[0];
  const until = async (what: () => Promise<boolean>, ms = 10_000): Promise<void> => {
    const end = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plugtrust-sign-'));
    tdb = await createTestDatabase();
    // `plugtrust pki init` before start, with the same data directory and KEK.
    const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
    await migrate(db);
    await createCaService({ store: createStore(db), kek: kekSource({ dataDir: tdb.dataDir, log: silentLogger() }), publicBaseUrl: 'http://unused.invalid', log: silentLogger() }).initLab(LAB);
    await createStore(db).stations.create({ id: STATION, registrationStatus: 'Accepted', securityProfile: 1 });
    await db.close();
    csms = await startSigningCsms(tdb, { now, outboxBackoffBaseMs: 60_000, replacedGraceMs: DAY, renewCheckIntervalMs: 3_600_000 });
  });
  after(async () => {
    for (const c of clients) await c.close({ force: true });
    await csms.stop();
    await tdb.dispose();
  });

  it('issues a ChargingStationCertificate, delivers it leaf first without the root, and openssl verifies it', async () => {
    const signed = certificateSigned();
    const client = await connect({ CertificateSigned: signed.handler });
    const csr = opensslCsr('cs1', `/CN=${STATION}/O=Test CPO`);
    assert.deepEqual(await client.call('SignCertificate', { csr, certificateType: 'ChargingStationCertificate' }), { status: 'Accepted' });
    const payload = await signed.received;
    assert.equal(payload.certificateType, 'ChargingStationCertificate');
    const chain = pemBlocks(payload.certificateChain, 'CERTIFICATE').map(parseCertificate);
    assert.equal(chain.length, 2, 'leaf and CSMS sub-CA, no root');
    assert.equal(nameValue(chain[0]?.subject ?? [], 'CN'), STATION);
    assert.equal(nameValue(chain[0]?.subject ?? [], 'O'), 'Test CPO');
    assert.match(opensslVerify(payload.certificateChain, await rootPem('csms-root')), /leaf\.pem: OK/);
    await until(async () => (await latestRequest())?.state === 'installed');
    const row = await latestRequest();
    assert.equal(row?.stationStatus, 'Accepted');
    await client.close({ force: true });
  });

  it('rejects bad requests with the reason stored, and issues nothing', async () => {
    const client = await connect({});
    const issuedBefore = await stationIssued();
    const cases: [string, string, RegExp][] = [
      ['CN is not the station identity', opensslCsr('other', '/CN=CS-OTHER/O=Test CPO'), /SUBJECT_VALUE_MISMATCH/],
      ['O is not the CPO', opensslCsr('wrong-o', `/CN=${STATION}/O=Evil CPO`), /SUBJECT_VALUE_MISMATCH/],
      ['weak key (RSA 1024)', csrPem(buildCsr({ key: 'rsa1024', subject: [{ type: 'CN', value: STATION }, { type: 'O', value: 'Test CPO' }] })), /KEY_TOO_SMALL/],
      ['garbage', 'this is not a certificate request', /cannot be read/],
    ];
    for (const [name, csr, reason] of cases) {
      const res = (await client.call('SignCertificate', { csr, certificateType: 'ChargingStationCertificate' })) as { status: string; statusInfo?: { reasonCode: string } };
      assert.equal(res.status, 'Rejected', name);
      assert.equal(res.statusInfo?.reasonCode, 'InvalidCSR', name);
      const row = await latestRequest();
      assert.equal(row?.decision, 'Rejected', name);
      assert.equal(row?.state, 'rejected', name);
      assert.match(`${row?.reason ?? ''} ${JSON.stringify(row?.defects)}`, reason, name);
    }
    // A V2GCertificate without a configured SECC ID.
    const v2g = (await client.call('SignCertificate', { csr: opensslCsr('v2g', '/CN=DE*PLG*E1234/O=Test CPO/C=DE/DC=CPO'), certificateType: 'V2GCertificate' })) as { status: string };
    assert.equal(v2g.status, 'Rejected');
    assert.equal(await stationIssued(), issuedBefore, 'nothing issued');
    const out = await csms.db.query('SELECT 1 FROM ocpp_outbox o JOIN certificate_signing_requests r ON r.id = o.signing_request_id WHERE r.decision = $1', ['Rejected']);
    assert.equal(out.rows.length, 0, 'no outbox row for a rejected request');
    await client.close({ force: true });
  });

  it('issues a V2GCertificate for the configured SECC ID under cpo-sub-ca-2, chain without the V2G root', async () => {
    await csms.store.signingRequests.setSeccId(STATION, 'DE*PLG*E1234', new Date());
    const signed = certificateSigned();
    const client = await connect({ CertificateSigned: signed.handler });
    const csr = opensslCsr('secc', '/CN=DE*PLG*E1234/O=Test CPO/C=DE/DC=CPO');
    assert.deepEqual(await client.call('SignCertificate', { csr, certificateType: 'V2GCertificate' }), { status: 'Accepted' });
    const payload = await signed.received;
    assert.equal(payload.certificateType, 'V2GCertificate');
    assert.equal(pemBlocks(payload.certificateChain, 'CERTIFICATE').length, 3, 'SECC leaf, CPO sub-CA 2, CPO sub-CA 1');
    assert.match(opensslVerify(payload.certificateChain, await rootPem('v2g-root')), /OK/);
    await until(async () => (await latestRequest())?.state === 'installed');
    await client.close({ force: true });
  });

  it('without certificateType: issues a ChargingStationCertificate and answers CertificateSigned without certificateType', async () => {
    const signed = certificateSigned();
    const client = await connect({ CertificateSigned: signed.handler });
    assert.deepEqual(await client.call('SignCertificate', { csr: opensslCsr('untyped', `/CN=${STATION}/O=Test CPO`) }), { status: 'Accepted' });
    const payload = await signed.received;
    assert.equal(payload.certificateType, undefined);
    assert.equal((await latestRequest())?.certificateType, 'ChargingStationCertificate');
    await until(async () => (await latestRequest())?.state === 'installed');
    await client.close({ force: true });
  });

  it('revokes the replaced certificate as superseded once the grace period is over', async () => {
    const all = await csms.store.signingRequests.listForStation(STATION, 100);
    const installed = all.filter((r) => r.state === 'installed' && r.certificateType === 'ChargingStationCertificate');
    assert.equal(installed.length, 2);
    const [newest, replaced] = installed as [(typeof installed)[0], (typeof installed)[0]];
    const scheduled = await csms.store.scheduledRevocations.pendingFor([replaced.serial as Uint8Array]);
    assert.equal(scheduled.length, 1);
    await csms.signing.renewal.tick();
    assert.equal((await csms.store.certificates.get(replaced.serial as Uint8Array))?.revokedAt, null, 'still valid inside the grace period');
    offsetMs = DAY + 60_000;
    await csms.signing.renewal.tick();
    const revoked = await csms.store.certificates.get(replaced.serial as Uint8Array);
    assert.equal(revoked?.revocationReason, 'superseded');
    assert.equal((await csms.store.certificates.get(newest.serial as Uint8Array))?.revokedAt, null);
    offsetMs = 0;
  });

  it('revokes the new certificate when the station answers Rejected, and records why', async () => {
    const signed = certificateSigned('Rejected');
    const client = await connect({ CertificateSigned: signed.handler });
    assert.deepEqual(await client.call('SignCertificate', { csr: opensslCsr('refused', `/CN=${STATION}/O=Test CPO`), certificateType: 'ChargingStationCertificate' }), { status: 'Accepted' });
    await signed.received;
    await until(async () => (await latestRequest())?.state === 'station_rejected');
    const row = await latestRequest();
    assert.match(row?.stationReason ?? '', /InvalidCertificate: test says no/);
    const cert = await csms.store.certificates.get(row?.serial as Uint8Array);
    assert.equal(cert?.revocationReason, 'cessationOfOperation');
    await client.close({ force: true });
  });

  it('survives a CSMS restart between the Accepted answer and the delivery', async () => {
    // The station answers the first attempt NotImplemented (no handler), so the CSMS backs off.
    const first = await connect({});
    assert.deepEqual(await first.call('SignCertificate', { csr: opensslCsr('restart', `/CN=${STATION}/O=Test CPO`), certificateType: 'ChargingStationCertificate' }), { status: 'Accepted' });
    const id = (await latestRequest())?.id as string;
    await until(async () => (await csms.db.query<{ attempts: number }>('SELECT attempts FROM ocpp_outbox WHERE signing_request_id = $1', [id])).rows[0]?.attempts === 1);
    const issued = await csms.store.signingRequests.get(id);
    assert.equal(issued?.state, 'issued');
    await first.close({ force: true });
    await csms.stop();

    // Same database, new process; the station reconnects and gets the very same certificate.
    csms = await startSigningCsms(tdb, { now, outboxBackoffBaseMs: 60_000, replacedGraceMs: DAY, renewCheckIntervalMs: 3_600_000 });
    const signed = certificateSigned();
    await connect({ CertificateSigned: signed.handler });
    const payload = await signed.received;
    const leaf = parseCertificate(pemBlocks(payload.certificateChain, 'CERTIFICATE')[0] as Uint8Array);
    assert.equal(Buffer.from(leaf.serial).toString('hex'), Buffer.from(issued?.serial as Uint8Array).toString('hex'));
    await until(async () => (await csms.store.signingRequests.get(id))?.state === 'installed');
    const rows = await csms.db.query<{ n: string }>('SELECT count(*) AS n FROM certificates WHERE identity = $1 AND issued_at IS NOT NULL AND serial = $2', [STATION, Buffer.from(issued?.serial as Uint8Array)]);
    assert.equal(Number(rows.rows[0]?.n), 1);
  });

  it('triggers renewal a configured time before expiry, and follows up only after the interval', async () => {
    const triggers: string[] = [];
    await connect({ TriggerMessage: async (p) => (triggers.push(String(p.requestedMessage)), { status: 'Accepted' }) });
    await csms.signing.renewal.tick();
    assert.deepEqual(triggers, [], 'nothing is due a year ahead');
    // 340 days on: the station certificates (365 days) expire within 30 days; the SECC one (60 days) long before.
    offsetMs = 340 * DAY;
    await csms.signing.renewal.tick();
    assert.deepEqual(triggers.sort(), ['SignChargingStationCertificate', 'SignV2GCertificate']);
    await csms.signing.renewal.tick();
    assert.equal(triggers.length, 2, 'no follow-up inside the interval');
    offsetMs = 341 * DAY + 60_000;
    await csms.signing.renewal.tick();
    assert.equal(triggers.length, 4, 'follow-up after the interval');
    const due = await csms.store.signingRequests.dueForRenewal(new Date(Date.now() + offsetMs + 30 * DAY), STATION);
    assert.ok(due.every((d) => d.triggers === 2 && d.lastStatus === 'Accepted'));
    offsetMs = 0;
  });

  it('a certificate issued by an attempt that died before recording it is revoked, and the retry delivers a new one', async () => {
    const signed = certificateSigned();
    const client = await connect({ CertificateSigned: signed.handler });
    // The first attempt dies between the CA's issuance and step 5 (serial and payload stored).
    const repo = csms.store.signingRequests;
    const markIssued = repo.markIssued.bind(repo);
    let failures = 0;
    repo.markIssued = async (...args) => {
      if (failures++ === 0) throw new Error('the process died here');
      return markIssued(...args);
    };
    try {
      assert.deepEqual(await client.call('SignCertificate', { csr: opensslCsr('orphan', `/CN=${STATION}/O=Test CPO`), certificateType: 'ChargingStationCertificate' }), { status: 'Accepted' });
      const payload = await signed.received;
      await until(async () => (await latestRequest())?.state === 'installed');
      const request = await latestRequest();
      const issued = await csms.store.certificates.list({ identity: STATION, requestedBy: issuedForRequest(STATION, request!.id), limit: 10 });
      assert.equal(issued.length, 2, 'the orphan and the delivered certificate');
      const delivered = issued.find((c) => Buffer.compare(Buffer.from(c.serial), Buffer.from(request!.serial!)) === 0);
      const orphan = issued.find((c) => c !== delivered);
      assert.ok(delivered && orphan);
      assert.equal(delivered.revokedAt, null);
      assert.equal(orphan.revocationReason, 'superseded');
      assert.ok(orphan.revokedAt);
      assert.deepEqual(pemBlocks(payload.certificateChain, 'CERTIFICATE')[0], delivered.der, 'the delivered certificate is the new one');
    } finally {
      repo.markIssued = markIssued;
      await client.close({ force: true });
    }
  });
});
