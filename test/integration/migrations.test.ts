// Every migration applies to an empty database, twice is a no-op, concurrent runs are safe, and
// a database newer than the build is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDb, type Db } from '../../src/store/db.js';
import { StoreError } from '../../src/store/errors.js';
import { migrate, readMigrations } from '../../src/store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

describe('migrations', () => {
  let tdb: TestDatabase;
  let db: Db;
  before(async () => {
    tdb = await createTestDatabase();
    db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
  });
  after(async () => {
    await db.close();
    await tdb.dispose();
  });

  it('applies all of them to an empty database, in order', async () => {
    const all = readMigrations();
    assert.ok(all.length >= 1);
    const [first, second] = await Promise.all([migrate(db), migrate(db)]);
    assert.deepEqual([...first.applied, ...second.applied].sort(), all.map((m) => m.name).sort());
    const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(rows.map((r) => r.version), all.map((m) => m.version));
  });

  it('is a no-op the second time', async () => {
    assert.deepEqual((await migrate(db)).applied, []);
  });

  it('leaves no GIN index with a pending list (the embedded database never vacuums it away)', async () => {
    const { rows } = await db.query<{ name: string; options: string[] | null }>(
      `SELECT c.relname AS name, c.reloptions AS options FROM pg_class c JOIN pg_am am ON am.oid = c.relam
        WHERE am.amname = 'gin' AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`,
    );
    assert.ok(rows.length >= 2, 'the schema has GIN indexes');
    for (const r of rows) assert.ok(r.options?.includes('fastupdate=off'), `${r.name}: ${JSON.stringify(r.options)}`);
  });

  it('refuses a database whose schema is newer than this build', async () => {
    await assert.rejects(migrate(db, readMigrations().slice(0, 0)), (e: unknown) => e instanceof StoreError && e.code === 'STORE_MIGRATION');
  });

  it('rolls back a failing migration completely', async () => {
    const bad = [...readMigrations(), { version: 9999, name: '9999_bad', sql: 'CREATE TABLE half_done (a int); SELECT no_such_function();' }];
    await assert.rejects(migrate(db, bad), (e: unknown) => e instanceof StoreError && e.code === 'STORE_MIGRATION');
    const { rows } = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
    assert.equal(rows.length, 0);
  });
});
