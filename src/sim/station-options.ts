// What a simulated station is configured with, and the defaults that make it behave like a
// freshly installed station.
import type { ClientOptions } from 'ws';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { VariableSeed } from './device-variables.js';

export interface ConnectorRef {
  evseId: number;
  connectorId: number;
}

/** OCPP 2.0.1 ChargingStationType, as sent in BootNotificationRequest. */
export interface ChargingStationInfo {
  vendorName: string;
  model: string;
  serialNumber?: string;
  firmwareVersion?: string;
}

export interface StationOptions {
  /** The CSMS's OCPP endpoint without the identity: ws(s)://HOST:PORT/ocpp */
  url: string;
  stationId: string;
  chargingStation?: ChargingStationInfo;
  connectors?: readonly ConnectorRef[];
  /** Behave like a station: heartbeat and report connectors after an Accepted boot, reconnect
   *  after a drop. Scripts turn this off so that only their own steps reach the wire. */
  automatic?: boolean;
  /** Heartbeat every this many seconds instead of the interval the CSMS sent. */
  heartbeatIntervalS?: number;
  /** Caps the wait after a Pending or Rejected boot (the CSMS's interval can be minutes). */
  maxBootWaitMs?: number;
  callTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  /** Offer permessage-deflate (RFC 7692). */
  deflate?: boolean;
  /** Security profile 1: HTTP Basic with the identity as user name (OCPP 2.0.1 Part 2, A00). */
  password?: string;
  /** Local address to bind the TCP socket to, e.g. 127.0.0.2, to spread a fleet over ports. */
  localAddress?: string;
  /** false: stay disconnected after a drop. */
  reconnect?: false | Partial<BackoffPolicy>;
  /** Send BootNotification again after every reconnect, as after a power loss. Without it a
   *  station that was Accepted only resumes heartbeats (a CSMS restart is not a station reboot). */
  rebootOnReconnect?: boolean;
  variables?: readonly VariableSeed[];
}

export type ResolvedStationOptions = Required<Omit<StationOptions, 'password' | 'localAddress' | 'heartbeatIntervalS' | 'reconnect'>> &
  Pick<StationOptions, 'password' | 'localAddress' | 'heartbeatIntervalS'> & { reconnect: false | BackoffPolicy };

export const DEFAULT_STATION_ID = 'CS001';
export const DEFAULT_CHARGING_STATION: ChargingStationInfo = { vendorName: 'PlugTrust', model: 'Simulator' };

export function resolveStationOptions(o: StationOptions): ResolvedStationOptions {
  return {
    url: o.url,
    stationId: o.stationId,
    chargingStation: o.chargingStation ?? DEFAULT_CHARGING_STATION,
    connectors: o.connectors ?? [{ evseId: 1, connectorId: 1 }],
    automatic: o.automatic ?? true,
    maxBootWaitMs: o.maxBootWaitMs ?? Number.POSITIVE_INFINITY,
    callTimeoutMs: o.callTimeoutMs ?? 30_000,
    handshakeTimeoutMs: o.handshakeTimeoutMs ?? 10_000,
    deflate: o.deflate ?? false,
    reconnect: o.reconnect === false ? false : { ...DEFAULT_BACKOFF, ...o.reconnect },
    rebootOnReconnect: o.rebootOnReconnect ?? false,
    variables: o.variables ?? [],
    ...(o.password === undefined ? {} : { password: o.password }),
    ...(o.localAddress === undefined ? {} : { localAddress: o.localAddress }),
    ...(o.heartbeatIntervalS === undefined ? {} : { heartbeatIntervalS: o.heartbeatIntervalS }),
  };
}

/** ws://host:port/ocpp + CS001 -> ws://host:port/ocpp/CS001 (Part 4 §3.1.1). */
export function stationEndpoint(url: string, stationId: string): string {
  return `${url.replace(/\/+$/, '')}/${encodeURIComponent(stationId)}`;
}

/** ws client options: subprotocol negotiation is the caller's; deflate only when asked for. */
export function buildClientOptions(o: ResolvedStationOptions): ClientOptions {
  const options: ClientOptions = {
    handshakeTimeout: o.handshakeTimeoutMs,
    // No context takeover keeps a fleet's zlib memory per message, not per connection.
    perMessageDeflate: o.deflate ? { clientNoContextTakeover: true, serverNoContextTakeover: true } : false,
  };
  if (o.localAddress !== undefined) options.localAddress = o.localAddress;
  if (o.password !== undefined) options.headers = { authorization: `Basic ${Buffer.from(`${o.stationId}:${o.password}`).toString('base64')}` };
  return options;
}
