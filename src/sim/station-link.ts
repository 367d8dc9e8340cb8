// One station's OCPP-J link to the CSMS: the WebSocket (subprotocol ocpp2.0.1, Part 4 §3.1.2),
// the station's own CALLs one at a time, answers matched by message id, and broken frames from
// the CSMS answered as Part 4 §4.2.3 says. What to answer and when to boot is the subclass's.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { WebSocket, type ClientOptions, type RawData } from 'ws';
import { CallQueue, type CallAnswer } from './call-queue.js';
import { SimError } from './sim-error.js';
import { OCPP_SUBPROTOCOL, readFrame, UNKNOWN_MESSAGE_ID, writeCall, writeCallError, writeCallResult } from './sim-frame.js';
import type { Reply } from './responder.js';

export interface IncomingCall {
  messageId: string;
  action: string;
  payload: Record<string, unknown>;
}

export interface StationEvents {
  open: [];
  close: [code: number, reason: string];
  /** A CSMS-initiated CALL, before it is answered. */
  call: [call: IncomingCall];
  /** Every text frame, as sent or received. */
  frame: [direction: 'in' | 'out', text: string];
  reconnecting: [delayMs: number, attempt: number];
  /** Failures of background work (heartbeats, reconnects); emitted only when someone listens. */
  error: [error: Error];
}

export interface CallOptions {
  timeoutMs?: number;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

export abstract class StationLink extends EventEmitter<StationEvents> {
  private ws: WebSocket | null = null;
  private readonly queue = new CallQueue((text) => this.sendText(text));
  /** Counts opened connections, so work begun on one connection can tell it is gone. */
  protected connection = 0;

  constructor(
    readonly endpoint: string,
    private readonly clientOptions: ClientOptions,
    private readonly callTimeoutMs: number,
  ) {
    super();
  }

  /** The negotiated Sec-WebSocket-Extensions, e.g. "permessage-deflate; ..." or "". */
  get extensions(): string {
    return this.ws?.extensions ?? '';
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends a CALL once earlier ones are answered; resolves with the CSMS's CALLRESULT or CALLERROR. */
  call(action: string, payload: unknown, options: CallOptions = {}): Promise<CallAnswer> {
    if (!this.isOpen) return Promise.reject(new SimError('SIM_NOT_CONNECTED', `${action}: ${this.endpoint} is not connected`));
    const messageId = randomUUID();
    return this.queue.enqueue(messageId, action, writeCall(messageId, action, payload), options.timeoutMs ?? this.callTimeoutMs);
  }

  /** Sends a text frame verbatim in the CALL order and resolves with the next answer, whatever its id. */
  callRaw(text: string, options: CallOptions = {}): Promise<CallAnswer> {
    if (!this.isOpen) return Promise.reject(new SimError('SIM_NOT_CONNECTED', `raw frame: ${this.endpoint} is not connected`));
    return this.queue.enqueue(null, 'raw frame', text, options.timeoutMs ?? this.callTimeoutMs);
  }

  /** Sends a text frame verbatim, now, expecting nothing. */
  sendRaw(text: string): void {
    this.sendText(text);
  }

  /** Closes the connection with a close handshake; resolves once it is closed. */
  protected async closeLink(code: number, reason: string): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    const force = setTimeout(() => ws.terminate(), 2000);
    try {
      ws.close(code, reason);
    } catch (err) {
      ws.terminate();
      throw err;
    } finally {
      await closed;
      clearTimeout(force);
    }
  }

  /** Drops the TCP connection without a close handshake, as a network failure would. */
  drop(): void {
    this.ws?.terminate();
  }

  protected openLink(): Promise<void> {
    if (this.ws) return Promise.reject(new SimError('SIM_CONNECT_FAILED', `${this.endpoint}: already connected or connecting`));
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.endpoint, [OCPP_SUBPROTOCOL], this.clientOptions);
    } catch (err) {
      return Promise.reject(new SimError('SIM_CONNECT_FAILED', `${this.endpoint}: ${(err as Error).message}`));
    }
    this.ws = ws;
    return new Promise<void>((resolve, reject) => {
      let opened = false;
      let failure: Error | null = null;
      // Listeners go on at once: the CSMS may send a CALL in the same packet as the handshake.
      ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
      ws.on('error', (err) => {
        if (opened) this.reportError(err);
        else failure = err;
      });
      // ws always emits 'close' after a failed handshake: reject only then, once `ws` is released.
      ws.on('close', (code, reason) => {
        this.onClose(ws, opened, code, reason.toString('utf8'));
        if (!opened) reject(new SimError('SIM_CONNECT_FAILED', `${this.endpoint}: ${failure?.message ?? `closed (${code})`}`));
      });
      ws.on('open', () => {
        opened = true;
        this.connection++;
        this.emit('open');
        resolve();
      });
    });
  }

  /** What to answer a CSMS-initiated CALL with. */
  protected abstract answer(call: IncomingCall): Reply;

  /** Called after the connection closed and pending CALLs failed; `opened` is false for a failed handshake. */
  protected abstract linkClosed(opened: boolean): void;

  protected reportError(err: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', err instanceof Error ? err : new Error(String(err)));
  }

  private sendText(text: string): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) throw new SimError('SIM_NOT_CONNECTED', `${this.endpoint} is not connected`);
    ws.send(text);
    this.emit('frame', 'out', text);
  }

  private trySend(text: string): void {
    if (this.isOpen) this.sendText(text);
  }

  private onClose(ws: WebSocket, opened: boolean, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.queue.failAll(new SimError('SIM_CLOSED', `connection to ${this.endpoint} closed (${code}${reason ? ` ${reason}` : ''})`));
    if (opened) this.emit('close', code, reason);
    this.linkClosed(opened);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const text = rawText(data);
    this.emit('frame', 'in', text);
    // Part 4 §4.1: OCPP-J uses text frames only.
    if (isBinary) return this.trySend(writeCallError(UNKNOWN_MESSAGE_ID, 'RpcFrameworkError', 'binary frames are not OCPP-J'));
    const read = readFrame(text);
    if (!read.ok) {
      const p = read.problem;
      if (p.reply) this.trySend(writeCallError(p.messageId, p.errorCode, p.description));
      return;
    }
    const frame = read.frame;
    if (frame.type === 'call') return this.respond(frame);
    const answer: CallAnswer =
      frame.type === 'result'
        ? { kind: 'result', messageId: frame.messageId, payload: frame.payload }
        : { kind: 'error', messageId: frame.messageId, errorCode: frame.errorCode, errorDescription: frame.errorDescription, errorDetails: frame.errorDetails };
    // An answer to nothing outstanding is dropped: CALLRESULT and CALLERROR are never answered.
    this.queue.settle(answer);
  }

  private respond(call: IncomingCall): void {
    this.emit('call', { messageId: call.messageId, action: call.action, payload: call.payload });
    let reply: Reply;
    try {
      reply = this.answer(call);
    } catch (err) {
      this.reportError(err);
      reply = { kind: 'error', errorCode: 'InternalError', description: 'the station failed to process the request' };
    }
    if (reply.kind === 'error') return this.trySend(writeCallError(call.messageId, reply.errorCode, reply.description));
    this.trySend(writeCallResult(call.messageId, reply.payload));
    reply.then?.().catch((err: unknown) => this.reportError(err));
  }
}
