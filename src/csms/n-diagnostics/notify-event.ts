// N07 (and G05) NotifyEvent: store every reported event in one statement.
import type { CallHandler } from '../../ocpp/handler.js';
import type { EventRepo } from '../../store/events.js';
import type { NotifyEventRequest, NotifyEventResponse } from '../types.js';

export function handleNotifyEvent(deps: { events: Pick<EventRepo, 'insertStationEvents'> }): CallHandler {
  return async (ctx, req: NotifyEventRequest): Promise<NotifyEventResponse> => {
    const generatedAt = new Date(req.generatedAt);
    await deps.events.insertStationEvents(
      ctx.session.stationId,
      req.eventData.map((e) => ({
        generatedAt,
        seqNo: req.seqNo,
        tbc: req.tbc ?? false,
        eventId: e.eventId,
        eventAt: new Date(e.timestamp),
        trigger: e.trigger,
        cause: e.cause ?? null,
        actualValue: e.actualValue,
        techCode: e.techCode ?? null,
        techInfo: e.techInfo ?? null,
        cleared: e.cleared ?? null,
        transactionId: e.transactionId ?? null,
        variableMonitoringId: e.variableMonitoringId ?? null,
        eventNotificationType: e.eventNotificationType,
        component: e.component,
        variable: e.variable,
      })),
    );
    return {};
  };
}
