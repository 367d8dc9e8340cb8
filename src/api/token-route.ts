// POST /api/v1/auth/token: OAuth 2.0 client credentials grant (RFC 6749 §4.4). Clients authenticate
// with HTTP Basic (§2.3.1) or client_id/client_secret in the body, never both (§2.3). Errors use the
// OAuth format of §5.2 ({error, error_description} as application/json), not problem details,
// because OAuth client libraries parse that format. registerClientCredentialsRoute serves every
// token endpoint of the app (the operator API's here, the eMSP API's in emsp-token-route.ts).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IssueToken } from './access-tokens.js';
import { API_ERRORS, ApiError, problemFromError } from './errors.js';
import { FORM_CONTENT_TYPE } from './form-parser.js';
import type { OperatorAuth } from './operator-auth.js';
import { sendProblem } from './problem-handler.js';
import { parseScope } from './scopes.js';

export const TOKEN_PATH = '/api/v1/auth/token';
const TOKEN_BODY_LIMIT = 8 * 1024;

const OAUTH_ERRORS = ['invalid_request', 'invalid_client', 'unsupported_grant_type', 'invalid_scope'] as const;
type OAuthErrorCode = (typeof OAUTH_ERRORS)[number];

interface TokenRequestBody {
  grant_type: string;
  scope?: string;
  client_id?: string;
  client_secret?: string;
}

const tokenBodySchema = {
  type: 'object',
  required: ['grant_type'],
  // §3.2: parameters the server does not recognise are ignored.
  additionalProperties: true,
  properties: {
    grant_type: { type: 'string', description: 'Must be client_credentials' },
    scope: { type: 'string', maxLength: 1024, description: 'Space-separated scopes; default: all scopes of the client' },
    client_id: { type: 'string', maxLength: 256 },
    client_secret: { type: 'string', maxLength: 1024 },
  },
} as const;

const oauthErrorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string', enum: OAUTH_ERRORS }, error_description: { type: 'string' } },
} as const;

type BasicCredentials = { clientId: string; clientSecret: string } | 'malformed' | undefined;

/** §2.3.1: Basic credentials are form-urlencoded before base64, so they are decoded twice. */
export function readBasicCredentials(authorization: string | undefined): BasicCredentials {
  if (authorization === undefined || !/^basic(\s|$)/i.test(authorization)) return undefined;
  const m = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(authorization);
  if (!m?.[1]) return 'malformed';
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) return 'malformed';
  try {
    const formDecode = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return 'malformed';
  }
}

function clientCredentials(req: FastifyRequest<{ Body: TokenRequestBody }>): { clientId: string; clientSecret: string } {
  const basic = readBasicCredentials(req.headers.authorization);
  const body = req.body;
  if (basic !== undefined) {
    if (body.client_secret !== undefined) throw new ApiError('invalid_request', 'use one client authentication method: HTTP Basic or client_secret in the body');
    if (basic === 'malformed') throw new ApiError('invalid_client', 'malformed HTTP Basic credentials');
    if (body.client_id !== undefined && body.client_id !== basic.clientId) throw new ApiError('invalid_request', 'client_id does not match the authenticated client');
    return basic;
  }
  if (body.client_id === undefined || body.client_secret === undefined) throw new ApiError('invalid_client', 'no client authentication');
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

function isOAuthError(code: string): code is OAuthErrorCode {
  return (OAUTH_ERRORS as readonly string[]).includes(code);
}

/** The token endpoint's error handler; `realm` names the Basic challenge of invalid_client. */
function oauthErrorHandler(realm: string, say: (message: string) => string) {
  return (err: FastifyError | ApiError, req: FastifyRequest, reply: FastifyReply): void => {
    const problem = problemFromError(err);
    if (problem.status >= 500) {
      req.log.error({ err, code: problem.code }, say('token request failed'));
      sendProblem(reply, problem);
      return;
    }
    // Everything else the client got wrong (schema, body encoding, size) is a malformed request.
    const code: OAuthErrorCode = isOAuthError(problem.code) ? problem.code : 'invalid_request';
    const description = problem.code === 'validation_failed' || isOAuthError(problem.code) ? problem.detail : API_ERRORS[problem.code].title;
    req.log.info({ error: code }, say('token request refused'));
    // RFC 9110 §15.5.2: a 401 carries a challenge; Basic is the scheme clients may use here.
    if (code === 'invalid_client') reply.header('www-authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    reply
      .code(API_ERRORS[code].status)
      .header('cache-control', 'no-store')
      .type('application/json')
      .send({ error: code, error_description: description });
  };
}

export interface ClientCredentialsRoute {
  path: string;
  /** Authenticates the client and grants the scope (throws ApiError invalid_client / invalid_scope). */
  auth: { issueToken: IssueToken };
  /** Realm of the HTTP Basic challenge sent with invalid_client. */
  realm: string;
  /** Prefix of the log lines ("eMSP" gives "eMSP access token issued"); none by default. */
  logName?: string;
  /** The OpenAPI operation. */
  doc: { tags: string[]; operationId: string; summary: string; description: string };
}

/** Registers a client credentials token endpoint; `app` must parse form bodies (form-parser.ts). */
export function registerClientCredentialsRoute(app: FastifyInstance, route: ClientCredentialsRoute): void {
  const say = (message: string): string => (route.logName ? `${route.logName} ${message}` : message);
  app.post<{ Body: TokenRequestBody }>(
    route.path,
    {
      bodyLimit: TOKEN_BODY_LIMIT,
      errorHandler: oauthErrorHandler(route.realm, say),
      schema: {
        ...route.doc,
        consumes: [FORM_CONTENT_TYPE, 'application/json'],
        body: tokenBodySchema,
        response: {
          200: {
            type: 'object',
            required: ['access_token', 'token_type', 'expires_in', 'scope'],
            properties: { access_token: { type: 'string' }, token_type: { type: 'string', enum: ['Bearer'] }, expires_in: { type: 'integer' }, scope: { type: 'string' } },
          },
          400: { description: 'invalid_request, unsupported_grant_type, invalid_scope', ...oauthErrorSchema },
          401: { description: 'invalid_client', ...oauthErrorSchema },
        },
      },
    },
    async (req, reply) => {
      // §5.1: token responses are never cached.
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      if (req.body.grant_type !== 'client_credentials') throw new ApiError('unsupported_grant_type');
      const requested = req.body.scope === undefined ? undefined : parseScope(req.body.scope);
      if (requested === null) throw new ApiError('invalid_scope', 'scope is not a space-separated list of scope tokens');
      const { clientId, clientSecret } = clientCredentials(req);
      const token = await route.auth.issueToken(clientId, clientSecret, requested);
      req.log.info({ clientId, scope: token.scope }, say('access token issued'));
      return { access_token: token.accessToken, token_type: token.tokenType, expires_in: token.expiresIn, scope: token.scope };
    },
  );
}

export function registerTokenRoute(app: FastifyInstance, deps: { auth: OperatorAuth; tokenTtlS: number }): void {
  registerClientCredentialsRoute(app, {
    path: TOKEN_PATH,
    auth: deps.auth,
    realm: 'plugtrust',
    doc: {
      tags: ['auth'],
      operationId: 'issueToken',
      summary: 'Exchange client credentials for an access token',
      description: `OAuth 2.0 client credentials grant (RFC 6749 §4.4). Tokens live ${deps.tokenTtlS} s.`,
    },
  });
}
