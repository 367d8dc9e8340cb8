// Certificate campaigns (OCPP 2.0.1 Part 2 M03-M05 across a fleet): one root installed or removed
// on every targeted station, with per-station progress. Everything lives here so that a restart
// resumes where the last process stopped.
import type { Db } from './db.js';
import { pgJson, pgText } from './text.js';

export type CampaignKind = 'install' | 'remove';
export type CampaignState = 'running' | 'paused' | 'completed' | 'cancelled';
export type TargetState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Which stations a campaign targets, resolved once when it is created. */
export type TargetFilter = { all: true } | { vendorName: string; model?: string } | { stationIds: string[] };

export interface NewCampaign {
  kind: CampaignKind;
  fingerprint: Uint8Array;
  uses: readonly string[];
  filter: TargetFilter;
  maxAttempts: number;
  createdBy: string;
  at: Date;
}

export interface Campaign {
  id: string;
  kind: CampaignKind;
  fingerprint: Uint8Array;
  uses: string[];
  filter: TargetFilter;
  state: CampaignState;
  maxAttempts: number;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  counts: Record<TargetState, number>;
}

/** The answer (or error) per use, kept across attempts. */
export type TargetSteps = Record<string, string>;

export interface CampaignTarget {
  campaignId: string;
  stationId: string;
  state: TargetState;
  outcome: string | null;
  steps: TargetSteps;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  updatedAt: Date;
}

export interface DueTarget extends CampaignTarget {
  kind: CampaignKind;
  fingerprint: Uint8Array;
  uses: string[];
  maxAttempts: number;
}

export interface CertificateCampaignRepo {
  /** Station ids matching a filter (stationIds: those registered, in the order given). */
  selectStations(filter: TargetFilter): Promise<string[]>;
  /** Creates the campaign and one pending target per station, in one transaction. */
  create(c: NewCampaign, stationIds: readonly string[]): Promise<string>;
  get(id: string): Promise<Campaign | null>;
  list(limit: number, offset: number): Promise<Campaign[]>;
  targets(id: string, state: TargetState | null, limit: number, offset: number): Promise<CampaignTarget[]>;
  /** Pending targets of running campaigns due at `now`, oldest first. */
  due(now: Date, limit: number, exclude: readonly string[]): Promise<DueTarget[]>;
  /** pending -> running; false when somebody else took it or the campaign is not running. */
  claim(campaignId: string, stationId: string, now: Date): Promise<boolean>;
  saveSteps(campaignId: string, stationId: string, steps: TargetSteps, now: Date): Promise<void>;
  finish(campaignId: string, stationId: string, state: 'succeeded' | 'failed', outcome: string, error: string | null, now: Date): Promise<void>;
  /** running -> pending at `nextAttemptAt`; `attempted` counts an attempt that got no usable answer. */
  release(campaignId: string, stationId: string, nextAttemptAt: Date, error: string | null, attempted: boolean, now: Date): Promise<void>;
  /** A pending target whose station is not connected waits until `nextAttemptAt` (or until it connects). */
  postpone(campaignId: string, stationId: string, nextAttemptAt: Date, reason: string, now: Date): Promise<void>;
  /** These stations connected: their pending targets become due at once. */
  /** Makes the stations' pending targets due now; returns how many pending targets they have. */
  wakeStations(stationIds: readonly string[], now: Date): Promise<number>;
  /** running <-> paused, or -> cancelled (pending targets too). Returns the campaign, or null when the transition does not apply. */
  transition(id: string, from: readonly CampaignState[], to: CampaignState, now: Date): Promise<boolean>;
  /** Running campaigns with no pending or running target left become completed; returns their ids. */
  completeFinished(now: Date): Promise<string[]>;
  /** Targets left running by a process that stopped become pending again. */
  recoverRunning(now: Date): Promise<number>;
}

interface CampaignRow {
  id: string;
  kind: CampaignKind;
  fingerprint: Buffer;
  uses: string[];
  target_filter: TargetFilter;
  state: CampaignState;
  max_attempts: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  counts: Partial<Record<TargetState, number>> | null;
}

interface TargetRow {
  campaign_id: string;
  station_id: string;
  state: TargetState;
  outcome: string | null;
  steps: TargetSteps;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  updated_at: Date;
}

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

