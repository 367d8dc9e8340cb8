// Storage records -> wire objects: dates as RFC 3339 strings, nothing the schemas do not declare.
import type { ConnectorStatus } from '../store/connectors.js';
import type { SecurityEvent, StationEvent } from '../store/events.js';
import type { FrameRecord } from '../store/frames.js';
import type { Station } from '../store/stations.js';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function presentStation(s: Station): Record<string, unknown> {
  return {
    id: s.id,
    registrationStatus: s.registrationStatus,
    securityProfile: s.securityProfile,
    autoRegistered: s.autoRegistered,
    description: s.description,
    vendorName: s.vendorName,
    model: s.model,
    serialNumber: s.serialNumber,
    firmwareVersion: s.firmwareVersion,
    lastBootAt: iso(s.lastBootAt),
    lastBootReason: s.lastBootReason,
    lastSeenAt: iso(s.lastSeenAt),
    connected: s.connected,
    connectedAt: iso(s.connectedAt),
    disconnectedAt: iso(s.disconnectedAt),
    createdAt: s.createdAt.toISOString(),
  };
}

export function presentConnector(c: ConnectorStatus): Record<string, unknown> {
  return { evseId: c.evseId, connectorId: c.connectorId, status: c.status, reportedAt: c.reportedAt.toISOString() };
}

export function presentStationEvent(e: StationEvent): Record<string, unknown> {
  return { ...e, generatedAt: e.generatedAt.toISOString(), eventAt: e.eventAt.toISOString() };
}

export function presentSecurityEvent(e: SecurityEvent): Record<string, unknown> {
  return { ...e, occurredAt: e.occurredAt.toISOString() };
}

export function presentFrame(f: FrameRecord): Record<string, unknown> {
  return { ...f, at: f.at.toISOString() };
}
