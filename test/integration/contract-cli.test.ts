// `plugtrust contract` as an operator runs it, on the lab hierarchy of `plugtrust pki init`: an eMSP,
// a contract our MO CA issues (openssl verifies the written chain), an uploaded one from an MO that
// is not us, list/show/revoke/delete, and refusals with their stable codes and nothing stored.
// The binary runs as a child process for init and the first commands; the rest call the same
// command function in this process (with its output captured), which saves a process start each.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { contractCommand } from '../../src/cli/contract-command.js';
import { externalMo, type ExternalMo } from '../helpers/emsp-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const PCID = 'WMIV1234567890ABCD';

describe('plugtrust contract', () => {
  let tdb: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let mo: ExternalMo;
  const spawn = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env, timeout: 240_000 });
  /** `plugtrust contract ...` in this process, with the settings as flags. */
  async function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    const [cmd, ...rest] = args;
    if (cmd !== 'contract') return spawn(args) as { status: number; stdout: string; stderr: string };
    const out = { stdout: '', stderr: '' };
    const write = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
    // The command writes strings; the test runner's own reports (buffers) pass through.
    const capture = (key: 'stdout' | 'stderr') => ((c: string | Uint8Array, ...more: never[]) => (typeof c === 'string' ? ((out[key] += c), true) : write[key](c, ...more))) as typeof process.stdout.write;
    process.stdout.write = capture('stdout');
    process.stderr.write = capture('stderr');
    try {
      const flags = ['--data-dir', tdb.dataDir, '--ca-kek-file', join(dir, 'kek'), '--public-url', 'https://pki.example.com', '--mo-roots-file', join(dir, 'mo-roots.pem'), '--log-level', 'error', ...(tdb.databaseUrl ? ['--database-url', tdb.databaseUrl] : [])];
      const status = await contractCommand([...rest, ...flags]);
      return { status, ...out };
    } finally {
      process.stdout.write = write.stdout;
      process.stderr.write = write.stderr;
    }
  }
  const json = async (args: string[]): Promise<Record<string, unknown>> => {
    const r = await run(args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  before(async () => {
    tdb = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'plugtrust-cli-contract-'));
    writeFileSync(join(dir, 'kek'), `${'cd'.repeat(32)}\n`);
    mo = externalMo(dir, 'Ext');
    writeFileSync(join(dir, 'mo-roots.pem'), mo.rootPem);
    env = { ...process.env, PLUGTRUST_DATA_DIR: tdb.dataDir, PLUGTRUST_CA_KEK_FILE: join(dir, 'kek'), PLUGTRUST_PUBLIC_URL: 'https://pki.example.com', PLUGTRUST_MO_ROOTS_FILE: join(dir, 'mo-roots.pem'), ...(tdb.databaseUrl ? { DATABASE_URL: tdb.databaseUrl } : {}) };
    const init = spawn(['pki', 'init', '--organization', 'CLI CPO']);
    assert.equal(init.status, 0, init.stderr);
  });
  after(async () => tdb.dispose());

  it('registers an eMSP and creates a contract whose chain openssl verifies', async () => {
    // The real binary, as a user types it.
    const added = spawn(['contract', 'emsp-add', '--id', 'cli-emsp', '--name', 'CLI Mobility']);
    assert.equal(added.status, 0, added.stderr);
    assert.equal((JSON.parse(added.stdout) as { id: string }).id, 'cli-emsp');
    const created = spawn(['contract', 'create', '--emsp', 'cli-emsp', '--emaid', 'DE-8AA-CA2B3C4D5-L', '--pcid', PCID, '--validity-days', '90', '--out', join(dir, 'contract.pem')]);
    assert.equal(created.status, 0, created.stderr);
    const c = JSON.parse(created.stdout) as Record<string, unknown>;
    assert.deepEqual([c.emaid, c.origin, c.status, c.pcids], ['DE8AACA2B3C4D5L', 'issued', 'active', [PCID]]);
    writeFileSync(join(dir, 'root.pem'), c.moRoot as string);
    // The written file: the contract certificate, then its sub-CAs.
    assert.match(execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'contract.pem'), join(dir, 'contract.pem')], { encoding: 'utf8' }), /OK/);
    assert.match(execFileSync('openssl', ['x509', '-in', join(dir, 'contract.pem'), '-noout', '-ext', 'authorityInfoAccess'], { encoding: 'utf8' }), /https:\/\/pki\.example\.com\/ocsp/);

    const shown = await json(['contract', 'show', c.id as string]);
    assert.equal(shown.certificate, c.certificate);
    const list = JSON.parse((await run(['contract', 'list', '--emsp', 'cli-emsp'])).stdout) as { id: string; certificate?: string }[];
    assert.deepEqual(list.map((x) => [x.id, x.certificate]), [[c.id, undefined]]);

    const revoked = await json(['contract', 'revoke', c.id as string, '--reason', 'superseded']);
    assert.deepEqual([revoked.status, revoked.revocationReason], ['revoked', 'superseded']);
    const again = await run(['contract', 'revoke', c.id as string]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /CONTRACT_REVOKED/);
    const deleted = await json(['contract', 'delete', c.id as string]);
    assert.equal(deleted.status, 'deleted');
  });

  it('uploads an external contract certificate and refuses what does not validate', async () => {
    const leaf = mo.issue('NLEXTC00000042');
    writeFileSync(join(dir, 'up.pem'), leaf.certificate);
    writeFileSync(join(dir, 'up.key'), leaf.privateKey);
    writeFileSync(join(dir, 'sub.pem'), mo.subPem);
    const up = await json(['contract', 'upload', '--emsp', 'cli-emsp', '--cert', join(dir, 'up.pem'), '--chain', join(dir, 'sub.pem'), '--key', join(dir, 'up.key'), '--pcid', PCID]);
    assert.deepEqual([up.emaid, up.origin, up.status], ['NLEXTC00000042', 'uploaded', 'active']);

    const stranger = externalMo(dir, 'Other');
    const foreign = stranger.issue('NLOTHC00000001');
    writeFileSync(join(dir, 'f.pem'), foreign.certificate);
    writeFileSync(join(dir, 'f.key'), foreign.privateKey);
    writeFileSync(join(dir, 'fsub.pem'), stranger.subPem);
    const refusals: [string[], RegExp][] = [
      [['contract', 'upload', '--emsp', 'cli-emsp', '--cert', join(dir, 'f.pem'), '--chain', join(dir, 'fsub.pem'), '--key', join(dir, 'f.key'), '--pcid', PCID], /CONTRACT_CHAIN_UNTRUSTED: .*NO_TRUST_ANCHOR/],
      [['contract', 'upload', '--emsp', 'cli-emsp', '--cert', join(dir, 'up.pem'), '--chain', join(dir, 'sub.pem'), '--key', join(dir, 'f.key'), '--pcid', PCID], /CONTRACT_KEY_MISMATCH/],
      [['contract', 'upload', '--emsp', 'cli-emsp', '--cert', join(dir, 'missing.pem'), '--key', join(dir, 'f.key'), '--pcid', PCID], /CONTRACT_CERTIFICATE_INVALID: cannot read the certificate file/],
      [['contract', 'create', '--emsp', 'cli-emsp', '--emaid', 'DE-8AA-CA2B3C4D5-X', '--pcid', PCID], /CONTRACT_EMAID_INVALID: the check digit of DE8AACA2B3C4D5 is L, not X/],
      [['contract', 'create', '--emsp', 'nobody', '--emaid', 'DE8AACA2B3C4D5', '--pcid', PCID], /CONTRACT_EMSP_UNKNOWN/],
      [['contract', 'create', '--emsp', 'cli-emsp', '--emaid', 'DE8AACA2B3C4D5'], /CONTRACT_PCID_INVALID/],
      [['contract', 'show', '00000000-0000-4000-8000-000000000000'], /CONTRACT_NOT_FOUND/],
    ];
    for (const [args, message] of refusals) {
      const r = await run(args);
      assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, message);
    }
    const list = JSON.parse((await run(['contract', 'list', '--emsp', 'cli-emsp'])).stdout) as { id: string }[];
    assert.deepEqual(list.map((x) => x.id), [up.id], 'the refusals stored nothing');
    assert.equal((await run(['contract', 'create', '--emsp', 'cli-emsp'])).status, 2);
    assert.equal((await run(['contract', 'frobnicate'])).status, 2);
  });
});
