// What the firmware routes return: images, jobs (with download progress), campaigns, publications.
import type { LiveDownloads } from '../firmware/download-meter.js';
import type { FirmwareCampaign } from '../store/firmware-campaigns.js';
import type { FirmwareImage, FirmwareLink } from '../store/firmware-images.js';
import type { CampaignJobCounts, FirmwareJob, JobEvent } from '../store/firmware-jobs.js';
import type { FirmwarePublication } from '../store/firmware-publications.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentImage(i: FirmwareImage): object {
  return {
    id: i.id,
    vendor: i.vendor,
    models: i.models,
    version: i.version,
    fileName: i.fileName,
    sizeBytes: i.sizeBytes,
    sha256: hex(i.sha256),
    md5: hex(i.md5),
    signature: {
      state: i.signatureState,
      source: i.signatureSource,
      hashAlgorithm: i.signatureHash,
      signature: i.signature ? Buffer.from(i.signature).toString('base64') : null,
      signingCertificate: i.signingCertificate,
      signedAt: iso(i.signedAt),
      signedBy: i.signedBy,
      tamperReason: i.tamperReason,
    },
    createdBy: i.createdBy,
    createdAt: i.createdAt.toISOString(),
  };
}

export function presentJob(j: FirmwareJob, extra?: { links: FirmwareLink[]; live: LiveDownloads; sizeBytes: number; events: JobEvent[] }): object {
  return {
    id: j.id,
    stationId: j.stationId,
    imageId: j.imageId,
    campaignId: j.campaignId,
    wave: j.wave,
    requestId: j.requestId,
    secure: j.secure,
    state: j.state,
    lastStatus: j.lastStatus,
    failure: j.failure,
    failureDetail: j.failureDetail,
    retrieveDateTime: iso(j.retrieveAt),
    installDateTime: iso(j.installAt),
    retries: j.retries,
    retryInterval: j.retryInterval,
    sendAttempts: j.sendAttempts,
    versionReported: j.versionReported,
    deadlineAt: iso(j.deadlineAt),
    createdBy: j.createdBy,
    createdAt: j.createdAt.toISOString(),
    sentAt: iso(j.sentAt),
    finishedAt: iso(j.finishedAt),
    ...(extra
      ? {
          download: {
            sizeBytes: extra.sizeBytes,
            bytesServed: extra.links.reduce((n, l) => n + l.bytesServed, 0) + extra.live.bytes,
            openDownloads: extra.live.open,
            completedDownloads: extra.links.reduce((n, l) => n + l.completedDownloads, 0),
            lastAccessAt: iso(extra.links.reduce<Date | null>((d, l) => (l.lastAccessAt && (!d || l.lastAccessAt > d) ? l.lastAccessAt : d), null)),
            urlExpiresAt: iso(extra.links.at(-1)?.expiresAt ?? null),
          },
          events: extra.events.map((e) => ({ at: e.at.toISOString(), status: e.status, detail: e.detail })),
        }
      : {}),
  };
}

export function presentCampaign(c: FirmwareCampaign, counts: CampaignJobCounts): object {
  return {
    id: c.id,
    imageId: c.imageId,
    filter: c.filter,
    secure: c.options.secure,
    retries: c.options.retries ?? null,
    retryInterval: c.options.retryInterval ?? null,
    waveSize: c.waveSize,
    maxInFlight: c.maxInFlight,
    maxFailureRatio: c.maxFailureRatio,
    state: c.state,
    stateReason: c.stateReason,
    currentWave: c.currentWave,
    counts,
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function presentPublication(p: FirmwarePublication): object {
  return {
    id: p.id,
    stationId: p.stationId,
    imageId: p.imageId,
    requestId: p.requestId,
    state: p.state,
    lastStatus: p.lastStatus,
    locations: p.locations,
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
