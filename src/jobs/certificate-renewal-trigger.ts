// A02 Update Charging Station Certificate by request of the CSMS: TriggerMessage with
// requestedMessage SignChargingStationCertificate or SignV2GCertificate (A02.FR.01); the station
// then sends SignCertificate, which the RA handler decides as any other.
import type { CallAnswer, StationBus } from '../ocpp/station-bus.js';
import type { CertificateSigningUse } from '../store/signing-requests.js';
import type { Store } from '../store/store.js';
import type { MessageTriggerEnumType, TriggerMessageResponse } from '../csms/types.js';

export const TRIGGER_FOR: Readonly<Record<CertificateSigningUse, MessageTriggerEnumType>> = {
  ChargingStationCertificate: 'SignChargingStationCertificate',
  V2GCertificate: 'SignV2GCertificate',
};

export interface TriggerDeps {
  store: Pick<Store, 'signingRequests'>;
  bus: Pick<StationBus, 'call'>;
  now: () => Date;
}

/** Sends the TriggerMessage and records it against the certificate being renewed (when there is one). */
export async function triggerRenewal(deps: TriggerDeps, stationId: string, type: CertificateSigningUse, renewing: Uint8Array | null): Promise<string> {
  const answer: CallAnswer = await deps.bus.call(stationId, 'TriggerMessage', { requestedMessage: TRIGGER_FOR[type] });
  const status = answer.kind === 'result' ? (answer.payload as TriggerMessageResponse).status : `CALLERROR ${answer.errorCode}`;
  if (renewing) await deps.store.signingRequests.recordTrigger(stationId, type, renewing, deps.now(), status);
  return status;
}
