// Operator API credentials (client id + hashed secret + scopes) and the keys that sign tokens.
import type { Queryable } from './db.js';
import { hasNul } from './text.js';

export interface OperatorCredential {
  clientId: string;
  secretHash: string;
  scopes: string[];
  createdAt: Date;
  disabledAt: Date | null;
}

export interface SigningKey {
  kid: string;
  secret: Uint8Array;
  createdAt: Date;
}

export interface CredentialRepo {
  count(): Promise<number>;
  get(clientId: string): Promise<OperatorCredential | null>;
  /** Inserts unless a credential with that id exists; true when inserted. */
  insertIfAbsent(c: { clientId: string; secretHash: string; scopes: readonly string[] }): Promise<boolean>;
  activeSigningKeys(): Promise<SigningKey[]>;
  /** Inserts a key unless one is active; returns the active keys, newest first. */
  ensureSigningKey(k: { kid: string; secret: Uint8Array }): Promise<SigningKey[]>;
}

export function credentialRepo(db: Queryable): CredentialRepo {
  const activeKeys = async (): Promise<SigningKey[]> => {
    const { rows } = await db.query<{ kid: string; secret: Buffer; created_at: Date }>(
      'SELECT kid, secret, created_at FROM api_signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid',
    );
    return rows.map((r) => ({ kid: r.kid, secret: new Uint8Array(r.secret), createdAt: r.created_at }));
  };
  return {
    async count() {
      const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM operator_credentials WHERE disabled_at IS NULL');
      return Number(rows[0]?.n ?? 0);
    },
    async get(clientId) {
      if (hasNul(clientId)) return null;
      const { rows } = await db.query<{ client_id: string; secret_hash: string; scopes: string[]; created_at: Date; disabled_at: Date | null }>(
        'SELECT client_id, secret_hash, scopes, created_at, disabled_at FROM operator_credentials WHERE client_id = $1',
        [clientId],
      );
      const r = rows[0];
      return r ? { clientId: r.client_id, secretHash: r.secret_hash, scopes: r.scopes, createdAt: r.created_at, disabledAt: r.disabled_at } : null;
    },
    async insertIfAbsent(c) {
      const r = await db.query('INSERT INTO operator_credentials (client_id, secret_hash, scopes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [c.clientId, c.secretHash, c.scopes]);
      return r.rowCount === 1;
    },
    activeSigningKeys: activeKeys,
    async ensureSigningKey(k) {
      const existing = await activeKeys();
      if (existing.length > 0) return existing;
      await db.query('INSERT INTO api_signing_keys (kid, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING', [k.kid, Buffer.from(k.secret)]);
      return activeKeys();
    },
  };
}
