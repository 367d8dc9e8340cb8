// Every OCPP 2.0.1 action once through the real router and the real schemas: station-initiated
// actions with a minimal valid request, CSMS-initiated ones through the station bus.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildRoutes } from '../../src/csms/routes.js';
import { CS_TO_CSMS_ACTIONS, CSMS_TO_CS_ACTIONS } from '../../src/ocpp/actions.js';
import { readRuntimeSchemas } from '../../src/ocpp/schemas.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { createRng, generateValue, seedFrom } from '../helpers/schema-values.js';
import { BOOT, connectRaw, type RawStation } from '../helpers/ws-station.js';

const schemas = new Map(readRuntimeSchemas().map((s) => [String(s.$id), s]));
function minimal(action: string, kind: 'req' | 'conf'): unknown {
  const schema = schemas.get(`urn:${action}.${kind}`);
  assert.ok(schema, `runtime schema for ${action}.${kind}`);
  return generateValue(schema, schema, 'minimal', createRng(seedFrom(action + kind)));
}

// As main.ts wires it: handlers that need more than the store are passed in (here only to tell which are implemented).
const notCalled = (): Promise<never> => Promise.reject(new Error('not called'));
const routes = buildRoutes({
  store: {} as never,
  heartbeatIntervalS: 1,
  bootRetryIntervalS: 1,
  signCertificate: notCalled,
  authorize: notCalled,
  getCertificateStatus: notCalled,
  get15118EvCertificate: notCalled,
  firmware: { FirmwareStatusNotification: notCalled, PublishFirmwareStatusNotification: notCalled },
});

describe('every action through the router', () => {
  let csms: TestCsms;
  let st: RawStation;

  before(async () => {
    csms = await startTestCsms();
    await csms.store.stations.create({ id: 'CS-ALL', registrationStatus: 'Accepted', securityProfile: 1 });
    st = await connectRaw(`${csms.ocppUrl}/CS-ALL`);
    await st.call('BootNotification', BOOT);
  });
  after(async () => {
    await st.close();
    await csms.stop();
  });

  it('has a route entry for exactly the station-initiated actions', () => {
    assert.deepEqual(Object.keys(routes).sort(), [...CS_TO_CSMS_ACTIONS].sort());
  });

  for (const action of CS_TO_CSMS_ACTIONS) {
    const implemented = routes[action] !== null;
    it(`${action}: ${implemented ? 'answered with a valid CALLRESULT' : 'NotImplemented until its issue lands'}`, async () => {
      const answer = await st.call(action, minimal(action, 'req'), `a-${action}`.slice(0, 36));
      if (implemented) assert.equal(answer[0], 3, `CALLRESULT expected, got ${JSON.stringify(answer)}`);
      else assert.deepEqual([answer[0], answer[2]], [4, 'NotImplemented']);
    });
  }

  for (const action of CSMS_TO_CS_ACTIONS) {
    it(`${action}: sent through the bus after validation, answer validated`, async () => {
      const payload = minimal(action, 'req');
      const pending = csms.bus.call('CS-ALL', action, payload);
      const call = await st.next();
      assert.deepEqual([call[0], call[2], call[3]], [2, action, payload]);
      st.send([3, call[1], minimal(action, 'conf')]);
      assert.equal((await pending).kind, 'result');
    });
  }
});
