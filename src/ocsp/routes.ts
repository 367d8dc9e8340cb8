// OCSP over HTTP (RFC 6960 Appendix A, RFC 5019 5-6): GET /ocsp/<url-encoded base64 of the
// request> and POST /ocsp with an application/ocsp-request body. Every OCSP answer, error
// statuses included, is HTTP 200 with an application/ocsp-response body (RFC 6960 A.1.2);
// HTTP errors are left for what is not OCSP at all (413 body too large, 415 wrong content type).
// Answers are written to the socket directly (reply.hijack()): the app's onSend/onResponse hooks
// and fastify's "request completed" log line do not run for OCSP requests.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { fastify, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { readNode } from '../../pki/der/reader.js';
import { registerRefusedBodyDrain } from '../api/drain-refused-body.js';
import type { Logger } from '../log.js';
import type { OcspResponder } from './responder.js';
import type { OcspAnswer } from './types.js';

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
      // Another parser of the app (text/plain, JSON) took it: not an OCSP request (RFC 6960 A.1.1).
      if (!Buffer.isBuffer(body)) {
        // An empty application/ocsp-request body is not parsed at all: it is a malformed request.
        if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith(OCSP_REQUEST_TYPE)) return reply.code(415).header('cache-control', 'no-store').send();
        return sendAnswer(req, reply, await responder.respond(new Uint8Array(0)), false, responder);
      }
      return sendAnswer(req, reply, await responder.respond(body), false, responder);
    };
    // The common case, an application/ocsp-request body of known length within the limit, is read
    // straight from the socket before fastify's body pipeline (content-type parser, validation and
    // handler hooks), which costs more than the cached answer itself. Anything else (chunked, other
    // media types, over the limit) takes the ordinary route below with its ordinary errors.
    const fastPost = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
      const length = Number(req.headers['content-length']);
      const type = req.headers['content-type'];
      if (type !== OCSP_REQUEST_TYPE || !(length > 0 && length <= bodyLimit) || req.headers['transfer-encoding'] !== undefined) return done();
      reply.hijack();
      const body = Buffer.allocUnsafe(length);
      let at = 0;
      const raw = req.raw;
      const onData = (chunk: Buffer): void => {
        if (at + chunk.length > length) {
          raw.off('data', onData);
          raw.socket.destroy();
          return;
        }
        chunk.copy(body, at);
        at += chunk.length;
      };
      raw.on('data', onData);
      raw.once('end', () => {
        raw.off('data', onData);
        if (at !== length) {
          reply.raw.writeHead(400, ['content-type', 'text/plain', 'connection', 'close']);
          reply.raw.end('the body is shorter than Content-Length\n');
          return;
        }
        // respond() never throws (failures are OCSP error responses); a broken socket is dropped.
        responder.respond(body).then(
          (answer) => void sendAnswer(req, reply, answer, false, responder),
          () => raw.socket.destroy(),
        );
      });
      raw.once('error', () => raw.socket.destroy());
    };
    // Tags and summaries for an OpenAPI document, when the app has one; nothing is validated.
    const postSchema = { tags: ['ocsp'], summary: 'OCSP request (RFC 6960 A.1), body application/ocsp-request' };
    scope.post(OCSP_PATH, { bodyLimit, logLevel, schema: postSchema, onRequest: fastPost }, post);
    // Some clients put the base URL with a trailing slash; one route unless the app folds them.
    if (!scope.initialConfig.ignoreTrailingSlash) scope.post(`${OCSP_PATH}/`, { bodyLimit, logLevel, schema: { ...postSchema, hide: true }, onRequest: fastPost }, post);

    // Below fastify altogether: once the app is ready, the node server's own 'request' event answers
    // the same common case for the exact POST paths, before fastify's request and reply objects are
    // built (about 15% of the cached answer's cost). Everything else goes to fastify unchanged.
    // GET requests under the route's path are answered there too (same answer, same headers).
    const rawPaths = new Set([`${scope.prefix}${OCSP_PATH}`, `${scope.prefix}${OCSP_PATH}/`]);
    scope.addHook('onReady', function (this: FastifyInstance, hookDone: (err?: Error) => void) {
      installRawListener(this.server, { postPaths: rawPaths, getPrefix: `${scope.prefix}${OCSP_PATH}/`, bodyLimit, responder });
      hookDone();
    });
    const getSchema = { tags: ['ocsp'], summary: 'OCSP request (RFC 6960 A.1, RFC 5019 5): URL-encoded base64 of the DER request in the path' };
    // The static part of the GET route as it appears in the raw URL (under the app's prefix, if any).
    const getPrefix = `${scope.prefix}${OCSP_PATH}/`;
    scope.get(`${OCSP_PATH}/*`, { logLevel, schema: getSchema }, async (req, reply) => sendAnswer(req, reply, await answerGet(base64FromPath(req, getPrefix), responder), true, responder));
    done();
  });
}

