// Authorization decisions (OCPP 2.0.1 C07 Authorize and plain idTokens): what was asked, what was
// answered, and why.
import { Batcher } from './batcher.js';
import type { Queryable } from './db.js';
import { pgJson, pgText } from './text.js';

export interface AuthorizationEvidence {
  /** Which certificate: 'chain[0]' (the contract certificate), 'hashData[1]', ... */
  what: string;
  serial: string | null;
  source: 'ours' | 'foreign' | 'chain' | 'contract';
  status: string;
  fromCache?: boolean;
  reason?: string;
}

export interface NewAuthorizationDecision {
  stationId: string;
  idToken: string;
  idTokenType: string;
  receivedAt: Date;
  hadCertificate: boolean;
  hashDataCount: number;
  status: string;
  certificateStatus: string | null;
  reason: string;
  contractId: string | null;
  evidence: readonly AuthorizationEvidence[];
}

export interface AuthorizationDecisionRow extends NewAuthorizationDecision {
  id: string;
}

export interface AuthorizationDecisionRepo {
  insert(d: NewAuthorizationDecision, tx?: Queryable): Promise<string>;
  /**
   * Stores a decision; concurrent ones share one multi-row INSERT (stations authorizing at the
   * same time cost one round trip). Resolves once it is stored.
   */
  record(d: NewAuthorizationDecision): Promise<void>;
  /** A station's decisions, newest first. */
  listForStation(stationId: string, limit: number): Promise<AuthorizationDecisionRow[]>;
}

interface Row {
  id: string;
  station_id: string;
  id_token: string;
  id_token_type: string;
  received_at: Date;
  had_certificate: boolean;
  hash_data_count: number;
  status: string;
  certificate_status: string | null;
  reason: string;
  contract_id: string | null;
  evidence: AuthorizationEvidence[];
}

const INSERT_COLUMNS = 'station_id, id_token, id_token_type, received_at, had_certificate, hash_data_count, status, certificate_status, reason, contract_id, evidence';

const params = (d: NewAuthorizationDecision): unknown[] => [
  pgText(d.stationId), pgText(d.idToken), pgText(d.idTokenType), d.receivedAt, d.hadCertificate, d.hashDataCount, d.status, d.certificateStatus, pgText(d.reason), d.contractId, pgJson(d.evidence),
];

export function authorizationDecisionRepo(db: Queryable): AuthorizationDecisionRepo {
  const batch = new Batcher<NewAuthorizationDecision, void>(async (items) => {
    const values = items.map((_, i) => `(${Array.from({ length: 11 }, (_, k) => `$${i * 11 + k + 1}`).join(', ')})`).join(', ');
    await db.query(`INSERT INTO authorization_decisions (${INSERT_COLUMNS}) VALUES ${values}`, items.flatMap(params));
    return items.map(() => ({ ok: true as const, value: undefined }));
  });
  return {
    record: (d) => batch.submit(d),
    async insert(d, tx = db) {
      const { rows } = await tx.query<{ id: string }>(`INSERT INTO authorization_decisions (${INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, params(d));
      return String(rows[0]!.id);
    },
    async listForStation(stationId, limit) {
      const { rows } = await db.query<Row>(
        `SELECT id, station_id, id_token, id_token_type, received_at, had_certificate, hash_data_count, status, certificate_status, reason, contract_id, evidence
           FROM authorization_decisions WHERE station_id = $1 ORDER BY received_at DESC, id DESC LIMIT $2`,
        [stationId, limit],
      );
      return rows.map((r) => ({
        id: String(r.id),
        stationId: r.station_id,
        idToken: r.id_token,
        idTokenType: r.id_token_type,
        receivedAt: r.received_at,
        hadCertificate: r.had_certificate,
        hashDataCount: r.hash_data_count,
        status: r.status,
        certificateStatus: r.certificate_status,
        reason: r.reason,
        contractId: r.contract_id,
        evidence: r.evidence,
      }));
    },
  };
}
