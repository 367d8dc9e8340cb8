// The EST operations (RFC 7030 3.2.2) on a fastify instance:
//   GET  /.well-known/est[/<label>]/cacerts          the label's CA chain, certs-only (4.1)
//   POST /.well-known/est[/<label>]/simpleenroll     PKCS#10 in, certs-only with the new certificate out (4.2.1)
//   POST /.well-known/est[/<label>]/simplereenroll   the same, authenticated by the certificate renewed (4.2.2)
// Other operations (fullcmc, serverkeygen, csrattrs) are not offered: 404, as RFC 7030 allows.
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildCertsOnly } from '../../pki/pkcs7/certs-only.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { BasicAuthenticator } from './basic-auth.js';
import { parseBasic } from './basic-auth.js';
import { peerCertificates, verifyClientCertificate, type ClientCertificate } from './client-certificate.js';
import type { EstAccount, EstLabel } from './est-config.js';
import { enrollCertificate, type EnrollDeps } from './est-enroll.js';
import { EstError, estReply } from './est-error.js';
import { CACERTS_TYPE, CERTS_ONLY_TYPE, decodeBody, encodeBody, mediaType, PKCS10 } from './est-wire.js';

export const EST_PREFIX = '/.well-known/est';
const REALM = 'Basic realm="plugtrust EST", charset="UTF-8"';

export interface EstRouteDeps extends EnrollDeps {
  store: Pick<Store, 'caIssuers' | 'certificates'>;
  log: Logger;
  now: () => Date;
  labels: ReadonlyMap<string, EstLabel>;
  defaultLabel: string | undefined;
  accounts: readonly EstAccount[];
  /** Anchors for TLS client certificates that authenticate simpleenroll. */
  trustAnchors: readonly Uint8Array[];
  basic: BasicAuthenticator;
}

type Operation = 'cacerts' | 'simpleenroll' | 'simplereenroll';
type LabelParams = { label?: string };

export function registerEstRoutes(app: FastifyInstance, deps: EstRouteDeps): void {
  const handle = (op: Operation) => async (request: FastifyRequest<{ Params: LabelParams }>, reply: FastifyReply) => {
    const label = resolveLabel(deps, request.params.label);
    if (op === 'cacerts') return sendCertsOnly(reply, CACERTS_TYPE, buildCertsOnly(await caChain(deps.store, label.issuerId)));
    return enroll(deps, op, label, request, reply);
  };
  for (const prefix of [EST_PREFIX, `${EST_PREFIX}/:label`]) {
    app.get(`${prefix}/cacerts`, handle('cacerts'));
    app.post(`${prefix}/simpleenroll`, handle('simpleenroll'));
    app.post(`${prefix}/simplereenroll`, handle('simplereenroll'));
  }

  app.setNotFoundHandler((request) => {
    throw new EstError('EST_OPERATION_UNKNOWN', `${request.method} ${request.url.slice(0, 128)}`);
  });
  app.setErrorHandler((err: unknown, request, reply) => {
    const status = (err as { statusCode?: unknown }).statusCode;
    // fastify's own refusals before a handler runs (body too large, bad Content-Length).
    if (!(err instanceof EstError) && typeof status === 'number' && status >= 400 && status < 500) {
      request.log.warn({ code: (err as { code?: unknown }).code, reason: (err as Error).message }, 'EST request refused by the HTTP layer');
      return reply.code(status).type('text/plain; charset=utf-8').send(`EST_BAD_REQUEST: ${status === 413 ? 'request body too large' : 'malformed HTTP request'}\n`);
    }
    const out = estReply(err);
    const entry = { code: out.code, status: out.status, reason: err instanceof Error ? err.message : String(err), url: request.url };
    if (out.status >= 500) request.log.error({ ...entry, err }, 'EST request failed');
    else request.log.warn(entry, 'EST request refused');
    if (out.status === 401) void reply.header('www-authenticate', REALM);
    return reply.code(out.status).type('text/plain; charset=utf-8').send(out.body);
  });
}

function resolveLabel(deps: EstRouteDeps, name: string | undefined): EstLabel {
  const label = deps.labels.get(name ?? deps.defaultLabel ?? '');
  if (!label) throw new EstError('EST_LABEL_UNKNOWN', name === undefined ? 'no default EST label is configured' : `unknown EST label ${JSON.stringify(name.slice(0, 64))}`);
  return label;
}

