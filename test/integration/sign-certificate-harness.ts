// Starts the OCPP server the way src/main.ts does (storage, CA, routes, OCPP server), with the
// station-certificate composition wired in as main.ts will wire it. Not a test file itself.
import type { AddressInfo } from 'node:net';
import { createCaService, type CaService } from '../../src/ca/ca-service.js';
import { kekSource } from '../../src/ca/kek-source.js';
import { startCertificateSigning, type CertificateSigning, type CertificateSigningOptions } from '../../src/csms/a-security/certificate-signing.js';
import { ALLOWED_BEFORE_ACCEPTED, PERMIT_TTL_MS, permitAfterAnswer } from '../../src/csms/before-accepted.js';
import { buildRoutes } from '../../src/csms/routes.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import type { CsToCsmsAction, Ocpp201Action } from '../../src/ocpp/actions.js';
import { PresenceWriter } from '../../src/ocpp/presence.js';
import { loadOcppSchemas } from '../../src/ocpp/schemas.js';
import { createOcppServer, type OcppServer } from '../../src/ocpp/server.js';
import { admitRegisteredStations } from '../../src/ocpp/upgrade-auth.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore, type Store } from '../../src/store/store.js';
import type { TestDatabase } from '../helpers/test-db.js';

export interface SigningCsms {
  db: Db;
  store: Store;
  ca: CaService;
  ocpp: OcppServer;
  signing: CertificateSigning;
  metrics: Metrics;
  ocppUrl: string;
  stop(): Promise<void>;
}

export type HarnessOptions = Partial<Omit<CertificateSigningOptions, 'store' | 'ca' | 'bus' | 'log'>>;

export async function startSigningCsms(tdb: TestDatabase, options: HarnessOptions = {}): Promise<SigningCsms> {
  const log = silentLogger();
  const metrics = createMetrics();
  const now = options.now ?? (() => new Date());
  // Step 1: storage, as main.ts.
  const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
  await migrate(db);
  const store = createStore(db);
  await store.stations.markAllDisconnected(new Date());
  // Step 3: the CA over the same KEK file as `plugtrust pki init`.
  const ca = createCaService({ store, kek: kekSource({ dataDir: tdb.dataDir, log }), publicBaseUrl: 'http://127.0.0.1:8080', log, now });
  // Step 4: the OCPP server, with the SignCertificate handler and the outbox woken on connect.
  let signing: CertificateSigning | null = null;
  let ocpp: OcppServer | null = null;
  signing = startCertificateSigning({ store, ca, bus: () => ocpp?.bus ?? null, log, cpoName: 'Test CPO', now, outboxPollIntervalMs: 200, ...options });
  const routes = buildRoutes({ store, heartbeatIntervalS: 300, bootRetryIntervalS: 30, signCertificate: signing.handlers.SignCertificate, metrics });
  const routeOf = (action: Ocpp201Action) => (action in routes ? routes[action as CsToCsmsAction] : undefined);
  const writer = new PresenceWriter(store.stations, log);
  const running = signing;
  const presence = {
    seen: (id: string, at: Date) => writer.seen(id, at),
    connected: (id: string, at: Date) => {
      writer.connected(id, at);
      running.outbox.stationConnected(id);
    },
    disconnected: (id: string, at: Date) => writer.disconnected(id, at),
  };
  ocpp = createOcppServer({
    stations: store.stations,
    events: store.events,
    authenticator: admitRegisteredStations,
    presence,
    autoRegister: false,
    maxFrameBytes: 262144,
    metrics,
    log,
    connection: {
      validator: loadOcppSchemas(),
      route: routeOf,
      allowedBeforeAccepted: ALLOWED_BEFORE_ACCEPTED,
      permitAfterAnswer,
      permitTtlMs: PERMIT_TTL_MS,
      recordFrame: () => undefined,
      metrics,
      log,
      recordPayloads: false,
      callTimeoutMs: 5000,
      maxBufferedBytes: 1 << 20,
      pingIntervalMs: 0,
      now: () => new Date(),
    },
  });
  const server = ocpp;
  await new Promise<void>((resolve) => server.http.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const port = (server.http.address() as AddressInfo).port;
  return {
    db, store, ca, ocpp: server, signing: running, metrics,
    ocppUrl: `ws://127.0.0.1:${port}/ocpp`,
    async stop() {
      await running.close();
      await server.close();
      await writer.close();
      await db.close();
    },
  };
}
