// L03 PublishFirmware / L04 UnpublishFirmware: a local controller downloads a verified image from
// our URL, checks its MD5 (PublishFirmwareRequest.checksum) and publishes it to the stations behind
// it; PublishFirmwareStatusNotification reports its progress and, when Published, its locations.
import type { PublishFirmwareRequest, PublishFirmwareResponse, PublishFirmwareStatusEnumType, UnpublishFirmwareResponse } from '../csms/types.js';
import type { Logger } from '../log.js';
import type { StationBus } from '../ocpp/station-bus.js';
import type { FirmwarePublication, FirmwarePublicationRepo, PublicationState } from '../store/firmware-publications.js';
import type { FirmwareImageRepo } from '../store/firmware-images.js';
import type { StationRepo } from '../store/stations.js';
import { createDownloadLink } from './download-links.js';
import { FirmwareError } from './firmware-error.js';
import type { ImageService } from './image-service.js';
import { isRequestId } from './job-flow.js';

export interface PublicationsDeps {
  publications: FirmwarePublicationRepo;
  images: Pick<FirmwareImageRepo, 'insertLink' | 'get'>;
  stations: Pick<StationRepo, 'get'>;
  imageService: Pick<ImageService, 'usable'>;
  bus: Pick<StationBus, 'call'>;
  baseUrl: () => string;
  linkTtlMs: number;
  now: () => Date;
  log: Logger;
}

/** PublishFirmwareStatusNotification.status -> publication state. */
export function publicationStateFor(status: PublishFirmwareStatusEnumType): PublicationState {
  switch (status) {
    case 'Published':
      return 'published';
    case 'DownloadFailed':
    case 'InvalidChecksum':
    case 'PublishFailed':
      return 'failed';
    case 'Idle':
    case 'DownloadScheduled':
    case 'Downloading':
    case 'Downloaded':
    case 'DownloadPaused':
    case 'ChecksumVerified':
      return 'in_progress';
  }
}

export interface Publications {
  publish(stationId: string, req: { imageId: string; retries?: number; retryInterval?: number }, by: string): Promise<FirmwarePublication>;
  unpublish(stationId: string, publicationId: string, by: string): Promise<FirmwarePublication>;
  onStatus(stationId: string, status: PublishFirmwareStatusEnumType, requestId: number | undefined, locations: string[] | undefined, at: Date): Promise<void>;
}

export function createPublications(deps: PublicationsDeps): Publications {
  const { publications } = deps;
  return {
    async publish(stationId, req, by) {
      if (!(await deps.stations.get(stationId))) throw new FirmwareError('FW_STATION_NOT_FOUND', 'no station is registered with this id');
      const image = await deps.imageService.usable(req.imageId);
      const at = deps.now();
      const pub = await publications.insert({ stationId, imageId: image.id, createdBy: by, at });
      const location = await createDownloadLink(deps.images, deps.baseUrl(), { imageId: image.id, fileName: image.fileName, jobId: null, publicationId: pub.id, expiresAt: new Date(at.getTime() + deps.linkTtlMs), now: at });
      const payload: PublishFirmwareRequest = {
        location,
        checksum: Buffer.from(image.md5).toString('hex'),
        requestId: pub.requestId,
        ...(req.retries !== undefined ? { retries: req.retries } : {}),
        ...(req.retryInterval !== undefined ? { retryInterval: req.retryInterval } : {}),
      };
      let answer;
      try {
        answer = await deps.bus.call(stationId, 'PublishFirmware', payload);
      } catch (err) {
        // Never reached the controller: nothing to track.
        await publications.remove(pub.id);
        throw err;
      }
      if (answer.kind === 'error') {
        await publications.remove(pub.id);
        throw new FirmwareError('FW_PUBLISH_REJECTED', `the local controller answered ${answer.errorCode}: ${answer.errorDescription}`);
      }
      const res = answer.payload as PublishFirmwareResponse;
      const updated = await publications.update(pub.id, ['accepted'], { state: res.status === 'Accepted' ? 'accepted' : 'rejected', lastStatus: `PublishFirmware:${res.status}` }, deps.now());
      deps.log.info({ stationId, publicationId: pub.id, status: res.status, by }, 'PublishFirmware answered');
      if (res.status !== 'Accepted') throw new FirmwareError('FW_PUBLISH_REJECTED', `the local controller rejected PublishFirmware${res.statusInfo ? `: ${res.statusInfo.reasonCode}` : ''}`);
      return updated ?? pub;
    },
    async unpublish(stationId, publicationId, by) {
      const pub = await publications.get(publicationId);
      if (!pub || pub.stationId !== stationId) throw new FirmwareError('FW_PUBLICATION_NOT_FOUND', 'no publication of this station has this id');
      const image = await deps.images.get(pub.imageId);
      const answer = await deps.bus.call(stationId, 'UnpublishFirmware', { checksum: Buffer.from(image?.md5 ?? new Uint8Array(16)).toString('hex') });
      if (answer.kind === 'error') throw new FirmwareError('FW_PUBLISH_REJECTED', `the local controller answered ${answer.errorCode}: ${answer.errorDescription}`);
      const res = answer.payload as UnpublishFirmwareResponse;
      // L04: DownloadOngoing means the controller is still fetching it: nothing changed.
      if (res.status === 'DownloadOngoing') throw new FirmwareError('FW_UNPUBLISH_DOWNLOAD_ONGOING', 'the local controller is still downloading the image; try again when it has finished');
      const updated = await publications.update(pub.id, ['accepted', 'in_progress', 'published', 'failed', 'rejected'], { state: 'unpublished', lastStatus: `UnpublishFirmware:${res.status}` }, deps.now());
      deps.log.info({ stationId, publicationId, status: res.status, by }, 'UnpublishFirmware answered');
      return updated ?? pub;
    },
    async onStatus(stationId, status, requestId, locations, at) {
      if (requestId === undefined || !isRequestId(requestId)) return;
      const pub = await publications.byRequestId(stationId, requestId);
      if (!pub) return;
      await publications.update(pub.id, ['accepted', 'in_progress', 'published', 'failed'], { state: publicationStateFor(status), lastStatus: status, ...(status === 'Published' && locations ? { locations } : {}) }, at);
    },
  };
}
