// The composition of signed firmware (OCPP 2.0.1 L01-L04): images and signatures, hosting, the
// update jobs and their dispatcher, campaigns, and publications. main.ts starts it once, puts its
// handlers into the routing table, tells it about boots and connections, and registers its
// download route on the HTTP edge.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { CaService } from '../ca/ca-service.js';
import type { CallHandler } from '../ocpp/handler.js';
import type { Logger } from '../log.js';
import type { StationBus } from '../ocpp/station-bus.js';
import { startPollLoop, type LoopWork } from '../jobs/poll-loop.js';
import type { FirmwareJob } from '../store/firmware-jobs.js';
import type { Store } from '../store/store.js';
import { handleFirmwareStatusNotification } from '../csms/l-firmware/firmware-status-notification.js';
import { handlePublishFirmwareStatusNotification } from '../csms/l-firmware/publish-firmware-status-notification.js';
import { stepCampaigns } from './campaign-runner.js';
import { DownloadMeter } from './download-meter.js';
import { registerFirmwareHosting } from './firmware-hosting.js';
import { createFirmwareUpdates, type FirmwareUpdates } from './firmware-updates.js';
import { createImageService, type ImageService } from './image-service.js';
import { createJobFlow } from './job-flow.js';
import { loadManufacturerRoots } from './manufacturer-trust.js';
import { createPublications, type Publications } from './publications.js';

export interface FirmwareOptions {
  store: Store;
  ca: Pick<CaService, 'serviceSigner'>;
  /** The station bus, or a getter for one that exists only once the OCPP server is created. */
  bus: () => StationBus | null;
  dataDir: string;
  /** Base URL stations download images from. */
  publicBaseUrl: () => string;
  maxImageBytes: number;
  /** PEM bundle of manufacturer roots; without it manufacturer signatures are refused. */
  manufacturerRootsFile?: string | undefined;
  linkTtlS: number;
  jobTimeoutS: number;
  log: Logger;
  now?: () => Date;
  /** How often jobs, deadlines and campaigns are looked at (default 2 s). */
  tickMs?: number;
  /** Failed sends before a job fails (default 3) and the delay between them (default 30 s). */
  maxSendAttempts?: number;
  resendDelayMs?: number;
}

export interface Firmware {
  handlers: { FirmwareStatusNotification: CallHandler; PublishFirmwareStatusNotification: CallHandler };
  images: ImageService;
  updates: FirmwareUpdates;
  publications: Publications;
  meter: DownloadMeter;
  /** BootNotification hook: the reported firmware version closes (or fails) the station's job. */
  onBoot: (stationId: string, firmwareVersion: string | null, at: Date) => Promise<void>;
  /** A station connected: queued jobs and planned campaign jobs for it can go now. */
  stationConnected(stationId: string): void;
  registerHosting(app: FastifyInstance): void;
  /** One pass now; resolves when the sends it started have been answered. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export function startFirmware(opts: FirmwareOptions): Firmware {
  const now = opts.now ?? (() => new Date());
  const { store, log } = opts;
  const dir = join(opts.dataDir, 'firmware');
  const roots = opts.manufacturerRootsFile ? loadManufacturerRoots(opts.manufacturerRootsFile) : [];
  const bus: Pick<StationBus, 'call' | 'isConnected'> = {
    isConnected: (id) => opts.bus()?.isConnected(id) ?? false,
    call: (id, action, payload, o) => {
      const b = opts.bus();
      return b ? b.call(id, action, payload, o) : Promise.reject(new Error('the OCPP server is not running'));
    },
  };
  const meter = new DownloadMeter();
  const images = createImageService({ images: store.firmwareImages, ca: opts.ca, dir, maxBytes: opts.maxImageBytes, manufacturerRoots: roots, now, log });
  // Sends run as work of the pass loop, so that tick() and close() wait for them.
  const send = (work: LoopWork, job: FirmwareJob): void => {
    if (work.closed || work.inFlight.has(job.id) || !bus.isConnected(job.stationId)) return;
    work.start(
      job.id,
      flow.send(job).catch((err: unknown) => log.error({ err, jobId: job.id, stationId: job.stationId }, 'firmware update send failed')),
    );
  };
  // Used only after startPollLoop below has returned (job callbacks, the API).
  const kick = (): void => loop.kick();
  const flow = createJobFlow({
    jobs: store.firmwareJobs,
    images: store.firmwareImages,
    imageService: images,
    bus,
    baseUrl: opts.publicBaseUrl,
    linkTtlMs: opts.linkTtlS * 1000,
    jobTimeoutMs: opts.jobTimeoutS * 1000,
    maxSendAttempts: opts.maxSendAttempts ?? 3,
    resendDelayMs: opts.resendDelayMs ?? 30_000,
    now,
    log,
    onFinished: (job) => {
      if (job.campaignId) kick();
    },
  });
  const campaignDeps = { campaigns: store.firmwareCampaigns, jobs: store.firmwareJobs, bus, now, log };

  // Whether any job may be waiting for a station's reboot: a boot is checked against the jobs only
  // then, so that a reconnect storm of stations with no update in progress costs no look-ups. Set
  // at once when a job is created (generation counts those), settled by each pass.
  let jobsMayBeActive = true;
  let jobsGeneration = 0;
  const jobCreated = (): void => {
    jobsGeneration++;
    jobsMayBeActive = true;
    kick();
  };

  // Connections and boots come in storms: their passes are gathered by the loop (kickSoon).
  const loop = startPollLoop({
    name: 'firmware',
    log,
    pollIntervalMs: opts.tickMs ?? 2000,
    async pass(work) {
      await flow.sweepOverdue();
      await stepCampaigns({ ...campaignDeps, launched: (jobs) => jobs.forEach((job) => send(work, job)) });
      for (const job of await store.firmwareJobs.due(now(), 200)) send(work, job);
      const generation = jobsGeneration;
      const active = await store.firmwareJobs.anyActive();
      if (generation === jobsGeneration) jobsMayBeActive = active;
    },
  });

  const updates = createFirmwareUpdates({ store, imageService: images, now, log, kick: jobCreated });
  const publications = createPublications({
    publications: store.firmwarePublications,
    images: store.firmwareImages,
    stations: store.stations,
    imageService: images,
    bus,
    baseUrl: opts.publicBaseUrl,
    linkTtlMs: opts.linkTtlS * 1000,
    now,
    log,
  });
  return {
    handlers: {
      FirmwareStatusNotification: handleFirmwareStatusNotification({
        onStatus: async (stationId, status, requestId, at) => {
          await flow.onStatus(stationId, status, requestId, at);
        },
      }),
      PublishFirmwareStatusNotification: handlePublishFirmwareStatusNotification({ onStatus: (s, st, r, l, at) => publications.onStatus(s, st, r, l, at) }),
    },
    images,
    updates,
    publications,
    meter,
    onBoot: async (stationId, version, at) => {
      if (jobsMayBeActive) await flow.onBoot(stationId, version, at);
      // A booted station can take the update that waited for it.
      loop.kickSoon();
    },
    // A connection can only let a queued job go out: no pass when no job may be active.
    stationConnected: () => {
      if (jobsMayBeActive) loop.kickSoon();
    },
    registerHosting: (app) => registerFirmwareHosting(app, { images: store.firmwareImages, dir, meter, now, log }),
    tick: () => loop.tick(),
    close: () => loop.close(),
  };
}