/** The issuing CA, its parents, and the root: what a client needs to validate what we issue (RFC 7030 4.1.3). */
async function caChain(store: Pick<Store, 'caIssuers'>, issuerId: string): Promise<Uint8Array[]> {
  const chain: Uint8Array[] = [];
  for (let id: string | null = issuerId; id && chain.length < 8; ) {
    const row = await store.caIssuers.get(id);
    if (!row) throw new EstError('EST_INTERNAL', `CA ${id} is not stored`);
    chain.push(row.certificate);
    id = row.parentId;
  }
  return chain;
}

function sendCertsOnly(reply: FastifyReply, type: string, der: Uint8Array): FastifyReply {
  return reply.code(200).header('content-type', type).header('content-transfer-encoding', 'base64').send(encodeBody(der));
}

async function enroll(deps: EstRouteDeps, op: 'simpleenroll' | 'simplereenroll', label: EstLabel, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const socket = request.raw.socket as Partial<TLSSocket>;
  const presented = typeof socket.getPeerCertificate === 'function' ? peerCertificates(socket as TLSSocket) : [];
  const creds = parseBasic(request.headers.authorization);

  // Step 1: who is asking (RFC 7030 3.3). Renewal is authenticated by the certificate being renewed.
  let account: EstAccount | undefined;
  let renewing: ClientCertificate | undefined;
  if (op === 'simpleenroll') {
    if (creds) account = await deps.basic.authenticate(creds);
    else if (presented.length > 0) {
      const cert = await verifyClientCertificate(deps, presented, deps.trustAnchors);
      account = deps.accounts.find((a) => 'certificateSubjectCn' in a.auth && a.auth.certificateSubjectCn === cert.commonName);
      if (!account) throw new EstError('EST_FORBIDDEN', `no EST account for client certificate CN ${JSON.stringify(cert.commonName ?? '')}`);
    } else throw new EstError('EST_AUTH_REQUIRED', 'no credentials');
  } else {
    if (presented.length === 0) throw new EstError('EST_AUTH_REQUIRED', 'simplereenroll without the certificate being renewed as TLS client certificate');
    const chain = await caChain(deps.store, label.issuerId);
    renewing = await verifyClientCertificate(deps, presented, chain.slice(-1));
    if (renewing.row?.issuerId !== label.issuerId || renewing.row.profile !== label.profile) throw new EstError('EST_FORBIDDEN', `the client certificate was not issued under label ${label.label}`);
    // The renewing account: Basic when given, else the account that enrolled the certificate. A CN
    // match is not used here: that binding holds only under the client trust anchors, not this label's root.
    const enrolledBy = renewing.row.requestedBy.startsWith('est:') ? renewing.row.requestedBy.slice(4) : undefined;
    account = creds ? await deps.basic.authenticate(creds) : deps.accounts.find((a) => a.clientId === enrolledBy);
    if (!account) throw new EstError('EST_FORBIDDEN', 'no EST account may renew this certificate');
  }

  // Step 2: may this account use this label?
  if (!account.allowedLabels.includes(label.label)) throw new EstError('EST_FORBIDDEN', `account ${account.clientId} may not use label ${label.label}`);

  // Step 3: the request body (RFC 7030 4.2.1: application/pkcs10, base64 DER).
  if (mediaType(request.headers['content-type']) !== PKCS10) throw new EstError('EST_UNSUPPORTED_MEDIA_TYPE', `content type ${JSON.stringify(String(request.headers['content-type'] ?? '').slice(0, 64))}`);
  const csr = decodeBody(typeof request.body === 'string' ? request.body : '');

  // Step 4: the RA decision and the CA's issuance.
  const issued = await enrollCertificate(deps, { label, account, csr, ...(renewing ? { renewing } : {}) });
  request.log.info({ op, label: label.label, clientId: account.clientId, serial: issued.serial, profile: issued.profile, issuerId: issued.issuerId, renewed: renewing?.row?.serial ? Buffer.from(renewing.row.serial).toString('hex') : undefined }, 'EST certificate issued');

  // Step 5: RFC 7030 4.2.3: a certs-only reply with only the issued certificate.
  return sendCertsOnly(reply, CERTS_ONLY_TYPE, buildCertsOnly([issued.der]));
}
