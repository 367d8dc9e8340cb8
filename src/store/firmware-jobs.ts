// Per-station firmware update jobs (OCPP 2.0.1 L01/L02) and the statuses each went through.
import type { Queryable } from './db.js';
import { hasNul, pgText } from './text.js';

export type JobState = 'planned' | 'queued' | 'accepted' | 'in_progress' | 'installed' | 'completed' | 'failed' | 'canceled';

/** States of a job that has been launched and is not finished: it occupies its station. */
export const ACTIVE_JOB_STATES: readonly JobState[] = ['queued', 'accepted', 'in_progress', 'installed'];
export const TERMINAL_JOB_STATES: readonly JobState[] = ['completed', 'failed', 'canceled'];

export interface FirmwareJob {
  id: string;
  stationId: string;
  imageId: string;
  campaignId: string | null;
  wave: number | null;
  requestId: number;
  secure: boolean;
  state: JobState;
  lastStatus: string | null;
  failure: string | null;
  failureDetail: string | null;
  retrieveAt: Date | null;
  installAt: Date | null;
  retries: number | null;
  retryInterval: number | null;
  sendAttempts: number;
  nextAttemptAt: Date | null;
  versionReported: boolean;
  deadlineAt: Date | null;
  createdBy: string;
  createdAt: Date;
  sentAt: Date | null;
  finishedAt: Date | null;
}

export interface NewFirmwareJob {
  stationId: string;
  imageId: string;
  campaignId: string | null;
  state: 'planned' | 'queued';
  secure: boolean;
  retrieveAt: Date | null;
  installAt: Date | null;
  retries: number | null;
  retryInterval: number | null;
  createdBy: string;
  createdAt: Date;
}

export interface JobPatch {
  state?: JobState;
  lastStatus?: string;
  failure?: string | null;
  failureDetail?: string | null;
  sendAttempts?: number;
  nextAttemptAt?: Date | null;
  versionReported?: boolean;
  deadlineAt?: Date | null;
  sentAt?: Date;
  finishedAt?: Date;
  wave?: number;
}

export interface JobEvent {
  at: Date;
  status: string;
  detail: string | null;
}

export interface CampaignJobCounts {
  total: number;
  planned: number;
  active: number;
  completed: number;
  failed: number;
  canceled: number;
  /** Jobs that left 'planned' (sent or being sent), canceled ones excluded. */
  launched: number;
}

export interface FirmwareJobRepo {
  insert(job: NewFirmwareJob, q?: Queryable): Promise<FirmwareJob>;
  get(id: string): Promise<FirmwareJob | null>;
  listForStation(stationId: string, limit: number): Promise<FirmwareJob[]>;
  listForCampaign(campaignId: string, limit: number): Promise<FirmwareJob[]>;
  activeForStation(stationId: string): Promise<FirmwareJob | null>;
  /** Whether any job is active (queued, sent, downloading, installing or waiting for the reboot). */
  anyActive(): Promise<boolean>;
  byRequestId(stationId: string, requestId: number): Promise<FirmwareJob | null>;
  /** Queued jobs whose next attempt is due, oldest first. */
  due(now: Date, limit: number): Promise<FirmwareJob[]>;
  /** Takes a due queued job for sending until `until`; false when another sender has it (several processes). */
  claim(id: string, now: Date, until: Date): Promise<boolean>;
  /** Applies the patch when the job is in one of `from`; returns the updated job or null. */
  update(id: string, from: readonly JobState[], patch: JobPatch): Promise<FirmwareJob | null>;
  addEvent(jobId: string, event: JobEvent): Promise<void>;
  events(jobId: string): Promise<JobEvent[]>;
  /** Active jobs past their deadline. */
  overdue(now: Date, limit: number): Promise<FirmwareJob[]>;
  campaignCounts(campaignId: string): Promise<CampaignJobCounts>;
  /** Launched jobs of one wave: how many, and how many are still active. */
  waveCounts(campaignId: string, wave: number): Promise<{ launched: number; active: number }>;
  /** Planned jobs of a campaign whose station has no other active job, oldest first. */
  launchable(campaignId: string, limit: number): Promise<FirmwareJob[]>;
  /** Cancels every planned job of a campaign; returns how many. */
  cancelPlanned(campaignId: string, at: Date, why: string): Promise<number>;
}

