// Keep-alive and backpressure: a peer that stops reading is dropped, whether it is silent (no
// pong) or flooding us while never reading our answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { connectRaw } from '../helpers/ws-station.js';

async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

describe('liveness', () => {
  let csms: TestCsms;
  before(async () => {
    csms = await startTestCsms(['--ping-interval', '1', '--max-buffered-bytes', '65536']);
    for (const id of ['CS-LIVE', 'CS-DEAD', 'CS-FLOOD']) await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
  });
  after(() => csms.stop());

  it('keeps a peer that answers pings', async () => {
    const st = await connectRaw(`${csms.ocppUrl}/CS-LIVE`);
    await new Promise((r) => setTimeout(r, 3500));
    assert.ok(csms.bus.isConnected('CS-LIVE'));
    await st.close();
  });

  it('drops a peer that answers no ping within the interval', async () => {
    const st = await connectRaw(`${csms.ocppUrl}/CS-DEAD`);
    (st.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // reads nothing, so never pongs
    assert.ok(await until(() => !csms.bus.isConnected('CS-DEAD'), 5000), 'dropped after missing a pong');
  });

  it('drops a peer that sends but never reads once too much is queued for it', async () => {
    const st = await connectRaw(`${csms.ocppUrl}/CS-FLOOD`);
    (st.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // Each frame is answered with a ~300-byte CALLERROR (unknown action, description capped at 255).
    const frame = JSON.stringify([2, 'f', `Unknown${'X'.repeat(240)}`, {}]);
    const deadline = Date.now() + 30_000;
    for (let sent = 0; sent < 400_000 && Date.now() < deadline && csms.bus.isConnected('CS-FLOOD'); sent += 2000) {
      for (let i = 0; i < 2000 && st.ws.readyState === st.ws.OPEN; i++) st.ws.send(frame);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(await until(() => !csms.bus.isConnected('CS-FLOOD'), 10_000), 'dropped as a slow consumer');
  });
});
