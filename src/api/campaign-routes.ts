// Certificate campaigns for operators: install or remove one root on every station matching a
// filter, with per-station progress, pause, resume and cancel. The engine
// (src/inventory/campaign-engine.ts) does the work; these routes create and steer campaigns.
import type { FastifyInstance } from 'fastify';
import { bytesToHex } from '../../pki/der/writer.js';
import type { Campaign, CampaignKind, CampaignState, CampaignTarget, TargetFilter, TargetState } from '../store/certificate-campaigns.js';
import type { Store } from '../store/store.js';
import { checkRootCertificate, type InstallCertificateUse } from '../inventory/root-certificate.js';
import { rolloutUses } from '../inventory/rollout-uses.js';
import { rememberRoot } from '../inventory/station-certificates.js';
import { protectedBy } from './common-schemas.js';
import { ApiError } from './errors.js';
import type { OperatorAuth } from './operator-auth.js';
import { requireScope } from './require-scope.js';
import { campaignListSchema, campaignParamsSchema, campaignSchema, createCampaignBodySchema, pageQuerySchema, targetListSchema, targetsQuerySchema, transitionResultSchema } from './campaign-schemas.js';

export interface CampaignRouteDeps {
  store: Pick<Store, 'certificateCampaigns' | 'certificateInventory'>;
  auth: OperatorAuth;
  /** The engine, told when a campaign is created or resumed. */
  campaigns?: { kick(): void };
  now?: () => Date;
}

interface CreateBody {
  kind: CampaignKind;
  certificateType: InstallCertificateUse;
  certificate: string;
  target: TargetFilter;
  maxAttempts: number;
}

const TRANSITIONS: Readonly<Record<'pause' | 'resume' | 'cancel', { from: readonly CampaignState[]; to: CampaignState }>> = {
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  cancel: { from: ['running', 'paused'], to: 'cancelled' },
};

const notFound = (): ApiError => new ApiError('route_not_found', 'No certificate campaign has this id');