interface Row {
  id: string;
  station_id: string;
  image_id: string;
  campaign_id: string | null;
  wave: number | null;
  request_id: number;
  secure: boolean;
  state: JobState;
  last_status: string | null;
  failure: string | null;
  failure_detail: string | null;
  retrieve_at: Date | null;
  install_at: Date | null;
  retries: number | null;
  retry_interval: number | null;
  send_attempts: number;
  next_attempt_at: Date | null;
  version_reported: boolean;
  deadline_at: Date | null;
  created_by: string;
  created_at: Date;
  sent_at: Date | null;
  finished_at: Date | null;
}

const COLUMNS =
  'id, station_id, image_id, campaign_id, wave, request_id, secure, state, last_status, failure, failure_detail, retrieve_at, install_at, retries, retry_interval, send_attempts, next_attempt_at, version_reported, deadline_at, created_by, created_at, sent_at, finished_at';

const toJob = (r: Row): FirmwareJob => ({
  id: String(r.id),
  stationId: r.station_id,
  imageId: r.image_id,
  campaignId: r.campaign_id,
  wave: r.wave,
  requestId: r.request_id,
  secure: r.secure,
  state: r.state,
  lastStatus: r.last_status,
  failure: r.failure,
  failureDetail: r.failure_detail,
  retrieveAt: r.retrieve_at,
  installAt: r.install_at,
  retries: r.retries,
  retryInterval: r.retry_interval,
  sendAttempts: r.send_attempts,
  nextAttemptAt: r.next_attempt_at,
  versionReported: r.version_reported,
  deadlineAt: r.deadline_at,
  createdBy: r.created_by,
  createdAt: r.created_at,
  sentAt: r.sent_at,
  finishedAt: r.finished_at,
});

const PATCH_COLUMNS: Readonly<Record<keyof JobPatch, string>> = {
  state: 'state',
  lastStatus: 'last_status',
  failure: 'failure',
  failureDetail: 'failure_detail',
  sendAttempts: 'send_attempts',
  nextAttemptAt: 'next_attempt_at',
  versionReported: 'version_reported',
  deadlineAt: 'deadline_at',
  sentAt: 'sent_at',
  finishedAt: 'finished_at',
  wave: 'wave',
};

const isId = (id: string): boolean => /^[1-9][0-9]{0,17}$/.test(id);

