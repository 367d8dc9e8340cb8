// One target of `npm run bench:ocpp` (the CSMS or the bare `ws` echo server) through its phases:
// set up (server, stations, memory), heartbeat rounds, kill -9 and restart, tear down. ocpp.ts
// decides the order, so that both targets' heartbeat rounds alternate on the same machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BenchChild } from './bench-ipc.js';
import { summarizeHeap } from './bench-heap.js';
import { summarizeProfile, type ProfileSummary } from './bench-profile.js';
import { machineCpuMs } from './bench-machine.js';
import { round, type BusyRound, type ClientStatus, type Cpu, type Eld, type Hist, type Mem, type TargetName, type TargetResult } from './bench-report.js';

export interface BenchEnv {
  stations: number;
  busy: number;
  durationS: number;
  warmupS: number;
  clients: number;
  concurrency: number;
  addresses: number;
  restartDeadlineS: number;
  deflate: boolean;
  recordPayloads: boolean;
  /** The CSMS's V8 tuning (--gc-tuning), on unless --no-gc-tuning. */
  gcTuning: boolean;
  databaseUrl: string | undefined;
  serverNodeArgs: string[];
  profile: boolean;
  heapSnapshot: boolean;
  childMaxLifeS: number;
  stamp: string;
  root: string;
  serverEntry: string;
  clientEntry: string;
  runDeadline: number;
  /** Temporary directories to remove if the process exits early. */
  tempDirs: Set<string>;
  log: (msg: string) => void;
}

/** A target that is set up: its server, its station processes, and its rounds so far. */
export interface TargetRun {
  readonly target: TargetName;
  readonly result: TargetResult;
  server: BenchChild | null;
  readonly clients: BenchChild[];
  readonly dataDir: string;
  port: number;
  readonly rounds: BusyRound[];
  /** The busy client's merged latency histogram over all rounds so far. */
  allRounds: Hist | null;
  busyProfile: ProfileSummary | null;
}

const remaining = (env: BenchEnv): number => env.runDeadline - Date.now();
const sleep = (env: BenchEnv, ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, Math.min(ms, remaining(env)))));

function spawnServer(env: BenchEnv, target: TargetName, port: number, dataDir: string): BenchChild {
  const args = ['--mode', target, '--port', String(port), '--data-dir', dataDir, '--record-payloads', String(env.recordPayloads), '--gc-tuning', String(env.gcTuning), '--max-life-s', String(env.childMaxLifeS)];
  if (env.databaseUrl) args.push('--database-url', env.databaseUrl);
  return new BenchChild({ name: `${target}-server`, script: env.serverEntry, args, nodeArgs: ['--expose-gc', ...env.serverNodeArgs] });
}

