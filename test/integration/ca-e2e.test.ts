// As an operator would, against the running server: a lab hierarchy made before start, a station
// certificate issued over the API from an openssl CSR, then openssl as relying party: the chain
// verifies, OCSP at the AIA URL answers good, revocation over the API makes it answer revoked at
// once, and the CRL at the certificate's distribution point lists it.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeAiaOcspUrls, decodeCrlDistributionUrls } from '../../pki/certificate/extensions.js';
import { findExtension, parseCertificate, pemBlocks, toPem } from '../../pki/certificate/parse-certificate.js';
import { OID } from '../../pki/oids.js';
import { createCaService } from '../../src/ca/ca-service.js';
import { kekSource } from '../../src/ca/kek-source.js';
import { silentLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore } from '../../src/store/store.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { LAB } from '../helpers/test-ca.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

describe('CA end to end (running server, openssl as relying party)', () => {
  let tdb: TestDatabase;
  let csms: TestCsms;
  let token: string;
  let dir: string;
  const api = (path: string, init: RequestInit = {}) => fetch(`${csms.httpUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plugtrust-ca-e2e-'));
    tdb = await createTestDatabase();
    // `plugtrust pki init` before `plugtrust start`, with the same data directory and KEK.
    const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
    await migrate(db);
    const ca = createCaService({ store: createStore(db), kek: kekSource({ dataDir: tdb.dataDir, log: silentLogger() }), publicBaseUrl: 'http://unused.invalid', log: silentLogger() });
    await ca.initLab(LAB);
    await db.close();
    csms = await startTestCsms([], {}, tdb);
    const res = await fetch(`${csms.httpUrl}/api/v1/auth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`operator:${csms.operatorSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await csms.stop();
    await tdb.dispose();
  });

  function csr(cn: string, o = 'Test CPO'): string {
    const key = join(dir, `${cn}.key`);
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-subj', `/CN=${cn}/O=${o}`, '-out', join(dir, `${cn}.csr`)], { stdio: 'pipe' });
    return readFileSync(join(dir, `${cn}.csr`), 'utf8');
  }

  // openssl talks to the server in this very process: it must run asynchronously.
  async function ocsp(leafPem: string, issuerPem: string, rootPem: string, url: string, extra: string[] = []): Promise<string> {
    writeFileSync(join(dir, 'o-leaf.pem'), leafPem);
    writeFileSync(join(dir, 'o-issuer.pem'), issuerPem);
    writeFileSync(join(dir, 'o-root.pem'), rootPem);
    const r = await promisify(execFile)('openssl', ['ocsp', ...extra, '-issuer', join(dir, 'o-issuer.pem'), '-cert', join(dir, 'o-leaf.pem'), '-url', url, '-CAfile', join(dir, 'o-root.pem')], { encoding: 'utf8', timeout: 20_000 });
    return `${r.stdout}${r.stderr}`;
  }

  it('issues, answers OCSP good, revokes, answers revoked at once, and lists it in the CRL', async () => {
    const res = await api('/api/v1/ca/certificates', { method: 'POST', body: JSON.stringify({ issuerId: 'csms-sub-ca', profile: 'charging-station-leaf', csr: csr('CS-E2E'), identity: 'CS-E2E', organization: 'Test CPO' }) });
    assert.equal(res.status, 201, await res.clone().text());
    const issued = (await res.json()) as { serial: string; certificate: string; chain: string };
    const [issuerPem, rootPem] = pemBlocks(issued.chain, 'CERTIFICATE').map((d) => toPem(d, 'CERTIFICATE'));
    writeFileSync(join(dir, 'leaf.pem'), issued.certificate);
    writeFileSync(join(dir, 'sub.pem'), issuerPem!);
    writeFileSync(join(dir, 'root.pem'), rootPem!);
    assert.match(execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'sub.pem'), join(dir, 'leaf.pem')]).toString(), /OK/);

    const cert = parseCertificate(pemBlocks(issued.certificate, 'CERTIFICATE')[0]!);
    const ocspUrl = decodeAiaOcspUrls(findExtension(cert.extensions, OID.authorityInfoAccess)!.value)[0]!;
    const crlUrl = decodeCrlDistributionUrls(findExtension(cert.extensions, OID.cRLDistributionPoints)!.value)[0]!;
    assert.equal(ocspUrl, `http://localhost:${csms.httpPort}/ocsp`);

    let out = await ocsp(issued.certificate, issuerPem!, rootPem!, ocspUrl);
    assert.match(out, /Response verify OK/);
    assert.match(out, /: good/);
    out = await ocsp(issued.certificate, issuerPem!, rootPem!, ocspUrl, ['-sha256', '-no_nonce']);
    assert.match(out, /: good/);

    const revoked = await api(`/api/v1/ca/certificates/${issued.serial}/revoke`, { method: 'POST', body: JSON.stringify({ reason: 'keyCompromise' }) });
    assert.equal(revoked.status, 200);
    out = await ocsp(issued.certificate, issuerPem!, rootPem!, ocspUrl, ['-sha256', '-no_nonce']);
    assert.match(out, /Response verify OK/);
    assert.match(out, /: revoked/);
    assert.match(out, /Reason: keyCompromise/);

    const crl = await fetch(crlUrl);
    assert.equal(crl.status, 200);
    assert.equal(crl.headers.get('content-type'), 'application/pkix-crl');
    writeFileSync(join(dir, 'crl.der'), Buffer.from(await crl.arrayBuffer()));
    const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'crl.der'), '-CAfile', join(dir, 'sub.pem'), '-noout', '-text'], { stdio: 'pipe' }).toString();
    assert.match(text.toUpperCase(), new RegExp(issued.serial.toUpperCase()));
    assert.match(text, /Key Compromise/);
  });

  it('refuses a CSR whose CN is not the identity, naming the defect, and stores nothing', async () => {
    const before = await api('/api/v1/ca/certificates?issuerId=csms-sub-ca&limit=1000');
    const count = ((await before.json()) as { items: unknown[] }).items.length;
    const res = await api('/api/v1/ca/certificates', { method: 'POST', body: JSON.stringify({ issuerId: 'csms-sub-ca', profile: 'charging-station-leaf', csr: csr('CS-OTHER'), identity: 'CS-MINE' }) });
    assert.equal(res.status, 400);
    const problem = (await res.json()) as { code: string; defects: { code: string }[] };
    assert.equal(problem.code, 'csr_rejected');
    assert.ok(problem.defects.some((d) => d.code === 'SUBJECT_VALUE_MISMATCH'));
    const afterRes = await api('/api/v1/ca/certificates?issuerId=csms-sub-ca&limit=1000');
    assert.equal(((await afterRes.json()) as { items: unknown[] }).items.length, count);
    const garbage = await api('/api/v1/ca/certificates', { method: 'POST', body: JSON.stringify({ issuerId: 'csms-sub-ca', profile: 'charging-station-leaf', csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n' }) });
    assert.equal(garbage.status, 400);
    assert.equal(((await garbage.json()) as { code: string }).code, 'csr_rejected');
  });

  it('refuses a profile the CA does not issue, and a root revocation', async () => {
    const res = await api('/api/v1/ca/certificates', { method: 'POST', body: JSON.stringify({ issuerId: 'csms-sub-ca', profile: 'secc-leaf', csr: csr('DE-PLG-S-00000000000000000000000000000009'), identity: 'DE-PLG-S-00000000000000000000000000000009' }) });
    assert.equal(res.status, 400);
    const problem = (await res.json()) as { code: string; defects: { code: string }[] };
    // The SECC profile also wants C and DC: the RA names what the CSR lacks before the CA is asked.
    assert.equal(problem.code, 'csr_rejected');
    const cas = (await (await api('/api/v1/ca/issuers')).json()) as { items: { id: string; certificate: string }[] };
    assert.ok(cas.items.some((c) => c.id === 'v2g-root'));
    const root = parseCertificate(pemBlocks(cas.items.find((c) => c.id === 'csms-root')!.certificate, 'CERTIFICATE')[0]!);
    const r = await api(`/api/v1/ca/certificates/${Buffer.from(root.serial).toString('hex')}/revoke`, { method: 'POST', body: '{}' });
    assert.equal(r.status, 400);
    assert.equal(((await r.json()) as { code: string }).code, 'certificate_request_invalid');
  });

  it('answers revoked at once after `plugtrust pki revoke` in another process (PostgreSQL)', { skip: process.env.DATABASE_URL ? false : 'the embedded database admits one process' }, async () => {
    const res = await api('/api/v1/ca/certificates', { method: 'POST', body: JSON.stringify({ issuerId: 'csms-sub-ca', profile: 'charging-station-leaf', csr: csr('CS-CLI'), identity: 'CS-CLI', organization: 'Test CPO' }) });
    const issued = (await res.json()) as { serial: string; certificate: string; chain: string };
    const [issuerPem, rootPem] = pemBlocks(issued.chain, 'CERTIFICATE').map((d) => toPem(d, 'CERTIFICATE'));
    const url = `${csms.httpUrl}/ocsp`;
    assert.match(await ocsp(issued.certificate, issuerPem!, rootPem!, url, ['-no_nonce']), /: good/);
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'pki', 'revoke', issued.serial, '--reason', 'superseded'], { env: { ...process.env, DATABASE_URL: tdb.databaseUrl, PLUGTRUST_DATA_DIR: tdb.dataDir }, encoding: 'utf8' });
    assert.match(r.stdout, /revoked/);
    let out = '';
    for (let i = 0; i < 50 && !/: revoked/.test(out); i++) {
      out = await ocsp(issued.certificate, issuerPem!, rootPem!, url, ['-no_nonce']);
      if (!/: revoked/.test(out)) await new Promise((done) => setTimeout(done, 100));
    }
    assert.match(out, /: revoked/);
    assert.match(out, /Reason: superseded/);
  });

  it('answers a token without ca:issue with 403', async () => {
    const res = await fetch(`${csms.httpUrl}/api/v1/auth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`operator:${csms.operatorSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=ca%3Aread' });
    const readOnly = ((await res.json()) as { access_token: string }).access_token;
    const denied = await fetch(`${csms.httpUrl}/api/v1/ca/certificates`, { method: 'POST', headers: { authorization: `Bearer ${readOnly}`, 'content-type': 'application/json' }, body: JSON.stringify({ issuerId: 'csms-sub-ca', profile: 'charging-station-leaf', csr: csr('CS-403') }) });
    assert.equal(denied.status, 403);
    const audit = await fetch(`${csms.httpUrl}/api/v1/ca/audit?limit=5`, { headers: { authorization: `Bearer ${readOnly}` } });
    assert.equal(audit.status, 200);
  });
});
