// The decision at the WebSocket upgrade, before any OCPP frame: may this request speak for this
// station? Security profiles (HTTP Basic, TLS client certificates) plug in here; a refusal is
// answered with an HTTP status and no detail that helps an attacker.
import type { IncomingMessage } from 'node:http';
import type { Station } from '../store/stations.js';

export type UpgradeDecision = { ok: true } | { ok: false; status: 401 | 403 | 429; reason: string };

export interface UpgradeAuthenticator {
  authenticate(req: IncomingMessage, station: Station): Promise<UpgradeDecision> | UpgradeDecision;
}

/** Admits every registered station: the behaviour before security profiles are enforced. */
export const admitRegisteredStations: UpgradeAuthenticator = { authenticate: () => ({ ok: true }) };
