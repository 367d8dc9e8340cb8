// A certificate campaign across 200 simulated stations (ocpp-rpc strict clients): most accept, some
// reject, some answer NotImplemented, some are offline and reconnect midway, some stay offline until
// the end. A V2G root must reach both the V2G and the MO root stores of every station that accepts.
// Then a removal campaign by vendor, paused and resumed, takes the root off again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { operatorClient, waitFor, type ApiClient } from '../helpers/inventory-api.js';
import { makeCertificate, v2gRootSubject, type MadeCertificate } from '../helpers/inventory-certificates.js';
import { createFakeStation, type FakeStation } from '../helpers/inventory-station.js';

interface CampaignBody {
  id: string;
  state: string;
  uses: string[];
  counts: Record<'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled', number>;
}

interface TargetBody {
  stationId: string;
  state: string;
  outcome: string | null;
  steps: Record<string, string>;
  lastError: string | null;
}

const TOTAL = 200;
const id = (i: number): string => `CS-F${String(i).padStart(3, '0')}`;
// Roles by index: 0-19 reject the MO store, 20-24 answer NotImplemented, 25-74 offline at the start
// (25-49 come back midway, 50-74 only at the end), 75-79 drop their connection when asked for the
// MO store and come back midway, the rest accept. Every third station hashes with SHA384, so that
// the removal must use the station's own hash data.
const rejects = (i: number): boolean => i < 20;
const notImplemented = (i: number): boolean => i >= 20 && i < 25;
const offlineAtStart = (i: number): boolean => i >= 25 && i < 75;
const backMidway = (i: number): boolean => i >= 25 && i < 50;
const dropsMidway = (i: number): boolean => i >= 75 && i < 80;

