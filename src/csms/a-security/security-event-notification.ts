// A04 Security event notification: store what the station reports.
import type { CallHandler } from '../../ocpp/handler.js';
import type { EventRepo } from '../../store/events.js';
import type { SecurityEventNotificationRequest, SecurityEventNotificationResponse } from '../types.js';

export function handleSecurityEventNotification(deps: { events: Pick<EventRepo, 'insertSecurityEvent'> }): CallHandler {
  return async (ctx, req: SecurityEventNotificationRequest): Promise<SecurityEventNotificationResponse> => {
    await deps.events.insertSecurityEvent({
      stationId: ctx.session.stationId,
      source: 'station',
      type: req.type,
      occurredAt: new Date(req.timestamp),
      techInfo: req.techInfo ?? null,
      remoteAddr: ctx.session.remoteAddress,
    });
    return {};
  };
}
