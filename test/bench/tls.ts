// `npm run bench:tls`: security profile 3 on loopback. The real CSMS runs in a child process
// (tls-server.ts); this process is N stations with certificates from the CSMS's own CA. Measured
// for mutual TLS (profile 3, certificate bound to the identity, path validated against our CA and
// store at every connect) and, from the same script, for TLS without client certificates
// (--station-auth off): handshakes (TLS + WebSocket upgrade) per second, the time for N stations
// to be back after a restart, and server RSS per connected station.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createSecureContext, type ConnectionOptions, type SecureContext } from 'node:tls';
import WebSocket from 'ws';
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

const { values: opts } = parseArgs({
  options: {
    stations: { type: 'string', default: '10000' },
    handshakes: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
    // Writes a V8 CPU profile of each server process to .bench/ and prints where its time went.
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
const CPO = 'Bench CPO';
const PROFILE_DIR = resolve('.bench', `tls-profiles-${new Date().toISOString().replace(/[:.]/g, '-')}`);
const LOCAL_ADDRESSES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8'];

interface Station {
  id: string;
  cert: string;
  key: string;
  localAddress: string;
  ws: WebSocket | null;
  /** Built once per station and reused on every reconnect, as a real station keeps its context. */
  context?: SecureContext;
}

let sharedContext: SecureContext | undefined;

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
        stations[i] = { id, cert: toPem(issued.der, 'CERTIFICATE') + toPem(issued.chain[0]!, 'CERTIFICATE'), key: key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), localAddress: LOCAL_ADDRESSES[i % LOCAL_ADDRESSES.length]!, ws: null };
      }
    }),
  );
  await db.close();
  return { stations, rootPem };
}

interface Server {
  child: ChildProcess;
  port: number;
  ask(op: 'mem' | 'count' | 'stop'): Promise<number>;
}

function startServer(dataDir: string, port: number, auth: 'enforce' | 'off'): Promise<Server> {
  const child = fork(join(import.meta.dirname, 'tls-server.ts'), [dataDir, String(port), auth, CPO], { execArgv: ['--expose-gc', '--import', 'tsx', ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

function connect(port: number, st: Station, rootPem: string, withCert: boolean): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const secureContext = withCert ? (st.context ??= createSecureContext({ ca: rootPem, cert: st.cert, key: st.key })) : (sharedContext ??= createSecureContext({ ca: rootPem }));
    // ws hands its options to tls.connect, which takes a ready secureContext.
    const tlsOptions: ConnectionOptions = { secureContext };
    const ws = new WebSocket(`wss://localhost:${port}/ocpp/${st.id}`, ['ocpp2.0.1'], { ...(tlsOptions as object), localAddress: st.localAddress, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', () => {
      ws.terminate();
      resolve(null);
    });
    ws.once('error', () => resolve(null));
  });
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function phase(name: string, dataDir: string, stations: Station[], rootPem: string, withCert: boolean): Promise<Record<string, number>> {
  const auth = withCert ? 'enforce' : 'off';
  let server = await startServer(dataDir, 0, auth);
  const port = server.port;
  const idleRss = await server.ask('mem');
  // Step 1: handshakes per second (TLS + upgrade to 101, then close), `concurrency` in flight.
  const hs = Math.min(Number(opts.handshakes), stations.length);
  const conc = Number(opts.concurrency);
  let failed = 0;
  let t0 = performance.now();
  await pool(stations.slice(0, hs), conc, async (st) => {
    const ws = await connect(port, st, rootPem, withCert);
    if (!ws) failed++;
    ws?.terminate();
  });
  const handshakesPerS = hs / ((performance.now() - t0) / 1000);
  log(`${name}: ${handshakesPerS.toFixed(0)} handshakes/s (${hs}, ${conc} in flight, ${failed} failed)`);
  // Step 2: all N connected; RSS per station.
  t0 = performance.now();
  await pool(stations, 256, async (st) => {
    for (let attempt = 0; !st.ws && attempt < 5; attempt++) st.ws = await connect(port, st, rootPem, withCert);
  });
  const connectS = (performance.now() - t0) / 1000;
  const connected = await server.ask('count');
  const fullRss = await server.ask('mem');
  const perStationKiB = (fullRss - idleRss) / connected / 1024;
  log(`${name}: ${connected} of ${stations.length} connected in ${connectS.toFixed(1)} s; RSS ${(idleRss / 2 ** 20).toFixed(0)} -> ${(fullRss / 2 ** 20).toFixed(0)} MiB, ${perStationKiB.toFixed(1)} KiB per station`);
  // Step 3: restart; every station reconnects (retrying every 0.5-1.5 s) until all are back.
  const back = new Set<string>();
  let restartStart = 0;
  let allBack!: () => void;
  const done = new Promise<void>((r) => (allBack = r));
  const reconnect = (st: Station): void => {
    void (async () => {
      while (!st.ws) {
        await new Promise((r) => setTimeout(r, 500 + Math.random() * 1000));
        st.ws = await connect(port, st, rootPem, withCert);
      }
      back.add(st.id);
      if (back.size === stations.length) allBack();
    })();
  };
  for (const st of stations) {
    st.ws?.once('close', () => {
      st.ws = null;
      reconnect(st);
    });
  }
  await server.ask('stop');
  restartStart = performance.now();
  server = await startServer(dataDir, port, auth);
  const listeningS = (performance.now() - restartStart) / 1000;
  await Promise.race([done, new Promise((r) => setTimeout(r, 120_000))]);
  const reconnectS = (performance.now() - restartStart) / 1000;
  log(`${name}: ${back.size} of ${stations.length} back ${reconnectS.toFixed(1)} s after the restart (${listeningS.toFixed(1)} s of it until listening)`);
  for (const st of stations) {
    st.ws?.removeAllListeners('close');
    st.ws?.terminate();
    st.ws = null;
  }
  await server.ask('stop');
  return { handshakesPerS, connected, connectS, perStationKiB, reconnectS, listeningS, back: back.size };
}

async function main(): Promise<void> {
  if (opts.help) {
    log('npm run bench:tls -- [--stations 10000] [--handshakes 2000] [--concurrency 64]');
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
    log('');
    log('| | mutual TLS, profile 3 | TLS without client certificate | target |');
    log('|---|---|---|---|');
    log(`| handshakes/s (TLS + upgrade), ${opts.concurrency} in flight | ${mtls.handshakesPerS!.toFixed(0)} | ${plain.handshakesPerS!.toFixed(0)} | |`);
    log(`| ${n} stations back after a restart | ${mtls.back} in ${mtls.reconnectS!.toFixed(1)} s | ${plain.back} in ${plain.reconnectS!.toFixed(1)} s | ≤ 30 s |`);
    log(`| RSS per connected station | ${mtls.perStationKiB!.toFixed(1)} KiB | ${plain.perStationKiB!.toFixed(1)} KiB | ≤ 40 KiB |`);
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
