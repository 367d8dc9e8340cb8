// OCPP-J framing from the station's side (OCPP 2.0.1 Part 4 §4). Written apart from the CSMS's
// parser on purpose: the simulator checks the server, so it must not share the server's mistakes.

export const OCPP_SUBPROTOCOL = 'ocpp2.0.1';
/** Part 4 §4.2.3: the id to answer with when the offending message's id cannot be read. */
export const UNKNOWN_MESSAGE_ID = '-1';

export type IncomingFrame =
  | { type: 'call'; messageId: string; action: string; payload: Record<string, unknown> }
  | { type: 'result'; messageId: string; payload: Record<string, unknown> }
  | { type: 'error'; messageId: string; errorCode: string; errorDescription: string; errorDetails: Record<string, unknown> };

/** Why a frame cannot be used; `reply` is false for broken CALLRESULT/CALLERROR frames (never answered). */
export interface FrameProblem {
  messageId: string;
  errorCode: 'RpcFrameworkError' | 'MessageTypeNotSupported' | 'ProtocolError' | 'FormatViolation';
  description: string;
  reply: boolean;
}

export type ReadFrameResult = { ok: true; frame: IncomingFrame } | { ok: false; problem: FrameProblem };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const problem = (messageId: string, errorCode: FrameProblem['errorCode'], description: string, reply = true): ReadFrameResult => ({
  ok: false,
  problem: { messageId, errorCode, description, reply },
});

export function readFrame(text: string): ReadFrameResult {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return problem(UNKNOWN_MESSAGE_ID, 'RpcFrameworkError', 'message is not valid JSON');
  }
  if (!Array.isArray(message)) return problem(UNKNOWN_MESSAGE_ID, 'RpcFrameworkError', 'message is not a JSON array');
  const [type, id] = message as unknown[];
  const messageId = typeof id === 'string' && id.length > 0 && id.length <= 36 ? id : null;
  if (type === 2) {
    if (messageId === null) return problem(UNKNOWN_MESSAGE_ID, 'RpcFrameworkError', 'message id is not a string of 1 to 36 characters');
    const [, , action, payload] = message as unknown[];
    if (message.length !== 4 || typeof action !== 'string' || action === '') return problem(messageId, 'ProtocolError', 'CALL must be [2, id, action, {payload}]');
    if (!isObject(payload)) return problem(messageId, 'FormatViolation', 'payload is not a JSON object');
    return { ok: true, frame: { type: 'call', messageId, action, payload } };
  }
  if (type === 3) {
    const [, , payload] = message as unknown[];
    if (messageId === null || message.length !== 3 || !isObject(payload)) return problem(messageId ?? UNKNOWN_MESSAGE_ID, 'ProtocolError', 'CALLRESULT must be [3, id, {payload}]', false);
    return { ok: true, frame: { type: 'result', messageId, payload } };
  }
  if (type === 4) {
    const [, , errorCode, errorDescription, errorDetails] = message as unknown[];
    if (messageId === null || message.length !== 5 || typeof errorCode !== 'string' || typeof errorDescription !== 'string' || !isObject(errorDetails)) {
      return problem(messageId ?? UNKNOWN_MESSAGE_ID, 'ProtocolError', 'CALLERROR must be [4, id, code, description, {details}]', false);
    }
    return { ok: true, frame: { type: 'error', messageId, errorCode, errorDescription, errorDetails } };
  }
  return problem(messageId ?? UNKNOWN_MESSAGE_ID, 'MessageTypeNotSupported', `message type ${JSON.stringify(type) ?? 'undefined'} is not supported`);
}

export function writeCall(messageId: string, action: string, payload: unknown): string {
  return JSON.stringify([2, messageId, action, payload]);
}

export function writeCallResult(messageId: string, payload: unknown): string {
  return JSON.stringify([3, messageId, payload]);
}

export function writeCallError(messageId: string, errorCode: string, description: string, details: Record<string, unknown> = {}): string {
  // Part 4 §4.2.3: errorDescription is at most 255 characters.
  return JSON.stringify([4, messageId, errorCode, description.slice(0, 255), details]);
}
