// The operator API of signed firmware (OCPP 2.0.1 L01-L04): images and their signatures, the L02
// policy, per-station updates with their download progress, campaigns, and publications.
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Firmware } from '../firmware/firmware-module.js';
import { FirmwareError } from '../firmware/firmware-error.js';
import { jobKey } from '../firmware/download-meter.js';
import type { Store } from '../store/store.js';
import { protectedBy, stationParamsSchema } from './common-schemas.js';
import { registerFirmwareErrorHandler, withFirmwareResponses } from './firmware-errors.js';
import { presentCampaign, presentImage, presentJob, presentPublication } from './firmware-present.js';
import {
  campaignBodySchema, campaignSchema, idParamsSchema, imageParamsSchema, imageSchema, jobSchema, listOf, listQuerySchema, manufacturerSignatureSchema,
  policySchema, publicationSchema, publishBodySchema, stationPublicationParamsSchema, updateBodySchema, uploadQuerySchema,
} from './firmware-schemas.js';
import type { OperatorAuth } from './operator-auth.js';
import { requireScope } from './require-scope.js';

export interface FirmwareRouteDeps {
  firmware: Pick<Firmware, 'images' | 'updates' | 'publications' | 'meter'>;
  store: Pick<Store, 'stations' | 'firmwareImages' | 'firmwareJobs' | 'firmwareCampaigns' | 'firmwarePublications'>;
  auth: OperatorAuth;
  maxImageBytes: number;
}

const by = (req: { operator: { clientId: string } | null }): string => `operator:${req.operator?.clientId ?? 'unknown'}`;

