// A bare WebSocket "station" for protocol tests: sends exact text frames and reads exact answers.
import WebSocket from 'ws';

export interface RawStation {
  ws: WebSocket;
  send(frame: unknown): void;
  sendText(text: string): void;
  /** Next text frame from the CSMS, parsed. */
  next(timeoutMs?: number): Promise<unknown[]>;
  /** Sends a CALL and returns the answer frame. */
  call(action: string, payload: unknown, id?: string): Promise<unknown[]>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export function connectRaw(url: string, opts: { protocols?: string[]; perMessageDeflate?: boolean | object; headers?: Record<string, string> } = {}): Promise<RawStation> {
  const ws = new WebSocket(url, opts.protocols ?? ['ocpp2.0.1'], { perMessageDeflate: opts.perMessageDeflate ?? false, headers: opts.headers ?? {} });
  const inbox: unknown[][] = [];
  const waiters: ((m: unknown[]) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as unknown[];
    const w = waiters.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  let seq = 0;
  const station: RawStation = {
    ws,
    closed,
    send: (frame) => ws.send(JSON.stringify(frame)),
    sendText: (text) => ws.send(text),
    next(timeoutMs = 5000) {
      const m = inbox.shift();
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const waiter = (msg: unknown[]): void => {
          clearTimeout(t);
          resolve(msg);
        };
        const t = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error('no frame from the CSMS in time'));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    async call(action, payload, id = `m${++seq}`) {
      station.send([2, id, action, payload]);
      return station.next();
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(station));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

export const BOOT = { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'Volt 22' } };
