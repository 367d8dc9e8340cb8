// One open OCPP-J connection: frames in (parse -> validate -> route -> answer), CALLs out (one
// at a time), keep-alive and backpressure. Shared, stateless collaborators live in `deps` so a
// connection costs only its own few fields.
import type { WebSocket } from 'ws';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Ocpp201Action } from './actions.js';
import { encodeCall, encodeCallError, encodeCallResult, MSG_CALL, MSG_CALLERROR, MSG_CALLRESULT, parseFrame, type Frame } from './frame.js';
import type { CallContext, CallHandler, StationSession } from './handler.js';
import { OutgoingCallQueue, type OutgoingCall } from './outgoing-calls.js';
import { OcppRpcError } from './rpc-error.js';
import type { OcppValidator } from './schemas.js';
import type { CallAnswer } from './station-bus.js';
import { OCPP_ERROR_CODES, type OcppErrorCode } from './validation-errors.js';

export interface ConnectionDeps {
  validator: OcppValidator;
  /** Handler for a station-initiated action; undefined = not a station-initiated action. */
  route: (action: Ocpp201Action) => CallHandler | null | undefined;
  /** Which actions a station may send while not Accepted (OCPP 2.0.1 B02/B03). */
  allowedBeforeAccepted: ReadonlySet<string>;
  /** What a station's answer to a CSMS CALL lets it send before it is Accepted (B02.FR.09). */
  permitAfterAnswer: (action: string, request: unknown, response: unknown) => { action: string; once: boolean } | null;
  permitTtlMs: number;
  /** payload: the frame's text, or its bytes as received (null when payloads are not recorded). */
  recordFrame: (stationId: string, direction: 'in' | 'out', messageType: number | null, action: string | null, messageId: string | null, outcome: string, payload: string | Uint8Array | null, atMs: number) => void;
  seen: (stationId: string, at: Date) => void;
  metrics: Metrics;
  log: Logger;
  recordPayloads: boolean;
  callTimeoutMs: number;
  maxBufferedBytes: number;
  pingIntervalMs: number;
  now: () => Date;
}