export function firmwareJobRepo(db: Queryable): FirmwareJobRepo {
  const one = async (sql: string, params: unknown[]): Promise<FirmwareJob | null> => {
    const { rows } = await db.query<Row>(sql, params);
    return rows[0] ? toJob(rows[0]) : null;
  };
  return {
    async insert(j, q = db) {
      const { rows } = await q.query<Row>(
        `INSERT INTO firmware_jobs (station_id, image_id, campaign_id, secure, state, retrieve_at, install_at, retries, retry_interval, next_attempt_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
        [j.stationId, j.imageId, j.campaignId, j.secure, j.state, j.retrieveAt, j.installAt, j.retries, j.retryInterval, j.state === 'queued' ? j.createdAt : null, pgText(j.createdBy), j.createdAt],
      );
      return toJob(rows[0] as Row);
    },
    get: (id) => (isId(id) ? one(`SELECT ${COLUMNS} FROM firmware_jobs WHERE id = $1`, [id]) : Promise.resolve(null)),
    async listForStation(stationId, limit) {
      if (hasNul(stationId)) return [];
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM firmware_jobs WHERE station_id = $1 ORDER BY id DESC LIMIT $2`, [stationId, limit]);
      return rows.map(toJob);
    },
    async listForCampaign(campaignId, limit) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM firmware_jobs WHERE campaign_id = $1 ORDER BY id LIMIT $2`, [campaignId, limit]);
      return rows.map(toJob);
    },
    activeForStation: (stationId) =>
      one(`SELECT ${COLUMNS} FROM firmware_jobs WHERE station_id = $1 AND state = ANY($2::text[]) ORDER BY id DESC LIMIT 1`, [stationId, ACTIVE_JOB_STATES]),
    async anyActive() {
      const { rows } = await db.query<{ active: boolean }>(`SELECT EXISTS (SELECT 1 FROM firmware_jobs WHERE state = ANY($1::text[])) AS active`, [ACTIVE_JOB_STATES]);
      return rows[0]?.active === true;
    },
    byRequestId: (stationId, requestId) => one(`SELECT ${COLUMNS} FROM firmware_jobs WHERE station_id = $1 AND request_id = $2 ORDER BY id DESC LIMIT 1`, [stationId, requestId]),
    async due(now, limit) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM firmware_jobs WHERE state = 'queued' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2`, [now, limit]);
      return rows.map(toJob);
    },
    async claim(id, now, until) {
      const { rowCount } = await db.query(`UPDATE firmware_jobs SET next_attempt_at = $3 WHERE id = $1 AND state = 'queued' AND next_attempt_at <= $2`, [id, now, until]);
      return rowCount === 1;
    },
    async update(id, from, patch) {
      const sets: string[] = [];
      const params: unknown[] = [id, from];
      for (const [key, value] of Object.entries(patch) as [keyof JobPatch, unknown][]) {
        if (value === undefined) continue;
        params.push(typeof value === 'string' ? pgText(value) : value);
        sets.push(`${PATCH_COLUMNS[key]} = $${params.length}`);
      }
      if (sets.length === 0) return this.get(id);
      return one(`UPDATE firmware_jobs SET ${sets.join(', ')} WHERE id = $1 AND state = ANY($2::text[]) RETURNING ${COLUMNS}`, params);
    },
    async addEvent(jobId, e) {
      await db.query(`INSERT INTO firmware_job_events (job_id, at, status, detail) VALUES ($1, $2, $3, $4)`, [jobId, e.at, pgText(e.status), pgText(e.detail)]);
    },
    async events(jobId) {
      const { rows } = await db.query<JobEvent>(`SELECT at, status, detail FROM firmware_job_events WHERE job_id = $1 ORDER BY id`, [jobId]);
      return rows.map((r) => ({ at: r.at, status: r.status, detail: r.detail }));
    },
    async overdue(now, limit) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM firmware_jobs WHERE state = ANY($1::text[]) AND deadline_at <= $2 ORDER BY deadline_at LIMIT $3`, [ACTIVE_JOB_STATES, now, limit]);
      return rows.map(toJob);
    },
    async campaignCounts(campaignId) {
      const { rows } = await db.query<{ state: JobState; n: string }>(`SELECT state, count(*) AS n FROM firmware_jobs WHERE campaign_id = $1 GROUP BY state`, [campaignId]);
      const by = new Map(rows.map((r) => [r.state, Number(r.n)]));
      const n = (s: JobState): number => by.get(s) ?? 0;
      const active = ACTIVE_JOB_STATES.reduce((sum, s) => sum + n(s), 0);
      const { rows: launched } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM firmware_jobs WHERE campaign_id = $1 AND wave IS NOT NULL`, [campaignId]);
      return {
        total: rows.reduce((sum, r) => sum + Number(r.n), 0),
        planned: n('planned'),
        active,
        completed: n('completed'),
        failed: n('failed'),
        canceled: n('canceled'),
        launched: Number(launched[0]?.n ?? 0),
      };
    },
    async waveCounts(campaignId, wave) {
      const { rows } = await db.query<{ launched: string; active: string }>(
        `SELECT count(*) AS launched, count(*) FILTER (WHERE state = ANY($3::text[])) AS active FROM firmware_jobs WHERE campaign_id = $1 AND wave = $2`,
        [campaignId, wave, ACTIVE_JOB_STATES],
      );
      return { launched: Number(rows[0]?.launched ?? 0), active: Number(rows[0]?.active ?? 0) };
    },
    async launchable(campaignId, limit) {
      const { rows } = await db.query<Row>(
        `SELECT ${COLUMNS.split(', ').map((c) => `j.${c}`).join(', ')} FROM firmware_jobs j
         WHERE j.campaign_id = $1 AND j.state = 'planned'
           AND NOT EXISTS (SELECT 1 FROM firmware_jobs o WHERE o.station_id = j.station_id AND o.state = ANY($3::text[]))
         ORDER BY j.id LIMIT $2`,
        [campaignId, limit, ACTIVE_JOB_STATES],
      );
      return rows.map(toJob);
    },
    async cancelPlanned(campaignId, at, why) {
      const { rowCount } = await db.query(`UPDATE firmware_jobs SET state = 'canceled', failure = 'CampaignAborted', failure_detail = $3, finished_at = $2 WHERE campaign_id = $1 AND state = 'planned'`, [
        campaignId,
        at,
        pgText(why),
      ]);
      return rowCount;
    },
  };
}
