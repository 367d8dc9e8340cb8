// `npm run bench:exi`: the ISO 15118-2 EXI codec's decode and encode rates on the shared vectors,
// then Get15118EVCertificate end to end: the real server in this process (OCPP WebSocket, router,
// schemas, the embedded database: contract look-up, key opening, event write), charging stations
// in a child process (test/bench/exi-load.ts) sending signed CertificateInstallationReqs, each EV
// (its own OEM certificate, key and contract) once, after a warm-up. Latency p50/p99 one request
// at a time, then throughput and latency with many stations at once.
// Figures are printed and written to .bench/exi-<time>.json.
//
//   npm run bench:exi [-- --seconds 10] [--stations 16] [--evs 10000]   (DATABASE_URL: real PostgreSQL)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { decodeV2gMessage, encodeV2gMessage } from '../../pki/exi/index.js';
import { buildInstallationRequest, rootIdOf } from '../helpers/ev-side.js';
import { issueTestEv, rootOf } from '../helpers/ev-pki.js';
import { loadVector } from '../helpers/exi-vectors.js';
import { startTestCsms } from '../helpers/csms.js';
import { LAB } from '../helpers/test-ca.js';
import { machineFacts } from './bench-machine.js';
import { summarizeProfile } from './bench-profile.js';
import type { ExiLoadJob, ExiLoadMessage, ExiLoadResult } from './exi-load.js';

