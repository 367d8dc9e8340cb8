// The load generator of test/bench/pki-ocsp.ts, one child process: raw HTTP/1.1 over plain
// sockets (pre-built request bytes, the response framed by Content-Length and nothing parsed
// beyond it), so the tool costs far less CPU than the servers it measures. Two modes: keep-alive
// connections, or a new connection per request (for responders that serve one connection at a
// time, like `openssl ocsp -port`). The same tool drives every server of the benchmark.
import { connect, type Socket } from 'node:net';
import { createHistogram } from 'node:perf_hooks';

export interface LoadJob {
  host: string;
  port: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** Complete HTTP requests (request line, headers, body), base64; used round-robin. */
  requests: string[];
  /** A new connection per request, closed after the answer. */
  reconnect: boolean;
  /** Source addresses in 127.0.0.0/8, spread over to avoid TIME_WAIT port exhaustion when reconnecting. */
  localAddresses: string[];
}

export interface LoadResult {
  requests: number;
  perSecond: number;
  /** Answers with another HTTP status than 200, or cut short. */
  errors: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Body length of the first answer (a sanity check of what was served). */
  bodyBytes: number;
  statusCodes: Record<string, number>;
  /** CPU time of the load generator during the measured window, ms. */
  clientCpuMs: number;
}

const CRLF2 = Buffer.from('\r\n\r\n');

export function runLoad(job: LoadJob): Promise<LoadResult> {
  const requests = job.requests.map((r) => Buffer.from(r, 'base64'));
  const hist = createHistogram();
  const statusCodes: Record<string, number> = {};
  let next = 0;
  let counted = 0;
  let errors = 0;
  let bodyBytes = -1;
  let measuring = false;
  let stopping = false;
  let addr = 0;
  let measureStart = 0;
  let measureEnd = 0;

  return new Promise((resolve) => {
    const sockets = new Set<Socket>();

    function open(): void {
      if (stopping) return;
      const localAddress = job.localAddresses[addr++ % job.localAddresses.length] ?? '127.0.0.1';
      const socket = connect({ host: job.host, port: job.port, localAddress, noDelay: true });
      sockets.add(socket);
      let chunks: Buffer[] = [];
      let have = 0;
      let need = -1;
      let sentAt = 0n;
      let inFlight = false;
      const send = (): void => {
        if (stopping) {
          socket.destroy();
          return;
        }
        const req = requests[next++ % requests.length] as Buffer;
        sentAt = process.hrtime.bigint();
        inFlight = true;
        socket.write(req);
      };
      const done = (status: number): void => {
        inFlight = false;
        if (measuring) {
          counted++;
          if (status !== 200) errors++;
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          hist.record(Number(process.hrtime.bigint() - sentAt) || 1);
        }
        if (job.reconnect) {
          socket.destroy();
          sockets.delete(socket);
          open();
        } else send();
      };
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        have += chunk.length;
        const buf = chunks.length === 1 ? chunk : Buffer.concat(chunks, have);
        if (need < 0) {
          const end = buf.indexOf(CRLF2);
          if (end < 0) return;
          const head = buf.toString('latin1', 0, end);
          const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
          need = end + 4 + (m ? Number(m[1]) : 0);
          if (bodyBytes < 0) bodyBytes = need - end - 4;
        }
        if (have < need) {
          chunks = [buf];
          return;
        }
        const status = Number(buf.toString('latin1', 9, 12));
        chunks = [];
        have = 0;
        need = -1;
        done(status);
      });
      socket.on('error', () => {
        if (measuring && inFlight) errors++;
      });
      socket.on('close', () => {
        sockets.delete(socket);
        if (!stopping && (inFlight || !job.reconnect)) {
          inFlight = false;
          open();
        }
      });
    }

    for (let i = 0; i < job.connections; i++) open();
    let cpuAtStart = process.cpuUsage();
    setTimeout(() => {
      measuring = true;
      measureStart = Date.now();
      cpuAtStart = process.cpuUsage();
    }, job.warmupMs);
    setTimeout(() => {
      measuring = false;
      measureEnd = Date.now();
      const cpu = process.cpuUsage(cpuAtStart);
      stopping = true;
      for (const s of sockets) s.destroy();
      const seconds = (measureEnd - measureStart) / 1000;
      resolve({
        requests: counted,
        perSecond: Math.round(counted / seconds),
        errors,
        latencyMs: { p50: hist.count ? hist.percentile(50) / 1e6 : 0, p99: hist.count ? hist.percentile(99) / 1e6 : 0, max: hist.count ? hist.max / 1e6 : 0 },
        bodyBytes,
        statusCodes,
        clientCpuMs: (cpu.user + cpu.system) / 1000,
      });
    }, job.warmupMs + job.durationMs);
  });
}

// As a child process: one job from the parent over IPC, one result back, then exit.
if (process.send && process.argv.includes('--ocsp-load-child')) {
  process.on('disconnect', () => process.exit(0));
  process.once('message', (job: LoadJob) => {
    // Never outlive the job by much, whatever happens to the parent.
    setTimeout(() => process.exit(3), job.warmupMs + job.durationMs + 30_000).unref();
    void runLoad(job).then((result) => {
      process.send?.(result, () => process.exit(0));
    });
  });
}
