// Contracts (ISO 15118-2 contract certificates), their eMSPs and the eMSPs' event feed. Keys are
// referenced by id only: the ciphertext lives in ca_keys and is opened by src/ca/key-vault.ts.
import type { Queryable } from './db.js';
import type { SealedKey } from './ca-keys.js';
import { hasNul, pgJson } from './text.js';

export interface EmspRow {
  id: string;
  name: string;
  /** The CA issuing this eMSP's contract certificates; null: the configured default. */
  issuerId: string | null;
  createdAt: Date;
}

export type ContractOrigin = 'issued' | 'uploaded';

export interface NewContract {
  id: string;
  emspId: string;
  /** Normalized: upper case, without separators (14 characters, or 15 with the check digit). */
  emaid: string;
  pcids: readonly string[];
  origin: ContractOrigin;
  certificate: Uint8Array;
  /** Sub-CAs of the contract certificate, its issuer first, without the MO root. */
  chain: readonly Uint8Array[];
  moRoot: Uint8Array;
  /** Our certificates.serial when origin is 'issued'; null otherwise. */
  serial: Uint8Array | null;
  keyId: string;
  notBefore: Date;
  notAfter: Date;
  createdAt: Date;
}

export interface ContractRow extends NewContract {
  revokedAt: Date | null;
  revocationReason: string | null;
  deletedAt: Date | null;
}

export interface ContractWithSealedKey extends ContractRow {
  sealedKey: SealedKey | null;
}

export type ContractEventKind = 'created' | 'installed' | 'installation_failed' | 'revoked' | 'deleted';

export interface NewContractEvent {
  emspId: string;
  contractId: string | null;
  kind: ContractEventKind;
  at: Date;
  stationId?: string | null;
  detail?: Record<string, unknown> | null;
}

export interface ContractEventRow extends Required<NewContractEvent> {
  id: string;
}

export interface ContractRepo {
  upsertEmsp(e: { id: string; name: string; issuerId?: string | null }, tx?: Queryable): Promise<void>;
  /** Inserts unless an eMSP with that id exists; true when inserted. */
  insertEmsp(e: { id: string; name: string; issuerId: string | null }, tx?: Queryable): Promise<boolean>;
  getEmsp(id: string): Promise<EmspRow | null>;
  listEmsps(): Promise<EmspRow[]>;
  insert(c: NewContract, tx?: Queryable): Promise<void>;
  /** A contract by id; with `emspId`, only if it belongs to that eMSP. Deleted ones included. */
  get(id: string, emspId?: string): Promise<ContractRow | null>;
  /** An eMSP's contracts, oldest first, not deleted; `after` is the last id of the previous page. */
  listForEmsp(emspId: string, opts: { limit: number; after?: string | undefined }): Promise<ContractRow[]>;
  /** Contracts bound to this PCID that are neither deleted nor revoked (expired ones included: the caller decides). */
  findForPcid(pcid: string): Promise<ContractRow[]>;
  /**
   * The usable (not revoked, not deleted) contracts bound to any of these PCIDs, each with its
   * sealed key (ciphertext under the KEK, null when the key is held elsewhere), in one statement
   * for many look-ups (the installation path batches concurrent requests). No order.
   */
  usableForPcids(pcids: readonly string[]): Promise<ContractWithSealedKey[]>;
  /**
   * Contracts with this eMAID (normalized), with or without its check digit: the first 14
   * characters decide, the check digit being a function of them. Not deleted; revoked and expired
   * ones included; newest notAfter first.
   */
  findForEmaid(emaid: string): Promise<ContractRow[]>;
  /** Marks revoked once; false when already revoked or deleted. */
  markRevoked(id: string, at: Date, reason: string, tx?: Queryable): Promise<boolean>;
  /** Marks deleted once; false when already deleted. */
  markDeleted(id: string, at: Date, tx?: Queryable): Promise<boolean>;
  recordEvent(e: NewContractEvent, tx?: Queryable): Promise<string>;
  /** NOTIFY other sessions that this eMAID's contracts changed (delivered at the commit of `tx`). */
  notifyChanged(emaid: string, tx: Queryable): Promise<void>;
  /** Several events in one statement, in order. */
  recordEvents(events: readonly NewContractEvent[], tx?: Queryable): Promise<void>;
  /** An eMSP's events after `afterId` (exclusive), oldest first. */
  listEvents(emspId: string, opts: { afterId?: string; limit: number }): Promise<ContractEventRow[]>;
}

