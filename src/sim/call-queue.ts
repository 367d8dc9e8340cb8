// The station's CALLs: OCPP-J allows one outstanding CALL per direction (Part 4 §4.1.1), so the
// rest wait here in order. Each CALL gets a response timeout once it is on the wire.
import { SimError } from './sim-error.js';

/** The CSMS's answer to one of the station's CALLs. */
export type CallAnswer =
  | { kind: 'result'; messageId: string; payload: Record<string, unknown> }
  | { kind: 'error'; messageId: string; errorCode: string; errorDescription: string; errorDetails: Record<string, unknown> };

interface QueuedCall {
  /** null: a verbatim frame whose answer is the next unmatched CALLRESULT/CALLERROR, whatever its id. */
  messageId: string | null;
  label: string;
  text: string;
  timeoutMs: number;
  resolve: (a: CallAnswer) => void;
  reject: (e: SimError) => void;
  timer: NodeJS.Timeout | null;
}

export class CallQueue {
  private outstanding: QueuedCall | null = null;
  private readonly waiting: QueuedCall[] = [];

  constructor(private readonly transmit: (text: string) => void) {}

  /** Sends `text` once every earlier CALL is answered; resolves with its answer. */
  enqueue(messageId: string | null, label: string, text: string, timeoutMs: number): Promise<CallAnswer> {
    return new Promise<CallAnswer>((resolve, reject) => {
      this.waiting.push({ messageId, label, text, timeoutMs, resolve, reject, timer: null });
      this.next();
    });
  }

  /** Hands an answer to the outstanding CALL; false when it answers nothing we sent. */
  settle(answer: CallAnswer): boolean {
    const call = this.outstanding;
    if (!call || (call.messageId !== null && call.messageId !== answer.messageId)) return false;
    if (call.timer) clearTimeout(call.timer);
    this.outstanding = null;
    call.resolve(answer);
    this.next();
    return true;
  }

  get idle(): boolean {
    return this.outstanding === null && this.waiting.length === 0;
  }

  failAll(error: SimError): void {
    const all = this.outstanding ? [this.outstanding, ...this.waiting] : [...this.waiting];
    this.outstanding = null;
    this.waiting.length = 0;
    for (const call of all) {
      if (call.timer) clearTimeout(call.timer);
      call.reject(error);
    }
  }

  private next(): void {
    if (this.outstanding) return;
    const call = this.waiting.shift();
    if (!call) return;
    this.outstanding = call;
    call.timer = setTimeout(() => {
      if (this.outstanding !== call) return;
      this.outstanding = null;
      call.reject(new SimError('SIM_TIMEOUT', `no answer to ${call.label} within ${call.timeoutMs} ms`));
      this.next();
    }, call.timeoutMs);
    try {
      this.transmit(call.text);
    } catch (err) {
      clearTimeout(call.timer);
      this.outstanding = null;
      call.reject(new SimError('SIM_NOT_CONNECTED', `${call.label} could not be sent: ${(err as Error).message}`));
      this.next();
    }
  }
}
