// OCSP over HTTP (RFC 6960 Appendix A, RFC 5019 5-6): GET /ocsp/<url-encoded base64 of the
// request> and POST /ocsp with an application/ocsp-request body. Every OCSP answer, error
// statuses included, is HTTP 200 with an application/ocsp-response body (RFC 6960 A.1.2);
// HTTP errors are left for what is not OCSP at all (413 body too large, 415 wrong content type).
import { fastify, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { readNode } from '../../pki/der/reader.js';
import type { Logger } from '../log.js';
import type { OcspResponder } from './responder.js';
import type { OcspAnswer, OcspSuccessAnswer } from './types.js';

/** Where the routes live; certificates carry `<public base URL>/ocsp` in AIA (RFC 5280 4.2.2.1). */
export const OCSP_PATH = '/ocsp';
/** Largest POST body. A request for 20 CertIDs with a nonce and a signature is under 4 KiB. */
export const OCSP_BODY_LIMIT = 10 * 1024;
export const OCSP_REQUEST_TYPE = 'application/ocsp-request';
export const OCSP_RESPONSE_TYPE = 'application/ocsp-response';

export interface OcspRouteDeps {
  responder: Pick<OcspResponder, 'respond' | 'now'>;
  bodyLimit?: number;
  /**
   * Log level of these routes. OCSP is high-volume, anonymous traffic: 'warn' (the default) keeps
   * fastify's two per-request info lines out of the log.
   */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/**
 * Registers the routes in an encapsulated context of `app`, so the application/ocsp-request
 * parser is seen by these routes only. Works at the root of an app and under a prefix.
 */
export async function registerOcspRoutes(app: FastifyInstance, deps: OcspRouteDeps): Promise<void> {
  const bodyLimit = deps.bodyLimit ?? OCSP_BODY_LIMIT;
  const logLevel = deps.logLevel ?? 'warn';
  const { responder } = deps;
  await app.register((scope, _opts, done) => {
    scope.addContentTypeParser(OCSP_REQUEST_TYPE, { parseAs: 'buffer', bodyLimit }, (_req, body, next) => next(null, body));

    const post = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const body = req.body;
      const der = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      return sendAnswer(reply, await responder.respond(der), false, undefined, responder);
    };
    scope.post(OCSP_PATH, { bodyLimit, logLevel }, post);
    // Some clients put the base URL with a trailing slash; one route unless the app folds them.
    if (!scope.initialConfig.ignoreTrailingSlash) scope.post(`${OCSP_PATH}/`, { bodyLimit, logLevel }, post);

    scope.get(`${OCSP_PATH}/*`, { logLevel }, async (req, reply) => {
      const der = requestFromPath(req);
      return sendAnswer(reply, await responder.respond(der), true, req.headers['if-none-match'], responder);
    });
    done();
  });
}

/** A fastify app serving only OCSP (a dedicated listener, tests and the benchmark). */
export async function buildOcspApp(deps: OcspRouteDeps & { logger?: Logger }): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger | undefined = deps.logger;
  const app = loggerInstance ? fastify({ loggerInstance, disableRequestLogging: true }) : fastify({ logger: false });
  await registerOcspRoutes(app, deps);
  return app;
}

/**
 * The request bytes of a GET. Taken from the raw URL, not from the router's parameter, so that
 * nothing between the client and here gets to decode or normalise it twice. Handles: '+', '/'
 * and '=' percent-encoded or not (RFC 6960 A.1 says URL-encoded; many clients do not), '+'
 * turned into a space by form-style encoders, base64url, missing padding, a doubled slash after
 * the path (a base URL ending in '/'), and '//' inside the base64 collapsed to '/' by a proxy.
 */
export function requestFromPath(req: Pick<FastifyRequest, 'raw' | 'routeOptions' | 'params'>): Uint8Array {
  const raw = req.raw.url ?? '';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const prefix = (req.routeOptions.url ?? `${OCSP_PATH}/*`).replace(/\*$/, '');
  let encoded: string;
  if (path.startsWith(prefix)) encoded = path.slice(prefix.length);
  else {
    const param = (req.params as Record<string, unknown>)['*'];
    encoded = typeof param === 'string' ? param : '';
  }
  return decodeBase64Path(encoded);
}

export function decodeBase64Path(encoded: string): Uint8Array {
  let text = encoded;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return new Uint8Array(0);
    }
  }
  text = text.replace(/ /g, '+').replace(/^\/+/, '');
  const der = Buffer.from(text, 'base64');
  if (isWholeTlv(der) || !text.includes('/')) return der;
  return repairCollapsedSlashes(text) ?? der;
}

function isWholeTlv(b: Uint8Array): boolean {
  try {
    return readNode(b, 0).next === b.length;
  } catch {
    return false;
  }
}

/**
 * Some proxies merge '//' into '/' (nginx merge_slashes, Go's ServeMux): re-insert one or two
 * slashes at the single slashes until the bytes are one whole DER value again. Bounded: at most
 * 24 slashes are tried, so a hostile path costs at most a few hundred small decodes.
 */
function repairCollapsedSlashes(text: string): Uint8Array | null {
  const at: number[] = [];
  for (let i = 0; i < text.length && at.length <= 24; i++) if (text[i] === '/') at.push(i);
  if (at.length > 24) return null;
  const tryWith = (positions: number[]): Uint8Array | null => {
    let s = text;
    for (const p of [...positions].sort((a, b) => b - a)) s = `${s.slice(0, p)}/${s.slice(p)}`;
    const der = Buffer.from(s, 'base64');
    return isWholeTlv(der) ? der : null;
  };
  for (let a = 0; a < at.length; a++) {
    const one = tryWith([at[a] as number]);
    if (one) return one;
  }
  for (let a = 0; a < at.length; a++) {
    for (let b = a; b < at.length; b++) {
      const two = tryWith([at[a] as number, at[b] as number]);
      if (two) return two;
    }
  }
  return null;
}

interface CacheHeaders {
  lastModified: string;
  expires: string;
  etag: string;
  nextUpdateMs: number;
}
const headerMemo = new WeakMap<OcspSuccessAnswer, CacheHeaders>();

function cacheHeaders(answer: OcspSuccessAnswer): CacheHeaders {
  let h = headerMemo.get(answer);
  if (!h) {
    h = { lastModified: answer.thisUpdate.toUTCString(), expires: answer.nextUpdate.toUTCString(), etag: `"${answer.etag}"`, nextUpdateMs: answer.nextUpdate.getTime() };
    headerMemo.set(answer, h);
  }
  return h;
}

/**
 * RFC 5019 6.2 cache headers on successful GET answers only; error answers and POST answers
 * are not for caches (a malformed or unauthorized answer says nothing about a certificate).
 */
function sendAnswer(reply: FastifyReply, answer: OcspAnswer, get: boolean, ifNoneMatch: string | undefined, responder: Pick<OcspResponder, 'now'>): FastifyReply {
  const body = Buffer.from(answer.der.buffer, answer.der.byteOffset, answer.der.byteLength);
  reply.header('content-type', OCSP_RESPONSE_TYPE);
  if (!get || answer.responseStatus !== 'successful') {
    return reply.header('cache-control', 'no-store').send(body);
  }
  const h = cacheHeaders(answer);
  const maxAge = Math.max(0, Math.floor((h.nextUpdateMs - responder.now().getTime()) / 1000));
  reply.header('cache-control', `max-age=${maxAge}, public, no-transform, must-revalidate`).header('last-modified', h.lastModified).header('expires', h.expires).header('etag', h.etag);
  if (ifNoneMatch === h.etag) return reply.code(304).send();
  return reply.send(body);
}
