// Liveness, readiness and metrics: unauthenticated, so they belong on a port that is not public
// (opsHost defaults to 127.0.0.1), or on the API app when no ops port is configured.
import { fastify, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Db } from '../store/db.js';

export interface OpsDeps {
  db: Pick<Db, 'ping'>;
  metrics: Pick<Metrics, 'registry'>;
}

const statusSchema = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;
const readySchema = {
  type: 'object',
  required: ['status', 'checks'],
  properties: { status: { type: 'string', enum: ['ready', 'unavailable'] }, checks: { type: 'object', properties: { database: { type: 'boolean' } } } },
} as const;

export function registerOpsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  app.get('/healthz', { schema: { tags: ['ops'], summary: 'The process is alive', response: { 200: statusSchema } } }, async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/readyz', { schema: { tags: ['ops'], summary: 'The process can serve: the database answers', response: { 200: readySchema, 503: readySchema } } }, async (_req, reply) => {
    const database = await deps.db.ping();
    return reply
      .code(database ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: database ? 'ready' : 'unavailable', checks: { database } });
  });

  app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics (text exposition format)' } }, async (_req, reply) => {
    const { registry } = deps.metrics;
    const body = await registry.metrics();
    return reply.header('cache-control', 'no-store').type(registry.contentType).send(body);
  });
}

export function buildOpsApp(deps: OpsDeps & { logger?: Logger }): FastifyInstance {
  // Probes and scrapes arrive every few seconds: no per-request log lines.
  const loggerInstance: FastifyBaseLogger | undefined = deps.logger;
  const app = loggerInstance ? fastify({ loggerInstance, disableRequestLogging: true }) : fastify({ logger: false });
  registerOpsRoutes(app, deps);
  return app;
}
