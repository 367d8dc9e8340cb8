// One step of a firmware campaign, run on every tick and whenever a job finishes or a station
// connects:
//   1. pause when the failure ratio since the last resume exceeds the campaign's maximum;
//   2. complete when nothing is planned or in flight;
//   3. close the current wave once it is full (or nothing more can join it) and all its jobs ended;
//   4. launch planned jobs of connected stations into the current wave, up to the wave size and the
//      maximum in flight. Stations that are offline stay planned and join a later wave when they
//      return; a station busy with another update waits for it to end.
import type { Logger } from '../log.js';
import type { StationBus } from '../ocpp/station-bus.js';
import type { FirmwareCampaign, FirmwareCampaignRepo } from '../store/firmware-campaigns.js';
import type { CampaignJobCounts, FirmwareJob, FirmwareJobRepo } from '../store/firmware-jobs.js';

export interface CampaignRunnerDeps {
  campaigns: Pick<FirmwareCampaignRepo, 'running' | 'update'>;
  jobs: Pick<FirmwareJobRepo, 'campaignCounts' | 'waveCounts' | 'launchable' | 'update' | 'addEvent'>;
  bus: Pick<StationBus, 'isConnected'>;
  now: () => Date;
  log: Logger;
  /** Jobs just launched (queued): the dispatcher sends them. */
  launched: (jobs: FirmwareJob[]) => void;
}

/** Failures since the last resume over jobs launched since then; pauses when above the maximum. */
export function failureRatioExceeded(c: Pick<FirmwareCampaign, 'maxFailureRatio' | 'failedBaseline' | 'launchedBaseline'>, counts: Pick<CampaignJobCounts, 'failed' | 'launched'>): boolean {
  const failed = counts.failed - c.failedBaseline;
  const launched = counts.launched - c.launchedBaseline;
  return failed > 0 && launched > 0 && failed / launched > c.maxFailureRatio;
}

export async function stepCampaign(deps: CampaignRunnerDeps, c: FirmwareCampaign): Promise<void> {
  const at = deps.now();
  const counts = await deps.jobs.campaignCounts(c.id);
  // Step 1: the failure ratio.
  if (failureRatioExceeded(c, counts)) {
    const reason = `failure ratio ${(counts.failed - c.failedBaseline)}/${counts.launched - c.launchedBaseline} exceeds ${c.maxFailureRatio}`;
    if (await deps.campaigns.update(c.id, ['running'], { state: 'paused', stateReason: reason }, at)) deps.log.warn({ campaignId: c.id, reason }, 'firmware campaign paused');
    return;
  }
  // Step 2: done.
  if (counts.planned === 0 && counts.active === 0) {
    await deps.campaigns.update(c.id, ['running'], { state: 'completed', stateReason: `${counts.completed} completed, ${counts.failed} failed, ${counts.canceled} canceled` }, at);
    deps.log.info({ campaignId: c.id, ...counts }, 'firmware campaign completed');
    return;
  }
  // Step 3: the current wave.
  let wave = c.currentWave;
  let inWave = await deps.jobs.waveCounts(c.id, wave);
  const candidates = counts.planned > 0 ? (await deps.jobs.launchable(c.id, Math.max(500, c.waveSize * 4))).filter((j) => deps.bus.isConnected(j.stationId)) : [];
  const waveClosed = inWave.launched >= c.waveSize || (inWave.launched > 0 && candidates.length === 0);
  if (waveClosed) {
    if (inWave.active > 0) return;
    wave += 1;
    await deps.campaigns.update(c.id, ['running'], { currentWave: wave }, at);
    inWave = { launched: 0, active: 0 };
  }
  // Step 4: launch.
  const room = Math.min(c.waveSize - inWave.launched, c.maxInFlight - counts.active);
  const launched: FirmwareJob[] = [];
  // The launch time is taken after the wave was seen finished, so that it follows every end.
  const launchAt = deps.now();
  for (const job of candidates.slice(0, Math.max(0, room))) {
    const queued = await deps.jobs.update(job.id, ['planned'], { state: 'queued', wave, nextAttemptAt: launchAt });
    if (!queued) continue;
    await deps.jobs.addEvent(job.id, { at: launchAt, status: 'Launched', detail: `campaign ${c.id} wave ${wave}` });
    launched.push(queued);
  }
  if (launched.length > 0) deps.launched(launched);
}

export async function stepCampaigns(deps: CampaignRunnerDeps): Promise<void> {
  for (const c of await deps.campaigns.running()) {
    try {
      await stepCampaign(deps, c);
    } catch (err) {
      deps.log.error({ err, campaignId: c.id }, 'firmware campaign step failed');
    }
  }
}
