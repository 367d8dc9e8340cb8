// The few OCPP 2.0.1 message shapes and enumerations the station itself builds or reads
// (Part 2 §1 Messages, §3 Enumerations); spec names kept verbatim.

export type RegistrationStatus = 'Accepted' | 'Pending' | 'Rejected';

/** BootReasonEnumType */
export const BOOT_REASONS = ['ApplicationReset', 'FirmwareUpdate', 'LocalReset', 'PowerUp', 'RemoteReset', 'ScheduledReset', 'Triggered', 'Unknown', 'Watchdog'] as const;
export type BootReason = (typeof BOOT_REASONS)[number];

/** ConnectorStatusEnumType */
export const CONNECTOR_STATUSES = ['Available', 'Occupied', 'Reserved', 'Unavailable', 'Faulted'] as const;
export type ConnectorStatus = (typeof CONNECTOR_STATUSES)[number];

export interface BootNotificationResponse {
  currentTime: string;
  interval: number;
  status: RegistrationStatus;
}

/** The response's required fields, or null when the CSMS sent something else. */
export function readBootResponse(payload: Record<string, unknown>): BootNotificationResponse | null {
  const { currentTime, interval, status } = payload;
  if (typeof currentTime !== 'string' || typeof interval !== 'number' || (status !== 'Accepted' && status !== 'Pending' && status !== 'Rejected')) return null;
  return { currentTime, interval, status };
}
