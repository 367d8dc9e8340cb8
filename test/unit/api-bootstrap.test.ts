import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BOOTSTRAP_CLIENT_ID, bootstrapOperatorCredential } from '../../src/api/bootstrap-credential.js';
import { OPERATOR_SCOPES } from '../../src/api/scopes.js';
import { verifySecret } from '../../src/api/secret-hash.js';
import { ConfigError } from '../../src/config.js';

interface Row {
  clientId: string;
  secretHash: string;
  scopes: readonly string[];
}

function memoryCredentials() {
  const rows = new Map<string, Row>();
  return {
    rows,
    count: () => Promise.resolve(rows.size),
    insertIfAbsent(c: Row) {
      if (rows.has(c.clientId)) return Promise.resolve(false);
      rows.set(c.clientId, c);
      return Promise.resolve(true);
    },
  };
}

function recordingLog() {
  const lines: string[] = [];
  return { lines, log: { info: (...args: unknown[]) => void lines.push(JSON.stringify(args)) } as never };
}

describe('bootstrapOperatorCredential', () => {
  it('generates a secret on first start, stores only its hash, and never logs it', async () => {
    const credentials = memoryCredentials();
    const { lines, log } = recordingLog();
    const result = await bootstrapOperatorCredential({ credentials, log });
    assert.equal(result.created, true);
    assert.equal(result.clientId, BOOTSTRAP_CLIENT_ID);
    assert.match(result.secret ?? '', /^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    const row = credentials.rows.get('operator');
    assert.ok(row);
    assert.deepEqual([...row.scopes], [...OPERATOR_SCOPES]);
    assert.ok(!row.secretHash.includes(result.secret!));
    assert.equal(await verifySecret(row.secretHash, result.secret!), true);
    assert.equal(lines.length, 1);
    assert.ok(!lines.join('').includes(result.secret!));
  });

  it('takes the secret from the file (trimmed) and does not return it', async () => {
    const credentials = memoryCredentials();
    const read: string[] = [];
    const result = await bootstrapOperatorCredential({
      credentials,
      secretFile: '/run/secrets/operator',
      readFile: (p) => (read.push(p), '  a-file-secret-of-24-chars\n'),
      log: recordingLog().log,
    });
    assert.deepEqual(read, ['/run/secrets/operator']);
    assert.deepEqual(result, { created: true, clientId: 'operator' });
    assert.equal(await verifySecret(credentials.rows.get('operator')!.secretHash, 'a-file-secret-of-24-chars'), true);
  });

  it('refuses a secret shorter than 16 characters, and stores nothing', async () => {
    const credentials = memoryCredentials();
    await assert.rejects(
      bootstrapOperatorCredential({ credentials, secretFile: '/s', readFile: () => 'short-secret  \n', log: recordingLog().log }),
      (err: unknown) => err instanceof ConfigError && err.code === 'CONFIG_INVALID' && /at least 16 characters/.test(err.message) && !err.message.includes('short-secret'),
    );
    assert.equal(credentials.rows.size, 0);
  });

  it('reports an unreadable secret file as a config error', async () => {
    const credentials = memoryCredentials();
    await assert.rejects(
      bootstrapOperatorCredential({ credentials, secretFile: '/missing', readFile: () => { throw new Error('ENOENT: no such file'); }, log: recordingLog().log }),
      (err: unknown) => err instanceof ConfigError && err.code === 'CONFIG_FILE_UNREADABLE',
    );
    assert.equal(credentials.rows.size, 0);
  });

  it('creates nothing on the second start, and does not read the file again', async () => {
    const credentials = memoryCredentials();
    const first = await bootstrapOperatorCredential({ credentials, log: recordingLog().log });
    const hash = credentials.rows.get('operator')!.secretHash;
    let reads = 0;
    const second = await bootstrapOperatorCredential({ credentials, secretFile: '/s', readFile: () => (reads++, 'x'.repeat(20)), log: recordingLog().log });
    assert.equal(first.created, true);
    assert.deepEqual(second, { created: false, clientId: 'operator' });
    assert.equal(reads, 0);
    assert.equal(credentials.rows.get('operator')!.secretHash, hash);
  });

  it('returns no secret when another process created the credential first', async () => {
    const credentials = memoryCredentials();
    // count() still sees none, the insert loses the race.
    const racing = { count: () => Promise.resolve(0), insertIfAbsent: () => Promise.resolve(false) };
    const result = await bootstrapOperatorCredential({ credentials: racing, log: recordingLog().log });
    assert.deepEqual(result, { created: false, clientId: 'operator' });
    assert.equal(credentials.rows.size, 0);
  });
});
