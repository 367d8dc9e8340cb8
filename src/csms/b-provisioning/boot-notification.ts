// B01-B03 Cold boot: answer with the station's registration status from the registry; record
// what the station says it is. Accepted stations get the heartbeat interval, Pending and Rejected
// ones the interval after which to boot again (B02.FR.01, B03.FR.01).
import type { CallHandler } from '../../ocpp/handler.js';
import type { StationRepo } from '../../store/stations.js';
import type { BootNotificationRequest, BootNotificationResponse } from '../types.js';

export interface BootNotificationDeps {
  stations: Pick<StationRepo, 'recordBoot'>;
  heartbeatIntervalS: number;
  bootRetryIntervalS: number;
  /** Told what an Accepted station reported after recording it (L01: the firmware version after the reboot); its failure does not fail the boot. */
  onBoot?: (stationId: string, firmwareVersion: string | null, at: Date) => Promise<void>;
}

export function handleBootNotification(deps: BootNotificationDeps): CallHandler {
  return async (ctx, req: BootNotificationRequest): Promise<BootNotificationResponse> => {
    const { chargingStation: cs } = req;
    // The registry may have changed since the connection opened: recordBoot returns the current status.
    const status = (await deps.stations.recordBoot(ctx.session.stationId, {
      reason: req.reason,
      vendorName: cs.vendorName,
      model: cs.model,
      serialNumber: cs.serialNumber ?? null,
      firmwareVersion: cs.firmwareVersion ?? null,
      modemIccid: cs.modem?.iccid ?? null,
      modemImsi: cs.modem?.imsi ?? null,
      at: ctx.receivedAt,
    })) ?? 'Rejected';
    ctx.session.registrationStatus = status;
    if (deps.onBoot && status === 'Accepted') {
      await deps.onBoot(ctx.session.stationId, cs.firmwareVersion ?? null, ctx.receivedAt).catch(() => undefined);
    }
    return {
      currentTime: ctx.receivedAt.toISOString(),
      interval: status === 'Accepted' ? deps.heartbeatIntervalS : deps.bootRetryIntervalS,
      status,
    };
  };
}
