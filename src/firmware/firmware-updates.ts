// Operator actions on firmware updates: one station (L01, or L02 where the operator allows it for
// that station), or a campaign over a filtered set of stations; pause, resume and abort.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { FirmwareCampaign, CampaignFilter, CampaignOptions } from '../store/firmware-campaigns.js';
import type { FirmwareImage } from '../store/firmware-images.js';
import type { FirmwareJob } from '../store/firmware-jobs.js';
import type { Station } from '../store/stations.js';
import type { Store } from '../store/store.js';
import { FirmwareError } from './firmware-error.js';
import type { ImageService } from './image-service.js';

export interface FirmwareUpdatesDeps {
  store: Pick<Store, 'db' | 'stations' | 'firmwareImages' | 'firmwareJobs' | 'firmwareCampaigns'>;
  imageService: Pick<ImageService, 'usable'>;
  now: () => Date;
  log: Logger;
  /** A job was queued or a campaign changed: look for work now. */
  kick: () => void;
}

export interface UpdateRequest {
  imageId: string;
  secure: boolean;
  retrieveAt?: Date;
  installAt?: Date;
  retries?: number;
  retryInterval?: number;
}

export interface CampaignRequest extends Omit<UpdateRequest, 'retrieveAt' | 'installAt'> {
  filter: CampaignFilter;
  waveSize: number;
  maxInFlight: number;
  maxFailureRatio: number;
}

/** Largest number of stations one campaign targets. */
export const MAX_CAMPAIGN_STATIONS = 100_000;

/** Whether the image was built for this station, as far as the station told us (BootNotification). */
export function imageFits(image: Pick<FirmwareImage, 'vendor' | 'models'>, station: Pick<Station, 'vendorName' | 'model'>): boolean {
  if (station.vendorName !== null && station.vendorName !== image.vendor) return false;
  if (station.model !== null && image.models.length > 0 && !image.models.includes(station.model)) return false;
  return true;
}

export interface FirmwareUpdates {
  createJob(stationId: string, req: UpdateRequest, by: string): Promise<FirmwareJob>;
  createCampaign(req: CampaignRequest, by: string): Promise<{ campaign: FirmwareCampaign; stations: number }>;
  pause(id: string, by: string): Promise<FirmwareCampaign>;
  resume(id: string, by: string): Promise<FirmwareCampaign>;
  abort(id: string, by: string): Promise<FirmwareCampaign>;
}

