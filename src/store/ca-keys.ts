// Encrypted CA private keys. Rows hold ciphertext only; decryption happens in src/ca/key-vault.ts.
import type { Queryable } from './db.js';

/** A private key as stored: AES-256-GCM ciphertext under the KEK named by kekId. */
export interface SealedKey {
  kekId: string;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  authTag: Uint8Array;
}

export interface StoredKey {
  id: string;
  algorithm: string;
  publicKey: Uint8Array;
  encrypted: SealedKey | null;
  externalRef: string | null;
}

export interface CaKeyRepo {
  insert(k: StoredKey, tx?: Queryable): Promise<void>;
  get(id: string): Promise<StoredKey | null>;
  /** Several keys by id in one statement; unknown ids are absent from the answer. */
  getMany(ids: readonly string[]): Promise<StoredKey[]>;
}

interface Row {
  id: string;
  algorithm: string;
  public_key: Buffer;
  kek_id: string | null;
  iv: Buffer | null;
  ciphertext: Buffer | null;
  auth_tag: Buffer | null;
  external_ref: string | null;
}

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

const COLUMNS = 'id, algorithm, public_key, kek_id, iv, ciphertext, auth_tag, external_ref';

function toStoredKey(r: Row): StoredKey {
  return {
    id: r.id,
    algorithm: r.algorithm,
    publicKey: new Uint8Array(r.public_key),
    encrypted: r.ciphertext && r.iv && r.auth_tag && r.kek_id ? { kekId: r.kek_id, iv: new Uint8Array(r.iv), ciphertext: new Uint8Array(r.ciphertext), authTag: new Uint8Array(r.auth_tag) } : null,
    externalRef: r.external_ref,
  };
}

export function caKeyRepo(db: Queryable): CaKeyRepo {
  return {
    async insert(k, tx = db) {
      const e = k.encrypted;
      await tx.query('INSERT INTO ca_keys (id, algorithm, public_key, kek_id, iv, ciphertext, auth_tag, external_ref) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        k.id,
        k.algorithm,
        buf(k.publicKey),
        e?.kekId ?? null,
        e ? buf(e.iv) : null,
        e ? buf(e.ciphertext) : null,
        e ? buf(e.authTag) : null,
        k.externalRef,
      ]);
    },
    async get(id) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM ca_keys WHERE id = $1`, [id]);
      return rows[0] ? toStoredKey(rows[0]) : null;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM ca_keys WHERE id = ANY($1::text[])`, [[...ids]]);
      return rows.map(toStoredKey);
    },
  };
}
