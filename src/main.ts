// Composition root: the only place that constructs concrete adapters. Load config, open the
// database, migrate, start the OCPP server and the HTTP edge, and return a handle that stops
// them all in order.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { bootstrapOperatorCredential } from './api/bootstrap-credential.js';
import { buildApiApp } from './api/api-app.js';
import { createOperatorAuth } from './api/operator-auth.js';
import { buildOpsApp, registerOpsRoutes } from './api/ops-app.js';
import type { Config } from './config.js';
import { ALLOWED_BEFORE_ACCEPTED, PERMIT_TTL_MS, permitAfterAnswer } from './csms/before-accepted.js';
import { buildRoutes } from './csms/routes.js';
import { FrameDeflater } from './jobs/frame-deflater.js';
import { startFrameLog } from './jobs/frame-log.js';
import { createLogger, type Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { CsToCsmsAction, Ocpp201Action } from './ocpp/actions.js';
import { PresenceWriter } from './ocpp/presence.js';
import { loadOcppSchemas } from './ocpp/schemas.js';
import { createOcppServer, type OcppServer } from './ocpp/server.js';
import type { PerMessageDeflateOptions } from 'ws';
import type { StationBus } from './ocpp/station-bus.js';
import { startCertificateSigning } from './csms/a-security/certificate-signing.js';
import { startCampaignEngine, type CampaignEngine } from './inventory/campaign-engine.js';
import { startStatusServices, type StatusServices } from './csms/c-authorization/status-services.js';
import { readPemCertificateFile } from './ocsp-client/pem-certificates.js';
import { admitRegisteredStations, type UpgradeAuthenticator } from './ocpp/upgrade-auth.js';
import { createOcppTls, OcppTlsError } from './ocpp/ocpp-tls-start.js';
import { parseTrustedProxies } from './ocpp/proxy-client-cert.js';
import { createStationAuthenticator } from './ocpp/station-authenticator.js';
import { createStationCertificateVerifier } from './ocpp/station-certificate.js';
import type { ThrottleOptions } from './ocpp/auth-throttle.js';
import { verifySecret } from './api/secret-hash.js';
import { openDb, type Db } from './store/db.js';
import { migrate } from './store/migrate.js';
import { createStore, type Store } from './store/store.js';
import { createCaService, type CaService } from './ca/ca-service.js';
import { attachCrlPublisher, createCrlPublisher, type CrlPublisher } from './ca/crl-publisher.js';
import { registerCrlRoutes } from './ca/crl-routes.js';
import { kekSource } from './ca/kek-source.js';
import { REVOCATION_CHANNEL, REVOCATION_ORIGIN } from './ca/revoke-certificate.js';
import { caOcspSource } from './ca/ocsp-source.js';
import { startCaMaintenance } from './jobs/ca-maintenance.js';
import { startEmbeddedVacuum } from './jobs/embedded-vacuum.js';
import { createOcspResponder, type OcspResponder } from './ocsp/responder.js';
import { registerOcspRoutes } from './ocsp/routes.js';
import { estTrustAnchors } from './est/est-config.js';
import { loadEstConfigFile } from './est/est-config-file.js';
import { EstError } from './est/est-error.js';
import { startEstServer, type EstServer } from './est/est-server.js';
import { startFirmware, type Firmware } from './firmware/firmware-module.js';
import { registerFirmwareRoutes } from './api/firmware-routes.js';
import { startContractProvider } from './contract-provider/start-contract-provider.js';
import { loadContractPoolsFile, loadOemRootsFile } from './contract-provider/provider-config-files.js';
import { registerContractPoolRoutes } from './contract-provider/contract-pool-routes.js';
import { handleGet15118EvCertificate } from './csms/m-iso15118-certs/get-15118-ev-certificate.js';
import { createContractService, type ContractService } from './contracts/contract-service.js';
import { CONTRACT_CHANNEL } from './store/contracts.js';
import { loadMoRootsFile } from './contracts/mo-roots-file.js';
import { createWebhooks } from './contracts/webhooks.js';
import { registerContractRoutes } from './api/contract-routes.js';
import { createEmspAuth, emspIdpConfig } from './api/emsp-auth.js';
import { registerEmspRoutes } from './api/emsp-routes.js';
import { startWebhookDelivery } from './jobs/webhook-delivery.js';

export interface StartOptions {
  log?: Logger;
  metrics?: Metrics;
  authenticator?: UpgradeAuthenticator;
  /** Overrides the tuned permessage-deflate settings (measurements only). */
  perMessageDeflate?: PerMessageDeflateOptions | boolean;
  /** Replaces scrypt verification of station passwords (tests count the calls). */
  verifyStationSecret?: (hash: string, secret: string) => Promise<boolean>;
  /** Overrides the back-off of failed station authentications (tests). */
  authThrottle?: Partial<ThrottleOptions>;
  /**
   * The database, already opening (from `config`): an entry point starts it before it loads the
   * rest of the server, so that the embedded database's start overlaps module loading. Closed by
   * startCsms if the start fails.
   */
  db?: Promise<Db>;
}

export interface RunningCsms {
  config: Config;
  store: Store;
  bus: StationBus;
  ocpp: OcppServer;
  ca: CaService;
  ocspResponder: OcspResponder;
  crlPublisher: CrlPublisher;
  /** Signed firmware (L01-L04): images, updates, campaigns, publications. */
  firmware: Firmware;
  /** M06 GetCertificateStatus and C07 Authorize: the foreign OCSP client, its cache, the known certificates. */
  statusServices: StatusServices;
  /** Contract certificates of eMSPs (issue, upload, revoke; keys for M01/M02). */
  contracts: ContractService;
  metrics: Metrics;
  ocppPort: number;
  httpPort: number;
  opsPort: number | null;
  /** The EST listener's port, when EST is configured. */
  estPort: number | null;
  /** The OCPP TLS port (security profiles 2 and 3), when configured. */
  ocppTlsPort: number | null;
  log: Logger;
  /** The operator credential generated by this start (the first one only), to show once. */
  generatedCredential: { clientId: string; secret: string } | null;
  close(): Promise<void>;
}

export async function startCsms(config: Config, options: StartOptions = {}): Promise<RunningCsms> {
  const log = options.log ?? createLogger(config.logLevel);
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: true });

  // Step 1: storage, migrated to this build's schema. The embedded database opens on its own
  // thread, so the OCPP schemas compile meanwhile.
  const opening = options.db ?? openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  let validator: ReturnType<typeof loadOcppSchemas>;
  try {
    validator = loadOcppSchemas();
  } catch (err) {
    await opening.then((db) => db.close(), () => undefined);
    throw err;
  }
  const db = await opening;
  const cleanup: (() => Promise<void>)[] = [() => db.close()];
  try {
    const migrated = await migrate(db);
    if (migrated.applied.length > 0) log.info({ applied: migrated.applied }, 'database migrated');
    const store = createStore(db);
    // PGlite launches no autovacuum: ours, from the first minute on.
    if (db.mode === 'embedded') {
      const vacuum = startEmbeddedVacuum({ db, log });
      cleanup.unshift(() => vacuum.stop());
    }
    // A previous process may have died with stations marked connected.
    await store.stations.markAllDisconnected(new Date());

    // Step 2: the operator credential exists before the API can be reached.
    const boot = await bootstrapOperatorCredential({ credentials: store.credentials, secretFile: config.operatorSecretFile, log });
    const generatedCredential = boot.created && boot.secret ? { clientId: boot.clientId, secret: boot.secret } : null;

    // Step 3: the CA, its OCSP responder and CRLs. Certificates name the public URL, which
    // defaults to the API's own address once it listens.
    let httpPortBound = config.httpPort;
    const kek = kekSource({ caKekFile: config.caKekFile, dataDir: config.dataDir, log });
    const ca = createCaService({
      store,
      kek,
      publicBaseUrl: () => config.publicUrl ?? `http://localhost:${httpPortBound}`,
      log,
    });
    const ocspResponder = createOcspResponder({ source: caOcspSource({ issuers: ca.issuers, store }), now: () => new Date(), validitySeconds: config.ocspValidityS, log });
    // RFC 6960 and the issue: a revocation is visible in OCSP at once.
    ca.onRevoked((r) => ocspResponder.invalidate(r.issuerId, Buffer.from(r.serial, 'hex')));
    const crlPublisher = createCrlPublisher({ store, issuers: ca.issuers, log, validityHours: config.crlValidityH });
    const contracts = createContractService({ store, ca, kek, issuerId: config.contractIssuer, extraMoRoots: loadMoRootsFile(config.moRootsFile), log });
    attachCrlPublisher(ca, crlPublisher);
    let est: EstServer | null = null;
    let reloadOcppTls: (() => Promise<void>) | null = null;
    // Revocations by another process (the CLI on the same PostgreSQL) reach this one's OCSP cache and CRLs.
    const stopListening = await db.listen(REVOCATION_CHANNEL, (payload) => {
      const [origin, issuerId, serial] = payload.split(' ');
      if (!issuerId || !serial || origin === REVOCATION_ORIGIN) return;
      ocspResponder.invalidate(issuerId, Buffer.from(serial, 'hex'));
      crlPublisher.publish(issuerId).catch((err: unknown) => log.error({ err, issuerId }, 'CRL regeneration after a remote revocation failed'));
    });
    cleanup.unshift(stopListening);
    const maintenance = startCaMaintenance({
      ca,
      ocspResponder,
      crlPublisher,
      log,
      onServiceKeyRenewed: async (purpose) => {
        if (purpose === 'csms-tls-server') {
          await est?.reloadTls();
          await reloadOcppTls?.();
        }
      },
    });
    cleanup.unshift(async () => {
      await maintenance.stop();
      await crlPublisher.settled();
    });

    // Step 4: the OCPP server.
    // Station certificates (A02/A03): the RA handler, the CertificateSigned outbox and renewal.
    // The outbox needs the station bus, which exists once the OCPP server does.
    let ocppBus: StationBus | null = null;
    const signing = startCertificateSigning({ store, ca, bus: () => ocppBus, log, cpoName: config.cpoName });
    cleanup.unshift(() => signing.close());
    // Certificate campaigns (M03-M05 across the fleet) start once the bus exists, below.
    let campaignEngine: CampaignEngine | null = null;
    // Signed firmware (L01-L04): images under <data-dir>/firmware, served at expiring URLs of the HTTP edge.
    const firmware = startFirmware({
      store,
      ca,
      bus: () => ocppBus,
      dataDir: config.dataDir,
      publicBaseUrl: () => config.publicUrl ?? `http://localhost:${httpPortBound}`,
      maxImageBytes: config.firmwareMaxBytes,
      manufacturerRootsFile: config.firmwareRootsFile,
      linkTtlS: config.firmwareUrlTtlS,
      jobTimeoutS: config.firmwareJobTimeoutS,
      log,
    });
    cleanup.unshift(() => firmware.close());
    // Certificate status for stations (M06) and Plug & Charge authorization (C07).
    const statusServices = startStatusServices({
      store, responder: ocspResponder, moRoots: loadMoRootsFile(config.moRootsFile),
      ocspIssuers: config.ocspIssuersFile === undefined ? [] : readPemCertificateFile('ocspIssuersFile', config.ocspIssuersFile),
      fetchAllow: config.ocspFetchAllow, fetchTimeoutMs: config.ocspFetchTimeoutMs, noNextUpdateHoldS: config.ocspNoNextUpdateHoldS, log,
    });
    await statusServices.known.refresh();
    // Authorize's view of the contracts follows every change: ours at once, other processes' by NOTIFY.
    contracts.onEvent((e) => statusServices.contracts.invalidate(e.emaid));
    const stopContractNotices = await db.listen(CONTRACT_CHANNEL, (emaid) => statusServices.contracts.invalidate(emaid), () => statusServices.contracts.clear());
    cleanup.unshift(stopContractNotices);
    // Contract certificates for EVs (M01/M02): ours, or an external pool's per eMSP.
    const contractProvider = startContractProvider({ store, ca, contracts, kek, oemCertificates: loadOemRootsFile(config.oemRootsFile), pools: loadContractPoolsFile(config.contractPoolsFile), log });
    const routes = buildRoutes({ store, heartbeatIntervalS: config.heartbeatIntervalS, bootRetryIntervalS: config.bootRetryIntervalS, signCertificate: signing.handlers.SignCertificate, firmware: firmware.handlers, onBoot: firmware.onBoot, metrics, authorize: statusServices.handlers.Authorize, getCertificateStatus: statusServices.handlers.GetCertificateStatus, get15118EvCertificate: handleGet15118EvCertificate({ provider: contractProvider, log }) });
    const routeOf = (action: Ocpp201Action) => (action in routes ? routes[action as CsToCsmsAction] : undefined);
    const frameDeflater = new FrameDeflater(log);
    cleanup.unshift(() => frameDeflater.close());
    const frameLog = startFrameLog({ frames: store.frames, metrics, log, retentionDays: config.frameRetentionDays, deflate: (bodies) => frameDeflater.deflate(bodies) });
    const presence = new PresenceWriter(store.stations, log);
    cleanup.unshift(() => presence.close(), () => frameLog.close());
    const ocpp = createOcppServer({
      stations: store.stations,
      events: store.events,
      authenticator: options.authenticator ?? stationAuthenticator(config, store, options, log),
      presence: {
        seen: (id, at) => presence.seen(id, at),
        disconnected: (id, at) => presence.disconnected(id, at),
        // A station that connects gets its pending CertificateSigned at once.
        connected: (id, at) => {
          presence.connected(id, at);
          signing.outbox.stationConnected(id);
          // ... and its pending certificate campaign steps.
          campaignEngine?.stationConnected(id);
          firmware.stationConnected(id);
        },
      },
      autoRegister: config.autoRegister ? { registrationStatus: config.autoRegisterStatus } : false,
      maxFrameBytes: config.maxFrameBytes,
      ...(options.perMessageDeflate !== undefined ? { perMessageDeflate: options.perMessageDeflate } : {}),
      metrics,
      log,
      connection: {
        validator,
        route: routeOf,
        allowedBeforeAccepted: ALLOWED_BEFORE_ACCEPTED,
        permitAfterAnswer,
        permitTtlMs: PERMIT_TTL_MS,
        recordFrame: frameLog.record,
        metrics,
        log,
        recordPayloads: config.recordPayloads,
        callTimeoutMs: config.callTimeoutMs,
        maxBufferedBytes: config.maxBufferedBytes,
        pingIntervalMs: config.pingIntervalS * 1000,
        now: () => new Date(),
      },
    });
    cleanup.unshift(() => ocpp.close());
    ocppBus = ocpp.bus;
    const campaigns = startCampaignEngine({ store, bus: ocpp.bus, log, now: () => new Date() });
    campaignEngine = campaigns;
    cleanup.unshift(() => campaigns.close());
    const ocppPort = await listen(ocpp.http, config.ocppPort, config.ocppHost);
    // OCPP over TLS (security profiles 2 and 3), the same upgrade pipeline as ws, listening as
    // early as plain ws: after a restart, stations reconnect while the HTTP edge is still built.
    // A TLS certificate renewed by the maintenance pass below is swapped in by reloadOcppTls; one
    // that expired while the CSMS was down is renewed by that pass first (step 6).
    let ocppTlsPort: number | null = null;
    const startOcppTls = async (tlsPort: number): Promise<void> => {
      const tls = await createOcppTls({ certFile: config.ocppTlsCertFile, keyFile: config.ocppTlsKeyFile, store, kek, now: () => new Date() });
      ocpp.attach(tls.listener.server);
      reloadOcppTls = () => tls.reloadFromCa();
      ocppTlsPort = await listen(tls.listener.server, tlsPort, config.ocppHost);
    };
    let ocppTlsDeferred = false;
    if (config.ocppTlsPort !== undefined) {
      try {
        await startOcppTls(config.ocppTlsPort);
      } catch (err) {
        if (!(err instanceof OcppTlsError) || config.ocppTlsCertFile !== undefined) throw err;
        ocppTlsDeferred = true;
      }
    }

    // Step 5: the HTTP edge (operator API, OCSP, CRLs); health and metrics apart when an ops port is configured.
    const auth = createOperatorAuth({ credentials: store.credentials, tokenTtlS: config.tokenTtlS });
    const api = await buildApiApp({ store, bus: ocpp.bus, logger: log, config, auth, ca, certificateCampaigns: campaigns });
    await registerOcspRoutes(api, { responder: ocspResponder });
    await registerCrlRoutes(api, { publisher: crlPublisher });
    // Contracts: the operator's routes and the eMSP API (its own tokens), and webhook delivery.
    const webhooks = createWebhooks({ repo: store.emspApi, kek });
    const emspAuth = createEmspAuth({ credentials: store.credentials, clients: store.emspApi, emsps: store.contracts, tokenTtlS: config.tokenTtlS, idp: emspIdpConfig(config) });
    await registerContractRoutes(api, { contracts, store, auth });
    const documentEmspApi = await registerEmspRoutes(api, { contracts, webhooks, store, auth: emspAuth, tokenTtlS: config.tokenTtlS });
    const webhookDelivery = startWebhookDelivery({ db, repo: store.emspApi, webhooks, log, pollMs: config.webhookPollMs, retryBaseMs: config.webhookRetryBaseMs, maxAttempts: config.webhookMaxAttempts });
    contracts.onEvent(() => webhookDelivery.nudge());
    cleanup.unshift(() => webhookDelivery.stop());
    await registerFirmwareRoutes(api, { firmware, store, auth, maxImageBytes: config.firmwareMaxBytes });
    firmware.registerHosting(api);
    registerContractPoolRoutes(api, { provider: contractProvider, auth });
    if (config.opsPort === undefined) registerOpsRoutes(api, { db, metrics });
    cleanup.unshift(() => api.close());
    const httpPort = await listenFastify(api, config.httpPort, config.httpHost);
    documentEmspApi();
    httpPortBound = httpPort;
    await maintenance.start();
    if (ocppTlsDeferred && config.ocppTlsPort !== undefined) await startOcppTls(config.ocppTlsPort);
    // Step 6: EST enrollment for peer CSMSs, when configured (after the maintenance pass, so that
    // the TLS server certificate is current).
    let estPort: number | null = null;
    if (config.estPort !== undefined) {
      if (!config.estConfigFile) throw new EstError('EST_CONFIG_INVALID', '--est-port needs --est-config (the EST accounts)');
      const estConfig = loadEstConfigFile(config.estConfigFile);
      est = await startEstServer({
        ca,
        store,
        kek: kek,
        log,
        host: config.estHost,
        port: config.estPort,
        labels: estConfig.labels,
        ...(estConfig.defaultLabel !== undefined ? { defaultLabel: estConfig.defaultLabel } : {}),
        accounts: estConfig.accounts,
        trustAnchors: await estTrustAnchors(store, estConfig.clientTrustAnchors),
      });
      const running = est;
      cleanup.unshift(() => running.close());
      estPort = est.port;
    }
    let opsPort: number | null = null;
    if (config.opsPort !== undefined) {
      const ops = buildOpsApp({ db, metrics, logger: log });
      cleanup.unshift(() => ops.close());
      opsPort = await listenFastify(ops, config.opsPort, config.opsHost ?? '127.0.0.1');
    }
    log.info({ ocppPort, ocppTlsPort, httpPort, opsPort, estPort, database: db.mode }, 'plugtrust started');

    let closing: Promise<void> | null = null;
    return {
      config, store, bus: ocpp.bus, ocpp, ca, ocspResponder, crlPublisher, firmware, statusServices, contracts, metrics, ocppPort, ocppTlsPort, httpPort, opsPort, estPort, log, generatedCredential,
      close: () => (closing ??= runAll(cleanup, log)),
    };
  } catch (err) {
    await runAll(cleanup, log);
    throw err;
  }
}

/** Security profiles at the upgrade (OCPP 2.0.1 Part 2 A00), unless switched off for a lab. */
function stationAuthenticator(config: Config, store: Store, options: StartOptions, log: Logger): UpgradeAuthenticator {
  if (config.stationAuth === 'off') {
    log.warn('--station-auth off: every registered station is admitted without credentials (labs only)');
    return admitRegisteredStations;
  }
  return createStationAuthenticator({
    passwords: store.stationPasswords,
    certificates: createStationCertificateVerifier({ store, cpoName: config.cpoName }),
    proxy: { clientCertHeader: config.clientCertHeader?.toLowerCase(), trustedProxies: parseTrustedProxies(config.trustedProxies) },
    verifySecret: options.verifyStationSecret ?? verifySecret,
    now: () => new Date(),
    ...(options.authThrottle ? { throttle: options.authThrottle } : {}),
    log,
  });
}

async function runAll(steps: readonly (() => Promise<void>)[], log: Logger): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      log.warn({ err }, 'shutdown step failed');
    }
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function listenFastify(app: FastifyInstance, port: number, host: string): Promise<number> {
  await app.listen({ port, host });
  return (app.server.address() as AddressInfo).port;
}