export function createFirmwareUpdates(deps: FirmwareUpdatesDeps): FirmwareUpdates {
  const { store } = deps;

  async function campaign(id: string): Promise<FirmwareCampaign> {
    const c = await store.firmwareCampaigns.get(id);
    if (!c) throw new FirmwareError('FW_CAMPAIGN_NOT_FOUND', 'no firmware campaign has this id');
    return c;
  }

  async function change(id: string, from: FirmwareCampaign['state'][], to: (c: FirmwareCampaign) => Parameters<typeof store.firmwareCampaigns.update>[2], by: string, what: string): Promise<FirmwareCampaign> {
    const c = await campaign(id);
    if (!from.includes(c.state)) throw new FirmwareError('FW_CAMPAIGN_STATE', `the campaign is ${c.state}; it cannot be ${what}`);
    const updated = await store.firmwareCampaigns.update(id, from, to(c), deps.now());
    if (!updated) throw new FirmwareError('FW_CAMPAIGN_STATE', `the campaign changed meanwhile; it cannot be ${what}`);
    deps.log.info({ campaignId: id, by, state: updated.state }, `firmware campaign ${what}`);
    deps.kick();
    return updated;
  }

  return {
    async createJob(stationId, req, by) {
      const station = await store.stations.get(stationId);
      if (!station) throw new FirmwareError('FW_STATION_NOT_FOUND', 'no station is registered with this id');
      const image = await deps.imageService.usable(req.imageId);
      if (!imageFits(image, station)) throw new FirmwareError('FW_IMAGE_NOT_FOR_STATION', `the image is for ${image.vendor} ${image.models.join(', ')}; the station reported ${station.vendorName ?? '?'} ${station.model ?? '?'}`);
      // L02: an unsigned update only where the operator explicitly allowed it for this station.
      if (!req.secure && !(await store.firmwareImages.allowsUnsecured(stationId))) throw new FirmwareError('FW_UNSECURED_NOT_ALLOWED', 'unsecured firmware updates (L02) are not allowed for this station; see PUT /api/v1/stations/{id}/firmware-policy');
      const active = await store.firmwareJobs.activeForStation(stationId);
      if (active) throw new FirmwareError('FW_UPDATE_IN_PROGRESS', `firmware update ${active.id} is ${active.state} on this station`);
      const job = await store.firmwareJobs.insert({
        stationId,
        imageId: image.id,
        campaignId: null,
        state: 'queued',
        secure: req.secure,
        retrieveAt: req.retrieveAt ?? null,
        installAt: req.installAt ?? null,
        retries: req.retries ?? null,
        retryInterval: req.retryInterval ?? null,
        createdBy: by,
        createdAt: deps.now(),
      });
      await store.firmwareJobs.addEvent(job.id, { at: job.createdAt, status: 'Queued', detail: `by ${by}` });
      deps.kick();
      return job;
    },
    async createCampaign(req, by) {
      const image = await deps.imageService.usable(req.imageId);
      // By default only stations that reported this image's vendor and one of its models, and not its version yet.
      const models = req.filter.models ?? (image.models.length > 0 ? image.models : undefined);
      const filter: CampaignFilter = {
        ...(req.filter.stationIds ? { stationIds: req.filter.stationIds } : {}),
        vendor: req.filter.vendor ?? image.vendor,
        ...(models ? { models } : {}),
        excludeVersion: req.filter.excludeVersion ?? image.version,
      };
      const stations = await store.firmwareCampaigns.matchStations(filter, MAX_CAMPAIGN_STATIONS + 1);
      if (stations.length === 0) throw new FirmwareError('FW_CAMPAIGN_NO_STATIONS', 'no registered station matches the filter');
      if (stations.length > MAX_CAMPAIGN_STATIONS) throw new FirmwareError('FW_CAMPAIGN_NO_STATIONS', `more than ${MAX_CAMPAIGN_STATIONS} stations match; narrow the filter`);
      if (!req.secure) {
        const refused: string[] = [];
        for (const id of stations) if (!(await store.firmwareImages.allowsUnsecured(id))) refused.push(id);
        if (refused.length) throw new FirmwareError('FW_UNSECURED_NOT_ALLOWED', `${refused.length} matching station(s) are not allowed unsecured updates (L02)`, refused.slice(0, 20).map((id) => ({ code: 'station', detail: id })));
      }
      const at = deps.now();
      const options: CampaignOptions = { secure: req.secure, ...(req.retries !== undefined ? { retries: req.retries } : {}), ...(req.retryInterval !== undefined ? { retryInterval: req.retryInterval } : {}) };
      const created = await store.db.withTransaction(async (tx) => {
        const c = await store.firmwareCampaigns.insert({ id: randomUUID(), imageId: image.id, filter, options, waveSize: req.waveSize, maxInFlight: req.maxInFlight, maxFailureRatio: req.maxFailureRatio, createdBy: by, createdAt: at }, tx);
        for (const stationId of stations) {
          await store.firmwareJobs.insert({ stationId, imageId: image.id, campaignId: c.id, state: 'planned', secure: req.secure, retrieveAt: null, installAt: null, retries: req.retries ?? null, retryInterval: req.retryInterval ?? null, createdBy: by, createdAt: at }, tx);
        }
        return c;
      });
      deps.log.info({ campaignId: created.id, imageId: image.id, stations: stations.length, by }, 'firmware campaign created');
      deps.kick();
      return { campaign: created, stations: stations.length };
    },
    pause: (id, by) => change(id, ['running'], () => ({ state: 'paused', stateReason: `paused by ${by}` }), by, 'paused'),
    async resume(id, by) {
      // The failure ratio counts again from here: the operator has looked at the failures so far.
      await campaign(id);
      const counts = await store.firmwareJobs.campaignCounts(id);
      return change(id, ['paused'], () => ({ state: 'running', stateReason: `resumed by ${by}`, failedBaseline: counts.failed, launchedBaseline: counts.launched }), by, 'resumed');
    },
    async abort(id, by) {
      const c = await change(id, ['running', 'paused'], () => ({ state: 'aborted', stateReason: `aborted by ${by}` }), by, 'aborted');
      // Jobs not launched are canceled; those at stations already run to their end.
      await store.firmwareJobs.cancelPlanned(id, deps.now(), `campaign aborted by ${by}`);
      return c;
    },
  };
}
