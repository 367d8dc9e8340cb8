// Last reported status of each connector (StatusNotification, G01).
import { Coalescer } from './coalesce.js';
import type { Queryable } from './db.js';
import { pgJson } from './text.js';

export interface ConnectorStatus {
  evseId: number;
  connectorId: number;
  status: string;
  reportedAt: Date;
}

export interface ConnectorRepo {
  /** Keeps the newest report: an older timestamp never overwrites a newer one. */
  upsert(stationId: string, c: ConnectorStatus): Promise<void>;
  listFor(stationId: string): Promise<ConnectorStatus[]>;
}

export function connectorRepo(db: Queryable): ConnectorRepo {
  // Concurrent reports (every station after a reconnect storm) share one statement per batch.
  const upserts = new Coalescer<{ stationId: string; c: ConnectorStatus }, true>(async (items) => {
    // One row per connector per statement (ON CONFLICT may touch a row once): keep the newest.
    const newest = new Map<string, { stationId: string; c: ConnectorStatus }>();
    for (const item of items) {
      const key = `${item.stationId}\u0000${item.c.evseId}\u0000${item.c.connectorId}`;
      const seen = newest.get(key);
      if (!seen || seen.c.reportedAt <= item.c.reportedAt) newest.set(key, item);
    }
    await db.query(
      `INSERT INTO connector_status (station_id, evse_id, connector_id, status, reported_at)
       SELECT r.s, r.e, r.c, r.st, r.at FROM json_to_recordset($1::json) AS r(s text, e integer, c integer, st text, at timestamptz)
       ON CONFLICT (station_id, evse_id, connector_id) DO UPDATE
         SET status = EXCLUDED.status, reported_at = EXCLUDED.reported_at, updated_at = now()
         WHERE connector_status.reported_at <= EXCLUDED.reported_at`,
      [pgJson([...newest.values()].map(({ stationId, c }) => ({ s: stationId, e: c.evseId, c: c.connectorId, st: c.status, at: c.reportedAt })))],
    );
    return new Map(items.map((i) => [i, true as const]));
  }, true);
  return {
    async upsert(stationId, c) {
      await upserts.load({ stationId, c });
    },
    async listFor(stationId) {
      const { rows } = await db.query<{ evse_id: number; connector_id: number; status: string; reported_at: Date }>(
        'SELECT evse_id, connector_id, status, reported_at FROM connector_status WHERE station_id = $1 ORDER BY evse_id, connector_id',
        [stationId],
      );
      return rows.map((r) => ({ evseId: r.evse_id, connectorId: r.connector_id, status: r.status, reportedAt: r.reported_at }));
    },
  };
}