export async function registerFirmwareRoutes(app: FastifyInstance, deps: FirmwareRouteDeps): Promise<void> {
  const { firmware, store, auth } = deps;
  const read = requireScope(auth, 'firmware:read');
  const write = requireScope(auth, 'firmware:write');
  const r = protectedBy('firmware:read');
  const w = protectedBy('firmware:write');

  await app.register((scope, _opts, done) => {
    registerFirmwareErrorHandler(scope);
    // Images arrive as raw bytes, streamed to disk by the handler (never buffered here).
    scope.addContentTypeParser('application/octet-stream', (_req, payload, next) => next(null, payload));

    scope.post<{ Querystring: { vendor: string; version: string; models: string; fileName?: string }; Body: Readable }>(
      '/api/v1/firmware/images',
      {
        onRequest: write,
        schema: {
          tags: ['firmware'], operationId: 'uploadFirmwareImage', summary: 'Upload a firmware image (application/octet-stream); SHA-256 and MD5 are computed while it streams to disk',
          querystring: uploadQuerySchema, security: w.security,
          response: { 201: imageSchema, ...withFirmwareResponses(w.response, 'FW_IMAGE_TOO_LARGE', 'FW_IMAGE_EMPTY', 'FW_IMAGE_INCOMPLETE') },
        },
      },
      async (req, reply) => {
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > deps.maxImageBytes) throw new FirmwareError('FW_IMAGE_TOO_LARGE', `the image exceeds the limit of ${deps.maxImageBytes} bytes`);
        const { vendor, version, models } = req.query;
        const image = await firmware.images.upload(req.body, { vendor, version, models: models.split(','), fileName: req.query.fileName ?? `${vendor}-${version}.bin`.replace(/[^A-Za-z0-9._-]/g, '_') }, by(req));
        return reply.code(201).send(presentImage(image));
      },
    );

    scope.get<{ Querystring: { limit: number } }>(
      '/api/v1/firmware/images',
      { onRequest: read, schema: { tags: ['firmware'], operationId: 'listFirmwareImages', summary: 'Firmware images, newest first', querystring: listQuerySchema, security: r.security, response: { 200: listOf(imageSchema), ...r.response } } },
      async (req) => ({ items: (await store.firmwareImages.list(req.query.limit)).map(presentImage) }),
    );

    scope.get<{ Params: { imageId: string } }>(
      '/api/v1/firmware/images/:imageId',
      { onRequest: read, schema: { tags: ['firmware'], operationId: 'getFirmwareImage', summary: 'A firmware image and its signature', params: imageParamsSchema, security: r.security, response: { 200: imageSchema, ...withFirmwareResponses(r.response, 'FW_IMAGE_NOT_FOUND') } } },
      async (req) => presentImage(await firmware.images.get(req.params.imageId)),
    );

    scope.post<{ Params: { imageId: string } }>(
      '/api/v1/firmware/images/:imageId/sign',
      {
        onRequest: write,
        schema: {
          tags: ['firmware'], operationId: 'signFirmwareImage', summary: 'Sign the image with our firmware-signer key (ECDSA/SHA-256 over the file)', params: imageParamsSchema, security: w.security,
          response: { 200: imageSchema, ...withFirmwareResponses(w.response, 'FW_IMAGE_NOT_FOUND', 'FW_IMAGE_ALREADY_SIGNED', 'FW_IMAGE_TAMPERED', 'FW_SIGNER_UNAVAILABLE') },
        },
      },
      async (req) => presentImage(await firmware.images.sign(req.params.imageId, by(req))),
    );

    scope.post<{ Params: { imageId: string }; Body: { signature: string; signingCertificate: string; hashAlgorithm: 'SHA256' | 'SHA384' } }>(
      '/api/v1/firmware/images/:imageId/signature',
      {
        onRequest: write,
        schema: {
          tags: ['firmware'], operationId: 'attachManufacturerSignature', summary: "Attach a manufacturer's signature and signing certificate; both are verified (manufacturer roots, then the signature over the file)",
          params: imageParamsSchema, body: manufacturerSignatureSchema, security: w.security,
          response: {
            200: imageSchema,
            ...withFirmwareResponses(w.response, 'FW_IMAGE_NOT_FOUND', 'FW_IMAGE_ALREADY_SIGNED', 'FW_IMAGE_TAMPERED', 'FW_SIGNATURE_MALFORMED', 'FW_SIGNATURE_INVALID', 'FW_CERTIFICATE_MALFORMED', 'FW_CERTIFICATE_UNTRUSTED', 'FW_NO_MANUFACTURER_ROOTS'),
          },
        },
      },
      async (req) => {
        const { signature, signingCertificate, hashAlgorithm } = req.body;
        return presentImage(await firmware.images.attachSignature(req.params.imageId, { signature, signingCertificate, hash: hashAlgorithm === 'SHA384' ? 'sha384' : 'sha256' }, by(req)));
      },
    );

    scope.put<{ Params: { id: string }; Body: { allowUnsecured: boolean } }>(
      '/api/v1/stations/:id/firmware-policy',
      { onRequest: write, schema: { tags: ['firmware'], operationId: 'setFirmwarePolicy', summary: 'Allow or forbid unsecured firmware updates (L02) for a station', params: stationParamsSchema, body: policySchema, security: w.security, response: { 200: policySchema, ...withFirmwareResponses(w.response, 'FW_STATION_NOT_FOUND') } } },
      async (req) => {
        if (!(await store.stations.get(req.params.id))) throw new FirmwareError('FW_STATION_NOT_FOUND', 'no station is registered with this id');
        await store.firmwareImages.setPolicy(req.params.id, req.body.allowUnsecured, by(req), new Date());
        return { allowUnsecured: req.body.allowUnsecured };
      },
    );

    scope.post<{ Params: { id: string }; Body: { imageId: string; secure: boolean; retrieveDateTime?: string; installDateTime?: string; retries?: number; retryInterval?: number } }>(
      '/api/v1/stations/:id/firmware-updates',
      {
        onRequest: write,
        schema: {
          tags: ['firmware'], operationId: 'updateStationFirmware', summary: 'Queue UpdateFirmware for a station (sent now if connected, else when it returns)', params: stationParamsSchema, body: updateBodySchema, security: w.security,
          response: { 202: jobSchema, ...withFirmwareResponses(w.response, 'FW_STATION_NOT_FOUND', 'FW_IMAGE_NOT_FOUND', 'FW_IMAGE_NOT_VERIFIED', 'FW_IMAGE_TAMPERED', 'FW_IMAGE_NOT_FOR_STATION', 'FW_UNSECURED_NOT_ALLOWED', 'FW_UPDATE_IN_PROGRESS') },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const job = await firmware.updates.createJob(
          req.params.id,
          {
            imageId: b.imageId,
            secure: b.secure,
            ...(b.retrieveDateTime ? { retrieveAt: new Date(b.retrieveDateTime) } : {}),
            ...(b.installDateTime ? { installAt: new Date(b.installDateTime) } : {}),
            ...(b.retries !== undefined ? { retries: b.retries } : {}),
            ...(b.retryInterval !== undefined ? { retryInterval: b.retryInterval } : {}),
          },
          by(req),
        );
        return reply.code(202).send(presentJob(job));
      },
    );

    scope.get<{ Params: { id: string }; Querystring: { limit: number } }>(
      '/api/v1/stations/:id/firmware-updates',
      { onRequest: read, schema: { tags: ['firmware'], operationId: 'listStationFirmwareUpdates', summary: "A station's firmware updates, newest first", params: stationParamsSchema, querystring: listQuerySchema, security: r.security, response: { 200: listOf(jobSchema), ...withFirmwareResponses(r.response, 'FW_STATION_NOT_FOUND') } } },
      async (req) => {
        if (!(await store.stations.get(req.params.id))) throw new FirmwareError('FW_STATION_NOT_FOUND', 'no station is registered with this id');
        return { items: (await store.firmwareJobs.listForStation(req.params.id, req.query.limit)).map((j) => presentJob(j)) };
      },
    );

    scope.get<{ Params: { id: string } }>(
      '/api/v1/firmware/updates/:id',
      { onRequest: read, schema: { tags: ['firmware'], operationId: 'getFirmwareUpdate', summary: 'A firmware update: state, download progress, events', params: idParamsSchema, security: r.security, response: { 200: jobSchema, ...withFirmwareResponses(r.response, 'FW_JOB_NOT_FOUND') } } },
      async (req) => {
        const job = await store.firmwareJobs.get(req.params.id);
        if (!job) throw new FirmwareError('FW_JOB_NOT_FOUND', 'no firmware update has this id');
        const [links, events, image] = [await store.firmwareImages.linksForJob(job.id), await store.firmwareJobs.events(job.id), await store.firmwareImages.get(job.imageId)];
        return presentJob(job, { links, events, live: firmware.meter.get(jobKey(job.id)), sizeBytes: image?.sizeBytes ?? 0 });
      },
    );

    scope.post<{ Body: { imageId: string; filter: { stationIds?: string[]; vendor?: string; models?: string[]; excludeVersion?: string }; waveSize: number; maxInFlight: number; maxFailureRatio: number; secure: boolean; retries?: number; retryInterval?: number } }>(
      '/api/v1/firmware/campaigns',
      {
        onRequest: write,
        schema: {
          tags: ['firmware'], operationId: 'createFirmwareCampaign', summary: 'Roll an image out to the matching stations in waves', body: campaignBodySchema, security: w.security,
          response: { 201: campaignSchema, ...withFirmwareResponses(w.response, 'FW_IMAGE_NOT_FOUND', 'FW_IMAGE_NOT_VERIFIED', 'FW_IMAGE_TAMPERED', 'FW_CAMPAIGN_NO_STATIONS', 'FW_UNSECURED_NOT_ALLOWED') },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const { campaign } = await firmware.updates.createCampaign(
          { imageId: b.imageId, filter: b.filter, waveSize: b.waveSize, maxInFlight: b.maxInFlight, maxFailureRatio: b.maxFailureRatio, secure: b.secure, ...(b.retries !== undefined ? { retries: b.retries } : {}), ...(b.retryInterval !== undefined ? { retryInterval: b.retryInterval } : {}) },
          by(req),
        );
        return reply.code(201).send(presentCampaign(campaign, await store.firmwareJobs.campaignCounts(campaign.id)));
      },
    );

    scope.get<{ Params: { id: string } }>(
      '/api/v1/firmware/campaigns/:id',
      { onRequest: read, schema: { tags: ['firmware'], operationId: 'getFirmwareCampaign', summary: 'A campaign, its state and job counts', params: idParamsSchema, security: r.security, response: { 200: campaignSchema, ...withFirmwareResponses(r.response, 'FW_CAMPAIGN_NOT_FOUND') } } },
      async (req) => {
        const c = await store.firmwareCampaigns.get(req.params.id);
        if (!c) throw new FirmwareError('FW_CAMPAIGN_NOT_FOUND', 'no firmware campaign has this id');
        return presentCampaign(c, await store.firmwareJobs.campaignCounts(c.id));
      },
    );

    scope.get<{ Params: { id: string }; Querystring: { limit: number } }>(
      '/api/v1/firmware/campaigns/:id/updates',
      { onRequest: read, schema: { tags: ['firmware'], operationId: 'listCampaignUpdates', summary: "A campaign's firmware updates", params: idParamsSchema, querystring: listQuerySchema, security: r.security, response: { 200: listOf(jobSchema), ...withFirmwareResponses(r.response, 'FW_CAMPAIGN_NOT_FOUND') } } },
      async (req) => {
        const c = await store.firmwareCampaigns.get(req.params.id);
        if (!c) throw new FirmwareError('FW_CAMPAIGN_NOT_FOUND', 'no firmware campaign has this id');
        return { items: (await store.firmwareJobs.listForCampaign(c.id, req.query.limit)).map((j) => presentJob(j)) };
      },
    );

    for (const action of ['pause', 'resume', 'abort'] as const) {
      scope.post<{ Params: { id: string } }>(
        `/api/v1/firmware/campaigns/:id/${action}`,
        { onRequest: write, schema: { tags: ['firmware'], operationId: `${action}FirmwareCampaign`, summary: `${action[0]?.toUpperCase()}${action.slice(1)} a campaign`, params: idParamsSchema, security: w.security, response: { 200: campaignSchema, ...withFirmwareResponses(w.response, 'FW_CAMPAIGN_NOT_FOUND', 'FW_CAMPAIGN_STATE') } } },
        async (req) => {
          const c = await firmware.updates[action](req.params.id, by(req));
          return presentCampaign(c, await store.firmwareJobs.campaignCounts(c.id));
        },
      );
    }

    scope.post<{ Params: { id: string }; Body: { imageId: string; retries?: number; retryInterval?: number } }>(
      '/api/v1/stations/:id/firmware-publications',
      {
        onRequest: write,
        schema: {
          tags: ['firmware'], operationId: 'publishFirmware', summary: 'PublishFirmware (L03): a local controller downloads and publishes the image', params: stationParamsSchema, body: publishBodySchema, security: w.security,
          response: { 201: publicationSchema, ...withFirmwareResponses(protectedBy('firmware:write', 'station_not_connected', 'call_timeout').response, 'FW_STATION_NOT_FOUND', 'FW_IMAGE_NOT_FOUND', 'FW_IMAGE_NOT_VERIFIED', 'FW_IMAGE_TAMPERED', 'FW_PUBLISH_REJECTED') },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const pub = await firmware.publications.publish(req.params.id, { imageId: b.imageId, ...(b.retries !== undefined ? { retries: b.retries } : {}), ...(b.retryInterval !== undefined ? { retryInterval: b.retryInterval } : {}) }, by(req));
        return reply.code(201).send(presentPublication(pub));
      },
    );

    scope.get<{ Params: { id: string }; Querystring: { limit: number } }>(
      '/api/v1/stations/:id/firmware-publications',
      { onRequest: read, schema: { tags: ['firmware'], operationId: 'listFirmwarePublications', summary: "A local controller's publications, newest first", params: stationParamsSchema, querystring: listQuerySchema, security: r.security, response: { 200: listOf(publicationSchema), ...withFirmwareResponses(r.response, 'FW_STATION_NOT_FOUND') } } },
      async (req) => {
        if (!(await store.stations.get(req.params.id))) throw new FirmwareError('FW_STATION_NOT_FOUND', 'no station is registered with this id');
        return { items: (await store.firmwarePublications.listForStation(req.params.id, req.query.limit)).map(presentPublication) };
      },
    );

    scope.delete<{ Params: { id: string; publicationId: string } }>(
      '/api/v1/stations/:id/firmware-publications/:publicationId',
      {
        onRequest: write,
        schema: {
          tags: ['firmware'], operationId: 'unpublishFirmware', summary: 'UnpublishFirmware (L04)', params: stationPublicationParamsSchema, security: w.security,
          response: { 200: publicationSchema, ...withFirmwareResponses(protectedBy('firmware:write', 'station_not_connected', 'call_timeout').response, 'FW_PUBLICATION_NOT_FOUND', 'FW_UNPUBLISH_DOWNLOAD_ONGOING', 'FW_PUBLISH_REJECTED') },
        },
      },
      async (req) => presentPublication(await firmware.publications.unpublish(req.params.id, req.params.publicationId, by(req))),
    );
    done();
  });
}
