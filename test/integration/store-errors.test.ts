// Storage errors: a constraint violation is a StoreError with its code, changes nothing, and the
// very next query works (regression: the embedded database used to fail it with EPIPE).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDb, type Db } from '../../src/store/db.js';
import { StoreError } from '../../src/store/errors.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore, type Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

describe('store errors', () => {
  let tdb: TestDatabase;
  let db: Db;
  let store: Store;
  before(async () => {
    tdb = await createTestDatabase();
    db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
    await migrate(db);
    store = createStore(db);
  });
  after(async () => {
    await db.close();
    await tdb.dispose();
  });

  it('reports a duplicate as STORE_CONFLICT and answers the next query', async () => {
    await store.stations.create({ id: 'DUP', registrationStatus: 'Accepted', securityProfile: 1 });
    for (let i = 0; i < 5; i++) {
      await assert.rejects(store.stations.create({ id: 'DUP', registrationStatus: 'Pending', securityProfile: 2 }), (e: unknown) => e instanceof StoreError && e.code === 'STORE_CONFLICT');
      assert.equal((await store.stations.get('DUP'))?.registrationStatus, 'Accepted');
    }
  });

  it('rolls back a transaction that fails half-way, then keeps working', async () => {
    await assert.rejects(
      db.withTransaction(async (tx) => {
        await store.stations.create({ id: 'TX-1', registrationStatus: 'Accepted', securityProfile: 1 }, tx);
        await tx.query('SELECT no_such_function()');
      }),
      (e: unknown) => e instanceof StoreError && e.code === 'STORE_QUERY',
    );
    assert.equal(await store.stations.get('TX-1'), null);
    assert.equal((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
  });

  it('answers readiness pings', async () => {
    assert.equal(await db.ping(), true);
  });
});
