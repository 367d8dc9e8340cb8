// The benchmark's result types, its verdicts against the targets, and the printed report.
import type { HeapSummary } from './bench-heap.js';
import type { ProfileSummary } from './bench-profile.js';

export const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

export type TargetName = 'csms' | 'echo';

export interface Mem {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}
export interface Eld {
  p50: number;
  p99: number;
  max: number;
  mean: number;
  p99Excess: number;
  maxExcess: number;
  samples: number;
}
export interface Cpu {
  user: number;
  system: number;
}
export interface ClientStatus {
  total: number;
  onboarded: number;
  onboardAllAt: number | null;
  epoch: number;
  epochReady: number;
  epochAllReadyAt: number | null;
  states: Record<string, number>;
  counters: Record<string, number>;
}
export interface Hist {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/** Heartbeat figures of one round, or of all rounds pooled. */
export interface HeartbeatFigures {
  stations: number;
  roundTrips: number;
  perSecond: number;
  elapsedMs: number;
  errors: number;
  latencyMs: Hist;
}

/** One measured heartbeat round of one target. */
export interface BusyRound extends HeartbeatFigures {
  index: number;
  startedAt: string;
  wallMs: number;
  serverCpuMs: number;
  clientCpuMs: number;
  otherCpuMs: number | null;
  eld: Eld;
}

export interface TargetResult {
  target: TargetName;
  stationsRequested: number;
  error?: string;
  server?: { startupMs: number; spawnToReadyMs: number; fdLimit: number };
  connect?: { accepted: number; serverCount: number; elapsedMs: number; ratePerS: number; onboardingMs: Hist; eld: Eld; counters: Record<string, number> };
  memory?: {
    base: Mem;
    /** Reading after the first quarter of the stations (null when too few stations). */
    mid: Mem | null;
    midStations: number;
    loaded: Mem;
    /** Marginal RSS per station between `mid` and `loaded`. */
    perStationKiB: number;
    /** (loaded - empty server) / N: includes start-up transients. */
    perStationVsEmptyKiB: number;
    heapUsedPerStationKiB: number;
    externalPerStationKiB: number;
    nativePerStationKiB: number;
    extrapolated100kMiB: number;
    heap?: HeapSummary;
  };
  /** All heartbeat rounds pooled: round trips over their total time, latencies merged. */
  busy?: HeartbeatFigures & {
    serverCpuPct: number;
    clientCpuPct: number;
    /** CPU used meanwhile by everything else on the machine (% of one core). */
    otherCpuPct: number | null;
    /** The event loop of the round with the highest p99. */
    eld: Eld;
    rounds: BusyRound[];
    profile?: ProfileSummary;
  };
  restart?: {
    allBack: boolean;
    back: number;
    allBackMs: number | null;
    killToExitMs: number;
    killToListeningMs: number;
    listeningToAllBackMs: number | null;
    serverStartupMs: number;
    serverCount: number;
    eld: Eld;
    counters: Record<string, number>;
    profile?: ProfileSummary;
  };
}

// ---------------------------------------------------------------------------------------------
// Report.

export interface Report {
  timestamp: string;
  machine: Record<string, unknown>;
  params: Record<string, unknown>;
  results: Partial<Record<TargetName, TargetResult>>;
  verdicts: Record<string, { value: number | null; target: string; pass: boolean | null }>;
}

export function verdicts(r: Report['results'], stations: number): Report['verdicts'] {
  const c = r.csms;
  const e = r.echo;
  const ratio = c?.busy && e?.busy && e.busy.perSecond > 0 ? round(c.busy.perSecond / e.busy.perSecond, 3) : null;
  const v = (value: number | null | undefined, target: string, ok: (x: number) => boolean): Report['verdicts'][string] => ({
    value: value ?? null,
    target,
    pass: value === null || value === undefined ? null : ok(value),
  });
  return {
    stationsAccepted: v(c?.connect?.accepted, `= ${stations}`, (x) => x === stations),
    // A negative figure means the baseline was inflated (e.g. start-up garbage): not a pass.
    rssPerStationKiB: v(c?.memory?.perStationKiB, '<= 15 KiB', (x) => x > 0 && x <= 15),
    throughputVsEcho: v(ratio, '>= 0.60', (x) => x >= 0.6),
    heartbeatP99Ms: v(c?.busy?.latencyMs.p99, '< 10 ms', (x) => x < 10),
    restartAllBackS: v(c?.restart ? (c.restart.allBackMs === null ? Number.POSITIVE_INFINITY : round(c.restart.allBackMs / 1000)) : null, '<= 30 s', (x) => x <= 30),
    restartEldP99Ms: v(c?.restart?.eld.p99, '< 100 ms', (x) => x < 100),
  };
}

/** CSMS round trips/s over the echo's, round i against round i (the rounds alternate). */
export function roundRatios(r: Report['results']): number[] {
  const c = r.csms?.busy?.rounds ?? [];
  const e = r.echo?.busy?.rounds ?? [];
  return c.slice(0, e.length).map((x, i) => round(x.perSecond / e[i]!.perSecond, 3));
}

export function printReport(report: Report, aborted = false): void {
  const cols: TargetName[] = (['csms', 'echo'] as const).filter((t) => report.results[t]);
  const get = (t: TargetName): TargetResult | undefined => report.results[t];
  const rows: [string, ...string[]][] = [];
  const row = (label: string, f: (r: TargetResult) => string | number | null | undefined, target = ''): void => {
    rows.push([label, ...cols.map((t) => {
      const r = get(t);
      const v = r ? f(r) : undefined;
      return v === undefined || v === null ? '-' : String(v);
    }), target]);
  };
  const mib = (b: number | undefined): string | undefined => (b === undefined ? undefined : `${round(b / 2 ** 20)}`);
  const pct = (n: number | undefined): string | undefined => (n === undefined ? undefined : `${n}%`);
  const verdict = (k: string): string => {
    const x = report.verdicts[k];
    if (!x) return '';
    return `${x.target} ${x.pass === null ? '(n/a)' : x.pass ? 'PASS' : 'FAIL'}`;
  };
  rows.push(['1. stations', ...cols.map(() => ''), '']);
  row('  requested', (r) => r.stationsRequested);
  row('  accepted + status answered', (r) => r.connect?.accepted, verdict('stationsAccepted'));
  row('  connected per server', (r) => r.connect?.serverCount);
  row('  time to connect all (s)', (r) => (r.connect ? round(r.connect.elapsedMs / 1000, 2) : undefined));
  row('  rate (stations/s)', (r) => r.connect?.ratePerS);
  row('  onboarding p50 / p99 (ms)', (r) => (r.connect ? `${r.connect.onboardingMs.p50} / ${r.connect.onboardingMs.p99}` : undefined));
  row('  event-loop delay p99 / max (ms)', (r) => (r.connect ? `${r.connect.eld.p99} / ${r.connect.eld.max}` : undefined));
  rows.push(['2. memory', ...cols.map(() => ''), '']);
  row('  server RSS, 0 stations (MiB)', (r) => mib(r.memory?.base.rss));
  row('  server RSS, N/4 stations (MiB)', (r) => mib(r.memory?.mid?.rss));
  row('  server RSS, N stations (MiB)', (r) => mib(r.memory?.loaded.rss));
  row('  RSS per station, N/4 -> N (KiB)', (r) => r.memory?.perStationKiB, verdict('rssPerStationKiB'));
  row('  RSS per station, 0 -> N (KiB)', (r) => r.memory?.perStationVsEmptyKiB);
  row('    live JS heap (KiB)', (r) => r.memory?.heapUsedPerStationKiB);
  row('    external buffers (KiB)', (r) => r.memory?.externalPerStationKiB);
  row('    rest: heap slack, native (KiB)', (r) => r.memory?.nativePerStationKiB);
  row('  RSS at 100,000 stations (MiB)', (r) => r.memory?.extrapolated100kMiB);
  rows.push([`3. heartbeats`, ...cols.map(() => ''), '']);
  row('  busy stations', (r) => r.busy?.stations);
  row('  round trips/s', (r) => r.busy?.perSecond, verdict('throughputVsEcho'));
  row('    by round', (r) => r.busy?.rounds.map((x) => x.perSecond).join(' / '));
  row('  latency p50 (ms)', (r) => r.busy?.latencyMs.p50);
  row('  latency p99 (ms)', (r) => r.busy?.latencyMs.p99, verdict('heartbeatP99Ms'));
  row('    by round', (r) => r.busy?.rounds.map((x) => x.latencyMs.p99).join(' / '));
  row('  latency p99.9 / max (ms)', (r) => (r.busy ? `${r.busy.latencyMs.p999} / ${r.busy.latencyMs.max}` : undefined));
  row('  CALLERRORs', (r) => r.busy?.errors);
  row('  server CPU (% of a core)', (r) => pct(r.busy?.serverCpuPct));
  row('  client CPU (% of a core)', (r) => pct(r.busy?.clientCpuPct));
  row('  other processes CPU (% of a core)', (r) => pct(r.busy?.otherCpuPct ?? undefined));
  row('  event-loop delay p99 / max (ms)', (r) => (r.busy ? `${r.busy.eld.p99} / ${r.busy.eld.max}` : undefined));
  rows.push(['4. kill -9 and restart', ...cols.map(() => ''), '']);
  row('  stations back', (r) => r.restart?.back);
  row('  all back after kill (s)', (r) => (r.restart ? (r.restart.allBackMs === null ? 'never' : round(r.restart.allBackMs / 1000, 2)) : undefined), verdict('restartAllBackS'));
  row('    kill -> old process gone (s)', (r) => (r.restart ? round(r.restart.killToExitMs / 1000, 2) : undefined));
  row('    kill -> listening again (s)', (r) => (r.restart ? round(r.restart.killToListeningMs / 1000, 2) : undefined));
  row('    of which server start (s)', (r) => (r.restart ? round(r.restart.serverStartupMs / 1000, 2) : undefined));
  row('    listening -> all back (s)', (r) => (r.restart?.listeningToAllBackMs == null ? undefined : round(r.restart.listeningToAllBackMs / 1000, 2)));
  row('  event-loop delay p99 (ms)', (r) => r.restart?.eld.p99, verdict('restartEldP99Ms'));
  row('  event-loop delay max (ms)', (r) => r.restart?.eld.max);
  row('  connect attempts / refused', (r) => (r.restart ? `${r.restart.counters.connectAttempts ?? 0} / ${r.restart.counters.refused ?? 0}` : undefined));
  row('  HTTP errors / timeouts', (r) => (r.restart ? `${r.restart.counters.httpErrors ?? 0} / ${(r.restart.counters.handshakeTimeouts ?? 0) + (r.restart.counters.callTimeouts ?? 0)}` : undefined));
  const errors = cols.map((t) => get(t)?.error).filter(Boolean);

  const header: [string, ...string[]] = ['', ...cols.map((t) => (t === 'csms' ? 'CSMS' : 'ws echo')), 'target'];
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const m = report.machine;
  const out: string[] = [];
  out.push('');
  out.push(`OCPP benchmark ${report.timestamp}${aborted ? ' (ABORTED: partial)' : ''}`);
  out.push(`machine: ${String(m.cpuModel)}, ${String(m.cores)} cores, ${String(m.memoryGiB)} GiB, node ${String(m.node)}, open files ${String(m.fdLimitSoft)}/${String(m.fdLimitHard)}, load average at start ${String(m.loadAverageAtStart)}`);
  const p = report.params;
  out.push(`params: ${String(p.stations)} stations, ${String(p.busy)} busy in ${String(p.rounds)} round(s) of ${String(p.durationS)} s (+${String(p.warmupS)} s warm-up) per target, ${String(p.clients)} client process(es) per target, deflate offered: ${String(p.deflate)}, payloads recorded: ${String(p.recordPayloads)}, gc tuning: ${String(p.gcTuning)}, database: ${String(p.database)}`);
  out.push('');
  out.push(line(header));
  out.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) out.push(line(r));
  const pairs = roundRatios(report.results);
  if (pairs.length > 0) out.push('', `CSMS / echo round trips/s, round by round: ${pairs.map((x) => x.toFixed(2)).join(' / ')}`);
  for (const t of cols) {
    for (const [phase, prof] of [['heartbeat', get(t)?.busy?.profile], ['restart', get(t)?.restart?.profile]] as const) {
      if (!prof) continue;
      out.push('');
      out.push(`${t} server CPU profile, ${phase} phase (${prof.file}): ${prof.totalMs} ms sampled`);
      out.push(`  by package: ${prof.byPackage.map((x) => `${x.name} ${x.pct}%`).join(', ')}`);
      for (const f of prof.topFunctions) out.push(`  ${String(f.pct).padStart(5)}%  ${f.name}`);
    }
  }
  for (const t of cols) {
    const heap = get(t)?.memory?.heap;
    if (!heap) continue;
    out.push('');
    out.push(`${t} server heap with ${heap.stations} stations (${heap.file}): ${heap.totalMiB} MiB; kinds with >= 1 object per 2 stations:`);
    for (const k of heap.perStation) out.push(`  ${String(k.perStationBytes).padStart(6)} B/station  ${String(k.count).padStart(8)}x  ${k.kind}`);
  }
  if (errors.length > 0) out.push('', ...errors.map((e) => `error: ${e}`));
  out.push('');
  process.stdout.write(`${out.join('\n')}\n`);
  process.stdout.write(`BENCH_JSON ${JSON.stringify(report)}\n`);
}
