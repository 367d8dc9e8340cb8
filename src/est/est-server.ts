// The EST listener (RFC 7030): HTTPS on a port of its own with the CSMS TLS server certificate.
// It asks every client for a certificate and lets the handshake through without one; whether a
// certificate (or HTTP Basic) authenticates anyone is decided per request in est-routes.ts.
import type { Server as TlsServer } from 'node:tls';
import { fastify, type FastifyBaseLogger } from 'fastify';
import { registerRefusedBodyDrain } from '../api/drain-refused-body.js';
import type { CaService } from '../ca/ca-service.js';
import type { Kek } from '../ca/key-vault.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { createBasicAuthenticator } from './basic-auth.js';
import { checkEstConfig, type EstAccount, type EstLabel } from './est-config.js';
import { registerEstRoutes } from './est-routes.js';
import { loadTlsIdentity, TLS_SERVER_PURPOSE } from './tls-identity.js';

/** A PKCS#10 request is a few hundred bytes (RSA 4096 about 2 KiB); base64 and headroom. */
export const EST_BODY_LIMIT = 64 * 1024;

export interface EstServerOptions {
  ca: Pick<CaService, 'issue' | 'keyCertifiedForOther'>;
  store: Pick<Store, 'caIssuers' | 'certificates' | 'caServiceKeys' | 'caKeys'>;
  /** The key-encryption key, or the function that loads it (as CaServiceOptions takes it). */
  kek: Kek | (() => Kek);
  log: Logger;
  host: string;
  port: number;
  labels: readonly EstLabel[];
  /** The label for the URIs without one (/.well-known/est/simpleenroll); those URIs are 404 without it. */
  defaultLabel?: string;
  accounts: readonly EstAccount[];
  /** DER roots that TLS client certificates must chain to for simpleenroll (see estTrustAnchors). */
  trustAnchors: readonly Uint8Array[];
  now?: () => Date;
  /** The service key the listener presents; csms-tls-server unless told. */
  tlsPurpose?: string;
}

export interface EstServer {
  /** The bound port (useful with port 0). */
  port: number;
  /** Picks up a renewed TLS server certificate without dropping connections. */
  reloadTls(): Promise<void>;
  close(): Promise<void>;
}

export async function startEstServer(opts: EstServerOptions): Promise<EstServer> {
  const now = opts.now ?? (() => new Date());
  const kek = (): Kek => (typeof opts.kek === 'function' ? opts.kek() : opts.kek);
  const purpose = opts.tlsPurpose ?? TLS_SERVER_PURPOSE;
  const log = opts.log.child({ component: 'est' });

  // Step 1: configuration against the CAs in storage; a mistake stops the start, not a request.
  await checkEstConfig(opts.store, opts.labels, opts.accounts, opts.defaultLabel);
  const identity = await loadTlsIdentity(opts.store, kek(), now(), purpose);

  // Step 2: HTTPS with our server certificate; client certificates requested, judged per request.
  const loggerInstance: FastifyBaseLogger = log;
  const app = fastify({
    loggerInstance,
    bodyLimit: EST_BODY_LIMIT,
    https: { key: identity.key, cert: identity.cert, minVersion: 'TLSv1.2', requestCert: true, rejectUnauthorized: false },
  });
  registerRefusedBodyDrain(app);
  // Bodies are read as text whatever they claim to be; the route checks the media type itself, so
  // that a wrong one gets the same short text answer as every other refusal.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  registerEstRoutes(app, {
    ca: opts.ca,
    store: opts.store,
    log,
    now,
    labels: new Map(opts.labels.map((l) => [l.label, l])),
    defaultLabel: opts.defaultLabel,
    accounts: opts.accounts,
    trustAnchors: opts.trustAnchors,
    basic: createBasicAuthenticator(opts.accounts),
  });

  // Step 3: listen.
  await app.listen({ host: opts.host, port: opts.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  log.info({ host: opts.host, port, labels: opts.labels.map((l) => l.label), accounts: opts.accounts.length, tlsSerial: identity.serialHex }, 'EST server listening');

  return {
    port,
    async reloadTls() {
      const next = await loadTlsIdentity(opts.store, kek(), now(), purpose);
      (app.server as TlsServer).setSecureContext({ key: next.key, cert: next.cert, minVersion: 'TLSv1.2' });
      log.info({ tlsSerial: next.serialHex }, 'EST TLS certificate reloaded');
    },
    close: () => app.close(),
  };
}
