// Station HTTP Basic passwords (security profiles 1 and 2), stored only as scrypt hashes. A
// rotation (OCPP 2.0.1 A01) keeps the previous hash until the station proves the new one.
import type { Queryable } from './db.js';
import { hasNul } from './text.js';

export interface StationPassword {
  stationId: string;
  hash: string;
  /** The hash before the last rotation; admits the station until it connects with the new one. */
  previousHash: string | null;
  updatedAt: Date;
}

export interface StationPasswordRepo {
  get(stationId: string): Promise<StationPassword | null>;
  /** Sets the password outright (provisioning): no previous hash is kept. False for an unknown station. */
  set(stationId: string, hash: string): Promise<boolean>;
  /** A01: the station accepted a new password; the current hash becomes the previous one. */
  rotate(stationId: string, hash: string): Promise<boolean>;
  /** The station connected with the current password: the previous one stops working. */
  retirePrevious(stationId: string, currentHash: string): Promise<void>;
}

interface Row {
  station_id: string;
  hash: string;
  previous_hash: string | null;
  updated_at: Date;
}

export function stationPasswordRepo(db: Queryable): StationPasswordRepo {
  return {
    async get(stationId) {
      if (hasNul(stationId)) return null;
      const { rows } = await db.query<Row>('SELECT station_id, hash, previous_hash, updated_at FROM station_passwords WHERE station_id = $1', [stationId]);
      const r = rows[0];
      return r ? { stationId: r.station_id, hash: r.hash, previousHash: r.previous_hash, updatedAt: r.updated_at } : null;
    },
    async set(stationId, hash) {
      const { rowCount } = await db.query(
        `INSERT INTO station_passwords (station_id, hash, previous_hash)
         SELECT id, $2, NULL FROM stations WHERE id = $1
         ON CONFLICT (station_id) DO UPDATE SET hash = EXCLUDED.hash, previous_hash = NULL, updated_at = now()`,
        [stationId, hash],
      );
      return (rowCount ?? 0) > 0;
    },
    async rotate(stationId, hash) {
      const { rowCount } = await db.query(
        `INSERT INTO station_passwords (station_id, hash, previous_hash)
         SELECT id, $2, NULL FROM stations WHERE id = $1
         ON CONFLICT (station_id) DO UPDATE SET previous_hash = station_passwords.hash, hash = EXCLUDED.hash, updated_at = now()`,
        [stationId, hash],
      );
      return (rowCount ?? 0) > 0;
    },
    async retirePrevious(stationId, currentHash) {
      await db.query('UPDATE station_passwords SET previous_hash = NULL, updated_at = now() WHERE station_id = $1 AND hash = $2 AND previous_hash IS NOT NULL', [stationId, currentHash]);
    },
  };
}
