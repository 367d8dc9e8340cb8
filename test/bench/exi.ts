// `npm run bench:exi`: the ISO 15118-2 EXI codec's decode and encode rates on the shared vectors,
// then Get15118EVCertificate end to end: the real server (OCPP WebSocket, router, schemas, the
// embedded database: contract look-up, key opening, event write), charging stations sending
// signed CertificateInstallationReqs of 50 EVs, warm (after a warm-up round). Latency p50/p99 one
// request at a time, then throughput and latency with many stations at once.
// Figures are printed and written to .bench/exi-<time>.json.
//
//   npm run bench:exi [-- --seconds 10] [--stations 16] [--evs 50]   (DATABASE_URL: real PostgreSQL)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { decodeV2gMessage, encodeV2gMessage } from '../../pki/exi/index.js';
import { buildInstallationRequest, rootIdOf } from '../helpers/ev-side.js';
import { issueTestEv, rootOf } from '../helpers/ev-pki.js';
import { loadVector } from '../helpers/exi-vectors.js';
import { startTestCsms } from '../helpers/csms.js';
import { LAB } from '../helpers/test-ca.js';
import { machineFacts } from './bench-machine.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, stations: { type: 'string', default: '16' }, evs: { type: 'string', default: '50' }, help: { type: 'boolean', default: false } },
  strict: true,
});
if (values.help) {
  process.stdout.write('Usage: npm run bench:exi [-- --seconds S] [--stations N] [--evs N]\n');
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

// 2. Get15118EVCertificate over OCPP.
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
  const frames: string[] = [];
  for (let i = 0; i < evsN; i++) {
    const pcid = `WMIV1BENCH${String(i).padStart(7, '0')}`;
    const ev = await issueTestEv(csms.ca, pcid);
    await csms.contracts.create({ emspId: 'bench', emaid: `DEPLGB${String(i).padStart(8, '0')}`, pcids: [pcid], requestedBy: 'bench' });
    const exi = buildInstallationRequest(ev.certificate, { rootCertificateIds: [rootIdOf(moRoot)], signWith: ev.privateKey });
    frames.push(JSON.stringify({ iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: Buffer.from(exi).toString('base64') }));
  }
  const stations = await Promise.all(Array.from({ length: stationsN }, (_, i) => openStation(`BENCH-${i}`)));
  let next = 0;
  const one = async (s: Station): Promise<number> => {
    const t0 = performance.now();
    const answer = await s.call(frames[next++ % frames.length]!);
    const ms = performance.now() - t0;
    if (!answer.includes('"status":"Accepted"')) throw new Error(`not Accepted: ${answer.slice(0, 300)}`);
    return ms;
  };
  // warm-up: every EV once through every cache
  for (let i = 0; i < Math.max(200, evsN * 2); i++) await one(stations[0]!);
  // 2a. one at a time
  const serial: number[] = [];
  for (let i = 0; i < 2000; i++) serial.push(await one(stations[0]!));
  const s = stats(serial);
  out(`   one at a time (2,000 requests): p50 ${s.p50} ms  p99 ${s.p99} ms  max ${s.max} ms; target p99 < 25 ms: ${s.p99 < 25 ? 'met' : 'NOT MET'}`);
  // 2b. many stations, closed loop
  const loaded: number[] = [];
  const until = performance.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpuMs();
  const t0 = performance.now();
  await Promise.all(stations.map(async (st) => {
    while (performance.now() < until) loaded.push(await one(st));
  }));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const perSecond = Math.round(loaded.length / elapsed);
  const l = stats(loaded);
  // CPU of this process (server, stations and the embedded database's thread; not a PostgreSQL server's).
  const cpuMsPerInstall = Math.round(((cpu.user + cpu.system) / 1000 / loaded.length) * 100) / 100;
  const pgMsPerInstall = csms.database.databaseUrl ? Math.round(((postgresCpuMs() - pg0) / loaded.length) * 100) / 100 : null;
  out(`   ${stationsN} stations for ${seconds} s: ${perSecond.toLocaleString('en')} installations/s (${loaded.length.toLocaleString('en')}), p50 ${l.p50} ms  p99 ${l.p99} ms; target >= 500/s: ${perSecond >= 500 ? 'met' : 'NOT MET'}`);
  out(`   CPU of this process per installation: ${cpuMsPerInstall} ms (server, simulated stations${csms.database.databaseUrl ? `), PostgreSQL processes: ${String(pgMsPerInstall)} ms` : ', embedded database)'}; load average now ${String(machineFacts().loadAverageAtStart)}`);
  const sizes = frames.length;
  result = { database: csms.database.databaseUrl ? 'postgres' : 'embedded', serial: s, loaded: { ...l, perSecond, stations: stationsN, seconds, requests: loaded.length, cpuMsPerInstall, pgMsPerInstall }, evs: sizes };
  await Promise.all(stations.map((st) => st.close()));
} finally {
  await csms.stop();
}
mkdirSync('.bench', { recursive: true });
const file = `.bench/exi-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify({ machine, codec, get15118EvCertificate: result }, null, 2)}\n`);
out(`\nwritten to ${file}`);

interface Station {
  call(payload: string): Promise<string>;
  close(): Promise<void>;
}

async function openStation(id: string): Promise<Station> {
  await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
  const ws = new WebSocket(`${csms.ocppUrl}/${id}`, ['ocpp2.0.1'], { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let waiting: ((text: string) => void) | null = null;
  ws.on('message', (data) => waiting?.(String(data)));
  let seq = 0;
  const send = (action: string, payload: string): Promise<string> =>
    new Promise((resolve) => {
      waiting = resolve;
      ws.send(`[2,"${id}-${++seq}","${action}",${payload}]`);
    });
  await send('BootNotification', JSON.stringify({ reason: 'PowerUp', chargingStation: { vendorName: 'Bench', model: 'B' } }));
  return {
    call: (payload) => send('Get15118EVCertificate', payload),
    close: () =>
      new Promise((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}

function stats(ms: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 100) / 100;
  return { p50: at(0.5), p99: at(0.99), max: at(1) };
}

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
