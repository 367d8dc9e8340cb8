// Back-off for failed upgrade authentications, kept per key (a station identity, a source
// address). Fewer than `maxFailures` failures in `windowMs` (counting verifications still in
// flight, so a burst cannot slip past before the first failure is known) pass freely; beyond
// that the key is in back-off: at most one verification per interval, the interval doubling on
// every further failure from `baseDelayMs` up to `maxDelayMs`. A success clears the key.
// In memory only, bounded: idle keys are swept once the table passes `maxKeys`.

export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Verifications in flight at once for one key, outside back-off. */
  maxInFlight: number;
  maxKeys: number;
  now: () => number;
}

export const DEFAULT_THROTTLE: Omit<ThrottleOptions, 'now'> = {
  maxFailures: 5,
  windowMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxInFlight: 5,
  maxKeys: 100_000,
};

interface Entry {
  windowStart: number;
  failures: number;
  inFlight: number;
  level: number;
  blockedUntil: number;
  lastAt: number;
}

export interface AuthThrottle {
  /** True when the key is in back-off right now (nothing may be verified for it). */
  blocked(key: string): boolean;
  /** Reserves one verification for the key; false when it must be refused (429) unverified. */
  tryAcquire(key: string): boolean;
  /** Ends a verification begun with tryAcquire. */
  release(key: string, ok: boolean): void;
  /** A failure not preceded by tryAcquire (a refused transport, a wrong user name). */
  fail(key: string): void;
  size(): number;
}

export function createAuthThrottle(options: Partial<ThrottleOptions> = {}): AuthThrottle {
  const o: ThrottleOptions = { ...DEFAULT_THROTTLE, now: () => Date.now(), ...options };
  const entries = new Map<string, Entry>();

  const entry = (key: string, now: number): Entry => {
    let e = entries.get(key);
    if (!e) {
      if (entries.size >= o.maxKeys) sweep(now);
      e = { windowStart: now, failures: 0, inFlight: 0, level: 0, blockedUntil: 0, lastAt: now };
      entries.set(key, e);
    }
    // A quiet window forgets the failures (and, once the back-off has run out, the back-off).
    if (now - e.windowStart > o.windowMs && e.inFlight === 0 && now >= e.blockedUntil) {
      e.windowStart = now;
      e.failures = 0;
      if (now - e.lastAt > o.windowMs) e.level = 0;
    }
    return e;
  };
  const delay = (level: number): number => Math.min(o.baseDelayMs * 2 ** Math.max(0, level - 1), o.maxDelayMs);
  const sweep = (now: number): void => {
    for (const [k, e] of entries) if (e.inFlight === 0 && now >= e.blockedUntil && now - e.lastAt > o.windowMs) entries.delete(k);
    // Still full (an attack from very many keys): drop the oldest half rather than grow.
    if (entries.size >= o.maxKeys) {
      let drop = Math.floor(entries.size / 2);
      for (const k of entries.keys()) {
        if (drop-- <= 0) break;
        entries.delete(k);
      }
    }
  };
  const failure = (e: Entry, now: number): void => {
    e.failures++;
    e.lastAt = now;
    if (e.failures >= o.maxFailures) {
      e.level++;
      e.blockedUntil = Math.max(e.blockedUntil, now + delay(e.level));
    }
  };

  return {
    blocked(key) {
      const e = entries.get(key);
      return e !== undefined && o.now() < e.blockedUntil;
    },
    tryAcquire(key) {
      const now = o.now();
      const e = entry(key, now);
      if (now < e.blockedUntil) return false;
      if (e.level > 0) {
        // In back-off: this is the interval's one verification.
        if (e.inFlight > 0) return false;
        e.blockedUntil = now + delay(e.level);
      } else if (e.failures + e.inFlight >= o.maxFailures || e.inFlight >= o.maxInFlight) {
        return false;
      }
      e.inFlight++;
      return true;
    },
    release(key, ok) {
      const now = o.now();
      const e = entries.get(key);
      if (!e) return;
      e.inFlight = Math.max(0, e.inFlight - 1);
      if (ok) {
        if (e.inFlight === 0) entries.delete(key);
        return;
      }
      failure(e, now);
    },
    fail(key) {
      const now = o.now();
      failure(entry(key, now), now);
    },
    size: () => entries.size,
  };
}
