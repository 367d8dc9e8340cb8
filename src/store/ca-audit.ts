// The CA audit log: append-only, hash-chained (pki/audit-chain.ts). Appends happen inside the
// transaction of the action they record, under a transaction-scoped advisory lock so that two
// processes never fork the chain.
import { auditRecordHash, GENESIS_HASH, type AuditRecord } from '../../pki/audit-chain.js';
import { hexToBytes, bytesToHex } from '../../pki/der/writer.js';
import type { Queryable } from './db.js';

const AUDIT_LOCK_KEY = 7_245_118_202;

export type NewAuditRecord = Omit<AuditRecord, 'seq'>;
export type StoredAuditRecord = AuditRecord & { prevHash: Uint8Array; hash: Uint8Array };

export interface CaAuditRepo {
  /** Appends in order, within `tx`; returns the stored records. */
  append(tx: Queryable, records: readonly NewAuditRecord[]): Promise<StoredAuditRecord[]>;
  /** Records with seq > afterSeq, oldest first, at most `limit`. */
  page(afterSeq: number, limit: number): Promise<StoredAuditRecord[]>;
  /** Newest first, optionally for one serial (hex). */
  recent(limit: number, serialHex?: string): Promise<StoredAuditRecord[]>;
}

interface Row {
  seq: string;
  at: Date;
  actor: string;
  action: string;
  decision: string;
  issuer_id: string | null;
  serial: Buffer | null;
  profile: string | null;
  detail: Record<string, unknown>;
  prev_hash: Buffer;
  hash: Buffer;
}

const COLUMNS = 'seq, at, actor, action, decision, issuer_id, serial, profile, detail, prev_hash, hash';

function toRecord(r: Row): StoredAuditRecord {
  return {
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    action: r.action,
    decision: r.decision,
    issuerId: r.issuer_id,
    serial: r.serial ? bytesToHex(r.serial) : null,
    profile: r.profile,
    detail: r.detail,
    prevHash: new Uint8Array(r.prev_hash),
    hash: new Uint8Array(r.hash),
  };
}

export function caAuditRepo(db: Queryable): CaAuditRepo {
  return {
    async append(tx, records) {
      if (records.length === 0) return [];
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
      const { rows } = await tx.query<{ seq: string; hash: Buffer }>('SELECT seq, hash FROM ca_audit_log ORDER BY seq DESC LIMIT 1');
      let seq = rows[0] ? Number(rows[0].seq) : 0;
      let prev: Uint8Array = rows[0] ? new Uint8Array(rows[0].hash) : GENESIS_HASH;
      // Timestamps are stored with microseconds; keep them at milliseconds so the hash survives the trip.
      const stored = records.map((r) => {
        const record: AuditRecord = { ...r, seq: ++seq, at: new Date(Math.floor(r.at.getTime())), detail: JSON.parse(JSON.stringify(r.detail)) as Record<string, unknown> };
        const hash = auditRecordHash(prev, record);
        const out = { ...record, prevHash: prev, hash };
        prev = hash;
        return out;
      });
      await tx.query(
        `INSERT INTO ca_audit_log (${COLUMNS})
         SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::text[], $9::jsonb[], $10::bytea[], $11::bytea[])`,
        [
          stored.map((r) => r.seq),
          stored.map((r) => r.at),
          stored.map((r) => r.actor),
          stored.map((r) => r.action),
          stored.map((r) => r.decision),
          stored.map((r) => r.issuerId),
          stored.map((r) => (r.serial ? Buffer.from(hexToBytes(r.serial)) : null)),
          stored.map((r) => r.profile),
          stored.map((r) => JSON.stringify(r.detail)),
          stored.map((r) => Buffer.from(r.prevHash)),
          stored.map((r) => Buffer.from(r.hash)),
        ],
      );
      return stored;
    },
    async page(afterSeq, limit) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM ca_audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]);
      return rows.map(toRecord);
    },
    async recent(limit, serialHex) {
      const { rows } = serialHex
        ? await db.query<Row>(`SELECT ${COLUMNS} FROM ca_audit_log WHERE serial = $1 ORDER BY seq DESC LIMIT $2`, [Buffer.from(hexToBytes(serialHex)), limit])
        : await db.query<Row>(`SELECT ${COLUMNS} FROM ca_audit_log ORDER BY seq DESC LIMIT $1`, [limit]);
      return rows.map(toRecord);
    },
  };
}