/** A fastify app serving only OCSP (a dedicated listener, tests and the benchmark). */
export async function buildOcspApp(deps: OcspRouteDeps & { logger?: Logger }): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger | undefined = deps.logger;
  const app = loggerInstance ? fastify({ loggerInstance, disableRequestLogging: true }) : fastify({ logger: false });
  registerRefusedBodyDrain(app);
  await registerOcspRoutes(app, deps);
  return app;
}

/**
 * The base64 text of a GET request. Taken from the raw URL, not from the router's parameter, so
 * that nothing between the client and here gets to decode or normalise it twice. Handles: '+',
 * '/' and '=' percent-encoded or not (RFC 6960 A.1 says URL-encoded; many clients do not), '+'
 * turned into a space by form-style encoders, a doubled slash after the path (a base URL ending
 * in '/'). Base64url and missing padding are handled by the decoder. An undecodable escape gives
 * '' (a malformed request).
 */
export function base64FromPath(req: Pick<FastifyRequest, 'raw' | 'params'>, prefix: string): string {
  const raw = req.raw.url ?? '';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  let encoded: string;
  if (path.startsWith(prefix)) encoded = path.slice(prefix.length);
  else {
    const param = (req.params as Record<string, unknown>)['*'];
    encoded = typeof param === 'string' ? param : '';
  }
  let text = encoded;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return '';
    }
  }
  return text.replace(/ /g, '+').replace(/^\/+/, '');
}

export const decodeBase64Path = (text: string): Uint8Array => Buffer.from(text, 'base64');

function isWholeTlv(b: Uint8Array): boolean {
  try {
    return readNode(b, 0).next === b.length;
  } catch {
    return false;
  }
}

/**
 * Some proxies merge '//' into '/' (nginx merge_slashes, Go's ServeMux), which corrupts the base64.
 * When the text does not decode to one whole DER value, these are the readings with one or two
 * slashes re-inserted at single slashes that do; the caller keeps the first one the responder
 * answers successfully (any slash position gives the same length, so structure alone cannot
 * choose). Bounded: at most 24 slashes are considered, pairs only among the first 12.
 */
export function collapsedSlashRepairs(text: string): Uint8Array[] {
  if (!text.includes('/') || isWholeTlv(decodeBase64Path(text))) return [];
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === '/' && text[i + 1] !== '/' && text[i - 1] !== '/') at.push(i);
  if (at.length > 24) return [];
  const withSlashes = (positions: number[]): Uint8Array => {
    let s = text;
    for (const p of [...positions].sort((a, b) => b - a)) s = `${s.slice(0, p)}/${s.slice(p)}`;
    return decodeBase64Path(s);
  };
  const out: Uint8Array[] = [];
  for (const p of at) out.push(withSlashes([p]));
  const few = at.slice(0, 12);
  for (let a = 0; a < few.length; a++) for (let b = a; b < few.length; b++) out.push(withSlashes([few[a] as number, few[b] as number]));
  return out.filter(isWholeTlv);
}

/**
 * The answer to the repaired reading of a collapsed path. A wrong slash position can still be a
 * request we answer (the shifted bits fell into the serial number), so a reading about
 * certificates we know (good or revoked) wins over one that only gets 'unknown'. Only readings
 * whose issuer hashes survived are signed for, so a hostile path buys a handful of signatures.
 */
async function answerRepaired(text: string, fallback: OcspAnswer, responder: Pick<OcspResponder, 'respond'>): Promise<OcspAnswer> {
  let best = fallback;
  for (const candidate of collapsedSlashRepairs(text)) {
    const answer = await responder.respond(candidate);
    if (answer.responseStatus !== 'successful') continue;
    if (answer.responses.every((r) => r.status.status !== 'unknown')) return answer;
    if (best.responseStatus !== 'successful') best = answer;
  }
  return best;
}

/** The answer to a GET request's base64 text, repairing a proxy-collapsed '//' (below). */
async function answerGet(text: string, responder: Pick<OcspResponder, 'respond'>): Promise<OcspAnswer> {
  const answer = await responder.respond(decodeBase64Path(text));
  return answer.responseStatus === 'malformedRequest' ? answerRepaired(text, answer, responder) : answer;
}

/** What is sent for one answer, prepared once: answers are cached, so most requests reuse it. */
interface Prepared {
  body: Buffer;
  noStore: string[];
  /** RFC 5019 6.2 headers for GET, rebuilt when max-age changes (once a second at most). */
  cacheable: { maxAge: number; headers: string[]; notModified: string[]; etag: string; nextUpdateMs: number; lastModified: string; expires: string } | null;
}
const preparedAnswers = new WeakMap<OcspAnswer, Prepared>();