const CAMPAIGN_SELECT = `SELECT c.id, c.kind, c.fingerprint, c.uses, c.target_filter, c.state, c.max_attempts, c.created_by, c.created_at, c.updated_at, c.completed_at,
  (SELECT jsonb_object_agg(s.state, s.n) FROM (SELECT state, count(*)::int AS n FROM certificate_campaign_targets t WHERE t.campaign_id = c.id GROUP BY state) s) AS counts
  FROM certificate_campaigns c`;

const TARGET_COLUMNS = 't.campaign_id, t.station_id, t.state, t.outcome, t.steps, t.attempts, t.next_attempt_at, t.last_error, t.updated_at';

function toCampaign(r: CampaignRow): Campaign {
  const counts = r.counts ?? {};
  return {
    id: String(r.id),
    kind: r.kind,
    fingerprint: new Uint8Array(r.fingerprint),
    uses: r.uses,
    filter: r.target_filter,
    state: r.state,
    maxAttempts: r.max_attempts,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
    counts: { pending: counts.pending ?? 0, running: counts.running ?? 0, succeeded: counts.succeeded ?? 0, failed: counts.failed ?? 0, cancelled: counts.cancelled ?? 0 },
  };
}

const toTarget = (r: TargetRow): CampaignTarget => ({
  campaignId: String(r.campaign_id),
  stationId: r.station_id,
  state: r.state,
  outcome: r.outcome,
  steps: r.steps,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  updatedAt: r.updated_at,
});

