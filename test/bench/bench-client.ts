// Station process of `npm run bench:ocpp`: many plain `ws` stations, kept as cheap as possible
// (pre-built frame text, the answer's message id read with a slice, no JSON per message). Each
// station connects, boots, sends one StatusNotification and then idles; when its socket closes it
// comes back on its own with a randomized, capped back-off, as a real station would. Started by
// test/bench/ocpp.ts only.
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { ownFdLimit, serveParent, emitToParent } from './bench-ipc.js';

const { values: opts } = parseArgs({
  options: {
    index: { type: 'string', default: '0' },
    url: { type: 'string' },
    mode: { type: 'string', default: 'csms' },
    deflate: { type: 'string', default: 'true' },
    'local-addresses': { type: 'string', default: '127.0.0.1' },
    'max-life-s': { type: 'string', default: '1200' },
  },
  strict: true,
});
if (!opts.url) throw new Error('--url is required');
const BASE_URL = opts.url.endsWith('/') ? opts.url : `${opts.url}/`;
/** The echo server answers every CALL with a CALLRESULT; only the CSMS says Accepted. */
const EXPECT_ACCEPTED = opts.mode === 'csms';
const DEFLATE = opts.deflate !== 'false';
const LOCAL_ADDRESSES = opts['local-addresses'].split(',').filter(Boolean);

const HANDSHAKE_TIMEOUT_MS = 30_000;
const CALL_TIMEOUT_MS = 30_000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_CAP_MS = 5_000;

const BOOT_PAYLOAD = JSON.stringify({ reason: 'PowerUp', chargingStation: { vendorName: 'Bench', model: 'B1' } });
const CH_RESULT = 51; // '3'
const CH_ERROR = 52; // '4'

type State = 'idle' | 'connecting' | 'booting' | 'reporting' | 'ready' | 'waiting';

interface Station {
  readonly id: string;
  readonly localAddress: string;
  ws: WebSocket | null;
  state: State;
  seq: number;
  pending: string;
  sentAt: number;
  attempts: number;
  /** Epoch in which the station last became ready (see `epoch`). */
  readyEpoch: number;
  onboarded: boolean;
  onboardStart: number;
  busy: boolean;
  timer: NodeJS.Timeout | null;
}

const stations: Station[] = [];
let epoch = 0;
let epochReady = 0;
let epochAllReadyAt: number | null = null;
let stopping = false;

const counters = {
  connectAttempts: 0,
  opened: 0,
  booted: 0,
  bootNotAccepted: 0,
  reporting: 0,
  callErrors: 0,
  callTimeouts: 0,
  socketErrors: 0,
  refused: 0,
  httpErrors: 0,
  handshakeTimeouts: 0,
  closes: 0,
  unexpectedFrames: 0,
};
const resetCounters = (): void => {
  for (const k of Object.keys(counters) as (keyof typeof counters)[]) counters[k] = 0;
};

// ---- connect window (initial onboarding) ----
let queue: Station[] = [];
let windowFree = 0;
let windowSize = 0;
let onboardedCount = 0;
let onboardAllAt: number | null = null;
const onboardHist = createHistogram();

function pump(): void {
  while (windowFree > 0 && queue.length > 0) {
    const st = queue.pop()!;
    windowFree--;
    st.onboardStart = performance.now();
    open(st);
  }
}

function backoffMs(attempt: number): number {
  // 0.5-1 s, 1-2 s, 2-4 s, then 2.5-5 s: doubling, capped at 5 s, jittered over its upper half.
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_FIRST_MS * 2 * 2 ** attempt);
  return ceiling * (0.5 + Math.random() * 0.5);
}

