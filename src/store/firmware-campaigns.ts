// Firmware roll-out campaigns (waves, in-flight limit, failure ratio) and their target jobs.
import type { Queryable } from './db.js';
import { pgJson, pgText } from './text.js';

export type CampaignState = 'running' | 'paused' | 'aborted' | 'completed';

/** Which registered stations a campaign targets; every given criterion must hold. */
export interface CampaignFilter {
  stationIds?: string[];
  vendor?: string;
  models?: string[];
  /** Only stations whose last reported firmware version differs from this (default: the image's version). */
  excludeVersion?: string;
}

/** The UpdateFirmware options of every job of the campaign. */
export interface CampaignOptions {
  secure: boolean;
  retries?: number;
  retryInterval?: number;
}

export interface FirmwareCampaign {
  id: string;
  imageId: string;
  filter: CampaignFilter;
  options: CampaignOptions;
  waveSize: number;
  maxInFlight: number;
  maxFailureRatio: number;
  state: CampaignState;
  stateReason: string | null;
  currentWave: number;
  failedBaseline: number;
  launchedBaseline: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewCampaign = Omit<FirmwareCampaign, 'state' | 'stateReason' | 'currentWave' | 'failedBaseline' | 'launchedBaseline' | 'updatedAt'>;

export interface CampaignPatch {
  state?: CampaignState;
  stateReason?: string | null;
  currentWave?: number;
  failedBaseline?: number;
  launchedBaseline?: number;
}

export interface FirmwareCampaignRepo {
  insert(c: NewCampaign, q: Queryable): Promise<FirmwareCampaign>;
  get(id: string): Promise<FirmwareCampaign | null>;
  list(limit: number): Promise<FirmwareCampaign[]>;
  running(): Promise<FirmwareCampaign[]>;
  /** Applies the patch when the campaign is in one of `from`; the updated campaign or null. */
  update(id: string, from: readonly CampaignState[], patch: CampaignPatch, at: Date): Promise<FirmwareCampaign | null>;
  /** Ids of registered stations matching the filter, at most `limit`. */
  matchStations(filter: CampaignFilter, limit: number): Promise<string[]>;
}

interface Row {
  id: string;
  image_id: string;
  filter: CampaignFilter;
  options: CampaignOptions;
  wave_size: number;
  max_in_flight: number;
  max_failure_ratio: number;
  state: CampaignState;
  state_reason: string | null;
  current_wave: number;
  failed_baseline: number;
  launched_baseline: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, image_id, filter, options, wave_size, max_in_flight, max_failure_ratio, state, state_reason, current_wave, failed_baseline, launched_baseline, created_by, created_at, updated_at';

const toCampaign = (r: Row): FirmwareCampaign => ({
  id: r.id,
  imageId: r.image_id,
  filter: r.filter,
  options: r.options,
  waveSize: r.wave_size,
  maxInFlight: r.max_in_flight,
  maxFailureRatio: Number(r.max_failure_ratio),
  state: r.state,
  stateReason: r.state_reason,
  currentWave: r.current_wave,
  failedBaseline: r.failed_baseline,
  launchedBaseline: r.launched_baseline,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const PATCH_COLUMNS: Readonly<Record<keyof CampaignPatch, string>> = {
  state: 'state',
  stateReason: 'state_reason',
  currentWave: 'current_wave',
  failedBaseline: 'failed_baseline',
  launchedBaseline: 'launched_baseline',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function firmwareCampaignRepo(db: Queryable): FirmwareCampaignRepo {
  return {
    async insert(c, q) {
      const { rows } = await q.query<Row>(
        `INSERT INTO firmware_campaigns (id, image_id, filter, options, wave_size, max_in_flight, max_failure_ratio, state, created_by, created_at, updated_at)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, 'running', $8, $9, $9) RETURNING ${COLUMNS}`,
        [c.id, c.imageId, pgJson(c.filter), pgJson(c.options), c.waveSize, c.maxInFlight, c.maxFailureRatio, pgText(c.createdBy), c.createdAt],
      );
      return toCampaign(rows[0] as Row);
    },
    async get(id) {
      if (!UUID.test(id)) return null;
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM firmware_campaigns WHERE id = $1`, [id]);
      return rows[0] ? toCampaign(rows[0]) : null;
    },
    async list(limit) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM firmware_campaigns ORDER BY created_at DESC LIMIT $1`, [limit]);
      return rows.map(toCampaign);
    },
    async running() {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM firmware_campaigns WHERE state = 'running' ORDER BY created_at`);
      return rows.map(toCampaign);
    },
    async update(id, from, patch, at) {
      const sets: string[] = [];
      const params: unknown[] = [id, from, at];
      for (const [key, value] of Object.entries(patch) as [keyof CampaignPatch, unknown][]) {
        if (value === undefined) continue;
        params.push(typeof value === 'string' ? pgText(value) : value);
        sets.push(`${PATCH_COLUMNS[key]} = $${params.length}`);
      }
      const { rows } = await db.query<Row>(`UPDATE firmware_campaigns SET ${[...sets, 'updated_at = $3'].join(', ')} WHERE id = $1 AND state = ANY($2::text[]) RETURNING ${COLUMNS}`, params);
      return rows[0] ? toCampaign(rows[0]) : null;
    },
    async matchStations(f, limit) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (sql: (n: number) => string, value: unknown): void => {
        params.push(value);
        where.push(sql(params.length));
      };
      if (f.stationIds) add((n) => `id = ANY($${n}::text[])`, f.stationIds.map(pgText));
      if (f.vendor !== undefined) add((n) => `vendor_name = $${n}`, pgText(f.vendor));
      if (f.models) add((n) => `model = ANY($${n}::text[])`, f.models.map(pgText));
      if (f.excludeVersion !== undefined) add((n) => `firmware_version IS DISTINCT FROM $${n}`, pgText(f.excludeVersion));
      params.push(limit);
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM stations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${params.length}`, params);
      return rows.map((r) => r.id);
    },
  };
}