async function startServer(env: BenchEnv, target: TargetName, port: number, dataDir: string): Promise<{ child: BenchChild; port: number; startupMs: number; spawnToReadyMs: number; fdLimit: number }> {
  const t0 = Date.now();
  const child = spawnServer(env, target, port, dataDir);
  const ready = await child.once('ready', Math.min(120_000, remaining(env)));
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
async function pollUntil(env: BenchEnv, clients: BenchChild[], label: string, deadlineMs: number, done: (s: ClientStatus[]) => boolean): Promise<ClientStatus[]> {
  const end = Math.min(Date.now() + deadlineMs, env.runDeadline - 5_000);
  let last = 0;
  for (;;) {
    const st = await statuses(clients);
    if (done(st)) return st;
    if (Date.now() >= end) {
      env.log(`${label}: deadline reached (${sumStates(st)})`);
      return st;
    }
    if (Date.now() - last >= 2000) {
      last = Date.now();
      env.log(`${label}: ${sumStates(st)}`);
    }
    await sleep(env, 250);
  }
}

function profilePath(env: BenchEnv, target: TargetName, phase: string): string {
  return join(env.root, '.bench', 'profiles', `ocpp-${env.stamp}-${target}-${phase}.cpuprofile`);
}

/** Starts the server and its stations and measures memory. Failures land in result.error. */
export async function setUpTarget(env: BenchEnv, target: TargetName, addressOffset: number, result: TargetResult): Promise<TargetRun> {
  const dataDir = mkdtempSync(join(tmpdir(), `plugtrust-bench-${target}-`));
  env.tempDirs.add(dataDir);
  const run: TargetRun = { target, result, server: null, clients: [], dataDir, port: 0, rounds: [], allRounds: null, busyProfile: null };
  try {
    // ---- server, base memory ----
    env.log(`${target}: starting server`);
    const first = await startServer(env, target, 0, dataDir);
    run.server = first.child;
    run.port = first.port;
    result.server = { startupMs: first.startupMs, spawnToReadyMs: first.spawnToReadyMs, fdLimit: first.fdLimit };
    env.log(`${target}: listening on 127.0.0.1:${first.port} after ${first.spawnToReadyMs} ms (open-file limit ${first.fdLimit})`);
    await sleep(env, 1500);
    const server = run.server;
    const base = await server.request<Mem>('mem');

    // ---- stations ----
    const addresses = Array.from({ length: env.addresses }, (_, i) => `127.0.0.${2 + addressOffset + i}`);
    for (let k = 0; k < env.clients; k++) {
      run.clients.push(
        new BenchChild({
          name: `${target}-client${k}`,
          script: env.clientEntry,
          args: [
            '--index', String(k), '--url', `ws://127.0.0.1:${first.port}/ocpp/`, '--mode', target, '--deflate', String(env.deflate),
            '--local-addresses', addresses.join(','), '--max-life-s', String(env.childMaxLifeS),
          ],
        }),
      );
    }
    const clients = run.clients;
    await Promise.all(clients.map((c) => c.once('ready', 60_000)));
    env.log(`${target}: connecting ${env.stations} stations from ${env.clients} process(es) over ${addresses[0]}..${addresses.at(-1)}`);
    // Two steps, N/4 then the rest, with a memory reading in between: the per-station figure is
    // the slope between the two readings, so start-up transients of the server (a database
    // warming up, code compiled late) do not count as per-station cost.
    const concurrency = Math.max(1, Math.round(env.concurrency / env.clients));
    const connectDeadline = Math.max(120_000, env.stations * 20);
    const allIds = Array.from({ length: env.stations }, (_, i) => `BENCH-${String(i).padStart(6, '0')}`);
    const connectStep = async (label: string, from: number, to: number): Promise<{ elapsedMs: number; statuses: ClientStatus[] }> => {
      const slice = clients.map((_, k) => allIds.slice(from, to).filter((_id, i) => (from + i) % env.clients === k));
      const t = Date.now();
      await Promise.all(clients.map((c, k) => c.request('connect', { ids: slice[k], concurrency })));
      const st = await pollUntil(env, clients, label, connectDeadline, (x) => x.every((c) => c.onboarded === c.total));
      const done = st.every((x) => x.onboardAllAt !== null) ? Math.max(...st.map((x) => x.onboardAllAt!)) : Date.now();
      return { elapsedMs: done - t, statuses: st };
    };
    const firstStep = env.stations >= 400 ? Math.floor(env.stations / 4) : 0;
    let elapsedMs = 0;
    let mid: Mem | null = null;
    let midCount = 0;
    if (firstStep > 0) {
      const a = await connectStep(`${target} connect 1/2`, 0, firstStep);
      elapsedMs += a.elapsedMs;
      await sleep(env, 3000); // batched presence and frame-log writes settle
      mid = await server.request<Mem>('mem', {}, 60_000);
      midCount = await server.request<number>('count');
      env.log(`${target}: ${midCount} stations connected, RSS ${round(mid.rss / 2 ** 20)} MiB`);
    }
    await server.request('eld-reset');
    const b = await connectStep(`${target} connect${firstStep > 0 ? ' 2/2' : ''}`, firstStep, env.stations);
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
    env.log(`${target}: ${accepted}/${env.stations} stations accepted in ${(elapsedMs / 1000).toFixed(1)} s`);

    // ---- memory with N stations ----
    await sleep(env, 3000);
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
    if (env.heapSnapshot) {
      const file = join(env.root, '.bench', 'profiles', `ocpp-${env.stamp}-${target}.heapsnapshot`);
      env.log(`${target}: writing heap snapshot`);
      await server.request('heap-snapshot', { file }, 300_000);
      result.memory.heap = summarizeHeap(file, n);
      result.memory.heap.file = relative(env.root, file);
    }
    env.log(`${target}: RSS ${round(base.rss / 2 ** 20)} MiB empty, ${round(loaded.rss / 2 ** 20)} MiB with ${n} stations: ${perStationKiB} KiB per station`);
  } catch (err) {
    fail(env, run, err);
  }
  return run;
}

function fail(env: BenchEnv, run: TargetRun, err: unknown): void {
  run.result.error = err instanceof Error ? err.message : String(err);
  env.log(`${run.target}: FAILED: ${run.result.error}`);
}

/** One heartbeat round: `busy` stations back to back, a warm-up, then `durationS` measured. */
export async function busyRound(env: BenchEnv, run: TargetRun): Promise<void> {
  const { server, target } = run;
  const busyClient = run.clients[0];
  if (!server || !busyClient || run.result.error) return;
  const index = run.rounds.length;
  // The first round of each target is profiled, when asked: later rounds stay comparable.
  const profile = env.profile && index === 0;
  try {
    const stations = await busyClient.request<number>('busy-start', { count: env.busy });
    await sleep(env, env.warmupS * 1000);
    if (profile) await server.request('profile-start');
    await server.request('eld-reset');
    const others = run.clients.slice(1);
    const [s0, c0, ...others0] = await Promise.all([cpuMs(server), cpuMs(busyClient), ...others.map(cpuMs)]);
    const m0 = machineCpuMs();
    const startedAt = new Date().toISOString();
    await busyClient.request('busy-record-start');
    const w0 = performance.now();
    await sleep(env, env.durationS * 1000);
    const rec = await busyClient.request<{ elapsedMs: number; roundTrips: number; errors: number; perSecond: number; latency: Hist; allRounds: Hist }>('busy-record-stop');
    const wallMs = performance.now() - w0;
    const m1 = machineCpuMs();
    const [s1, c1, ...others1] = await Promise.all([cpuMs(server), cpuMs(busyClient), ...others.map(cpuMs)]);
    const idleClientsMs = others1.reduce((a, b, i) => a + b - (others0[i] ?? 0), 0);
    const machineMs = m0 && m1 ? ((m1.busy - m0.busy) / (m1.total - m0.total)) * wallMs * cpus().length : null;
    const eld = await server.request<Eld>('eld');
    const profileFile = profile ? await server.request<string | null>('profile-stop', { file: profilePath(env, target, 'heartbeat') }, 60_000) : null;
    await busyClient.request('busy-stop', {}, 10_000);
    const r: BusyRound = {
      index,
      startedAt,
      stations,
      roundTrips: rec.roundTrips,
      perSecond: round(rec.perSecond, 0),
      elapsedMs: round(rec.elapsedMs, 0),
      errors: rec.errors,
      latencyMs: rec.latency,
      wallMs: round(wallMs, 0),
      serverCpuMs: round(s1 - s0, 0),
      clientCpuMs: round(c1 - c0, 0),
      otherCpuMs: machineMs === null ? null : round(Math.max(0, machineMs - (s1 - s0) - (c1 - c0) - idleClientsMs), 0),
      eld,
    };
    run.rounds.push(r);
    run.allRounds = rec.allRounds;
    if (profileFile) run.busyProfile = summarizeProfile(profileFile, env.root);
    const cpu = (ms: number): string => `${round((ms / wallMs) * 100)}%`;
    env.log(`${target} round ${index + 1}: ${r.perSecond} round trips/s, p50 ${rec.latency.p50} ms, p99 ${rec.latency.p99} ms (server CPU ${cpu(r.serverCpuMs)}, client CPU ${cpu(r.clientCpuMs)})`);
  } catch (err) {
    fail(env, run, err);
  }
}

/** Sets the heartbeat figures of all rounds so far: pooled counts and CPU, merged latencies. */
export function poolRounds(run: TargetRun): void {
  const rounds = run.rounds;
  if (rounds.length === 0 || !run.allRounds) return;
  const sum = (f: (r: BusyRound) => number): number => rounds.reduce((a, r) => a + f(r), 0);
  const wallMs = sum((r) => r.wallMs);
  const elapsedMs = sum((r) => r.elapsedMs);
  const others = rounds.every((r) => r.otherCpuMs !== null) ? sum((r) => r.otherCpuMs ?? 0) : null;
  run.result.busy = {
    stations: Math.min(...rounds.map((r) => r.stations)),
    roundTrips: sum((r) => r.roundTrips),
    perSecond: round(sum((r) => r.roundTrips) / (elapsedMs / 1000), 0),
    elapsedMs,
    errors: sum((r) => r.errors),
    latencyMs: run.allRounds,
    serverCpuPct: round((sum((r) => r.serverCpuMs) / wallMs) * 100),
    clientCpuPct: round((sum((r) => r.clientCpuMs) / wallMs) * 100),
    otherCpuPct: others === null ? null : round((others / wallMs) * 100),
    // The event loop of the worst round.
    eld: rounds.map((r) => r.eld).reduce((a, b) => (b.p99 > a.p99 ? b : a)),
    rounds,
    ...(run.busyProfile ? { profile: run.busyProfile } : {}),
  };
}

/** kill -9 of the server, a new one on the same port and data, and the stations coming back. */
export async function restartTarget(env: BenchEnv, run: TargetRun): Promise<void> {
  const { target, clients, result } = run;
  if (!run.server || run.result.error) return;
  try {
    await sleep(env, 1000);
    await Promise.all(clients.map((c) => c.request('epoch', { epoch: 1 })));
    env.log(`${target}: kill -9 ${run.server.pid}`);
    const tKill = Date.now();
    await run.server.kill();
    const killToExitMs = Date.now() - tKill;
    run.server = null;
    const second = await startServer(env, target, run.port, run.dataDir);
    const server = second.child;
    run.server = server;
    const killToListeningMs = Date.now() - tKill;
    if (env.profile) await server.request('profile-start');
    env.log(`${target}: restarted, listening ${killToListeningMs} ms after the kill; waiting for ${env.stations} stations`);
    const back = await pollUntil(env, clients, `${target} restart`, env.restartDeadlineS * 1000 - (Date.now() - tKill), (s) => s.every((c) => c.epochReady === c.total));
    const backCount = back.reduce((a, s) => a + s.epochReady, 0);
    const allBack = back.every((s) => s.epochAllReadyAt !== null);
    const allBackAt = allBack ? Math.max(...back.map((s) => s.epochAllReadyAt!)) : null;
    const restartEld = await server.request<Eld>('eld');
    const restartProfile = env.profile ? await server.request<string | null>('profile-stop', { file: profilePath(env, target, 'restart') }, 60_000) : null;
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
    if (restartProfile) result.restart.profile = summarizeProfile(restartProfile, env.root);
    env.log(`${target}: ${backCount}/${env.stations} back${allBackAt === null ? '' : ` after ${((allBackAt - tKill) / 1000).toFixed(1)} s`}; event-loop delay p99 ${restartEld.p99} ms, max ${restartEld.max} ms`);
  } catch (err) {
    fail(env, run, err);
  }
}

/** Stops the stations and the server and removes the target's data. */
export async function tearDown(env: BenchEnv, run: TargetRun): Promise<void> {
  await Promise.all(run.clients.map((c) => c.request('stop', {}, 10_000).catch(() => undefined)));
  await Promise.all(run.clients.map((c) => c.kill()));
  if (run.server) await run.server.shutdown();
  run.server = null;
  rmSync(run.dataDir, { recursive: true, force: true });
  env.tempDirs.delete(run.dataDir);
}
