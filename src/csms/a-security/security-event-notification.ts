// A04 Security event notification: store what the station reports; count the critical ones
// (OCPP 2.0.1 Appendix 1) so that an alert can fire on them.
import type { Metrics } from '../../metrics.js';
import type { CallHandler } from '../../ocpp/handler.js';
import type { EventRepo } from '../../store/events.js';
import type { SecurityEventNotificationRequest, SecurityEventNotificationResponse } from '../types.js';
import { isCriticalSecurityEvent } from './critical-security-events.js';

export function handleSecurityEventNotification(deps: { events: Pick<EventRepo, 'insertSecurityEvent'>; metrics?: Pick<Metrics, 'criticalSecurityEvents'> }): CallHandler {
  return async (ctx, req: SecurityEventNotificationRequest): Promise<SecurityEventNotificationResponse> => {
    await deps.events.insertSecurityEvent({
      stationId: ctx.session.stationId,
      source: 'station',
      type: req.type,
      occurredAt: new Date(req.timestamp),
      techInfo: req.techInfo ?? null,
      remoteAddr: ctx.session.remoteAddress,
    });
    if (isCriticalSecurityEvent(req.type)) deps.metrics?.criticalSecurityEvents.inc({ type: req.type });
    return {};
  };
}
