// Delivers the outbox of CSMS-initiated CALLs (ARCHITECTURE: jobs/outbox). A row is sent when its
// station is connected, retried with exponential backoff when the station gives no usable answer,
// and expires with its request. Rows live in the database, so a restart between the answer to
// SignCertificate and the delivery of CertificateSigned loses nothing: the first tick after start
// picks up every pending row.
import type { Logger } from '../log.js';
import { OcppRpcError } from '../ocpp/rpc-error.js';
import type { CallAnswer, StationBus } from '../ocpp/station-bus.js';
import type { OutboxRow } from '../store/outbox.js';
import type { Store } from '../store/store.js';
import { startPollLoop, type LoopWork, type PollLoop } from './poll-loop.js';

/** What the outbox does for one action: build the payload, act on the answer, clean up on expiry. */
export interface OutboxAction {
  /** Builds the payload of a row stored without one; null gives the row up. */
  prepare?(row: OutboxRow): Promise<unknown>;
  onAnswer(row: OutboxRow, answer: CallAnswer): Promise<'done' | 'retry'>;
  onExpired?(row: OutboxRow): Promise<void>;
}

export interface OutboxOptions {
  store: Pick<Store, 'outbox'>;
  bus: Pick<StationBus, 'call' | 'isConnected'>;
  actions: Readonly<Record<string, OutboxAction>>;
  log: Logger;
  now: () => Date;
  /** How often due rows are looked for. */
  pollIntervalMs?: number;
  /** Backoff after a failed attempt: base * 2^(attempts - 1), at most max. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How soon a row for a station that is not connected is looked at again. */
  offlineRecheckMs?: number;
  batchSize?: number;
}

/** kick() after a new row; tick() resolves when the rows it started are delivered or rescheduled. */
export type Outbox = PollLoop;

export const OUTBOX_DEFAULTS = { pollIntervalMs: 1000, backoffBaseMs: 5000, backoffMaxMs: 5 * 60_000, offlineRecheckMs: 5000, batchSize: 50 } as const;

export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

export function startOutbox(opts: OutboxOptions): Outbox {
  const cfg = { ...OUTBOX_DEFAULTS, ...definedOnly(opts) };
  const { store, bus, log, now } = opts;

  async function deliver(row: OutboxRow): Promise<void> {
    const action = opts.actions[row.action];
    if (!action) return store.outbox.abandon(row.id, `no outbox handler for ${row.action}`);
    // Step 1: the payload, built once and stored (a certificate is issued once).
    let payload = row.payload;
    if (payload === null && action.prepare) {
      payload = await action.prepare(row);
      if (payload === null) return store.outbox.abandon(row.id, 'the payload could not be built');
    }
    // Step 2: only to a connected station; not an attempt otherwise.
    if (!bus.isConnected(row.stationId)) return store.outbox.reschedule(row.id, new Date(now().getTime() + cfg.offlineRecheckMs), 'station not connected', false);
    // Step 3: send and wait for the answer.
    let answer: CallAnswer;
    try {
      answer = await bus.call(row.stationId, row.action, payload);
    } catch (err) {
      const code = err instanceof OcppRpcError ? err.code : 'Error';
      const lostConnection = code === 'StationNotConnected' || code === 'ConnectionClosed';
      const delay = lostConnection ? cfg.offlineRecheckMs : backoffMs(row.attempts + 1, cfg.backoffBaseMs, cfg.backoffMaxMs);
      log.warn({ err, stationId: row.stationId, action: row.action, outboxId: row.id }, 'outbox delivery failed; will retry');
      return store.outbox.reschedule(row.id, new Date(now().getTime() + delay), `${code}: ${(err as Error).message}`, !lostConnection);
    }
    // Step 4: the answer decides: done, or another attempt after backoff.
    const outcome = await action.onAnswer({ ...row, payload }, answer);
    if (outcome === 'done') return store.outbox.markDelivered(row.id, answer, now());
    const error = answer.kind === 'error' ? `${answer.errorCode}: ${answer.errorDescription}` : 'answer asks for a retry';
    return store.outbox.reschedule(row.id, new Date(now().getTime() + backoffMs(row.attempts + 1, cfg.backoffBaseMs, cfg.backoffMaxMs)), error, true);
  }

  async function pass(work: LoopWork): Promise<void> {
    // Expired rows first: their requests expire with them.
    for (const row of await store.outbox.expire(now())) {
      await opts.actions[row.action]?.onExpired?.(row).catch((err: unknown) => log.error({ err, outboxId: row.id }, 'outbox expiry handler failed'));
    }
    for (const row of await store.outbox.due(now(), cfg.batchSize)) {
      if (work.inFlight.has(row.id) || work.closed) continue;
      work.start(
        row.id,
        deliver(row).catch((err: unknown) => log.error({ err, outboxId: row.id, stationId: row.stationId }, 'outbox delivery crashed')),
      );
    }
  }

  // The first pass runs at once: rows left pending by a previous process are picked up.
  return startPollLoop({ name: 'outbox', log, pollIntervalMs: cfg.pollIntervalMs, pass, wakeStations: (stationIds) => store.outbox.wakeStations(stationIds, now()) });
}

function definedOnly(o: OutboxOptions): Partial<typeof OUTBOX_DEFAULTS> {
  const out: Partial<Record<keyof typeof OUTBOX_DEFAULTS, number>> = {};
  for (const k of Object.keys(OUTBOX_DEFAULTS) as (keyof typeof OUTBOX_DEFAULTS)[]) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as Partial<typeof OUTBOX_DEFAULTS>;
}