export class StationConnection {
  readonly session: StationSession;
  private readonly calls: OutgoingCallQueue;
  private alive = true;
  private pingTimer: NodeJS.Timeout | null = null;
  /** Requests the CSMS triggered while the station was not Accepted: action -> expiry, once. */
  private permits: Map<string, { until: number; once: boolean }> | null = null;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    stationId: string,
    registrationStatus: StationSession['registrationStatus'],
    remoteAddress: string | null,
    private readonly deps: ConnectionDeps,
  ) {
    this.session = { stationId, registrationStatus, remoteAddress };
    this.calls = new OutgoingCallQueue(
      (c) => this.transmitCall(c),
      (c) => this.observeCall(c, 'timeout'),
    );
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    if (deps.pingIntervalMs > 0) this.startKeepAlive();
  }

  get stationId(): string {
    return this.session.stationId;
  }

  call(action: string, payload: unknown, timeoutMs = this.deps.callTimeoutMs): Promise<CallAnswer> {
    if (this.closed) return Promise.reject(new OcppRpcError('StationNotConnected', `${this.stationId} is not connected`));
    return this.calls.enqueue(action, payload, timeoutMs);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  /** Called once by the server when the socket has closed. */
  onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer) clearTimeout(this.pingTimer);
    this.calls.failAll(() => new OcppRpcError('ConnectionClosed', `connection to ${this.stationId} closed`));
  }

  // Keep-alive: each connection pings on its own timer, first at a random point of the interval,
  // so pings are spread over time and no sweep over all sockets ever runs. A peer that answered
  // neither the last ping nor sent anything in a whole interval is dead.
  private startKeepAlive(): void {
    const interval = this.deps.pingIntervalMs;
    // The first ping at a random point of the interval, then every interval from there on.
    this.pingTimer = setTimeout(() => {
      this.pingTimer = setInterval(() => this.keepAliveTick(), interval).unref();
      this.keepAliveTick();
    }, Math.floor(Math.random() * interval) + 1).unref();
  }

  private keepAliveTick(): void {
    if (this.closed) return;
    if (!this.alive) {
      this.deps.log.info({ stationId: this.stationId }, 'no pong or message within the ping interval: dropping dead peer');
      this.ws.terminate();
      return;
    }
    if (this.ws.bufferedAmount > this.deps.maxBufferedBytes) return this.dropSlowConsumer();
    this.alive = false;
    this.ws.ping();
  }

  private dropSlowConsumer(): void {
    this.deps.log.warn({ stationId: this.stationId, buffered: this.ws.bufferedAmount }, 'station does not read: closing');
    this.ws.terminate();
  }

  private send(text: string): void {
    if (this.closed) return;
    this.ws.send(text);
    if (this.ws.bufferedAmount > this.deps.maxBufferedBytes) this.dropSlowConsumer();
  }

  /** `frame`: the text sent, or the bytes received. */
  private record(direction: 'in' | 'out', messageType: number | null, action: string | null, messageId: string | null, outcome: string, frame: string | Buffer, at: Date): void {
    // Label values come from bounded sets only: a station chooses unknown action names and
    // CALLERROR codes freely, and each distinct label value is a new time series.
    const actionLabel = action !== null && this.deps.validator.hasAction(action) ? action : 'unknown';
    const outcomeLabel = outcome === 'ok' || WIRE_CODES.has(outcome) || LOCAL_OUTCOMES.has(outcome) ? outcome : 'other';
    this.deps.metrics.frames.add(direction, actionLabel, outcomeLabel);
    this.deps.recordFrame(this.stationId, direction, messageType, action, messageId, outcome, this.deps.recordPayloads ? frame : null, at.getTime());
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    this.alive = true;
    const at = this.deps.now();
    this.deps.seen(this.stationId, at);
    if (isBinary) {
      // OCPP-J uses text frames only (Part 4 §4.1).
      this.record('in', null, null, null, 'RpcFrameworkError', data, at);
      this.sendError('-1', 'RpcFrameworkError', 'binary frames are not OCPP-J', null);
      return;
    }
    const parsed = parseFrame(data.toString('utf8'));
    if (!parsed.ok) {
      const f = parsed.failure;
      this.record('in', f.messageType, f.action, f.messageId, f.error, data, at);
      this.deps.log.debug({ stationId: this.stationId, error: f.error, description: f.description }, 'bad frame');
      if (f.reply) this.sendError(f.messageId, f.error, f.description, f.action);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === MSG_CALL) this.onCall(frame, data, at);
    else this.onAnswer(frame, data, at);
  }

  private onCall(frame: Extract<Frame, { type: 2 }>, raw: Buffer, at: Date): void {
    const { messageId, action, payload } = frame;
    const { validator } = this.deps;
    // Part 4 §4.3: unknown action -> NotImplemented; a known action the CSMS never receives -> NotSupported.
    if (!validator.hasAction(action)) return this.rejectCall(frame, raw, at, 'NotImplemented', `action ${action} is not an OCPP 2.0.1 action`);
    const handler = this.deps.route(action);
    if (handler === undefined) return this.rejectCall(frame, raw, at, 'NotSupported', `${action} is not sent by a charging station`);
    const violation = validator.validate(action, 'request', payload);
    if (violation) return this.rejectCall(frame, raw, at, violation.code, violation.description, { errors: violation.details });
    if (this.session.registrationStatus !== 'Accepted' && !this.deps.allowedBeforeAccepted.has(action) && !this.usePermit(action)) {
      // OCPP 2.0.1 B02.FR.09: until its boot is Accepted a station may send only BootNotification
      // and what the CSMS triggered.
      return this.rejectCall(frame, raw, at, 'SecurityError', `${action} is not allowed before the station is Accepted`);
    }
    if (handler === null) return this.rejectCall(frame, raw, at, 'NotImplemented', `${action} is not implemented yet`);
    this.record('in', MSG_CALL, action, messageId, 'ok', raw, at);

    let result: object | Promise<object>;
    try {
      const ctx: CallContext = { session: this.session, messageId, receivedAt: at };
      result = handler(ctx, payload as never);
    } catch (err) {
      return this.handlerFailed(err, messageId, action);
    }
    // A synchronous handler (Heartbeat) is answered in the same task, without a promise hop.
    if (result instanceof Promise) {
      result.then(
        (r) => this.answerCall(messageId, action, r),
        (err: unknown) => this.handlerFailed(err, messageId, action),
      );
    } else this.answerCall(messageId, action, result);
  }

  private handlerFailed(err: unknown, messageId: string, action: Ocpp201Action): void {
    if (err instanceof OcppRpcError && isWireCode(err.code)) return this.sendError(messageId, err.code, err.message, action);
    this.deps.log.error({ err, stationId: this.stationId, action, messageId }, 'handler failed');
    this.sendError(messageId, 'InternalError', 'the CSMS could not process the request', action);
  }

  private answerCall(messageId: string, action: Ocpp201Action, result: object): void {
    const { validator } = this.deps;
    // An outgoing payload that fails validation is never sent (Part 4 §4: both sides validate).
    const bad = validator.validate(action, 'response', result);
    if (bad) {
      this.deps.log.error({ stationId: this.stationId, action, messageId, violation: bad }, 'handler produced an invalid response: not sent');
      return this.sendError(messageId, 'InternalError', 'the CSMS produced an invalid response', action);
    }
    const out = encodeCallResult(messageId, result);
    this.record('out', MSG_CALLRESULT, action, messageId, 'ok', out, this.deps.now());
    this.send(out);
  }

  private rejectCall(frame: Extract<Frame, { type: 2 }>, raw: Buffer, at: Date, code: OcppErrorCode, description: string, details: Record<string, unknown> = {}): void {
    this.record('in', MSG_CALL, frame.action, frame.messageId, code, raw, at);
    this.sendError(frame.messageId, code, description, frame.action, details);
  }

  private sendError(messageId: string, code: OcppErrorCode, description: string, action: string | null, details: Record<string, unknown> = {}): void {
    const out = encodeCallError(messageId, code, description, details);
    this.record('out', MSG_CALLERROR, action, messageId, code, out, this.deps.now());
    this.send(out);
  }

  private onAnswer(frame: Exclude<Frame, { type: 2 }>, raw: Buffer, at: Date): void {
    const call = this.calls.take(frame.messageId);
    if (!call) {
      // Never answer a CALLRESULT/CALLERROR (Part 4 §4.2); an unmatched one is only logged.
      this.record('in', frame.type, null, frame.messageId, 'UnmatchedMessageId', raw, at);
      this.deps.log.debug({ stationId: this.stationId, messageId: frame.messageId }, 'answer to no outstanding CALL');
      return;
    }
    if (frame.type === MSG_CALLERROR) {
      this.record('in', MSG_CALLERROR, call.action, frame.messageId, frame.errorCode, raw, at);
      this.observeCall(call, 'callerror');
      call.resolve({ kind: 'error', errorCode: frame.errorCode, errorDescription: frame.errorDescription, errorDetails: frame.errorDetails });
      return;
    }
    const violation = this.deps.validator.validate(call.action as Ocpp201Action, 'response', frame.payload);
    if (violation) {
      this.record('in', MSG_CALLRESULT, call.action, frame.messageId, violation.code, raw, at);
      this.observeCall(call, 'invalid');
      call.reject(new OcppRpcError('InvalidResponse', `the station's ${call.action} response is invalid: ${violation.description}`, { violation }));
      return;
    }
    this.record('in', MSG_CALLRESULT, call.action, frame.messageId, 'ok', raw, at);
    this.observeCall(call, 'result');
    if (this.session.registrationStatus !== 'Accepted') this.grantPermit(call, frame.payload);
    call.resolve({ kind: 'result', payload: frame.payload });
  }

  private grantPermit(call: OutgoingCall, response: unknown): void {
    const permit = this.deps.permitAfterAnswer(call.action, call.payload, response);
    if (!permit) return;
    this.permits ??= new Map();
    this.permits.set(permit.action, { until: Date.now() + this.deps.permitTtlMs, once: permit.once });
  }

  private usePermit(action: string): boolean {
    const permit = this.permits?.get(action);
    if (!permit) return false;
    if (permit.until < Date.now()) {
      this.permits?.delete(action);
      return false;
    }
    if (permit.once) this.permits?.delete(action);
    return true;
  }

  private transmitCall(call: OutgoingCall): void {
    const out = encodeCall(call.messageId, call.action, call.payload);
    this.record('out', MSG_CALL, call.action, call.messageId, 'ok', out, this.deps.now());
    this.send(out);
  }

  private observeCall(call: OutgoingCall, outcome: string): void {
    this.deps.metrics.callLatency.observe({ action: call.action, outcome }, (performance.now() - call.sentAt) / 1000);
  }
}

const WIRE_CODES: ReadonlySet<string> = new Set(OCPP_ERROR_CODES);
const LOCAL_OUTCOMES: ReadonlySet<string> = new Set(['UnmatchedMessageId']);

function isWireCode(code: string): code is OcppErrorCode {
  return WIRE_CODES.has(code);
}
