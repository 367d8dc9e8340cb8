// The plugtrust command as a user runs it: help for every command, configuration errors listed
// at once, `start` serving until SIGTERM, the first operator secret shown once, `migrate`.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

interface Started {
  stdout: string;
  ocppPort: number;
  httpPort: number;
  stop(): Promise<number | null>;
}

// Every started server, so that a failed assertion never leaves one running.
const children = new Set<ReturnType<typeof spawn>>();

function start(args: string[], softFdLimit?: number): Promise<Started> {
  const node = [process.execPath, '--import', 'tsx', CLI, 'start', ...args];
  const child =
    softFdLimit === undefined
      ? spawn(node[0]!, node.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', `ulimit -Sn ${softFdLimit} && exec "$@"`, 'sh', ...node], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let stdout = '';
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no start within 60 s:\n${stdout}`));
    }, 60_000);
    const early = (code: number | null): void => reject(new Error(`exited early with ${code}:\n${stdout}`));
    child.on('exit', early);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const line = stdout.split('\n').find((l) => l.includes('"plugtrust started"'));
      if (!line || started) return;
      started = true;
      clearTimeout(timer);
      child.off('exit', early);
      const info = JSON.parse(line) as { ocppPort: number; httpPort: number };
      resolve({
        get stdout() {
          return stdout;
        },
        ocppPort: info.ocppPort,
        httpPort: info.httpPort,
        stop: () =>
          new Promise((res) => {
            child.once('exit', (code) => res(code));
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

describe('plugtrust CLI', () => {
  let database: TestDatabase;
  let common: string[] = [];
  let dbArgs: string[] = [];
  before(async () => {
    // Its own database: under DATABASE_URL a schema of its own, else a fresh data directory.
    database = await createTestDatabase();
    dbArgs = ['--data-dir', database.dataDir, ...(database.databaseUrl ? ['--database-url', database.databaseUrl] : [])];
    common = [...dbArgs, '--ocpp-host', '127.0.0.1', '--ocpp-port', '0', '--http-host', '127.0.0.1', '--http-port', '0'];
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await database.dispose();
  });

  it('prints usage, and help for each command listing flags and environment variables', () => {
    const top = run(['--help']);
    assert.equal(top.status, 0);
    for (const cmd of ['start', 'migrate', 'sim']) assert.match(top.stdout, new RegExp(`^  ${cmd} `, 'm'));
    for (const cmd of ['start', 'migrate']) {
      const r = run([cmd, '--help']);
      assert.equal(r.status, 0);
      for (const s of ['--ocpp-port', 'PLUGTRUST_OCPP_PORT', 'PLUGTRUST_HTTP_PORT', 'PLUGTRUST_DATA_DIR', 'DATABASE_URL']) assert.ok(r.stdout.includes(s), `${cmd} --help shows ${s}`);
    }
    assert.equal(run(['sim', '--help']).status, 0);
    assert.equal(run(['frobnicate']).status, 2);
  });

  it('lists every configuration problem at once and exits 2', () => {
    const r = run(['start', '--ocpp-port', 'x', '--nope'], { PLUGTRUST_HTTP_PORT: '99999' });
    assert.equal(r.status, 2);
    for (const s of ['--ocpp-port', '--nope', 'PLUGTRUST_HTTP_PORT']) assert.ok(r.stderr.includes(s), r.stderr);
  });

  it('starts, serves, shows the first operator secret once, and stops on SIGTERM', async () => {
    const first = await start(common);
    assert.match(first.stdout, /client_secret: \S{20,}/);
    const health = await fetch(`http://127.0.0.1:${first.httpPort}/readyz`);
    assert.equal(health.status, 200);
    assert.equal(await first.stop(), 0);

    const second = await start(common);
    assert.doesNotMatch(second.stdout, /client_secret/);
    assert.equal(await second.stop(), 0);
  });

  it('raises the open-file soft limit to the hard limit at start', async () => {
    const hard = Number(spawnSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim());
    const started = await start(common, 1024);
    const line = started.stdout.split('\n').find((l) => l.includes('"open-file limit"'));
    assert.ok(line, started.stdout);
    const { openFiles } = JSON.parse(line) as { openFiles: { soft: number; hard: number } };
    if (Number.isFinite(hard) && hard > 1024) assert.equal(openFiles.soft, hard);
    assert.equal(await started.stop(), 0);
  });

  it('migrates and reports the schema up to date', () => {
    const r = run(['migrate', ...dbArgs]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /up to date/);
  });
});
