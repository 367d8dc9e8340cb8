// Station certificates (OCPP 2.0.1 A02/A03): every SignCertificate request with the registration
// authority's decision and what became of it, the per-station SECC ID, and renewal follow-up.
import type { Db, Queryable } from './db.js';
import { pgJson, pgText } from './text.js';

export type CertificateSigningUse = 'ChargingStationCertificate' | 'V2GCertificate';

export type SigningRequestState = 'rejected' | 'accepted' | 'issued' | 'installed' | 'station_rejected' | 'expired' | 'failed';

export interface NewSigningRequest {
  stationId: string;
  certificateType: CertificateSigningUse;
  typeInRequest: boolean;
  csr: string;
  identity: string | null;
  receivedAt: Date;
  decision: 'Accepted' | 'Rejected';
  reason: string | null;
  defects: readonly { code: string; detail: string }[] | null;
  expiresAt: Date;
}

export interface SigningRequestRow extends NewSigningRequest {
  id: string;
  state: SigningRequestState;
  serial: Uint8Array | null;
  stationStatus: string | null;
  stationReason: string | null;
  answeredAt: Date | null;
}

/** A request joined with its certificate, for listings and renewal. */
export interface StationCertificateRow extends SigningRequestRow {
  notBefore: Date | null;
  notAfter: Date | null;
  revokedAt: Date | null;
  revocationReason: string | null;
  issuerId: string | null;
}

export interface RenewalRow {
  stationId: string;
  certificateType: CertificateSigningUse;
  serial: Uint8Array;
  notAfter: Date;
  triggers: number;
  lastTriggerAt: Date | null;
  lastStatus: string | null;
  /** A newer request for this station and type is accepted or issued and not expired. */
  inFlight: boolean;
}

export interface SigningRequestRepo {
  getSeccId(stationId: string): Promise<string | null>;
  setSeccId(stationId: string, seccId: string | null, at: Date): Promise<void>;
  /** Inserts the decision; `then` runs in the same transaction with the new id (the outbox row). */
  insert(r: NewSigningRequest, then?: (tx: Queryable, id: string) => Promise<void>): Promise<string>;
  get(id: string): Promise<SigningRequestRow | null>;
  markIssued(tx: Queryable, id: string, serial: Uint8Array): Promise<void>;
  setState(id: string, state: SigningRequestState, reason?: string | null): Promise<void>;
  /** In `tx` when given (with what the answer changes besides). */
  recordAnswer(id: string, a: { state: SigningRequestState; status: string; reason: string | null; at: Date }, tx?: Queryable): Promise<void>;
  /** Older in-flight requests (accepted, issued) of this station and type, other than `exceptId`. */
  inFlightBefore(stationId: string, type: CertificateSigningUse, exceptId: string): Promise<SigningRequestRow[]>;
  /** Installed certificates of this station and type other than `exceptSerial`, not revoked. */
  installedOthers(stationId: string, type: CertificateSigningUse, exceptSerial: Uint8Array, tx?: Queryable): Promise<Uint8Array[]>;
  listForStation(stationId: string, limit: number): Promise<StationCertificateRow[]>;
  /** The newest installed, unrevoked certificate per station and type that expires before `until`. */
  dueForRenewal(until: Date, stationId?: string): Promise<RenewalRow[]>;
  recordTrigger(stationId: string, type: CertificateSigningUse, serial: Uint8Array, at: Date, status: string): Promise<void>;
}

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

const REQUEST_COLUMNS = `r.id, r.station_id, r.certificate_type, r.type_in_request, r.csr, r.identity, r.received_at, r.decision, r.reason, r.defects,
  r.state, r.expires_at, r.serial, r.station_status, r.station_reason, r.answered_at`;

interface Row {
  id: string;
  station_id: string;
  certificate_type: CertificateSigningUse;
  type_in_request: boolean;
  csr: string;
  identity: string | null;
  received_at: Date;
  decision: 'Accepted' | 'Rejected';
  reason: string | null;
  defects: { code: string; detail: string }[] | null;
  state: SigningRequestState;
  expires_at: Date;
  serial: Buffer | null;
  station_status: string | null;
  station_reason: string | null;
  answered_at: Date | null;
}

const toRow = (r: Row): SigningRequestRow => ({
  id: String(r.id),
  stationId: r.station_id,
  certificateType: r.certificate_type,
  typeInRequest: r.type_in_request,
  csr: r.csr,
  identity: r.identity,
  receivedAt: r.received_at,
  decision: r.decision,
  reason: r.reason,
  defects: r.defects,
  state: r.state,
  expiresAt: r.expires_at,
  serial: r.serial ? new Uint8Array(r.serial) : null,
  stationStatus: r.station_status,
  stationReason: r.station_reason,
  answeredAt: r.answered_at,
});

