// A certificate campaign survives a restart: its targets are in the database, so a station that
// was offline when the first process stopped is served by the next one as soon as it connects;
// a station that answered before the restart is not asked again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { operatorClient, waitFor } from '../helpers/inventory-api.js';
import { makeCertificate, moRootSubject } from '../helpers/inventory-certificates.js';
import { createFakeStation, type FakeStation } from '../helpers/inventory-station.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

describe('certificate campaign across a restart', () => {
  let database: TestDatabase;
  let csms: TestCsms | null = null;
  const stations: FakeStation[] = [];

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await Promise.all(stations.map((s) => s.close().catch(() => undefined)));
    await csms?.stop();
    await database.dispose();
  });

  it('resumes after a restart and serves the station that returns', async () => {
    csms = await startTestCsms([], {}, database);
    const root = await makeCertificate({ subject: moRootSubject('Restart MO Root') });
    for (const id of ['CS-ON', 'CS-LATE']) await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
    const online = createFakeStation({ url: csms.ocppUrl, identity: 'CS-ON' });
    stations.push(online);
    await online.connect();
    let api = await operatorClient(csms);
    const created = await api.call<{ id: string }>('POST', '/api/v1/certificate-campaigns', { kind: 'install', certificateType: 'MORootCertificate', certificate: root.pem, target: { stationIds: ['CS-ON', 'CS-LATE'] } });
    assert.equal(created.status, 201, created.text);
    const cid = created.body.id;
    type Counts = { counts: Record<string, number>; state: string };
    await waitFor(async () => (await api.call<Counts>('GET', `/api/v1/certificate-campaigns/${cid}`)).body, (c) => c.counts.succeeded === 1 && c.counts.pending === 1, 30_000, 'the online station');
    await online.close();
    const secret = csms.operatorSecret;
    await csms.close();

    // The next process on the same database: the operator secret was created by the first.
    csms = await startTestCsms([], {}, database);
    csms.operatorSecret = secret;
    api = await operatorClient(csms);
    const late = createFakeStation({ url: csms.ocppUrl, identity: 'CS-LATE' });
    const back = createFakeStation({ url: csms.ocppUrl, identity: 'CS-ON' });
    stations.push(late, back);
    await late.connect();
    await back.connect();
    const done = await waitFor(async () => (await api.call<Counts>('GET', `/api/v1/certificate-campaigns/${cid}`)).body, (c) => c.state === 'completed', 30_000, 'completion after the restart');
    assert.deepEqual([done.counts.succeeded, done.counts.failed], [2, 0]);
    assert.deepEqual(late.stores.get('MORootCertificate'), [root.pem]);
    assert.deepEqual(back.received, [], 'the station served before the restart is not asked again');
  });
});
