// The OpenAPI 3.1 document: routes contribute their own schemas; this adds the title, tags and the
// OAuth 2.0 client credentials security scheme that every protected route refers to.
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { SECURITY_SCHEME } from './common-schemas.js';
import { SCOPE_DESCRIPTIONS } from './scopes.js';
import { TOKEN_PATH } from './token-route.js';

export const DOCS_PREFIX = '/docs';

export function openApiOptions(): FastifyDynamicSwaggerOptions {
  return {
    // Shared schemas keep their $id as their name under components/schemas.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'plugtrust operator API',
        version: '1',
        description: 'Station registry and OCPP 2.0.1 calls. Errors are RFC 9457 problem details (application/problem+json) with a stable `code`.',
      },
      tags: [
        { name: 'auth', description: 'Access tokens' },
        { name: 'stations', description: 'Station registry and what stations reported' },
        { name: 'calls', description: 'CSMS-initiated OCPP CALLs' },
        { name: 'ops', description: 'Liveness, readiness and metrics (no authentication)' },
      ],
      components: {
        securitySchemes: {
          [SECURITY_SCHEME]: {
            type: 'oauth2',
            description: `POST client credentials to ${TOKEN_PATH}, then send Authorization: Bearer <access_token>.`,
            flows: { clientCredentials: { tokenUrl: TOKEN_PATH, scopes: { ...SCOPE_DESCRIPTIONS } } },
          },
        },
      },
    },
  };
}
