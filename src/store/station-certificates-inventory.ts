// The fleet certificate inventory (OCPP 2.0.1 Part 2 M03-M05): what each station last reported in
// GetInstalledCertificateIds, and the CA certificates we sent to stations (so that a report, which
// carries hash data only, can be shown with subject and expiry).
import type { Db, Queryable } from './db.js';
import { INVENTORY_KEY_SQL, KNOWN_JOIN } from './station-certificates-inventory-sql.js';
import { fleetReport, type ReportQuery, type ReportRow } from './station-certificates-inventory-report.js';
import { pgText } from './text.js';

export type InstalledCertificateType = 'V2GRootCertificate' | 'MORootCertificate' | 'CSMSRootCertificate' | 'V2GCertificateChain' | 'ManufacturerRootCertificate';

export interface HashData {
  hashAlgorithm: string;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

export interface KnownCertificate {
  fingerprint: Uint8Array;
  der: Uint8Array;
  subject: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** hashDataKey under every algorithm (src/inventory/hash-data.ts). */
  hashKeys: readonly string[];
}

export interface ReportedCertificate {
  certificateType: InstalledCertificateType;
  hashData: HashData;
  /** childCertificateHashData of a V2GCertificateChain entry. */
  children: readonly HashData[];
}

export interface InventoryEntry {
  id: string;
  certificateType: InstalledCertificateType;
  hashData: HashData;
  reportedAt: Date;
  /** Subject and validity when we know the certificate (we installed it, or our CA issued it). */
  subject: string | null;
  notAfter: Date | null;
  children: InventoryEntry[];
}

export interface InventoryRead {
  certificateType: string;
  readAt: Date;
  status: string;
}

export interface StationCertificateInventoryRepo {
  /** Remembers a CA certificate we send to stations (idempotent). */
  rememberCertificate(c: KnownCertificate): Promise<void>;
  getCertificate(fingerprint: Uint8Array): Promise<KnownCertificate | null>;
  /**
   * Replaces what is stored for `types` of one station with a fresh report (M03), in one
   * transaction; `status` is the station's GetInstalledCertificateIds status.
   */
  replaceReport(stationId: string, types: readonly InstalledCertificateType[], reported: readonly ReportedCertificate[], status: string, at: Date): Promise<void>;
  /**
   * Adds one certificate the station accepted (M05), unless the station already reported it under
   * this type (`knownKeys`: its hashDataKey under every algorithm, src/inventory/hash-data.ts).
   */
  addInstalled(stationId: string, certificateType: InstalledCertificateType, hashData: HashData, knownKeys: readonly string[], at: Date): Promise<void>;
  /** Removes the entries (of any type) carrying this hash data: the station deleted it (M04). */
  removeByHashData(stationId: string, hashData: HashData): Promise<number>;
  list(stationId: string): Promise<{ entries: InventoryEntry[]; reads: InventoryRead[] }>;
  /** The fleet report: station inventories and issued certificates, sorted and paged. */
  report(q: ReportQuery): Promise<{ total: number; rows: ReportRow[] }>;
}

interface EntryRow {
  id: string;
  parent_id: string | null;
  certificate_type: InstalledCertificateType;
  hash_algorithm: string;
  issuer_name_hash: string;
  issuer_key_hash: string;
  serial_number: string;
  reported_at: Date;
  subject: string | null;
  not_after: Date | null;
}

interface KnownRow {
  fingerprint: Buffer;
  der: Buffer;
  subject: string;
  serial_hex: string;
  not_before: Date;
  not_after: Date;
  hash_keys: string[];
}

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

function insertEntry(tx: Queryable, stationId: string, type: InstalledCertificateType, h: HashData, parentId: string | null, at: Date): Promise<{ rows: { id: string }[] }> {
  return tx.query<{ id: string }>(
    `INSERT INTO station_certificate_inventory (station_id, certificate_type, parent_id, hash_algorithm, issuer_name_hash, issuer_key_hash, serial_number, reported_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [stationId, type, parentId, pgText(h.hashAlgorithm), pgText(h.issuerNameHash), pgText(h.issuerKeyHash), pgText(h.serialNumber), at],
  );
}

export function stationCertificateInventoryRepo(db: Db): StationCertificateInventoryRepo {
  return {
    async rememberCertificate(c) {
      await db.query(
        `INSERT INTO inventory_certificates (fingerprint, der, subject, serial_hex, not_before, not_after, hash_keys)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text[]) ON CONFLICT (fingerprint) DO NOTHING`,
        [buf(c.fingerprint), buf(c.der), pgText(c.subject), c.serialHex, c.notBefore, c.notAfter, c.hashKeys],
      );
    },
    async getCertificate(fingerprint) {
      const { rows } = await db.query<KnownRow>('SELECT fingerprint, der, subject, serial_hex, not_before, not_after, hash_keys FROM inventory_certificates WHERE fingerprint = $1', [buf(fingerprint)]);
      const r = rows[0];
      return r ? { fingerprint: new Uint8Array(r.fingerprint), der: new Uint8Array(r.der), subject: r.subject, serialHex: r.serial_hex, notBefore: r.not_before, notAfter: r.not_after, hashKeys: r.hash_keys } : null;
    },
    async replaceReport(stationId, types, reported, status, at) {
      await db.withTransaction(async (tx) => {
        await tx.query('DELETE FROM station_certificate_inventory WHERE station_id = $1 AND certificate_type = ANY($2::text[])', [stationId, types]);
        for (const r of reported) {
          if (!types.includes(r.certificateType)) continue;
          const { rows } = await insertEntry(tx, stationId, r.certificateType, r.hashData, null, at);
          const parentId = String(rows[0]?.id);
          for (const child of r.children) await insertEntry(tx, stationId, r.certificateType, child, parentId, at);
        }
        await tx.query(
          `INSERT INTO station_certificate_inventory_reads (station_id, certificate_type, read_at, status)
           SELECT $1, t, $3, $4 FROM unnest($2::text[]) AS t
           ON CONFLICT (station_id, certificate_type) DO UPDATE SET read_at = EXCLUDED.read_at, status = EXCLUDED.status`,
          [stationId, types, at, pgText(status)],
        );
      });
    },
    async addInstalled(stationId, certificateType, h, knownKeys, at) {
      await db.withTransaction(async (tx) => {
        const { rows } = await tx.query(
          `SELECT 1 FROM station_certificate_inventory i WHERE i.station_id = $1 AND i.certificate_type = $2 AND i.parent_id IS NULL AND ${INVENTORY_KEY_SQL} = ANY($3::text[])`,
          [stationId, certificateType, knownKeys],
        );
        if (rows.length === 0) await insertEntry(tx, stationId, certificateType, h, null, at);
      });
    },
    async removeByHashData(stationId, h) {
      const { rowCount } = await db.query(
        `DELETE FROM station_certificate_inventory WHERE station_id = $1 AND hash_algorithm = $2
           AND lower(issuer_name_hash) = lower($3) AND lower(issuer_key_hash) = lower($4) AND ltrim(lower(serial_number), '0') = ltrim(lower($5), '0')`,
        [stationId, pgText(h.hashAlgorithm), pgText(h.issuerNameHash), pgText(h.issuerKeyHash), pgText(h.serialNumber)],
      );
      return rowCount;
    },
    async list(stationId) {
      const { rows } = await db.query<EntryRow>(
        `SELECT i.id, i.parent_id, i.certificate_type, i.hash_algorithm, i.issuer_name_hash, i.issuer_key_hash, i.serial_number, i.reported_at,
                coalesce(k.subject, c.subject) AS subject, coalesce(k.not_after, c.not_after) AS not_after
           FROM station_certificate_inventory i ${KNOWN_JOIN}
          WHERE i.station_id = $1 ORDER BY i.certificate_type, i.id`,
        [stationId],
      );
      const byId = new Map<string, InventoryEntry>();
      const entries: InventoryEntry[] = [];
      for (const r of rows) {
        const e: InventoryEntry = {
          id: String(r.id),
          certificateType: r.certificate_type,
          hashData: { hashAlgorithm: r.hash_algorithm, issuerNameHash: r.issuer_name_hash, issuerKeyHash: r.issuer_key_hash, serialNumber: r.serial_number },
          reportedAt: r.reported_at,
          subject: r.subject,
          notAfter: r.not_after,
          children: [],
        };
        byId.set(e.id, e);
        const parent = r.parent_id === null ? undefined : byId.get(String(r.parent_id));
        if (parent) parent.children.push(e);
        else entries.push(e);
      }
      const reads = await db.query<{ certificate_type: string; read_at: Date; status: string }>(
        'SELECT certificate_type, read_at, status FROM station_certificate_inventory_reads WHERE station_id = $1 ORDER BY certificate_type',
        [stationId],
      );
      return { entries, reads: reads.rows.map((r) => ({ certificateType: r.certificate_type, readAt: r.read_at, status: r.status })) };
    },
    report: (q) => fleetReport(db, q),
  };
}
