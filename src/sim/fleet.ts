// Many stations against one CSMS, for load tests and the benchmark. Connections open through a
// small pool of workers (a burst of 10,000 handshakes would mostly measure the accept queue), and
// sockets can bind to several local addresses: each 127.0.0.x has its own ~28,000 ephemeral ports.
import { performance } from 'node:perf_hooks';
import { SimulatedStation } from './station.js';
import type { StationOptions } from './station-options.js';

export interface FleetOptions extends Omit<StationOptions, 'stationId' | 'localAddress'> {
  count: number;
  /** Station ids are the prefix and a zero-padded number: CS-00001 ... */
  idPrefix: string;
  firstIndex?: number;
  /** Width of the number; defaults to the width of the largest one (at least 3). */
  idDigits?: number;
  /** Exact station ids, used instead of numbering `count` stations after `idPrefix`. */
  stationIds?: readonly string[];
  /** Station i binds to localAddresses[i % length]. */
  localAddresses?: readonly string[];
  /** Connections (and boots) in progress at once; default 50. */
  concurrency?: number;
  /** Boot each station until Accepted after it connects; default true. */
  boot?: boolean;
  /** Keep retrying a station's first connection instead of recording a failure. */
  retryConnect?: boolean;
  /** Sees each station before it connects, e.g. to attach listeners. */
  onStation?: (station: SimulatedStation) => void;
}

export interface FleetFailure {
  stationId: string;
  error: Error;
}

export interface Fleet {
  readonly stations: readonly SimulatedStation[];
  readonly failures: readonly FleetFailure[];
  /** Milliseconds from connect to started (connected, and Accepted when booting), per started station. */
  readonly startDurationsMs: readonly number[];
  /** Resolves once every station has started or failed. */
  readonly started: Promise<void>;
  openCount(): number;
  /** Stops starting stations and closes every one. */
  close(): Promise<void>;
}

export function fleetStationIds(prefix: string, count: number, firstIndex = 1, digits?: number): string[] {
  const width = digits ?? Math.max(3, String(firstIndex + count - 1).length);
  return Array.from({ length: count }, (_, i) => `${prefix}${String(firstIndex + i).padStart(width, '0')}`);
}

/** Creates the stations and starts connecting them; returns at once. */
export function launchFleet(options: FleetOptions): Fleet {
  const { count, idPrefix, firstIndex, idDigits, stationIds, localAddresses = [], concurrency = 50, boot = true, retryConnect = false, onStation, ...stationOptions } = options;
  const ids = stationIds ?? fleetStationIds(idPrefix, count, firstIndex, idDigits);
  const stations = ids.map((stationId, i) => {
    const localAddress = localAddresses.length > 0 ? localAddresses[i % localAddresses.length] : undefined;
    const station = new SimulatedStation({ ...stationOptions, stationId, ...(localAddress === undefined ? {} : { localAddress }) });
    onStation?.(station);
    return station;
  });
  const failures: FleetFailure[] = [];
  const startDurationsMs: number[] = [];
  let closing = false;
  let next = 0;

  const worker = async (): Promise<void> => {
    for (let station = stations[next++]; station && !closing; station = stations[next++]) {
      const t0 = performance.now();
      try {
        if (boot) await station.start({ retryConnect });
        else await station.connect();
        startDurationsMs.push(performance.now() - t0);
      } catch (err) {
        if (!closing) failures.push({ stationId: station.stationId, error: err instanceof Error ? err : new Error(String(err)) });
      }
    }
  };
  const started = Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, ids.length)) }, worker)).then(() => undefined);

  return {
    stations,
    failures,
    startDurationsMs,
    started,
    openCount: () => stations.reduce((n, s) => n + (s.isOpen ? 1 : 0), 0),
    async close() {
      closing = true;
      await Promise.all(stations.map((s) => s.close()));
      await started;
    },
  };
}

/** Starts a fleet and resolves once every station has started or failed. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const fleet = launchFleet(options);
  await fleet.started;
  return fleet;
}
