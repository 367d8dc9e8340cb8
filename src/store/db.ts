// The one door to the database. Real PostgreSQL when a URL is given; otherwise an embedded
// PGlite on a worker thread, served over a private unix socket so that the very same `pg` code
// path talks to it.
//
// Embedded facts (measured): every socket connection shares one PGlite session, so the pool is
// kept at one connection, a transaction's client is always passed explicitly, and nothing relies
// on LISTEN/NOTIFY or session state.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { EmbeddedWorkerData, EmbeddedWorkerMessage } from './embedded-worker.js';
import { StoreError } from './errors.js';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs SQL: the pool, or the client of one transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  readonly mode: 'embedded' | 'postgres';
  /** Runs fn inside BEGIN/COMMIT on one client; rolls back when fn throws. */
  withTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** True when a trivial query succeeds within the timeout. */
  ping(timeoutMs?: number): Promise<boolean>;
  /**
   * Calls `onPayload` for every NOTIFY on `channel` from other sessions (real PostgreSQL; the
   * embedded database has one process, so there is nobody else to hear from). Reconnects after
   * errors; `onListening` is called each time listening (re)starts, since notifications sent while
   * it was down are lost. Resolves with a function that stops listening.
   */
  listen(channel: string, onPayload: (payload: string) => void, onListening?: () => void): Promise<() => Promise<void>>;
  /** The embedded database's thread, for its event-loop utilization in benchmarks; null with PostgreSQL. */
  readonly thread: Pick<Worker, 'performance'> | null;
  close(): Promise<void>;
}

// bytea[] (OID 1001) arrives as text, `{"\\x0a0b",NULL}`; the driver's generic array parser walks it
// a character at a time, which made a certificate chain cost more to read than to verify. Flat
// arrays of hex elements are read with one pattern; anything else goes to the generic parser.
const BYTEA_ARRAY = 1001 as Parameters<typeof pg.types.getTypeParser>[0];
const genericByteaArray = pg.types.getTypeParser(BYTEA_ARRAY, 'text') as (text: string) => unknown;
const HEX_ELEMENT = /"\\\\x([0-9a-fA-F]*)"|NULL/y;
export function parseByteaArray(text: string): unknown {
  if (text === '{}') return [];
  const out: (Buffer | null)[] = [];
  let i = 1;
  for (;;) {
    HEX_ELEMENT.lastIndex = i;
    const m = HEX_ELEMENT.exec(text);
    if (!m) return genericByteaArray(text);
    out.push(m[1] === undefined ? null : Buffer.from(m[1], 'hex'));
    i = HEX_ELEMENT.lastIndex;
    if (text[i] === ',') i++;
    else return text[i] === '}' && i === text.length - 1 && text[0] === '{' ? out : genericByteaArray(text);
  }
}
pg.types.setTypeParser(BYTEA_ARRAY, parseByteaArray);

export interface OpenDbOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size for real PostgreSQL (the embedded pool is always 1). */
  poolSize?: number;
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    return wrapPool(pool, 'postgres', async () => pool.end(), null);
  }
  return openEmbedded(resolve(options.dataDir, 'pgdata'));
}

