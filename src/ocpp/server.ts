// The OCPP-J WebSocket server: the upgrade pipeline (path -> identity -> registry -> auth ->
// subprotocol), the registry of live connections, and the local StationBus over it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type PerMessageDeflateOptions, type WebSocket } from 'ws';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { EventRepo } from '../store/events.js';
import type { StationRepo, Station, RegistrationStatus } from '../store/stations.js';
import { CSMS_TO_CS_ACTIONS } from './actions.js';
import { StationConnection, type ConnectionDeps } from './connection.js';
import { parseStationPath } from './identity.js';
import { DEFLATE_OPTIONS } from './deflate.js';
import { OcppRpcError } from './rpc-error.js';
import type { CallAnswer, CallOptions, StationBus } from './station-bus.js';
import type { UpgradeAuthenticator } from './upgrade-auth.js';

export const OCPP_SUBPROTOCOL = 'ocpp2.0.1';

export interface OcppServerOptions {
  stations: Pick<StationRepo, 'get' | 'ensure'>;
  events: Pick<EventRepo, 'insertSecurityEvent'>;
  authenticator: UpgradeAuthenticator;
  connection: Omit<ConnectionDeps, 'seen'>;
  presence: { seen(id: string, at: Date): void; connected(id: string, at: Date): void; disconnected(id: string, at: Date): void };
  autoRegister: false | { registrationStatus: RegistrationStatus };
  maxFrameBytes: number;
  /** permessage-deflate settings; the tuned DEFLATE_OPTIONS unless a test compares others. */
  perMessageDeflate?: PerMessageDeflateOptions | boolean;
  metrics: Metrics;
  log: Logger;
}

export interface OcppServer {
  readonly http: Server;
  /** Runs the same upgrade pipeline on another listener (the TLS port); closed with this server. */
  attach(server: Server | HttpsServer): void;
  readonly bus: StationBus;
  connectedCount(): number;
  /** Closes every connection (1001 going away) and stops accepting new ones. */
  close(): Promise<void>;
}

const CSMS_ACTIONS: ReadonlySet<string> = new Set(CSMS_TO_CS_ACTIONS);

