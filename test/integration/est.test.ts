// EST (RFC 7030) against a client that is not ours: curl over real TLS, openssl for the requests,
// the PKCS#7 replies and the path checks. The CA is the lab hierarchy in a real database.
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import { parseCertsOnly } from '../../pki/pkcs7/certs-only.js';
import { hashSecret } from '../../src/api/secret-hash.js';
import { createCaService, type CaService } from '../../src/ca/ca-service.js';
import { createKek, type Kek } from '../../src/ca/key-vault.js';
import { subjectFor } from '../../src/ca/lab-hierarchy.js';
import { DEFAULT_EST_LABELS, estTrustAnchors, type EstAccount } from '../../src/est/est-config.js';
import { startEstServer, type EstServer } from '../../src/est/est-server.js';
import { decodeBody } from '../../src/est/est-wire.js';
import { silentLogger } from '../../src/log.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore, type Store } from '../../src/store/store.js';
import { curl, makeCsr, printCerts, subjectOf, tool, type CurlRequest } from '../helpers/est-client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const PASSWORD = `pw-${randomBytes(6).toString('hex')}`;
const SECC_SUBJ = '/CN=DE*ABC*E123456/O=Test CPO/C=DE/DC=CPO';
const SECC_DN = 'DC=CPO,C=DE,O=Test CPO,CN=DE*ABC*E123456';

let testDb: TestDatabase;
let db: Db;
let store: Store;
let ca: CaService;
let kek: Kek;
let est: EstServer;
let dir: string;
/** PEM files: the CSMS root (the TLS server's anchor), the V2G root, and the SECC issuing chain. */
const files = { serverCa: '', v2gRoot: '', seccChain: '', peerCert: '', peerKey: '', peerChainCert: '' };

const base = (): string => `https://127.0.0.1:${est.port}/.well-known/est`;
const post = (path: string, more: Partial<CurlRequest> & { dataFile: string }): ReturnType<typeof curl> =>
  curl(dir, { url: `${base()}${path}`, cacert: files.serverCa, contentType: 'application/pkcs10', ...more });
const seccCount = async (): Promise<number> => (await store.certificates.list({ profile: 'secc-leaf', limit: 10_000 })).length;

const pemOf = async (issuerId: string): Promise<string> => toPem((await store.caIssuers.get(issuerId))!.certificate, 'CERTIFICATE');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plugtrust-est-'));
  testDb = await createTestDatabase();
  db = await openDb({ dataDir: testDb.dataDir, databaseUrl: testDb.databaseUrl });
  await migrate(db);
  store = createStore(db);
  kek = createKek(randomBytes(32));
  ca = createCaService({ store, kek: () => kek, publicBaseUrl: 'http://127.0.0.1:8080', log: silentLogger() });
  await ca.initLab({ organization: 'Test CPO', country: 'DE', serverNames: { dns: ['localhost'], ip: ['127.0.0.1'] }, requestedBy: 'test' });

  // A peer CSMS that authenticates with a TLS client certificate from our CSMS hierarchy.
  const peer = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const peerCert = await ca.issue({
    issuerId: 'csms-sub-ca',
    profile: 'charging-station-leaf',
    subject: subjectFor('charging-station-leaf', { CN: 'peer-csms-client', O: 'Peer CPO' }),
    publicKey: new Uint8Array(peer.publicKey.export({ format: 'der', type: 'spki' })),
    identity: 'peer-csms-client',
    requestedBy: 'test',
  });
  files.peerKey = join(dir, 'peer.key');
  writeFileSync(files.peerKey, peer.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  files.peerCert = join(dir, 'peer.pem');
  writeFileSync(files.peerCert, toPem(peerCert.der, 'CERTIFICATE'));
  files.peerChainCert = join(dir, 'peer-chain.pem');
  writeFileSync(files.peerChainCert, toPem(peerCert.der, 'CERTIFICATE') + toPem(peerCert.chain[0]!, 'CERTIFICATE'));

  files.serverCa = join(dir, 'csms-root.pem');
  writeFileSync(files.serverCa, await pemOf('csms-root'));
  files.v2gRoot = join(dir, 'v2g-root.pem');
  writeFileSync(files.v2gRoot, await pemOf('v2g-root'));
  files.seccChain = join(dir, 'secc-chain.pem');
  writeFileSync(files.seccChain, (await pemOf('cpo-sub-ca-2')) + (await pemOf('cpo-sub-ca-1')));

  const hash = await hashSecret(PASSWORD);
  const accounts: EstAccount[] = [
    { clientId: 'csms-b', allowedLabels: ['secc', 'cps'], auth: { basicPasswordHash: hash } },
    { clientId: 'mo-only', allowedLabels: ['contract'], auth: { basicPasswordHash: hash } },
    { clientId: 'peer-by-cert', allowedLabels: ['secc'], auth: { certificateSubjectCn: 'peer-csms-client' } },
  ];
  est = await startEstServer({
    ca,
    store,
    kek,
    log: silentLogger(),
    host: '127.0.0.1',
    port: 0,
    labels: DEFAULT_EST_LABELS,
    defaultLabel: 'secc',
    accounts,
    trustAnchors: await estTrustAnchors(store, ['csms-root']),
  });
});

