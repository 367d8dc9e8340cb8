// The connection rules of OCPP 2.0.1 Part 4 §3 through the real server: identity in the path,
// unknown stations refused before the upgrade, subprotocol negotiation, session replacement.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { UpgradeAuthenticator } from '../../src/ocpp/upgrade-auth.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { rawUpgrade } from '../helpers/raw-upgrade.js';
import { waitFor } from '../helpers/sim-wait.js';
import { BOOT, connectRaw } from '../helpers/ws-station.js';

// Refuses any upgrade that carries x-test-deny: stands in for a wrong password or certificate.
const denyOnHeader: UpgradeAuthenticator = {
  authenticate: (req) => (req.headers['x-test-deny'] ? { ok: false, status: 401, reason: 'test: denied' } : { ok: true }),
};

async function refusedStatus(url: string): Promise<number> {
  try {
    const st = await connectRaw(url);
    await st.close();
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

describe('OCPP-J connections', () => {
  let csms: TestCsms;

  before(async () => {
    csms = await startTestCsms(['--boot-retry-interval', '77', '--heartbeat-interval', '33'], { authenticator: denyOnHeader });
    for (const [id, status] of [['CS-A', 'Accepted'], ['CS-P', 'Pending'], ['CS-R', 'Rejected'], ['CS-DUP', 'Accepted']] as const) {
      await csms.store.stations.create({ id, registrationStatus: status, securityProfile: 1 });
    }
  });
  after(() => csms.stop());

  it('refuses an unknown identity with 404 before the upgrade', async () => {
    assert.equal(await refusedStatus(`${csms.ocppUrl}/NOBODY`), 404);
    assert.equal(await csms.store.stations.get('NOBODY'), null);
  });

  it('refuses paths outside /ocpp/<identity> with 404', async () => {
    assert.equal(await refusedStatus(`ws://127.0.0.1:${csms.ocppPort}/other/CS-A`), 404);
    assert.equal(await refusedStatus(`ws://127.0.0.1:${csms.ocppPort}/ocpp/CS-A/extra`), 404);
  });

  it('refuses identities with a colon or over 48 characters with 400', async () => {
    assert.equal(await refusedStatus(`${csms.ocppUrl}/CS%3AA`), 400);
    assert.equal(await refusedStatus(`${csms.ocppUrl}/${'a'.repeat(49)}`), 400);
  });

  it('accepts a 48-character identity once registered', async () => {
    const id = 'b'.repeat(48);
    await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
    assert.equal(await refusedStatus(`${csms.ocppUrl}/${id}`), 101);
  });

  it('selects ocpp2.0.1 among offered subprotocols', async () => {
    const st = await connectRaw(`${csms.ocppUrl}/CS-A`, { protocols: ['ocpp1.6', 'ocpp2.0.1'] });
    assert.equal(st.ws.protocol, 'ocpp2.0.1');
    await st.close();
  });

  // Part 4 §3.1.2: no agreed subprotocol -> finish the handshake without Sec-WebSocket-Protocol,
  // then close at once.
  for (const offered of ['ocpp1.6', 'ocpp1.6, ocpp2.1', null]) {
    it(`completes the handshake without a subprotocol and closes when offered ${offered ?? 'none'}`, async () => {
      const r = await rawUpgrade(csms.ocppPort, '/ocpp/CS-A', offered ? { 'Sec-WebSocket-Protocol': offered } : {});
      assert.equal(r.status, 101);
      assert.equal(r.headers['sec-websocket-protocol'], undefined);
      assert.equal(r.closeCode, 1002);
    });
  }

  it('answers BootNotification with the registry status and the right interval', async () => {
    for (const [id, status, interval] of [['CS-A', 'Accepted', 33], ['CS-P', 'Pending', 77], ['CS-R', 'Rejected', 77]] as const) {
      const st = await connectRaw(`${csms.ocppUrl}/${id}`);
      const answer = await st.call('BootNotification', BOOT);
      assert.equal(answer[0], 3);
      assert.deepEqual({ status: (answer[2] as { status: string }).status, interval: (answer[2] as { interval: number }).interval }, { status, interval });
      if (status !== 'Accepted') {
        const hb = await st.call('Heartbeat', {});
        assert.deepEqual([hb[0], hb[2]], [4, 'SecurityError'], `${id} may not heartbeat before it is Accepted`);
      }
      await st.close();
      const row = await csms.store.stations.get(id);
      assert.equal(row?.vendorName, 'Acme');
      assert.equal(row?.model, 'Volt 22');
      assert.ok(row?.lastBootAt);
    }
  });

  it('lets a Pending station send what the CSMS triggered, once, and nothing else (B02.FR.09)', async () => {
    await csms.store.stations.create({ id: 'CS-PT', registrationStatus: 'Pending', securityProfile: 1 });
    const st = await connectRaw(`${csms.ocppUrl}/CS-PT`);
    await st.call('BootNotification', BOOT);
    const answer = async (action: string, payload: unknown, response: unknown) => {
      const pending = csms.bus.call('CS-PT', action, payload);
      const c = await st.next();
      st.send([3, c[1], response]);
      await pending;
    };
    await answer('TriggerMessage', { requestedMessage: 'Heartbeat' }, { status: 'Rejected' });
    assert.equal((await st.call('Heartbeat', {}))[2], 'SecurityError', 'a rejected trigger permits nothing');
    await answer('TriggerMessage', { requestedMessage: 'Heartbeat' }, { status: 'Accepted' });
    assert.equal((await st.call('Heartbeat', {}))[0], 3, 'the triggered Heartbeat is answered');
    assert.equal((await st.call('Heartbeat', {}))[2], 'SecurityError', 'only once');
    await answer('GetBaseReport', { requestId: 7, reportBase: 'SummaryInventory' }, { status: 'Accepted' });
    const report = { requestId: 7, generatedAt: new Date().toISOString(), seqNo: 0, tbc: true };
    const part = await st.call('NotifyReport', report);
    assert.notEqual(part[2], 'SecurityError', 'the report the CSMS asked for is not refused');
    assert.equal((await st.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 }))[2], 'SecurityError');
    await st.close();
  });

  it('reads a changed registration status at the next boot', async () => {
    await csms.store.stations.update('CS-P', { registrationStatus: 'Accepted' });
    const st = await connectRaw(`${csms.ocppUrl}/CS-P`);
    const answer = await st.call('BootNotification', BOOT);
    assert.equal((answer[2] as { status: string }).status, 'Accepted');
    assert.equal((await st.call('Heartbeat', {}))[0], 3);
    await st.close();
  });

  it('never lets an unauthenticated or wrong-subprotocol duplicate displace a live session', async () => {
    const live = await connectRaw(`${csms.ocppUrl}/CS-DUP`);
    assert.equal((await rawUpgrade(csms.ocppPort, '/ocpp/CS-DUP', { 'Sec-WebSocket-Protocol': 'ocpp1.6' })).closeCode, 1002);
    await assert.rejects(connectRaw(`${csms.ocppUrl}/CS-DUP`, { headers: { 'x-test-deny': '1' } }), { status: 401 });
    assert.equal((await live.call('Heartbeat', {}))[0], 3, 'the live session still works');
    assert.ok(csms.bus.isConnected('CS-DUP'));

    const replacement = await connectRaw(`${csms.ocppUrl}/CS-DUP`);
    const { code } = await live.closed;
    assert.equal(code, 1000);
    assert.equal((await replacement.call('Heartbeat', {}))[0], 3);
    // The replacement's security event is written after the handshake, not before it.
    const events = await waitFor('the ConnectionReplaced security event', async () => {
      const all = await csms.store.events.listSecurityEvents('CS-DUP');
      return all.some((e) => e.type === 'ConnectionReplaced' && e.source === 'csms') ? all : null;
    });
    assert.ok(events.some((e) => e.type === 'ConnectionRefused'));
    await replacement.close();
  });

  it('closes a connection that sends a frame over the size limit (1009)', async () => {
    const st = await connectRaw(`${csms.ocppUrl}/CS-A`);
    st.sendText(`[2,"big","DataTransfer",{"vendorId":"x","data":"${'z'.repeat(300_000)}"}]`);
    const { code } = await st.closed;
    assert.equal(code, 1009);
  });

  it('marks stations connected and disconnected in the registry', async () => {
    const st = await connectRaw(`${csms.ocppUrl}/CS-A`);
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal((await csms.store.stations.get('CS-A'))?.connected, true);
    await st.close();
    await new Promise((r) => setTimeout(r, 1200));
    const row = await csms.store.stations.get('CS-A');
    assert.equal(row?.connected, false);
    assert.ok(row?.disconnectedAt);
  });
});

describe('auto-registration', () => {
  it('registers an unknown station when enabled, and only then', async () => {
    const csms = await startTestCsms(['--auto-register', '--auto-register-status', 'Pending']);
    try {
      const st = await connectRaw(`${csms.ocppUrl}/LAB-1`);
      const answer = await st.call('BootNotification', BOOT);
      assert.equal((answer[2] as { status: string }).status, 'Pending');
      await st.close();
      const row = await csms.store.stations.get('LAB-1');
      assert.equal(row?.autoRegistered, true);
    } finally {
      await csms.stop();
    }
  });
});