export function certificateCampaignRepo(db: Db): CertificateCampaignRepo {
  return {
    async selectStations(filter) {
      if ('all' in filter) return (await db.query<{ id: string }>('SELECT id FROM stations ORDER BY id')).rows.map((r) => r.id);
      if ('vendorName' in filter) {
        const { rows } = await db.query<{ id: string }>('SELECT id FROM stations WHERE vendor_name = $1 AND ($2::text IS NULL OR model = $2) ORDER BY id', [pgText(filter.vendorName), filter.model === undefined ? null : pgText(filter.model)]);
        return rows.map((r) => r.id);
      }
      const { rows } = await db.query<{ id: string }>('SELECT id FROM stations WHERE id = ANY($1::text[])', [filter.stationIds.map((s) => pgText(s))]);
      const found = new Set(rows.map((r) => r.id));
      return filter.stationIds.filter((id) => found.has(id));
    },
    async create(c, stationIds) {
      return db.withTransaction(async (tx) => {
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO certificate_campaigns (kind, fingerprint, uses, target_filter, state, max_attempts, created_by, created_at, updated_at)
           VALUES ($1, $2, $3::text[], $4::jsonb, 'running', $5, $6, $7, $7) RETURNING id`,
          [c.kind, buf(c.fingerprint), c.uses, pgJson(c.filter), c.maxAttempts, pgText(c.createdBy), c.at],
        );
        const id = String(rows[0]?.id);
        await tx.query(
          `INSERT INTO certificate_campaign_targets (campaign_id, station_id, state, next_attempt_at, updated_at)
           SELECT $1, s, 'pending', $3, $3 FROM unnest($2::text[]) AS s`,
          [id, stationIds, c.at],
        );
        return id;
      });
    },
    async get(id) {
      const { rows } = await db.query<CampaignRow>(`${CAMPAIGN_SELECT} WHERE c.id = $1`, [id]);
      return rows[0] ? toCampaign(rows[0]) : null;
    },
    async list(limit, offset) {
      const { rows } = await db.query<CampaignRow>(`${CAMPAIGN_SELECT} ORDER BY c.id DESC LIMIT $1 OFFSET $2`, [limit, offset]);
      return rows.map(toCampaign);
    },
    async targets(id, state, limit, offset) {
      const { rows } = await db.query<TargetRow>(
        `SELECT ${TARGET_COLUMNS} FROM certificate_campaign_targets t WHERE t.campaign_id = $1 AND ($2::text IS NULL OR t.state = $2) ORDER BY t.station_id LIMIT $3 OFFSET $4`,
        [id, state, limit, offset],
      );
      return rows.map(toTarget);
    },
    async due(now, limit, exclude) {
      const { rows } = await db.query<TargetRow & { kind: CampaignKind; fingerprint: Buffer; uses: string[]; max_attempts: number }>(
        `SELECT ${TARGET_COLUMNS}, c.kind, c.fingerprint, c.uses, c.max_attempts
           FROM certificate_campaign_targets t JOIN certificate_campaigns c ON c.id = t.campaign_id
          WHERE t.state = 'pending' AND t.next_attempt_at <= $1 AND c.state = 'running' AND NOT (t.station_id = ANY($3::text[]))
          ORDER BY t.next_attempt_at, t.campaign_id, t.station_id LIMIT $2`,
        [now, limit, exclude],
      );
      return rows.map((r) => ({ ...toTarget(r), kind: r.kind, fingerprint: new Uint8Array(r.fingerprint), uses: r.uses, maxAttempts: r.max_attempts }));
    },
    async claim(campaignId, stationId, now) {
      const { rowCount } = await db.query(
        `UPDATE certificate_campaign_targets t SET state = 'running', updated_at = $3
          WHERE t.campaign_id = $1 AND t.station_id = $2 AND t.state = 'pending'
            AND EXISTS (SELECT 1 FROM certificate_campaigns c WHERE c.id = t.campaign_id AND c.state = 'running')`,
        [campaignId, stationId, now],
      );
      return rowCount === 1;
    },
    async saveSteps(campaignId, stationId, steps, now) {
      await db.query('UPDATE certificate_campaign_targets SET steps = $3::jsonb, updated_at = $4 WHERE campaign_id = $1 AND station_id = $2', [campaignId, stationId, pgJson(steps), now]);
    },
    async finish(campaignId, stationId, state, outcome, error, now) {
      await db.query(
        `UPDATE certificate_campaign_targets SET state = $3, outcome = $4, last_error = $5, attempts = attempts + 1, updated_at = $6
          WHERE campaign_id = $1 AND station_id = $2 AND state = 'running'`,
        [campaignId, stationId, state, pgText(outcome), error === null ? null : pgText(error), now],
      );
    },
    async release(campaignId, stationId, nextAttemptAt, error, attempted, now) {
      await db.query(
        `UPDATE certificate_campaign_targets SET state = 'pending', next_attempt_at = $3, last_error = coalesce($4, last_error), attempts = attempts + $5, updated_at = $6
          WHERE campaign_id = $1 AND station_id = $2 AND state = 'running'`,
        [campaignId, stationId, nextAttemptAt, error === null ? null : pgText(error), attempted ? 1 : 0, now],
      );
    },
    async postpone(campaignId, stationId, nextAttemptAt, reason, now) {
      await db.query(
        `UPDATE certificate_campaign_targets SET next_attempt_at = $3, last_error = $4, updated_at = $5 WHERE campaign_id = $1 AND station_id = $2 AND state = 'pending'`,
        [campaignId, stationId, nextAttemptAt, pgText(reason), now],
      );
    },
    async wakeStations(stationIds, now) {
      const { rowCount } = await db.query(`UPDATE certificate_campaign_targets SET next_attempt_at = LEAST(next_attempt_at, $2) WHERE station_id = ANY($1::text[]) AND state = 'pending'`, [stationIds, now]);
      return rowCount;
    },
    async transition(id, from, to, now) {
      return db.withTransaction(async (tx) => {
        const { rowCount } = await tx.query(
          `UPDATE certificate_campaigns SET state = $3, updated_at = $4, completed_at = CASE WHEN $3 = 'cancelled' THEN $4 ELSE completed_at END
            WHERE id = $1 AND state = ANY($2::text[])`,
          [id, from, to, now],
        );
        if (rowCount !== 1) return false;
        if (to === 'cancelled') {
          await tx.query(`UPDATE certificate_campaign_targets SET state = 'cancelled', outcome = 'cancelled', updated_at = $2 WHERE campaign_id = $1 AND state = 'pending'`, [id, now]);
        }
        return true;
      });
    },
    async completeFinished(now) {
      const { rows } = await db.query<{ id: string }>(
        `UPDATE certificate_campaigns c SET state = 'completed', completed_at = $1, updated_at = $1
          WHERE c.state = 'running' AND NOT EXISTS (SELECT 1 FROM certificate_campaign_targets t WHERE t.campaign_id = c.id AND t.state IN ('pending', 'running'))
          RETURNING id`,
        [now],
      );
      return rows.map((r) => String(r.id));
    },
    async recoverRunning(now) {
      const { rowCount } = await db.query(`UPDATE certificate_campaign_targets SET state = 'pending', next_attempt_at = $1, updated_at = $1 WHERE state = 'running'`, [now]);
      return rowCount;
    },
  };
}