/** The NOTIFY channel of contract changes; the payload is the eMAID's first 14 characters, normalized. */
export const CONTRACT_CHANNEL = 'plugtrust_contracts';

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

const COLUMNS = `id, emsp_id, emaid, pcids, origin, certificate, chain, mo_root, serial, key_id, not_before, not_after,
  created_at, revoked_at, revocation_reason, deleted_at`;
/** The same columns, qualified by the alias c. */
const COLUMNS_OF_C = COLUMNS.replace(/(\w+)/g, 'c.$1');

interface Row {
  id: string;
  emsp_id: string;
  emaid: string;
  pcids: string[];
  origin: ContractOrigin;
  certificate: Buffer;
  chain: Buffer[];
  mo_root: Buffer;
  serial: Buffer | null;
  key_id: string;
  not_before: Date;
  not_after: Date;
  created_at: Date;
  revoked_at: Date | null;
  revocation_reason: string | null;
  deleted_at: Date | null;
}

interface KeyColumns {
  kek_id: string | null;
  iv: Buffer | null;
  ciphertext: Buffer | null;
  auth_tag: Buffer | null;
}

function toContract(r: Row): ContractRow {
  return {
    id: r.id,
    emspId: r.emsp_id,
    emaid: r.emaid,
    pcids: r.pcids,
    origin: r.origin,
    certificate: new Uint8Array(r.certificate),
    chain: r.chain.map((c) => new Uint8Array(c)),
    moRoot: new Uint8Array(r.mo_root),
    serial: r.serial ? new Uint8Array(r.serial) : null,
    keyId: r.key_id,
    notBefore: r.not_before,
    notAfter: r.not_after,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    revocationReason: r.revocation_reason,
    deletedAt: r.deleted_at,
  };
}

interface EmspDbRow {
  id: string;
  name: string;
  issuer_id: string | null;
  created_at: Date;
}

const toEmsp = (r: EmspDbRow): EmspRow => ({ id: r.id, name: r.name, issuerId: r.issuer_id, createdAt: r.created_at });

interface EventRow {
  id: string;
  emsp_id: string;
  contract_id: string | null;
  kind: ContractEventKind;
  at: Date;
  station_id: string | null;
  detail: Record<string, unknown> | null;
}

