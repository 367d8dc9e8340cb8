// Firmware campaigns across many simulated chargers (ocpp-rpc strict clients): waves of a fixed
// size, at most maxInFlight stations updating at once, a pause when the failure ratio is exceeded
// (induced DownloadFailed), resume, an offline station updated when it returns, and abort.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createCaService } from '../../src/ca/ca-service.js';
import { kekSource } from '../../src/ca/kek-source.js';
import { silentLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import type { FirmwareJob } from '../../src/store/firmware-jobs.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore } from '../../src/store/store.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { firmwareApi, type FirmwareApi } from '../helpers/firmware-api.js';
import { startFirmwareCharger, type ChargerBehaviour, type FirmwareCharger } from '../helpers/firmware-charger.js';
import { LAB } from '../helpers/test-ca.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const IDS = Array.from({ length: 10 }, (_, i) => `CS-C-${String(i + 1).padStart(2, '0')}`);
const FAILING = new Set(['CS-C-06', 'CS-C-07']);
const OFFLINE = 'CS-C-08';

describe('firmware campaign: waves, in-flight limit, failure ratio, offline stations', () => {
  let tdb: TestDatabase;
  let csms: TestCsms;
  let api: FirmwareApi;
  const chargers = new Map<string, FirmwareCharger>();
  let imageId = '';
  let campaignId = '';

  const connect = async (id: string, behaviour: ChargerBehaviour = 'install'): Promise<FirmwareCharger> => {
    const c = await startFirmwareCharger({ ocppUrl: csms.ocppUrl, id, vendor: 'Acme', model: 'AC22', version: '1.0.0', behaviour, skipDownload: true });
    chargers.set(id, c);
    return c;
  };
  const campaign = async (): Promise<Record<string, unknown>> => (await api.json('GET', `/api/v1/firmware/campaigns/${campaignId}`)).body;
  const counts = (c: Record<string, unknown>): Record<string, number> => c.counts as Record<string, number>;
  const jobs = async (): Promise<FirmwareJob[]> => csms.store.firmwareJobs.listForCampaign(campaignId, 100);
  const launchedAt = async (job: FirmwareJob): Promise<number> => (await csms.store.firmwareJobs.events(job.id)).find((e) => e.status === 'Launched')?.at.getTime() ?? Number.NaN;

  before(async () => {
    tdb = await createTestDatabase();
    const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
    await migrate(db);
    await createCaService({ store: createStore(db), kek: kekSource({ dataDir: tdb.dataDir, log: silentLogger() }), publicBaseUrl: 'http://unused.invalid', log: silentLogger() }).initLab(LAB);
    for (const id of IDS) await createStore(db).stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
    await db.close();
    csms = await startTestCsms([], {}, tdb);
    api = await firmwareApi(csms);
    for (const id of IDS) await connect(id, FAILING.has(id) ? 'download-fails' : 'install');
    // The offline station has told us what it is, then went away.
    await chargers.get(OFFLINE)?.close();
    chargers.delete(OFFLINE);
    const up = await api.upload(randomBytes(50_000), { vendor: 'Acme', version: '2.0.0', models: 'AC22' });
    imageId = up.body.id as string;
    assert.equal((await api.json('POST', `/api/v1/firmware/images/${imageId}/sign`)).status, 200);
  });
  after(async () => {
    for (const c of chargers.values()) await c.close();
    await csms.stop();
    await tdb.dispose();
  });

  it('refuses a campaign no station matches, and an unsecured one for stations not allowed L02', async () => {
    const none = await api.json('POST', '/api/v1/firmware/campaigns', { imageId, filter: { vendor: 'Nobody' } });
    assert.equal(none.status, 422);
    assert.equal(none.body.code, 'firmware_campaign_no_stations');
    const l02 = await api.json('POST', '/api/v1/firmware/campaigns', { imageId, secure: false });
    assert.equal(l02.status, 409);
    assert.equal(l02.body.code, 'unsecured_update_not_allowed');
    assert.equal((l02.body.defects as unknown[]).length, IDS.length);
  });

  it('pauses when the failure ratio is exceeded, having respected waves and the in-flight limit', async () => {
    const created = await api.json('POST', '/api/v1/firmware/campaigns', { imageId, waveSize: 4, maxInFlight: 2, maxFailureRatio: 0.2 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    campaignId = created.body.id as string;
    assert.equal(counts(created.body).total, IDS.length);
    const paused = await api.until(`/api/v1/firmware/campaigns/${campaignId}`, (b) => b.state === 'paused', 30_000);
    assert.match(paused.stateReason as string, /failure ratio 2\/\d+ exceeds 0.2/);
    // Let what is in flight finish; nothing new starts while paused.
    await api.until(`/api/v1/firmware/campaigns/${campaignId}`, (b) => counts(b).active === 0);
    const c = counts(await campaign());
    assert.equal(c.failed, 2);
    assert.ok(Number(c.planned) >= 2, `still planned: ${c.planned}`);
    const all = await jobs();
    for (const j of all.filter((x) => FAILING.has(x.stationId))) assert.equal(j.failure, 'DownloadFailed');
    assert.equal(all.find((j) => j.stationId === OFFLINE)?.state, 'planned', 'the offline station is not launched');
    // At most 2 updates at once, and a wave starts only when the previous one has ended.
    const spans = await Promise.all(all.filter((j) => j.wave !== null).map(async (j) => ({ wave: j.wave as number, from: await launchedAt(j), to: j.finishedAt?.getTime() ?? Infinity })));
    for (const s of spans) assert.ok(spans.filter((o) => o.from <= s.from && o.to > s.from).length <= 2, 'more than 2 in flight');
    for (const w of new Set(spans.map((s) => s.wave))) {
      const inWave = spans.filter((s) => s.wave === w);
      assert.ok(inWave.length <= 4, `wave ${w} has ${inWave.length}`);
      const next = spans.filter((s) => s.wave > w);
      if (next.length) assert.ok(Math.min(...next.map((s) => s.from)) >= Math.max(...inWave.map((s) => s.to)), `wave ${w + 1} began before wave ${w} ended`);
    }
  });

  it('resumes, finishes the connected stations, and updates the offline one when it returns', async () => {
    const resumed = await api.json('POST', `/api/v1/firmware/campaigns/${campaignId}/resume`);
    assert.equal(resumed.status, 200);
    assert.equal(resumed.body.state, 'running');
    await api.until(`/api/v1/firmware/campaigns/${campaignId}`, (b) => counts(b).planned === 1 && counts(b).active === 0, 30_000);
    assert.equal((await campaign()).state, 'running', 'waits for the offline station');
    const back = await connect(OFFLINE);
    const done = await api.until(`/api/v1/firmware/campaigns/${campaignId}`, (b) => b.state === 'completed', 30_000);
    await back.idle();
    assert.deepEqual({ completed: counts(done).completed, failed: counts(done).failed }, { completed: 8, failed: 2 });
    assert.equal((await csms.store.stations.get(OFFLINE))?.firmwareVersion, '2.0.0');
  });

  it('aborts: planned jobs are canceled and a finished campaign cannot be resumed', async () => {
    const next = await api.upload(randomBytes(1000), { vendor: 'Acme', version: '3.0.0', models: 'AC22' });
    await api.json('POST', `/api/v1/firmware/images/${next.body.id as string}/sign`);
    await chargers.get('CS-C-10')?.close();
    chargers.delete('CS-C-10');
    const created = await api.json('POST', '/api/v1/firmware/campaigns', { imageId: next.body.id, filter: { stationIds: ['CS-C-10'] } });
    assert.equal(created.status, 201);
    const id = created.body.id as string;
    const aborted = await api.json('POST', `/api/v1/firmware/campaigns/${id}/abort`);
    assert.equal(aborted.body.state, 'aborted');
    const [job] = await csms.store.firmwareJobs.listForCampaign(id, 10);
    assert.equal(job?.state, 'canceled');
    assert.equal(job?.failure, 'CampaignAborted');
    const again = await api.json('POST', `/api/v1/firmware/campaigns/${id}/resume`);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'firmware_campaign_state');
    assert.equal((await api.json('GET', '/api/v1/firmware/campaigns/00000000-0000-0000-0000-000000000000')).body.code, 'firmware_campaign_not_found');
  });
});
