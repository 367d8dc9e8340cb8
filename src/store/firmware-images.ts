// Firmware images and their signatures, the download links that serve them, and the per-station
// permission for unsecured updates (OCPP 2.0.1 L01/L02).
import type { Queryable } from './db.js';
import { hasNul, pgText } from './text.js';

export type SignatureState = 'unsigned' | 'verified' | 'tampered';
export type SignatureSource = 'csms' | 'manufacturer';
export type SignatureHash = 'sha256' | 'sha384';

export interface FirmwareImage {
  id: string;
  vendor: string;
  models: string[];
  version: string;
  fileName: string;
  sizeBytes: number;
  sha256: Uint8Array;
  md5: Uint8Array;
  signatureState: SignatureState;
  signatureSource: SignatureSource | null;
  signature: Uint8Array | null;
  signatureHash: SignatureHash | null;
  signingCertificate: string | null;
  signingChain: string | null;
  signedAt: Date | null;
  signedBy: string | null;
  tamperReason: string | null;
  createdBy: string;
  createdAt: Date;
}

export type NewFirmwareImage = Pick<FirmwareImage, 'id' | 'vendor' | 'models' | 'version' | 'fileName' | 'sizeBytes' | 'sha256' | 'md5' | 'createdBy' | 'createdAt'>;

export interface ImageSignature {
  source: SignatureSource;
  signature: Uint8Array;
  hash: SignatureHash;
  signingCertificate: string;
  signingChain: string | null;
  at: Date;
  by: string;
}

export interface FirmwareLink {
  imageId: string;
  jobId: string | null;
  publicationId: string | null;
  expiresAt: Date;
  bytesServed: number;
  completedDownloads: number;
  lastAccessAt: Date | null;
}

export interface FirmwareImageRepo {
  insert(image: NewFirmwareImage): Promise<FirmwareImage>;
  get(id: string): Promise<FirmwareImage | null>;
  list(limit: number): Promise<FirmwareImage[]>;
  /** Records a verified signature; false when the image is not unsigned any more. */
  setSignature(id: string, sig: ImageSignature): Promise<boolean>;
  markTampered(id: string, reason: string): Promise<void>;
  insertLink(link: { tokenHash: Uint8Array; imageId: string; jobId: string | null; publicationId: string | null; expiresAt: Date; createdAt: Date }): Promise<void>;
  /** The link and its image's file facts, when the link exists. */
  findLink(tokenHash: Uint8Array): Promise<(FirmwareLink & { image: Pick<FirmwareImage, 'id' | 'sizeBytes' | 'sha256' | 'fileName' | 'signatureState'> }) | null>;
  recordDownload(tokenHash: Uint8Array, bytes: number, completed: boolean, at: Date): Promise<void>;
  linksForJob(jobId: string): Promise<FirmwareLink[]>;
  allowsUnsecured(stationId: string): Promise<boolean>;
  setPolicy(stationId: string, allowUnsecured: boolean, by: string, at: Date): Promise<void>;
}

interface Row {
  id: string;
  vendor: string;
  models: string[];
  version: string;
  file_name: string;
  size_bytes: string;
  sha256: Uint8Array;
  md5: Uint8Array;
  signature_state: SignatureState;
  signature_source: SignatureSource | null;
  signature: Uint8Array | null;
  signature_hash: SignatureHash | null;
  signing_certificate: string | null;
  signing_chain: string | null;
  signed_at: Date | null;
  signed_by: string | null;
  tamper_reason: string | null;
  created_by: string;
  created_at: Date;
}

const COLUMNS =
  'id, vendor, models, version, file_name, size_bytes, sha256, md5, signature_state, signature_source, signature, signature_hash, signing_certificate, signing_chain, signed_at, signed_by, tamper_reason, created_by, created_at';

const bytes = (b: Uint8Array | null): Uint8Array | null => (b === null ? null : new Uint8Array(b));

