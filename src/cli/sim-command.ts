// `plugtrust sim`: one or many simulated OCPP 2.0.1 charging stations. Without --script they boot,
// heartbeat and report their connectors until SIGINT/SIGTERM; with --script one station runs the
// script and the exit code says whether every expectation held (0), or not (1). Bad options or
// an invalid script exit 2.
import { launchFleet } from '../sim/fleet.js';
import { loadScript } from '../sim/script-load.js';
import { runScript } from '../sim/run-script.js';
import { SimError } from '../sim/sim-error.js';
import { parseSimOptions, simOptionsHelp, type SimOptionValues } from '../sim/sim-options.js';
import type { SimulatedStation } from '../sim/station.js';
import type { StationOptions } from '../sim/station-options.js';

const HELP = `Usage: plugtrust sim [options]

Simulates OCPP 2.0.1 charging stations connecting to ws(s)://HOST:PORT/ocpp/<stationId> with
subprotocol ocpp2.0.1. Each station boots (BootNotification, again after Pending/Rejected),
heartbeats, reports its connectors, answers GetVariables, SetVariables, Reset, TriggerMessage and
ChangeAvailability, and reconnects with back-off after a drop. Prints one line per frame.

With --script FILE one station runs the steps of a JSON script (see fixtures/README.md) and the
command exits 0 when every step passed, 1 when one failed, 2 for invalid options or script.

Options (flag, environment variable):
`;

type Print = (line: string) => void;

const time = (): string => new Date().toISOString().slice(11, 23);

function attach(station: SimulatedStation, print: Print, quiet: boolean): void {
  const id = station.stationId;
  station.on('error', (err) => process.stderr.write(`${time()} ${id} error: ${err.message}\n`));
  if (quiet) return;
  station.on('open', () => print(`${time()} ${id} connected to ${station.endpoint}`));
  station.on('close', (code, reason) => print(`${time()} ${id} closed ${code}${reason ? ` ${reason}` : ''}`));
  station.on('reconnecting', (ms, attempt) => print(`${time()} ${id} reconnecting in ${ms} ms (attempt ${attempt})`));
  station.on('frame', (direction, text) => print(`${time()} ${id} ${direction === 'out' ? '->' : '<-'} ${text}`));
}

function toStationOptions(o: SimOptionValues): Omit<StationOptions, 'stationId'> {
  return {
    url: o.url,
    chargingStation: {
      vendorName: o.vendor,
      model: o.model,
      ...(o.serialNumber === undefined ? {} : { serialNumber: o.serialNumber }),
      ...(o.firmwareVersion === undefined ? {} : { firmwareVersion: o.firmwareVersion }),
    },
    connectors: Array.from({ length: o.connectors }, (_, i) => ({ evseId: i + 1, connectorId: 1 })),
    callTimeoutMs: o.callTimeoutMs,
    deflate: o.deflate,
    rebootOnReconnect: o.rebootOnReconnect,
    ...(o.heartbeatInterval === undefined ? {} : { heartbeatIntervalS: o.heartbeatInterval }),
    ...(o.password === undefined ? {} : { password: o.password }),
  };
}

async function runScriptFile(o: SimOptionValues, given: ReadonlySet<keyof SimOptionValues>, print: Print): Promise<number> {
  const file = o.script ?? '';
  let script;
  try {
    script = await loadScript(file);
  } catch (err) {
    if (!(err instanceof SimError)) throw err;
    process.stderr.write(`plugtrust sim: ${err.message}\n`);
    return 2;
  }
  // Without --call-timeout-ms a script uses runScript's own, shorter, default.
  const { url, callTimeoutMs: _default, ...station } = toStationOptions(o);
  const result = await runScript(script, {
    url,
    station: { ...station, ...(given.has('callTimeoutMs') ? { callTimeoutMs: o.callTimeoutMs } : {}) },
    ...(given.has('id') ? { stationId: o.id } : {}),
    onStation: (s) => attach(s, print, o.quiet),
    log: (line) => print(`${time()} ${line}`),
  });
  if (result.ok) {
    print(`${file}: all ${result.stepsRun} steps passed (${result.stationId})`);
    return 0;
  }
  process.stderr.write(`plugtrust sim: ${file} failed (${result.stationId}): ${result.failure ?? 'unknown failure'}\n`);
  return 1;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function runLive(o: SimOptionValues, print: Print): Promise<number> {
  const signal = waitForSignal();
  const single = o.count === 1;
  const fleet = launchFleet({
    ...toStationOptions(o),
    count: o.count,
    // One station keeps its id as given; a fleet numbers its stations after it.
    idPrefix: `${o.id}-`,
    ...(single ? { stationIds: [o.id] } : {}),
    concurrency: o.concurrency,
    retryConnect: true,
    ...(o.localAddresses === undefined ? {} : { localAddresses: o.localAddresses.split(',') }),
    onStation: (s) => attach(s, print, o.quiet),
  });
  const startup = fleet.started.then(() => 'started' as const);
  const first = await Promise.race([signal, startup]);
  for (const f of fleet.failures) process.stderr.write(`${time()} ${f.stationId} failed to start: ${f.error.message}\n`);
  if (first === 'started') {
    if (!single || fleet.failures.length > 0) print(`${time()} ${fleet.startDurationsMs.length} of ${o.count} stations started, ${fleet.failures.length} failed`);
    if (fleet.failures.length < o.count) await signal;
  }
  await fleet.close();
  return fleet.failures.length === o.count ? 1 : 0;
}

export async function simCommand(argv: string[]): Promise<number> {
  const parsed = parseSimOptions(argv, process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(`${HELP}${simOptionsHelp()}\n`);
    return 0;
  }
  if (parsed.kind === 'invalid') {
    process.stderr.write(`plugtrust sim: invalid options:\n  - ${parsed.problems.join('\n  - ')}\n\nRun 'plugtrust sim --help' for the options.\n`);
    return 2;
  }
  const o = parsed.values;
  const print: Print = (line) => process.stdout.write(`${line}\n`);
  return o.script === undefined ? runLive(o, print) : runScriptFile(o, parsed.given, print);
}
