// Forward-only migrations: numbered SQL files in migrations/, each applied once, in order, in its
// own transaction, under an advisory lock so that concurrent starts never race.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';
import { StoreError } from './errors.js';

// Any fixed 64-bit number unique to this application.
const MIGRATION_LOCK_KEY = 7_245_118_201;


export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function readMigrations(dir: string = findMigrationsDir()): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const version = Number(file.slice(0, 4));
    if (seen.has(version)) throw new StoreError('STORE_MIGRATION', `two migrations numbered ${version}`);
    seen.add(version);
    return { version, name: file.replace(/\.sql$/, ''), sql: readFileSync(join(dir, file), 'utf8') };
  });
}

/** migrations/ sits at the package root; from src/store (tsx) or dist/src/store (built). */
function findMigrationsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = resolve(here, up, 'migrations');
    try {
      readdirSync(dir);
      return dir;
    } catch {
      // try the next candidate
    }
  }
  throw new StoreError('STORE_MIGRATION', `migrations directory not found from ${here}`);
}

export interface MigrateResult {
  applied: string[];
  current: number;
}

export async function migrate(db: Db, migrations: readonly Migration[] = readMigrations()): Promise<MigrateResult> {
  return db.withTransaction(async (tx) => {
    // Transaction-scoped: released on COMMIT/ROLLBACK, so no session state is left behind.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    const done = new Set(rows.map((r) => r.version));
    const newest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
    const dbNewest = rows.reduce((m, x) => Math.max(m, x.version), 0);
    if (dbNewest > newest) {
      throw new StoreError('STORE_MIGRATION', `database schema version ${dbNewest} is newer than this build (${newest})`);
    }
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      try {
        await tx.query(m.sql);
      } catch (err) {
        throw new StoreError('STORE_MIGRATION', `migration ${m.name} failed: ${(err as Error).message}`);
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.name);
    }
    return { applied, current: Math.max(newest, dbNewest) };
  });
}
