// Which stored key and certificate the CSMS uses for a purpose (cps-signer, firmware-signer,
// csms-tls-server, lab:<profile>).
import type { Queryable } from './db.js';

export interface ServiceKeyRow {
  purpose: string;
  serial: Uint8Array;
  keyId: string;
}

export interface CaServiceKeyRepo {
  /** Sets or replaces the key for a purpose. */
  put(row: ServiceKeyRow, tx?: Queryable): Promise<void>;
  get(purpose: string): Promise<ServiceKeyRow | null>;
  list(): Promise<ServiceKeyRow[]>;
}

export function caServiceKeyRepo(db: Queryable): CaServiceKeyRepo {
  return {
    async put(r, tx = db) {
      await tx.query(
        `INSERT INTO ca_service_keys (purpose, serial, key_id) VALUES ($1, $2, $3)
         ON CONFLICT (purpose) DO UPDATE SET serial = EXCLUDED.serial, key_id = EXCLUDED.key_id, created_at = now()`,
        [r.purpose, Buffer.from(r.serial), r.keyId],
      );
    },
    async get(purpose) {
      const { rows } = await db.query<{ purpose: string; serial: Buffer; key_id: string }>('SELECT purpose, serial, key_id FROM ca_service_keys WHERE purpose = $1', [purpose]);
      const r = rows[0];
      return r ? { purpose: r.purpose, serial: new Uint8Array(r.serial), keyId: r.key_id } : null;
    },
    async list() {
      const { rows } = await db.query<{ purpose: string; serial: Buffer; key_id: string }>('SELECT purpose, serial, key_id FROM ca_service_keys ORDER BY purpose');
      return rows.map((r) => ({ purpose: r.purpose, serial: new Uint8Array(r.serial), keyId: r.key_id }));
    },
  };
}
