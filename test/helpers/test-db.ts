// A database for one test file: real PostgreSQL in a schema of its own when DATABASE_URL is set
// (dropped afterwards), otherwise an embedded database in a fresh temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore, type Store } from '../../src/store/store.js';

export interface TestDatabase {
  dataDir: string;
  databaseUrl: string | undefined;
  dispose(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'plugtrust-test-'));
  const base = process.env.DATABASE_URL;
  if (!base) {
    return { dataDir, databaseUrl: undefined, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    dataDir,
    databaseUrl: url.toString(),
    async dispose() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A migrated store on a database of its own (see createTestDatabase); close() disposes of both. */
export interface TestStore {
  db: Db;
  store: Store;
  close: () => Promise<void>;
}

export async function openTestStore(): Promise<TestStore> {
  const tdb = await createTestDatabase();
  const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
  await migrate(db);
  return {
    db,
    store: createStore(db),
    close: async () => {
      await db.close();
      await tdb.dispose();
    },
  };
}
