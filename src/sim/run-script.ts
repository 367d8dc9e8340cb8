// Runs a script against a CSMS with one station: connect, then each step in order, stopping at
// the first step whose answer misses its expectation. The station still answers CSMS-initiated
// CALLs throughout, but sends nothing on its own (no automatic heartbeats, statuses or reconnects).
import { setTimeout as delay } from 'node:timers/promises';
import type { CallAnswer } from './call-queue.js';
import { checkExpectation } from './expectation.js';
import type { ScriptStep, SimScript } from './script-schema.js';
import { SimulatedStation } from './station.js';
import { DEFAULT_STATION_ID, type StationOptions } from './station-options.js';

export interface ScriptRunOptions {
  /** The CSMS's OCPP endpoint without the identity: ws(s)://HOST:PORT/ocpp */
  url: string;
  /** Overrides the script's stationId. */
  stationId?: string;
  station?: Omit<StationOptions, 'url' | 'stationId' | 'automatic' | 'reconnect'>;
  /** Sees the station before it connects, e.g. to print its frames. */
  onStation?: (station: SimulatedStation) => void;
  /** One line per step and its outcome. */
  log?: (line: string) => void;
}

export interface ScriptRunResult {
  ok: boolean;
  stationId: string;
  stepsRun: number;
  /** Which step failed and why; null when every step passed. */
  failure: string | null;
}

const short = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}...` : text);

export function describeStep(step: ScriptStep): string {
  if ('boot' in step) return `boot ${step.boot.reason ?? 'PowerUp'}`;
  if ('send' in step) return `send ${step.send.action}`;
  if ('status' in step) return `status ${step.status.evseId}/${step.status.connectorId} ${step.status.connectorStatus}`;
  if ('heartbeat' in step) return 'heartbeat';
  if ('raw' in step) return `raw ${short(step.raw)}`;
  if ('wait' in step) return `wait ${step.wait.ms} ms`;
  if ('disconnect' in step) return 'disconnect';
  return 'reconnect';
}

type CallStep = Extract<ScriptStep, { boot: unknown } | { send: unknown } | { status: unknown } | { heartbeat: unknown }>;

function callOf(step: CallStep, station: SimulatedStation): [string, Record<string, unknown>] {
  if ('boot' in step) {
    const { reason = 'PowerUp', ...fields } = step.boot;
    return ['BootNotification', { reason, chargingStation: { ...station.options.chargingStation, ...fields } }];
  }
  if ('send' in step) return [step.send.action, step.send.payload ?? {}];
  if ('status' in step) {
    const { timestamp = new Date().toISOString(), ...status } = step.status;
    return ['StatusNotification', { timestamp, ...status }];
  }
  return ['Heartbeat', {}];
}

async function runStep(station: SimulatedStation, step: ScriptStep): Promise<string | null> {
  if ('wait' in step) {
    await delay(step.wait.ms);
    return null;
  }
  if ('disconnect' in step) {
    await station.close(step.disconnect.code ?? 1000, step.disconnect.reason ?? '');
    return null;
  }
  if ('reconnect' in step) {
    await station.close();
    if (step.reconnect.delayMs) await delay(step.reconnect.delayMs);
    await station.connect();
    return null;
  }
  let answer: CallAnswer;
  if ('raw' in step) {
    // Without an expectation a raw frame is fire-and-forget; its answer, if any, is ignored.
    if (!step.expect) {
      station.sendRaw(step.raw);
      return null;
    }
    answer = await station.callRaw(step.raw);
  } else {
    const [action, payload] = callOf(step, station);
    answer = await station.call(action, payload);
  }
  return checkExpectation(answer, step.expect);
}

export async function runScript(script: SimScript, options: ScriptRunOptions): Promise<ScriptRunResult> {
  const stationId = options.stationId ?? script.stationId ?? DEFAULT_STATION_ID;
  const station = new SimulatedStation({ callTimeoutMs: 10_000, ...options.station, url: options.url, stationId, automatic: false, reconnect: false });
  options.onStation?.(station);
  const log = options.log ?? (() => undefined);
  const total = script.steps.length;
  let stepsRun = 0;
  try {
    await station.connect();
    for (const [i, step] of script.steps.entries()) {
      const label = `step ${i + 1}/${total} ${describeStep(step)}`;
      let problem: string | null;
      try {
        problem = await runStep(station, step);
      } catch (err) {
        problem = err instanceof Error ? err.message : String(err);
      }
      stepsRun++;
      log(`${label}: ${problem ? `FAILED: ${problem}` : 'ok'}`);
      if (problem) return { ok: false, stationId, stepsRun, failure: `${label}: ${problem}` };
    }
    return { ok: true, stationId, stepsRun, failure: null };
  } catch (err) {
    return { ok: false, stationId, stepsRun, failure: `could not connect: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    await station.close();
  }
}
