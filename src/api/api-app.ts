// The operator API as a fastify instance that does not listen: main calls listen(), tests inject().
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { fastify, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { StationBus } from '../ocpp/station-bus.js';
import type { Store } from '../store/store.js';
import type { CaService } from '../ca/ca-service.js';
import { registerCaRoutes } from './ca-routes.js';
import { registerCallRoutes } from './call-routes.js';
import { registerCampaignRoutes } from './campaign-routes.js';
import { registerRefusedBodyDrain } from './drain-refused-body.js';
import { registerFleetReportRoutes } from './fleet-report-routes.js';
import { registerInventoryRoutes } from './inventory-routes.js';
import { problemSchema } from './common-schemas.js';
import { registerFormParser } from './form-parser.js';
import { DOCS_PREFIX, openApiOptions } from './openapi-options.js';
import type { OperatorAuth } from './operator-auth.js';
import { registerProblemHandlers } from './problem-handler.js';
import { decorateOperator } from './require-scope.js';
import { createValidatorCompiler } from './schema-validators.js';
import { registerStationCertificateRoutes } from './station-certificate-routes.js';
import { registerStationLogRoutes } from './station-log-routes.js';
import { registerStationPasswordRoutes } from './station-password-routes.js';
import { registerStationProfileRoutes } from './station-profile-routes.js';
import { registerStationRoutes } from './station-routes.js';
import { registerTokenRoute } from './token-route.js';

export interface ApiDeps {
  store: Pick<Store, 'stations' | 'stationPasswords' | 'connectors' | 'events' | 'frames' | 'credentials' | 'certificates' | 'caAudit' | 'signingRequests' | 'certificateInventory' | 'certificateCampaigns'>;
  /** The CA: its operator routes are served when given. */
  ca?: CaService;
  /** The certificate campaign engine, told when a campaign is created or resumed. */
  certificateCampaigns?: { kick(): void };
  bus: StationBus;
  logger: Logger;
  config: Pick<Config, 'tokenTtlS'>;
  auth: OperatorAuth;
}

/** Largest JSON body (an OCPP payload); the token endpoint's form bodies have their own, smaller limit. */
export const API_BODY_LIMIT = 1024 * 1024;

export async function buildApiApp(deps: ApiDeps): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = deps.logger;
  const app = fastify({ loggerInstance, bodyLimit: API_BODY_LIMIT });
  registerRefusedBodyDrain(app);
  app.setValidatorCompiler(createValidatorCompiler());
  registerProblemHandlers(app);
  app.addSchema(problemSchema);
  // Bodies are JSON (a form only at the token endpoint, below); anything else is 415.
  app.removeContentTypeParser('text/plain');
  decorateOperator(app);

  // The document collects routes as they are added, so it is registered first.
  await app.register(swagger, openApiOptions());
  await app.register(swaggerUi, { routePrefix: DOCS_PREFIX });

  // Content-type parsers are scoped to the plugin that adds them: only the token endpoint reads forms.
  await app.register((tokenScope, _opts, done) => {
    registerFormParser(tokenScope);
    registerTokenRoute(tokenScope, { auth: deps.auth, tokenTtlS: deps.config.tokenTtlS });
    done();
  });
  registerStationRoutes(app, deps);
  registerStationPasswordRoutes(app, deps);
  registerStationProfileRoutes(app, deps);
  registerStationLogRoutes(app, deps);
  registerStationCertificateRoutes(app, deps);
  registerCallRoutes(app, deps);
  registerInventoryRoutes(app, deps);
  registerCampaignRoutes(app, { store: deps.store, auth: deps.auth, ...(deps.certificateCampaigns ? { campaigns: deps.certificateCampaigns } : {}) });
  registerFleetReportRoutes(app, deps);
  if (deps.ca) registerCaRoutes(app, { ca: deps.ca, store: deps.store, auth: deps.auth });
  return app;
}
