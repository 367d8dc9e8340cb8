// Server process of `npm run bench:ocpp`: either the real CSMS (startCsms) or a bare `ws` echo
// server, plus the probes the benchmark reads: memory after a full GC, CPU time, event-loop
// delay, connection count and an optional CPU profile. Started by test/bench/ocpp.ts only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { WebSocketServer } from 'ws';
import { emitToParent, ownFdLimit, serveParent } from './bench-ipc.js';

const { values: opts } = parseArgs({
  options: {
    mode: { type: 'string', default: 'csms' },
    port: { type: 'string', default: '0' },
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
    'record-payloads': { type: 'string', default: 'true' },
    'gc-tuning': { type: 'string', default: 'true' },
    'max-life-s': { type: 'string', default: '1200' },
  },
  strict: true,
});

const ELD_RESOLUTION_MS = 10;
const startedAt = performance.now();
const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
eld.enable();

interface Target {
  http: Server;
  connected(): number;
  close(): Promise<void>;
}

async function startCsmsTarget(port: number): Promise<Target> {
  const [{ loadConfig }, { openAndStartCsms }] = await Promise.all([import('../../src/config.js'), import('../../src/start.js')]);
  const dataDir = opts['data-dir'];
  if (!dataDir) throw new Error('--data-dir is required in csms mode');
  const argv = [
    '--ocpp-host', '127.0.0.1', '--ocpp-port', String(port),
    '--http-host', '127.0.0.1', '--http-port', '0',
    '--data-dir', dataDir, '--auto-register', '--station-auth', 'off', '--log-level', 'silent', '--ping-interval', '60',
    opts['record-payloads'] === 'false' ? '--no-record-payloads' : '--record-payloads',
    opts['gc-tuning'] === 'false' ? '--no-gc-tuning' : '--gc-tuning',
  ];
  if (opts['database-url']) argv.push('--database-url', opts['database-url']);
  // Only the flags above: no PLUGTRUST_* variables of the calling shell leak in.
  const config = loadConfig({ argv, env: {} });
  // As `plugtrust start` does: the database opens while the server's modules load.
  const csms = await openAndStartCsms(config);
  return { http: csms.ocpp.http, connected: () => csms.ocpp.connectedCount(), close: () => csms.close() };
}

async function startEchoTarget(port: number): Promise<Target> {
  const http = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (offered) => (offered.has('ocpp2.0.1') ? 'ocpp2.0.1' : false),
  });
  wss.on('connection', (ws) => {
    ws.on('error', () => undefined);
    ws.on('message', (data: Buffer) => {
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (Array.isArray(msg) && msg[0] === 2) ws.send(JSON.stringify([3, msg[1], { currentTime: new Date().toISOString() }]));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => resolve());
  });
  return {
    http,
    connected: () => wss.clients.size,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

function eldFigures(): Record<string, number> {
  // Values are in ns; with a 10 ms resolution, an idle loop shows ~10 ms: `excess` removes that.
  const ms = (ns: number): number => Math.round((ns / 1e6) * 100) / 100;
  const p99 = ms(eld.percentile(99));
  return {
    p50: ms(eld.percentile(50)),
    p99,
    max: ms(eld.max),
    mean: ms(eld.mean),
    p99Excess: Math.max(0, Math.round((p99 - ELD_RESOLUTION_MS) * 100) / 100),
    maxExcess: Math.max(0, Math.round((ms(eld.max) - ELD_RESOLUTION_MS) * 100) / 100),
    samples: eld.count,
  };
}

/** Full GC of every isolate in the process: this thread's, and each worker thread's (the
 * embedded database may run on one) through the inspector's NodeWorker domain. */
async function fullGc(): Promise<void> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await gcWorkers();
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function gcWorkers(): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    const workers: string[] = [];
    const waiting = new Map<string, () => void>();
    session.on('NodeWorker.attachedToWorker', (m: { params: { sessionId: string } }) => void workers.push(m.params.sessionId));
    session.on('NodeWorker.receivedMessageFromWorker', (m: { params: { sessionId: string; message: string } }) => {
      if ((JSON.parse(m.params.message) as { id?: number }).id === 1) waiting.get(m.params.sessionId)?.();
    });
    await session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
    await new Promise((r) => setTimeout(r, 20));
    await Promise.all(
      workers.map(async (sessionId) => {
        const done = new Promise<void>((resolve) => {
          waiting.set(sessionId, resolve);
          setTimeout(resolve, 5000).unref();
        });
        await session.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }) });
        await done;
      }),
    );
    await session.post('NodeWorker.disable');
    return workers.length;
  } finally {
    session.disconnect();
  }
}

let profiler: Session | null = null;

async function main(): Promise<void> {
  const mode = opts.mode;
  if (mode !== 'csms' && mode !== 'echo') throw new Error(`unknown --mode ${mode}`);
  const target = mode === 'csms' ? await startCsmsTarget(Number(opts.port)) : await startEchoTarget(Number(opts.port));
  const port = (target.http.address() as AddressInfo).port;
  serveParent(
    {
      async mem() {
        await fullGc();
        const m = process.memoryUsage();
        return { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
      },
      cpu: () => process.cpuUsage(),
      'eld-reset': () => {
        eld.reset();
        return true;
      },
      eld: () => eldFigures(),
      count: () => target.connected(),
      // Orderly stop (the CSMS removes its private socket directory); the parent kills on timeout.
      async shutdown() {
        await target.close();
        setImmediate(() => process.exit(0));
        return true;
      },
      async 'heap-snapshot'(args) {
        await fullGc();
        const file = String(args.file);
        mkdirSync(dirname(file), { recursive: true });
        return writeHeapSnapshot(file);
      },
      async 'profile-start'() {
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.setSamplingInterval', { interval: 1000 });
        await profiler.post('Profiler.start');
        return true;
      },
      async 'profile-stop'(args) {
        if (!profiler) return null;
        const { profile } = await profiler.post('Profiler.stop');
        profiler.disconnect();
        profiler = null;
        const file = String(args.file);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(profile));
        return file;
      },
    },
    Number(opts['max-life-s']) * 1000,
  );
  const startupMs = Math.round(performance.now() - startedAt);
  eld.reset();
  emitToParent('ready', { port, pid: process.pid, startupMs, fdLimit: ownFdLimit() });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench server failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
