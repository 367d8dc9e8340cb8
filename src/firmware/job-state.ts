// The per-station firmware update state machine (OCPP 2.0.1 L01/L02), pure. Inputs: the station's
// answer to UpdateFirmware, each FirmwareStatusNotification (L01.FR.01: the station reports every
// new state), and the firmware version a BootNotification reports after the reboot.
import type { FirmwareStatusEnumType, UpdateFirmwareStatusEnumType } from '../csms/types.js';
import type { JobState } from '../store/firmware-jobs.js';

export interface Transition {
  state: JobState;
  /** Why the job failed (an OCPP status name, or VersionMismatch / Timeout / SendFailed ...). */
  failure?: string;
  /** The station reported the expected version. */
  versionReported?: boolean;
}

/** Statuses that end a job in failure (the station gives the update up). */
export const FAILED_STATUSES: ReadonlySet<FirmwareStatusEnumType> = new Set(['DownloadFailed', 'InstallationFailed', 'InstallVerificationFailed', 'InvalidSignature']);

const PROGRESS: ReadonlySet<FirmwareStatusEnumType> = new Set(['DownloadScheduled', 'Downloading', 'DownloadPaused', 'Downloaded', 'SignatureVerified', 'InstallScheduled', 'Installing', 'InstallRebooting']);

/** States in which the station may still report on the job. */
const OPEN: ReadonlySet<JobState> = new Set(['queued', 'accepted', 'in_progress', 'installed']);

/** UpdateFirmwareResponse.status. InvalidCertificate / RevokedCertificate: the station refused our signing certificate. */
export function afterUpdateAnswer(status: UpdateFirmwareStatusEnumType): Transition {
  switch (status) {
    case 'Accepted':
    case 'AcceptedCanceled':
      return { state: 'accepted' };
    case 'Rejected':
    case 'InvalidCertificate':
    case 'RevokedCertificate':
      return { state: 'failed', failure: status };
  }
}

/** A FirmwareStatusNotification for this job; null when it changes nothing (Idle, or a finished job). */
export function afterStatus(job: { state: JobState; versionReported: boolean }, status: FirmwareStatusEnumType): Transition | null {
  if (!OPEN.has(job.state)) return null;
  if (FAILED_STATUSES.has(status)) return { state: 'failed', failure: status };
  if (status === 'Installed') return { state: job.versionReported ? 'completed' : 'installed' };
  if (PROGRESS.has(status)) return job.state === 'installed' ? null : { state: 'in_progress' };
  return null;
}

/**
 * A BootNotification from the job's station. With the image's version the station runs the new
 * firmware: that closes an Installed job, or is remembered until Installed arrives (L01.FR.15:
 * the station reboots before it reports Installed). Another version after the station announced
 * the reboot (InstallRebooting) or reported Installed means the installation did not take.
 */
export function afterBoot(job: { state: JobState; lastStatus: string | null }, reportedVersion: string | null, expectedVersion: string): Transition | null {
  if (job.state !== 'accepted' && job.state !== 'in_progress' && job.state !== 'installed') return null;
  if (reportedVersion === expectedVersion) return job.state === 'installed' ? { state: 'completed', versionReported: true } : { state: job.state, versionReported: true };
  if (job.state === 'installed' || job.lastStatus === 'InstallRebooting') return { state: 'failed', failure: 'VersionMismatch' };
  return null;
}

export const isTerminal = (s: JobState): boolean => s === 'completed' || s === 'failed' || s === 'canceled';
