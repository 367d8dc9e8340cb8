// The security events OCPP 2.0.1 marks critical: Part 2 Appendices (v1.3), Appendix 1 "Security
// Events", column Critical = Yes. "Security events that are implemented and marked as critical
// SHALL also be pushed to the CSMS" (A04.FR.02); we count them for alerting.
export const CRITICAL_SECURITY_EVENTS: ReadonlySet<string> = new Set([
  'FirmwareUpdated',
  'SettingSystemTime',
  'StartupOfTheDevice',
  'ResetOrReboot',
  'SecurityLogWasCleared',
  'MemoryExhaustion',
  'TamperDetectionActivated',
  'InvalidFirmwareSignature',
  'InvalidFirmwareSigningCertificate',
  'InvalidCsmsCertificate',
  'InvalidChargingStationCertificate',
  'InvalidTLSVersion',
  'InvalidTLSCipherSuite',
  'MaintenanceLoginAccepted',
  'MaintenanceLoginFailed',
]);

export const isCriticalSecurityEvent = (type: string): boolean => CRITICAL_SECURITY_EVENTS.has(type);
