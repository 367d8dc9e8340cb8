// L03 PublishFirmwareStatusNotification: a local controller reports the progress of a
// PublishFirmware (requestId), and its download locations once Published. The answer is empty.
import type { CallHandler } from '../../ocpp/handler.js';
import type { PublishFirmwareStatusNotificationRequest, PublishFirmwareStatusNotificationResponse } from '../types.js';

export interface PublishFirmwareStatusNotificationDeps {
  onStatus(stationId: string, status: PublishFirmwareStatusNotificationRequest['status'], requestId: number | undefined, locations: string[] | undefined, at: Date): Promise<void>;
}

export function handlePublishFirmwareStatusNotification(deps: PublishFirmwareStatusNotificationDeps): CallHandler {
  return async (ctx, req: PublishFirmwareStatusNotificationRequest): Promise<PublishFirmwareStatusNotificationResponse> => {
    await deps.onStatus(ctx.session.stationId, req.status, req.requestId, req.location, ctx.receivedAt);
    return {};
  };
}
