// A station's CA certificates for operators (OCPP 2.0.1 Part 2 M03-M05): the stored inventory,
// a fresh read (GetInstalledCertificateIds), install (InstallCertificate, after the payload checks
// of src/inventory/root-certificate.ts) and delete (DeleteCertificate). A station's CALLERROR is
// its answer (200 with callError), as in call-routes.ts; a broken exchange is a problem.
import type { FastifyInstance } from 'fastify';
import type { StationBus } from '../ocpp/station-bus.js';
import type { HashData, InstalledCertificateType, InventoryEntry } from '../store/station-certificates-inventory.js';
import type { Store } from '../store/store.js';
import { certificateHashData } from '../inventory/hash-data.js';
import { checkRootCertificate, type InstallCertificateUse } from '../inventory/root-certificate.js';
import { rolloutUses } from '../inventory/rollout-uses.js';
import { deleteInstalled, installRoot, readInstalled, rememberRoot, type StationAnswer } from '../inventory/station-certificates.js';
import { protectedBy, stationParamsSchema } from './common-schemas.js';
import { ApiError } from './errors.js';
import type { OperatorAuth } from './operator-auth.js';
import { requireScope } from './require-scope.js';
import { deleteBodySchema, installBodySchema, installResultSchema, inventorySchema, refreshBodySchema, refreshResultSchema, stationAnswerSchema } from './inventory-schemas.js';

export interface InventoryRouteDeps {
  store: Pick<Store, 'stations' | 'certificateInventory'>;
  bus: Pick<StationBus, 'call'>;
  auth: OperatorAuth;
  now?: () => Date;
}

interface StationParams {
  id: string;
}

const CALL_FAILURES = ['station_not_found', 'station_not_connected', 'connection_closed', 'invalid_response', 'queue_full', 'call_timeout'] as const;

export function presentAnswer(a: StationAnswer<string>): { status: string | null; statusInfo: object | null; callError: { code: string; description: string } | null } {
  return a.kind === 'status'
    ? { status: a.status, statusInfo: a.statusInfo, callError: null }
    : { status: null, statusInfo: null, callError: { code: a.errorCode, description: a.errorDescription } };
}

function presentEntry(e: InventoryEntry): Record<string, unknown> {
  return {
    id: e.id,
    certificateType: e.certificateType,
    hashData: e.hashData,
    reportedAt: e.reportedAt.toISOString(),
    subject: e.subject,
    notAfter: e.notAfter?.toISOString() ?? null,
    children: e.children.map(presentEntry),
  };
}

export function registerInventoryRoutes(app: FastifyInstance, deps: InventoryRouteDeps): void {
  const { store, bus, auth } = deps;
  const now = deps.now ?? (() => new Date());
  const tags = ['certificates'];
  const read = protectedBy('stations:read', 'station_not_found');
  const write = protectedBy('certificates:install', ...CALL_FAILURES);
  const install = protectedBy('certificates:install', 'certificate_request_invalid', ...CALL_FAILURES);
  const requireStation = async (id: string): Promise<void> => {
    if (!(await store.stations.get(id))) throw new ApiError('station_not_found');
  };
  const inventoryOf = async (stationId: string) => {
    const { entries, reads } = await store.certificateInventory.list(stationId);
    return { stationId, reads: reads.map((r) => ({ certificateType: r.certificateType, readAt: r.readAt.toISOString(), status: r.status })), certificates: entries.map(presentEntry) };
  };

  app.get<{ Params: StationParams }>(
    '/api/v1/stations/:id/installed-certificates',
    { onRequest: requireScope(auth, 'stations:read'), schema: { tags, operationId: 'getStationInventory', summary: 'The CA certificates the station last reported (M03), with subject and expiry where known', params: stationParamsSchema, security: read.security, response: { 200: inventorySchema, ...read.response } } },
    async (req) => {
      await requireStation(req.params.id);
      return inventoryOf(req.params.id);
    },
  );

  app.post<{ Params: StationParams; Body: { certificateTypes?: InstalledCertificateType[] } }>(
    '/api/v1/stations/:id/installed-certificates/refresh',
    { onRequest: requireScope(auth, 'certificates:install'), schema: { tags, operationId: 'refreshStationInventory', summary: 'Read the installed certificates now (GetInstalledCertificateIds, M03) and store them', params: stationParamsSchema, body: refreshBodySchema, security: write.security, response: { 200: refreshResultSchema, ...write.response } } },
    async (req) => {
      await requireStation(req.params.id);
      const result = await readInstalled({ store, bus, now }, req.params.id, req.body.certificateTypes);
      return { ...presentAnswer(result.answer), inventory: await inventoryOf(req.params.id) };
    },
  );

  app.post<{ Params: StationParams; Body: { certificateType: InstallCertificateUse; certificate: string } }>(
    '/api/v1/stations/:id/installed-certificates',
    { onRequest: requireScope(auth, 'certificates:install'), schema: { tags, operationId: 'installStationCertificate', summary: 'Install a root certificate on the station (InstallCertificate, M05); refused unless it is one self-signed CA certificate of the stated type', params: stationParamsSchema, body: installBodySchema, security: install.security, response: { 200: installResultSchema, ...install.response } } },
    async (req) => {
      await requireStation(req.params.id);
      const check = checkRootCertificate(req.body.certificate, req.body.certificateType, now());
      if (!check.ok) throw new ApiError('certificate_request_invalid', `Not sent: ${check.detail}`, { defects: [{ code: check.defect, detail: check.detail }] });
      await rememberRoot(store, check.root);
      const answer = await installRoot({ store, bus, now }, req.params.id, check.root, req.body.certificateType);
      req.log.info({ stationId: req.params.id, certificateType: req.body.certificateType, subject: check.root.subject, answer: answer.kind === 'status' ? answer.status : answer.errorCode, operator: req.operator?.clientId }, 'InstallCertificate sent');
      return { ...presentAnswer(answer), hashData: certificateHashData(check.root.der, check.root.der, 'SHA256'), requiredStores: rolloutUses(req.body.certificateType) };
    },
  );

  app.post<{ Params: StationParams; Body: { certificateHashData: HashData } }>(
    '/api/v1/stations/:id/installed-certificates/delete',
    { onRequest: requireScope(auth, 'certificates:install'), schema: { tags, operationId: 'deleteStationCertificate', summary: 'Delete an installed certificate by its hash data (DeleteCertificate, M04)', params: stationParamsSchema, body: deleteBodySchema, security: write.security, response: { 200: stationAnswerSchema, ...write.response } } },
    async (req) => {
      await requireStation(req.params.id);
      const answer = await deleteInstalled({ store, bus, now }, req.params.id, req.body.certificateHashData);
      req.log.info({ stationId: req.params.id, hashData: req.body.certificateHashData, answer: answer.kind === 'status' ? answer.status : answer.errorCode, operator: req.operator?.clientId }, 'DeleteCertificate sent');
      return presentAnswer(answer);
    },
  );
}
