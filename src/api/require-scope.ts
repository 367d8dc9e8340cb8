// Bearer token check for protected routes (RFC 6750), run as an onRequest hook: a refused request
// is answered before its body is even parsed, and never reaches a handler or storage.
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
function challenge(reply: FastifyReply, error?: 'invalid_token' | 'insufficient_scope', scope?: OperatorScope): void {
  let value = `Bearer realm="${REALM}"`;
  if (error) value += `, error="${error}"`;
  if (scope) value += `, scope="${scope}"`;
  reply.header('www-authenticate', value);
}

export function requireScope(auth: OperatorAuth, scope: OperatorScope): onRequestAsyncHookHandler {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const token = readBearerToken(req.headers.authorization);
    if (token === undefined) {
      challenge(reply);
      throw new ApiError('unauthorized');
    }
    let identity: OperatorIdentity;
    try {
      if (token === '') throw new ApiError('invalid_token');
      identity = await auth.verify(token);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_token') challenge(reply, 'invalid_token');
      throw err;
    }
    if (!identity.scopes.includes(scope)) {
      challenge(reply, 'insufficient_scope', scope);
      throw new ApiError('insufficient_scope', `This operation needs the scope ${scope}`);
    }
    req.operator = identity;
  };
}
