// POST /api/v1/emsp/auth/token: the eMSP API's OAuth 2.0 client credentials grant (RFC 6749 4.4),
// the operator token endpoint (token-route.ts) with eMSP clients: HTTP Basic (2.3.1) or
// client_id/client_secret in the body, never both; errors in the OAuth format of 5.2.
import type { FastifyInstance } from 'fastify';
import type { EmspAuth } from './emsp-auth.js';
import { registerFormParser } from './form-parser.js';
import { registerClientCredentialsRoute } from './token-route.js';

export const EMSP_TOKEN_PATH = '/api/v1/emsp/auth/token';

/** Registers the route in its own scope (it reads forms). */
export async function registerEmspTokenRoute(app: FastifyInstance, deps: { auth: EmspAuth; tokenTtlS: number }): Promise<void> {
  await app.register((scope, _opts, done) => {
    registerFormParser(scope);
    registerClientCredentialsRoute(scope, {
      path: EMSP_TOKEN_PATH,
      auth: deps.auth,
      realm: 'plugtrust-emsp',
      logName: 'eMSP',
      doc: {
        tags: ['emsp'],
        operationId: 'issueEmspToken',
        summary: 'Exchange eMSP client credentials for an eMSP API access token',
        description: `OAuth 2.0 client credentials grant (RFC 6749 4.4). Tokens live ${deps.tokenTtlS} s and work on /api/v1/emsp only.`,
      },
    });
    done();
  });
}
