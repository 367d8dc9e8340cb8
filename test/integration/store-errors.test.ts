// Storage errors: a constraint violation is a StoreError with its code, changes nothing, and the
// very next query works (regression: the embedded database used to fail it with EPIPE).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StoreError } from '../../src/store/errors.js';
import { openTestStore, type TestStore } from '../helpers/test-db.js';

describe('store errors', () => {
  let t: TestStore;
  before(async () => (t = await openTestStore()));
  after(() => t.close());

  it('reports a duplicate as STORE_CONFLICT and answers the next query', async () => {
    await t.store.stations.create({ id: 'DUP', registrationStatus: 'Accepted', securityProfile: 1 });
    for (let i = 0; i < 5; i++) {
      await assert.rejects(t.store.stations.create({ id: 'DUP', registrationStatus: 'Pending', securityProfile: 2 }), (e: unknown) => e instanceof StoreError && e.code === 'STORE_CONFLICT');
      assert.equal((await t.store.stations.get('DUP'))?.registrationStatus, 'Accepted');
    }
  });

  it('rolls back a transaction that fails half-way, then keeps working', async () => {
    await assert.rejects(
      t.db.withTransaction(async (tx) => {
        await t.store.stations.create({ id: 'TX-1', registrationStatus: 'Accepted', securityProfile: 1 }, tx);
        await tx.query('SELECT no_such_function()');
      }),
      (e: unknown) => e instanceof StoreError && e.code === 'STORE_QUERY',
    );
    assert.equal(await t.store.stations.get('TX-1'), null);
    assert.equal((await t.db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
  });

  it('answers readiness pings', async () => {
    assert.equal(await t.db.ping(), true);
  });
});
