// EST as `plugtrust start --est-port --est-config` serves it: a lab hierarchy made before start, an
// account whose password hash comes from `plugtrust est hash-password`, and curl + openssl as the
// peer CSMS enrolling an SECC certificate.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import { createCaService } from '../../src/ca/ca-service.js';
import { kekSource } from '../../src/ca/kek-source.js';
import { silentLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore } from '../../src/store/store.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { curl, makeCsr, printCerts, tool } from '../helpers/est-client.js';
import { LAB } from '../helpers/test-ca.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

describe('EST from plugtrust start', () => {
  let tdb: TestDatabase;
  let csms: TestCsms;
  let dir: string;
  let cacert: string;
  const password = 'peer-csms-password-0123456789';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plugtrust-est-start-'));
    tdb = await createTestDatabase();
    const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
    await migrate(db);
    const ca = createCaService({ store: createStore(db), kek: kekSource({ dataDir: tdb.dataDir, log: silentLogger() }), publicBaseUrl: 'http://localhost', log: silentLogger() });
    await ca.initLab(LAB);
    const csmsRoot = await ca.issuers.get('csms-root');
    cacert = join(dir, 'csms-root.pem');
    writeFileSync(cacert, toPem(csmsRoot.row.certificate, 'CERTIFICATE'));
    await db.close();
    const hashed = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'est', 'hash-password'], { input: `${password}\n`, encoding: 'utf8' });
    assert.equal(hashed.status, 0, hashed.stderr);
    const config = join(dir, 'est.json');
    writeFileSync(config, JSON.stringify({ accounts: [{ clientId: 'peer-csms', allowedLabels: ['secc'], auth: { basicPasswordHash: hashed.stdout.trim() } }] }));
    csms = await startTestCsms(['--est-port', '0', '--est-host', '127.0.0.1', '--est-config', config], {}, tdb);
  });
  after(async () => {
    await csms.stop();
    await tdb.dispose();
  });

  it('enrolls an SECC certificate for a peer with the right password, and refuses a wrong one', async () => {
    assert.ok(csms.estPort);
    const base = `https://localhost:${csms.estPort}/.well-known/est`;
    const csr = await makeCsr(dir, 'secc', '/CN=DE-PLG-S-00000000000000000000000000000042/O=Peer CPO/C=DE/DC=CPO');
    const denied = await curl(dir, { url: `${base}/secc/simpleenroll`, cacert, user: 'peer-csms:wrong-password-0123456', dataFile: csr.b64, contentType: 'application/pkcs10' });
    assert.equal(denied.status, 401);
    const res = await curl(dir, { url: `${base}/secc/simpleenroll`, cacert, user: `peer-csms:${password}`, dataFile: csr.b64, contentType: 'application/pkcs10' });
    assert.equal(res.status, 200, res.body);
    const { pemFile } = await printCerts(dir, 'enrolled', res.body);
    const chain = await curl(dir, { url: `${base}/secc/cacerts`, cacert });
    assert.equal(chain.status, 200);
    const cas = await printCerts(dir, 'cacerts', chain.body);
    const root = cas.pems.find((p) => p.includes('BEGIN')) ? join(dir, 'v2g-chain.pem') : '';
    writeFileSync(root, cas.pems.join(''));
    const out = await tool('openssl', ['verify', '-x509_strict', '-CAfile', root, pemFile]);
    assert.match(out, /OK/);
  });
});
