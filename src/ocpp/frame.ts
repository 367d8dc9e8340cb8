// OCPP-J framing (OCPP 2.0.1 Part 4 §4): parse a text frame in the spec's order and say exactly
// what is wrong with a bad one. Pure: no I/O, no schema knowledge.
import type { OcppErrorCode } from './validation-errors.js';

export const MSG_CALL = 2;
export const MSG_CALLRESULT = 3;
export const MSG_CALLERROR = 4;

/** Part 4 §4.1.1: message ids are at most 36 characters (room for a UUID). */
export const MAX_MESSAGE_ID_LENGTH = 36;
/** The id to answer with when the offending message's id cannot be read. */
export const UNKNOWN_MESSAGE_ID = '-1';
/** Part 4 §4.2.3: errorDescription is at most 255 characters. */
export const MAX_ERROR_DESCRIPTION_LENGTH = 255;

export type Frame =
  | { type: typeof MSG_CALL; messageId: string; action: string; payload: Record<string, unknown> }
  | { type: typeof MSG_CALLRESULT; messageId: string; payload: Record<string, unknown> }
  | { type: typeof MSG_CALLERROR; messageId: string; errorCode: string; errorDescription: string; errorDetails: Record<string, unknown> };

/** A frame that cannot be processed; `reply` is false when no CALLERROR may be sent back. */
export interface FrameError {
  error: OcppErrorCode;
  messageId: string;
  description: string;
  /** CALLRESULT and CALLERROR frames are never answered with a CALLERROR. */
  reply: boolean;
  messageType: number | null;
  action: string | null;
}

export type ParsedFrame = { ok: true; frame: Frame } | { ok: false; failure: FrameError };

const fail = (error: OcppErrorCode, messageId: string, description: string, messageType: number | null = null, action: string | null = null, reply = true): ParsedFrame => ({
  ok: false,
  failure: { error, messageId, description, reply, messageType, action },
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseFrame(text: string): ParsedFrame {
  // Step 1: the frame must be JSON.
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return fail('RpcFrameworkError', UNKNOWN_MESSAGE_ID, 'message is not valid JSON');
  }
  // Step 2: a JSON array whose first element is the message type number.
  if (!Array.isArray(message) || message.length === 0) return fail('RpcFrameworkError', UNKNOWN_MESSAGE_ID, 'message is not a non-empty JSON array');
  const type: unknown = message[0];
  if (typeof type !== 'number' || !Number.isInteger(type)) return fail('RpcFrameworkError', UNKNOWN_MESSAGE_ID, 'message type is not an integer');
  // Step 3: the message id, so that any later error can carry it.
  const rawId: unknown = message[1];
  const idReadable = typeof rawId === 'string' && rawId.length > 0 && rawId.length <= MAX_MESSAGE_ID_LENGTH;
  const messageId = idReadable ? rawId : UNKNOWN_MESSAGE_ID;
  // Step 4: a known message type (Part 4 §4.4: unknown types get MessageTypeNotSupported).
  if (type !== MSG_CALL && type !== MSG_CALLRESULT && type !== MSG_CALLERROR) {
    return fail('MessageTypeNotSupported', messageId, `message type ${type} is not supported`, type);
  }
  const reply = type === MSG_CALL;
  if (!idReadable) {
    const why = typeof rawId !== 'string' ? 'message id is not a string' : rawId.length === 0 ? 'message id is empty' : `message id is longer than ${MAX_MESSAGE_ID_LENGTH} characters`;
    return fail('RpcFrameworkError', UNKNOWN_MESSAGE_ID, why, type, null, reply);
  }
  // Step 5: the shape of each message type (Part 4 §4.2).
  switch (type) {
    case MSG_CALL: {
      const action: unknown = message[2];
      if (message.length !== 4) return fail('ProtocolError', messageId, `CALL must have 4 elements, got ${message.length}`, type, typeof action === 'string' ? action : null);
      if (typeof action !== 'string' || action.length === 0) return fail('ProtocolError', messageId, 'action is not a non-empty string', type);
      const payload: unknown = message[3];
      if (!isObject(payload)) return fail('FormatViolation', messageId, 'payload is not a JSON object', type, action);
      return { ok: true, frame: { type, messageId, action, payload } };
    }
    case MSG_CALLRESULT: {
      const payload: unknown = message[2];
      if (message.length !== 3 || !isObject(payload)) return fail('ProtocolError', messageId, 'CALLRESULT must be [3, id, {payload}]', type, null, false);
      return { ok: true, frame: { type, messageId, payload } };
    }
    case MSG_CALLERROR: {
      const [, , errorCode, errorDescription, errorDetails] = message as unknown[];
      if (message.length !== 5 || typeof errorCode !== 'string' || typeof errorDescription !== 'string' || !isObject(errorDetails)) {
        return fail('ProtocolError', messageId, 'CALLERROR must be [4, id, code, description, {details}]', type, null, false);
      }
      return { ok: true, frame: { type, messageId, errorCode, errorDescription, errorDetails } };
    }
  }
}

export function encodeCall(messageId: string, action: string, payload: unknown): string {
  return JSON.stringify([MSG_CALL, messageId, action, payload]);
}

export function encodeCallResult(messageId: string, payload: unknown): string {
  return JSON.stringify([MSG_CALLRESULT, messageId, payload]);
}

export function encodeCallError(messageId: string, code: OcppErrorCode, description: string, details: Record<string, unknown> = {}): string {
  return JSON.stringify([MSG_CALLERROR, messageId, code, description.slice(0, MAX_ERROR_DESCRIPTION_LENGTH), details]);
}