after(async () => {
  await est?.close();
  await db?.close();
  await testDb?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The serial (hex, as we store it) of a PEM certificate. */
const serialOf = async (pemFile: string): Promise<string> => (await tool('openssl', ['x509', '-in', pemFile, '-noout', '-serial'])).trim().replace(/^serial=/, '').toLowerCase();

describe('GET cacerts (RFC 7030 4.1)', () => {
  const cases: [string, string, string[]][] = [
    ['default label', '/cacerts', ['cpo-sub-ca-2', 'cpo-sub-ca-1', 'v2g-root']],
    ['label secc', '/secc/cacerts', ['cpo-sub-ca-2', 'cpo-sub-ca-1', 'v2g-root']],
    ['label cps', '/cps/cacerts', ['cps-sub-ca-2', 'cps-sub-ca-1', 'v2g-root']],
    ['label contract', '/contract/cacerts', ['mo-sub-ca-2', 'mo-sub-ca-1', 'mo-root']],
    ['label oem-prov', '/oem-prov/cacerts', ['oem-sub-ca-2', 'oem-sub-ca-1', 'oem-root']],
  ];
  for (const [name, path, ids] of cases) {
    it(`answers the issuing chain as certs-only PKCS#7, without authentication: ${name}`, async () => {
      const res = await curl(dir, { url: `${base()}${path}`, cacert: files.serverCa });
      assert.equal(res.status, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/pkcs7-mime');
      assert.equal(res.headers['content-transfer-encoding'], 'base64');
      const { pems } = await printCerts(dir, `cacerts-${ids[0]}`, res.body);
      const expected = await Promise.all(ids.map(pemOf));
      assert.deepEqual([...pems].sort(), [...expected].sort());
      // The same bytes through our own parser.
      const ours = parseCertsOnly(decodeBody(res.body)).certificates.map((c) => toPem(c, 'CERTIFICATE'));
      assert.deepEqual(ours.sort(), [...expected].sort());
    });
  }

  it('refuses an unknown label with 404 and a short text', async () => {
    const res = await curl(dir, { url: `${base()}/nope/cacerts`, cacert: files.serverCa });
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
    assert.equal(res.body, 'EST_LABEL_UNKNOWN: unknown EST label\n');
  });

  it('answers operations it does not offer with 404', async () => {
    const res = await curl(dir, { url: `${base()}/secc/csrattrs`, cacert: files.serverCa });
    assert.equal(res.status, 404);
    assert.match(res.body, /^EST_OPERATION_UNKNOWN/);
  });
});

describe('POST simpleenroll (RFC 7030 4.2.1)', () => {
  it('issues an SECC certificate to an account with HTTP Basic, which openssl verifies to the V2G root', async () => {
    const csr = await makeCsr(dir, 'secc1', SECC_SUBJ);
    const res = await post('/secc/simpleenroll', { user: `csms-b:${PASSWORD}`, dataFile: csr.b64 });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pkcs7-mime; smime-type=certs-only');
    assert.equal(res.headers['content-transfer-encoding'], 'base64');
    const { pemFile, pems } = await printCerts(dir, 'secc1', res.body);
    assert.equal(pems.length, 1, 'only the issued certificate (RFC 7030 4.2.3)');
    const verified = await tool('openssl', ['verify', '-CAfile', files.v2gRoot, '-untrusted', files.seccChain, pemFile]);
    assert.equal(verified.trim(), `${pemFile}: OK`);
    assert.equal(await subjectOf(pemFile), SECC_DN);
    // The certificate certifies the requester's key.
    const certKey = await tool('openssl', ['x509', '-in', pemFile, '-noout', '-pubkey']);
    const csrKey = await tool('openssl', ['pkey', '-in', csr.key, '-pubout']);
    assert.equal(certKey, csrKey);
    // It went through the CA's cycle: stored as secc-leaf by cpo-sub-ca-2, audited for the account.
    const serial = await serialOf(pemFile);
    const row = await store.certificates.get(Buffer.from(serial, 'hex'));
    assert.equal(row?.status, 'issued');
    assert.equal(row?.profile, 'secc-leaf');
    assert.equal(row?.issuerId, 'cpo-sub-ca-2');
    assert.equal(row?.requestedBy, 'est:csms-b');
    const audit = await store.caAudit.recent(5, serial);
    assert.ok(audit.some((a) => a.actor === 'est:csms-b' && a.action === 'issue' && a.decision === 'issued'), JSON.stringify(audit));
  });

  it('uses the default label when the URI has none', async () => {
    const csr = await makeCsr(dir, 'secc-default', '/CN=DE*ABC*E777/O=Test CPO/C=DE/DC=CPO');
    const res = await post('/simpleenroll', { user: `csms-b:${PASSWORD}`, dataFile: csr.b64 });
    assert.equal(res.status, 200, res.body);
    const { pemFile } = await printCerts(dir, 'secc-default', res.body);
    await tool('openssl', ['verify', '-CAfile', files.v2gRoot, '-untrusted', files.seccChain, pemFile]);
    assert.equal((await store.certificates.get(Buffer.from(await serialOf(pemFile), 'hex')))?.profile, 'secc-leaf');
  });

  it('issues a CPS certificate under label cps, chained to the CPS sub-CAs', async () => {
    const csr = await makeCsr(dir, 'cps1', '/CN=Test CPS signer/O=Test CPO/C=DE/DC=CPS');
    const res = await post('/cps/simpleenroll', { user: `csms-b:${PASSWORD}`, dataFile: csr.b64 });
    assert.equal(res.status, 200, res.body);
    const { pemFile } = await printCerts(dir, 'cps1', res.body);
    const chain = join(dir, 'cps-chain.pem');
    writeFileSync(chain, (await pemOf('cps-sub-ca-2')) + (await pemOf('cps-sub-ca-1')));
    const verified = await tool('openssl', ['verify', '-CAfile', files.v2gRoot, '-untrusted', chain, pemFile]);
    assert.equal(verified.trim(), `${pemFile}: OK`);
  });

  it('issues to an account that authenticates with a TLS client certificate (leaf only, chain completed by us)', async () => {
    const csr = await makeCsr(dir, 'secc-by-cert', '/CN=DE*ABC*E424242/O=Test CPO/C=DE/DC=CPO');
    const res = await post('/secc/simpleenroll', { cert: files.peerCert, key: files.peerKey, dataFile: csr.b64 });
    assert.equal(res.status, 200, res.body);
    const { pemFile } = await printCerts(dir, 'secc-by-cert', res.body);
    const row = await store.certificates.get(Buffer.from(await serialOf(pemFile), 'hex'));
    assert.equal(row?.requestedBy, 'est:peer-by-cert');
  });

  it('accepts the client certificate sent with its chain', async () => {
    const csr = await makeCsr(dir, 'secc-by-chain', '/CN=DE*ABC*E434343/O=Test CPO/C=DE/DC=CPO');
    const res = await post('/secc/simpleenroll', { cert: files.peerChainCert, key: files.peerKey, dataFile: csr.b64 });
    assert.equal(res.status, 200, res.body);
  });
});

describe('simpleenroll refusals: nothing is issued, a short text explains', () => {
  let good = '';
  before(async () => {
    good = (await makeCsr(dir, 'refusal-good', '/CN=DE*ABC*E999/O=Test CPO/C=DE/DC=CPO')).b64;
  });

  const cases: [string, () => Promise<Partial<CurlRequest> & { dataFile: string; path?: string }>, number, RegExp][] = [
    ['no_credentials', async () => ({ dataFile: good }), 401, /^EST_AUTH_REQUIRED/],
    ['wrong_password', async () => ({ user: 'csms-b:not-the-password', dataFile: good }), 401, /^EST_AUTH_FAILED/],
    ['unknown_user', async () => ({ user: `nobody:${PASSWORD}`, dataFile: good }), 401, /^EST_AUTH_FAILED/],
    ['label_not_allowed', async () => ({ user: `mo-only:${PASSWORD}`, dataFile: good }), 403, /^EST_FORBIDDEN/],
    ['label_not_allowed_for_cert_account', async () => ({ path: '/cps/simpleenroll', cert: files.peerCert, key: files.peerKey, dataFile: good }), 403, /^EST_FORBIDDEN/],
    ['unknown_label', async () => ({ path: '/nope/simpleenroll', user: `csms-b:${PASSWORD}`, dataFile: good }), 404, /^EST_LABEL_UNKNOWN/],
    ['rsa_key', async () => ({ user: `csms-b:${PASSWORD}`, dataFile: (await makeCsr(dir, 'rsa', SECC_SUBJ, 'rsa2048')).b64 }), 400, /^EST_CSR_REJECTED: certification request rejected: KEY_TYPE_NOT_ALLOWED\n$/],
    ['p384_key', async () => ({ user: `csms-b:${PASSWORD}`, dataFile: (await makeCsr(dir, 'p384', SECC_SUBJ, 'p384')).b64 }), 400, /^EST_CSR_REJECTED: .*CURVE_NOT_ALLOWED/],
    ['secc_id_syntax', async () => ({ user: `csms-b:${PASSWORD}`, dataFile: (await makeCsr(dir, 'badcn', '/CN=SECC_Cert/O=Test CPO/C=DE/DC=CPO')).b64 }), 400, /^EST_CSR_REJECTED: .*SUBJECT_PATTERN_MISMATCH/],
    ['wrong_dc', async () => ({ user: `csms-b:${PASSWORD}`, dataFile: (await makeCsr(dir, 'baddc', '/CN=DE*ABC*E999/O=Test CPO/C=DE/DC=MO')).b64 }), 400, /^EST_CSR_REJECTED: .*SUBJECT_VALUE_MISMATCH/],
    ['not_base64', async () => ({ user: `csms-b:${PASSWORD}`, dataFile: writeTemp('garbage.b64', '%%% not base64 %%%') }), 400, /^EST_BAD_REQUEST/],
    ['base64_of_garbage', async () => ({ user: `csms-b:${PASSWORD}`, dataFile: writeTemp('junk.b64', Buffer.from('hello world').toString('base64')) }), 400, /^EST_BAD_REQUEST: .*MALFORMED_DER/],
    ['empty_body', async () => ({ user: `csms-b:${PASSWORD}`, dataFile: writeTemp('empty.b64', '') }), 400, /^EST_BAD_REQUEST/],
    ['wrong_content_type', async () => ({ user: `csms-b:${PASSWORD}`, dataFile: good, contentType: 'application/json' }), 415, /^EST_UNSUPPORTED_MEDIA_TYPE/],
    ['body_too_large', async () => ({ user: `csms-b:${PASSWORD}`, dataFile: writeTemp('large.b64', 'A'.repeat(100_000)) }), 413, /^EST_BAD_REQUEST: request body too large/],
  ];
  for (const [name, make, status, body] of cases) {
    it(`refuses ${name} with ${status}`, async () => {
      const before = await seccCount();
      const { path, ...req } = await make();
      const res = await post(path ?? '/secc/simpleenroll', req);
      assert.equal(res.status, status, res.body);
      assert.match(res.headers['content-type'] ?? '', /^text\/plain/);
      assert.match(res.body, body);
      assert.ok(res.body.length < 300 && !/\bat .*\.ts:\d+/.test(res.body), 'a short line, never a stack trace');
      if (status === 401) assert.match(res.headers['www-authenticate'] ?? '', /^Basic realm=/);
      assert.equal(await seccCount(), before, 'nothing reserved or issued');
    });
  }
});

describe('POST simplereenroll (RFC 7030 4.2.2)', () => {
  const current = { cert: '', key: '' };
  before(async () => {
    const csr = await makeCsr(dir, 'renew-me', SECC_SUBJ);
    const res = await post('/secc/simpleenroll', { user: `csms-b:${PASSWORD}`, dataFile: csr.b64 });
    assert.equal(res.status, 200, res.body);
    current.cert = (await printCerts(dir, 'renew-me', res.body)).pemFile;
    current.key = csr.key;
  });

  it('renews with the current certificate as TLS client certificate: same subject, new key, new serial', async () => {
    const csr = await makeCsr(dir, 'renewed', SECC_SUBJ);
    const res = await post('/secc/simplereenroll', { cert: current.cert, key: current.key, dataFile: csr.b64 });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/pkcs7-mime; smime-type=certs-only');
    const { pemFile, pems } = await printCerts(dir, 'renewed', res.body);
    assert.equal(pems.length, 1);
    const verified = await tool('openssl', ['verify', '-CAfile', files.v2gRoot, '-untrusted', files.seccChain, pemFile]);
    assert.equal(verified.trim(), `${pemFile}: OK`);
    assert.equal(await subjectOf(pemFile), await subjectOf(current.cert));
    assert.notEqual(await serialOf(pemFile), await serialOf(current.cert));
    assert.equal(await tool('openssl', ['x509', '-in', pemFile, '-noout', '-pubkey']), await tool('openssl', ['pkey', '-in', csr.key, '-pubout']));
    // The account that enrolled the certificate renews it.
    const row = await store.certificates.get(Buffer.from(await serialOf(pemFile), 'hex'));
    assert.equal(row?.requestedBy, 'est:csms-b');
  });

  it('renews with the same key (rekey is not required)', async () => {
    const csr = await makeCsr(dir, 'renewed-same-key', SECC_SUBJ, 'p256', current.key);
    const res = await post('/secc/simplereenroll', { cert: current.cert, key: current.key, dataFile: csr.b64 });
    assert.equal(res.status, 200, res.body);
  });

  it('refuses a request whose subject differs from the certificate renewed', async () => {
    const before = await seccCount();
    const otherCn = await makeCsr(dir, 'renew-other-cn', '/CN=DE*ABC*E654321/O=Test CPO/C=DE/DC=CPO');
    const res1 = await post('/secc/simplereenroll', { cert: current.cert, key: current.key, dataFile: otherCn.b64 });
    assert.equal(res1.status, 400, res1.body);
    assert.match(res1.body, /^EST_CSR_REJECTED: .*SUBJECT_VALUE_MISMATCH/);
    const otherC = await makeCsr(dir, 'renew-other-c', '/CN=DE*ABC*E123456/O=Test CPO/C=FR/DC=CPO');
    const res2 = await post('/secc/simplereenroll', { cert: current.cert, key: current.key, dataFile: otherC.b64 });
    assert.equal(res2.status, 400, res2.body);
    assert.match(res2.body, /^EST_SUBJECT_MISMATCH/);
    assert.equal(await seccCount(), before);
  });

  it('renews a certificate not enrolled over EST only for an account that authenticates with Basic', async () => {
    // The lab SECC certificate: issued by initLab (requestedBy test), its key held by us.
    const service = (await store.caServiceKeys.get('lab:secc-leaf'))!;
    const stored = (await store.caKeys.get(service.keyId))!;
    const pkcs8 = kek.decrypt(service.keyId, stored.encrypted!);
    const key = writeTemp('lab-secc.key', createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString());
    const certDer = (await store.certificates.get(service.serial))!.der!;
    const cert = writeTemp('lab-secc.pem', toPem(certDer, 'CERTIFICATE'));
    const subj = `/${(await subjectOf(cert)).split(',').reverse().join('/')}`;
    const csr = await makeCsr(dir, 'renew-lab', subj);
    const withoutAccount = await post('/secc/simplereenroll', { cert, key, dataFile: csr.b64 });
    assert.equal(withoutAccount.status, 403, withoutAccount.body);
    const notAllowed = await post('/secc/simplereenroll', { cert, key, user: `mo-only:${PASSWORD}`, dataFile: csr.b64 });
    assert.equal(notAllowed.status, 403, notAllowed.body);
    const wrongPassword = await post('/secc/simplereenroll', { cert, key, user: 'csms-b:nope', dataFile: csr.b64 });
    assert.equal(wrongPassword.status, 401, wrongPassword.body);
    const ok = await post('/secc/simplereenroll', { cert, key, user: `csms-b:${PASSWORD}`, dataFile: csr.b64 });
    assert.equal(ok.status, 200, ok.body);
    const { pemFile } = await printCerts(dir, 'renewed-lab', ok.body);
    assert.equal(await subjectOf(pemFile), await subjectOf(cert));
    assert.equal((await store.certificates.get(Buffer.from(await serialOf(pemFile), 'hex')))?.requestedBy, 'est:csms-b');
  });

  it('refuses without a client certificate, even with a valid password', async () => {
    const csr = await makeCsr(dir, 'renew-basic-only', SECC_SUBJ);
    const res = await post('/secc/simplereenroll', { user: `csms-b:${PASSWORD}`, dataFile: csr.b64 });
    assert.equal(res.status, 401, res.body);
    assert.match(res.body, /^EST_AUTH_REQUIRED/);
  });

  it('refuses a foreign certificate with the same subject (self-signed by openssl)', async () => {
    const key = join(dir, 'foreign.key');
    const cert = join(dir, 'foreign.pem');
    await tool('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', SECC_SUBJ, '-days', '30', '-keyout', key, '-out', cert]);
    const csr = await makeCsr(dir, 'renew-foreign', SECC_SUBJ);
    const res = await post('/secc/simplereenroll', { cert, key, dataFile: csr.b64 });
    assert.equal(res.status, 401, res.body);
    assert.match(res.body, /^EST_CLIENT_CERT_INVALID/);
  });

  it('refuses a certificate of ours issued under another label', async () => {
    const cpsCsr = await makeCsr(dir, 'cps-renew', '/CN=Test CPS two/O=Test CPO/C=DE/DC=CPS');
    const issued = await post('/cps/simpleenroll', { user: `csms-b:${PASSWORD}`, dataFile: cpsCsr.b64 });
    assert.equal(issued.status, 200, issued.body);
    const cpsCert = (await printCerts(dir, 'cps-renew', issued.body)).pemFile;
    const csr = await makeCsr(dir, 'renew-cross', '/CN=Test CPS two/O=Test CPO/C=DE/DC=CPS');
    const res = await post('/secc/simplereenroll', { cert: cpsCert, key: cpsCsr.key, dataFile: csr.b64 });
    assert.equal(res.status, 403, res.body);
    assert.match(res.body, /^EST_FORBIDDEN/);
  });

  it('refuses a revoked certificate', async () => {
    const csr0 = await makeCsr(dir, 'to-revoke', '/CN=DE*ABC*E555/O=Test CPO/C=DE/DC=CPO');
    const issued = await post('/secc/simpleenroll', { user: `csms-b:${PASSWORD}`, dataFile: csr0.b64 });
    assert.equal(issued.status, 200, issued.body);
    const cert = (await printCerts(dir, 'to-revoke', issued.body)).pemFile;
    const csr = await makeCsr(dir, 'renew-revoked', '/CN=DE*ABC*E555/O=Test CPO/C=DE/DC=CPO');
    // Renewable before revocation: the refusal below is revocation's doing.
    const ok = await post('/secc/simplereenroll', { cert, key: csr0.key, dataFile: csr.b64 });
    assert.equal(ok.status, 200, ok.body);
    await ca.revoke({ serial: await serialOf(cert), reason: 'keyCompromise', requestedBy: 'test' });
    const before = await seccCount();
    const res = await post('/secc/simplereenroll', { cert, key: csr0.key, dataFile: csr.b64 });
    assert.equal(res.status, 401, res.body);
    assert.match(res.body, /^EST_CLIENT_CERT_INVALID/);
    assert.equal(await seccCount(), before);
  });

  it('refuses a revoked client certificate for simpleenroll too', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const issued = await ca.issue({
      issuerId: 'csms-sub-ca',
      profile: 'charging-station-leaf',
      subject: subjectFor('charging-station-leaf', { CN: 'peer-csms-client', O: 'Peer CPO' }),
      publicKey: new Uint8Array(key.publicKey.export({ format: 'der', type: 'spki' })),
      identity: 'peer-csms-client',
      requestedBy: 'test',
    });
    await ca.revoke({ serial: issued.serial, reason: 'superseded', requestedBy: 'test' });
    const certFile = writeTemp('revoked-peer.pem', toPem(issued.der, 'CERTIFICATE'));
    const keyFile = writeTemp('revoked-peer.key', key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const csr = await makeCsr(dir, 'by-revoked-peer', '/CN=DE*ABC*E565656/O=Test CPO/C=DE/DC=CPO');
    const res = await post('/secc/simpleenroll', { cert: certFile, key: keyFile, dataFile: csr.b64 });
    assert.equal(res.status, 401, res.body);
    assert.match(res.body, /^EST_CLIENT_CERT_INVALID/);
  });
});

function writeTemp(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
