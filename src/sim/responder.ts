// How the simulated station answers CSMS-initiated CALLs: one table, small and literal. Part 4
// §4.3: an action the station does not know is NotImplemented; a known OCPP 2.0.1 action it does
// not support is NotSupported.
import { isOcpp201Action } from '../ocpp/actions.js';
import type { DeviceVariables, VariableItem } from './device-variables.js';

export interface EvseRef {
  id: number;
  connectorId?: number;
}

export type TriggeredMessage = 'BootNotification' | 'Heartbeat' | 'StatusNotification';

/** What the responders may see and do on the station. */
export interface ResponderPort {
  readonly variables: DeviceVariables;
  /** The last BootNotificationResponse was Accepted. */
  isAccepted(): boolean;
  hasEvse(evse: EvseRef): boolean;
  sendTriggered(message: TriggeredMessage, evse: EvseRef | undefined): Promise<void>;
  setAvailability(operative: boolean, evse: EvseRef | undefined): Promise<void>;
}

/** A CALLRESULT payload (and what to do once it is sent), or a CALLERROR. */
export type Reply =
  | { kind: 'result'; payload: object; then?: () => Promise<void> }
  | { kind: 'error'; errorCode: string; description: string };

type Responder = (payload: Record<string, unknown>, port: ResponderPort) => Reply;

const result = (payload: object, then?: () => Promise<void>): Reply => (then ? { kind: 'result', payload, then } : { kind: 'result', payload });
const formatViolation = (description: string): Reply => ({ kind: 'error', errorCode: 'FormatViolation', description });

function itemsOf(payload: Record<string, unknown>, field: string): VariableItem[] | null {
  const items = payload[field];
  if (!Array.isArray(items) || items.length === 0) return null;
  const wellFormed = items.every((i: unknown) => {
    const item = i as Partial<VariableItem> | null;
    return typeof item?.component?.name === 'string' && typeof item.variable?.name === 'string';
  });
  return wellFormed ? (items as VariableItem[]) : null;
}

// Echo the requested component, variable and attributeType in every result item.
const echo = (i: VariableItem) => ({ component: i.component, variable: i.variable, ...(i.attributeType === undefined ? {} : { attributeType: i.attributeType }) });

const answerGetVariables: Responder = (payload, port) => {
  const items = itemsOf(payload, 'getVariableData');
  if (!items) return formatViolation('getVariableData must be a non-empty array of {component, variable}');
  return result({ getVariableResult: items.map((i) => ({ ...echo(i), ...port.variables.get(i) })) });
};

const answerSetVariables: Responder = (payload, port) => {
  const items = itemsOf(payload, 'setVariableData');
  if (!items) return formatViolation('setVariableData must be a non-empty array of {component, variable, attributeValue}');
  return result({ setVariableResult: items.map((i) => ({ ...echo(i), attributeStatus: port.variables.set(i) })) });
};

const answerReset: Responder = (payload, port) => {
  // The simulator does not restart; it only says it would.
  const evseId = payload.evseId;
  const known = typeof evseId !== 'number' || port.hasEvse({ id: evseId });
  return result({ status: known ? 'Accepted' : 'Rejected' });
};

const TRIGGERABLE: ReadonlySet<string> = new Set<TriggeredMessage>(['BootNotification', 'Heartbeat', 'StatusNotification']);

const answerTriggerMessage: Responder = (payload, port) => {
  const requested = payload.requestedMessage;
  if (typeof requested !== 'string') return formatViolation('requestedMessage must be a string');
  if (!TRIGGERABLE.has(requested)) return result({ status: 'NotImplemented' });
  const message = requested as TriggeredMessage;
  const evse = payload.evse as EvseRef | undefined;
  // F06.FR.17: a station whose boot is already Accepted refuses to be triggered into booting again.
  if (message === 'BootNotification' && port.isAccepted()) return result({ status: 'Rejected' });
  if (evse !== undefined && !port.hasEvse(evse)) return result({ status: 'Rejected' });
  // F06.FR.04: the TriggerMessageResponse goes first, then the requested message.
  return result({ status: 'Accepted' }, () => port.sendTriggered(message, evse));
};

const answerChangeAvailability: Responder = (payload, port) => {
  const operational = payload.operationalStatus;
  if (operational !== 'Operative' && operational !== 'Inoperative') return formatViolation('operationalStatus must be Operative or Inoperative');
  const evse = payload.evse as EvseRef | undefined;
  if (evse !== undefined && evse.id !== 0 && !port.hasEvse(evse)) return result({ status: 'Rejected' });
  // G03/G04: the new availability is reported with a StatusNotification per affected connector.
  return result({ status: 'Accepted' }, () => port.setAvailability(operational === 'Operative', evse?.id === 0 ? undefined : evse));
};

export const RESPONDERS: Readonly<Record<string, Responder>> = {
  GetVariables: answerGetVariables,
  SetVariables: answerSetVariables,
  Reset: answerReset,
  TriggerMessage: answerTriggerMessage,
  ChangeAvailability: answerChangeAvailability,
};

export function answerCall(action: string, payload: Record<string, unknown>, port: ResponderPort): Reply {
  const responder = Object.hasOwn(RESPONDERS, action) ? RESPONDERS[action] : undefined;
  if (responder) return responder(payload, port);
  if (isOcpp201Action(action)) return { kind: 'error', errorCode: 'NotSupported', description: `the simulator does not support ${action}` };
  return { kind: 'error', errorCode: 'NotImplemented', description: `${action} is not an OCPP 2.0.1 action` };
}
