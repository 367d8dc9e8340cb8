// Station certificates for operators (OCPP 2.0.1 A02/A03): every request with its decision and
// certificate, expiry and renewal state; the SECC ID a V2GCertificate must carry; renewal now.
import type { FastifyInstance } from 'fastify';
import { bytesToHex } from '../../pki/der/writer.js';
import { RENEWAL_DEFAULTS } from '../jobs/certificate-renewal.js';
import { triggerRenewal } from '../jobs/certificate-renewal-trigger.js';
import type { StationBus } from '../ocpp/station-bus.js';
import type { CertificateSigningUse, StationCertificateRow } from '../store/signing-requests.js';
import type { Store } from '../store/store.js';
import { protectedBy, stationParamsSchema } from './common-schemas.js';
import { ApiError } from './errors.js';
import type { OperatorAuth } from './operator-auth.js';
import { requireScope } from './require-scope.js';
import { renewBodySchema, renewResultSchema, seccIdBodySchema, seccIdSchema, stationCertificatesSchema, type RenewalState } from './station-certificate-schemas.js';

export interface StationCertificateRouteDeps {
  store: Pick<Store, 'stations' | 'signingRequests'>;
  bus: StationBus;
  auth: OperatorAuth;
  /** The renewal job's lead time, for the renewal state (default 30 days). */
  renewBeforeMs?: number;
  now?: () => Date;
}

interface StationParams {
  id: string;
}

export function registerStationCertificateRoutes(app: FastifyInstance, deps: StationCertificateRouteDeps): void {
  const { store, auth, bus } = deps;
  const now = deps.now ?? (() => new Date());
  const renewBeforeMs = deps.renewBeforeMs ?? RENEWAL_DEFAULTS.renewBeforeMs;
  const tags = ['stations'];
  const read = protectedBy('stations:read', 'station_not_found');
  const write = protectedBy('stations:write', 'station_not_found', 'station_not_connected', 'call_timeout', 'connection_closed', 'queue_full');
  const requireStation = async (id: string): Promise<void> => {
    if (!(await store.stations.get(id))) throw new ApiError('station_not_found');
  };

  app.get<{ Params: StationParams }>(
    '/api/v1/stations/:id/certificates',
    { onRequest: requireScope(auth, 'stations:read'), schema: { tags, operationId: 'listStationCertificates', summary: "The station's certificate requests and certificates, with expiry and renewal state", params: stationParamsSchema, security: read.security, response: { 200: stationCertificatesSchema, ...read.response } } },
    async (req) => {
      await requireStation(req.params.id);
      const rows = await store.signingRequests.listForStation(req.params.id, 200);
      const due = await store.signingRequests.dueForRenewal(new Date(now().getTime() + renewBeforeMs), req.params.id);
      const items = rows.map((r) => ({
        requestId: r.id,
        certificateType: r.certificateType,
        receivedAt: r.receivedAt.toISOString(),
        decision: r.decision,
        reason: r.reason,
        defects: r.defects,
        state: r.state,
        serial: r.serial ? bytesToHex(r.serial) : null,
        issuerId: r.issuerId,
        notBefore: r.notBefore?.toISOString() ?? null,
        notAfter: r.notAfter?.toISOString() ?? null,
        revokedAt: r.revokedAt?.toISOString() ?? null,
        revocationReason: r.revocationReason,
        stationStatus: r.stationStatus,
        stationReason: r.stationReason,
        renewal: renewalState(r, rows, due, now()),
      }));
      return { seccId: await store.signingRequests.getSeccId(req.params.id), items };
    },
  );

  app.put<{ Params: StationParams; Body: { seccId: string | null } }>(
    '/api/v1/stations/:id/secc-id',
    { onRequest: requireScope(auth, 'stations:write'), schema: { tags, operationId: 'setStationSeccId', summary: 'Set the SECC ID a V2GCertificate of this station carries in CN', params: stationParamsSchema, body: seccIdBodySchema, security: write.security, response: { 200: seccIdSchema, ...write.response } } },
    async (req) => {
      await requireStation(req.params.id);
      await store.signingRequests.setSeccId(req.params.id, req.body.seccId, now());
      return { seccId: req.body.seccId };
    },
  );

  app.post<{ Params: StationParams; Body: { certificateType: CertificateSigningUse } }>(
    '/api/v1/stations/:id/certificates/renew',
    { onRequest: requireScope(auth, 'stations:write'), schema: { tags, operationId: 'renewStationCertificate', summary: 'Ask the station to renew a certificate now (TriggerMessage, A02)', params: stationParamsSchema, body: renewBodySchema, security: write.security, response: { 200: renewResultSchema, ...write.response } } },
    async (req) => {
      await requireStation(req.params.id);
      const type = req.body.certificateType;
      const current = (await store.signingRequests.listForStation(req.params.id, 200)).find((r) => r.certificateType === type && r.state === 'installed' && r.revokedAt === null);
      // OcppRpcError (not connected, timeout, ...) maps to its problem at the edge.
      const status = await triggerRenewal({ store, bus, now }, req.params.id, type, current?.serial ?? null);
      return { status };
    },
  );
}

function renewalState(r: StationCertificateRow, all: readonly StationCertificateRow[], due: readonly { serial: Uint8Array; triggers: number; inFlight: boolean }[], at: Date): RenewalState {
  if (r.state !== 'installed' || !r.serial || !r.notAfter) return 'not-installed';
  if (r.revokedAt) return 'revoked';
  if (r.notAfter.getTime() <= at.getTime()) return 'expired';
  const newer = all.some((o) => o.certificateType === r.certificateType && o.state === 'installed' && o.id !== r.id && (o.answeredAt?.getTime() ?? 0) > (r.answeredAt?.getTime() ?? 0));
  if (newer) return 'replaced';
  const hex = bytesToHex(r.serial);
  const d = due.find((x) => bytesToHex(x.serial) === hex);
  if (!d) return 'valid';
  if (d.inFlight) return 'renewing';
  return d.triggers > 0 ? 'renewal-triggered' : 'renewal-due';
}
