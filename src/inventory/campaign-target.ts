// One station's part of a certificate campaign: install a root into every store it must reach
// (M05), or find it in the station's report and delete it (M03 + M04). The answers so far are in
// `steps`, so a station retried after a lost connection is not asked twice for what it accepted.
import { OcppRpcError } from '../ocpp/rpc-error.js';
import type { CampaignKind, TargetSteps } from '../store/certificate-campaigns.js';
import { hashDataKey, rootHashKeys } from './hash-data.js';
import type { InstallCertificateUse, RootCertificate } from './root-certificate.js';
import { deleteInstalled, installRoot, readInstalled, type StationAnswer, type StationCertificateDeps } from './station-certificates.js';

export type TargetResult =
  | { kind: 'finished'; state: 'succeeded' | 'failed'; outcome: string; error: string | null }
  /** The station went away: wait for it, not an attempt. */
  | { kind: 'offline'; error: string }
  /** No usable answer (timeout, a transient CALLERROR): another attempt after backoff. */
  | { kind: 'retry'; error: string };

export interface TargetWork {
  kind: CampaignKind;
  stationId: string;
  uses: readonly InstallCertificateUse[];
  root: RootCertificate;
  steps: TargetSteps;
  /** Called after every answer, with the steps so far (persisted by the engine). */
  onStep(steps: TargetSteps): Promise<void>;
}

// A CALLERROR that no retry can change: the station does not do this at all.
const FINAL_CALL_ERRORS: ReadonlySet<string> = new Set(['NotImplemented', 'NotSupported', 'SecurityError']);

/** Transport failures from the bus -> offline (wait for the station) or retry. */
function transportFailure(err: unknown): TargetResult {
  if (!(err instanceof OcppRpcError)) throw err;
  if (err.code === 'StationNotConnected' || err.code === 'ConnectionClosed') return { kind: 'offline', error: `${err.code}: ${err.message}` };
  return { kind: 'retry', error: `${err.code}: ${err.message}` };
}

function describe(answer: StationAnswer<string>): string {
  if (answer.kind === 'error') return `CALLERROR ${answer.errorCode}`;
  return answer.statusInfo ? `${answer.status} (${answer.statusInfo.reasonCode})` : answer.status;
}

export async function runTarget(deps: StationCertificateDeps, work: TargetWork): Promise<TargetResult> {
  return work.kind === 'install' ? runInstall(deps, work) : runRemove(deps, work);
}

async function runInstall(deps: StationCertificateDeps, work: TargetWork): Promise<TargetResult> {
  const steps: TargetSteps = { ...work.steps };
  for (const use of work.uses) {
    if (steps[use] === 'Accepted') continue;
    let answer: StationAnswer<string>;
    try {
      answer = await installRoot(deps, work.stationId, work.root, use);
    } catch (err) {
      return transportFailure(err);
    }
    if (answer.kind === 'error' && !FINAL_CALL_ERRORS.has(answer.errorCode)) return { kind: 'retry', error: `${use}: CALLERROR ${answer.errorCode}: ${answer.errorDescription}` };
    steps[use] = answer.kind === 'status' && answer.status === 'Accepted' ? 'Accepted' : describe(answer);
    await work.onStep(steps);
  }
  // Every store or none: a V2G root in the V2G store alone leaves Plug & Charge broken (rollout-uses.ts).
  const refused = work.uses.filter((u) => steps[u] !== 'Accepted');
  if (refused.length === 0) return { kind: 'finished', state: 'succeeded', outcome: 'installed', error: null };
  return { kind: 'finished', state: 'failed', outcome: 'refused', error: refused.map((u) => `${u}: ${steps[u] ?? 'not sent'}`).join('; ') };
}

async function runRemove(deps: StationCertificateDeps, work: TargetWork): Promise<TargetResult> {
  const steps: TargetSteps = { ...work.steps };
  // Step 1: the station's own hash data for the root (it may hash with SHA384 or SHA512).
  let read;
  try {
    read = await readInstalled(deps, work.stationId, work.uses);
  } catch (err) {
    return transportFailure(err);
  }
  if (read.answer.kind === 'error') {
    const error = `GetInstalledCertificateIds: CALLERROR ${read.answer.errorCode}: ${read.answer.errorDescription}`;
    return FINAL_CALL_ERRORS.has(read.answer.errorCode) ? { kind: 'finished', state: 'failed', outcome: 'refused', error } : { kind: 'retry', error };
  }
  const keys = new Set(rootHashKeys(work.root.der));
  const matches = read.reported.filter((r) => keys.has(hashDataKey(r.hashData)));
  if (matches.length === 0) {
    steps.GetInstalledCertificateIds = read.answer.status;
    await work.onStep(steps);
    return { kind: 'finished', state: 'succeeded', outcome: 'not-installed', error: null };
  }
  // Step 2: delete it wherever it is (one DeleteCertificate removes one certificate, M04.FR.*).
  const failed: string[] = [];
  for (const m of matches) {
    let answer: StationAnswer<string>;
    try {
      answer = await deleteInstalled(deps, work.stationId, m.hashData);
    } catch (err) {
      return transportFailure(err);
    }
    if (answer.kind === 'error' && !FINAL_CALL_ERRORS.has(answer.errorCode)) return { kind: 'retry', error: `DeleteCertificate: CALLERROR ${answer.errorCode}: ${answer.errorDescription}` };
    const ok = answer.kind === 'status' && (answer.status === 'Accepted' || answer.status === 'NotFound');
    steps[m.certificateType] = ok ? 'Deleted' : describe(answer);
    if (!ok) failed.push(`${m.certificateType}: ${describe(answer)}`);
    await work.onStep(steps);
  }
  if (failed.length === 0) return { kind: 'finished', state: 'succeeded', outcome: 'removed', error: null };
  return { kind: 'finished', state: 'failed', outcome: 'refused', error: failed.join('; ') };
}
