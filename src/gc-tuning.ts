// V8 settings for a process that holds tens of thousands of long-lived connections and answers a
// few busy ones quickly. Measured with `npm run bench:ocpp` (README, Performance):
// - Allocation-site pretenuring: during a connect storm every connection keeps the last objects
//   that ws's frame receiver allocated for it, so V8 decides those allocation sites make
//   long-lived objects and allocates them in the old generation from then on. Afterwards each
//   heartbeat's receive path leaves its garbage in the old generation, where it keeps the frame's
//   young buffers alive through every young collection: 1.7 MB promoted per scavenge, 4-10 ms
//   pauses every 150 ms, a full collection every few seconds. Without pretenuring 0.05-0.1 MB is
//   promoted and scavenges pause 1-1.5 ms.
// - Heap growing: with little promoted, V8 sets the old generation's limit to 1.1-1.2 times the
//   live heap after a full collection, and starts the next marking as soon as less than a young
//   generation's worth of room is left: with 19,500 connections that was every second, each
//   costing the event loop 30-90 ms. Allowed twice the live size it starts marking when the heap
//   has grown, not at once.
import { setFlagsFromString } from 'node:v8';

export const GC_TUNING_FLAGS = ['--no-allocation-site-pretenuring', '--heap-growing-percent=100'] as const;

/** The flags' V8 names, e.g. "allocation-site-pretenuring" for --no-allocation-site-pretenuring. */
const flagName = (flag: string): string => flag.replace(/^--(no-)?/, '').replace(/=.*$/, '').replaceAll('_', '-');

/**
 * The tuning flags the process was not started with a setting of its own for (node options such
 * as --allocation-site-pretenuring or --heap-growing-percent=30 win).
 */
export function gcTuningToApply(execArgv: readonly string[]): string[] {
  const given = new Set(execArgv.filter((a) => a.startsWith('--')).map(flagName));
  return GC_TUNING_FLAGS.filter((f) => !given.has(flagName(f)));
}

/** Applies the tuning to this process's V8 (it reads these flags at each collection); returns what was set. */
export function applyGcTuning(execArgv: readonly string[] = process.execArgv): string[] {
  const flags = gcTuningToApply(execArgv);
  for (const f of flags) setFlagsFromString(f);
  return flags;
}
