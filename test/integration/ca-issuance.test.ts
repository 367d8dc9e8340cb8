// The CA service end to end on a real database: the lab hierarchy verified by openssl and
// certtool, the issuance cycle's storage states, lint refusals that never reach the signer, keys
// encrypted at rest, revocation, and the audit chain (tampering found by `plugtrust audit verify`).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import type { Signer } from '../../pki/signer.js';
import { CaError } from '../../src/ca/ca-error.js';
import { createKek } from '../../src/ca/key-vault.js';
import { subjectFor } from '../../src/ca/lab-hierarchy.js';
import { generateKey, softwareSigner } from '../../src/ca/software-signer.js';
import { createCaService } from '../../src/ca/ca-service.js';
import { silentLogger } from '../../src/log.js';
import { LAB, openTestCa, type TestCaService } from '../helpers/test-ca.js';

const pemChain = (ders: Uint8Array[]): string => ders.map((d) => toPem(d, 'CERTIFICATE')).join('');

describe('CA service', () => {
  let t: TestCaService;
  let dir: string;
  before(async () => {
    t = await openTestCa();
    dir = mkdtempSync(join(tmpdir(), 'plugtrust-ca-'));
    await t.ca.initLab(LAB);
  });
  after(async () => t.close());

  function opensslVerify(leaf: Uint8Array, chain: Uint8Array[], at?: Date): string {
    const root = chain[chain.length - 1]!;
    writeFileSync(join(dir, 'root.pem'), toPem(root, 'CERTIFICATE'));
    writeFileSync(join(dir, 'untrusted.pem'), pemChain(chain.slice(0, -1)));
    writeFileSync(join(dir, 'leaf.pem'), toPem(leaf, 'CERTIFICATE'));
    const args = ['verify', '-x509_strict', '-CAfile', join(dir, 'root.pem'), ...(at ? ['-attime', String(Math.floor(at.getTime() / 1000))] : [])];
    if (chain.length > 1) args.push('-untrusted', join(dir, 'untrusted.pem'));
    const r = spawnSync('openssl', [...args, join(dir, 'leaf.pem')]);
    return `${r.stdout.toString()}${r.stderr.toString()}`.trim();
  }

  it('issues station certificates whose chains openssl and certtool verify', async () => {
    const key = generateKey({ kind: 'ec', curve: 'P-256' });
    const issued = await t.ca.issue({ issuerId: 'csms-sub-ca', profile: 'charging-station-leaf', subject: subjectFor('charging-station-leaf', { CN: 'CS-0001', O: 'Test CPO' }), publicKey: key.publicKey, identity: 'CS-0001', requestedBy: 'test' });
    assert.match(opensslVerify(issued.der, issued.chain), /: OK$/);
    writeFileSync(join(dir, 'full.pem'), pemChain([issued.der, ...issued.chain]));
    assert.match(execFileSync('certtool', ['--verify-chain', '--infile', join(dir, 'full.pem')]).toString(), /Chain verification output: Verified/);
    const row = await t.store.certificates.get(Buffer.from(issued.serial, 'hex'));
    assert.equal(row?.status, 'issued');
    assert.equal(row?.identity, 'CS-0001');
    assert.ok(issued.serial.length >= 18, 'at least 64 random bits');
  });

  it('verifies every CA and service certificate of the lab hierarchy with openssl', async () => {
    for (const issuer of await t.ca.issuers.list()) {
      assert.match(opensslVerify(issuer.row.certificate, issuer.chain.slice(1).length ? issuer.chain.slice(1) : [issuer.row.certificate]), /: OK$/, issuer.row.id);
      if (issuer.row.ocspCertificate) assert.match(opensslVerify(issuer.row.ocspCertificate, issuer.chain), /: OK$/, `${issuer.row.id} OCSP signer`);
    }
    for (const purpose of ['cps-signer', 'firmware-signer', 'csms-tls-server', 'lab:secc-leaf', 'lab:oem-provisioning-leaf']) {
      const s = await t.ca.serviceSigner(purpose);
      assert.ok(s, purpose);
      assert.match(opensslVerify(s.certificate, s.chain), /: OK$/, purpose);
    }
  });

  it('issues 300 concurrent certificates with distinct serials, each stored issued', async () => {
    const key = generateKey({ kind: 'ec', curve: 'P-256' });
    const all = await Promise.all(
      Array.from({ length: 300 }, (_, i) => t.ca.issue({ issuerId: 'cpo-sub-ca-2', profile: 'secc-leaf', subject: subjectFor('secc-leaf', { CN: `DE-PLG-S-${String(i).padStart(32, '0')}`, O: 'Test CPO', C: 'DE' }), publicKey: key.publicKey, identity: `secc-${i}`, requestedBy: 'test' })),
    );
    assert.equal(new Set(all.map((c) => c.serial)).size, 300);
    const rows = await t.store.certificates.list({ issuerId: 'cpo-sub-ca-2', profile: 'secc-leaf', status: 'issued', limit: 1000 });
    assert.ok(rows.length >= 300);
  });

  it('stops a lint failure before any signature: the serial is failed and the refusal audited', async () => {
    // An imported sub-CA whose key sits behind a spy Signer (the HSM seam).
    const spyKey = generateKey({ kind: 'ec', curve: 'P-256' });
    const real = softwareSigner(spyKey.privateKey);
    let signatures = 0;
    const spy: Signer = { algorithm: real.algorithm, publicKey: real.publicKey, sign: (d) => (signatures++, real.sign(d)) };
    const t2 = createCaService({ store: t.store, kek: () => t.kek, publicBaseUrl: 'http://127.0.0.1:8080', log: silentLogger(), externalSigners: new Map([['spy-hsm', spy]]) });
    const subCert = await t.ca.issue({ issuerId: 'csms-root', profile: 'csms-sub-ca', subject: subjectFor('csms-sub-ca', { CN: 'Spy Sub-CA', O: 'Test CPO', C: 'DE' }), publicKey: spyKey.publicKey, requestedBy: 'test' });
    await t2.importCa({ id: 'spy-sub-ca', profile: 'csms-sub-ca', certificate: subCert.der, parentId: 'csms-root', external: { ref: 'spy-hsm', signer: spy }, requestedBy: 'test' });
    const afterImport = signatures; // the import's proof of possession signs once
    const key = generateKey({ kind: 'ec', curve: 'P-256' });
    await assert.rejects(
      t2.issue({ issuerId: 'spy-sub-ca', profile: 'charging-station-leaf', subject: subjectFor('charging-station-leaf', { CN: 'https://not.a.station.example.com', O: 'Test CPO' }), publicKey: key.publicKey, requestedBy: 'test' }),
      (e: unknown) => e instanceof CaError && e.code === 'CA_LINT_FAILED' && (e.details ?? []).some((d) => d.code === 'SUBJECT'),
    );
    assert.equal(signatures, afterImport, 'the signer was never called');
    const refused = (await t.store.caAudit.recent(5)).find((r) => r.decision === 'refused');
    assert.ok(refused?.serial);
    assert.equal((await t.store.certificates.get(Buffer.from(refused.serial, 'hex')))?.status, 'failed');
    const ok = await t2.issue({ issuerId: 'spy-sub-ca', profile: 'charging-station-leaf', subject: subjectFor('charging-station-leaf', { CN: 'CS-SPY', O: 'Test CPO' }), publicKey: key.publicKey, requestedBy: 'test' });
    assert.equal(signatures, afterImport + 1);
    assert.match(opensslVerify(ok.der, ok.chain), /: OK$/);
  });

  it('refuses a profile the issuer does not issue, and a CA it does not know', async () => {
    const key = generateKey({ kind: 'ec', curve: 'P-256' });
    await assert.rejects(t.ca.issue({ issuerId: 'mo-sub-ca-2', profile: 'secc-leaf', subject: [], publicKey: key.publicKey, requestedBy: 'test' }), (e: unknown) => e instanceof CaError && e.code === 'CA_PROFILE_MISMATCH');
    await assert.rejects(t.ca.issue({ issuerId: 'nope', profile: 'secc-leaf', subject: [], publicKey: key.publicKey, requestedBy: 'test' }), (e: unknown) => e instanceof CaError && e.code === 'CA_ISSUER_UNKNOWN');
  });

  it('knows when a key is already certified for another identity', async () => {
    const key = generateKey({ kind: 'ec', curve: 'P-256' });
    await t.ca.issue({ issuerId: 'csms-sub-ca', profile: 'charging-station-leaf', subject: subjectFor('charging-station-leaf', { CN: 'CS-K1', O: 'Test CPO' }), publicKey: key.publicKey, identity: 'CS-K1', requestedBy: 'test' });
    assert.equal(await t.ca.keyCertifiedForOther(key.publicKey, 'CS-K1'), false);
    assert.equal(await t.ca.keyCertifiedForOther(key.publicKey, 'CS-K2'), true);
  });

  it('keeps CA keys only encrypted: no private scalar appears in the database, and another KEK cannot load them', async () => {
    const { rows } = await t.db.query<{ id: string; ciphertext: Buffer }>('SELECT id, ciphertext FROM ca_keys WHERE ciphertext IS NOT NULL');
    assert.ok(rows.length > 10);
    const dump = Buffer.concat((await t.db.query<{ row: string }>('SELECT row_to_json(k)::text AS row FROM ca_keys k')).rows.map((r) => Buffer.from(r.row)));
    const signer = await t.ca.issuers.signer('v2g-root');
    const issuerRow = await t.store.caIssuers.get('v2g-root');
    const stored = await t.store.caKeys.get(issuerRow!.keyId!);
    const pkcs8 = t.kek.decrypt(stored!.id, stored!.encrypted!);
    const scalar = pkcs8.subarray(pkcs8.indexOf(Buffer.from([0x04, 0x20])) + 2, pkcs8.indexOf(Buffer.from([0x04, 0x20])) + 34);
    assert.equal(dump.indexOf(scalar.toString('hex')), -1);
    assert.equal(dump.indexOf(scalar), -1);
    assert.ok(signer.publicKey.length > 0);
    const other = createCaService({ store: t.store, kek: () => createKek(randomBytes(32)), publicBaseUrl: 'http://x', log: silentLogger() });
    await assert.rejects(other.issuers.signer('v2g-root'), (e: unknown) => e instanceof CaError && e.code === 'CA_KEK_MISMATCH');
    // A ciphertext moved to another key's row does not decrypt (the key id is authenticated).
    const [a, b] = rows;
    assert.throws(() => t.kek.decrypt(b!.id, { ...stored!.encrypted!, ciphertext: a!.ciphertext }), (e: unknown) => e instanceof CaError);
  });

  it('revokes once, keeps the first reason, and audits both attempts', async () => {
    const key = generateKey({ kind: 'ec', curve: 'P-256' });
    const c = await t.ca.issue({ issuerId: 'csms-sub-ca', profile: 'charging-station-leaf', subject: subjectFor('charging-station-leaf', { CN: 'CS-R', O: 'Test CPO' }), publicKey: key.publicKey, requestedBy: 'test' });
    const seen: string[] = [];
    t.ca.onRevoked((r) => void seen.push(r.serial));
    const first = await t.ca.revoke({ serial: c.serial, reason: 'keyCompromise', requestedBy: 'test' });
    const again = await t.ca.revoke({ serial: c.serial, reason: 'superseded', requestedBy: 'test' });
    assert.equal(first.changed, true);
    assert.equal(again.changed, false);
    assert.equal(again.reason, 'keyCompromise');
    assert.deepEqual(seen, [c.serial, c.serial]);
    assert.deepEqual((await t.store.caAudit.recent(10, c.serial)).map((r) => r.decision), ['already-revoked', 'revoked', 'issued']);
    await assert.rejects(t.ca.revoke({ serial: 'ab'.repeat(16), reason: 'unspecified', requestedBy: 'test' }), (e: unknown) => e instanceof CaError && e.code === 'CA_CERTIFICATE_UNKNOWN');
    await assert.rejects(t.ca.revoke({ serial: c.serial, reason: 'certificateHold' as never, requestedBy: 'test' }), (e: unknown) => e instanceof CaError && e.code === 'CA_REQUEST_INVALID');
  });

  it('imports an existing CA only with its own key and a valid parent signature', async () => {
    const key = generateKey({ kind: 'ec', curve: 'P-256' });
    const cert = await t.ca.issue({ issuerId: 'v2g-root', profile: 'cpo-sub-ca-1', subject: subjectFor('cpo-sub-ca-1', { CN: 'Commercial CPO Sub-CA 1', O: 'Other', C: 'DE' }), publicKey: key.publicKey, requestedBy: 'test' });
    const wrongKey = generateKey({ kind: 'ec', curve: 'P-256' });
    await assert.rejects(t.ca.importCa({ id: 'imported-bad', profile: 'cpo-sub-ca-1', certificate: cert.der, parentId: 'v2g-root', privateKey: wrongKey.privateKey, requestedBy: 'test' }), (e: unknown) => e instanceof CaError && e.code === 'CA_IMPORT_INVALID' && (e.details ?? []).some((d) => d.code === 'KEY_MISMATCH'));
    await assert.rejects(t.ca.importCa({ id: 'imported-bad', profile: 'cpo-sub-ca-1', certificate: cert.der, parentId: 'mo-root', privateKey: key.privateKey, requestedBy: 'test' }), (e: unknown) => e instanceof CaError && (e.details ?? []).some((d) => d.code === 'PARENT'));
    await t.ca.importCa({ id: 'imported-cpo-1', profile: 'cpo-sub-ca-1', certificate: cert.der, parentId: 'v2g-root', privateKey: key.privateKey, requestedBy: 'test' });
    const sub2 = await t.ca.createSubCa({ id: 'imported-cpo-2', parentId: 'imported-cpo-1', profile: 'cpo-sub-ca-2', subject: subjectFor('cpo-sub-ca-2', { CN: 'Under import', O: 'Other', C: 'DE' }), requestedBy: 'test' });
    assert.match(opensslVerify(sub2.der, sub2.chain), /: OK$/);
    assert.equal(await t.store.caIssuers.get('imported-bad'), null, 'a refused import stores nothing');
  });

  it('renews the 1-day TLS server certificate with a third of its life left, keeping its names', async () => {
    assert.equal(await t.ca.renewServiceKey('csms-tls-server'), false, 'fresh: nothing to do');
    const before = await t.ca.serviceSigner('csms-tls-server');
    const later = createCaService({ store: t.store, kek: () => t.kek, publicBaseUrl: 'http://127.0.0.1:8080', log: silentLogger(), now: () => new Date(Date.now() + 20 * 3_600_000) });
    assert.equal(await later.renewServiceKey('csms-tls-server'), true);
    const after = await t.ca.serviceSigner('csms-tls-server');
    assert.ok(before && after);
    assert.notDeepEqual(after.signer.publicKey, before.signer.publicKey, 'a fresh key');
    const text = execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-subject', '-ext', 'subjectAltName'], { input: after.certificate }).toString();
    assert.match(text, /CN ?= ?localhost/);
    assert.match(text, /DNS:localhost, IP Address:127\.0\.0\.1/);
    assert.match(opensslVerify(after.certificate, after.chain, new Date(Date.now() + 21 * 3_600_000)), /: OK$/);
  });

  it('chains every audit record: `plugtrust audit verify` passes, then names an edited and a removed record', async () => {
    const env = { ...process.env, PLUGTRUST_DATA_DIR: t.tdb.dataDir, ...(t.tdb.databaseUrl ? { DATABASE_URL: t.tdb.databaseUrl } : {}) };
    const cli = (): { code: number | null; out: string } => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'audit', 'verify'], { env, encoding: 'utf8' });
      return { code: r.status, out: `${r.stdout}${r.stderr}` };
    };
    if (!t.tdb.databaseUrl) await t.db.close(); // the embedded database admits one process at a time
    let r = cli();
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /audit log intact: \d+ records/);
    if (!t.tdb.databaseUrl) {
      // Reopen for the tampering below.
      const reopened = await openTestCaAt(t);
      t = reopened;
    }
    const count = Number((await t.db.query<{ n: string }>('SELECT count(*) AS n FROM ca_audit_log')).rows[0]!.n);
    await t.db.query(`UPDATE ca_audit_log SET decision = 'refused' WHERE seq = 5`);
    if (!t.tdb.databaseUrl) await t.db.close();
    r = cli();
    assert.equal(r.code, 1);
    assert.match(r.out, /record 5 was edited/);
    if (!t.tdb.databaseUrl) t = await openTestCaAt(t);
    await t.db.query(`UPDATE ca_audit_log SET decision = 'issued' WHERE seq = 5`);
    await t.db.query(`DELETE FROM ca_audit_log WHERE seq = 7`);
    if (!t.tdb.databaseUrl) await t.db.close();
    r = cli();
    assert.equal(r.code, 1);
    assert.match(r.out, /record 7 is missing/);
    assert.ok(count > 40);
    if (!t.tdb.databaseUrl) t = await openTestCaAt(t);
  });
});

/** Reopens the same database after a CLI process used it (embedded mode). */
async function openTestCaAt(t: TestCaService): Promise<TestCaService> {
  const { openDb } = await import('../../src/store/db.js');
  const { createStore } = await import('../../src/store/store.js');
  const db = await openDb({ dataDir: t.tdb.dataDir, databaseUrl: t.tdb.databaseUrl });
  const store = createStore(db);
  return { ...t, db, store, ca: createCaService({ store, kek: () => t.kek, publicBaseUrl: 'http://127.0.0.1:8080', log: silentLogger() }), close: async () => { await db.close(); await t.tdb.dispose(); } };
}
