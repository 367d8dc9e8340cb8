// Runs firmware update jobs: sends UpdateFirmware (L01 with signingCertificate and signature,
// L02 without, for stations allowed unsecured updates), and records what the station answers and
// reports: UpdateFirmwareResponse, FirmwareStatusNotification, the version after the reboot, or
// silence past the deadline. Every change is kept as a job event.
import type { FirmwareStatusEnumType, UpdateFirmwareRequest, UpdateFirmwareResponse } from '../csms/types.js';
import type { Logger } from '../log.js';
import { OcppRpcError } from '../ocpp/rpc-error.js';
import type { StationBus } from '../ocpp/station-bus.js';
import type { FirmwareImageRepo } from '../store/firmware-images.js';
import { ACTIVE_JOB_STATES, type FirmwareJob, type FirmwareJobRepo, type JobPatch } from '../store/firmware-jobs.js';
import { createDownloadLink } from './download-links.js';
import { FirmwareError } from './firmware-error.js';
import { MAX_SIGNING_CERTIFICATE_PEM } from './image-signature.js';
import type { ImageService } from './image-service.js';
import { afterBoot, afterStatus, afterUpdateAnswer, isTerminal, type Transition } from './job-state.js';

export interface JobFlowDeps {
  jobs: FirmwareJobRepo;
  images: Pick<FirmwareImageRepo, 'get' | 'insertLink'>;
  imageService: Pick<ImageService, 'usable'>;
  bus: Pick<StationBus, 'call' | 'isConnected'>;
  /** Base URL stations download from (the public URL of the HTTP edge). */
  baseUrl: () => string;
  linkTtlMs: number;
  /** A launched job with no news for this long fails with Timeout. */
  jobTimeoutMs: number;
  /** Sends that got no usable answer before the job fails with SendFailed. */
  maxSendAttempts: number;
  /** Back-off before the next send after a failed one. */
  resendDelayMs: number;
  now: () => Date;
  log: Logger;
  /** Told when a job finished (campaigns launch the next ones). */
  onFinished: (job: FirmwareJob) => void;
}

export interface JobFlow {
  /** Sends UpdateFirmware for a queued job when its station is connected. */
  send(job: FirmwareJob): Promise<void>;
  onStatus(stationId: string, status: FirmwareStatusEnumType, requestId: number | undefined, at: Date): Promise<void>;
  onBoot(stationId: string, firmwareVersion: string | null, at: Date): Promise<void>;
  /** Fails launched jobs past their deadline. */
  sweepOverdue(): Promise<number>;
}

/** Our requestIds come from an int32 sequence: anything else names no request of ours. */
export const isRequestId = (n: number): boolean => Number.isSafeInteger(n) && n >= 1 && n <= 2_147_483_647;

/** Why an image could not be sent, as the job's failure. */
const FAILURE_FOR: Partial<Record<FirmwareError['code'], string>> = { FW_IMAGE_TAMPERED: 'ImageTampered', FW_CERTIFICATE_UNTRUSTED: 'SigningCertificateInvalid', FW_NO_MANUFACTURER_ROOTS: 'SigningCertificateInvalid' };

/** How long a sender holds a job it is sending (longer than any CALL timeout). */
const CLAIM_MS = 15 * 60_000;

/**
 * firmware.signingCertificate: the signing certificate, followed by its intermediates when they fit
 * the field (maxLength 5500), so that a station holding only the root can build the path; a
 * station that reads one certificate reads the signing certificate first.
 */
export function signingCertificateField(leafPem: string, intermediatesPem: string | null): string {
  const bundle = leafPem + (intermediatesPem ?? '');
  return bundle.length <= MAX_SIGNING_CERTIFICATE_PEM ? bundle : leafPem;
}

