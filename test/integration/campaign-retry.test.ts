// Stations that answer without a usable answer (a transient CALLERROR) are retried with backoff
// and fail after the campaign's attempt limit; offline periods never count as attempts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { operatorClient, waitFor, type ApiClient } from '../helpers/inventory-api.js';
import { makeCertificate } from '../helpers/inventory-certificates.js';
import { createFakeStation, type FakeStation } from '../helpers/inventory-station.js';

interface Target {
  stationId: string;
  state: string;
  outcome: string | null;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
}

describe('certificate campaign retries', () => {
  let csms: TestCsms;
  let api: ApiClient;
  let flaky: FakeStation;

  before(async () => {
    csms = await startTestCsms();
    api = await operatorClient(csms);
    for (const id of ['CS-FLAKY', 'CS-AWAY']) await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
    flaky = createFakeStation({ url: csms.ocppUrl, identity: 'CS-FLAKY', callError: 'InternalError' });
    await flaky.connect();
  });
  after(async () => {
    await flaky.close();
    await csms.stop();
  });

  const stationsOf = async (cid: string): Promise<Target[]> => (await api.call<{ items: Target[] }>('GET', `/api/v1/certificate-campaigns/${cid}/stations`)).body.items;

  it('retries after backoff, fails at the attempt limit, and does not count offline time', async () => {
    const root = await makeCertificate({ subject: 'CN=Retry CSMS Root, O=Test CPO' });
    const start = Date.now();
    const retried = await api.call<{ id: string }>('POST', '/api/v1/certificate-campaigns', { kind: 'install', certificateType: 'CSMSRootCertificate', certificate: root.pem, target: { stationIds: ['CS-FLAKY', 'CS-AWAY'] }, maxAttempts: 3 });
    assert.equal(retried.status, 201, retried.text);
    const [away, pending] = await waitFor(() => stationsOf(retried.body.id), (t) => t.find((x) => x.stationId === 'CS-FLAKY')?.attempts === 1 && t.find((x) => x.stationId === 'CS-AWAY')?.lastError !== null, 30_000, 'first attempt');
    assert.deepEqual([pending?.stationId, pending?.state, pending?.outcome], ['CS-FLAKY', 'pending', null]);
    assert.match(pending?.lastError ?? '', /CALLERROR InternalError/);
    // Backoff: the next attempt is about 10 s after the first, not now.
    assert.ok(Date.parse(pending?.nextAttemptAt ?? '') >= start + 9_000, pending?.nextAttemptAt);
    assert.deepEqual([away?.stationId, away?.state, away?.attempts], ['CS-AWAY', 'pending', 0]);
    assert.match(away?.lastError ?? '', /not connected/);

    const once = await api.call<{ id: string }>('POST', '/api/v1/certificate-campaigns', { kind: 'install', certificateType: 'CSMSRootCertificate', certificate: root.pem, target: { stationIds: ['CS-FLAKY'] }, maxAttempts: 1 });
    const [failed] = await waitFor(() => stationsOf(once.body.id), (t) => t[0]?.state === 'failed', 30_000, 'the attempt limit');
    assert.deepEqual([failed?.outcome, failed?.attempts], ['no-answer', 1]);
    assert.equal(flaky.stores.size, 0);
  });
});
