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
  /** L01-L04: from startFirmware().handlers; NotImplemented when absent. */
  firmware?: { FirmwareStatusNotification: CallHandler; PublishFirmwareStatusNotification: CallHandler };
  /** L01: the firmware version an Accepted station reports in BootNotification closes its update. */
  onBoot?: (stationId: string, firmwareVersion: string | null, at: Date) => Promise<void>;
  /** C07 Authorize (ISO 15118 contract certificates): handleAuthorize; NotImplemented when absent. */
  authorize?: CallHandler;
  /** M06 GetCertificateStatus: handleGetCertificateStatus; NotImplemented when absent. */
  getCertificateStatus?: CallHandler;
  /** M01/M02 Get15118EVCertificate: handleGet15118EvCertificate; NotImplemented when absent. */
  get15118EvCertificate?: CallHandler;
}

export function buildRoutes(deps: RouteDeps): RouteTable<CsToCsmsAction> {
  const { store } = deps;
  return {
    Authorize: deps.authorize ?? null,
    BootNotification: handleBootNotification({ stations: store.stations, heartbeatIntervalS: deps.heartbeatIntervalS, bootRetryIntervalS: deps.bootRetryIntervalS, ...(deps.onBoot ? { onBoot: deps.onBoot } : {}) }),
    ClearedChargingLimit: null,
    DataTransfer: null,
    FirmwareStatusNotification: deps.firmware?.FirmwareStatusNotification ?? null,
    Get15118EVCertificate: deps.get15118EvCertificate ?? null,
    GetCertificateStatus: deps.getCertificateStatus ?? null,
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
    PublishFirmwareStatusNotification: deps.firmware?.PublishFirmwareStatusNotification ?? null,
    ReportChargingProfiles: null,
    ReservationStatusUpdate: null,
    SecurityEventNotification: handleSecurityEventNotification({ events: store.events, ...(deps.metrics ? { metrics: deps.metrics } : {}) }),
    SignCertificate: deps.signCertificate ?? null,
    StatusNotification: handleStatusNotification({ connectors: store.connectors }),
    TransactionEvent: null,
  };
}
