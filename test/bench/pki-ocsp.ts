// OCSP responder benchmark: responses/s over HTTP from the pre-signed cache (GET and POST), the
// cold path (no cache: parse, status look-up and an ECDSA signature per request), a bare node
// http server returning a body of the same size, and `openssl ocsp -port` on the same data, all
// driven in one run by the same load generator (test/bench/pki-ocsp-load.ts, a child process).
// Targets: cached >= 60% of the bare server; cached >= 10x openssl ocsp.
//
// Every server is measured in each of `--rounds` rounds (interleaved, so a burst of load from
// elsewhere on the machine hits all of them alike) and the best round of each is reported.
//
//   node --import tsx test/bench/pki-ocsp.ts [--duration 5] [--warmup 1] [--rounds 2] [--connections 32] [--skip-openssl] [--json]
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { encodeCertId, issuerHashes } from '../../pki/ocsp/cert-id.js';
import { encodeNonceExtension } from '../../pki/ocsp/build-response.js';
import { parseOcspResponse, verifyOcspResponseSignature } from '../../pki/ocsp/parse-response.js';
import { explicit, seq } from '../../pki/der/writer.js';
import { silentLogger } from '../../src/log.js';
import { createOcspResponder } from '../../src/ocsp/responder.js';
import { buildOcspApp } from '../../src/ocsp/routes.js';
import { createOcspTestPki, memoryStatusSource, type OcspTestPki } from '../helpers/ocsp-ca.js';
import { machineCpuMs, machineFacts } from './bench-machine.js';
import type { LoadJob, LoadResult } from './pki-ocsp-load.js';

export interface OcspBenchOptions {
  durationS?: number;
  warmupS?: number;
  /** Keep-alive connections of the load generator. */
  connections?: number;
  /** Concurrent connections in new-connection-per-request mode. */
  reconnectConnections?: number;
  /** Distinct certificates asked about. */
  serials?: number;
  /** Rounds over all servers; the best round of each is reported. */
  rounds?: number;
  skipOpenssl?: boolean;
  log?: (line: string) => void;
}

export interface OcspBenchFigure extends LoadResult {
  name: string;
  /** responses/s of every round, in order. */
  rounds: number[];
  /**
   * CPU busy on the machine during the measurement that is neither the server nor the load
   * generator (other work on the machine), in % of one core: how much the figure was disturbed.
   */
  otherCpuPct: number | null;
  /** CPU of the server process, in % of one core. */
  serverCpuPct: number;
}

export interface OcspBenchResult {
  machine: Record<string, unknown>;
  figures: OcspBenchFigure[];
  ratios: Record<string, number>;
  targets: { cachedVsBare: { value: number; target: number; met: boolean }; cachedVsOpenssl: { value: number; target: number; met: boolean } | null };
}

const LOAD_CHILD = fileURLToPath(new URL('./pki-ocsp-load.ts', import.meta.url));

function runLoadChild(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(LOAD_CHILD, ['--ocsp-load-child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
    });
    child.send(job);
  });
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

