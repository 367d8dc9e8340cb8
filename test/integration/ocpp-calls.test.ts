// CSMS-initiated CALLs through the station bus: validated before sending, one outstanding at a
// time, timed out, answered by CALLRESULT or CALLERROR, failed when the station goes away.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OcppRpcError } from '../../src/ocpp/rpc-error.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { connectRaw, type RawStation } from '../helpers/ws-station.js';

const RESET = { type: 'Immediate' };

describe('CSMS-initiated CALLs', () => {
  let csms: TestCsms;
  let st: RawStation;

  before(async () => {
    csms = await startTestCsms(['--call-timeout-ms', '400']);
    await csms.store.stations.create({ id: 'CS-CALL', registrationStatus: 'Accepted', securityProfile: 1 });
    st = await connectRaw(`${csms.ocppUrl}/CS-CALL`);
  });
  after(async () => {
    await st.close();
    await csms.stop();
  });

  it('sends a valid CALL and resolves with the CALLRESULT payload', async () => {
    const pending = csms.bus.call('CS-CALL', 'Reset', RESET);
    const call = await st.next();
    assert.deepEqual([call[0], call[2], call[3]], [2, 'Reset', RESET]);
    assert.ok(typeof call[1] === 'string' && call[1].length <= 36);
    st.send([3, call[1], { status: 'Accepted' }]);
    assert.deepEqual(await pending, { kind: 'result', payload: { status: 'Accepted' } });
  });

  it('keeps one CALL outstanding: the second is sent only after the first is answered', async () => {
    const first = csms.bus.call('CS-CALL', 'Reset', RESET);
    const second = csms.bus.call('CS-CALL', 'ClearCache', {});
    const c1 = await st.next();
    assert.equal(c1[2], 'Reset');
    await assert.rejects(st.next(300), /no frame/, 'nothing else is sent while Reset is outstanding');
    st.send([3, c1[1], { status: 'Rejected' }]);
    const c2 = await st.next();
    assert.equal(c2[2], 'ClearCache');
    st.send([3, c2[1], { status: 'Accepted' }]);
    assert.equal(((await first) as { payload: { status: string } }).payload.status, 'Rejected');
    assert.equal(((await second) as { payload: { status: string } }).payload.status, 'Accepted');
  });

  it('resolves a CALLERROR as the station\'s error', async () => {
    const pending = csms.bus.call('CS-CALL', 'ClearCache', {});
    const c = await st.next();
    st.send([4, c[1], 'NotSupported', 'no cache here', { hint: 1 }]);
    assert.deepEqual(await pending, { kind: 'error', errorCode: 'NotSupported', errorDescription: 'no cache here', errorDetails: { hint: 1 } });
  });

  const failures: { name: string; run: () => Promise<unknown>; code: string }[] = [
    { name: 'an action the CSMS never sends', run: () => csms.bus.call('CS-CALL', 'Heartbeat', {}), code: 'UnknownAction' },
    { name: 'an unknown action', run: () => csms.bus.call('CS-CALL', 'Teleport', {}), code: 'UnknownAction' },
    { name: 'an invalid payload', run: () => csms.bus.call('CS-CALL', 'Reset', { type: 'Sometime' }), code: 'InvalidPayload' },
    { name: 'a station that is not connected', run: () => csms.bus.call('NOT-HERE', 'Reset', RESET), code: 'StationNotConnected' },
  ];
  for (const f of failures) {
    it(`rejects ${f.name} with ${f.code} and sends nothing`, async () => {
      await assert.rejects(f.run(), (err: unknown) => err instanceof OcppRpcError && err.code === f.code);
      await assert.rejects(st.next(150), /no frame/);
    });
  }

  it('rejects an invalid CALLRESULT with InvalidResponse', async () => {
    const pending = csms.bus.call('CS-CALL', 'Reset', RESET);
    const c = await st.next();
    st.send([3, c[1], { status: 'Perhaps' }]);
    await assert.rejects(pending, (err: unknown) => err instanceof OcppRpcError && err.code === 'InvalidResponse');
  });

  it('times out a CALL the station does not answer, then sends the next one', async () => {
    const pending = csms.bus.call('CS-CALL', 'Reset', RESET);
    const queued = csms.bus.call('CS-CALL', 'ClearCache', {});
    const ignored = await st.next();
    await assert.rejects(pending, (err: unknown) => err instanceof OcppRpcError && err.code === 'CallTimeout');
    const next = await st.next();
    assert.equal(next[2], 'ClearCache');
    st.send([3, ignored[1], { status: 'Accepted' }]); // late answer to the timed-out CALL: ignored
    st.send([3, next[1], { status: 'Accepted' }]);
    assert.equal((await queued).kind, 'result');
  });

  it('fails outstanding and queued CALLs with ConnectionClosed when the station goes away', async () => {
    const other = await connectRaw(`${csms.ocppUrl}/CS-CALL`); // replaces st's session
    await st.closed;
    const a = csms.bus.call('CS-CALL', 'Reset', RESET);
    const b = csms.bus.call('CS-CALL', 'ClearCache', {});
    const both = Promise.allSettled([a, b]);
    await other.next();
    await other.close();
    await both;
    const closed = (err: unknown) => err instanceof OcppRpcError && err.code === 'ConnectionClosed';
    await Promise.all([assert.rejects(a, closed), assert.rejects(b, closed)]);
    st = await connectRaw(`${csms.ocppUrl}/CS-CALL`);
  });

  it('records CALLs and answers in the frame log with action and message id', async () => {
    await new Promise((r) => setTimeout(r, 400));
    const frames = await csms.store.frames.listFor('CS-CALL', { limit: 500 });
    const out = frames.filter((f) => f.direction === 'out' && f.action === 'Reset' && f.messageType === 2);
    assert.ok(out.length >= 4);
    for (const f of out) {
      const answer = frames.find((g) => g.direction === 'in' && g.messageId === f.messageId && g.outcome !== 'UnmatchedMessageId');
      if (answer) assert.equal(answer.action, 'Reset');
    }
  });
});