export function registerCampaignRoutes(app: FastifyInstance, deps: CampaignRouteDeps): void {
  const { store, auth } = deps;
  const now = deps.now ?? (() => new Date());
  const tags = ['certificate campaigns'];
  const read = protectedBy('stations:read', 'route_not_found');
  const write = protectedBy('certificates:install', 'certificate_request_invalid');
  const steer = protectedBy('certificates:install', 'route_not_found');

  const present = async (c: Campaign): Promise<Record<string, unknown>> => {
    const cert = await store.certificateInventory.getCertificate(c.fingerprint);
    return {
      id: c.id,
      kind: c.kind,
      certificateType: c.uses[0],
      uses: c.uses,
      certificate: { fingerprint: bytesToHex(c.fingerprint), subject: cert?.subject ?? null, serialNumber: cert?.serialHex ?? null, notAfter: cert?.notAfter.toISOString() ?? null },
      target: c.filter,
      state: c.state,
      maxAttempts: c.maxAttempts,
      createdBy: c.createdBy,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      completedAt: c.completedAt?.toISOString() ?? null,
      counts: c.counts,
    };
  };

  app.post<{ Body: CreateBody }>(
    '/api/v1/certificate-campaigns',
    { onRequest: requireScope(auth, 'certificates:install'), schema: { tags, operationId: 'createCertificateCampaign', summary: 'Install or remove a root on every station matching a filter; a V2G root reaches the V2G and MO root stores', body: createCampaignBodySchema, security: write.security, response: { 201: campaignSchema, ...write.response } } },
    async (req, reply) => {
      const { kind, certificateType, certificate, target, maxAttempts } = req.body;
      // Step 1: the same checks as a single install (a removal names a root just as exactly; only
      // its validity is not checked, since expired roots are what gets removed).
      const check = checkRootCertificate(certificate, certificateType, now(), kind);
      if (!check.ok) throw new ApiError('certificate_request_invalid', `No campaign created: ${check.detail}`, { defects: [{ code: check.defect, detail: check.detail }] });
      // Step 2: the stations, resolved now; a list naming an unknown station is refused whole.
      const stationIds = await store.certificateCampaigns.selectStations(target);
      if ('stationIds' in target && stationIds.length !== target.stationIds.length) {
        const known = new Set(stationIds);
        const errors = target.stationIds.flatMap((id, i) => (known.has(id) ? [] : [{ in: 'body', path: `/target/stationIds/${i}`, message: 'is not a registered station' }]));
        throw new ApiError('validation_failed', `body/target/stationIds: ${errors.length} station(s) are not registered`, { errors });
      }
      if (stationIds.length === 0) throw new ApiError('validation_failed', 'body/target matches no registered station', { errors: [{ in: 'body', path: '/target', message: 'matches no registered station' }] });
      // Step 3: the campaign and its targets, in one transaction; the engine starts on them.
      const fingerprint = await rememberRoot(store, check.root);
      const id = await store.certificateCampaigns.create({ kind, fingerprint, uses: rolloutUses(certificateType), filter: target, maxAttempts, createdBy: req.operator?.clientId ?? 'unknown', at: now() }, stationIds);
      req.log.info({ campaignId: id, kind, certificateType, subject: check.root.subject, stations: stationIds.length, operator: req.operator?.clientId }, 'certificate campaign created');
      deps.campaigns?.kick();
      const created = await store.certificateCampaigns.get(id);
      if (!created) throw notFound();
      return reply.code(201).send(await present(created));
    },
  );

  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/api/v1/certificate-campaigns',
    { onRequest: requireScope(auth, 'stations:read'), schema: { tags, operationId: 'listCertificateCampaigns', summary: 'Certificate campaigns, newest first, with per-state station counts', querystring: pageQuerySchema, security: read.security, response: { 200: campaignListSchema, ...read.response } } },
    async (req) => ({ items: await Promise.all((await store.certificateCampaigns.list(req.query.limit, req.query.offset)).map(present)) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/certificate-campaigns/:id',
    { onRequest: requireScope(auth, 'stations:read'), schema: { tags, operationId: 'getCertificateCampaign', summary: 'One campaign with per-state station counts', params: campaignParamsSchema, security: read.security, response: { 200: campaignSchema, ...read.response } } },
    async (req) => {
      const c = await store.certificateCampaigns.get(req.params.id);
      if (!c) throw notFound();
      return present(c);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { state?: TargetState; limit: number; offset: number } }>(
    '/api/v1/certificate-campaigns/:id/stations',
    { onRequest: requireScope(auth, 'stations:read'), schema: { tags, operationId: 'listCertificateCampaignStations', summary: "Per-station progress and result, by station id", params: campaignParamsSchema, querystring: targetsQuerySchema, security: read.security, response: { 200: targetListSchema, ...read.response } } },
    async (req) => {
      if (!(await store.certificateCampaigns.get(req.params.id))) throw notFound();
      const rows = await store.certificateCampaigns.targets(req.params.id, req.query.state ?? null, req.query.limit, req.query.offset);
      return { items: rows.map(presentTarget) };
    },
  );

  for (const [action, t] of Object.entries(TRANSITIONS)) {
    app.post<{ Params: { id: string } }>(
      `/api/v1/certificate-campaigns/:id/${action}`,
      { onRequest: requireScope(auth, 'certificates:install'), schema: { tags, operationId: `${action}CertificateCampaign`, summary: `${action[0]?.toUpperCase()}${action.slice(1)} the campaign (from ${t.from.join(' or ')}); stations in flight finish their step`, params: campaignParamsSchema, security: steer.security, response: { 200: transitionResultSchema, ...steer.response } } },
      async (req) => {
        if (!(await store.certificateCampaigns.get(req.params.id))) throw notFound();
        const changed = await store.certificateCampaigns.transition(req.params.id, t.from, t.to, now());
        if (changed) req.log.info({ campaignId: req.params.id, to: t.to, operator: req.operator?.clientId }, 'certificate campaign state changed');
        if (changed && t.to === 'running') deps.campaigns?.kick();
        const c = await store.certificateCampaigns.get(req.params.id);
        if (!c) throw notFound();
        return { changed, campaign: await present(c) };
      },
    );
  }
}

function presentTarget(t: CampaignTarget): Record<string, unknown> {
  return {
    stationId: t.stationId,
    state: t.state,
    outcome: t.outcome,
    steps: t.steps,
    attempts: t.attempts,
    nextAttemptAt: t.nextAttemptAt.toISOString(),
    lastError: t.lastError,
    updatedAt: t.updatedAt.toISOString(),
  };
}