function open(st: Station): void {
  if (stopping) return;
  st.state = 'connecting';
  counters.connectAttempts++;
  const ws = new WebSocket(BASE_URL + st.id, 'ocpp2.0.1', {
    localAddress: st.localAddress,
    perMessageDeflate: DEFLATE,
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
  });
  st.ws = ws;
  ws.on('open', () => {
    counters.opened++;
    st.state = 'booting';
    call(st, 'BootNotification', BOOT_PAYLOAD);
  });
  ws.on('message', (data: Buffer) => onFrame(st, data));
  ws.on('error', (err: Error & { code?: string }) => {
    if (err.code === 'ECONNREFUSED') counters.refused++;
    else if (err.message.startsWith('Unexpected server response')) counters.httpErrors++;
    else if (err.message.includes('Opening handshake has timed out')) counters.handshakeTimeouts++;
    else counters.socketErrors++;
  });
  ws.on('close', () => onClose(st, ws));
}

function call(st: Station, action: string, payloadJson: string): void {
  const id = String(++st.seq);
  st.pending = id;
  st.sentAt = performance.now();
  st.ws!.send(`[2,"${id}","${action}",${payloadJson}]`);
}

function statusPayload(): string {
  return `{"timestamp":"${new Date().toISOString()}","connectorStatus":"Available","evseId":1,"connectorId":1}`;
}

function onFrame(st: Station, data: Buffer): void {
  const text = data.toString();
  const kind = text.charCodeAt(1);
  const id = text.slice(4, text.indexOf('"', 4));
  if ((kind !== CH_RESULT && kind !== CH_ERROR) || id !== st.pending) {
    counters.unexpectedFrames++;
    return;
  }
  st.pending = '';
  switch (st.state) {
    case 'booting':
      if (kind === CH_RESULT && (!EXPECT_ACCEPTED || text.includes('"status":"Accepted"'))) {
        counters.booted++;
        st.state = 'reporting';
        call(st, 'StatusNotification', statusPayload());
      } else {
        if (kind === CH_ERROR) counters.callErrors++;
        else counters.bootNotAccepted++;
        st.ws?.terminate();
      }
      return;
    case 'reporting':
      if (kind !== CH_RESULT) {
        counters.callErrors++;
        st.ws?.terminate();
        return;
      }
      counters.reporting++;
      becomeReady(st);
      return;
    case 'ready':
      if (st.busy) onHeartbeatAnswer(st, kind);
      return;
    default:
      counters.unexpectedFrames++;
  }
}

function becomeReady(st: Station): void {
  st.state = 'ready';
  st.attempts = 0;
  if (st.readyEpoch !== epoch) {
    st.readyEpoch = epoch;
    epochReady++;
    if (epochReady === stations.length) epochAllReadyAt = Date.now();
  }
  if (!st.onboarded) {
    st.onboarded = true;
    onboardedCount++;
    onboardHist.record(Math.max(1, Math.round((performance.now() - st.onboardStart) * 1000)));
    if (onboardedCount === stations.length) onboardAllAt = Date.now();
    windowFree++;
    pump();
  }
}

function onClose(st: Station, ws: WebSocket): void {
  if (st.ws !== ws) return;
  counters.closes++;
  st.ws = null;
  st.pending = '';
  if (st.busy) busyInFlight = Math.max(0, busyInFlight - 1);
  st.busy = false;
  if (stopping) {
    st.state = 'idle';
    return;
  }
  st.state = 'waiting';
  st.timer = setTimeout(() => {
    st.timer = null;
    open(st);
  }, backoffMs(st.attempts++));
}

// A station that waits too long for a CALLRESULT gives up on the connection, as a real one would.
const sweep = setInterval(() => {
  const now = performance.now();
  for (const st of stations) {
    if ((st.state === 'booting' || st.state === 'reporting') && st.pending !== '' && now - st.sentAt > CALL_TIMEOUT_MS) {
      counters.callTimeouts++;
      st.ws?.terminate();
    }
  }
}, 1000);
sweep.unref();

// ---- busy heartbeats ----
let busyRunning = false;
let busyInFlight = 0;
let recording = false;
let recordStart = 0;
let recordCount = 0;
let recordErrors = 0;
let latency: RecordableHistogram = createHistogram();
/** Every recorded round of this process so far, merged. */
const allRounds: RecordableHistogram = createHistogram();
const HB_HEAD = '[2,"';
const HB_TAIL = '","Heartbeat",{}]';

function sendHeartbeat(st: Station): void {
  const id = String(++st.seq);
  st.pending = id;
  st.sentAt = performance.now();
  st.ws!.send(HB_HEAD + id + HB_TAIL);
}