export function signingRequestRepo(db: Db): SigningRequestRepo {
  return {
    async getSeccId(stationId) {
      const { rows } = await db.query<{ secc_id: string | null }>('SELECT secc_id FROM station_certificate_settings WHERE station_id = $1', [stationId]);
      return rows[0]?.secc_id ?? null;
    },
    async setSeccId(stationId, seccId, at) {
      await db.query(
        `INSERT INTO station_certificate_settings (station_id, secc_id, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (station_id) DO UPDATE SET secc_id = EXCLUDED.secc_id, updated_at = EXCLUDED.updated_at`,
        [stationId, seccId, at],
      );
    },
    insert(r, then) {
      return db.withTransaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO certificate_signing_requests (station_id, certificate_type, type_in_request, csr, identity, received_at, decision, reason, defects, state, expires_at)
           VALUES ($1, $2, $3, $4, $11, $5, $6, $7, $8::jsonb, $9, $10) RETURNING id`,
          [r.stationId, r.certificateType, r.typeInRequest, pgText(r.csr), r.receivedAt, r.decision, pgText(r.reason), r.defects ? pgJson(r.defects) : null, r.decision === 'Accepted' ? 'accepted' : 'rejected', r.expiresAt, pgText(r.identity)],
        );
        const id = String(rows[0]?.id);
        if (then) await then(tx, id);
        return id;
      });
    },
    async get(id) {
      const { rows } = await db.query<Row>(`SELECT ${REQUEST_COLUMNS} FROM certificate_signing_requests r WHERE r.id = $1`, [id]);
      return rows[0] ? toRow(rows[0]) : null;
    },
    async markIssued(tx, id, serial) {
      await tx.query(`UPDATE certificate_signing_requests SET state = 'issued', serial = $2 WHERE id = $1 AND state = 'accepted'`, [id, buf(serial)]);
    },
    async setState(id, state, reason) {
      await db.query('UPDATE certificate_signing_requests SET state = $2, reason = COALESCE($3, reason) WHERE id = $1', [id, state, pgText(reason ?? null)]);
    },
    async recordAnswer(id, a, tx = db) {
      await tx.query('UPDATE certificate_signing_requests SET state = $2, station_status = $3, station_reason = $4, answered_at = $5 WHERE id = $1', [id, a.state, a.status, pgText(a.reason), a.at]);
    },
    async inFlightBefore(stationId, type, exceptId) {
      const { rows } = await db.query<Row>(
        `SELECT ${REQUEST_COLUMNS} FROM certificate_signing_requests r
         WHERE r.station_id = $1 AND r.certificate_type = $2 AND r.id <> $3 AND r.state IN ('accepted', 'issued')`,
        [stationId, type, exceptId],
      );
      return rows.map(toRow);
    },
    async installedOthers(stationId, type, exceptSerial, tx = db) {
      const { rows } = await tx.query<{ serial: Buffer }>(
        `SELECT r.serial FROM certificate_signing_requests r JOIN certificates c ON c.serial = r.serial
         WHERE r.station_id = $1 AND r.certificate_type = $2 AND r.state = 'installed' AND r.serial <> $3 AND c.revoked_at IS NULL`,
        [stationId, type, buf(exceptSerial)],
      );
      return rows.map((r) => new Uint8Array(r.serial));
    },
    async listForStation(stationId, limit) {
      const { rows } = await db.query<Row & { not_before: Date | null; not_after: Date | null; revoked_at: Date | null; revocation_reason: string | null; issuer_id: string | null }>(
        `SELECT ${REQUEST_COLUMNS}, c.not_before, c.not_after, c.revoked_at, c.revocation_reason, c.issuer_id
         FROM certificate_signing_requests r LEFT JOIN certificates c ON c.serial = r.serial
         WHERE r.station_id = $1 ORDER BY r.received_at DESC, r.id DESC LIMIT $2`,
        [stationId, limit],
      );
      return rows.map((r) => ({ ...toRow(r), notBefore: r.not_before, notAfter: r.not_after, revokedAt: r.revoked_at, revocationReason: r.revocation_reason, issuerId: r.issuer_id }));
    },
    async dueForRenewal(until, stationId) {
      const { rows } = await db.query<{
        station_id: string; certificate_type: CertificateSigningUse; serial: Buffer; not_after: Date; received_at: Date;
        triggers: number | null; last_trigger_at: Date | null; last_status: string | null; in_flight: boolean;
      }>(
        `WITH current AS (
           SELECT DISTINCT ON (r.station_id, r.certificate_type) r.station_id, r.certificate_type, r.serial, r.received_at, c.not_after, c.revoked_at
           FROM certificate_signing_requests r JOIN certificates c ON c.serial = r.serial
           WHERE r.state = 'installed' AND ($2::text IS NULL OR r.station_id = $2)
           ORDER BY r.station_id, r.certificate_type, r.answered_at DESC, r.id DESC)
         SELECT cur.station_id, cur.certificate_type, cur.serial, cur.not_after, cur.received_at, n.triggers, n.last_trigger_at, n.last_status,
           EXISTS (SELECT 1 FROM certificate_signing_requests x WHERE x.station_id = cur.station_id AND x.certificate_type = cur.certificate_type
                   AND x.received_at > cur.received_at AND x.state IN ('accepted', 'issued')) AS in_flight
         FROM current cur LEFT JOIN certificate_renewals n
           ON n.station_id = cur.station_id AND n.certificate_type = cur.certificate_type AND n.serial = cur.serial
         WHERE cur.revoked_at IS NULL AND cur.not_after <= $1
         ORDER BY cur.not_after`,
        [until, stationId ?? null],
      );
      return rows.map((r) => ({
        stationId: r.station_id,
        certificateType: r.certificate_type,
        serial: new Uint8Array(r.serial),
        notAfter: r.not_after,
        triggers: r.triggers ?? 0,
        lastTriggerAt: r.last_trigger_at,
        lastStatus: r.last_status,
        inFlight: r.in_flight,
      }));
    },
    async recordTrigger(stationId, type, serial, at, status) {
      await db.query(
        `INSERT INTO certificate_renewals (station_id, certificate_type, serial, triggers, last_trigger_at, last_status) VALUES ($1, $2, $3, 1, $4, $5)
         ON CONFLICT (station_id, certificate_type, serial) DO UPDATE SET triggers = certificate_renewals.triggers + 1, last_trigger_at = EXCLUDED.last_trigger_at, last_status = EXCLUDED.last_status`,
        [stationId, type, buf(serial), at, pgText(status)],
      );
    },
  };
}
