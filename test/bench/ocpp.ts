// `npm run bench:ocpp`: connection, memory, throughput and restart figures for the CSMS, next to a
// bare `ws` echo server measured by the same clients in the same run. Each server runs in a child
// process (bench-server.ts), the stations in others (bench-client.ts); all traffic stays on
// loopback, with client sockets spread over several 127.0.0.x source addresses so the ephemeral
// port range is no limit. Both servers are set up one after the other and then stay up, so that
// their heartbeat rounds can alternate (echo, CSMS, CSMS, echo, ...): on a shared machine whose
// speed drifts by tens of percent within minutes, only rounds measured side by side compare.
// Prints a table and one `BENCH_JSON {...}` line, and writes the JSON to
// .bench/ocpp-<timestamp>.json. Every child is killed on exit; the whole run is bounded in time.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAllChildren } from './bench-ipc.js';
import { machineFacts, sh } from './bench-machine.js';
import { printReport, verdicts, type Report, type TargetName, type TargetResult } from './bench-report.js';
import { busyRound, restartTarget, setUpTarget, poolRounds, tearDown, type BenchEnv, type TargetRun } from './bench-target.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const SERVER_ENTRY = join(HERE, 'bench-server.ts');
const CLIENT_ENTRY = join(HERE, 'bench-client.ts');

const USAGE = `Usage: npm run bench:ocpp -- [options]

  --stations N          stations to connect (default: server open-file limit - 500)
  --busy N              stations sending Heartbeats back to back (default 100)
  --rounds N            heartbeat rounds per target, alternating between the targets (default 4)
  --duration S          measured seconds of each heartbeat round (default 5)
  --warmup S            unmeasured seconds before each round (default 2)
  --skip-echo           do not measure the bare ws echo server
  --skip-csms           do not measure the CSMS
  --skip-restart        do not kill -9 and restart the server
  --database-url URL    run the CSMS on this PostgreSQL (default: embedded database in a temp dir)
  --clients N           station processes (default: one per 10,000 stations)
  --concurrency N       stations onboarding at once during the initial connect (default 500)
  --addresses N         127.0.0.x source addresses per target (default 8)
  --no-deflate          stations do not offer permessage-deflate
  --no-record-payloads  CSMS frame log without payloads
  --no-gc-tuning        CSMS without its V8 garbage-collector tuning (--no-gc-tuning), to compare
  --profile             CPU profiles of the server during the heartbeat and restart phases
  --heap-snapshot       heap snapshot of the server with all stations connected, summarized
                        per station (best with a few thousand stations: snapshots get large)
  --server-node-args A  extra node options for the server process, space-separated
                        (e.g. --server-node-args=--max-semi-space-size=64), to try runtime tuning
  --restart-deadline S  give up waiting for the stations after a restart (default 120)
  --timeout M           abort the whole run after M minutes (default 15)
`;