function onHeartbeatAnswer(st: Station, kind: number): void {
  if (recording) {
    latency.record(Math.max(1, Math.round((performance.now() - st.sentAt) * 1000)));
    recordCount++;
    if (kind === CH_ERROR) recordErrors++;
  }
  if (busyRunning && st.ws) sendHeartbeat(st);
  else {
    st.busy = false;
    busyInFlight--;
  }
}

const usToMs = (us: number): number => Math.round(us / 10) / 100;

function histFigures(h: RecordableHistogram): Record<string, number> {
  if (h.count === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return { count: h.count, p50: usToMs(h.percentile(50)), p90: usToMs(h.percentile(90)), p99: usToMs(h.percentile(99)), p999: usToMs(h.percentile(99.9)), max: usToMs(h.max), mean: usToMs(h.mean) };
}

function status(): Record<string, unknown> {
  const states: Record<State, number> = { idle: 0, connecting: 0, booting: 0, reporting: 0, ready: 0, waiting: 0 };
  for (const st of stations) states[st.state]++;
  return { total: stations.length, onboarded: onboardedCount, onboardAllAt, epoch, epochReady, epochAllReadyAt, states, counters: { ...counters } };
}

serveParent(
  {
    hello: () => ({ pid: process.pid, fdLimit: ownFdLimit() }),
    // May be called more than once: each call adds stations and onboards them through the window.
    connect(args) {
      const ids = args.ids as string[];
      const added: Station[] = [];
      for (let i = 0; i < ids.length; i++) {
        added.push({
          id: ids[i]!,
          localAddress: LOCAL_ADDRESSES[(stations.length + i) % LOCAL_ADDRESSES.length]!,
          ws: null,
          state: 'idle',
          seq: 0,
          pending: '',
          sentAt: 0,
          attempts: 0,
          readyEpoch: -1,
          onboarded: false,
          onboardStart: 0,
          busy: false,
          timer: null,
        });
      }
      stations.push(...added);
      queue = added.reverse().concat(queue);
      onboardAllAt = null;
      if (windowSize === 0) {
        windowSize = Math.max(1, Number(args.concurrency));
        windowFree = windowSize;
      }
      pump();
      return stations.length;
    },
    status,
    onboarding: () => histFigures(onboardHist),
    epoch(args) {
      epoch = Number(args.epoch);
      epochReady = 0;
      epochAllReadyAt = null;
      resetCounters();
      return epoch;
    },
    'busy-start'(args) {
      const want = Number(args.count);
      busyRunning = true;
      let n = 0;
      for (const st of stations) {
        if (n >= want) break;
        if (st.state !== 'ready' || !st.ws) continue;
        st.busy = true;
        busyInFlight++;
        n++;
        sendHeartbeat(st);
      }
      return n;
    },
    'busy-record-start'() {
      latency = createHistogram();
      recordCount = 0;
      recordErrors = 0;
      recordStart = performance.now();
      recording = true;
      return true;
    },
    'busy-record-stop'() {
      recording = false;
      const elapsedMs = performance.now() - recordStart;
      allRounds.add(latency);
      return { elapsedMs, roundTrips: recordCount, errors: recordErrors, perSecond: recordCount / (elapsedMs / 1000), latency: histFigures(latency), allRounds: histFigures(allRounds) };
    },
    async 'busy-stop'() {
      busyRunning = false;
      const deadline = Date.now() + 5000;
      while (busyInFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      return busyInFlight;
    },
    cpu: () => process.cpuUsage(),
    mem: () => process.memoryUsage(),
    async stop() {
      stopping = true;
      for (const st of stations) {
        if (st.timer) clearTimeout(st.timer);
        st.timer = null;
        st.ws?.terminate();
      }
      clearInterval(sweep);
      const deadline = Date.now() + 5000;
      while (stations.some((s) => s.ws) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return true;
    },
  },
  Number(opts['max-life-s']) * 1000,
);
emitToParent('ready', { pid: process.pid, fdLimit: ownFdLimit() });
