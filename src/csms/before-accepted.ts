// What a station whose boot is not Accepted may still send (OCPP 2.0.1 B02/B03).
// B02.FR.09: the CSMS answers SecurityError to any request that is neither a BootNotification nor
// triggered by the CSMS. "Triggered" covers a TriggerMessage the station accepted, and the
// messages that carry the answer to a request the CSMS may make of a Pending station (B02.FR.01:
// reports, logs, monitoring).

export const ALLOWED_BEFORE_ACCEPTED: ReadonlySet<string> = new Set(['BootNotification']);

/** How long a permit granted by an accepted request stays valid. */
export const PERMIT_TTL_MS = 5 * 60_000;

export interface Permit {
  action: string;
  /** A TriggerMessage permits one message; a report request permits all its parts. */
  once: boolean;
}

// TriggerMessageRequest.requestedMessage -> the action the station then sends (F06).
const TRIGGERED_ACTION: Readonly<Record<string, string>> = {
  BootNotification: 'BootNotification',
  LogStatusNotification: 'LogStatusNotification',
  FirmwareStatusNotification: 'FirmwareStatusNotification',
  Heartbeat: 'Heartbeat',
  MeterValues: 'MeterValues',
  SignChargingStationCertificate: 'SignCertificate',
  SignV2GCertificate: 'SignCertificate',
  StatusNotification: 'StatusNotification',
  TransactionEvent: 'TransactionEvent',
  SignCombinedCertificate: 'SignCertificate',
  PublishFirmwareStatusNotification: 'PublishFirmwareStatusNotification',
};

// CSMS request -> the station-initiated message that delivers its result.
const RESULT_ACTION: Readonly<Record<string, string>> = {
  GetBaseReport: 'NotifyReport',
  GetReport: 'NotifyReport',
  GetMonitoringReport: 'NotifyMonitoringReport',
  GetLog: 'LogStatusNotification',
  CustomerInformation: 'NotifyCustomerInformation',
  GetChargingProfiles: 'ReportChargingProfiles',
  GetDisplayMessages: 'NotifyDisplayMessages',
  UpdateFirmware: 'FirmwareStatusNotification',
};

/** The permit a station's answer to a CSMS CALL grants, if any. */
export function permitAfterAnswer(action: string, request: unknown, response: unknown): Permit | null {
  const status = (response as { status?: unknown } | null)?.status;
  if (action === 'TriggerMessage') {
    if (status !== 'Accepted') return null;
    const requested = (request as { requestedMessage?: unknown } | null)?.requestedMessage;
    const triggered = typeof requested === 'string' ? TRIGGERED_ACTION[requested] : undefined;
    return triggered ? { action: triggered, once: true } : null;
  }
  const result = RESULT_ACTION[action];
  if (!result || (status !== 'Accepted' && status !== 'AcceptedCanceled')) return null;
  return { action: result, once: false };
}
