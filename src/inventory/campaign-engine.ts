// Runs certificate campaigns (M03-M05 across a fleet) on the principles of jobs/outbox.ts: every
// target's state is in the database, so a restart resumes; a target whose station is offline waits
// and becomes due the moment the station connects; a station without a usable answer is retried
// with exponential backoff up to the campaign's attempt limit; a paused campaign starts no new
// station (those in flight finish).
import type { Logger } from '../log.js';
import type { StationBus } from '../ocpp/station-bus.js';
import type { DueTarget } from '../store/certificate-campaigns.js';
import type { Store } from '../store/store.js';
import { backoffMs } from '../jobs/outbox.js';
import { startPollLoop, type LoopWork, type PollLoop } from '../jobs/poll-loop.js';
import { runTarget, type TargetResult } from './campaign-target.js';
import { checkRootDer, type InstallCertificateUse, type RootCertificate } from './root-certificate.js';

export interface CampaignEngineOptions {
  store: Pick<Store, 'certificateCampaigns' | 'certificateInventory'>;
  bus: Pick<StationBus, 'call' | 'isConnected'>;
  log: Logger;
  now: () => Date;
  pollIntervalMs?: number;
  /** Stations worked on at once, across campaigns. */
  maxInFlight?: number;
  /** How soon a target of an offline station is looked at again (it is also woken on connect). */
  offlineRecheckMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

/** kick() when a campaign was created or resumed; tick() resolves when the targets it started finished. */
export type CampaignEngine = PollLoop;

export const CAMPAIGN_DEFAULTS = { pollIntervalMs: 2000, maxInFlight: 32, offlineRecheckMs: 5 * 60_000, backoffBaseMs: 10_000, backoffMaxMs: 10 * 60_000 } as const;

export function startCampaignEngine(opts: CampaignEngineOptions): CampaignEngine {
  const cfg = {
    pollIntervalMs: opts.pollIntervalMs ?? CAMPAIGN_DEFAULTS.pollIntervalMs,
    maxInFlight: opts.maxInFlight ?? CAMPAIGN_DEFAULTS.maxInFlight,
    offlineRecheckMs: opts.offlineRecheckMs ?? CAMPAIGN_DEFAULTS.offlineRecheckMs,
    backoffBaseMs: opts.backoffBaseMs ?? CAMPAIGN_DEFAULTS.backoffBaseMs,
    backoffMaxMs: opts.backoffMaxMs ?? CAMPAIGN_DEFAULTS.backoffMaxMs,
  };
  const { store, bus, log, now } = opts;
  const repo = store.certificateCampaigns;
  const roots = new Map<string, Uint8Array | null>();
  const later = (ms: number): Date => new Date(now().getTime() + ms);

  async function rootFor(t: DueTarget): Promise<RootCertificate | string> {
    const key = Buffer.from(t.fingerprint).toString('hex');
    if (!roots.has(key)) roots.set(key, (await store.certificateInventory.getCertificate(t.fingerprint))?.der ?? null);
    const der = roots.get(key);
    if (!der) return 'the campaign certificate is no longer stored';
    // Checked again at every station: a root that expired during the campaign is not sent.
    const check = checkRootDer(der, t.uses[0] as InstallCertificateUse, now(), t.kind);
    return check.ok ? check.root : `${check.defect}: ${check.detail}`;
  }

  async function record(t: DueTarget, result: TargetResult): Promise<void> {
    switch (result.kind) {
      case 'finished':
        return repo.finish(t.campaignId, t.stationId, result.state, result.outcome, result.error, now());
      case 'offline':
        return repo.release(t.campaignId, t.stationId, later(cfg.offlineRecheckMs), result.error, false, now());
      case 'retry':
        // The attempt limit turns a station that never answers usefully into a failure.
        if (t.attempts + 1 >= t.maxAttempts) return repo.finish(t.campaignId, t.stationId, 'failed', 'no-answer', result.error, now());
        return repo.release(t.campaignId, t.stationId, later(backoffMs(t.attempts + 1, cfg.backoffBaseMs, cfg.backoffMaxMs)), result.error, true, now());
    }
  }

  async function work(t: DueTarget): Promise<void> {
    if (!(await repo.claim(t.campaignId, t.stationId, now()))) return;
    const root = await rootFor(t);
    if (typeof root === 'string') return repo.finish(t.campaignId, t.stationId, 'failed', 'certificate-unusable', root, now());
    let result: TargetResult;
    try {
      result = await runTarget(
        { store, bus, now },
        { kind: t.kind, stationId: t.stationId, uses: t.uses as InstallCertificateUse[], root, steps: t.steps, onStep: (steps) => repo.saveSteps(t.campaignId, t.stationId, steps, now()) },
      );
    } catch (err) {
      log.error({ err, campaignId: t.campaignId, stationId: t.stationId }, 'certificate campaign target crashed');
      result = { kind: 'retry', error: 'internal error' };
    }
    await record(t, result);
  }

  /** Work in flight is keyed by station: one campaign target per station at a time. */
  async function pass(loop: LoopWork): Promise<void> {
    const { inFlight } = loop;
    await repo.completeFinished(now());
    const free = cfg.maxInFlight - inFlight.size;
    if (free <= 0) return;
    // Offline stations are postponed, so ask for more rows than there are free slots.
    const due = await repo.due(now(), free * 4, [...inFlight.keys()]);
    for (const t of due) {
      if (loop.closed || inFlight.size >= cfg.maxInFlight) break;
      if (inFlight.has(t.stationId)) continue;
      if (!bus.isConnected(t.stationId)) {
        await repo.postpone(t.campaignId, t.stationId, later(cfg.offlineRecheckMs), 'station not connected; waiting for it to connect', now());
        continue;
      }
      loop.start(t.stationId, work(t).catch((err: unknown) => log.error({ err, campaignId: t.campaignId, stationId: t.stationId }, 'certificate campaign step failed')));
    }
  }

  return startPollLoop({
    name: 'certificate campaign',
    log,
    pollIntervalMs: cfg.pollIntervalMs,
    pass,
    wakeStations: (stationIds) => repo.wakeStations(stationIds, now()),
    // A previous process may have stopped mid-station: those targets start over from their steps.
    recover: () => repo.recoverRunning(now()),
    // A finished station frees a slot for the next due target.
    passWhenSettled: true,
  });
}
