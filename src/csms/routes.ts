// The one routing table: every action a charging station may send, mapped to its handler, or to
// null until its issue lands (answered NotImplemented). Its keys are checked against the action
// list generated from the schemas by the type below and by a test.
import type { CsToCsmsAction } from '../ocpp/actions.js';
import type { CallHandler, RouteTable } from '../ocpp/handler.js';
import type { Metrics } from '../metrics.js';
import type { Store } from '../store/store.js';
import { handleSecurityEventNotification } from './a-security/security-event-notification.js';
import { handleBootNotification } from './b-provisioning/boot-notification.js';
import { handleHeartbeat } from './g-availability/heartbeat.js';
import { handleStatusNotification } from './g-availability/status-notification.js';
import { handleNotifyEvent } from './n-diagnostics/notify-event.js';

export interface RouteDeps {
  store: Pick<Store, 'stations' | 'connectors' | 'events'>;
  heartbeatIntervalS: number;
  bootRetryIntervalS: number;
  /** A02/A03: from startCertificateSigning().handlers; NotImplemented when absent. */
  signCertificate?: CallHandler;
  /** A04: counts critical security events when given. */
  metrics?: Pick<Metrics, 'criticalSecurityEvents'>;
}

export function buildRoutes(deps: RouteDeps): RouteTable<CsToCsmsAction> {
  const { store } = deps;
  return {
    Authorize: null,
    BootNotification: handleBootNotification({ stations: store.stations, heartbeatIntervalS: deps.heartbeatIntervalS, bootRetryIntervalS: deps.bootRetryIntervalS }),
    ClearedChargingLimit: null,
    DataTransfer: null,
    FirmwareStatusNotification: null,
    Get15118EVCertificate: null,
    GetCertificateStatus: null,
    Heartbeat: handleHeartbeat(),
    LogStatusNotification: null,
    MeterValues: null,
    NotifyChargingLimit: null,
    NotifyCustomerInformation: null,
    NotifyDisplayMessages: null,
    NotifyEVChargingNeeds: null,
    NotifyEVChargingSchedule: null,
    NotifyEvent: handleNotifyEvent({ events: store.events }),
    NotifyMonitoringReport: null,
    NotifyReport: null,
    PublishFirmwareStatusNotification: null,
    ReportChargingProfiles: null,
    ReservationStatusUpdate: null,
    SecurityEventNotification: handleSecurityEventNotification({ events: store.events, ...(deps.metrics ? { metrics: deps.metrics } : {}) }),
    SignCertificate: deps.signCertificate ?? null,
    StatusNotification: handleStatusNotification({ connectors: store.connectors }),
    TransactionEvent: null,
  };
}
