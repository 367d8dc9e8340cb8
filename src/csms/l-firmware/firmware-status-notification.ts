// L01/L02 FirmwareStatusNotification: the station reports each new state of a firmware update
// (L01.FR.01). The status drives the update job named by requestId; the answer is always empty.
import type { CallHandler } from '../../ocpp/handler.js';
import type { FirmwareStatusNotificationRequest, FirmwareStatusNotificationResponse } from '../types.js';

export interface FirmwareStatusNotificationDeps {
  onStatus(stationId: string, status: FirmwareStatusNotificationRequest['status'], requestId: number | undefined, at: Date): Promise<void>;
}

export function handleFirmwareStatusNotification(deps: FirmwareStatusNotificationDeps): CallHandler {
  return async (ctx, req: FirmwareStatusNotificationRequest): Promise<FirmwareStatusNotificationResponse> => {
    await deps.onStatus(ctx.session.stationId, req.status, req.requestId, ctx.receivedAt);
    return {};
  };
}
