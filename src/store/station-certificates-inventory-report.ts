// The fleet certificate report: every certificate every station reported (M03) and every
// certificate our CA issued, one row each, with expiry; sorted and paged in SQL.
import type { Queryable } from './db.js';
import { KNOWN_JOIN } from './station-certificates-inventory-sql.js';

export type ReportSource = 'station' | 'issued';
export type ReportSort = 'notAfter' | 'subject' | 'stationId' | 'use' | 'source' | 'serialNumber' | 'recordedAt';

export interface ReportQuery {
  source: ReportSource | null;
  /** Only certificates whose notAfter is before this (expired or expiring); unknown expiry is left out. */
  expiresBefore: Date | null;
  sort: ReportSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** False skips counting the matching rows (total is then -1): an export reads them all anyway. */
  countTotal?: boolean;
}

export interface ReportRow {
  source: ReportSource;
  /** The station that reported it (source station). */
  stationId: string | null;
  /** GetCertificateIdUseEnumType for a station row; the CA profile for an issued one. */
  use: string;
  /** True for a child certificate of a V2GCertificateChain. */
  child: boolean;
  subject: string | null;
  serialNumber: string;
  hashAlgorithm: string | null;
  issuerNameHash: string | null;
  issuerKeyHash: string | null;
  /** The issuing CA (source issued). */
  issuerId: string | null;
  /** The identity the certificate was issued to (station id, eMAID...; source issued). */
  identity: string | null;
  notAfter: Date | null;
  revokedAt: Date | null;
  /** When the station reported it, or when we issued it. */
  recordedAt: Date;
}

const SORT_COLUMNS: Readonly<Record<ReportSort, string>> = {
  notAfter: 'not_after',
  subject: 'subject',
  stationId: 'station_id',
  use: 'use',
  source: 'source',
  serialNumber: 'serial_number',
  recordedAt: 'recorded_at',
};

const ROWS = `
  SELECT 'station' AS source, i.station_id, i.certificate_type AS use, (i.parent_id IS NOT NULL) AS child, coalesce(k.subject, c.subject) AS subject,
         i.serial_number, i.hash_algorithm, i.issuer_name_hash, i.issuer_key_hash, NULL::text AS issuer_id, NULL::text AS identity,
         coalesce(k.not_after, c.not_after) AS not_after, NULL::timestamptz AS revoked_at, i.reported_at AS recorded_at, 's' || lpad(i.id::text, 20, '0') AS row_key
    FROM station_certificate_inventory i ${KNOWN_JOIN}
  UNION ALL
  SELECT 'issued', NULL, c.profile, false, c.subject, ltrim(encode(c.serial, 'hex'), '0'), NULL, NULL, NULL, c.issuer_id, c.identity,
         c.not_after, c.revoked_at, c.issued_at, 'i' || encode(c.serial, 'hex')
    FROM certificates c WHERE c.status = 'issued'`;

interface Row {
  source: ReportSource;
  station_id: string | null;
  use: string;
  child: boolean;
  subject: string | null;
  serial_number: string;
  hash_algorithm: string | null;
  issuer_name_hash: string | null;
  issuer_key_hash: string | null;
  issuer_id: string | null;
  identity: string | null;
  not_after: Date | null;
  revoked_at: Date | null;
  recorded_at: Date;
}

function where(q: ReportQuery): { sql: string; params: unknown[] } {
  return { sql: 'WHERE ($1::text IS NULL OR source = $1) AND ($2::timestamptz IS NULL OR not_after < $2)', params: [q.source, q.expiresBefore] };
}

export async function fleetReport(db: Queryable, q: ReportQuery): Promise<{ total: number; rows: ReportRow[] }> {
  const w = where(q);
  const dir = q.order === 'desc' ? 'DESC' : 'ASC';
  // Whitelisted column; ties broken by a unique key so that pages never overlap.
  const order = `${SORT_COLUMNS[q.sort]} ${dir} NULLS LAST, row_key ${dir}`;
  const [{ rows }, count] = await Promise.all([
    db.query<Row>(`SELECT * FROM (${ROWS}) r ${w.sql} ORDER BY ${order} LIMIT $3 OFFSET $4`, [...w.params, q.limit, q.offset]),
    q.countTotal === false ? null : db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${ROWS}) r ${w.sql}`, w.params),
  ]);
  return {
    total: count === null ? -1 : (count.rows[0]?.n ?? 0),
    rows: rows.map((r) => ({
      source: r.source,
      stationId: r.station_id,
      use: r.use,
      child: r.child,
      subject: r.subject,
      serialNumber: r.serial_number,
      hashAlgorithm: r.hash_algorithm,
      issuerNameHash: r.issuer_name_hash,
      issuerKeyHash: r.issuer_key_hash,
      issuerId: r.issuer_id,
      identity: r.identity,
      notAfter: r.not_after,
      revokedAt: r.revoked_at,
      recordedAt: r.recorded_at,
    })),
  };
}