function prepare(answer: OcspAnswer): Prepared {
  let p = preparedAnswers.get(answer);
  if (!p) {
    const body = Buffer.from(answer.der.buffer, answer.der.byteOffset, answer.der.byteLength);
    p = {
      body,
      noStore: ['content-type', OCSP_RESPONSE_TYPE, 'content-length', String(body.length), 'cache-control', 'no-store'],
      cacheable:
        answer.responseStatus === 'successful'
          ? { maxAge: -1, headers: [], notModified: [], etag: `"${answer.etag}"`, nextUpdateMs: answer.nextUpdate.getTime(), lastModified: answer.thisUpdate.toUTCString(), expires: answer.nextUpdate.toUTCString() }
          : null,
    };
    preparedAnswers.set(answer, p);
  }
  return p;
}

/**
 * Writes the answer straight to the socket (reply.hijack): on the cached path fastify's reply
 * pipeline would cost more than the rest of the request, and there is nothing for it to do, no
 * serialisation and no hooks of ours. RFC 5019 6.2 cache headers go on successful GET answers
 * only; error answers and POST answers are not for caches (a malformed or unauthorized answer
 * says nothing about a certificate).
 */
function sendAnswer(req: FastifyRequest, reply: FastifyReply, answer: OcspAnswer, get: boolean, responder: Pick<OcspResponder, 'now'>): FastifyReply {
  reply.hijack();
  writeAnswer(req.raw, reply.raw, answer, get, responder);
  return reply;
}

function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: OcspAnswer, get: boolean, responder: Pick<OcspResponder, 'now'>): void {
  const p = prepare(answer);
  const c = p.cacheable;
  if (!get || !c) {
    res.writeHead(200, p.noStore);
  } else {
    const maxAge = Math.max(0, Math.floor((c.nextUpdateMs - responder.now().getTime()) / 1000));
    if (maxAge !== c.maxAge) {
      const common = ['cache-control', `max-age=${maxAge}, public, no-transform, must-revalidate`, 'last-modified', c.lastModified, 'expires', c.expires, 'etag', c.etag];
      c.headers = ['content-type', OCSP_RESPONSE_TYPE, 'content-length', String(p.body.length), ...common];
      c.notModified = common;
      c.maxAge = maxAge;
    }
    if (req.headers['if-none-match'] === c.etag) {
      res.writeHead(304, c.notModified);
      res.end();
      return;
    }
    res.writeHead(200, c.headers);
  }
  res.end(req.method === 'HEAD' ? undefined : p.body);
}

const rawInstalled = new WeakSet<object>();

interface RawListenerOptions {
  postPaths: ReadonlySet<string>;
  getPrefix: string;
  bodyLimit: number;
  responder: Pick<OcspResponder, 'respond' | 'now'>;
}

function installRawListener(server: Server, o: RawListenerOptions): void {
  if (rawInstalled.has(server)) return;
  rawInstalled.add(server);
  const { postPaths, getPrefix, bodyLimit, responder } = o;
  const fastifyListeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  // respond() never throws (failures are OCSP error responses); a broken socket is dropped.
  const fail = (req: IncomingMessage) => () => req.socket.destroy();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    if ((req.method === 'GET' || req.method === 'HEAD') && url.length > getPrefix.length && url.startsWith(getPrefix)) {
      answerGet(base64FromPath({ raw: req, params: {} }, getPrefix), responder).then((answer) => writeAnswer(req, res, answer, true, responder), fail(req));
      return;
    }
    const length = Number(req.headers['content-length']);
    if (req.method === 'POST' && postPaths.has(url) && req.headers['content-type'] === OCSP_REQUEST_TYPE && length > 0 && length <= bodyLimit && req.headers['transfer-encoding'] === undefined) {
      readBody(req, length, (body) => {
        if (!body) {
          res.writeHead(400, ['content-type', 'text/plain', 'connection', 'close']);
          res.end('the body does not match Content-Length\n');
          return;
        }
        responder.respond(body).then((answer) => writeAnswer(req, res, answer, false, responder), fail(req));
      });
      return;
    }
    for (const l of fastifyListeners) l.call(server, req, res);
  });
}

/** Reads exactly `length` bytes of body; null when it is longer or shorter. */
function readBody(req: IncomingMessage, length: number, then: (body: Buffer | null) => void): void {
  const body = Buffer.allocUnsafe(length);
  let at = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over || at + chunk.length > length) {
      over = true;
      return;
    }
    chunk.copy(body, at);
    at += chunk.length;
  });
  req.once('end', () => then(!over && at === length ? body : null));
  req.once('error', () => req.socket.destroy());
}