const { values: flags } = parseArgs({
  options: {
    stations: { type: 'string' },
    busy: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '4' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'skip-echo': { type: 'boolean', default: false },
    'skip-csms': { type: 'boolean', default: false },
    'skip-restart': { type: 'boolean', default: false },
    'database-url': { type: 'string' },
    clients: { type: 'string' },
    concurrency: { type: 'string', default: '500' },
    addresses: { type: 'string', default: '8' },
    'no-deflate': { type: 'boolean', default: false },
    'no-record-payloads': { type: 'boolean', default: false },
    'no-gc-tuning': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'heap-snapshot': { type: 'boolean', default: false },
    'restart-deadline': { type: 'string', default: '120' },
    'server-node-args': { type: 'string', default: '' },
    timeout: { type: 'string', default: '15' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function intFlag(name: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`bench:ocpp: --${name} must be an integer in ${min}..${max}, got ${value}\n`);
    process.exit(2);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Bounded time, no orphans.

const timeoutMin = intFlag('timeout', flags.timeout, 1, 120);
const RUN_DEADLINE = Date.now() + timeoutMin * 60_000;
const CHILD_MAX_LIFE_S = timeoutMin * 60 + 120;

const TEMP_DIRS = new Set<string>();
/** The targets set up so far. */
const RUNS: TargetRun[] = [];
/** The report so far, printed if the run is aborted. */
let partial: Report | null = null;
process.on('exit', () => {
  killAllChildren();
  for (const dir of TEMP_DIRS) rmSync(dir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    process.stderr.write(`bench:ocpp: ${sig}, stopping\n`);
    killAllChildren();
    process.exit(130);
  });
}
const overall = setTimeout(() => {
  process.stderr.write(`bench:ocpp: overall timeout of ${timeoutMin} min reached, aborting\n`);
  killAllChildren();
  if (partial) {
    for (const run of RUNS) poolRounds(run);
    partial.verdicts = verdicts(partial.results, STATIONS);
    printReport(partial, true);
  }
  process.exit(2);
}, timeoutMin * 60_000);

const log = (msg: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Parameters.

const hardLimitText = sh('ulimit -Hn');
const serverFdLimit = hardLimitText === 'unlimited' || hardLimitText === '' ? 20_000 : Number(hardLimitText);
const STATIONS = flags.stations === undefined ? Math.max(1, serverFdLimit - 500) : intFlag('stations', flags.stations, 1, 1_000_000);
const BUSY = Math.min(intFlag('busy', flags.busy, 1, 100_000), STATIONS);
const ROUNDS = intFlag('rounds', flags.rounds, 1, 100);
const DURATION_S = intFlag('duration', flags.duration, 1, 600);
const WARMUP_S = intFlag('warmup', flags.warmup, 0, 600);
const CLIENTS = flags.clients === undefined ? Math.max(1, Math.ceil(STATIONS / 10_000)) : intFlag('clients', flags.clients, 1, 16);
const CONCURRENCY = intFlag('concurrency', flags.concurrency, 1, 100_000);
const ADDRESSES = intFlag('addresses', flags.addresses, 1, 100);
const RESTART_DEADLINE_S = intFlag('restart-deadline', flags['restart-deadline'], 5, 3600);
const DEFLATE = !flags['no-deflate'];
const RECORD_PAYLOADS = !flags['no-record-payloads'];
const GC_TUNING = !flags['no-gc-tuning'];
const DATABASE_URL = flags['database-url'];
const SERVER_NODE_ARGS = (flags['server-node-args'] ?? '').split(/\s+/).filter(Boolean);
const STAMP = new Date().toISOString().replace(/[:.]/g, '-');

async function main(): Promise<void> {
  const report: Report = {
    timestamp: new Date().toISOString(),
    machine: machineFacts(),
    params: {
      stations: STATIONS,
      busy: BUSY,
      rounds: ROUNDS,
      durationS: DURATION_S,
      warmupS: WARMUP_S,
      clients: CLIENTS,
      concurrency: CONCURRENCY,
      addresses: ADDRESSES,
      deflate: DEFLATE,
      recordPayloads: RECORD_PAYLOADS,
      gcTuning: GC_TUNING,
      database: DATABASE_URL ? 'postgres' : 'embedded',
      restart: !flags['skip-restart'],
      serverNodeArgs: SERVER_NODE_ARGS,
    },
    results: {},
    verdicts: {},
  };
  partial = report;
  log(`bench:ocpp: ${STATIONS} stations, ${CLIENTS} client process(es) per target, timeout ${timeoutMin} min`);
  const env: BenchEnv = {
    stations: STATIONS,
    busy: BUSY,
    durationS: DURATION_S,
    warmupS: WARMUP_S,
    clients: CLIENTS,
    concurrency: CONCURRENCY,
    addresses: ADDRESSES,
    restartDeadlineS: RESTART_DEADLINE_S,
    deflate: DEFLATE,
    recordPayloads: RECORD_PAYLOADS,
    gcTuning: GC_TUNING,
    databaseUrl: DATABASE_URL,
    serverNodeArgs: SERVER_NODE_ARGS,
    profile: flags.profile === true,
    heapSnapshot: flags['heap-snapshot'] === true,
    childMaxLifeS: CHILD_MAX_LIFE_S,
    stamp: STAMP,
    root: ROOT,
    serverEntry: SERVER_ENTRY,
    clientEntry: CLIENT_ENTRY,
    runDeadline: RUN_DEADLINE,
    tempDirs: TEMP_DIRS,
    log,
  };
  const wanted: [TargetName, number][] = [];
  if (!flags['skip-echo']) wanted.push(['echo', 0]);
  if (!flags['skip-csms']) wanted.push(['csms', ADDRESSES]);
  try {
    // Set up one at a time: each connect storm and memory reading has the machine to itself.
    for (const [target, addressOffset] of wanted) {
      const result: TargetResult = { target, stationsRequested: STATIONS };
      report.results[target] = result;
      RUNS.push(await setUpTarget(env, target, addressOffset, result));
    }
    // Heartbeat rounds in ABBA order (echo, CSMS, CSMS, echo, echo, ...): a drift of the machine's
    // speed during the phase weighs on both targets alike.
    for (let r = 0; r < ROUNDS; r++) {
      for (const run of r % 2 === 0 ? RUNS : [...RUNS].reverse()) await busyRound(env, run);
    }
    for (const run of RUNS) poolRounds(run);
    // Each restart while the other target sits idle with its stations connected.
    if (!flags['skip-restart']) for (const run of RUNS) await restartTarget(env, run);
  } finally {
    for (const run of RUNS) await tearDown(env, run);
  }
  report.verdicts = verdicts(report.results, STATIONS);
  printReport(report);
  const dir = join(ROOT, '.bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `ocpp-${STAMP}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`written ${relative(process.cwd(), file)}`);
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`bench:ocpp failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    clearTimeout(overall);
    killAllChildren();
  });
