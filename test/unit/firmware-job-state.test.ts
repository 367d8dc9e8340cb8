// The per-station firmware update state machine (OCPP 2.0.1 L01/L02) and the campaign failure ratio.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureRatioExceeded } from '../../src/firmware/campaign-runner.js';
import { afterBoot, afterStatus, afterUpdateAnswer } from '../../src/firmware/job-state.js';
import { signingCertificateField } from '../../src/firmware/job-flow.js';

describe('afterUpdateAnswer', () => {
  it('Accepted and AcceptedCanceled accept the job', () => {
    assert.deepEqual(afterUpdateAnswer('Accepted'), { state: 'accepted' });
    assert.deepEqual(afterUpdateAnswer('AcceptedCanceled'), { state: 'accepted' });
  });
  for (const s of ['Rejected', 'InvalidCertificate', 'RevokedCertificate'] as const) {
    it(`${s} fails the job with that reason`, () => assert.deepEqual(afterUpdateAnswer(s), { state: 'failed', failure: s }));
  }
});

describe('afterStatus', () => {
  const running = { state: 'accepted' as const, versionReported: false };
  for (const s of ['DownloadFailed', 'InstallationFailed', 'InstallVerificationFailed', 'InvalidSignature'] as const) {
    it(`${s} fails the job`, () => assert.deepEqual(afterStatus(running, s), { state: 'failed', failure: s }));
  }
  for (const s of ['DownloadScheduled', 'Downloading', 'DownloadPaused', 'Downloaded', 'SignatureVerified', 'InstallScheduled', 'Installing', 'InstallRebooting'] as const) {
    it(`${s} is progress`, () => assert.deepEqual(afterStatus(running, s), { state: 'in_progress' }));
  }
  it('Installed waits for the version unless the station already reported it', () => {
    assert.deepEqual(afterStatus({ state: 'in_progress', versionReported: false }, 'Installed'), { state: 'installed' });
    assert.deepEqual(afterStatus({ state: 'in_progress', versionReported: true }, 'Installed'), { state: 'completed' });
  });
  it('Idle changes nothing', () => assert.equal(afterStatus(running, 'Idle'), null));
  it('a finished job is not reopened', () => {
    assert.equal(afterStatus({ state: 'failed', versionReported: false }, 'Installed'), null);
    assert.equal(afterStatus({ state: 'completed', versionReported: true }, 'DownloadFailed'), null);
  });
});

describe('afterBoot', () => {
  it('the expected version after Installed completes the job', () => assert.deepEqual(afterBoot({ state: 'installed', lastStatus: 'Installed' }, '2.0', '2.0'), { state: 'completed', versionReported: true }));
  it('the expected version before Installed (L01.FR.15 reboot) is remembered', () => assert.deepEqual(afterBoot({ state: 'in_progress', lastStatus: 'InstallRebooting' }, '2.0', '2.0'), { state: 'in_progress', versionReported: true }));
  it('another version after InstallRebooting fails with VersionMismatch', () => assert.deepEqual(afterBoot({ state: 'in_progress', lastStatus: 'InstallRebooting' }, '1.0', '2.0'), { state: 'failed', failure: 'VersionMismatch' }));
  it('a boot during the download changes nothing', () => assert.equal(afterBoot({ state: 'in_progress', lastStatus: 'Downloading' }, '1.0', '2.0'), null));
  it('a queued job is not touched', () => assert.equal(afterBoot({ state: 'queued', lastStatus: null }, '2.0', '2.0'), null));
});

describe('failureRatioExceeded', () => {
  const c = { maxFailureRatio: 0.25, failedBaseline: 0, launchedBaseline: 0 };
  it('pauses above the ratio', () => assert.equal(failureRatioExceeded(c, { failed: 2, launched: 4 }), true));
  it('not at the ratio', () => assert.equal(failureRatioExceeded(c, { failed: 1, launched: 4 }), false));
  it('counts from the last resume', () => assert.equal(failureRatioExceeded({ ...c, failedBaseline: 2, launchedBaseline: 4 }, { failed: 2, launched: 6 }), false));
  it('ratio 0 pauses on the first failure', () => assert.equal(failureRatioExceeded({ ...c, maxFailureRatio: 0 }, { failed: 1, launched: 10 }), true));
});

describe('signingCertificateField', () => {
  it('sends the intermediates after the signing certificate when they fit 5500 characters', () => assert.equal(signingCertificateField('LEAF\n', 'SUB\n'), 'LEAF\nSUB\n'));
  it('sends the signing certificate alone when the bundle would not fit', () => assert.equal(signingCertificateField('LEAF\n', 'x'.repeat(5500)), 'LEAF\n'));
});
