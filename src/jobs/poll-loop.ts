// The durable poll/wake loop shared by the jobs that work on stations from rows in the database
// (the outbox of CSMS-initiated CALLs, certificate campaigns, firmware updates): a pass runs on a
// timer, at once when kicked, and after stations connect; passes never overlap (a kick during a
// pass runs one more); the work a pass starts is tracked by key, so tick() and close() can wait
// for it. State lives in the database, so the loop itself holds nothing a restart would lose.
import type { Logger } from '../log.js';

/** What a pass sees of the loop: whether it is closing, and the work in flight. */
export interface LoopWork {
  readonly closed: boolean;
  readonly inFlight: ReadonlyMap<string, Promise<void>>;
  /** Tracks `work` under `key` until it settles; `work` must handle its own errors. */
  start(key: string, work: Promise<void>): void;
}

export interface PollLoopOptions {
  /** Names the loop in log lines: "<name> pass failed". */
  name: string;
  log: Logger;
  pollIntervalMs: number;
  /** One pass: looks for due work and starts it with work.start(). */
  pass(work: LoopWork): Promise<void>;
  /**
   * Makes the pending work of stations that just connected due at once; returns how much pending
   * work they have (a pass runs only when there is some). Without it, connections are gathered
   * for WAKE_BATCH_MS and followed by one pass.
   */
  wakeStations?(stationIds: readonly string[]): Promise<number>;
  /** Runs once before the first pass (work a previous process left half done). */
  recover?(): Promise<unknown>;
  /** A settled piece of work frees a slot: run another pass at once. */
  passWhenSettled?: boolean;
}

export interface PollLoop {
  /** Runs a pass now. */
  kick(): void;
  /** Runs a pass within WAKE_BATCH_MS, one for all the calls of that time (events that come in storms). */
  kickSoon(): void;
  /** The work in flight, for starting work outside a pass (it is tracked and awaited the same way). */
  readonly work: LoopWork;
  /** A station connected: its pending work becomes due at once. */
  stationConnected(stationId: string): void;
  /** One pass; resolves when the work it started has settled. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/** How long connecting stations are collected before their work is woken in one statement. */
export const WAKE_BATCH_MS = 50;

export function startPollLoop(opts: PollLoopOptions): PollLoop {
  const { name, log } = opts;
  const inFlight = new Map<string, Promise<void>>();
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;

  const work: LoopWork = {
    get closed() {
      return closed;
    },
    inFlight,
    start(key, p) {
      inFlight.set(
        key,
        p.finally(() => {
          inFlight.delete(key);
          if (opts.passWhenSettled && !closed) void run();
        }),
      );
    },
  };

  function run(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await opts.pass(work);
        } catch (err) {
          log.error({ err }, `${name} pass failed`);
        }
      } while (again && !closed);
    })().finally(() => {
      running = null;
    });
    return running;
  }

  // Stations that connect are woken together: the first at once, those that follow within
  // WAKE_BATCH_MS in one statement. In a reconnect storm of thousands of stations, one statement
  // (and one pass) per station would queue on the database and hold up the stations' boot records;
  // a station connecting alone is woken before it can send anything. A pass follows only when the
  // woken stations have pending work: usually none do.
  const toWake = new Set<string>();
  let wakeTimer: NodeJS.Timeout | null = null;
  let kickTimer: NodeJS.Timeout | null = null;
  const kickSoon = (): void => {
    if (closed) return;
    kickTimer ??= setTimeout(() => {
      kickTimer = null;
      void run();
    }, WAKE_BATCH_MS);
  };
  const wakeNow = (ids: string[]): void => {
    if (closed || ids.length === 0) return;
    if (!opts.wakeStations) return kickSoon();
    opts.wakeStations(ids).then(
      (pending) => {
        if (pending > 0) void run();
      },
      (err: unknown) => log.error({ err, stations: ids.length }, `${name} wake failed`),
    );
  };
  const wakeGathered = (): void => {
    wakeTimer = null;
    const ids = [...toWake];
    toWake.clear();
    wakeNow(ids);
  };

  const timer = setInterval(() => void run(), opts.pollIntervalMs);
  timer.unref();
  if (opts.recover) opts.recover().then(() => run(), (err: unknown) => log.error({ err }, `${name} recovery failed`));
  else void run();

  return {
    kick: () => void run(),
    kickSoon,
    work,
    stationConnected(stationId) {
      if (wakeTimer) {
        toWake.add(stationId);
        return;
      }
      wakeTimer = setTimeout(wakeGathered, WAKE_BATCH_MS);
      wakeNow([stationId]);
    },
    async tick() {
      await run();
      await Promise.all(inFlight.values());
    },
    async close() {
      closed = true;
      clearInterval(timer);
      if (wakeTimer) clearTimeout(wakeTimer);
      if (kickTimer) clearTimeout(kickTimer);
      await running;
      await Promise.all(inFlight.values());
    },
  };
}