async function openEmbedded(pgdata: string): Promise<Db> {
  mkdirSync(pgdata, { recursive: true });
  // A private directory (mode 0700) keeps other local users off the socket. Its name carries our
  // pid, so that a later start can sweep the directories of processes that died without cleaning up.
  sweepStaleSocketDirs();
  const socketDir = mkdtempSync(join(tmpdir(), `${SOCKET_DIR_PREFIX}${process.pid}-`));
  const here = fileURLToPath(import.meta.url);
  const workerData: EmbeddedWorkerData = { pgdata, socketPath: join(socketDir, '.s.PGSQL.5432') };
  // Same extension as this file: .ts under tsx, .js when built.
  const script = new URL(`./embedded-worker${extname(here)}`, import.meta.url);
  // From TypeScript sources (tests, tsx) the worker registers the same loader before importing.
  const worker =
    extname(here) === '.ts'
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`, { eval: true, workerData })
      : new Worker(script, { workerData });
  const first = await new Promise<EmbeddedWorkerMessage>((resolve) => {
    worker.once('message', resolve);
    worker.once('error', (err) => resolve({ type: 'error', message: err.message }));
  });
  if (first.type !== 'ready') {
    await worker.terminate();
    rmSync(socketDir, { recursive: true, force: true });
    throw new StoreError('STORE_UNAVAILABLE', `cannot open the embedded database in ${pgdata}: ${first.type === 'error' ? first.message : first.type}`);
  }
  const pool = new pg.Pool({ host: socketDir, port: 5432, user: 'postgres', database: 'postgres', max: 1 });
  return wrapPool(pool, 'embedded', async () => {
    await pool.end();
    const stopped = new Promise<void>((resolve) => worker.once('message', () => resolve()));
    worker.postMessage({ type: 'stop' });
    // PGlite flushes to disk on close; give it time, then end the thread regardless.
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 10_000))]);
    await worker.terminate();
    rmSync(socketDir, { recursive: true, force: true });
  }, worker);
}

const SOCKET_DIR_PREFIX = 'plugtrust-db-';

function sweepStaleSocketDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^plugtrust-db-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function wrapPool(pool: pg.Pool, mode: Db['mode'], shutdown: () => Promise<void>, thread: Worker | null): Db {
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => undefined);
  // Every connection to the embedded database shares its one session: a new connection (after an
  // error) finds the statements prepared by the one before it, under names it does not know.
  if (mode === 'embedded') pool.on('connect', (client) => void client.query('DEALLOCATE ALL').catch(() => undefined));
  const statements = preparedStatementNames();
  let closed = false;
  const run = async <R>(client: pg.PoolClient, text: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    try {
      const name = params && params.length > 0 ? statements.nameFor(text) : null;
      const r = await (name ? client.query({ name, text, values: params as unknown[] }) : client.query(text, params as unknown[]));
      return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
    } catch (err) {
      throw StoreError.from(err);
    }
  };
  const connect = async (): Promise<pg.PoolClient> => {
    try {
      return await pool.connect();
    } catch (err) {
      throw StoreError.from(err);
    }
  };
  // pool.query() discards its connection after any SQL error; an SQL error leaves the connection
  // sound, so keep it and discard only on connection-level failures.
  const query = async <R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> => {
    const client = await connect();
    let broken: Error | undefined;
    try {
      return await run<R>(client, text, params);
    } catch (err) {
      if (err instanceof StoreError && err.code === 'STORE_UNAVAILABLE') broken = err;
      throw err;
    } finally {
      client.release(broken);
    }
  };
  return {
    mode,
    thread,
    query,
    async withTransaction(fn) {
      const client = await connect();
      const tx: Queryable = { query: (text, params) => run(client, text, params) };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async ping(timeoutMs = 2000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
      const probe = pool.query('SELECT 1').then(() => true, () => false);
      const ok = await Promise.race([probe, timeout]);
      clearTimeout(timer);
      return ok;
    },
    async listen(channel, onPayload, onListening) {
      if (mode === 'embedded') return () => Promise.resolve();
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new StoreError('STORE_QUERY', `bad channel name ${channel}`);
      let stopped = false;
      let client: pg.Client | null = null;
      let retry: NodeJS.Timeout | null = null;
      const start = async (): Promise<void> => {
        const c = new pg.Client(pool.options);
        client = c;
        c.on('notification', (n) => {
          if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
        });
        c.on('error', () => {
          if (stopped) return;
          void c.end().catch(() => undefined);
          retry = setTimeout(() => void start().catch(() => undefined), 1000);
        });
        await c.connect();
        await c.query(`LISTEN ${channel}`);
        onListening?.();
      };
      await start();
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        await client?.end().catch(() => undefined);
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await shutdown();
    },
  };
}

/** How many statement texts are kept prepared on each connection. */
const MAX_PREPARED = 300;
/** A text is prepared from its third use on: one-off statements (migrations, admin) never are. */
const USES_BEFORE_PREPARE = 2;
// "VALUES (...), ($n": a multi-row VALUES list whose text changes with the number of rows.
const MULTI_ROW_VALUES = /\)\s*,\s*\(\s*\$/;

/**
 * Names for parameterized statements run often, so that each connection parses and plans them
 * once (PostgreSQL's extended protocol, named prepared statements): planning is most of the cost
 * of a short statement, in the embedded database especially (measured: a primary-key look-up
 * 0.83 ms of the database thread unnamed, 0.36 ms prepared). Texts that vary with their data
 * (multi-row VALUES lists) are left unnamed, and at most MAX_PREPARED texts get a name.
 */
function preparedStatementNames(): { nameFor(text: string): string | null } {
  const names = new Map<string, string>();
  const uses = new Map<string, number>();
  return {
    nameFor(text) {
      const known = names.get(text);
      if (known) return known;
      if (names.size >= MAX_PREPARED || MULTI_ROW_VALUES.test(text)) return null;
      const n = (uses.get(text) ?? 0) + 1;
      if (n <= USES_BEFORE_PREPARE) {
        if (uses.size >= 10 * MAX_PREPARED) uses.clear();
        uses.set(text, n);
        return null;
      }
      uses.delete(text);
      const name = `plugtrust_${names.size + 1}`;
      names.set(text, name);
      return name;
    },
  };
}
