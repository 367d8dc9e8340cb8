// How statements reach the database: frequent parameterized statements are prepared once per
// connection (and keep answering right across many runs, errors and rollbacks included), bytea[] columns are read by the fast parser exactly as by the generic one, and the
// batched reads and writes of the installation path answer like their one-row counterparts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parseByteaArray } from '../../src/store/db.js';
import { StoreError } from '../../src/store/errors.js';
import { openTestStore, type TestStore } from '../helpers/test-db.js';

describe('store statements', () => {
  let t: TestStore;
  before(async () => (t = await openTestStore()));
  after(() => t.close());

  it('answers a statement the same on every run, before and after it is prepared', async () => {
    await t.db.query('CREATE TABLE prep_t (id int PRIMARY KEY, v text)');
    for (let i = 0; i < 20; i++) {
      await t.db.query('INSERT INTO prep_t (id, v) VALUES ($1, $2)', [i, `v${i}`]);
      const { rows } = await t.db.query<{ v: string }>('SELECT v FROM prep_t WHERE id = $1', [i]);
      assert.deepEqual(rows, [{ v: `v${i}` }]);
    }
    // An error from a prepared statement is the usual StoreError, and the next run works.
    for (let i = 0; i < 5; i++) {
      await assert.rejects(t.db.query('INSERT INTO prep_t (id, v) VALUES ($1, $2)', [3, 'dup']), (e: unknown) => e instanceof StoreError && e.code === 'STORE_CONFLICT');
    }
    assert.equal((await t.db.query('INSERT INTO prep_t (id, v) VALUES ($1, $2)', [100, 'x'])).rowCount, 1);
    // Inside a transaction, rolled back: the prepared statement's effect goes with it.
    await assert.rejects(
      t.db.withTransaction(async (tx) => {
        await tx.query('INSERT INTO prep_t (id, v) VALUES ($1, $2)', [200, 'rolled back']);
        throw new Error('abort');
      }),
    );
    assert.deepEqual((await t.db.query('SELECT v FROM prep_t WHERE id = $1', [200])).rows, []);
  });

  it('keeps multi-row VALUES lists, whose text varies with their data, working for every size', async () => {
    await t.db.query('CREATE TABLE prep_multi (id int PRIMARY KEY)');
    let next = 0;
    for (let n = 1; n <= 40; n++) {
      const params = Array.from({ length: n }, () => next++);
      await t.db.query(`INSERT INTO prep_multi (id) VALUES ${params.map((_, i) => `($${i + 1})`).join(', ')}`, params);
    }
    assert.equal((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM prep_multi')).rows[0]?.n, next);
  });

  it('reads bytea[] exactly as the generic array parser does', async () => {
    const cases: (Buffer | null)[][] = [[], [Buffer.alloc(0)], [null], [randomBytes(1)], [randomBytes(700), null, randomBytes(33), Buffer.alloc(0)]];
    for (let i = 0; i < 30; i++) cases.push(Array.from({ length: 1 + (i % 5) }, () => randomBytes(i * 37)));
    for (const value of cases) {
      for (let run = 0; run < 3; run++) {
        const { rows } = await t.db.query<{ a: (Buffer | null)[] }>('SELECT $1::bytea[] AS a', [value]);
        assert.deepEqual(rows[0]?.a, value);
      }
    }
    // Shapes the fast reader leaves to the generic one.
    assert.deepEqual(parseByteaArray('{{"\\\\x01"},{"\\\\x0203"}}'), [[Buffer.of(1)], [Buffer.of(2, 3)]]);
    assert.deepEqual(parseByteaArray('{"\\\\x0A0b",NULL}'), [Buffer.of(10, 11), null]);
    const nested = (await t.db.query<{ a: unknown }>("SELECT ARRAY[ARRAY['\\x01'::bytea], ARRAY['\\x02'::bytea]] AS a")).rows[0]?.a;
    assert.deepEqual(nested, [[Buffer.of(1)], [Buffer.of(2)]]);
  });

  it('records many contract events in one statement, in their order', async () => {
    await t.store.contracts.upsertEmsp({ id: 'emsp-order', name: 'Order' });
    const kinds = ['created', 'installed', 'installation_failed', 'revoked', 'deleted'] as const;
    const events = Array.from({ length: 23 }, (_, i) => ({ emspId: 'emsp-order', contractId: null, kind: kinds[i % kinds.length]!, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), stationId: i % 2 ? `S${i}` : null, detail: i % 3 ? { n: i, text: `quote " and \\ backslash ${i}` } : null }));
    await t.store.contracts.recordEvents(events);
    await t.store.contracts.recordEvents([]);
    const listed = await t.store.contracts.listEvents('emsp-order', { limit: 100 });
    assert.deepEqual(
      listed.map((e) => ({ emspId: e.emspId, contractId: e.contractId, kind: e.kind, at: e.at, stationId: e.stationId, detail: e.detail })),
      events,
    );
  });

  it('reads many CA keys in one statement', async () => {
    const keys = Array.from({ length: 5 }, (_, i) => ({ id: `key-many-${i}`, algorithm: 'EC', publicKey: randomBytes(65), encrypted: i === 4 ? null : { kekId: 'kek-1', iv: randomBytes(12), ciphertext: randomBytes(100 + i), authTag: randomBytes(16) }, externalRef: i === 4 ? 'hsm:slot-1' : null }));
    for (const k of keys) await t.store.caKeys.insert(k);
    const got = await t.store.caKeys.getMany(['key-many-3', 'key-many-0', 'no-such-key', 'key-many-4']);
    const byId = new Map(got.map((k) => [k.id, k]));
    assert.equal(got.length, 3);
    for (const id of ['key-many-0', 'key-many-3', 'key-many-4']) assert.deepEqual(byId.get(id), await t.store.caKeys.get(id));
    assert.deepEqual(await t.store.caKeys.getMany([]), []);
  });
});
