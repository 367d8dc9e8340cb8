// Revocations to run later: the certificate a newly installed one replaces, after a grace period
// (jobs/certificate-renewal.ts runs them through the CA).
import type { Queryable } from './db.js';
import { pgText } from './text.js';

export interface ScheduledRevocation {
  serial: Uint8Array;
  reason: string;
  dueAt: Date;
  requestedBy: string;
}

export interface ScheduledRevocationRepo {
  /** Schedules once: a serial already scheduled keeps its first due time. */
  schedule(r: ScheduledRevocation, tx?: Queryable): Promise<void>;
  due(now: Date, limit: number): Promise<ScheduledRevocation[]>;
  markDone(serial: Uint8Array, at: Date): Promise<void>;
  markFailed(serial: Uint8Array, error: string): Promise<void>;
  pendingFor(serials: readonly Uint8Array[]): Promise<ScheduledRevocation[]>;
}

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

interface Row {
  serial: Buffer;
  reason: string;
  due_at: Date;
  requested_by: string;
}
const toRow = (r: Row): ScheduledRevocation => ({ serial: new Uint8Array(r.serial), reason: r.reason, dueAt: r.due_at, requestedBy: r.requested_by });

export function scheduledRevocationRepo(db: Queryable): ScheduledRevocationRepo {
  return {
    async schedule(r, tx = db) {
      await tx.query('INSERT INTO scheduled_revocations (serial, reason, due_at, requested_by) VALUES ($1, $2, $3, $4) ON CONFLICT (serial) DO NOTHING', [buf(r.serial), r.reason, r.dueAt, r.requestedBy]);
    },
    async due(now, limit) {
      const { rows } = await db.query<Row>('SELECT serial, reason, due_at, requested_by FROM scheduled_revocations WHERE done_at IS NULL AND due_at <= $1 ORDER BY due_at LIMIT $2', [now, limit]);
      return rows.map(toRow);
    },
    async markDone(serial, at) {
      await db.query('UPDATE scheduled_revocations SET done_at = $2, last_error = NULL WHERE serial = $1', [buf(serial), at]);
    },
    async markFailed(serial, error) {
      await db.query('UPDATE scheduled_revocations SET last_error = $2 WHERE serial = $1', [buf(serial), pgText(error)]);
    },
    async pendingFor(serials) {
      if (serials.length === 0) return [];
      const { rows } = await db.query<Row>('SELECT serial, reason, due_at, requested_by FROM scheduled_revocations WHERE done_at IS NULL AND serial = ANY($1::bytea[])', [serials.map(buf)]);
      return rows.map(toRow);
    },
  };
}
