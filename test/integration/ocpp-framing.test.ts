// OCPP-J framing through the real server: every malformed frame gets the CALLERROR Part 4
// prescribes, with "-1" where the id cannot be read, and the connection survives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { BOOT, connectRaw, type RawStation } from '../helpers/ws-station.js';

const LONG_ID = 'x'.repeat(37);
const CASES: { name: string; text: string; code: string; id: string }[] = [
  { name: 'not JSON', text: '[2,"a","Heartbeat"', code: 'RpcFrameworkError', id: '-1' },
  { name: 'a JSON object, not an array', text: '{"a":1}', code: 'RpcFrameworkError', id: '-1' },
  { name: 'an empty array', text: '[]', code: 'RpcFrameworkError', id: '-1' },
  { name: 'message type as a string', text: '["2","a","Heartbeat",{}]', code: 'RpcFrameworkError', id: '-1' },
  { name: 'unknown message type', text: '[7,"t7","Heartbeat",{}]', code: 'MessageTypeNotSupported', id: 't7' },
  { name: 'unknown message type, unreadable id', text: '[9,12]', code: 'MessageTypeNotSupported', id: '-1' },
  { name: 'message id not a string', text: '[2,5,"Heartbeat",{}]', code: 'RpcFrameworkError', id: '-1' },
  { name: 'message id of 37 characters', text: `[2,"${LONG_ID}","Heartbeat",{}]`, code: 'RpcFrameworkError', id: '-1' },
  { name: 'empty message id', text: '[2,"","Heartbeat",{}]', code: 'RpcFrameworkError', id: '-1' },
  { name: 'CALL without payload', text: '[2,"p1","Heartbeat"]', code: 'ProtocolError', id: 'p1' },
  { name: 'CALL with an extra element', text: '[2,"p2","Heartbeat",{},{}]', code: 'ProtocolError', id: 'p2' },
  { name: 'action not a string', text: '[2,"p3",5,{}]', code: 'ProtocolError', id: 'p3' },
  { name: 'payload an array', text: '[2,"f1","Heartbeat",[]]', code: 'FormatViolation', id: 'f1' },
  { name: 'payload a string', text: '[2,"f2","Heartbeat","x"]', code: 'FormatViolation', id: 'f2' },
  { name: 'unknown action', text: '[2,"n1","FlyToTheMoon",{}]', code: 'NotImplemented', id: 'n1' },
  { name: 'a CSMS-to-station action', text: '[2,"s1","Reset",{"type":"Immediate"}]', code: 'NotSupported', id: 's1' },
  { name: 'required field missing', text: '[2,"o1","BootNotification",{"reason":"PowerUp"}]', code: 'OccurrenceConstraintViolation', id: 'o1' },
  { name: 'unknown property', text: '[2,"o2","Heartbeat",{"beat":1}]', code: 'OccurrenceConstraintViolation', id: 'o2' },
  { name: 'wrong type', text: '[2,"t1","BootNotification",{"reason":5,"chargingStation":{"vendorName":"a","model":"b"}}]', code: 'TypeConstraintViolation', id: 't1' },
  { name: 'value not in the enumeration', text: '[2,"c1","BootNotification",{"reason":"Bored","chargingStation":{"vendorName":"a","model":"b"}}]', code: 'PropertyConstraintViolation', id: 'c1' },
  { name: 'string over maxLength', text: `[2,"c2","BootNotification",{"reason":"PowerUp","chargingStation":{"vendorName":"${'v'.repeat(51)}","model":"b"}}]`, code: 'PropertyConstraintViolation', id: 'c2' },
  { name: 'valid action without a handler yet', text: '[2,"i1","MeterValues",{"evseId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":1}]}]}]', code: 'NotImplemented', id: 'i1' },
];

describe('OCPP-J framing', () => {
  let csms: TestCsms;
  let st: RawStation;

  before(async () => {
    csms = await startTestCsms();
    await csms.store.stations.create({ id: 'CS-FRAME', registrationStatus: 'Accepted', securityProfile: 1 });
    st = await connectRaw(`${csms.ocppUrl}/CS-FRAME`);
  });
  after(async () => {
    await st.close();
    await csms.stop();
  });

  for (const c of CASES) {
    it(`answers ${c.name} with ${c.code}`, async () => {
      st.sendText(c.text);
      const answer = await st.next();
      assert.equal(answer[0], 4);
      assert.equal(answer[1], c.id);
      assert.equal(answer[2], c.code, String(answer[3]));
      assert.equal(typeof answer[3], 'string');
      assert.ok((answer[3] as string).length <= 255);
      assert.equal(typeof answer[4], 'object');
    });
  }

  it('never answers a CALLRESULT or CALLERROR, matched or not', async () => {
    st.sendText('[3,"nobody-asked",{}]');
    st.sendText('[4,"nobody-asked","GenericError","",{}]');
    st.sendText('[3,"broken"]');
    const answer = await st.call('Heartbeat', {}, 'after-answers');
    assert.equal(answer[1], 'after-answers', 'the next frame is the Heartbeat answer');
  });

  it('keeps the connection and answers a valid CALL afterwards', async () => {
    const answer = await st.call('BootNotification', BOOT, 'boot-1');
    assert.deepEqual([answer[0], answer[1]], [3, 'boot-1']);
    assert.equal((answer[2] as { status: string }).status, 'Accepted');
    const hb = await st.call('Heartbeat', {}, 'hb-1');
    assert.equal(hb[0], 3);
    assert.ok(!Number.isNaN(Date.parse((hb[2] as { currentTime: string }).currentTime)));
  });

  it('records every bad frame in the frame log and stores nothing else', async () => {
    await new Promise((r) => setTimeout(r, 400));
    const frames = await csms.store.frames.listFor('CS-FRAME', { limit: 1000 });
    for (const c of CASES) {
      const inbound = frames.find((f) => f.direction === 'in' && f.payload === c.text);
      assert.ok(inbound, `inbound frame recorded for ${c.name}`);
      assert.equal(inbound.outcome, c.code);
    }
    assert.deepEqual(await csms.store.connectors.listFor('CS-FRAME'), []);
    assert.deepEqual(await csms.store.events.listStationEvents('CS-FRAME'), []);
  });
});
