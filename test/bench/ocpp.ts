// `npm run bench:ocpp`: connection, memory, throughput and restart figures for the CSMS, next to a
// bare `ws` echo server measured by the same clients in the same run. The server runs in one child
// process (bench-server.ts), the stations in others (bench-client.ts); all traffic stays on
// loopback, with client sockets spread over several 127.0.0.x source addresses so the ephemeral
// port range is no limit. Prints a table and one `BENCH_JSON {...}` line, and writes the JSON to
// .bench/ocpp-<timestamp>.json. Every child is killed on exit; the whole run is bounded in time.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BenchChild, killAllChildren } from './bench-ipc.js';
import { summarizeHeap } from './bench-heap.js';
import { summarizeProfile } from './bench-profile.js';
import { machineCpuMs, machineFacts, sh } from './bench-machine.js';
import { printReport, round, verdicts, type ClientStatus, type Cpu, type Eld, type Hist, type Mem, type Report, type TargetName, type TargetResult } from './bench-report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const SERVER_ENTRY = join(HERE, 'bench-server.ts');
const CLIENT_ENTRY = join(HERE, 'bench-client.ts');

const USAGE = `Usage: npm run bench:ocpp -- [options]

  --stations N          stations to connect (default: server open-file limit - 500)
  --busy N              stations sending Heartbeats back to back (default 100)
  --duration S          measured seconds of the heartbeat phase (default 10)
  --warmup S            unmeasured seconds before it (default 2)
  --skip-echo           do not measure the bare ws echo server
  --skip-csms           do not measure the CSMS
  --skip-restart        do not kill -9 and restart the server
  --database-url URL    run the CSMS on this PostgreSQL (default: embedded database in a temp dir)
  --clients N           station processes (default: one per 10,000 stations)
  --concurrency N       stations onboarding at once during the initial connect (default 500)
  --addresses N         127.0.0.x source addresses per target (default 8)
  --no-deflate          stations do not offer permessage-deflate
  --no-record-payloads  CSMS frame log without payloads
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
    duration: { type: 'string', default: '10' },
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
    partial.verdicts = verdicts(partial.results, STATIONS);
    printReport(partial, true);
  }
  process.exit(2);
}, timeoutMin * 60_000);

const remaining = (): number => RUN_DEADLINE - Date.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, Math.min(ms, remaining()))));
const log = (msg: string): void => void process.stderr.write(`${new Date().toISOString().slice(11, 23)} ${msg}\n`);

// ---------------------------------------------------------------------------------------------
// Parameters.

const hardLimitText = sh('ulimit -Hn');
const serverFdLimit = hardLimitText === 'unlimited' || hardLimitText === '' ? 20_000 : Number(hardLimitText);
const STATIONS = flags.stations === undefined ? Math.max(1, serverFdLimit - 500) : intFlag('stations', flags.stations, 1, 1_000_000);
const BUSY = Math.min(intFlag('busy', flags.busy, 1, 100_000), STATIONS);
const DURATION_S = intFlag('duration', flags.duration, 1, 600);
const WARMUP_S = intFlag('warmup', flags.warmup, 0, 600);
const CLIENTS = flags.clients === undefined ? Math.max(1, Math.ceil(STATIONS / 10_000)) : intFlag('clients', flags.clients, 1, 16);
const CONCURRENCY = intFlag('concurrency', flags.concurrency, 1, 100_000);
const ADDRESSES = intFlag('addresses', flags.addresses, 1, 100);
const RESTART_DEADLINE_S = intFlag('restart-deadline', flags['restart-deadline'], 5, 3600);
const DEFLATE = !flags['no-deflate'];
const RECORD_PAYLOADS = !flags['no-record-payloads'];
const DATABASE_URL = flags['database-url'];
const SERVER_NODE_ARGS = (flags['server-node-args'] ?? '').split(/\s+/).filter(Boolean);
const STAMP = new Date().toISOString().replace(/[:.]/g, '-');

// ---------------------------------------------------------------------------------------------
// One target: start the server, connect, measure memory, heartbeats, restart.

function spawnServer(target: TargetName, port: number, dataDir: string): BenchChild {
  const args = ['--mode', target, '--port', String(port), '--data-dir', dataDir, '--record-payloads', String(RECORD_PAYLOADS), '--max-life-s', String(CHILD_MAX_LIFE_S)];
  if (DATABASE_URL) args.push('--database-url', DATABASE_URL);
  return new BenchChild({ name: `${target}-server`, script: SERVER_ENTRY, args, nodeArgs: ['--expose-gc', ...SERVER_NODE_ARGS] });
}

async function startServer(target: TargetName, port: number, dataDir: string): Promise<{ child: BenchChild; port: number; startupMs: number; spawnToReadyMs: number; fdLimit: number }> {
  const t0 = Date.now();
  const child = spawnServer(target, port, dataDir);
  const ready = await child.once('ready', Math.min(120_000, remaining()));
  return { child, port: Number(ready.port), startupMs: Number(ready.startupMs), spawnToReadyMs: Date.now() - t0, fdLimit: Number(ready.fdLimit) };
}

async function cpuMs(child: BenchChild): Promise<number> {
  const c = await child.request<Cpu>('cpu');
  return (c.user + c.system) / 1000;
}

async function statuses(clients: BenchChild[]): Promise<ClientStatus[]> {
  return Promise.all(clients.map((c) => c.request<ClientStatus>('status', {}, 10_000)));
}

function sumCounters(list: ClientStatus[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of list) for (const [k, v] of Object.entries(s.counters)) out[k] = (out[k] ?? 0) + v;
  return out;
}

function sumStates(list: ClientStatus[]): string {
  const out: Record<string, number> = {};
  for (const s of list) for (const [k, v] of Object.entries(s.states)) out[k] = (out[k] ?? 0) + v;
  return Object.entries(out)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** Polls the clients until `done` or the deadline; logs progress every 2 s. */
async function pollUntil(clients: BenchChild[], label: string, deadlineMs: number, done: (s: ClientStatus[]) => boolean): Promise<ClientStatus[]> {
  const end = Math.min(Date.now() + deadlineMs, RUN_DEADLINE - 5_000);
  let last = 0;
  for (;;) {
    const st = await statuses(clients);
    if (done(st)) return st;
    if (Date.now() >= end) {
      log(`${label}: deadline reached (${sumStates(st)})`);
      return st;
    }
    if (Date.now() - last >= 2000) {
      last = Date.now();
      log(`${label}: ${sumStates(st)}`);
    }
    await sleep(250);
  }
}


function profilePath(target: TargetName, phase: string): string {
  return join(ROOT, '.bench', 'profiles', `ocpp-${STAMP}-${target}-${phase}.cpuprofile`);
}

async function runTarget(target: TargetName, addressOffset: number): Promise<TargetResult> {
  const result: TargetResult = { target, stationsRequested: STATIONS };
  // Filled in place, so that an aborted run can still print what was measured.
  if (partial) partial.results[target] = result;
  const dataDir = mkdtempSync(join(tmpdir(), `plugtrust-bench-${target}-`));
  TEMP_DIRS.add(dataDir);
  let server: BenchChild | null = null;
  const clients: BenchChild[] = [];
  try {
    // ---- server, base memory ----
    log(`${target}: starting server`);
    const first = await startServer(target, 0, dataDir);
    server = first.child;
    result.server = { startupMs: first.startupMs, spawnToReadyMs: first.spawnToReadyMs, fdLimit: first.fdLimit };
    log(`${target}: listening on 127.0.0.1:${first.port} after ${first.spawnToReadyMs} ms (open-file limit ${first.fdLimit})`);
    await sleep(1500);
    const base = await server.request<Mem>('mem');

    // ---- stations ----
    const addresses = Array.from({ length: ADDRESSES }, (_, i) => `127.0.0.${2 + addressOffset + i}`);
    for (let k = 0; k < CLIENTS; k++) {
      clients.push(
        new BenchChild({
          name: `${target}-client${k}`,
          script: CLIENT_ENTRY,
          args: [
            '--index', String(k), '--url', `ws://127.0.0.1:${first.port}/ocpp/`, '--mode', target, '--deflate', String(DEFLATE),
            '--local-addresses', addresses.join(','), '--max-life-s', String(CHILD_MAX_LIFE_S),
          ],
        }),
      );
    }
    await Promise.all(clients.map((c) => c.once('ready', 60_000)));
    log(`${target}: connecting ${STATIONS} stations from ${CLIENTS} process(es) over ${addresses[0]}..${addresses.at(-1)}`);
    // Two steps, N/4 then the rest, with a memory reading in between: the per-station figure is
    // the slope between the two readings, so start-up transients of the server (a database
    // warming up, code compiled late) do not count as per-station cost.
    const concurrency = Math.max(1, Math.round(CONCURRENCY / CLIENTS));
    const connectDeadline = Math.max(120_000, STATIONS * 20);
    const allIds = Array.from({ length: STATIONS }, (_, i) => `BENCH-${String(i).padStart(6, '0')}`);
    const connectStep = async (label: string, from: number, to: number): Promise<{ elapsedMs: number; statuses: ClientStatus[] }> => {
      const slice = clients.map((_, k) => allIds.slice(from, to).filter((_id, i) => (from + i) % CLIENTS === k));
      const t = Date.now();
      await Promise.all(clients.map((c, k) => c.request('connect', { ids: slice[k], concurrency })));
      const st = await pollUntil(clients, label, connectDeadline, (x) => x.every((c) => c.onboarded === c.total));
      const done = st.every((x) => x.onboardAllAt !== null) ? Math.max(...st.map((x) => x.onboardAllAt!)) : Date.now();
      return { elapsedMs: done - t, statuses: st };
    };
    const firstStep = STATIONS >= 400 ? Math.floor(STATIONS / 4) : 0;
    let elapsedMs = 0;
    let mid: Mem | null = null;
    let midCount = 0;
    if (firstStep > 0) {
      const a = await connectStep(`${target} connect 1/2`, 0, firstStep);
      elapsedMs += a.elapsedMs;
      await sleep(3000); // batched presence and frame-log writes settle
      mid = await server.request<Mem>('mem', {}, 60_000);
      midCount = await server.request<number>('count');
      log(`${target}: ${midCount} stations connected, RSS ${round(mid.rss / 2 ** 20)} MiB`);
    }
    await server.request('eld-reset');
    const b = await connectStep(`${target} connect${firstStep > 0 ? ' 2/2' : ''}`, firstStep, STATIONS);
    elapsedMs += b.elapsedMs;
    const afterConnect = b.statuses;
    const accepted = afterConnect.reduce((a, x) => a + x.onboarded, 0);
    const onboarding = await Promise.all(clients.map((c) => c.request<Hist>('onboarding')));
    const connectEld = await server.request<Eld>('eld');
    result.connect = {
      accepted,
      serverCount: await server.request<number>('count'),
      elapsedMs,
      ratePerS: round(accepted / (elapsedMs / 1000), 0),
      // Per-process histograms: report the slowest process's percentiles.
      onboardingMs: onboarding.reduce((x, y) => (y.p99 > x.p99 ? y : x)),
      eld: connectEld,
      counters: sumCounters(afterConnect),
    };
    log(`${target}: ${accepted}/${STATIONS} stations accepted in ${(elapsedMs / 1000).toFixed(1)} s`);

    // ---- memory with N stations ----
    await sleep(3000);
    const loaded = await server.request<Mem>('mem', {}, 60_000);
    const n = Math.max(1, result.connect.serverCount || accepted);
    const ref = mid && n > midCount ? mid : base;
    const refCount = ref === mid ? midCount : 0;
    const per = (a: number, z: number): number => round((a - z) / (n - refCount) / 1024, 2);
    const perStationKiB = per(loaded.rss, ref.rss);
    result.memory = {
      base,
      mid,
      midStations: refCount,
      loaded,
      perStationKiB,
      perStationVsEmptyKiB: round((loaded.rss - base.rss) / n / 1024, 2),
      heapUsedPerStationKiB: per(loaded.heapUsed, ref.heapUsed),
      externalPerStationKiB: per(loaded.external, ref.external),
      // RSS not explained by live JS objects or external buffers: heap slack, native (sockets, zlib, malloc).
      nativePerStationKiB: round(perStationKiB - per(loaded.heapUsed, ref.heapUsed) - per(loaded.external, ref.external), 2),
      extrapolated100kMiB: round((loaded.rss + (100_000 - n) * perStationKiB * 1024) / 2 ** 20, 0),
    };
    if (flags['heap-snapshot']) {
      const file = join(ROOT, '.bench', 'profiles', `ocpp-${STAMP}-${target}.heapsnapshot`);
      log(`${target}: writing heap snapshot`);
      await server.request('heap-snapshot', { file }, 300_000);
      result.memory.heap = summarizeHeap(file, n);
      result.memory.heap.file = relative(ROOT, file);
    }
    log(`${target}: RSS ${round(base.rss / 2 ** 20)} MiB empty, ${round(loaded.rss / 2 ** 20)} MiB with ${n} stations: ${perStationKiB} KiB per station`);

    // ---- busy heartbeats ----
    const busyClient = clients[0]!;
    const started = await busyClient.request<number>('busy-start', { count: BUSY });
    log(`${target}: ${started} stations sending Heartbeats back to back (${WARMUP_S} s warm-up, ${DURATION_S} s measured)`);
    await sleep(WARMUP_S * 1000);
    if (flags.profile) await server.request('profile-start');
    await server.request('eld-reset');
    const [s0, c0, ...others0] = await Promise.all([cpuMs(server), cpuMs(busyClient), ...clients.slice(1).map(cpuMs)]);
    const m0 = machineCpuMs();
    await busyClient.request('busy-record-start');
    const w0 = performance.now();
    await sleep(DURATION_S * 1000);
    const rec = await busyClient.request<{ elapsedMs: number; roundTrips: number; errors: number; perSecond: number; latency: Hist }>('busy-record-stop');
    const wall = performance.now() - w0;
    const m1 = machineCpuMs();
    const [s1, c1, ...others1] = await Promise.all([cpuMs(server), cpuMs(busyClient), ...clients.slice(1).map(cpuMs)]);
    const idleClientsMs = others1.reduce((a, b, i) => a + b - (others0[i] ?? 0), 0);
    const machineMs = m0 && m1 ? ((m1.busy - m0.busy) / (m1.total - m0.total)) * wall * cpus().length : null;
    const busyEld = await server.request<Eld>('eld');
    const busyProfile = flags.profile ? await server.request<string | null>('profile-stop', { file: profilePath(target, 'heartbeat') }, 60_000) : null;
    await busyClient.request('busy-stop', {}, 10_000);
    result.busy = {
      stations: started,
      roundTrips: rec.roundTrips,
      perSecond: round(rec.perSecond, 0),
      elapsedMs: round(rec.elapsedMs, 0),
      errors: rec.errors,
      latencyMs: rec.latency,
      serverCpuPct: round(((s1 - s0) / wall) * 100),
      clientCpuPct: round(((c1 - c0) / wall) * 100),
      otherCpuPct: machineMs === null ? null : round(Math.max(0, (machineMs - (s1 - s0) - (c1 - c0) - idleClientsMs) / wall) * 100),
      eld: busyEld,
    };
    if (busyProfile) result.busy.profile = summarizeProfile(busyProfile, ROOT);
    log(`${target}: ${result.busy.perSecond} round trips/s, p50 ${rec.latency.p50} ms, p99 ${rec.latency.p99} ms (server CPU ${result.busy.serverCpuPct}%, client CPU ${result.busy.clientCpuPct}%)`);

    // ---- kill -9 and restart ----
    if (!flags['skip-restart']) {
      await sleep(1000);
      await Promise.all(clients.map((c) => c.request('epoch', { epoch: 1 })));
      log(`${target}: kill -9 ${server.pid}`);
      const tKill = Date.now();
      await server.kill();
      const killToExitMs = Date.now() - tKill;
      server = null;
      const second = await startServer(target, first.port, dataDir);
      server = second.child;
      const killToListeningMs = Date.now() - tKill;
      if (flags.profile) await server.request('profile-start');
      log(`${target}: restarted, listening ${killToListeningMs} ms after the kill; waiting for ${STATIONS} stations`);
      const back = await pollUntil(clients, `${target} restart`, RESTART_DEADLINE_S * 1000 - (Date.now() - tKill), (s) => s.every((c) => c.epochReady === c.total));
      const backCount = back.reduce((a, s) => a + s.epochReady, 0);
      const allBack = back.every((s) => s.epochAllReadyAt !== null);
      const allBackAt = allBack ? Math.max(...back.map((s) => s.epochAllReadyAt!)) : null;
      const restartEld = await server.request<Eld>('eld');
      const restartProfile = flags.profile ? await server.request<string | null>('profile-stop', { file: profilePath(target, 'restart') }, 60_000) : null;
      result.restart = {
        allBack,
        back: backCount,
        allBackMs: allBackAt === null ? null : allBackAt - tKill,
        killToExitMs,
        killToListeningMs,
        listeningToAllBackMs: allBackAt === null ? null : allBackAt - (tKill + killToListeningMs),
        serverStartupMs: second.startupMs,
        serverCount: await server.request<number>('count'),
        eld: restartEld,
        counters: sumCounters(back),
      };
      if (restartProfile) result.restart.profile = summarizeProfile(restartProfile, ROOT);
      log(`${target}: ${backCount}/${STATIONS} back${allBackAt === null ? '' : ` after ${((allBackAt - tKill) / 1000).toFixed(1)} s`}; event-loop delay p99 ${restartEld.p99} ms, max ${restartEld.max} ms`);
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    log(`${target}: FAILED: ${result.error}`);
  } finally {
    await Promise.all(clients.map((c) => c.request('stop', {}, 10_000).catch(() => undefined)));
    await Promise.all(clients.map((c) => c.kill()));
    if (server) await server.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
    TEMP_DIRS.delete(dataDir);
  }
  return result;
}

async function main(): Promise<void> {
  const report: Report = {
    timestamp: new Date().toISOString(),
    machine: machineFacts(),
    params: {
      stations: STATIONS,
      busy: BUSY,
      durationS: DURATION_S,
      warmupS: WARMUP_S,
      clients: CLIENTS,
      concurrency: CONCURRENCY,
      addresses: ADDRESSES,
      deflate: DEFLATE,
      recordPayloads: RECORD_PAYLOADS,
      database: DATABASE_URL ? 'postgres' : 'embedded',
      restart: !flags['skip-restart'],
      serverNodeArgs: SERVER_NODE_ARGS,
    },
    results: {},
    verdicts: {},
  };
  partial = report;
  log(`bench:ocpp: ${STATIONS} stations, ${CLIENTS} client process(es), timeout ${timeoutMin} min`);
  if (!flags['skip-echo']) report.results.echo = await runTarget('echo', 0);
  if (!flags['skip-csms']) report.results.csms = await runTarget('csms', ADDRESSES);
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
