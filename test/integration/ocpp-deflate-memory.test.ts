// permessage-deflate must not cost memory per station: with our tuned settings a station that
// compresses everything costs at most 20 KiB more than one that does not. Stations live in a
// child process so that this process's memory is the server's alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';

const STATIONS = 150;
const BIG = 'compressible station data '.repeat(80); // ~2 KiB, well over the 256-byte threshold

// The main isolate's JS heap plus its external memory, where Node accounts each zlib stream's
// native allocations. Process RSS would also count the embedded database's worker thread, whose
// WebAssembly heap moves by hundreds of megabytes on its own.
function gcMemory(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  assert.ok(gc, 'run with node --expose-gc (npm test does)');
  for (let i = 0; i < 4; i++) gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

type Fleet = (op: 'connect' | 'send' | 'close', prefix: string, extra?: { deflate?: boolean; round?: number }) => Promise<void>;

function startFleetProcess(url: string): { fleet: Fleet; stop(): void } {
  const child = fork(fileURLToPath(new URL('../helpers/deflate-fleet.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const fleet: Fleet = (op, prefix, extra = {}) =>
    new Promise((resolve, reject) => {
      child.once('message', (m: { ok: boolean; error?: string }) => (m.ok ? resolve() : reject(new Error(m.error))));
      child.send({ op, url, prefix, count: STATIONS, deflate: extra.deflate ?? false, round: extra.round ?? 0 });
    });
  return { fleet, stop: () => child.kill() };
}

async function exercise(csms: TestCsms, fleet: Fleet, prefix: string): Promise<void> {
  // Each station sends large frames, and the CSMS sends each a large CALL, three times.
  for (let round = 0; round < 3; round++) {
    const calls = Array.from({ length: STATIONS }, (_, i) => csms.bus.call(`${prefix}${i}`, 'DataTransfer', { vendorId: 'csms', data: BIG }));
    await fleet('send', prefix, { round });
    await Promise.all(calls);
  }
  await new Promise((r) => setTimeout(r, 300));
}

async function extraPerCompressingStation(): Promise<{ plainKiB: number; deflateKiB: number }> {
  const csms = await startTestCsms(['--auto-register', '--no-record-payloads'], {});
  const fleetProcess = startFleetProcess(csms.ocppUrl);
  const { fleet } = fleetProcess;
  try {
    // Warm up every code path once so that lazily loaded code does not count as per-station cost.
    await fleet('connect', 'W', { deflate: true });
    await exercise(csms, fleet, 'W');
    await fleet('close', 'W');
    await new Promise((r) => setTimeout(r, 500));

    const base = gcMemory();
    await fleet('connect', 'P', { deflate: false });
    await exercise(csms, fleet, 'P');
    const afterPlain = gcMemory();
    await fleet('connect', 'D', { deflate: true });
    await exercise(csms, fleet, 'D');
    const afterDeflate = gcMemory();
    return { plainKiB: (afterPlain - base) / STATIONS / 1024, deflateKiB: (afterDeflate - afterPlain) / STATIONS / 1024 };
  } finally {
    fleetProcess.stop();
    await csms.stop();
  }
}

describe('permessage-deflate memory', () => {
  it('a compressing station costs at most 20 KiB more than a plain one (tuned settings)', async () => {
    const { plainKiB, deflateKiB } = await extraPerCompressingStation();
    process.stdout.write(`# tuned deflate: plain ${plainKiB.toFixed(1)} KiB/station, compressing ${deflateKiB.toFixed(1)} KiB/station\n`);
    assert.ok(deflateKiB - plainKiB <= 20, `compressing stations cost ${(deflateKiB - plainKiB).toFixed(1)} KiB more each`);
  });
});
