// Every certificate we issue, from the moment its serial is reserved. The batched statements
// serve the issuance cycle (src/ca/issue-certificate.ts); the rest serves revocation, OCSP, CRLs
// and listings.
import type { Queryable } from './db.js';

export type CertificateStatus = 'reserved' | 'signing' | 'issued' | 'failed';

export interface CertificateRow {
  serial: Uint8Array;
  issuerId: string;
  profile: string;
  status: CertificateStatus;
  subject: string | null;
  identity: string | null;
  notBefore: Date | null;
  notAfter: Date | null;
  der: Uint8Array | null;
  requestedBy: string;
  reservedAt: Date;
  issuedAt: Date | null;
  revokedAt: Date | null;
  revocationReason: string | null;
}

export interface Reservation {
  serial: Uint8Array;
  issuerId: string;
  profile: string;
  requestedBy: string;
}

export interface SigningIntent {
  serial: Uint8Array;
  tbs: Uint8Array;
  subject: string;
  identity: string | null;
  keySha256: Uint8Array;
  notBefore: Date;
  notAfter: Date;
}

export interface RevokedEntry {
  serial: Uint8Array;
  revokedAt: Date;
  reason: string | null;
}

export interface CertificateListFilter {
  issuerId?: string;
  profile?: string;
  identity?: string;
  status?: CertificateStatus;
  requestedBy?: string;
  limit: number;
  /** Keyset pagination: serials after this one (hex) in serial order. */
  after?: Uint8Array;
}

export interface CertificateRepo {
  /** Step 1: inserts reservations; returns the serials that were free (others collided). */
  reserve(items: readonly Reservation[]): Promise<Set<string>>;
  /** Step 4: records what is about to be signed; returns the serials updated. */
  markSigning(items: readonly SigningIntent[]): Promise<Set<string>>;
  /** Step 6: the signed certificate, in the caller's transaction. */
  markIssued(tx: Queryable, items: readonly { serial: Uint8Array; der: Uint8Array }[], at: Date): Promise<number>;
  markFailed(serials: readonly Uint8Array[]): Promise<void>;
  /** NOTIFY other sessions in the caller's transaction (delivered at commit). */
  notify(tx: Queryable, channel: string, payload: string): Promise<void>;
  /** A self-signed root's own certificate, stored issued in the caller's transaction. */
  insertIssued(tx: Queryable, r: { serial: Uint8Array; issuerId: string; profile: string; subject: string; identity: string | null; keySha256: Uint8Array; notBefore: Date; notAfter: Date; tbs: Uint8Array; der: Uint8Array; requestedBy: string }): Promise<void>;
  get(serial: Uint8Array): Promise<CertificateRow | null>;
  list(filter: CertificateListFilter): Promise<CertificateRow[]>;
  /** The identities (other than `identity`) holding a live certificate for this key. */
  identitiesForKey(keySha256: Uint8Array): Promise<string[]>;
  /** Sets revocation once; returns the row as it is afterwards, or null when not an issued certificate. */
  revoke(tx: Queryable, serial: Uint8Array, at: Date, reason: string | null): Promise<{ row: CertificateRow; changed: boolean } | null>;
  /** Revoked and unexpired at `now` (expired entries may leave the CRL, RFC 5280 3.3). */
  revokedFor(issuerId: string, now: Date): Promise<RevokedEntry[]>;
  /** Status for OCSP: null when the serial is not ours under this issuer. */
  statusOf(issuerId: string, serial: Uint8Array): Promise<{ status: CertificateStatus; revokedAt: Date | null; reason: string | null } | null>;
}

interface Row {
  serial: Buffer;
  issuer_id: string;
  profile: string;
  status: CertificateStatus;
  subject: string | null;
  identity: string | null;
  not_before: Date | null;
  not_after: Date | null;
  der: Buffer | null;
  requested_by: string;
  reserved_at: Date;
  issued_at: Date | null;
  revoked_at: Date | null;
  revocation_reason: string | null;
}

const COLUMNS = 'serial, issuer_id, profile, status, subject, identity, not_before, not_after, der, requested_by, reserved_at, issued_at, revoked_at, revocation_reason';
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

const toRow = (r: Row): CertificateRow => ({
  serial: new Uint8Array(r.serial),
  issuerId: r.issuer_id,
  profile: r.profile,
  status: r.status,
  subject: r.subject,
  identity: r.identity,
  notBefore: r.not_before,
  notAfter: r.not_after,
  der: r.der ? new Uint8Array(r.der) : null,
  requestedBy: r.requested_by,
  reservedAt: r.reserved_at,
  issuedAt: r.issued_at,
  revokedAt: r.revoked_at,
  revocationReason: r.revocation_reason,
});

