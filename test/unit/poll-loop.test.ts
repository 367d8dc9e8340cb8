// The poll/wake loop under the outbox, certificate campaigns and firmware: passes never overlap,
// a kick during a pass runs one more, storms of kicks and connections are gathered, work started
// inside or outside a pass is awaited by tick() and close().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../src/log.js';
import { startPollLoop, WAKE_BATCH_MS, type LoopWork, type PollLoopOptions } from '../../src/jobs/poll-loop.js';

/** Waits until `cond` holds (timers may run late on a loaded machine), at most 5 s. */
async function until(cond: () => boolean): Promise<void> {
  for (const end = Date.now() + 5000; !cond() && Date.now() < end; ) await sleep(10);
  assert.ok(cond(), 'condition not reached within 5 s');
}

function counted(extra: Partial<PollLoopOptions> = {}, passBody?: (w: LoopWork) => Promise<void>) {
  const seen = { passes: 0, active: 0, maxActive: 0 };
  const loop = startPollLoop({
    name: 'test',
    log: silentLogger(),
    pollIntervalMs: 60_000,
    async pass(w) {
      seen.passes++;
      seen.active++;
      seen.maxActive = Math.max(seen.maxActive, seen.active);
      try {
        await sleep(5);
        await passBody?.(w);
      } finally {
        seen.active--;
      }
    },
    ...extra,
  });
  return { loop, seen };
}

test('passes never overlap; kicks during a pass make exactly one more', async () => {
  const { loop, seen } = counted();
  // The first pass starts at once; three kicks and a tick while it runs give one more pass, not four.
  loop.kick();
  loop.kick();
  loop.kick();
  await loop.tick();
  await sleep(20);
  assert.equal(seen.maxActive, 1);
  assert.equal(seen.passes, 2);
  await loop.tick();
  assert.equal(seen.passes, 3, 'a tick when idle runs a pass of its own');
  await loop.close();
});

test('kickSoon: a storm of calls within the batch window makes one pass', async () => {
  const { loop, seen } = counted();
  await loop.tick();
  const before = seen.passes;
  for (let i = 0; i < 50; i++) loop.kickSoon();
  assert.equal(seen.passes, before, 'nothing before the window closes');
  await until(() => seen.passes > before && seen.active === 0);
  await sleep(WAKE_BATCH_MS + 20);
  assert.equal(seen.passes, before + 1);
  await loop.close();
});

test('connections without a wake statement are gathered into one pass', async () => {
  const { loop, seen } = counted();
  await loop.tick();
  const before = seen.passes;
  for (let i = 0; i < 20; i++) loop.stationConnected(`CS${i}`);
  await until(() => seen.passes > before && seen.active === 0);
  await sleep(WAKE_BATCH_MS * 2 + 20);
  assert.equal(seen.passes, before + 1);
  await loop.close();
});

test('with a wake statement: the first station at once, the rest in one statement; a pass only for pending work', async () => {
  const woken: string[][] = [];
  let pending = 0;
  const { loop, seen } = counted({
    wakeStations: async (ids) => {
      woken.push([...ids]);
      return pending;
    },
  });
  await loop.tick();
  const before = seen.passes;
  loop.stationConnected('A');
  loop.stationConnected('B');
  loop.stationConnected('C');
  await until(() => woken.length === 2);
  await sleep(20);
  assert.deepEqual(woken, [['A'], ['B', 'C']]);
  assert.equal(seen.passes, before, 'no pending work, no pass');
  pending = 1;
  loop.stationConnected('D');
  await until(() => seen.passes === before + 1);
  await loop.close();
});

test('work started inside or outside a pass is awaited by tick() and close(); a closed loop runs nothing', async () => {
  let insideDone = false;
  let outsideDone = false;
  const { loop, seen } = counted({}, async (w) => {
    if (!w.inFlight.has('inside')) w.start('inside', sleep(30).then(() => void (insideDone = true)));
  });
  await loop.tick();
  assert.equal(insideDone, true);
  loop.work.start('outside', sleep(30).then(() => void (outsideDone = true)));
  assert.equal(loop.work.inFlight.has('outside'), true);
  await loop.close();
  assert.equal(outsideDone, true);
  assert.equal(loop.work.inFlight.size, 0);
  assert.equal(loop.work.closed, true);
  const after = seen.passes;
  loop.kickSoon();
  loop.stationConnected('X');
  await sleep(WAKE_BATCH_MS + 40);
  assert.equal(seen.passes, after);
});
