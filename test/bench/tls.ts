// `npm run bench:tls`: security profile 3 on loopback. The real CSMS runs in a child process
// (tls-server.ts); N stations with certificates from the CSMS's own CA run in --clients processes
// (tls-client.ts), driven from here. Measured
// for mutual TLS (profile 3, certificate bound to the identity, path validated against our CA and
// store at every connect) and, from the same script, for TLS without client certificates
// (--station-auth off): handshakes (TLS + WebSocket upgrade) per second, the time for N stations
// to be back after a restart, and server RSS per connected station.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import { getProfile } from '../../pki/profiles/index.js';
import { createCaService } from '../../src/ca/ca-service.js';
import { kekSource } from '../../src/ca/kek-source.js';
import { subjectFor } from '../../src/ca/lab-hierarchy.js';
import { generateKey } from '../../src/ca/software-signer.js';
import { reexecWithRaisedFdLimit, readFdLimits } from '../../src/cli/fd-limit.js';
import { silentLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore } from '../../src/store/store.js';
import { summarizeProfile } from './bench-profile.js';
import type { ClientCommand, ClientReply, ClientStation } from './tls-client.js';

const { values: opts } = parseArgs({
  options: {
    stations: { type: 'string', default: '10000' },
    handshakes: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
    // Station processes: real stations are spread over machines, not queued in one event loop.
    clients: { type: 'string', default: '2' },
    // Writes a V8 CPU profile of each server process to .bench/ and prints where its time went.
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const CPO = 'Bench CPO';
const PROFILE_DIR = resolve('.bench', `tls-profiles-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const LOCAL_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8'];

type Station = ClientStation;

const log = (s: string): void => void process.stdout.write(`${s}\n`);

async function prepare(dataDir: string, n: number): Promise<{ stations: Station[]; rootPem: string }> {
  const db = await openDb({ dataDir });
  await migrate(db);
  const store = createStore(db);
  const ca = createCaService({ store, kek: kekSource({ dataDir, log: silentLogger() }), publicBaseUrl: 'http://localhost', log: silentLogger() });
  await ca.initLab({ organization: CPO, country: 'DE', serverNames: { dns: ['localhost'], ip: ['127.0.0.1'] }, requestedBy: 'bench' });
  const rootPem = toPem((await ca.issuers.get('csms-root')).row.certificate, 'CERTIFICATE');
  const ids = Array.from({ length: n }, (_, i) => `BENCH-${String(i).padStart(6, '0')}`);
  await db.query(`INSERT INTO stations (id, registration_status, security_profile) SELECT unnest($1::text[]), 'Accepted', 3`, [ids]);
  const keyReq = getProfile('charging-station-leaf').keys[0]!;
  const stations: Station[] = new Array<Station>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (next < n) {
        const i = next++;
        const id = ids[i]!;
        const key = generateKey(keyReq);
        const issued = await ca.issue({ issuerId: 'csms-sub-ca', profile: 'charging-station-leaf', subject: subjectFor('charging-station-leaf', { CN: id, O: CPO }), publicKey: key.publicKey, identity: id, requestedBy: 'bench' });
        stations[i] = { id, cert: toPem(issued.der, 'CERTIFICATE') + toPem(issued.chain[0]!, 'CERTIFICATE'), key: key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), localAddress: LOCAL_ADDRESSES[i % LOCAL_ADDRESSES.length]! };
      }
    }),
  );
  await db.close();
  return { stations, rootPem };
}

interface Server {
  child: ChildProcess;
  port: number;
  ask(op: 'mem' | 'cpu' | 'count' | 'stop'): Promise<number>;
}

/** The CSMS (auth 'enforce' or 'off'), or with 'floor' the bare TLS + ws listener of tls-floor-server.ts. */
function startServer(dataDir: string, port: number, auth: 'enforce' | 'off' | 'floor'): Promise<Server> {
  const [script, args] = auth === 'floor' ? ['tls-floor-server.ts', [dataDir]] : ['tls-server.ts', [dataDir, String(port), auth, CPO]];
  const child = fork(join(import.meta.dirname, script), args, { execArgv: ['--expose-gc', '--import', 'tsx', ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map<number, (v: number) => void>();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    child.on('message', (m: { ready?: boolean; port?: number; id?: number; value?: number }) => {
      if (m.ready) {
        resolve({
          child,
          port: m.port ?? port,
          ask: (op) =>
            new Promise((res) => {
              const id = ++seq;
              waiting.set(id, res);
              child.send({ id, op });
            }),
        });
      } else if (m.id !== undefined) {
        waiting.get(m.id)?.(m.value ?? 0);
        waiting.delete(m.id);
      }
    });
  });
}

interface Clients {
  /** Sends a command to every client process; resolves with each one's answer. */
  all(cmd: ClientCommand | ((index: number) => ClientCommand)): Promise<number[]>;
  /** Resolves with the wall-clock time at which the last client saw all its stations back. */
  allBack(): Promise<number>;
  close(): void;
}

/** Forks the client processes and hands each an equal share of the stations. */
async function startClients(count: number, stations: readonly Station[], rootPem: string, withCert: boolean): Promise<Clients> {
  const children: ChildProcess[] = Array.from({ length: count }, () => fork(join(import.meta.dirname, 'tls-client.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const waiters = children.map(() => [] as ((v: number) => void)[]);
  const backAt: (number | null)[] = children.map(() => null);
  let onBack: (() => void) | null = null;
  children.forEach((child, i) => {
    child.on('message', (m: ClientReply) => {
      if (m.kind === 'done') waiters[i]!.shift()?.(m.value);
      else {
        backAt[i] = m.atMs;
        if (backAt.every((t) => t !== null)) onBack?.();
      }
    });
  });
  const ask = (i: number, cmd: ClientCommand): Promise<number> =>
    new Promise((resolve) => {
      waiters[i]!.push(resolve);
      children[i]!.send(cmd);
    });
  const clients: Clients = {
    all: (cmd) => Promise.all(children.map((_, i) => ask(i, typeof cmd === 'function' ? cmd(i) : cmd))),
    allBack: () =>
      new Promise((resolve) => {
        backAt.fill(null);
        onBack = () => resolve(Math.max(...(backAt as number[])));
      }),
    close: () => children.forEach((c) => c.kill()),
  };
  const share = (i: number): ClientStation[] => stations.filter((_, k) => k % count === i).map(({ id, cert, key, localAddress }) => ({ id, cert, key, localAddress }));
  await clients.all((i) => ({ op: 'init', stations: share(i), rootPem, withCert }));
  return clients;
}

async function phase(name: string, dataDir: string, stations: Station[], rootPem: string, withCert: boolean): Promise<Record<string, number>> {
  const auth = withCert ? 'enforce' : 'off';
  const clientCount = Math.max(1, Number(opts.clients));
  const clients = await startClients(clientCount, stations, rootPem, withCert);
  let server = await startServer(dataDir, 0, auth);
  let running = true;
  const port = server.port;
  try {
    const idleRss = await server.ask('mem');
    // Step 1: handshakes per second (TLS + upgrade to 101, then close), `concurrency` in flight in all.
    const hs = Math.min(Number(opts.handshakes), stations.length);
    const conc = Number(opts.concurrency);
    const cpu0 = await server.ask('cpu');
    let t0 = performance.now();
    const failed = (await clients.all({ op: 'handshakes', count: Math.ceil(hs / clientCount), concurrency: Math.ceil(conc / clientCount), port })).reduce((a, b) => a + b, 0);
    const handshakesPerS = hs / ((performance.now() - t0) / 1000);
    const cpuMsPerHandshake = ((await server.ask('cpu')) - cpu0) / 1000 / hs;
    log(`${name}: ${handshakesPerS.toFixed(0)} handshakes/s (${hs}, ${conc} in flight, ${failed} failed); server CPU ${cpuMsPerHandshake.toFixed(2)} ms per handshake`);
    // Step 2: all N connected; RSS per station.
    t0 = performance.now();
    await clients.all({ op: 'connect-all', concurrency: Math.ceil(256 / clientCount), port });
    const connectS = (performance.now() - t0) / 1000;
    const connected = await server.ask('count');
    const fullRss = await server.ask('mem');
    const perStationKiB = (fullRss - idleRss) / connected / 1024;
    log(`${name}: ${connected} of ${stations.length} connected in ${connectS.toFixed(1)} s; RSS ${(idleRss / 2 ** 20).toFixed(0)} -> ${(fullRss / 2 ** 20).toFixed(0)} MiB, ${perStationKiB.toFixed(1)} KiB per station`);
    // Step 3: restart; every station reconnects (retrying every 0.5-1.5 s) until all are back.
    await clients.all({ op: 'arm-reconnect', port });
    const back = clients.allBack();
    await server.ask('stop');
    running = false;
    const restartStart = Date.now();
    server = await startServer(dataDir, port, auth);
    running = true;
    const listeningS = (Date.now() - restartStart) / 1000;
    const backAt = await Promise.race([back, new Promise<null>((r) => setTimeout(() => r(null), 120_000))]);
    const reconnectS = ((backAt ?? Date.now()) - restartStart) / 1000;
    const backCount = backAt === null ? await server.ask('count') : stations.length;
    log(`${name}: ${backCount} of ${stations.length} back ${reconnectS.toFixed(1)} s after the restart (${listeningS.toFixed(1)} s of it until listening)`);
    await clients.all({ op: 'close-all' });
    return { handshakesPerS, cpuMsPerHandshake, connected, connectS, perStationKiB, reconnectS, listeningS, back: backCount };
  } finally {
    clients.close();
    if (running) await server.ask('stop');
  }
}

/** The bare TLS + ws listener with the same stations and certificates: handshakes/s, and RSS per station with all connected. */
async function floor(dataDir: string, stations: Station[], rootPem: string): Promise<{ handshakesPerS: number; cpuMsPerHandshake: number; perStationKiB: number }> {
  const clientCount = Math.max(1, Number(opts.clients));
  const clients = await startClients(clientCount, stations, rootPem, true);
  const server = await startServer(dataDir, 0, 'floor');
  try {
    const idleRss = await server.ask('mem');
    const hs = Math.min(Number(opts.handshakes), stations.length);
    const cpu0 = await server.ask('cpu');
    const t0 = performance.now();
    await clients.all({ op: 'handshakes', count: Math.ceil(hs / clientCount), concurrency: Math.ceil(Number(opts.concurrency) / clientCount), port: server.port });
    const handshakesPerS = hs / ((performance.now() - t0) / 1000);
    const cpuMsPerHandshake = ((await server.ask('cpu')) - cpu0) / 1000 / hs;
    await clients.all({ op: 'connect-all', concurrency: Math.ceil(256 / clientCount), port: server.port });
    const connected = await server.ask('count');
    const perStationKiB = ((await server.ask('mem')) - idleRss) / connected / 1024;
    log(`floor (node:tls + ws, no CSMS): ${handshakesPerS.toFixed(0)} handshakes/s, server CPU ${cpuMsPerHandshake.toFixed(2)} ms per handshake; ${connected} of ${stations.length} connected, ${perStationKiB.toFixed(1)} KiB per station`);
    await clients.all({ op: 'close-all' });
    return { handshakesPerS, cpuMsPerHandshake, perStationKiB };
  } finally {
    clients.close();
    await server.ask('stop');
  }
}

async function main(): Promise<void> {
  if (opts.help) {
    log('npm run bench:tls -- [--stations 10000] [--handshakes 2000] [--concurrency 64] [--clients 2] [--profile]');
    return;
  }
  const raised = reexecWithRaisedFdLimit();
  if (raised) process.exit(await raised);
  const limit = readFdLimits()?.soft ?? 1024;
  const n = Math.min(Number(opts.stations), Math.max(100, Math.floor(limit) - 500));
  const dataDir = mkdtempSync(join(tmpdir(), 'plugtrust-bench-tls-'));
  try {
    let t0 = performance.now();
    const { stations, rootPem } = await prepare(dataDir, n);
    log(`prepared ${n} profile 3 stations with certificates in ${((performance.now() - t0) / 1000).toFixed(1)} s (open-file limit ${limit})`);
    t0 = performance.now();
    const mtls = await phase('mutual TLS (profile 3)', dataDir, stations, rootPem, true);
    const plain = await phase('TLS without client certificate', dataDir, stations, rootPem, false);
    const bare = await floor(dataDir, stations, rootPem);
    log('');
    log('| | mutual TLS, profile 3 | TLS without client certificate | target |');
    log('|---|---|---|---|');
    log(`| handshakes/s (TLS + upgrade), ${opts.concurrency} in flight | ${mtls.handshakesPerS!.toFixed(0)} | ${plain.handshakesPerS!.toFixed(0)} | |`);
    log(`| server CPU per handshake (all threads) | ${mtls.cpuMsPerHandshake!.toFixed(2)} ms | ${plain.cpuMsPerHandshake!.toFixed(2)} ms | |`);
    log(`| ${n} stations back after a restart | ${mtls.back} in ${mtls.reconnectS!.toFixed(1)} s | ${plain.back} in ${plain.reconnectS!.toFixed(1)} s | ≤ 30 s |`);
    log(`| RSS per connected station | ${mtls.perStationKiB!.toFixed(1)} KiB | ${plain.perStationKiB!.toFixed(1)} KiB | ≤ 40 KiB |`);
    log(`| floor: a bare node:tls + ws listener, the same stations with their certificates (no CSMS) | ${bare.handshakesPerS.toFixed(0)} handshakes/s, ${bare.cpuMsPerHandshake.toFixed(2)} ms CPU per handshake, ${bare.perStationKiB.toFixed(1)} KiB per station | | |`);
    if (opts.profile && existsSync(PROFILE_DIR)) {
      // One profile per server process, in start order: mutual TLS (first start, restart), then plain.
      for (const file of readdirSync(PROFILE_DIR).sort()) {
        const summary = summarizeProfile(join(PROFILE_DIR, file), process.cwd());
        log(`profile ${summary.file} (${summary.totalMs} ms sampled)`);
        for (const p of summary.byPackage) log(`  ${p.pct.toFixed(1).padStart(5)}%  ${p.name}`);
        for (const f of summary.topFunctions) log(`  ${f.pct.toFixed(1).padStart(5)}%  ${f.name}`);
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
