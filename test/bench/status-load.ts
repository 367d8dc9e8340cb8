// The load generator of the certificate status benchmark, run as a child process (its own core):
// plain `ws` connections as stations, each keeping `inFlight` OCPP CALLs outstanding, cycling
// through the given CALLs, for `durationMs`. Reports throughput and latency percentiles over IPC.
import WebSocket from 'ws';

export interface StatusLoadJob {
  url: string;
  stations: string[];
  inFlight: number;
  durationMs: number;
  warmupMs: number;
  calls: { action: string; payload: unknown }[];
}

export interface StatusLoadResult {
  calls: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers that are not CALLRESULTs. */
  errors: number;
  /** Answers by status (GetCertificateStatus status, Authorize idTokenInfo.status/certificateStatus). */
  outcomes: Record<string, number>;
  /** A few CALLERRORs. */
  samples: string[];
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function run(job: StatusLoadJob): Promise<StatusLoadResult> {
  const sockets = await Promise.all(
    job.stations.map(
      (id) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`${job.url}/${id}`, ['ocpp2.0.1'], { perMessageDeflate: false });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    ),
  );
  const latencies: number[] = [];
  let errors = 0;
  const outcomes: Record<string, number> = {};
  const samples: string[] = [];
  let next = 0;
  const start = performance.now();
  const measureFrom = start + job.warmupMs;
  const end = measureFrom + job.durationMs;
  await Promise.all(
    sockets.map((ws, s) => {
      const pending = new Map<string, number>();
      let seq = 0;
      return new Promise<void>((resolve) => {
        const send = (): void => {
          if (performance.now() >= end) {
            if (pending.size === 0) resolve();
            return;
          }
          const call = job.calls[next++ % job.calls.length]!;
          const id = `${s}-${seq++}`;
          pending.set(id, performance.now());
          ws.send(JSON.stringify([2, id, call.action, call.payload]));
        };
        ws.on('message', (data: Buffer) => {
          const msg = JSON.parse(data.toString('utf8')) as [number, string, unknown, unknown?];
          const sent = pending.get(msg[1]);
          if (sent === undefined) return;
          pending.delete(msg[1]);
          const now = performance.now();
          if (sent >= measureFrom && now <= end) {
            latencies.push(now - sent);
            if (msg[0] !== 3) {
              errors++;
              if (samples.length < 3) samples.push(JSON.stringify(msg).slice(0, 300));
            } else {
              const p = msg[2] as { status?: string; idTokenInfo?: { status: string }; certificateStatus?: string };
              const key = p.idTokenInfo ? `${p.idTokenInfo.status}/${p.certificateStatus ?? '-'}` : String(p.status);
              outcomes[key] = (outcomes[key] ?? 0) + 1;
            }
          }
          send();
        });
        for (let i = 0; i < job.inFlight; i++) send();
      });
    }),
  );
  for (const ws of sockets) ws.close();
  latencies.sort((a, b) => a - b);
  return { calls: latencies.length, perSecond: latencies.length / (job.durationMs / 1000), p50Ms: pct(latencies, 50), p99Ms: pct(latencies, 99), maxMs: latencies[latencies.length - 1] ?? NaN, errors, outcomes, samples };
}

if (process.argv.includes('--status-load-child')) {
  process.once('message', (job: StatusLoadJob) => {
    run(job).then(
      (r) => process.send?.(r, () => process.exit(0)),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}
