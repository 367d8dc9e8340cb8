// `npm run bench:firmware`: N concurrent downloads (default 200) of one image (default 100 MiB)
// from the CSMS's firmware URL, against a bare node HTTP server streaming the same file in the
// same run (target: at least 80% of its throughput), then a download interrupted halfway and
// resumed with Range, checked byte for byte. Servers run in child processes; this one downloads.
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { Agent, get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineFacts } from './bench-machine.js';
import type { ServerMessage } from './firmware-server.js';

const { values: opts } = parseArgs({ options: { concurrency: { type: 'string', default: '200' }, 'size-mib': { type: 'string', default: '100' }, rounds: { type: 'string', default: '2' } } });
const N = Number(opts.concurrency);
const SIZE = Number(opts['size-mib']) * 2 ** 20;
const ROUNDS = Number(opts.rounds);

function startServer(mode: 'bare' | 'csms', image: string): Promise<{ child: ChildProcess; ready: Extract<ServerMessage, { url: string }> }> {
  const child = fork(new URL('./firmware-server.ts', import.meta.url).pathname, [mode, image], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: ServerMessage) => ('url' in m ? resolve({ child, ready: m }) : reject(new Error('unexpected message'))));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send('stop');
  });
}

function request(url: string, agent: Agent, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, { agent, headers }, resolve).on('error', reject));
}

/** N downloads at once; every byte is read and counted. */
async function downloadAll(url: string, n: number): Promise<{ seconds: number; bytes: number }> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const start = performance.now();
  const sizes = await Promise.all(
    Array.from({ length: n }, async () => {
      const res = await request(url, agent);
      if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
      let bytes = 0;
      for await (const chunk of res) bytes += (chunk as Buffer).length;
      return bytes;
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const bytes = sizes.reduce((a, b) => a + b, 0);
  if (bytes !== n * SIZE) throw new Error(`downloaded ${bytes} bytes, expected ${n * SIZE}`);
  return { seconds, bytes };
}

/** Interrupts a download after half the image, resumes it with Range, checks the SHA-256. */
async function interruptedAndResumed(url: string, expected: string): Promise<Record<string, unknown>> {
  const agent = new Agent({ keepAlive: false });
  const hash = createHash('sha256');
  let got = 0;
  const first = await request(url, agent);
  await new Promise<void>((resolve) => {
    first.on('data', (chunk: Buffer) => {
      if (got >= SIZE / 2) return;
      hash.update(chunk);
      got += chunk.length;
      if (got >= SIZE / 2) {
        first.destroy();
        resolve();
      }
    });
    first.on('end', resolve);
  });
  const t = performance.now();
  const second = await request(url, agent, { range: `bytes=${got}-`, 'if-range': String(first.headers.etag) });
  const firstByteMs = performance.now() - t;
  let rest = 0;
  for await (const chunk of second) {
    hash.update(chunk as Buffer);
    rest += (chunk as Buffer).length;
  }
  const seconds = (performance.now() - t) / 1000;
  agent.destroy();
  return {
    interruptedAtBytes: got,
    resumeStatus: second.statusCode,
    contentRange: second.headers['content-range'],
    resumedBytes: rest,
    resumeFirstByteMs: Math.round(firstByteMs * 10) / 10,
    resumedMiBps: Math.round(rest / 2 ** 20 / seconds),
    sha256Matches: hash.digest('hex') === expected,
  };
}

const mibps = (r: { seconds: number; bytes: number }): number => Math.round(r.bytes / 2 ** 20 / r.seconds);

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'bench-firmware-'));
const image = join(dir, 'image.bin');
const fd = openSync(image, 'w');
for (let written = 0; written < SIZE; written += 2 ** 20) writeSync(fd, randomBytes(Math.min(2 ** 20, SIZE - written)));
closeSync(fd);
const { createReadStream } = await import('node:fs');
const sha = createHash('sha256');
for await (const c of createReadStream(image)) sha.update(c as Buffer);
const expected = sha.digest('hex');

console.log(JSON.stringify({ bench: 'firmware', machine: machineFacts(), concurrency: N, imageMiB: SIZE / 2 ** 20, rounds: ROUNDS }));
try {
  const bare = await startServer('bare', image);
  const csms = await startServer('csms', image);
  console.log(JSON.stringify({ csmsUploadMiBps: Math.round(SIZE / 2 ** 20 / (csms.ready.uploadSeconds ?? 1)), csmsSignSeconds: Math.round((csms.ready.signSeconds ?? 0) * 100) / 100 }));
  const results: { bare: number[]; csms: number[] } = { bare: [], csms: [] };
  const cpu: { bare: number[]; csms: number[] } = { bare: [], csms: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    // Alternating, so that neither side always runs on a warmer (or busier) machine.
    for (const [name, s] of round % 2 ? ([['bare', bare], ['csms', csms]] as const) : ([['csms', csms], ['bare', bare]] as const)) {
      const cpuBefore = cpuSeconds(s.child.pid);
      const r = await downloadAll(s.ready.url, N);
      // The server's own CPU per GiB sent: what the machine's other load does not blur.
      const serverCpuSPerGiB = Math.round(((cpuSeconds(s.child.pid) - cpuBefore) / (r.bytes / 2 ** 30)) * 1000) / 1000;
      results[name].push(mibps(r));
      cpu[name].push(serverCpuSPerGiB);
      console.log(JSON.stringify({ round, server: name, downloads: N, seconds: Math.round(r.seconds * 100) / 100, MiBps: mibps(r), Gbitps: Math.round(((r.bytes * 8) / r.seconds / 1e9) * 100) / 100, serverCpuSPerGiB, loadAverage: machineFacts().loadAverageAtStart }));
    }
  }
  // The median; with an even count, the mean of the middle two.
  const median = (xs: number[]): number => {
    const v = [...xs].sort((a, b) => a - b);
    const m = Math.floor(v.length / 2);
    return v.length % 2 ? (v[m] ?? 0) : ((v[m - 1] ?? 0) + (v[m] ?? 0)) / 2;
  };
  const round3 = (x: number): number => Math.round(x * 1000) / 1000;
  const ratio = median(results.csms) / median(results.bare);
  console.log(JSON.stringify({ summary: 'concurrent downloads', bareMedianMiBps: median(results.bare), csmsMedianMiBps: median(results.csms), ratio: Math.round(ratio * 1000) / 1000, target: 0.8, met: ratio >= 0.8, bareServerCpuSPerGiB: round3(median(cpu.bare)), csmsServerCpuSPerGiB: round3(median(cpu.csms)) }));
  console.log(JSON.stringify({ summary: 'interrupted and resumed download (CSMS)', ...(await interruptedAndResumed(csms.ready.url, expected)) }));
  csms.child.send('progress');
  const progress = await new Promise<ServerMessage>((resolve) => csms.child.once('message', resolve));
  console.log(JSON.stringify({ summary: 'download progress of the job, as GET /api/v1/firmware/updates/{id} shows it', ...progress }));
  await stopServer(bare.child);
  await stopServer(csms.child);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