export function createJobFlow(deps: JobFlowDeps): JobFlow {
  const { jobs } = deps;
  const deadline = (from: Date): Date => new Date(from.getTime() + deps.jobTimeoutMs);

  async function apply(job: FirmwareJob, t: Transition, event: { status: string; detail?: string | null }, at: Date, extra: JobPatch = {}): Promise<FirmwareJob | null> {
    const patch: JobPatch = { state: t.state, lastStatus: event.status, ...extra };
    if (t.failure !== undefined) patch.failure = t.failure;
    if (t.versionReported !== undefined) patch.versionReported = t.versionReported;
    if (isTerminal(t.state)) {
      patch.finishedAt = at;
      patch.deadlineAt = null;
    } else if (t.state !== 'queued' && t.state !== 'planned') patch.deadlineAt = deadline(new Date(Math.max(at.getTime(), job.retrieveAt?.getTime() ?? 0, job.installAt?.getTime() ?? 0)));
    const updated = await jobs.update(job.id, [job.state], patch);
    if (!updated) return null;
    await jobs.addEvent(job.id, { at, status: event.status, detail: event.detail ?? null });
    if (isTerminal(updated.state)) {
      deps.log.info({ jobId: job.id, stationId: job.stationId, state: updated.state, failure: updated.failure }, 'firmware update finished');
      deps.onFinished(updated);
    }
    return updated;
  }

  async function fail(job: FirmwareJob, failure: string, detail: string, at: Date): Promise<void> {
    await apply(job, { state: 'failed', failure }, { status: failure, detail }, at, { failureDetail: detail });
  }

  async function buildRequest(job: FirmwareJob, at: Date): Promise<UpdateFirmwareRequest> {
    const image = await deps.imageService.usable(job.imageId);
    const retrieveAt = job.retrieveAt && job.retrieveAt > at ? job.retrieveAt : at;
    const location = await createDownloadLink(deps.images, deps.baseUrl(), {
      imageId: image.id,
      fileName: image.fileName,
      jobId: job.id,
      publicationId: null,
      // The link lives from the retrieve time on, for the retries the station may need.
      expiresAt: new Date(retrieveAt.getTime() + deps.linkTtlMs),
      now: at,
    });
    return {
      requestId: job.requestId,
      ...(job.retries !== null ? { retries: job.retries } : {}),
      ...(job.retryInterval !== null ? { retryInterval: job.retryInterval } : {}),
      firmware: {
        location,
        retrieveDateTime: retrieveAt.toISOString(),
        ...(job.installAt ? { installDateTime: job.installAt.toISOString() } : {}),
        // L01.FR.11: the signing certificate goes with a secure update; L02 sends neither.
        ...(job.secure ? { signingCertificate: signingCertificateField(image.signingCertificate as string, image.signingChain), signature: Buffer.from(image.signature as Uint8Array).toString('base64') } : {}),
      },
    };
  }

  async function send(job: FirmwareJob): Promise<void> {
    if (job.state !== 'queued' || !deps.bus.isConnected(job.stationId)) return;
    const at = deps.now();
    // Another process sharing the database may be sending it: one sender per job.
    if (!(await jobs.claim(job.id, at, new Date(at.getTime() + CLAIM_MS)))) return;
    // Step 1: the image must be verified and intact right now.
    let request: UpdateFirmwareRequest;
    try {
      request = await buildRequest(job, at);
    } catch (err) {
      if (err instanceof FirmwareError) return fail(job, FAILURE_FOR[err.code] ?? 'ImageNotVerified', err.message, at);
      throw err;
    }
    // Step 2: send; a station that went away keeps the job queued for its return.
    let answer;
    try {
      answer = await deps.bus.call(job.stationId, 'UpdateFirmware', request);
    } catch (err) {
      const code = err instanceof OcppRpcError ? err.code : 'Error';
      if (code === 'StationNotConnected' || code === 'ConnectionClosed') {
        // Released for the station's return (which looks for due jobs at once).
        await jobs.update(job.id, ['queued'], { nextAttemptAt: deps.now() });
        return;
      }
      return retryOrFail(job, `${code}: ${(err as Error).message}`);
    }
    if (answer.kind === 'error') return retryOrFail(job, `${answer.errorCode}: ${answer.errorDescription}`);
    // Step 3: the answer decides.
    const res = answer.payload as UpdateFirmwareResponse;
    const done = deps.now();
    const detail = res.statusInfo ? [res.statusInfo.reasonCode, res.statusInfo.additionalInfo].filter(Boolean).join(': ') : null;
    const t = afterUpdateAnswer(res.status);
    const updated = await apply(job, t, { status: `UpdateFirmware:${res.status}`, detail }, done, { sentAt: done, sendAttempts: job.sendAttempts + 1, nextAttemptAt: null, ...(t.failure ? { failureDetail: detail } : {}) });
    if (!updated) {
      // A status notification overtook the answer (the station reports Downloading at once).
      await jobs.update(job.id, ACTIVE_JOB_STATES, { sentAt: done, sendAttempts: job.sendAttempts + 1, nextAttemptAt: null });
      await jobs.addEvent(job.id, { at: done, status: `UpdateFirmware:${res.status}`, detail });
    }
    // AcceptedCanceled: the station canceled the update it was running for this one.
    if (res.status === 'AcceptedCanceled') {
      for (const other of await jobs.listForStation(job.stationId, 20)) {
        if (other.id !== job.id && ACTIVE_JOB_STATES.includes(other.state)) {
          await apply(other, { state: 'canceled', failure: 'Superseded' }, { status: 'Superseded', detail: `replaced by job ${job.id}` }, done);
        }
      }
    }
  }

  async function retryOrFail(job: FirmwareJob, error: string): Promise<void> {
    const at = deps.now();
    const attempts = job.sendAttempts + 1;
    if (attempts >= deps.maxSendAttempts) return fail({ ...job }, 'SendFailed', error, at);
    await jobs.update(job.id, ['queued'], { sendAttempts: attempts, nextAttemptAt: new Date(at.getTime() + deps.resendDelayMs) });
    await jobs.addEvent(job.id, { at, status: 'SendRetry', detail: error });
  }

  return {
    send,
    async onStatus(stationId, status, requestId, at) {
      // requestId is absent only when no update is ongoing (TriggerMessage): nothing to record.
      if (requestId === undefined || !isRequestId(requestId)) return;
      const job = await jobs.byRequestId(stationId, requestId);
      if (!job) return;
      const t = afterStatus(job, status);
      if (t) await apply(job, t, { status }, at, t.failure ? { failureDetail: `the station reported ${status}` } : {});
      else await jobs.addEvent(job.id, { at, status, detail: 'recorded; no state change' });
    },
    async onBoot(stationId, firmwareVersion, at) {
      const job = await jobs.activeForStation(stationId);
      if (!job) return;
      const image = await deps.images.get(job.imageId);
      if (!image) return;
      const t = afterBoot(job, firmwareVersion, image.version);
      if (!t) return;
      const detail = `the station booted with firmware version ${firmwareVersion ?? '(none)'}; expected ${image.version}`;
      await apply(job, t, { status: 'BootNotification', detail }, at, t.failure ? { failureDetail: detail } : {});
    },
    async sweepOverdue() {
      const at = deps.now();
      const overdue = await jobs.overdue(at, 100);
      for (const job of overdue) await fail(job, 'Timeout', `no progress from the station before ${job.deadlineAt?.toISOString() ?? ''}`, at);
      return overdue.length;
    },
  };
}
