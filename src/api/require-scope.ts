// Bearer token check for protected routes (RFC 6750), run as an onRequest hook: a refused request
// is answered before its body is even parsed, and never reaches a handler or storage.
// requireBearerScope is the check itself; the operator API (requireScope) and the eMSP API
// (emsp-require-scope.ts) differ only in realm, token verifier and where the identity is kept.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError } from './errors.js';
import type { OperatorAuth, OperatorIdentity } from './operator-auth.js';
import type { OperatorScope } from './scopes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated operator, set by requireScope. */
    operator: OperatorIdentity | null;
  }
}

const REALM = 'plugtrust';
// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export function decorateOperator(app: FastifyInstance): void {
  app.decorateRequest('operator', null);
}

/** undefined when no Bearer credentials were sent; the token text otherwise ('' when malformed). */
export function readBearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !/^bearer(\s|$)/i.test(authorization)) return undefined;
  return BEARER.exec(authorization)?.[1] ?? '';
}

// RFC 6750 §3: no error attribute when the request carried no credentials at all.
function challenge(reply: FastifyReply, realm: string, error?: 'invalid_token' | 'insufficient_scope', scope?: string): void {
  let value = `Bearer realm="${realm}"`;
  if (error) value += `, error="${error}"`;
  if (scope) value += `, scope="${scope}"`;
  reply.header('www-authenticate', value);
}

export interface BearerCheck<Identity extends { scopes: readonly string[] }> {
  /** Realm of the WWW-Authenticate challenges. */
  realm: string;
  /** Verifies the token; throws ApiError invalid_token. */
  auth: { verify(token: string): Promise<Identity> };
  /** Keeps the identity of an accepted request on it. */
  accept: (req: FastifyRequest, identity: Identity) => void;
}

/** A hook that lets a request through only with a valid bearer token that carries `scope`. */
export function requireBearerScope<Identity extends { scopes: readonly string[] }>(check: BearerCheck<Identity>, scope: Identity['scopes'][number]): onRequestAsyncHookHandler {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const token = readBearerToken(req.headers.authorization);
    if (token === undefined) {
      challenge(reply, check.realm);
      throw new ApiError('unauthorized');
    }
    let identity: Identity;
    try {
      if (token === '') throw new ApiError('invalid_token');
      identity = await check.auth.verify(token);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_token') challenge(reply, check.realm, 'invalid_token');
      throw err;
    }
    if (!identity.scopes.includes(scope)) {
      challenge(reply, check.realm, 'insufficient_scope', scope);
      throw new ApiError('insufficient_scope', `This operation needs the scope ${scope}`);
    }
    check.accept(req, identity);
  };
}

export function requireScope(auth: OperatorAuth, scope: OperatorScope): onRequestAsyncHookHandler {
  return requireBearerScope({ realm: REALM, auth, accept: (req, operator) => { req.operator = operator; } }, scope);
}
