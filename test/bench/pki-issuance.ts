// Durable issuance throughput: the full cycle (reserve serial, build, lint, store intent, sign,
// store certificate + status + audit in one transaction) through the database, many in flight.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCaService } from '../../src/ca/ca-service.js';
import { createKek } from '../../src/ca/key-vault.js';
import { subjectFor } from '../../src/ca/lab-hierarchy.js';
import { generateKey } from '../../src/ca/software-signer.js';
import { silentLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore } from '../../src/store/store.js';

export interface IssuanceFigures {
  database: 'embedded' | 'postgres';
  certificates: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
}

export async function benchIssuance(opts: { databaseUrl?: string | undefined; count?: number; concurrency?: number } = {}): Promise<IssuanceFigures> {
  const count = opts.count ?? 10_000;
  const concurrency = opts.concurrency ?? 256;
  const dataDir = mkdtempSync(join(tmpdir(), 'plugtrust-bench-pki-'));
  let schema: string | null = null;
  let url = opts.databaseUrl;
  if (url) {
    schema = `bench_${process.pid}`;
    const admin = await openDb({ dataDir, databaseUrl: url, poolSize: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.close();
    const u = new URL(url);
    u.searchParams.set('options', `-c search_path=${schema}`);
    url = u.toString();
  }
  const db = await openDb({ dataDir, databaseUrl: url });
  try {
    await migrate(db);
    const store = createStore(db);
    const kek = createKek(randomBytes(32));
    const ca = createCaService({ store, kek: () => kek, publicBaseUrl: 'http://bench.invalid', log: silentLogger() });
    await ca.createRoot({ id: 'csms-root', profile: 'csms-root', subject: subjectFor('csms-root', { CN: 'Bench Root', O: 'Bench', C: 'DE' }), requestedBy: 'bench' });
    await ca.createSubCa({ id: 'csms-sub-ca', parentId: 'csms-root', profile: 'csms-sub-ca', subject: subjectFor('csms-sub-ca', { CN: 'Bench Sub-CA', O: 'Bench', C: 'DE' }), requestedBy: 'bench' });
    const keys = Array.from({ length: Math.min(count, 2000) }, () => generateKey({ kind: 'ec', curve: 'P-256' }).publicKey);
    const issueOne = (i: number) =>
      ca.issue({ issuerId: 'csms-sub-ca', profile: 'charging-station-leaf', subject: subjectFor('charging-station-leaf', { CN: `CS-${i}`, O: 'Bench' }), publicKey: keys[i % keys.length]!, identity: `CS-${i}`, requestedBy: 'bench' });
    // Warm-up: JIT, the issuer's signer, prepared paths.
    await Promise.all(Array.from({ length: 200 }, (_, i) => issueOne(count + i)));
    const latencies: number[] = [];
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) {
          const i = next++;
          const t0 = process.hrtime.bigint();
          await issueOne(i);
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM certificates WHERE status = 'issued' AND profile = 'charging-station-leaf'`);
    if (Number(rows[0]?.n) < count) throw new Error(`only ${rows[0]?.n} certificates stored as issued`);
    return {
      database: db.mode,
      certificates: count,
      concurrency,
      seconds: Math.round(seconds * 100) / 100,
      perSecond: Math.round(count / seconds),
      p50ms: Math.round((latencies[Math.floor(latencies.length * 0.5)] ?? 0) * 10) / 10,
      p99ms: Math.round((latencies[Math.floor(latencies.length * 0.99)] ?? 0) * 10) / 10,
    };
  } finally {
    await db.close();
    if (schema && opts.databaseUrl) {
      const admin = await openDb({ dataDir, databaseUrl: opts.databaseUrl, poolSize: 1 });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchIssuance({ databaseUrl: process.env.DATABASE_URL, count: Number(process.env.BENCH_COUNT ?? 10_000) });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
