// The embedded database's socket server: `pg` clients get PostgreSQL's protocol, the one PGlite
// session is held by the connection inside a transaction and given back when it commits or goes
// away (rolled back, even half-way through an extended-protocol exchange), and bad bytes close
// only the connection that sent them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { serveEmbeddedDatabase, type EmbeddedSocketServer } from '../../src/store/embedded-socket-server.js';

// Raw protocol for what `pg` will not send: messages in pieces, without Sync, or malformed.
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstr = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf8');
function startup(): Buffer {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), cstr('user'), cstr('postgres'), cstr('database'), cstr('postgres'), Buffer.from([0])]);
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length + 4);
  return Buffer.concat([head, body]);
}
const query = (sql: string): Buffer => message('Q', cstr(sql));

interface RawClient {
  socket: Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves once `n` ReadyForQuery messages have arrived after byte `from` (or the socket closed). */
  readyCount(n: number, from?: number): Promise<void>;
  closed: Promise<void>;
}

function rawClient(path: string): RawClient {
  const socket = connect(path);
  let data = Buffer.alloc(0);
  const waiters: (() => void)[] = [];
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('data', (d: Buffer) => {
    data = Buffer.concat([data, d]);
    for (const w of waiters.splice(0)) w();
  });
  socket.on('error', () => undefined);
  const countReady = (from: number): number => {
    let n = 0;
    for (let off = from; off + 5 <= data.length; off += 1 + data.readInt32BE(off + 1)) if (data[off] === 0x5a) n++;
    return n;
  };
  return {
    socket,
    received: () => data,
    closed,
    async readyCount(n, from = 0) {
      let done = false;
      void closed.then(() => (done = true));
      while (countReady(from) < n && !done && !socket.destroyed) await Promise.race([new Promise<void>((r) => waiters.push(r)), closed]);
    },
  };
}

/** The ErrorResponse's SQLSTATE (field C), if the bytes hold one. */
function errorCode(data: Buffer): string | null {
  for (let off = 0; off + 5 <= data.length; off += 1 + data.readInt32BE(off + 1)) {
    if (data[off] !== 0x45) continue;
    const fields = data.subarray(off + 5, off + 1 + data.readInt32BE(off + 1)).toString('utf8').split('\0');
    return fields.find((f) => f.startsWith('C'))?.slice(1) ?? null;
  }
  return null;
}

