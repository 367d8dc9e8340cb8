// Autovacuum for the embedded database. PGlite is PostgreSQL without its background processes:
// autovacuum is "on" but nothing launches it, so dead rows (frame-log retention, connector and
// job updates) were never reclaimed, the planner's statistics never refreshed, and transaction
// ids never frozen (a database that is never frozen stops accepting writes near 2^31 transactions).
// Once a minute (autovacuum_naptime) this job asks pg_stat_user_tables what autovacuum would ask and
// runs VACUUM / ANALYZE on the tables PostgreSQL's default thresholds select, one at a time: the
// embedded database has one session, so each statement holds it for its duration, which the
// thresholds keep proportional to what changed. Real PostgreSQL runs its own autovacuum; this job
// is started only in embedded mode.
import type { Db } from '../store/db.js';
import type { Logger } from '../log.js';

export interface TableActivity {
  /** pg_class.reltuples (-1 before the first VACUUM / ANALYZE: taken as 0). */
  tuples: number;
  dead: number;
  insertedSinceVacuum: number;
  modifiedSinceAnalyze: number;
  /** age(relfrozenxid) */
  xidAge: number;
}

export type Maintenance = 'vacuum' | 'analyze' | null;

// PostgreSQL's defaults (postgresql.conf, "AUTOVACUUM").
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE = 0.2;
const INSERT_THRESHOLD = 1000;
const INSERT_SCALE = 0.2;
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE = 0.1;
const FREEZE_MAX_AGE = 200_000_000;

/** What PostgreSQL's autovacuum would do to this table now (VACUUM here always analyzes too). */
export function maintenanceFor(t: TableActivity): Maintenance {
  const tuples = Math.max(0, t.tuples);
  if (t.xidAge > FREEZE_MAX_AGE) return 'vacuum';
  if (t.dead > VACUUM_THRESHOLD + VACUUM_SCALE * tuples) return 'vacuum';
  if (t.insertedSinceVacuum > INSERT_THRESHOLD + INSERT_SCALE * tuples) return 'vacuum';
  if (t.modifiedSinceAnalyze > ANALYZE_THRESHOLD + ANALYZE_SCALE * tuples) return 'analyze';
  return null;
}

export interface EmbeddedVacuumDeps {
  db: Pick<Db, 'query'>;
  log: Logger;
  /** Default one minute. */
  intervalMs?: number;
}

export interface MaintenanceDone {
  table: string;
  action: Exclude<Maintenance, null>;
  ms: number;
}

export interface EmbeddedVacuum {
  /** One pass now (tests, and the first minute); resolves with what was done. */
  runOnce(): Promise<MaintenanceDone[]>;
  stop(): Promise<void>;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export function startEmbeddedVacuum(deps: EmbeddedVacuumDeps): EmbeddedVacuum {
  let running: Promise<MaintenanceDone[]> | null = null;
  let stopped = false;

  async function pass(): Promise<MaintenanceDone[]> {
    const done: MaintenanceDone[] = [];
    const { rows } = await deps.db.query<{ name: string; tuples: number; dead: string; inserted: string; modified: string; xid_age: number }>(
      `SELECT s.relname AS name, c.reltuples::float8 AS tuples, s.n_dead_tup AS dead, s.n_ins_since_vacuum AS inserted,
              s.n_mod_since_analyze AS modified, age(c.relfrozenxid) AS xid_age
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.schemaname = current_schema()
        ORDER BY s.relname`,
    );
    for (const r of rows) {
      if (stopped) break;
      const action = maintenanceFor({ tuples: r.tuples, dead: Number(r.dead), insertedSinceVacuum: Number(r.inserted), modifiedSinceAnalyze: Number(r.modified), xidAge: r.xid_age });
      if (!action) continue;
      const started = performance.now();
      try {
        await deps.db.query(`${action === 'vacuum' ? 'VACUUM (ANALYZE)' : 'ANALYZE'} ${quoteIdent(r.name)}`);
      } catch (err) {
        deps.log.error({ err, table: r.name, action }, 'embedded database maintenance failed');
        continue;
      }
      const ms = Math.round(performance.now() - started);
      done.push({ table: r.name, action, ms });
      deps.log.debug({ table: r.name, action, ms, dead: Number(r.dead) }, 'embedded database maintenance');
    }
    return done;
  }

  const runOnce: EmbeddedVacuum['runOnce'] = () =>
    (running ??= pass()
      .catch((err: unknown) => {
        deps.log.error({ err }, 'embedded database maintenance could not read table statistics');
        return [];
      })
      .finally(() => (running = null)));

  const timer = setInterval(() => void runOnce(), deps.intervalMs ?? 60_000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
