// `plugtrust pki` as an operator runs it: init builds the lab hierarchy once, export writes PEM
// files that openssl verifies, issue takes an openssl CSR, list/show/revoke report what happened,
// and bad input gets a precise message with nothing stored.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

describe('plugtrust pki', () => {
  let tdb: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env, timeout: 120_000 });

  before(async () => {
    tdb = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'plugtrust-cli-pki-'));
    writeFileSync(join(dir, 'kek'), `${'ab'.repeat(32)}\n`);
    env = { ...process.env, PLUGTRUST_DATA_DIR: tdb.dataDir, PLUGTRUST_CA_KEK_FILE: join(dir, 'kek'), PLUGTRUST_PUBLIC_URL: 'https://pki.example.com', ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}) };
  });
  after(async () => tdb.dispose());

  it('init builds the hierarchy once and export writes what openssl verifies', () => {
    const init = run(['pki', 'init', '--organization', 'CLI CPO', '--country', 'NL', '--server-name', 'csms.example.com']);
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /Created the lab hierarchy \(31 items\)/);
    assert.match(init.stdout, /cpo-sub-ca-2 +cpo-sub-ca-2 +CN=CLI CPO CPO Sub-CA 2, O=CLI CPO, C=NL, DC=V2G/);
    const again = run(['pki', 'init']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already holds 13 CA/);

    const out = join(dir, 'export');
    const exp = run(['pki', 'export', out]);
    assert.equal(exp.status, 0, exp.stderr);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { lab: boolean; files: { file: string; sha256?: string }[] };
    assert.equal(manifest.lab, true);
    assert.ok(manifest.files.some((f) => f.file === 'lab-secc-leaf.key'));
    assert.equal(statSync(join(out, 'lab-secc-leaf.key')).mode & 0o077, 0, 'keys are not readable by others');
    for (const f of manifest.files.filter((x) => x.sha256)) assert.ok(existsSync(join(out, f.file)));
    const verify = (leaf: string, chainFile: string) => execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', chainFile, join(out, leaf)], { encoding: 'utf8' });
    assert.match(verify('lab-secc-leaf.pem', join(out, 'cpo-sub-ca-2-chain.pem')), /OK/);
    assert.match(verify('csms-tls-server.pem', join(out, 'csms-sub-ca-chain.pem')), /OK/);
    assert.match(execFileSync('openssl', ['x509', '-in', join(out, 'lab-secc-leaf.pem'), '-noout', '-ext', 'authorityInfoAccess'], { encoding: 'utf8' }), /https:\/\/pki\.example\.com\/ocsp/);
    // The exported key belongs to the exported certificate.
    const certKey = execFileSync('openssl', ['x509', '-in', join(out, 'lab-secc-leaf.pem'), '-noout', '-pubkey'], { encoding: 'utf8' });
    const keyPub = execFileSync('openssl', ['pkey', '-in', join(out, 'lab-secc-leaf.key'), '-pubout'], { encoding: 'utf8' });
    assert.equal(certKey, keyPub);
  });

  it('issues from an openssl CSR, lists, shows and revokes it', () => {
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'cs.key'), '-subj', '/CN=CS-CLI-1/O=CLI CPO', '-out', join(dir, 'cs.csr')], { stdio: 'pipe' });
    const issued = run(['pki', 'issue', '--issuer', 'csms-sub-ca', '--profile', 'charging-station-leaf', '--csr', join(dir, 'cs.csr'), '--identity', 'CS-CLI-1', '--out', join(dir, 'cs.pem')]);
    assert.equal(issued.status, 0, issued.stderr);
    const serial = /issued serial ([0-9a-f]+)/.exec(issued.stderr)?.[1];
    assert.ok(serial);
    assert.match(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'export', 'csms-sub-ca-chain.pem'), join(dir, 'cs.pem')], { encoding: 'utf8' }), /OK/);

    const list = run(['pki', 'list', '--identity', 'CS-CLI-1']);
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, new RegExp(`${serial} csms-sub-ca +charging-station-leaf +issued`));
    const revoke = run(['pki', 'revoke', serial, '--reason', 'keyCompromise']);
    assert.equal(revoke.status, 0, revoke.stderr);
    assert.match(revoke.stdout, /revoked .* \(keyCompromise\)/);
    const show = run(['pki', 'show', serial]);
    assert.match(show.stdout, /status: +revoked .* \(keyCompromise\)/);
    assert.match(show.stdout, /BEGIN CERTIFICATE/);
    const cas = run(['pki', 'list']);
    assert.match(cas.stdout, /^v2g-root +v2g-root/m);
  });

  it('names what is wrong with a CSR, a reason or a serial, and stores nothing', () => {
    execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', join(dir, 'weak.key'), '-subj', '/CN=Other/O=CLI CPO', '-out', join(dir, 'weak.csr')], { stdio: 'pipe' });
    const refused = run(['pki', 'issue', '--issuer', 'csms-sub-ca', '--profile', 'charging-station-leaf', '--csr', join(dir, 'weak.csr'), '--identity', 'CS-CLI-2']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /KEY_TOO_SMALL/);
    assert.match(refused.stderr, /SUBJECT_VALUE_MISMATCH/);
    assert.equal(run(['pki', 'list', '--identity', 'CS-CLI-2']).stdout, '');
    const badReason = run(['pki', 'revoke', 'ab'.repeat(16), '--reason', 'because']);
    assert.equal(badReason.status, 2);
    assert.match(badReason.stderr, /--reason must be one of/);
    const unknown = run(['pki', 'revoke', 'ab'.repeat(16)]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /CA_CERTIFICATE_UNKNOWN/);
  });
});