export function certificateRepo(db: Queryable): CertificateRepo {
  return {
    async reserve(items) {
      const { rows } = await db.query<{ serial: Buffer }>(
        `INSERT INTO certificates (serial, issuer_id, profile, requested_by, status)
         SELECT s, i, p, r, 'reserved' FROM unnest($1::bytea[], $2::text[], $3::text[], $4::text[]) AS v(s, i, p, r)
         ON CONFLICT (serial) DO NOTHING RETURNING serial`,
        [items.map((i) => buf(i.serial)), items.map((i) => i.issuerId), items.map((i) => i.profile), items.map((i) => i.requestedBy)],
      );
      return new Set(rows.map((r) => r.serial.toString('hex')));
    },
    async markSigning(items) {
      const { rows } = await db.query<{ serial: Buffer }>(
        `UPDATE certificates c SET status = 'signing', tbs = v.t, subject = v.su, identity = v.id, key_sha256 = v.k, not_before = v.nb, not_after = v.na
         FROM unnest($1::bytea[], $2::bytea[], $3::text[], $4::text[], $5::bytea[], $6::timestamptz[], $7::timestamptz[]) AS v(s, t, su, id, k, nb, na)
         WHERE c.serial = v.s AND c.status = 'reserved' RETURNING c.serial`,
        [
          items.map((i) => buf(i.serial)),
          items.map((i) => buf(i.tbs)),
          items.map((i) => i.subject),
          items.map((i) => i.identity),
          items.map((i) => buf(i.keySha256)),
          items.map((i) => i.notBefore),
          items.map((i) => i.notAfter),
        ],
      );
      return new Set(rows.map((r) => r.serial.toString('hex')));
    },
    async markIssued(tx, items, at) {
      const r = await tx.query(
        `UPDATE certificates c SET status = 'issued', der = v.d, issued_at = $3
         FROM unnest($1::bytea[], $2::bytea[]) AS v(s, d) WHERE c.serial = v.s AND c.status = 'signing'`,
        [items.map((i) => buf(i.serial)), items.map((i) => buf(i.der)), at],
      );
      return r.rowCount;
    },
    async markFailed(serials) {
      if (serials.length === 0) return;
      await db.query(`UPDATE certificates SET status = 'failed' WHERE serial = ANY($1::bytea[]) AND status IN ('reserved', 'signing')`, [serials.map(buf)]);
    },
    async notify(tx, channel, payload) {
      await tx.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
    async insertIssued(tx, r) {
      await tx.query(
        `INSERT INTO certificates (serial, issuer_id, profile, status, subject, identity, key_sha256, not_before, not_after, tbs, der, requested_by, issued_at)
         VALUES ($1, $2, $3, 'issued', $4, $5, $6, $7, $8, $9, $10, $11, now())`,
        [buf(r.serial), r.issuerId, r.profile, r.subject, r.identity, buf(r.keySha256), r.notBefore, r.notAfter, buf(r.tbs), buf(r.der), r.requestedBy],
      );
    },
    async get(serial) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM certificates WHERE serial = $1`, [buf(serial)]);
      return rows[0] ? toRow(rows[0]) : null;
    },
    async list(f) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: string, v: unknown): void => {
        params.push(v);
        where.push(sql.replace('?', `$${params.length}`));
      };
      if (f.issuerId) add('issuer_id = ?', f.issuerId);
      if (f.profile) add('profile = ?', f.profile);
      if (f.identity) add('identity = ?', f.identity);
      if (f.status) add('status = ?', f.status);
      if (f.requestedBy) add('requested_by = ?', f.requestedBy);
      if (f.after) add('serial > ?', buf(f.after));
      params.push(f.limit);
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM certificates ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY serial LIMIT $${params.length}`, params);
      return rows.map(toRow);
    },
    async identitiesForKey(keySha256) {
      const { rows } = await db.query<{ identity: string | null }>(
        `SELECT DISTINCT identity FROM certificates WHERE key_sha256 = $1 AND status = 'issued' AND revoked_at IS NULL`,
        [buf(keySha256)],
      );
      return rows.map((r) => r.identity ?? '');
    },
    async revoke(tx, serial, at, reason) {
      const upd = await tx.query<Row>(
        `UPDATE certificates SET revoked_at = $2, revocation_reason = $3 WHERE serial = $1 AND status = 'issued' AND revoked_at IS NULL RETURNING ${COLUMNS}`,
        [buf(serial), at, reason],
      );
      if (upd.rows[0]) return { row: toRow(upd.rows[0]), changed: true };
      const { rows } = await tx.query<Row>(`SELECT ${COLUMNS} FROM certificates WHERE serial = $1 AND status = 'issued'`, [buf(serial)]);
      return rows[0] ? { row: toRow(rows[0]), changed: false } : null;
    },
    async revokedFor(issuerId, now) {
      const { rows } = await db.query<{ serial: Buffer; revoked_at: Date; revocation_reason: string | null }>(
        `SELECT serial, revoked_at, revocation_reason FROM certificates WHERE issuer_id = $1 AND revoked_at IS NOT NULL AND not_after > $2 ORDER BY serial`,
        [issuerId, now],
      );
      return rows.map((r) => ({ serial: new Uint8Array(r.serial), revokedAt: r.revoked_at, reason: r.revocation_reason }));
    },
    async statusOf(issuerId, serial) {
      const { rows } = await db.query<{ status: CertificateStatus; revoked_at: Date | null; revocation_reason: string | null }>(
        'SELECT status, revoked_at, revocation_reason FROM certificates WHERE serial = $1 AND issuer_id = $2',
        [buf(serial), issuerId],
      );
      const r = rows[0];
      return r ? { status: r.status, revokedAt: r.revoked_at, reason: r.revocation_reason } : null;
    },
  };
}
