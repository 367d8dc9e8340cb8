// CSMS-initiated CALLs on one connection: OCPP-J allows one outstanding CALL at a time
// (Part 4 §4.1.1), so the rest wait in a bounded queue. Each CALL has a response timeout.
import { randomUUID } from 'node:crypto';
import { OcppRpcError } from './rpc-error.js';
import type { CallAnswer } from './station-bus.js';

export interface OutgoingCall {
  messageId: string;
  action: string;
  payload: unknown;
  timeoutMs: number;
  resolve: (a: CallAnswer) => void;
  reject: (e: OcppRpcError) => void;
  sentAt: number;
  timer: NodeJS.Timeout | null;
}

export const MAX_QUEUED_CALLS = 100;

export class OutgoingCallQueue {
  private outstanding: OutgoingCall | null = null;
  private readonly waiting: OutgoingCall[] = [];

  constructor(
    private readonly transmit: (call: OutgoingCall) => void,
    private readonly onTimeout: (call: OutgoingCall) => void,
  ) {}

  enqueue(action: string, payload: unknown, timeoutMs: number): Promise<CallAnswer> {
    if (this.waiting.length >= MAX_QUEUED_CALLS) {
      return Promise.reject(new OcppRpcError('QueueFull', `${MAX_QUEUED_CALLS} CALLs already wait for this station`));
    }
    return new Promise<CallAnswer>((resolve, reject) => {
      this.waiting.push({ messageId: randomUUID(), action, payload, timeoutMs, resolve, reject, sentAt: 0, timer: null });
      this.next();
    });
  }

  /** The CALL a CALLRESULT/CALLERROR with this id answers, if it is the outstanding one. */
  take(messageId: string): OutgoingCall | null {
    const call = this.outstanding;
    if (!call || call.messageId !== messageId) return null;
    if (call.timer) clearTimeout(call.timer);
    this.outstanding = null;
    setImmediate(() => this.next());
    return call;
  }

  get outstandingAction(): string | null {
    return this.outstanding?.action ?? null;
  }

  /** Rejects everything (connection closed); the error is made only when a CALL is pending. */
  failAll(error: () => OcppRpcError): void {
    if (!this.outstanding && this.waiting.length === 0) return;
    const reason = error();
    const all = this.outstanding ? [this.outstanding, ...this.waiting] : [...this.waiting];
    this.outstanding = null;
    this.waiting.length = 0;
    for (const c of all) {
      if (c.timer) clearTimeout(c.timer);
      c.reject(reason);
    }
  }

  private next(): void {
    if (this.outstanding) return;
    const call = this.waiting.shift();
    if (!call) return;
    this.outstanding = call;
    call.sentAt = performance.now();
    call.timer = setTimeout(() => {
      if (this.outstanding !== call) return;
      this.outstanding = null;
      this.onTimeout(call);
      call.reject(new OcppRpcError('CallTimeout', `no answer to ${call.action} within ${call.timeoutMs} ms`, { messageId: call.messageId }));
      this.next();
    }, call.timeoutMs);
    this.transmit(call);
  }
}
