// Events reported by stations (NotifyEvent) and security events (SecurityEventNotification,
// plus the ones the CSMS raises itself about a station).
import type { Queryable } from './db.js';
import { pgJson, pgText } from './text.js';

export interface StationEvent {
  generatedAt: Date;
  seqNo: number;
  tbc: boolean;
  eventId: number;
  eventAt: Date;
  trigger: string;
  cause: number | null;
  actualValue: string;
  techCode: string | null;
  techInfo: string | null;
  cleared: boolean | null;
  transactionId: string | null;
  variableMonitoringId: number | null;
  eventNotificationType: string;
  component: unknown;
  variable: unknown;
}

export interface SecurityEvent {
  stationId: string;
  source: 'station' | 'csms';
  type: string;
  occurredAt: Date;
  techInfo: string | null;
  remoteAddr: string | null;
}

export interface EventRepo {
  insertStationEvents(stationId: string, events: readonly StationEvent[]): Promise<void>;
  listStationEvents(stationId: string, limit?: number): Promise<StationEvent[]>;
  insertSecurityEvent(e: SecurityEvent): Promise<void>;
  listSecurityEvents(stationId: string, limit?: number, filter?: SecurityEventFilter): Promise<SecurityEvent[]>;
}

/** A04: security events by type and by time of occurrence (from inclusive, to exclusive). */
export interface SecurityEventFilter {
  type?: string;
  from?: Date;
  to?: Date;
}

export function eventRepo(db: Queryable): EventRepo {
  return {
    async insertStationEvents(stationId, events) {
      if (events.length === 0) return;
      // One statement for the whole NotifyEvent, however many entries it carries.
      await db.query(
        `INSERT INTO station_events (station_id, generated_at, seq_no, tbc, event_id, event_at, trigger, cause,
           actual_value, tech_code, tech_info, cleared, transaction_id, variable_monitoring_id,
           event_notification_type, component, variable)
         SELECT $1, e.generated_at, e.seq_no, e.tbc, e.event_id, e.event_at, e.trigger, e.cause, e.actual_value,
           e.tech_code, e.tech_info, e.cleared, e.transaction_id, e.variable_monitoring_id,
           e.event_notification_type, e.component, e.variable
         FROM jsonb_to_recordset($2::jsonb) AS e(generated_at timestamptz, seq_no integer, tbc boolean,
           event_id integer, event_at timestamptz, trigger text, cause integer, actual_value text, tech_code text,
           tech_info text, cleared boolean, transaction_id text, variable_monitoring_id integer,
           event_notification_type text, component jsonb, variable jsonb)`,
        [
          stationId,
          pgJson(
            events.map((e) => ({
              generated_at: e.generatedAt,
              seq_no: e.seqNo,
              tbc: e.tbc,
              event_id: e.eventId,
              event_at: e.eventAt,
              trigger: e.trigger,
              cause: e.cause,
              actual_value: e.actualValue,
              tech_code: e.techCode,
              tech_info: e.techInfo,
              cleared: e.cleared,
              transaction_id: e.transactionId,
              variable_monitoring_id: e.variableMonitoringId,
              event_notification_type: e.eventNotificationType,
              component: e.component,
              variable: e.variable,
            })),
          ),
        ],
      );
    },
    async listStationEvents(stationId, limit = 100) {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT generated_at, seq_no, tbc, event_id, event_at, trigger, cause, actual_value, tech_code, tech_info,
           cleared, transaction_id, variable_monitoring_id, event_notification_type, component, variable
         FROM station_events WHERE station_id = $1 ORDER BY event_at DESC, id DESC LIMIT $2`,
        [stationId, limit],
      );
      return rows.map((r) => ({
        generatedAt: r.generated_at as Date,
        seqNo: r.seq_no as number,
        tbc: r.tbc as boolean,
        eventId: r.event_id as number,
        eventAt: r.event_at as Date,
        trigger: r.trigger as string,
        cause: r.cause as number | null,
        actualValue: r.actual_value as string,
        techCode: r.tech_code as string | null,
        techInfo: r.tech_info as string | null,
        cleared: r.cleared as boolean | null,
        transactionId: r.transaction_id as string | null,
        variableMonitoringId: r.variable_monitoring_id as number | null,
        eventNotificationType: r.event_notification_type as string,
        component: r.component,
        variable: r.variable,
      }));
    },
    async insertSecurityEvent(e) {
      await db.query(
        `INSERT INTO security_events (station_id, source, type, occurred_at, tech_info, remote_addr)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [e.stationId, e.source, pgText(e.type), e.occurredAt, pgText(e.techInfo), e.remoteAddr],
      );
    },
    async listSecurityEvents(stationId, limit = 100, filter = {}) {
      const { rows } = await db.query<{ station_id: string; source: 'station' | 'csms'; type: string; occurred_at: Date; tech_info: string | null; remote_addr: string | null }>(
        `SELECT station_id, source, type, occurred_at, tech_info, remote_addr FROM security_events
         WHERE station_id = $1 AND ($3::text IS NULL OR type = $3) AND ($4::timestamptz IS NULL OR occurred_at >= $4)
           AND ($5::timestamptz IS NULL OR occurred_at < $5)
         ORDER BY occurred_at DESC, id DESC LIMIT $2`,
        [stationId, limit, filter.type === undefined ? null : pgText(filter.type), filter.from ?? null, filter.to ?? null],
      );
      return rows.map((r) => ({ stationId: r.station_id, source: r.source, type: r.type, occurredAt: r.occurred_at, techInfo: r.tech_info, remoteAddr: r.remote_addr }));
    },
  };
}
