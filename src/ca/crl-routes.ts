// CRLs over HTTP at the cRLDistributionPoints URL of our certificates, `<base>/crl/<issuerId>.crl`
// (src/ca/issuer-registry.ts crlUrlFor): the DER CertificateList as application/pkix-crl (RFC 5280
// 4.2.1.13, RFC 2585 3-4), cacheable until its nextUpdate, with validators for conditional GETs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildProblem } from '../api/errors.js';
import { sendProblem } from '../api/problem-handler.js';
import type { CrlPublisher, PublishedCrl } from './crl-publisher.js';

export const CRL_PATH = '/crl';
/** RFC 2585 4: the media type of a DER CRL. */
export const CRL_CONTENT_TYPE = 'application/pkix-crl';
/** `<issuerId>.crl`, issuer ids as ca_issuers allows them (migrations/0002_ca.sql). */
const FILE_RE = /^([a-z0-9][a-z0-9-]{0,62})\.crl$/;

export interface CrlRouteDeps {
  publisher: Pick<CrlPublisher, 'current'>;
  now?: () => Date;
  /** Log level of these routes: relying parties poll CRLs; 'warn' (default) keeps per-request lines out. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Strong validator: a CRL number is never reused by an issuer; thisUpdate tells apart a database rebuilt from scratch. */
export const crlEtag = (crl: Pick<PublishedCrl, 'crlNumber' | 'thisUpdate'>): string => `"${crl.crlNumber.toString(16)}-${Math.floor(crl.thisUpdate.getTime() / 1000).toString(36)}"`;

/** RFC 9110 13.1.2: If-None-Match holds "*" or a list of entity tags (weak comparison). */
function noneMatch(header: string, etag: string): boolean {
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

/** Usable as `app.register(registerCrlRoutes, deps)` or called directly on an app. */
export function registerCrlRoutes(app: FastifyInstance, deps: CrlRouteDeps): Promise<void> {
  const now = deps.now ?? ((): Date => new Date());
  const { publisher } = deps;
  app.get<{ Params: { file: string } }>(`${CRL_PATH}/:file`, { logLevel: deps.logLevel ?? 'warn' }, async (req, reply) => {
    const issuerId = FILE_RE.exec(req.params.file)?.[1];
    const crl = issuerId === undefined ? null : await publisher.current(issuerId);
    if (!crl) return sendProblem(reply.header('cache-control', 'no-store'), buildProblem('route_not_found', 'No CRL is published under this name'));
    return sendCrl(req, reply, crl, now());
  });
  return Promise.resolve();
}

function sendCrl(req: FastifyRequest, reply: FastifyReply, crl: PublishedCrl, at: Date): FastifyReply {
  const etag = crlEtag(crl);
  // Cacheable until nextUpdate, when a newer CRL is certain to exist (RFC 5280 5.1.2.5).
  const maxAge = Math.max(0, Math.floor((crl.nextUpdate.getTime() - at.getTime()) / 1000));
  reply
    .header('content-type', CRL_CONTENT_TYPE)
    .header('cache-control', `public, max-age=${maxAge}, no-transform`)
    .header('last-modified', crl.thisUpdate.toUTCString())
    .header('expires', crl.nextUpdate.toUTCString())
    .header('etag', etag);
  // RFC 9110 13.1.3: If-Modified-Since is ignored when If-None-Match is present.
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  const notModified = inm !== undefined ? noneMatch(inm, etag) : ims !== undefined && Date.parse(ims) >= crl.thisUpdate.getTime();
  if (notModified) return reply.code(304).send();
  return reply.send(Buffer.from(crl.der.buffer, crl.der.byteOffset, crl.der.byteLength));
}
