// Station registry: register, list, read (with connector statuses and live connection), change.
import type { FastifyInstance } from 'fastify';
import type { StationBus } from '../ocpp/station-bus.js';
import { StoreError } from '../store/errors.js';
import type { Station } from '../store/stations.js';
import type { Store } from '../store/store.js';
import { protectedBy, stationParamsSchema } from './common-schemas.js';
import { ApiError } from './errors.js';
import type { OperatorAuth } from './operator-auth.js';
import { presentConnector, presentStation } from './present.js';
import { requireScope } from './require-scope.js';
import {
  createStationBodySchema,
  listStationsQuerySchema,
  patchStationBodySchema,
  stationDetailSchema,
  stationListSchema,
  stationSchema,
  type CreateStationBody,
  type ListStationsQuery,
  type PatchStationBody,
} from './station-schemas.js';

export interface StationRouteDeps {
  store: Pick<Store, 'stations' | 'connectors'>;
  bus: Pick<StationBus, 'isConnected'>;
  auth: OperatorAuth;
}

interface StationParams {
  id: string;
}

export function stationPath(id: string): string {
  return `/api/v1/stations/${encodeURIComponent(id)}`;
}

export function registerStationRoutes(app: FastifyInstance, deps: StationRouteDeps): void {
  const { store, bus, auth } = deps;
  const read = protectedBy('stations:read', 'station_not_found');
  const write = protectedBy('stations:write', 'station_not_found', 'station_exists');

  app.post<{ Body: CreateStationBody }>(
    '/api/v1/stations',
    {
      onRequest: requireScope(auth, 'stations:write'),
      schema: { tags: ['stations'], operationId: 'registerStation', summary: 'Register a station', body: createStationBodySchema, security: write.security, response: { 201: stationSchema, ...write.response } },
    },
    async (req, reply) => {
      const { id, registrationStatus, securityProfile, description } = req.body;
      // The look-up answers the common case without a failing INSERT; the catch covers a concurrent registration.
      if (await store.stations.get(id)) throw new ApiError('station_exists');
      let station: Station;
      try {
        station = await store.stations.create({ id, registrationStatus, securityProfile, description: description ?? null });
      } catch (err) {
        if (err instanceof StoreError && err.code === 'STORE_CONFLICT') throw new ApiError('station_exists');
        throw err;
      }
      req.log.info({ operator: req.operator?.clientId, stationId: id, registrationStatus, securityProfile }, 'station registered');
      return reply.code(201).header('location', stationPath(id)).send(presentStation(station));
    },
  );

  app.get<{ Querystring: ListStationsQuery }>(
    '/api/v1/stations',
    {
      onRequest: requireScope(auth, 'stations:read'),
      schema: { tags: ['stations'], operationId: 'listStations', summary: 'List stations, ordered by id', querystring: listStationsQuerySchema, security: read.security, response: { 200: stationListSchema, ...read.response } },
    },
    async (req) => {
      const { after, limit, connected } = req.query;
      const stations = await store.stations.list({ limit, ...(after !== undefined && { after }), ...(connected !== undefined && { connected }) });
      const last = stations.at(-1);
      return { items: stations.map(presentStation), nextAfter: stations.length === limit && last ? last.id : null };
    },
  );

  app.get<{ Params: StationParams }>(
    '/api/v1/stations/:id',
    {
      onRequest: requireScope(auth, 'stations:read'),
      schema: { tags: ['stations'], operationId: 'getStation', summary: 'A station, its connector statuses and whether it is connected now', params: stationParamsSchema, security: read.security, response: { 200: stationDetailSchema, ...read.response } },
    },
    async (req) => {
      const station = await store.stations.get(req.params.id);
      if (!station) throw new ApiError('station_not_found');
      const connectors = await store.connectors.listFor(station.id);
      return { ...presentStation(station), connected: bus.isConnected(station.id), connectors: connectors.map(presentConnector) };
    },
  );

  app.patch<{ Params: StationParams; Body: PatchStationBody }>(
    '/api/v1/stations/:id',
    {
      onRequest: requireScope(auth, 'stations:write'),
      schema: { tags: ['stations'], operationId: 'updateStation', summary: 'Change registration status, security profile or description', params: stationParamsSchema, body: patchStationBodySchema, security: write.security, response: { 200: stationSchema, ...write.response } },
    },
    async (req) => {
      const { registrationStatus, securityProfile, description } = req.body;
      const patch = {
        ...(registrationStatus !== undefined && { registrationStatus }),
        ...(securityProfile !== undefined && { securityProfile }),
        ...(description !== undefined && { description }),
      };
      const station = await store.stations.update(req.params.id, patch);
      if (!station) throw new ApiError('station_not_found');
      req.log.info({ operator: req.operator?.clientId, stationId: station.id, changed: Object.keys(patch) }, 'station updated');
      return presentStation(station);
    },
  );
}