const toImage = (r: Row): FirmwareImage => ({
  id: r.id,
  vendor: r.vendor,
  models: r.models,
  version: r.version,
  fileName: r.file_name,
  sizeBytes: Number(r.size_bytes),
  sha256: new Uint8Array(r.sha256),
  md5: new Uint8Array(r.md5),
  signatureState: r.signature_state,
  signatureSource: r.signature_source,
  signature: bytes(r.signature),
  signatureHash: r.signature_hash,
  signingCertificate: r.signing_certificate,
  signingChain: r.signing_chain,
  signedAt: r.signed_at,
  signedBy: r.signed_by,
  tamperReason: r.tamper_reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

interface LinkRow {
  image_id: string;
  job_id: string | null;
  publication_id: string | null;
  expires_at: Date;
  bytes_served: string;
  completed_downloads: number;
  last_access_at: Date | null;
}

const toLink = (r: LinkRow): FirmwareLink => ({
  imageId: r.image_id,
  jobId: r.job_id === null ? null : String(r.job_id),
  publicationId: r.publication_id === null ? null : String(r.publication_id),
  expiresAt: r.expires_at,
  bytesServed: Number(r.bytes_served),
  completedDownloads: r.completed_downloads,
  lastAccessAt: r.last_access_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function firmwareImageRepo(db: Queryable): FirmwareImageRepo {
  return {
    async insert(i) {
      const { rows } = await db.query<Row>(
        `INSERT INTO firmware_images (id, vendor, models, version, file_name, size_bytes, sha256, md5, signature_state, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'unsigned', $9, $10) RETURNING ${COLUMNS}`,
        [i.id, pgText(i.vendor), i.models.map(pgText), pgText(i.version), pgText(i.fileName), i.sizeBytes, i.sha256, i.md5, pgText(i.createdBy), i.createdAt],
      );
      return toImage(rows[0] as Row);
    },
    async get(id) {
      if (!UUID.test(id)) return null;
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM firmware_images WHERE id = $1`, [id]);
      return rows[0] ? toImage(rows[0]) : null;
    },
    async list(limit) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM firmware_images ORDER BY created_at DESC, id LIMIT $1`, [limit]);
      return rows.map(toImage);
    },
    async setSignature(id, s) {
      const { rowCount } = await db.query(
        `UPDATE firmware_images SET signature_state = 'verified', signature_source = $2, signature = $3, signature_hash = $4, signing_certificate = $5, signing_chain = $6, signed_at = $7, signed_by = $8
         WHERE id = $1 AND signature_state = 'unsigned'`,
        [id, s.source, s.signature, s.hash, s.signingCertificate, s.signingChain, s.at, pgText(s.by)],
      );
      return rowCount === 1;
    },
    async markTampered(id, reason) {
      await db.query(`UPDATE firmware_images SET signature_state = 'tampered', tamper_reason = $2 WHERE id = $1`, [id, pgText(reason)]);
    },
    async insertLink(l) {
      await db.query(`INSERT INTO firmware_links (token_hash, image_id, job_id, publication_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
        l.tokenHash,
        l.imageId,
        l.jobId,
        l.publicationId,
        l.expiresAt,
        l.createdAt,
      ]);
    },
    async findLink(tokenHash) {
      const { rows } = await db.query<LinkRow & { size_bytes: string; sha256: Uint8Array; file_name: string; signature_state: SignatureState }>(
        `SELECT l.image_id, l.job_id, l.publication_id, l.expires_at, l.bytes_served, l.completed_downloads, l.last_access_at, i.size_bytes, i.sha256, i.file_name, i.signature_state
         FROM firmware_links l JOIN firmware_images i ON i.id = l.image_id WHERE l.token_hash = $1`,
        [tokenHash],
      );
      const r = rows[0];
      if (!r) return null;
      return { ...toLink(r), image: { id: r.image_id, sizeBytes: Number(r.size_bytes), sha256: new Uint8Array(r.sha256), fileName: r.file_name, signatureState: r.signature_state } };
    },
    async recordDownload(tokenHash, n, completed, at) {
      await db.query(`UPDATE firmware_links SET bytes_served = bytes_served + $2, completed_downloads = completed_downloads + $3, last_access_at = $4 WHERE token_hash = $1`, [
        tokenHash,
        n,
        completed ? 1 : 0,
        at,
      ]);
    },
    async linksForJob(jobId) {
      const { rows } = await db.query<LinkRow>(
        `SELECT image_id, job_id, publication_id, expires_at, bytes_served, completed_downloads, last_access_at FROM firmware_links WHERE job_id = $1 ORDER BY created_at`,
        [jobId],
      );
      return rows.map(toLink);
    },
    async allowsUnsecured(stationId) {
      if (hasNul(stationId)) return false;
      const { rows } = await db.query<{ allow_unsecured: boolean }>(`SELECT allow_unsecured FROM firmware_station_policy WHERE station_id = $1`, [stationId]);
      return rows[0]?.allow_unsecured ?? false;
    },
    async setPolicy(stationId, allow, by, at) {
      await db.query(
        `INSERT INTO firmware_station_policy (station_id, allow_unsecured, updated_at, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (station_id) DO UPDATE SET allow_unsecured = EXCLUDED.allow_unsecured, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [stationId, allow, at, pgText(by)],
      );
    },
  };
}