export function createOcppServer(opts: OcppServerOptions): OcppServer {
  const { log, metrics } = opts;
  const connections = new Map<string, StationConnection>();
  const connDeps: ConnectionDeps = { ...opts.connection, seen: (id, at) => opts.presence.seen(id, at) };
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: opts.maxFrameBytes,
    perMessageDeflate: opts.perMessageDeflate ?? DEFLATE_OPTIONS,
    // Part 4 §3.1.2: pick ocpp2.0.1 if offered; otherwise complete the handshake without a
    // Sec-WebSocket-Protocol header and close at once (done in onOpen).
    handleProtocols: (offered) => (offered.has(OCPP_SUBPROTOCOL) ? OCPP_SUBPROTOCOL : false),
  });
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' }).end('OCPP-J: connect with a WebSocket to /ocpp/<stationId>\n');
  });
  const listeners: (Server | HttpsServer)[] = [];
  const attach = (server: Server | HttpsServer): void => {
    listeners.push(server);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => undefined);
      handleUpgrade(req, socket, head).catch((err: unknown) => {
        log.error({ err }, 'upgrade failed');
        refuse(socket, 500, 'internal');
      });
    });
  };
  attach(http);

  function refuse(socket: Duplex, status: number, reason: string): void {
    metrics.connectionsRefused.inc({ reason });
    if (socket.writable) {
      const text = STATUS_TEXT[status] ?? 'Error';
      socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Step 1: the path names a well-formed identity.
    const path = parseStationPath(req.url);
    if (!path.ok) return refuse(socket, path.status, path.reason);
    const id = path.identity;
    // Step 2: a registered station, or auto-registration for labs; unknown -> 404 before the upgrade.
    let station: Station | null = await opts.stations.get(id);
    if (!station && opts.autoRegister) {
      station = await opts.stations.ensure({ id, registrationStatus: opts.autoRegister.registrationStatus, securityProfile: 1, autoRegistered: true });
      log.info({ stationId: id }, 'station auto-registered');
    }
    if (!station) return refuse(socket, 404, 'unknown-station');
    // Step 3: authentication at the station's security profile.
    const decision = await opts.authenticator.authenticate(req, station);
    if (!decision.ok) {
      await securityEvent(id, 'ConnectionRefused', decision.reason, req);
      return refuse(socket, decision.status, 'unauthenticated');
    }
    if (socket.destroyed) return;
    // Step 4: the WebSocket handshake itself (ws answers 400 to a malformed one).
    const known = station;
    wss.handleUpgrade(req, socket, head, (ws) => onOpen(ws, known, req));
  }

  function onOpen(ws: WebSocket, station: Station, req: IncomingMessage): void {
    ws.on('error', (err) => log.debug({ err, stationId: station.id }, 'socket error'));
    if (ws.protocol !== OCPP_SUBPROTOCOL) {
      metrics.connectionsRefused.inc({ reason: 'subprotocol' });
      ws.close(1002, `subprotocol ${OCPP_SUBPROTOCOL} required`);
      return;
    }
    const remote = req.socket.remoteAddress ?? null;
    const conn = new StationConnection(ws, station.id, station.registrationStatus, remote, connDeps);
    // Only a fully authenticated connection with the right subprotocol gets here: only it may
    // displace a live session for the same identity.
    const previous = connections.get(station.id);
    connections.set(station.id, conn);
    if (previous) {
      previous.close(1000, 'replaced by a new connection');
      previous.onClosed();
      void securityEvent(station.id, 'ConnectionReplaced', `new connection from ${remote ?? 'unknown'}`, req);
    } else metrics.connectedStations.inc();
    const at = new Date();
    opts.presence.connected(station.id, at);
    log.debug({ stationId: station.id, remote }, 'station connected');
    ws.on('close', (code) => {
      conn.onClosed();
      if (connections.get(station.id) !== conn) return;
      connections.delete(station.id);
      metrics.connectedStations.dec();
      opts.presence.disconnected(station.id, new Date());
      log.debug({ stationId: station.id, code }, 'station disconnected');
    });
  }

  async function securityEvent(stationId: string, type: string, techInfo: string, req: IncomingMessage): Promise<void> {
    try {
      await opts.events.insertSecurityEvent({ stationId, source: 'csms', type, occurredAt: new Date(), techInfo, remoteAddr: req.socket.remoteAddress ?? null });
    } catch (err) {
      log.warn({ err, stationId, type }, 'could not store security event');
    }
  }

  const bus: StationBus = {
    call(stationId: string, action: string, payload: unknown, options: CallOptions = {}): Promise<CallAnswer> {
      if (!CSMS_ACTIONS.has(action) || !opts.connection.validator.hasAction(action)) {
        return Promise.reject(new OcppRpcError('UnknownAction', `${action} is not an OCPP 2.0.1 CSMS-to-station action`));
      }
      const violation = opts.connection.validator.validate(action, 'request', payload);
      if (violation) return Promise.reject(new OcppRpcError('InvalidPayload', violation.description, { violation }));
      const conn = connections.get(stationId);
      if (!conn) return Promise.reject(new OcppRpcError('StationNotConnected', `${stationId} is not connected`));
      return conn.call(action, payload, options.timeoutMs);
    },
    isConnected: (stationId) => connections.has(stationId),
  };

  return {
    http,
    bus,
    connectedCount: () => connections.size,
    attach,
    async close() {
      const closing = listeners.map((l) => new Promise<void>((resolve) => (l.listening ? l.close(() => resolve()) : resolve())));
      for (const conn of connections.values()) conn.close(1001, 'server shutting down');
      for (const l of listeners) l.closeAllConnections();
      connections.clear();
      await Promise.all(closing);
    },
  };
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error' };
