// Prometheus metrics, one registry per process (tests create their own).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  connectedStations: Gauge;
  frames: FrameTally;
  callLatency: Histogram<'action' | 'outcome'>;
  connectionsRefused: Counter<'reason'>;
  framesDropped: Counter;
  criticalSecurityEvents: Counter<'type'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    connectedStations: new Gauge({ name: 'plugtrust_connected_stations', help: 'Stations with an open OCPP connection', registers: [registry] }),
    frames: frameTally(registry),
    callLatency: new Histogram({
      name: 'plugtrust_ocpp_call_duration_seconds',
      help: 'CSMS-initiated CALL round trip, from send to CALLRESULT/CALLERROR/timeout',
      labelNames: ['action', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    connectionsRefused: new Counter({ name: 'plugtrust_ocpp_connections_refused_total', help: 'WebSocket upgrades refused, by reason', labelNames: ['reason'], registers: [registry] }),
    framesDropped: new Counter({ name: 'plugtrust_frame_log_dropped_total', help: 'Frame log records dropped because the writer fell behind', registers: [registry] }),
    criticalSecurityEvents: new Counter({ name: 'plugtrust_critical_security_events_total', help: 'Security events stations reported that OCPP 2.0.1 Appendix 1 marks critical, by type', labelNames: ['type'], registers: [registry] }),
  };
}

/** OCPP frames counted by direction, action and outcome. */
export interface FrameTally {
  add(direction: 'in' | 'out', action: string, outcome: string): void;
}

interface Cell {
  count: number;
  reported: number;
}

/**
 * Frames are counted in plain numbers and handed to the Prometheus counter when it is scraped: a
 * labelled counter hashes its labels on every increment, twice per round trip on the hot path.
 * Label values must come from bounded sets (the caller maps anything else to a fixed value).
 */
function frameTally(registry: Registry): FrameTally {
  const cells = { in: new Map<string, Map<string, Cell>>(), out: new Map<string, Map<string, Cell>>() };
  new Counter({
    name: 'plugtrust_ocpp_frames_total',
    help: 'OCPP frames by direction, action and outcome (ok or the CALLERROR code)',
    labelNames: ['direction', 'action', 'outcome'],
    registers: [registry],
    collect() {
      for (const direction of ['in', 'out'] as const) {
        for (const [action, byOutcome] of cells[direction]) {
          for (const [outcome, cell] of byOutcome) {
            if (cell.count === cell.reported) continue;
            this.inc({ direction, action, outcome }, cell.count - cell.reported);
            cell.reported = cell.count;
          }
        }
      }
    },
  });
  return {
    add(direction, action, outcome) {
      const byAction = cells[direction];
      let byOutcome = byAction.get(action);
      if (!byOutcome) byAction.set(action, (byOutcome = new Map<string, Cell>()));
      const cell = byOutcome.get(outcome);
      if (cell) cell.count++;
      else byOutcome.set(outcome, { count: 1, reported: 0 });
    },
  };
}
