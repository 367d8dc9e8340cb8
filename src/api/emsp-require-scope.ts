// Bearer token check of the eMSP API (RFC 6750), as an onRequest hook: a refused request is
// answered before its body is parsed and never reaches a handler or storage. Sets req.emsp.
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import type { EmspAuth, EmspIdentity } from './emsp-auth.js';
import type { EmspScope } from './emsp-scopes.js';
import { ApiError } from './errors.js';
import { requireBearerScope } from './require-scope.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated eMSP, set by requireEmspScope. */
    emsp: EmspIdentity | null;
  }
  interface FastifyContextConfig {
    /** The scope an eMSP API route needs (for the OpenAPI document). */
    emspScope?: EmspScope;
  }
}

const REALM = 'plugtrust-emsp';

export function decorateEmsp(app: FastifyInstance): void {
  app.decorateRequest('emsp', null);
}

export function requireEmspScope(auth: EmspAuth, scope: EmspScope): onRequestAsyncHookHandler {
  return requireBearerScope({ realm: REALM, auth, accept: (req, emsp) => { req.emsp = emsp; } }, scope);
}

/** The tenant of an authenticated request (the hook ran). */
export function tenantOf(req: FastifyRequest): EmspIdentity {
  if (!req.emsp) throw new ApiError('unauthorized');
  return req.emsp;
}