export function contractRepo(db: Queryable): ContractRepo {
  return {
    async upsertEmsp(e, tx = db) {
      if (e.issuerId === undefined) await tx.query('INSERT INTO emsps (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name', [e.id, e.name]);
      else await tx.query('INSERT INTO emsps (id, name, issuer_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, issuer_id = EXCLUDED.issuer_id', [e.id, e.name, e.issuerId]);
    },
    async insertEmsp(e, tx = db) {
      const r = await tx.query('INSERT INTO emsps (id, name, issuer_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [e.id, e.name, e.issuerId]);
      return r.rowCount === 1;
    },
    async getEmsp(id) {
      if (hasNul(id)) return null;
      const { rows } = await db.query<EmspDbRow>('SELECT id, name, issuer_id, created_at FROM emsps WHERE id = $1', [id]);
      return rows[0] ? toEmsp(rows[0]) : null;
    },
    async listEmsps() {
      const { rows } = await db.query<EmspDbRow>('SELECT id, name, issuer_id, created_at FROM emsps ORDER BY id');
      return rows.map(toEmsp);
    },
    async insert(c, tx = db) {
      await tx.query(
        `INSERT INTO contracts (id, emsp_id, emaid, pcids, origin, certificate, chain, mo_root, serial, key_id, not_before, not_after, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [c.id, c.emspId, c.emaid, [...c.pcids], c.origin, buf(c.certificate), c.chain.map(buf), buf(c.moRoot), c.serial ? buf(c.serial) : null, c.keyId, c.notBefore, c.notAfter, c.createdAt],
      );
    },
    async get(id, emspId) {
      if (hasNul(id) || (emspId !== undefined && hasNul(emspId))) return null;
      const { rows } = emspId === undefined
        ? await db.query<Row>(`SELECT ${COLUMNS} FROM contracts WHERE id = $1`, [id])
        : await db.query<Row>(`SELECT ${COLUMNS} FROM contracts WHERE id = $1 AND emsp_id = $2`, [id, emspId]);
      return rows[0] ? toContract(rows[0]) : null;
    },
    async listForEmsp(emspId, opts) {
      const { rows } = opts.after === undefined
        ? await db.query<Row>(`SELECT ${COLUMNS} FROM contracts WHERE emsp_id = $1 AND deleted_at IS NULL ORDER BY created_at, id LIMIT $2`, [emspId, opts.limit])
        : await db.query<Row>(
            `SELECT ${COLUMNS} FROM contracts WHERE emsp_id = $1 AND deleted_at IS NULL
               AND (created_at, id) > (SELECT created_at, id FROM contracts WHERE id = $2 AND emsp_id = $1)
             ORDER BY created_at, id LIMIT $3`,
            [emspId, opts.after, opts.limit],
          );
      return rows.map(toContract);
    },
    async findForPcid(pcid) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS} FROM contracts WHERE pcids @> ARRAY[$1]::text[] AND deleted_at IS NULL AND revoked_at IS NULL ORDER BY not_after DESC, id`,
        [pcid],
      );
      return rows.map(toContract);
    },
    async usableForPcids(pcids) {
      if (pcids.length === 0) return [];
      const { rows } = await db.query<Row & KeyColumns>(
        `SELECT ${COLUMNS_OF_C}, k.kek_id, k.iv, k.ciphertext, k.auth_tag
           FROM contracts c LEFT JOIN ca_keys k ON k.id = c.key_id
          WHERE c.pcids && $1::text[] AND c.deleted_at IS NULL AND c.revoked_at IS NULL`,
        [[...pcids]],
      );
      return rows.map((r) => ({ ...toContract(r), sealedKey: r.kek_id && r.iv && r.ciphertext && r.auth_tag ? { kekId: r.kek_id, iv: new Uint8Array(r.iv), ciphertext: new Uint8Array(r.ciphertext), authTag: new Uint8Array(r.auth_tag) } : null }));
    },
    async findForEmaid(emaid) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM contracts WHERE left(emaid, 14) = left($1, 14) AND deleted_at IS NULL ORDER BY not_after DESC, id`, [emaid]);
      return rows.map(toContract);
    },
    async markRevoked(id, at, reason, tx = db) {
      const r = await tx.query('UPDATE contracts SET revoked_at = $2, revocation_reason = $3 WHERE id = $1 AND revoked_at IS NULL AND deleted_at IS NULL', [id, at, reason]);
      return r.rowCount === 1;
    },
    async markDeleted(id, at, tx = db) {
      const r = await tx.query('UPDATE contracts SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL', [id, at]);
      return r.rowCount === 1;
    },
    async recordEvent(e, tx = db) {
      const { rows } = await tx.query<{ id: string }>(
        'INSERT INTO contract_events (emsp_id, contract_id, kind, at, station_id, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [e.emspId, e.contractId, e.kind, e.at, e.stationId ?? null, e.detail ? pgJson(e.detail) : null],
      );
      return String(rows[0]!.id);
    },
    async notifyChanged(emaid, tx) {
      await tx.query('SELECT pg_notify($1, $2)', [CONTRACT_CHANNEL, emaid.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 14)]);
    },
    async recordEvents(events, tx = db) {
      if (events.length === 0) return;
      // unnest keeps it one statement with six parameters however many events; WITH ORDINALITY keeps their order in the ids.
      await tx.query(
        `INSERT INTO contract_events (emsp_id, contract_id, kind, at, station_id, detail)
         SELECT e, c, k, a, s, d FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::jsonb[]) WITH ORDINALITY AS t(e, c, k, a, s, d, n) ORDER BY n`,
        [
          events.map((e) => e.emspId),
          events.map((e) => e.contractId),
          events.map((e) => e.kind),
          events.map((e) => e.at),
          events.map((e) => e.stationId ?? null),
          events.map((e) => (e.detail ? pgJson(e.detail) : null)),
        ],
      );
    },
    async listEvents(emspId, opts) {
      const { rows } = await db.query<EventRow>(
        'SELECT id, emsp_id, contract_id, kind, at, station_id, detail FROM contract_events WHERE emsp_id = $1 AND id > $2 ORDER BY id LIMIT $3',
        [emspId, opts.afterId ?? '0', opts.limit],
      );
      return rows.map((r) => ({ id: String(r.id), emspId: r.emsp_id, contractId: r.contract_id, kind: r.kind, at: r.at, stationId: r.station_id, detail: r.detail }));
    },
  };
}
