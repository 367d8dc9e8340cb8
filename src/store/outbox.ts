// The outbox of CSMS-initiated CALLs (jobs/outbox.ts delivers it): a row survives restarts until
// the station answers or the row expires.
import type { Queryable } from './db.js';
import { pgJson, pgText } from './text.js';

export interface NewOutboxRow {
  stationId: string;
  action: string;
  /** Null until it can be built (a certificate not issued yet). */
  payload: unknown;
  signingRequestId: string | null;
  nextAttemptAt: Date;
  expiresAt: Date;
  createdAt: Date;
}

export interface OutboxRow {
  id: string;
  stationId: string;
  action: string;
  payload: unknown;
  signingRequestId: string | null;
  state: 'pending' | 'delivered' | 'expired';
  attempts: number;
  nextAttemptAt: Date;
  expiresAt: Date;
  lastError: string | null;
  answer: unknown;
}

export interface OutboxRepo {
  insert(tx: Queryable, row: NewOutboxRow): Promise<string>;
  /** Pending rows due at `now`, oldest first. */
  due(now: Date, limit: number): Promise<OutboxRow[]>;
  get(id: string): Promise<OutboxRow | null>;
  setPayload(tx: Queryable, id: string, payload: unknown): Promise<void>;
  markDelivered(id: string, answer: unknown, at: Date): Promise<void>;
  /** Tries again at `nextAttemptAt`; `attempted` counts a send that got no usable answer. */
  reschedule(id: string, nextAttemptAt: Date, error: string, attempted: boolean): Promise<void>;
  /** Pending rows past their expiry become expired; returns them. */
  expire(now: Date): Promise<OutboxRow[]>;
  /** Gives a row up (its payload cannot be built). */
  abandon(id: string, error: string): Promise<void>;
  /** Makes these stations' pending rows due now (they have just connected). */
  /** Makes the stations' pending CALLs due now; returns how many pending CALLs they have. */
  wakeStations(stationIds: readonly string[], now: Date): Promise<number>;
  /** Expires the pending rows of these signing requests (superseded by a newer one). */
  expireForRequests(ids: readonly string[]): Promise<void>;
}

interface Row {
  id: string;
  station_id: string;
  action: string;
  payload: unknown;
  signing_request_id: string | null;
  state: OutboxRow['state'];
  attempts: number;
  next_attempt_at: Date;
  expires_at: Date;
  last_error: string | null;
  answer: unknown;
}

const COLUMNS = 'id, station_id, action, payload, signing_request_id, state, attempts, next_attempt_at, expires_at, last_error, answer';

const toRow = (r: Row): OutboxRow => ({
  id: String(r.id),
  stationId: r.station_id,
  action: r.action,
  payload: r.payload,
  signingRequestId: r.signing_request_id === null ? null : String(r.signing_request_id),
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  expiresAt: r.expires_at,
  lastError: r.last_error,
  answer: r.answer,
});

export function outboxRepo(db: Queryable): OutboxRepo {
  return {
    async insert(tx, row) {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO ocpp_outbox (station_id, action, payload, signing_request_id, state, next_attempt_at, expires_at, created_at)
         VALUES ($1, $2, $3::jsonb, $4, 'pending', $5, $6, $7) RETURNING id`,
        [row.stationId, row.action, row.payload === null ? null : pgJson(row.payload), row.signingRequestId, row.nextAttemptAt, row.expiresAt, row.createdAt],
      );
      return String(rows[0]?.id);
    },
    async due(now, limit) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM ocpp_outbox WHERE state = 'pending' AND next_attempt_at <= $1 AND expires_at > $1 ORDER BY next_attempt_at, id LIMIT $2`,
        [now, limit],
      );
      return rows.map(toRow);
    },
    async get(id) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM ocpp_outbox WHERE id = $1`, [id]);
      return rows[0] ? toRow(rows[0]) : null;
    },
    async setPayload(tx, id, payload) {
      await tx.query('UPDATE ocpp_outbox SET payload = $2::jsonb WHERE id = $1', [id, pgJson(payload)]);
    },
    async markDelivered(id, answer, at) {
      await db.query(`UPDATE ocpp_outbox SET state = 'delivered', answer = $2::jsonb, delivered_at = $3, attempts = attempts + 1 WHERE id = $1`, [id, pgJson(answer), at]);
    },
    async reschedule(id, nextAttemptAt, error, attempted) {
      await db.query(`UPDATE ocpp_outbox SET next_attempt_at = $2, last_error = $3, attempts = attempts + $4 WHERE id = $1 AND state = 'pending'`, [id, nextAttemptAt, pgText(error), attempted ? 1 : 0]);
    },
    async expire(now) {
      const { rows } = await db.query<Row>(`UPDATE ocpp_outbox SET state = 'expired' WHERE state = 'pending' AND expires_at <= $1 RETURNING ${COLUMNS}`, [now]);
      return rows.map(toRow);
    },
    async abandon(id, error) {
      await db.query(`UPDATE ocpp_outbox SET state = 'expired', last_error = $2 WHERE id = $1 AND state = 'pending'`, [id, pgText(error)]);
    },
    async wakeStations(stationIds, now) {
      const { rowCount } = await db.query(`UPDATE ocpp_outbox SET next_attempt_at = LEAST(next_attempt_at, $2) WHERE station_id = ANY($1::text[]) AND state = 'pending'`, [stationIds, now]);
      return rowCount;
    },
    async expireForRequests(ids) {
      if (ids.length === 0) return;
      await db.query(`UPDATE ocpp_outbox SET state = 'expired', last_error = 'superseded by a newer request' WHERE state = 'pending' AND signing_request_id = ANY($1::bigint[])`, [ids]);
    },
  };
}
