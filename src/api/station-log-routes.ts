// What a station reported and what went over the wire: NotifyEvent records, security events, frames.
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import { protectedBy, stationParamsSchema } from './common-schemas.js';
import { ApiError } from './errors.js';
import type { OperatorAuth } from './operator-auth.js';
import { presentFrame, presentSecurityEvent, presentStationEvent } from './present.js';
import { requireScope } from './require-scope.js';
import { frameListSchema, frameQuerySchema, limitQuerySchema, securityEventListSchema, securityEventQuerySchema, stationEventListSchema } from './station-log-schemas.js';

export interface StationLogRouteDeps {
  store: Pick<Store, 'stations' | 'events' | 'frames'>;
  auth: OperatorAuth;
}

interface StationParams {
  id: string;
}

export function registerStationLogRoutes(app: FastifyInstance, deps: StationLogRouteDeps): void {
  const { store, auth } = deps;
  const read = protectedBy('stations:read', 'station_not_found');
  const onRequest = requireScope(auth, 'stations:read');
  const schema = (operationId: string, summary: string, querystring: object, list: object): object => ({
    tags: ['stations'],
    operationId,
    summary,
    params: stationParamsSchema,
    querystring,
    security: read.security,
    response: { 200: list, ...read.response },
  });
  const requireStation = async (id: string): Promise<void> => {
    if (!(await store.stations.get(id))) throw new ApiError('station_not_found');
  };

  app.get<{ Params: StationParams; Querystring: { limit: number } }>(
    '/api/v1/stations/:id/events',
    { onRequest, schema: schema('listStationEvents', 'NotifyEvent records, newest first', limitQuerySchema, stationEventListSchema) },
    async (req) => {
      await requireStation(req.params.id);
      const events = await store.events.listStationEvents(req.params.id, req.query.limit);
      return { items: events.map(presentStationEvent) };
    },
  );

  app.get<{ Params: StationParams; Querystring: { limit: number; type?: string; from?: string; to?: string } }>(
    '/api/v1/stations/:id/security-events',
    { onRequest, schema: schema('listSecurityEvents', 'Security events, newest first; by type and time range (A04)', securityEventQuerySchema, securityEventListSchema) },
    async (req) => {
      await requireStation(req.params.id);
      const { limit, type, from, to } = req.query;
      const events = await store.events.listSecurityEvents(req.params.id, limit, { ...(type !== undefined && { type }), ...(from !== undefined && { from: new Date(from) }), ...(to !== undefined && { to: new Date(to) }) });
      return { items: events.map(presentSecurityEvent) };
    },
  );

  app.get<{ Params: StationParams; Querystring: { limit: number; before?: string } }>(
    '/api/v1/stations/:id/frames',
    { onRequest, schema: schema('listFrames', 'The frame log, newest first', frameQuerySchema, frameListSchema) },
    async (req) => {
      await requireStation(req.params.id);
      const { limit, before } = req.query;
      const frames = await store.frames.listFor(req.params.id, { limit, ...(before !== undefined && { before: new Date(before) }) });
      return { items: frames.map(presentFrame) };
    },
  );
}
