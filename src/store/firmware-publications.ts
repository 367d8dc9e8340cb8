// Firmware publications on local controllers (OCPP 2.0.1 L03 PublishFirmware, L04 UnpublishFirmware).
import type { Queryable } from './db.js';
import { hasNul, pgText } from './text.js';

export type PublicationState = 'accepted' | 'rejected' | 'in_progress' | 'published' | 'failed' | 'unpublished';

export interface FirmwarePublication {
  id: string;
  stationId: string;
  imageId: string;
  requestId: number;
  state: PublicationState;
  lastStatus: string | null;
  locations: string[] | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface FirmwarePublicationRepo {
  /** A new publication (state accepted until the controller answers); its requestId comes from the sequence. */
  insert(p: { stationId: string; imageId: string; createdBy: string; at: Date }): Promise<FirmwarePublication>;
  get(id: string): Promise<FirmwarePublication | null>;
  listForStation(stationId: string, limit: number): Promise<FirmwarePublication[]>;
  byRequestId(stationId: string, requestId: number): Promise<FirmwarePublication | null>;
  /** Applies the change when the publication is in one of `from`. */
  update(id: string, from: readonly PublicationState[], change: { state: PublicationState; lastStatus?: string; locations?: string[] | null }, at: Date): Promise<FirmwarePublication | null>;
  /** Removes a publication that was never sent (the controller could not be reached). */
  remove(id: string): Promise<void>;
}

interface Row {
  id: string;
  station_id: string;
  image_id: string;
  request_id: number;
  state: PublicationState;
  last_status: string | null;
  locations: string[] | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, station_id, image_id, request_id, state, last_status, locations, created_by, created_at, updated_at';

const toPublication = (r: Row): FirmwarePublication => ({
  id: String(r.id),
  stationId: r.station_id,
  imageId: r.image_id,
  requestId: r.request_id,
  state: r.state,
  lastStatus: r.last_status,
  locations: r.locations,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const isId = (id: string): boolean => /^[1-9][0-9]{0,17}$/.test(id);

export function firmwarePublicationRepo(db: Queryable): FirmwarePublicationRepo {
  const one = async (sql: string, params: unknown[]): Promise<FirmwarePublication | null> => {
    const { rows } = await db.query<Row>(sql, params);
    return rows[0] ? toPublication(rows[0]) : null;
  };
  return {
    async insert(p) {
      const { rows } = await db.query<Row>(
        `INSERT INTO firmware_publications (station_id, image_id, state, created_by, created_at, updated_at) VALUES ($1, $2, 'accepted', $3, $4, $4) RETURNING ${COLUMNS}`,
        [p.stationId, p.imageId, pgText(p.createdBy), p.at],
      );
      return toPublication(rows[0] as Row);
    },
    get: (id) => (isId(id) ? one(`SELECT ${COLUMNS} FROM firmware_publications WHERE id = $1`, [id]) : Promise.resolve(null)),
    async listForStation(stationId, limit) {
      if (hasNul(stationId)) return [];
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM firmware_publications WHERE station_id = $1 ORDER BY id DESC LIMIT $2`, [stationId, limit]);
      return rows.map(toPublication);
    },
    byRequestId: (stationId, requestId) => one(`SELECT ${COLUMNS} FROM firmware_publications WHERE station_id = $1 AND request_id = $2 ORDER BY id DESC LIMIT 1`, [stationId, requestId]),
    update: (id, from, c, at) =>
      one(
        `UPDATE firmware_publications SET state = $3, last_status = COALESCE($4, last_status), locations = CASE WHEN $5::boolean THEN $6::text[] ELSE locations END, updated_at = $7
         WHERE id = $1 AND state = ANY($2::text[]) RETURNING ${COLUMNS}`,
        [id, from, c.state, pgText(c.lastStatus ?? null), c.locations !== undefined, c.locations?.map(pgText) ?? null, at],
      ),
    async remove(id) {
      await db.query(`DELETE FROM firmware_publications WHERE id = $1`, [id]);
    },
  };
}
