// The load generator of the contract installation benchmark, run as a child process (the server's
// event loop keeps its core): plain `ws` connections as charging stations sending
// Get15118EVCertificate CALLs, each EV's request once, in order (`repeats` counts requests sent
// again after the list ran out). Phases: a warm-up one request at a time, then `serial` requests
// one at a time, then every station back to back (one CALL in flight each) for `seconds`. The
// parent is told when the loaded phase starts, to measure the server's CPU over exactly that span.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface ExiLoadJob {
  url: string;
  stations: string[];
  /** The Get15118EVCertificate payloads, as JSON text, one per EV. */
  payloads: string[];
  warmup: number;
  serial: number;
  seconds: number;
}

export interface LatencyStats {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ExiLoadResult {
  serial: LatencyStats;
  loaded: LatencyStats & { perSecond: number; seconds: number };
  /** Requests sent after every EV had been used once. */
  repeats: number;
}

export type ExiLoadMessage = { phase: 'loaded-start' } | { phase: 'done'; result: ExiLoadResult };

interface Station {
  call(action: string, payload: string): Promise<string>;
  close(): void;
}

async function openStation(url: string, id: string): Promise<Station> {
  const ws = new WebSocket(`${url}/${id}`, ['ocpp2.0.1'], { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let waiting: ((text: string) => void) | null = null;
  ws.on('message', (data: Buffer) => waiting?.(data.toString('utf8')));
  let seq = 0;
  const call = (action: string, payload: string): Promise<string> =>
    new Promise((resolve) => {
      waiting = resolve;
      ws.send(`[2,"${id}-${++seq}","${action}",${payload}]`);
    });
  await call('BootNotification', JSON.stringify({ reason: 'PowerUp', chargingStation: { vendorName: 'Bench', model: 'B' } }));
  return { call, close: () => ws.close() };
}

export function latencyStats(ms: number[]): LatencyStats {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN) * 100) / 100;
  return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
}

async function run(job: ExiLoadJob, tell: (m: ExiLoadMessage) => void): Promise<ExiLoadResult> {
  const stations = await Promise.all(job.stations.map((id) => openStation(job.url, id)));
  let next = 0;
  let repeats = 0;
  const one = async (s: Station): Promise<number> => {
    if (next >= job.payloads.length) repeats++;
    const payload = job.payloads[next++ % job.payloads.length]!;
    const t0 = performance.now();
    const answer = await s.call('Get15118EVCertificate', payload);
    const ms = performance.now() - t0;
    if (!answer.includes('"status":"Accepted"')) throw new Error(`not Accepted: ${answer.slice(0, 300)}`);
    return ms;
  };
  for (let i = 0; i < job.warmup; i++) await one(stations[0]!);
  const serial: number[] = [];
  for (let i = 0; i < job.serial; i++) serial.push(await one(stations[0]!));
  tell({ phase: 'loaded-start' });
  const loaded: number[] = [];
  const t0 = performance.now();
  const until = t0 + job.seconds * 1000;
  await Promise.all(
    stations.map(async (st) => {
      while (performance.now() < until) loaded.push(await one(st));
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  for (const s of stations) s.close();
  return { serial: latencyStats(serial), loaded: { ...latencyStats(loaded), perSecond: Math.round(loaded.length / elapsed), seconds: Math.round(elapsed * 100) / 100 }, repeats };
}

if (process.argv.includes('--exi-load-child')) {
  const tell = (m: ExiLoadMessage): void => void process.send?.(m);
  process.once('message', (job: ExiLoadJob) => {
    run(job, tell).then(
      (result) => process.send?.({ phase: 'done', result } satisfies ExiLoadMessage, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