describe('certificate campaign across 200 stations', () => {
  let csms: TestCsms;
  let api: ApiClient;
  let root: MadeCertificate;
  const stations: FakeStation[] = [];

  before(async () => {
    csms = await startTestCsms();
    api = await operatorClient(csms);
    root = await makeCertificate({ subject: v2gRootSubject('Fleet V2G Root G2') });
    for (let i = 0; i < TOTAL; i++) {
      await csms.store.stations.create({ id: id(i), registrationStatus: 'Accepted', securityProfile: 1 });
      stations.push(
        createFakeStation({
          url: csms.ocppUrl,
          identity: id(i),
          vendorName: i % 2 === 0 ? 'EvenVendor' : 'OddVendor',
          model: 'F-1',
          hashAlgorithm: i % 3 === 0 ? 'SHA384' : 'SHA256',
          ...(rejects(i) ? { install: { MORootCertificate: 'reject' as const } } : {}),
          ...(notImplemented(i) ? { callError: 'NotImplemented' } : {}),
          ...(dropsMidway(i) ? { dropOnce: 'MORootCertificate' } : {}),
        }),
      );
    }
    // Offline stations are registered (and booted once, so that they have a vendor) but not connected.
    await Promise.all(stations.map((s) => s.connect()));
    await Promise.all(stations.filter((_, i) => offlineAtStart(i)).map((s) => s.close()));
    await waitFor(async () => (await csms.store.stations.list({ limit: 1000 })).filter((s) => s.connected).length, (n) => n === TOTAL - 50, 30_000, 'offline stations to be seen as disconnected');
  });
  after(async () => {
    await Promise.all(stations.map((s) => s.close().catch(() => undefined)));
    await csms.stop();
  });

  const campaign = async (cid: string): Promise<CampaignBody> => (await api.call<CampaignBody>('GET', `/api/v1/certificate-campaigns/${cid}`)).body;
  const targets = async (cid: string, state?: string): Promise<TargetBody[]> =>
    (await api.call<{ items: TargetBody[] }>('GET', `/api/v1/certificate-campaigns/${cid}/stations?limit=1000${state ? `&state=${state}` : ''}`)).body.items;

  it('installs a V2G root into both stores, waits for offline stations and records every refusal', async () => {
    const created = await api.call<CampaignBody>('POST', '/api/v1/certificate-campaigns', { kind: 'install', certificateType: 'V2GRootCertificate', certificate: root.pem, target: { all: true }, maxAttempts: 3 });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.uses, ['V2GRootCertificate', 'MORootCertificate']);
    const cid = created.body.id;

    // Online stations finish; the 50 offline ones and the 5 that dropped their connection wait.
    let c = await waitFor(() => campaign(cid), (x) => x.counts.pending === 55 && x.counts.running === 0, 90_000, 'online stations to finish');
    assert.deepEqual(c.counts, { pending: 55, running: 0, succeeded: TOTAL - 80, failed: 25, cancelled: 0 });
    const dropped = (await targets(cid, 'pending')).filter((t) => t.stationId >= id(75));
    assert.deepEqual(dropped.map((t) => t.steps), Array.from({ length: 5 }, () => ({ V2GRootCertificate: 'Accepted' })), 'progress kept across the lost connection');
    assert.ok(dropped.every((t) => /ConnectionClosed/.test(t.lastError ?? '')));
    // Half of the offline stations and the dropped ones come back midway: served as they connect.
    await Promise.all(stations.filter((_, i) => backMidway(i) || dropsMidway(i)).map((s) => s.connect()));
    c = await waitFor(() => campaign(cid), (x) => x.counts.pending === 25 && x.counts.running === 0, 60_000, 'returning stations');
    assert.equal(c.state, 'running');
    await Promise.all(stations.filter((_, i) => offlineAtStart(i) && !backMidway(i)).map((s) => s.connect()));
    c = await waitFor(() => campaign(cid), (x) => x.state === 'completed', 60_000, 'campaign completion');
    assert.deepEqual(c.counts, { pending: 0, running: 0, succeeded: TOTAL - 25, failed: 25, cancelled: 0 });

    // Each station's result, and what the stations really hold.
    const byId = new Map((await targets(cid)).map((t) => [t.stationId, t]));
    for (let i = 0; i < TOTAL; i++) {
      const t = byId.get(id(i));
      const s = stations[i]!;
      if (rejects(i)) {
        assert.deepEqual([t?.state, t?.outcome], ['failed', 'refused'], id(i));
        assert.deepEqual(t?.steps, { V2GRootCertificate: 'Accepted', MORootCertificate: 'Rejected (InvalidCertificate)' });
        assert.match(t?.lastError ?? '', /MORootCertificate: Rejected/);
      } else if (notImplemented(i)) {
        assert.deepEqual([t?.state, t?.outcome], ['failed', 'refused'], id(i));
        assert.equal(t?.steps.V2GRootCertificate, 'CALLERROR NotImplemented');
        assert.equal(s.stores.size, 0);
      } else {
        assert.deepEqual([t?.state, t?.outcome], ['succeeded', 'installed'], id(i));
        assert.deepEqual(s.stores.get('V2GRootCertificate'), [root.pem], id(i));
        assert.deepEqual(s.stores.get('MORootCertificate'), [root.pem], id(i));
        // Asked once per store, even across reconnects; the dropped MO request once more.
        assert.deepEqual(s.received.filter((a) => a.startsWith('InstallCertificate')), dropsMidway(i) ? ['InstallCertificate:V2GRootCertificate', 'InstallCertificate:MORootCertificate', 'InstallCertificate:MORootCertificate'] : ['InstallCertificate:V2GRootCertificate', 'InstallCertificate:MORootCertificate'], id(i));
      }
    }
    // The inventory knows what every accepting station holds.
    const inv = await api.call<{ certificates: { certificateType: string; subject: string }[] }>('GET', `/api/v1/stations/${id(100)}/installed-certificates`);
    assert.deepEqual(inv.body.certificates.map((x) => x.certificateType).sort(), ['MORootCertificate', 'V2GRootCertificate']);
  });

  it('removes the root from one vendor\'s stations, with pause and resume, in each station\'s own hash algorithm', async () => {
    const created = await api.call<CampaignBody>('POST', '/api/v1/certificate-campaigns', { kind: 'remove', certificateType: 'V2GRootCertificate', certificate: root.pem, target: { vendorName: 'EvenVendor', model: 'F-1' } });
    assert.equal(created.status, 201, created.text);
    const cid = created.body.id;
    const paused = await api.call<{ changed: boolean; campaign: CampaignBody }>('POST', `/api/v1/certificate-campaigns/${cid}/pause`);
    assert.equal(paused.body.changed, true);
    assert.equal(paused.body.campaign.state, 'paused');
    // Stations already started finish their step; no other station is started while paused.
    const settled = await waitFor(() => campaign(cid), (x) => x.counts.running === 0, 30_000, 'in-flight stations');
    await new Promise((r) => setTimeout(r, 2500));
    const still = await campaign(cid);
    assert.equal(still.counts.pending, settled.counts.pending);
    assert.ok(still.counts.pending > 0, 'the pause stopped the campaign before its end');
    assert.equal((await api.call<{ changed: boolean }>('POST', `/api/v1/certificate-campaigns/${cid}/pause`)).body.changed, false);

    const resumed = await api.call<{ changed: boolean; campaign: CampaignBody }>('POST', `/api/v1/certificate-campaigns/${cid}/resume`);
    assert.equal(resumed.body.changed, true);
    const done = await waitFor(() => campaign(cid), (x) => x.state === 'completed', 60_000, 'removal completion');
    // The even NotImplemented stations (20, 22, 24) cannot even list their certificates.
    assert.deepEqual([done.counts.succeeded, done.counts.failed], [TOTAL / 2 - 3, 3]);
    const byId = new Map((await targets(cid)).map((t) => [t.stationId, t]));
    for (let i = 0; i < TOTAL; i += 2) {
      const t = byId.get(id(i));
      const s = stations[i]!;
      if (notImplemented(i)) {
        assert.deepEqual([t?.state, t?.outcome], ['failed', 'refused'], id(i));
        assert.match(t?.lastError ?? '', /GetInstalledCertificateIds: CALLERROR NotImplemented/);
        continue;
      }
      // Rejecting stations held it in the V2G store only; the rest in both.
      assert.deepEqual([t?.state, t?.outcome], ['succeeded', 'removed'], `${id(i)}: ${JSON.stringify(t)}`);
      assert.deepEqual(t?.steps, rejects(i) ? { V2GRootCertificate: 'Deleted' } : { V2GRootCertificate: 'Deleted', MORootCertificate: 'Deleted' }, id(i));
      assert.deepEqual([...s.stores.values()].flat(), [], id(i));
    }
    // The other vendor's stations keep the root.
    assert.deepEqual(stations[101]?.stores.get('V2GRootCertificate'), [root.pem]);
    assert.equal(byId.has(id(101)), false);
  });

  it('refuses a campaign naming an unknown station or matching none, and cancels a campaign', async () => {
    const unknown = await api.call<{ code: string; errors: { path: string }[] }>('POST', '/api/v1/certificate-campaigns', { kind: 'install', certificateType: 'V2GRootCertificate', certificate: root.pem, target: { stationIds: [id(1), 'GHOST'] } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.code, 'validation_failed');
    assert.equal(unknown.body.errors[0]?.path, '/target/stationIds/1');
    const none = await api.call<{ code: string }>('POST', '/api/v1/certificate-campaigns', { kind: 'install', certificateType: 'V2GRootCertificate', certificate: root.pem, target: { vendorName: 'Nobody' } });
    assert.equal(none.status, 400);
    const leafish = await api.call<{ code: string; defects: { code: string }[] }>('POST', '/api/v1/certificate-campaigns', { kind: 'install', certificateType: 'MORootCertificate', certificate: 'not a certificate', target: { all: true } });
    assert.deepEqual([leafish.status, leafish.body.code, leafish.body.defects[0]?.code], [400, 'certificate_request_invalid', 'not_pem']);
    const list = await api.call<{ items: CampaignBody[] }>('GET', '/api/v1/certificate-campaigns');
    assert.equal(list.body.items.length, 2, 'refused campaigns were not stored');

    await stations[30]?.close();
    await waitFor(() => csms.store.stations.get(id(30)), (s) => s?.connected === false, 30_000, 'station to disconnect');
    const created = await api.call<CampaignBody>('POST', '/api/v1/certificate-campaigns', { kind: 'install', certificateType: 'CSMSRootCertificate', certificate: root.pem, target: { stationIds: [id(30)] } });
    const cancelled = await api.call<{ changed: boolean; campaign: CampaignBody }>('POST', `/api/v1/certificate-campaigns/${created.body.id}/cancel`);
    assert.equal(cancelled.body.changed, true);
    assert.equal(cancelled.body.campaign.state, 'cancelled');
    assert.equal((await targets(created.body.id))[0]?.state, 'cancelled');
    const missing = await api.call<{ code: string }>('GET', '/api/v1/certificate-campaigns/999999');
    assert.equal(missing.status, 404);
  });
});