function postRequest(path: string, body: Uint8Array, close: boolean): string {
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/ocsp-request\r\nContent-Length: ${body.length}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
  return b64(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

function getRequest(body: Uint8Array): string {
  return b64(Buffer.from(`GET /ocsp/${encodeURIComponent(b64(body))} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 'latin1'));
}

function serialOf(i: number): Uint8Array {
  // Positive, 8 octets, distinct: 0x4c 00 .. i.
  const out = new Uint8Array(8);
  out[0] = 0x4c;
  new DataView(out.buffer).setUint32(4, i);
  return out;
}

/** utime + stime of a process from /proc, ms (Linux; 0 elsewhere). */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function startOpensslResponder(pki: OcspTestPki, serials: Uint8Array[]): Promise<{ port: number; child: ChildProcess }> {
  const expiry = '351231235959Z';
  const index = serials.map((s) => `V\t${expiry}\t\t${Buffer.from(s).toString('hex').toUpperCase()}\tunknown\t/CN=bench\n`).join('');
  const indexPath = join(pki.dir, 'index.txt');
  writeFileSync(indexPath, index);
  writeFileSync(`${indexPath}.attr`, 'unique_subject = no\n');
  const port = await freePort();
  const child = spawn(
    'openssl',
    ['ocsp', '-index', indexPath, '-port', String(port), '-rsigner', pki.files['responder.pem']!, '-rkey', pki.files['responder.key']!, '-CA', pki.files['ca.pem']!, '-nmin', '60', '-ignore_err'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // Not a connect probe: openssl ocsp hangs on a connection closed before its request line.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('openssl ocsp did not start')), 10_000);
    let text = '';
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('waiting for OCSP client connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`openssl ocsp exited with ${code}: ${text}`)));
  });
  child.stderr?.resume();
  return { port, child };
}

async function fetchAnswer(port: number, path: string, body: Uint8Array): Promise<Uint8Array> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request', connection: 'close' }, body });
  return new Uint8Array(await res.arrayBuffer());
}

/** Checks an answer is a verified, successful response about `serial` saying good. */
function checkGood(der: Uint8Array, pki: OcspTestPki, what: string): void {
  const parsed = parseOcspResponse(der);
  const single = parsed.basic?.responses[0];
  if (!parsed.basic || single?.certStatus.status !== 'good' || !verifyOcspResponseSignature(parsed.basic, pki.responder.der)) {
    throw new Error(`${what}: not a verified good response`);
  }
}

export async function benchOcsp(options: OcspBenchOptions = {}): Promise<OcspBenchResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const durationMs = (options.durationS ?? 5) * 1000;
  const warmupMs = (options.warmupS ?? 1) * 1000;
  const connections = options.connections ?? 32;
  const reconnectConnections = options.reconnectConnections ?? 4;
  const serialCount = options.serials ?? 200;
  const machine = machineFacts();

  const pki = await createOcspTestPki(new Date(), { writeFiles: true });
  const source = memoryStatusSource([pki.issuer]);
  const serials = Array.from({ length: serialCount }, (_, i) => serialOf(i));
  for (const s of serials) source.set(pki.issuer.id, s, { status: 'good' });
  const hashes = issuerHashes(pki.ca.der, 'sha1');
  // The request OpenSSL sends with -no_nonce: OCSPRequest { tbsRequest { requestList { Request { CertID } } } }.
  const requests = serials.map((serialNumber) => seq(seq(seq(seq(encodeCertId({ hashAlgorithm: 'sha1', ...hashes, serialNumber }))))));
  const nonceRequests = serials.map((serialNumber, i) =>
    seq(seq(seq(seq(encodeCertId({ hashAlgorithm: 'sha1', ...hashes, serialNumber }))), explicit(2, seq(encodeNonceExtension(Uint8Array.from({ length: 16 }, (_, k) => (i + k) & 0xff)))))),
  );

  const cached = createOcspResponder({ source, now: () => new Date(), log: silentLogger() });
  const cold = createOcspResponder({ source, now: () => new Date(), log: silentLogger(), cacheSize: 0 });
  await cached.reloadIssuers();
  await cold.reloadIssuers();
  const cachedApp = await buildOcspApp({ responder: cached });
  const coldApp = await buildOcspApp({ responder: cold });
  await cachedApp.listen({ host: '127.0.0.1', port: 0 });
  await coldApp.listen({ host: '127.0.0.1', port: 0 });
  const cachedPort = (cachedApp.server.address() as { port: number }).port;
  const coldPort = (coldApp.server.address() as { port: number }).port;

  const sample = await fetchAnswer(cachedPort, '/ocsp', requests[0]!);
  checkGood(sample, pki, 'our responder');
  const bareBody = Buffer.from(sample);
  const bare: Server = createServer((req, res) => {
    req.on('data', () => {});
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': bareBody.length });
      res.end(bareBody);
    });
  });
  bare.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as { port: number }).port;

  const byName = new Map<string, OcspBenchFigure>();
  const localAddresses = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 1}`);
  const measure = async (name: string, port: number, reqs: string[], reconnect = false, serverPid?: number): Promise<void> => {
    // CPU accounting over the measured window only (the load child measures its own).
    const cpuSample = (): { machine: ReturnType<typeof machineCpuMs>; self: NodeJS.CpuUsage; server: number } => ({ machine: machineCpuMs(), self: process.cpuUsage(), server: serverPid ? processCpuMs(serverPid) : 0 });
    let start = cpuSample();
    const timer = setTimeout(() => (start = cpuSample()), warmupMs);
    const r = await runLoadChild({ host: '127.0.0.1', port, connections: reconnect ? reconnectConnections : connections, warmupMs, durationMs, requests: reqs, reconnect, localAddresses });
    clearTimeout(timer);
    const end = cpuSample();
    const self = process.cpuUsage(start.self);
    const serverMs = serverPid ? end.server - start.server : (self.user + self.system) / 1000;
    const machineMs = start.machine && end.machine ? end.machine.busy - start.machine.busy : null;
    const otherCpuPct = machineMs === null ? null : Math.max(0, Math.round(((machineMs - serverMs - r.clientCpuMs) / durationMs) * 100));
    const serverCpuPct = Math.round((serverMs / durationMs) * 100);
    log(`  ${name}: ${r.perSecond.toLocaleString('en')} responses/s, p50 ${r.latencyMs.p50.toFixed(2)} ms, p99 ${r.latencyMs.p99.toFixed(2)} ms, errors ${r.errors}, body ${r.bodyBytes} B, server CPU ${serverCpuPct}%, other CPU ${otherCpuPct ?? '?'}%`);
    const best = byName.get(name);
    const rounds = [...(best?.rounds ?? []), r.perSecond];
    byName.set(name, !best || r.perSecond > best.perSecond ? { name, ...r, rounds, otherCpuPct, serverCpuPct } : { ...best, rounds });
  };

  const postCached = requests.map((r) => postRequest('/ocsp', r, false));
  const getCached = requests.map(getRequest);
  const postNonce = nonceRequests.map((r) => postRequest('/ocsp', r, false));
  const postCloseCached = requests.map((r) => postRequest('/ocsp', r, true));
  const opensslRequests = requests.map((r) => postRequest('/', r, true));
  // Fill the cache before measuring.
  for (const r of requests) await cached.respond(r);
  const names = {
    bare: 'bare node http (fixed body)',
    get: 'plugtrust GET, cached',
    post: 'plugtrust POST, cached',
    cold: 'plugtrust POST, cold (no cache: parse, look-up, sign)',
    nonce: 'plugtrust POST with nonce (signed per request)',
    reconnect: 'plugtrust POST, cached, new connection per request',
    bareReconnect: 'bare node http, new connection per request',
    openssl: 'openssl ocsp -port, new connection per request',
  };
  for (let round = 1; round <= (options.rounds ?? 2); round++) {
    log(`round ${round}`);
    await measure(names.bare, barePort, postCached);
    await measure(names.get, cachedPort, getCached);
    await measure(names.post, cachedPort, postCached);
    await measure(names.cold, coldPort, postCached);
    await measure(names.nonce, cachedPort, postNonce);
    await measure(names.reconnect, cachedPort, postCloseCached, true);
    await measure(names.bareReconnect, barePort, postCloseCached, true);
    if (!options.skipOpenssl) {
      // A fresh responder each round: openssl ocsp hangs for good on a connection that closes
      // before its request line, which the end of a measurement leaves behind.
      const ossl = await startOpensslResponder(pki, serials);
      try {
        checkGood(await fetchAnswer(ossl.port, '/', requests[0]!), pki, 'openssl ocsp');
        await measure(names.openssl, ossl.port, opensslRequests, true, ossl.child.pid);
      } finally {
        ossl.child.kill('SIGKILL');
      }
    }
  }
  const figures = [...byName.values()];
  const fig = (name: string): OcspBenchFigure => byName.get(name)!;
  const bareFig = fig(names.bare);
  const getFig = fig(names.get);
  const postFig = fig(names.post);
  const reconnectFig = fig(names.reconnect);
  const opensslFig = options.skipOpenssl ? null : fig(names.openssl);

  await cachedApp.close();
  await coldApp.close();
  await new Promise<void>((r) => bare.close(() => r()));
  pki.remove();

  const cachedBest = Math.min(getFig.perSecond, postFig.perSecond);
  const ratios: Record<string, number> = {
    getCachedVsBare: getFig.perSecond / bareFig.perSecond,
    postCachedVsBare: postFig.perSecond / bareFig.perSecond,
  };
  if (opensslFig) {
    ratios.postCachedKeepAliveVsOpenssl = postFig.perSecond / opensslFig.perSecond;
    ratios.postCachedNewConnectionVsOpenssl = reconnectFig.perSecond / opensslFig.perSecond;
  }
  const vsBare = cachedBest / bareFig.perSecond;
  return {
    machine,
    figures,
    ratios,
    targets: {
      cachedVsBare: { value: vsBare, target: 0.6, met: vsBare >= 0.6 },
      cachedVsOpenssl: opensslFig ? { value: cachedBest / opensslFig.perSecond, target: 10, met: cachedBest / opensslFig.perSecond >= 10 } : null,
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      connections: { type: 'string', default: '32' },
      serials: { type: 'string', default: '200' },
      rounds: { type: 'string', default: '2' },
      'skip-openssl': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const result = await benchOcsp({
    durationS: Number(values.duration),
    warmupS: Number(values.warmup),
    connections: Number(values.connections),
    serials: Number(values.serials),
    rounds: Number(values.rounds),
    skipOpenssl: values['skip-openssl'],
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const m = result.machine;
  process.stdout.write(`\nOCSP responder benchmark (${String(m.cpuModel)}, ${String(m.cores)} cores, Node ${String(m.node)})\n\n`);
  for (const f of result.figures) {
    const rounds = f.rounds.map((r) => r.toLocaleString('en')).join(' / ');
    process.stdout.write(
      `${f.name.padEnd(54)} ${f.perSecond.toLocaleString('en').padStart(7)}/s  p50 ${f.latencyMs.p50.toFixed(2)} ms  p99 ${f.latencyMs.p99.toFixed(2)} ms  server CPU ${f.serverCpuPct}%  other CPU ${f.otherCpuPct ?? '?'}%  (rounds: ${rounds})${f.errors ? `  ERRORS ${f.errors}` : ''}\n`,
    );
  }
  process.stdout.write('\n');
  for (const [k, v] of Object.entries(result.ratios)) process.stdout.write(`${k.padEnd(40)} ${v.toFixed(2)}\n`);
  const t = result.targets;
  process.stdout.write(`\ntarget cached >= 60% of bare: ${(t.cachedVsBare.value * 100).toFixed(0)}% ${t.cachedVsBare.met ? 'met' : 'NOT MET'}\n`);
  if (t.cachedVsOpenssl) process.stdout.write(`target cached >= 10x openssl ocsp: ${t.cachedVsOpenssl.value.toFixed(1)}x ${t.cachedVsOpenssl.met ? 'met' : 'NOT MET'}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
