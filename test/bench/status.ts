// Certificate status benchmark (OCPP 2.0.1 M06 GetCertificateStatus, C07 Authorize): throughput
// and latency as stations see them, over real WebSocket connections from a load generator in its
// own process (test/bench/status-load.ts), against the real CSMS (embedded database) with our own
// CAs answered in-process and a foreign PKI answered by `openssl ocsp` processes.
// Scenarios: warm cache (our CA; foreign CA), foreign responder cold (every CertID new, one
// upstream request each), Authorize with a contract chain and with hash data, and a burst of many
// stations asking for one new CertID (single-flight: one upstream request).
// Target: p99 under 5 ms from the cache; at most one upstream request per CertID per nextUpdate.
//
//   npm run bench:status -- [--duration 4] [--stations 20] [--in-flight 2] [--json]
import { fork } from 'node:child_process';
import type { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import { digest, readCertificateParts } from '../../pki/ocsp/cert-id.js';
import { startTestCsms } from '../helpers/csms.js';
import { LAB } from '../helpers/test-ca.js';
import { createForeignPki, indexLine, startOpensslOcsp, type ForeignCert, type ForeignPki } from '../helpers/openssl-ocsp.js';
import { machineCpuMs, machineFacts, sh } from './bench-machine.js';
import type { StatusLoadJob, StatusLoadResult } from './status-load.js';

const LOAD_CHILD = fileURLToPath(new URL('./status-load.ts', import.meta.url));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function requestData(issuerDer: Uint8Array, serialHex: string, responderURL: string) {
  const p = readCertificateParts(issuerDer);
  return { hashAlgorithm: 'SHA256', issuerNameHash: hex(digest('sha256', p.subject)), issuerKeyHash: hex(digest('sha256', p.subjectPublicKey)), serialNumber: serialHex.replace(/^(00)+/, ''), responderURL };
}

function load(job: StatusLoadJob): Promise<StatusLoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(LOAD_CHILD, ['--status-load-child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as StatusLoadResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
    child.send(job);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '4' }, stations: { type: 'string', default: '20' }, 'in-flight': { type: 'string', default: '2' }, json: { type: 'boolean', default: false } } });
  const durationMs = Number(values.duration) * 1000;
  const stationCount = Number(values.stations);
  const inFlight = Number(values['in-flight']);
  const log = (line: string): void => {
    if (!values.json) console.log(line);
  };

  // Step 1: the foreign PKI and its responders (openssl ocsp, nextUpdate in 60 minutes).
  const pki = await createForeignPki();
  const good = await pki.contract('NLOEMC000000101', '4a0001');
  const warmSerials = Array.from({ length: 50 }, (_, i) => (0x6a0000 + i).toString(16));
  const fake = (serialHex: string): ForeignCert => ({ serialHex, subject: `CN=bench-${serialHex},C=NL` }) as ForeignCert;
  const index = pki.file('sub-index.txt', [indexLine(good), ...warmSerials.map((s) => indexLine(fake(s)))].join('\n') + '\n');
  const cleanup: (() => Promise<void> | void)[] = [() => pki.remove()];
  try {
    await measure(pki, index, good, warmSerials, cleanup, { durationMs, stationCount, inFlight, log, json: values.json });
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

async function measure(
  pki: ForeignPki,
  index: string,
  good: ForeignCert,
  warmSerials: string[],
  cleanup: (() => Promise<void> | void)[],
  o: { durationMs: number; stationCount: number; inFlight: number; log: (line: string) => void; json: boolean },
): Promise<void> {
  const { durationMs, stationCount, inFlight, log } = o;
  const sub = await startOpensslOcsp({ port: pki.subPort, index, ca: pki.file('sub-ca.pem', pki.subCa.pem), rsigner: `${pki.dir}/sub-responder.pem`, rkey: `${pki.dir}/sub-responder.key`, nmin: 60 });
  cleanup.push(() => sub.stop());
  const root = await startOpensslOcsp({ port: pki.rootPort, index: pki.file('root-index.txt', `${indexLine(pki.subCa)}\n`), ca: `${pki.dir}/root.pem`, rsigner: `${pki.dir}/root.pem`, rkey: `${pki.dir}/root.key`, nmin: 60 });
  cleanup.push(() => root.stop());

  // Step 2: the CSMS, our lab hierarchy, one contract of ours, the stations.
  const csms = await startTestCsms(['--ocsp-fetch-allow', '127.0.0.1', '--mo-roots-file', `${pki.dir}/root.pem`, '--ocsp-issuers-file', `${pki.dir}/sub-ca.pem`]);
  cleanup.push(() => csms.stop());
  await csms.ca.initLab(LAB);
  // The CRLs of the new hierarchy are published in the background: not during the measurements.
  await csms.crlPublisher.settled();
  await csms.ocspResponder.reloadIssuers();
  await csms.statusServices.known.refresh();
  await csms.contracts.createEmsp({ id: 'emsp-bench', name: 'Bench eMSP', requestedBy: 'bench' });
  const ours = await csms.contracts.create({ emspId: 'emsp-bench', emaid: 'DE-PLG-C12345678-F', pcids: ['WMIV1234567890ABC'], requestedBy: 'bench' });
  const stations = Array.from({ length: stationCount }, (_, i) => `BENCH-${String(i).padStart(3, '0')}`);
  for (const id of stations) await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
  const url = `ws://127.0.0.1:${csms.ocppPort}/ocpp`;

  // The CertIDs: our CAs' certificates (each under its parent), the foreign warm set.
  const ourIds: { action: string; payload: unknown }[] = [];
  for (const id of ['v2g-root', 'mo-root', 'oem-root', 'csms-root', 'cpo-sub-ca-1', 'mo-sub-ca-1', 'oem-sub-ca-1']) {
    const ca = await csms.ca.issuers.get(id);
    for (const child of (await csms.ca.issuers.list()).filter((i) => i.row.parentId === id)) {
      ourIds.push({ action: 'GetCertificateStatus', payload: { ocspRequestData: requestData(ca.row.certificate, hex(readCertificateParts(child.row.certificate).serialNumber), 'http://ours.invalid/') } });
    }
  }
  const foreignWarm = warmSerials.map((s) => ({ action: 'GetCertificateStatus', payload: { ocspRequestData: requestData(pki.subCa.der, s, sub.url) } }));
  let coldSerial = 0x7b000000;
  const foreignCold = Array.from({ length: 200_000 }, () => ({ action: 'GetCertificateStatus', payload: { ocspRequestData: requestData(pki.subCa.der, (coldSerial++).toString(16), sub.url) } }));
  const chainPem = pki.chainPem(good);
  const authChain = [{ action: 'Authorize', payload: { idToken: { idToken: 'NLOEMC000000101', type: 'eMAID' }, certificate: chainPem } }];
  const authHash = [{ action: 'Authorize', payload: { idToken: { idToken: 'NLOEMC000000101', type: 'eMAID' }, iso15118CertificateHashData: [requestData(pki.subCa.der, good.serialHex, sub.url), requestData(pki.root.der, pki.subCa.serialHex, root.url)] } }];
  const ourChainPem = [ours.certificate, ...ours.chain].map((d) => toPem(d, 'CERTIFICATE')).join('');
  const authOurs = [{ action: 'Authorize', payload: { idToken: { idToken: ours.emaid, type: 'eMAID' }, certificate: ourChainPem } }];
  let authColdSerial = 0x7c000000;
  const authCold = Array.from({ length: 200_000 }, () => ({ action: 'Authorize', payload: { idToken: { idToken: 'NLOEMC000000101', type: 'eMAID' }, iso15118CertificateHashData: [requestData(pki.subCa.der, (authColdSerial++).toString(16), sub.url)] } }));

  const scenarios: { name: string; calls: { action: string; payload: unknown }[]; warm: boolean }[] = [
    { name: 'GetCertificateStatus, our CA (in-process responder)', calls: ourIds, warm: true },
    { name: 'GetCertificateStatus, foreign CA, warm cache', calls: foreignWarm, warm: true },
    { name: 'GetCertificateStatus, foreign responder (every CertID new)', calls: foreignCold, warm: false },
    { name: 'Authorize C07, foreign chain, warm cache', calls: authChain, warm: true },
    { name: 'Authorize C07, foreign hash data, warm cache', calls: authHash, warm: true },
    { name: 'Authorize C07, our contract chain (in-process)', calls: authOurs, warm: true },
    { name: 'Authorize C07, foreign responder (every CertID new)', calls: authCold, warm: false },
  ];

  log(`machine: ${JSON.stringify(machineFacts())}`);
  log(`stations ${stationCount}, ${inFlight} CALLs in flight each, ${durationMs / 1000} s per scenario (after 1 s warm-up)`);
  const results: Record<string, unknown>[] = [];
  for (const s of scenarios) {
    // Throughput: every station keeps CALLs in flight (the CSMS saturated). Latency: one station,
    // one CALL at a time, so that the figure is the service time and not the queue.
    const upstreamBefore = csms.statusServices.client.stats().upstreamRequests;
    const opensslBefore = sub.answered() + root.answered();
    const cpu0 = machineCpuMs();
    const r = await load({ url, stations, inFlight, durationMs, warmupMs: 1000, calls: s.calls });
    const cpu1 = machineCpuMs();
    // The saturated run leaves writes behind (its frame log, its decisions): the one-at-a-time run
    // starts once they are done, so that it measures the service time and not that backlog.
    await settled(csms.store.db.thread);
    const lat = await load({ url, stations: stations.slice(0, 1), inFlight: 1, durationMs: Math.max(1000, durationMs / 2), warmupMs: 200, calls: s.warm ? s.calls : s.calls.slice(s.calls.length / 2) });
    const upstream = csms.statusServices.client.stats().upstreamRequests - upstreamBefore;
    const busyPct = cpu0 && cpu1 ? Math.round(((cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total)) * 100) : null;
    const row = {
      scenario: s.name,
      perSecond: Math.round(r.perSecond),
      saturatedP50Ms: +r.p50Ms.toFixed(2),
      saturatedP99Ms: +r.p99Ms.toFixed(2),
      p50Ms: +lat.p50Ms.toFixed(2),
      p99Ms: +lat.p99Ms.toFixed(2),
      calls: r.calls + lat.calls,
      upstreamRequests: upstream,
      opensslRequests: sub.answered() + root.answered() - opensslBefore,
      machineBusyPct: busyPct,
      outcomes: r.outcomes,
      errors: r.errors + lat.errors,
      samples: [...r.samples, ...lat.samples],
    };
    results.push(row);
    log(`${s.name.padEnd(58)} ${String(row.perSecond).padStart(6)}/s (p50 ${row.saturatedP50Ms} ms, p99 ${row.saturatedP99Ms} ms saturated) | one at a time: p50 ${row.p50Ms.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms${s.warm && row.p99Ms >= 5 ? ' (over the 5 ms target)' : ''} | upstream ${upstream} | machine busy ${busyPct}% | ${Object.entries(r.outcomes).map(([k, v]) => `${k} ${v}`).join(', ')}${row.errors ? ` | CALLERRORs ${row.errors}` : ''}`);
    if (row.samples.length) log(`  e.g. ${row.samples[0]}`);
  }

  // Step 3: single-flight: every station asks about one CertID nobody asked about before.
  const burstBefore = csms.statusServices.client.stats();
  const opensslBefore = sub.answered();
  const fresh = { action: 'GetCertificateStatus', payload: { ocspRequestData: requestData(pki.subCa.der, '7dffff01', sub.url) } };
  const burst = await load({ url, stations, inFlight: 10, durationMs: 1000, warmupMs: 0, calls: [fresh] });
  const after = csms.statusServices.client.stats();
  const singleFlight = { calls: burst.calls, upstreamRequests: after.upstreamRequests - burstBefore.upstreamRequests, opensslRequests: sub.answered() - opensslBefore, coalesced: after.coalesced - burstBefore.coalesced, cacheHits: after.cacheHits - burstBefore.cacheHits };
  log(`single-flight: ${burst.calls} GetCertificateStatus for one new CertID from ${stationCount} stations -> ${singleFlight.upstreamRequests} upstream request (openssl saw ${singleFlight.opensslRequests}); ${singleFlight.coalesced} joined it in flight, ${singleFlight.cacheHits} served from the cache`);
  log(`load average at the end: ${sh('cat /proc/loadavg').split(' ').slice(0, 3).join(' ')}`);
  if (o.json) console.log(JSON.stringify({ machine: machineFacts(), stations: stationCount, inFlight, durationMs, results, singleFlight }, null, 2));
}

/** Resolves once the embedded database's thread is idle (under 5% busy over 250 ms; at most 10 s), or after 1 s with PostgreSQL. */
async function settled(thread: Pick<Worker, 'performance'> | null): Promise<void> {
  if (!thread) return new Promise((r) => setTimeout(r, 1000));
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const before = thread.performance.eventLoopUtilization();
    await new Promise((r) => setTimeout(r, 250));
    if (thread.performance.eventLoopUtilization(before).utilization < 0.05) return;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
