// PostgreSQL text cannot hold NUL. A station that sends "\u0000" in a string must neither fail
// its own request with an internal error nor, through a batched statement, anybody else's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { connectRaw } from '../helpers/ws-station.js';

describe('NUL characters from stations', () => {
  let csms: TestCsms;
  before(async () => {
    csms = await startTestCsms();
    for (const id of ['NUL-1', 'OK-1']) await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
  });
  after(() => csms.stop());

  it('stores them replaced, and a station booting alongside is unaffected', async () => {
    const [bad, good] = await Promise.all([connectRaw(`${csms.ocppUrl}/NUL-1`), connectRaw(`${csms.ocppUrl}/OK-1`)]);
    const [a, b] = await Promise.all([
      bad.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Ev\u0000il', model: 'M\u0000' } }),
      good.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Good', model: 'G1' } }),
    ]);
    assert.deepEqual([a[0], b[0]], [3, 3], JSON.stringify([a, b]));
    assert.equal((await csms.store.stations.get('NUL-1'))?.vendorName, 'Ev\uFFFDil');
    assert.equal((await csms.store.stations.get('OK-1'))?.vendorName, 'Good');

    const now = new Date().toISOString();
    const sec = await bad.call('SecurityEventNotification', { type: 'Tamper\u0000', timestamp: now, techInfo: 'x\u0000y' });
    assert.equal(sec[0], 3, `security: ${JSON.stringify(sec)}`);
    const ev = await bad.call('NotifyEvent', {
      generatedAt: now, seqNo: 0,
      eventData: [{ eventId: 1, timestamp: now, trigger: 'Delta', actualValue: 'a\u0000', eventNotificationType: 'HardWiredNotification', component: { name: 'C\u0000' }, variable: { name: 'V' } }],
    });
    assert.equal(ev[0], 3, `event: ${JSON.stringify(ev)}`);
    assert.equal((await csms.store.events.listStationEvents('NUL-1'))[0]?.actualValue, 'a\uFFFD');
    // An escaped NUL in the message id is valid JSON: answered, echoed, and logged.
    bad.sendText(String.raw`[2,"n\u0000","Heartbeat",{}]`);
    const hb = await bad.next();
    assert.deepEqual([hb[0], hb[1]], [3, 'n\u0000']);
    // A raw NUL inside a JSON string is not JSON at all.
    bad.sendText('[2,"r\u0000","Heartbeat",{}]');
    assert.deepEqual((await bad.next()).slice(0, 3), [4, '-1', 'RpcFrameworkError']);
    await new Promise((r) => setTimeout(r, 500));
    const frames = await csms.store.frames.listFor('NUL-1', { limit: 50 });
    assert.ok(frames.some((f) => f.messageId === 'n\u0000'), 'the frame log kept the escaped-NUL frame');
    assert.ok(frames.some((f) => f.outcome === 'RpcFrameworkError'), 'and the raw-NUL one');
    await Promise.all([bad.close(), good.close()]);
  });
});