describe('embedded socket server', { timeout: 15_000 }, () => {
  let dir: string;
  let lite: PGlite;
  let server: EmbeddedSocketServer;
  let path: string;
  const pools: pg.Pool[] = [];
  const poolOf = (max = 1): pg.Pool => {
    const p = new pg.Pool({ host: dir, port: 5432, user: 'postgres', database: 'postgres', max });
    p.on('error', () => undefined);
    pools.push(p);
    return p;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plugtrust-socket-'));
    lite = await PGlite.create(join(dir, 'pgdata'));
    await lite.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    path = join(dir, '.s.PGSQL.5432');
    server = await serveEmbeddedDatabase(lite, path, { maxConnections: 4 });
  });
  // Each test's connections are gone before the next (the server admits four).
  afterEach(async () => {
    for (const p of pools.splice(0)) await p.end().catch(() => undefined);
  });
  after(async () => {
    await server.close();
    await lite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers pg queries: simple, parameterized and prepared, errors included', async () => {
    const p = poolOf();
    assert.deepEqual((await p.query('SELECT 1 AS one')).rows, [{ one: 1 }]);
    for (let i = 0; i < 5; i++) await p.query({ name: 'ins', text: 'INSERT INTO t (id, v) VALUES ($1, $2)', values: [i, `v${i}`] });
    const { rows } = await p.query({ name: 'sel', text: 'SELECT v FROM t WHERE id = ANY($1::int[]) ORDER BY id', values: [[1, 3]] });
    assert.deepEqual(rows, [{ v: 'v1' }, { v: 'v3' }]);
    await assert.rejects(p.query('INSERT INTO t (id, v) VALUES (1, $1)', ['dup']), (e: Error & { code?: string }) => e.code === '23505');
    assert.equal((await p.query('SELECT count(*)::int AS n FROM t')).rows[0].n, 5);
  });

  it('takes a statement of several MiB, which arrives over many reads', async () => {
    const p = poolOf();
    const big = 'x'.repeat(6 * 1024 * 1024);
    await p.query('INSERT INTO t (id, v) VALUES ($1, $2)', [50, big]);
    assert.equal((await p.query<{ n: number }>('SELECT length(v) AS n FROM t WHERE id = 50')).rows[0]?.n, big.length);
    await p.query('DELETE FROM t WHERE id = 50');
  });

  it('serves the connection inside a transaction until it commits; the others wait', async () => {
    const a = await poolOf().connect();
    const b = poolOf();
    await a.query('BEGIN');
    await a.query('INSERT INTO t (id, v) VALUES (100, $1)', ['in tx']);
    let bDone = false;
    const bRead = b.query<{ v: string }>('SELECT v FROM t WHERE id = 100').then((r) => ((bDone = true), r.rows));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(bDone, false, 'a statement of another connection ran inside the transaction');
    assert.equal((await a.query('SELECT v FROM t WHERE id = 100')).rows[0].v, 'in tx');
    await a.query('COMMIT');
    assert.deepEqual(await bRead, [{ v: 'in tx' }]);
    a.release();
  });

  it('rolls back the transaction of a connection that goes away, and serves the waiting ones', async () => {
    const aPool = poolOf();
    const a = await aPool.connect();
    await a.query('BEGIN');
    await a.query('INSERT INTO t (id, v) VALUES (200, $1)', ['lost']);
    const waiting = poolOf().query('SELECT count(*)::int AS n FROM t WHERE id = 200');
    a.release(new Error('drop it'));
    assert.equal((await waiting).rows[0].n, 0);
    assert.equal(lite.isInTransaction(), false);
  });

  it('rolls back even when the connection left an extended-protocol exchange half-way (no Sync after an error)', async () => {
    const c = rawClient(path);
    c.socket.write(startup());
    await c.readyCount(1);
    c.socket.write(query('BEGIN; INSERT INTO t (id, v) VALUES (300, $$half$$)'));
    await c.readyCount(2);
    // Parse of a failing statement, Bind, Execute, and no Sync: the session skips until Sync.
    c.socket.write(Buffer.concat([message('P', Buffer.concat([cstr(''), cstr('SELECT no_such_function()'), Buffer.from([0, 0])])), message('B', Buffer.concat([cstr(''), cstr(''), Buffer.from([0, 0, 0, 0, 0, 0])])), message('E', Buffer.concat([cstr(''), Buffer.from([0, 0, 0, 0])]))]));
    await new Promise((r) => setTimeout(r, 50));
    c.socket.destroy();
    await c.closed;
    const p = poolOf();
    assert.equal((await p.query('SELECT count(*)::int AS n FROM t WHERE id = 300')).rows[0].n, 0);
    assert.equal(lite.isInTransaction(), false);
  });

  it('reads messages that arrive a byte at a time, after a refused SSLRequest', async () => {
    const c = rawClient(path);
    const ssl = Buffer.alloc(8);
    ssl.writeInt32BE(8);
    ssl.writeInt32BE(80877103, 4);
    const bytes = Buffer.concat([startup(), query('SELECT 42 AS answer')]);
    c.socket.write(ssl);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(c.received().toString('latin1'), 'N');
    for (const byte of bytes) {
      c.socket.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    await c.readyCount(2, 1); // after the 'N'
    assert.match(c.received().toString('latin1'), /answer[\s\S]*42/);
    c.socket.end(message('X', Buffer.alloc(0)));
    await c.closed;
  });

  it('closes a connection that sends a bad length with a protocol-violation error; the others go on', async () => {
    const badStartup = rawClient(path);
    badStartup.socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 3, 0, 0]));
    await badStartup.closed;
    assert.equal(errorCode(badStartup.received()), '08P01');

    const badMessage = rawClient(path);
    badMessage.socket.write(startup());
    await badMessage.readyCount(1);
    const before = badMessage.received().length;
    badMessage.socket.write(Buffer.from([0x51, 0, 0, 0, 2])); // a length below its own four bytes
    await badMessage.closed;
    assert.equal(errorCode(badMessage.received().subarray(before)), '08P01');

    assert.deepEqual((await poolOf().query('SELECT 7 AS seven')).rows, [{ seven: 7 }]);
  });

  it('refuses connections beyond its limit with too_many_connections', async () => {
    const held = [0, 1, 2, 3].map(() => rawClient(path));
    for (const h of held) h.socket.write(startup());
    await Promise.all(held.map((h) => h.readyCount(1)));
    const extra = rawClient(path);
    await extra.closed;
    assert.equal(errorCode(extra.received()), '53300');
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    assert.deepEqual((await poolOf().query('SELECT 8 AS eight')).rows, [{ eight: 8 }]);
  });
});