const profiler = (() => {
  const session = new Session();
  return {
    async start(): Promise<void> {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    },
    async stop(): Promise<string> {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync('.bench/profiles', { recursive: true });
      const file = `.bench/profiles/exi-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
})();
const LOAD_CHILD = fileURLToPath(new URL('./exi-load.ts', import.meta.url));

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, stations: { type: 'string', default: '16' }, evs: { type: 'string', default: '10000' }, serial: { type: 'string', default: '2000' }, profile: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  strict: true,
});
if (values.help) {
  process.stdout.write('Usage: npm run bench:exi [-- --seconds S] [--stations N] [--evs N] [--serial N] [--profile]\n  --profile  a CPU profile of the server\'s event loop during the loaded phase (.bench/profiles/)\n');
  process.exit(0);
}
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const machine = machineFacts();
out(`EXI / Get15118EVCertificate benchmark: ${String(machine.cpuModel)}, ${String(machine.cores)} cores, Node ${String(machine.node)}, load average at start ${String(machine.loadAverageAtStart)}`);

// 1. Codec rates on the vectors.
function rate(name: string, fn: () => unknown, bytes: number): { name: string; perSecond: number; mbPerSecond: number } {
  for (let i = 0; i < 500; i++) fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 1000) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  const perSecond = Math.round((n * 1000) / (performance.now() - start));
  return { name, perSecond, mbPerSecond: Math.round((perSecond * bytes) / 1e4) / 100 };
}
const req = loadVector('certificate-installation-req').exi;
const res = loadVector('certificate-installation-res').exi;
const reqMsg = decodeV2gMessage(req);
const resMsg = decodeV2gMessage(res);
const codec = [
  rate(`decode CertificateInstallationReq (${req.length} B)`, () => decodeV2gMessage(req), req.length),
  rate(`encode CertificateInstallationReq (${req.length} B)`, () => encodeV2gMessage(reqMsg), req.length),
  rate(`decode CertificateInstallationRes (${res.length} B)`, () => decodeV2gMessage(res), res.length),
  rate(`encode CertificateInstallationRes (${res.length} B)`, () => encodeV2gMessage(resMsg), res.length),
];
out('\n1. EXI codec (one core)');
for (const c of codec) out(`   ${c.name.padEnd(44)} ${c.perSecond.toLocaleString('en').padStart(9)}/s  ${String(c.mbPerSecond).padStart(6)} MB/s`);

// 2. Get15118EVCertificate over OCPP: the server here, the stations in a child process.
out('\n2. Get15118EVCertificate end to end (OCPP WebSocket -> decode -> verify -> database -> ECDH -> sign -> encode)');
const csms = await startTestCsms();
const stationsN = Number(values.stations);
const evsN = Number(values.evs);
const seconds = Number(values.seconds);
let result: Record<string, unknown> = {};
try {
  await csms.ca.initLab(LAB);
  const moRoot = await rootOf(csms.ca, 'mo-root');
  await csms.contracts.createEmsp({ id: 'bench', name: 'Bench MO', requestedBy: 'bench' });
  // Every EV its own OEM provisioning certificate, key and contract: nothing learnt from one
  // installation (a validated path, a contract row, a sealed key) serves the next.
  const setup0 = performance.now();
  const payloads: string[] = new Array<string>(evsN);
  let made = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (made < evsN) {
        const i = made++;
        const pcid = `WMIV1BENCH${String(i).padStart(7, '0')}`;
        const ev = await issueTestEv(csms.ca, pcid);
        await csms.contracts.create({ emspId: 'bench', emaid: `DEPLGB${String(i).padStart(8, '0')}`, pcids: [pcid], requestedBy: 'bench' });
        const exi = buildInstallationRequest(ev.certificate, { rootCertificateIds: [rootIdOf(moRoot)], signWith: ev.privateKey });
        payloads[i] = JSON.stringify({ iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: Buffer.from(exi).toString('base64') });
      }
    }),
  );
  out(`   ${evsN.toLocaleString('en')} EVs, each with its OEM provisioning certificate and a contract, made in ${((performance.now() - setup0) / 1000).toFixed(1)} s`);
  const stationIds = Array.from({ length: stationsN }, (_, i) => `BENCH-${i}`);
  for (const id of stationIds) await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
  const job: ExiLoadJob = { url: csms.ocppUrl, stations: stationIds, payloads, warmup: 300, serial: Number(values.serial), seconds };
  const child = fork(LOAD_CHILD, ['--exi-load-child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let cpu0 = process.cpuUsage();
  let elu0 = performance.eventLoopUtilization();
  let pg0 = 0;
  let dbElu0: EventLoopUtilization | undefined;
  const load = await new Promise<ExiLoadResult>((resolve, reject) => {
    child.on('message', (m: ExiLoadMessage) => {
      if (m.phase === 'loaded-start') {
        cpu0 = process.cpuUsage();
        elu0 = performance.eventLoopUtilization();
        dbElu0 = csms.store.db.thread?.performance.eventLoopUtilization();
        pg0 = postgresCpuMs();
        if (values.profile) void profiler.start();
      } else resolve(m.result);
    });
    child.once('exit', (code) => reject(new Error(`the load process exited with ${String(code)}`)));
    child.send(job);
  });
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const dbElu = dbElu0 ? (csms.store.db.thread?.performance.eventLoopUtilization(dbElu0).utilization ?? null) : null;
  const profileFile = values.profile ? await profiler.stop() : null;
  const n = load.loaded.count;
  const cpuMsPerInstall = Math.round(((cpu.user + cpu.system) / 1000 / n) * 100) / 100;
  const loopMsPerInstall = Math.round(((elu * load.loaded.seconds * 1000) / n) * 100) / 100;
  const pgMsPerInstall = csms.database.databaseUrl ? Math.round(((postgresCpuMs() - pg0) / n) * 100) / 100 : null;
  const s = load.serial;
  const l = load.loaded;
  out(`   one at a time (${s.count.toLocaleString('en')} requests): p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms  max ${s.maxMs} ms; target p99 < 25 ms: ${s.p99Ms < 25 ? 'met' : 'NOT MET'}`);
  out(`   ${stationsN} stations for ${l.seconds} s: ${l.perSecond.toLocaleString('en')} installations/s (${n.toLocaleString('en')}), p50 ${l.p50Ms} ms  p99 ${l.p99Ms} ms; target >= 500/s: ${l.perSecond >= 500 ? 'met' : 'NOT MET'}`);
  out(`   server CPU per installation: ${cpuMsPerInstall} ms (event loop and database thread${csms.database.databaseUrl ? `), PostgreSQL processes: ${String(pgMsPerInstall)} ms` : ')'}; the event loop busy ${Math.round(elu * 100)}% (${loopMsPerInstall} ms per installation)${dbElu === null ? '' : `, the database thread ${Math.round(dbElu * 100)}% (${Math.round(((dbElu * l.seconds * 1000) / n) * 100) / 100} ms)`}`);
  out(`   EVs used twice: ${load.repeats.toLocaleString('en')}${load.repeats > 0 ? ' (raise --evs)' : ''}; load average now ${String(machineFacts().loadAverageAtStart)}`);
  if (profileFile) {
    const summary = summarizeProfile(profileFile, process.cwd());
    out(`   profile ${summary.file}:`);
    for (const f of summary.topFunctions.slice(0, 15)) out(`     ${String(f.pct).padStart(5)}%  ${f.name}`);
  }
  result = { database: csms.database.databaseUrl ? 'postgres' : 'embedded', serial: s, loaded: { ...l, stations: stationsN, cpuMsPerInstall, loopMsPerInstall, eventLoopUtilization: elu, databaseThreadUtilization: dbElu, pgMsPerInstall }, evs: evsN, repeats: load.repeats };
} finally {
  await csms.stop();
}
mkdirSync('.bench', { recursive: true });
const file = `.bench/exi-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify({ machine, codec, get15118EvCertificate: result }, null, 2)}\n`);
out(`\nwritten to ${file}`);

// CPU time of the machine's postgres processes (utime + stime from /proc, clock ticks of 10 ms).
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks * 10;
}
