// Prometheus metrics, one registry per process (tests create their own).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  connectedStations: Gauge;
  frames: Counter<'direction' | 'action' | 'outcome'>;
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
    frames: new Counter({
      name: 'plugtrust_ocpp_frames_total',
      help: 'OCPP frames by direction, action and outcome (ok or the CALLERROR code)',
      labelNames: ['direction', 'action', 'outcome'],
      registers: [registry],
    }),
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
