// G01 Status notification: store each connector's latest status (an older report never
// overwrites a newer one).
import type { CallHandler } from '../../ocpp/handler.js';
import type { ConnectorRepo } from '../../store/connectors.js';
import type { StatusNotificationRequest, StatusNotificationResponse } from '../types.js';

export function handleStatusNotification(deps: { connectors: Pick<ConnectorRepo, 'upsert'> }): CallHandler {
  return async (ctx, req: StatusNotificationRequest): Promise<StatusNotificationResponse> => {
    await deps.connectors.upsert(ctx.session.stationId, {
      evseId: req.evseId,
      connectorId: req.connectorId,
      status: req.connectorStatus,
      reportedAt: new Date(req.timestamp),
    });
    return {};
  };
}
