// The embedded database's autovacuum on a real store: a table with dead rows is vacuumed and
// analyzed, and the next pass leaves it alone. (Run on PostgreSQL too, with its own autovacuum
// switched off for the table so that it cannot get there first.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startEmbeddedVacuum, type EmbeddedVacuum } from '../../src/jobs/embedded-vacuum.js';
import { silentLogger } from '../../src/log.js';
import { openTestStore, type TestStore } from '../helpers/test-db.js';

interface Stats {
  dead: string;
  vacuumed: Date | null;
}

describe('embedded vacuum', { timeout: 60_000 }, () => {
  let t: TestStore;
  let vacuum: EmbeddedVacuum;
  const stats = async (): Promise<Stats> =>
    (await t.db.query<Stats>("SELECT n_dead_tup AS dead, last_vacuum AS vacuumed FROM pg_stat_user_tables WHERE relname = 'emsps' AND schemaname = current_schema()")).rows[0]!;
  /** Table statistics reach pg_stat_user_tables a little after the statements (at most every second when idle). */
  const until = async (ok: (s: Stats) => boolean): Promise<Stats> => {
    for (let i = 0; i < 150; i++) {
      const s = await stats();
      if (ok(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    return stats();
  };

  before(async () => {
    t = await openTestStore();
    vacuum = startEmbeddedVacuum({ db: t.db, log: silentLogger(), intervalMs: 3_600_000 });
  });
  after(async () => {
    await vacuum.stop();
    await t.close();
  });

  it('vacuums a table whose dead rows pass the threshold, then leaves it alone', async () => {
    await t.db.query('ALTER TABLE emsps SET (autovacuum_enabled = false)');
    await t.db.query("INSERT INTO emsps (id, name) SELECT 'e' || g, 'n' FROM generate_series(1, 400) g");
    for (let i = 0; i < 3; i++) await t.db.query('UPDATE emsps SET name = name || $1', ['x']);
    const before = await until((s) => Number(s.dead) >= 500); // 1,200 updated, some pruned on the way
    assert.ok(Number(before.dead) >= 500, `dead rows seen: ${before.dead}`);
    assert.equal(before.vacuumed, null);

    const done = await vacuum.runOnce();
    assert.ok(done.some((d) => d.table === 'emsps' && d.action === 'vacuum'), JSON.stringify(done));
    const afterwards = await until((s) => s.vacuumed !== null && Number(s.dead) === 0);
    assert.equal(Number(afterwards.dead), 0);
    assert.ok(afterwards.vacuumed instanceof Date);

    const again = await vacuum.runOnce();
    assert.equal(again.find((d) => d.table === 'emsps'), undefined);
  });
});
