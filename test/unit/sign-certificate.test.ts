// The registration authority's decision on SignCertificate (A02/A03), without I/O: the omitted
// certificateType policy, the identity each type requires, and each way a CSR is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideCsr, expectedIdentity, OMITTED_CERTIFICATE_TYPE, PROFILE_FOR, readCsr, type SigningContext } from '../../src/csms/a-security/sign-certificate-decision.js';
import { CRITICAL_SECURITY_EVENTS, isCriticalSecurityEvent } from '../../src/csms/a-security/critical-security-events.js';
import { handleSignCertificate } from '../../src/csms/a-security/sign-certificate.js';
import { backoffMs } from '../../src/jobs/outbox.js';
import { silentLogger } from '../../src/log.js';
import type { CallContext } from '../../src/ocpp/handler.js';
import { buildCsr, toPem, type CsrSpec } from '../helpers/csr-factory.js';

const ctx: SigningContext = { stationId: 'CS-0001', cpoName: 'Example CPO', seccId: 'DE*PLG*E1234' };
const station = [{ type: 'CN', value: 'CS-0001' }, { type: 'O', value: 'Example CPO' }] as const;
const secc = [{ type: 'CN', value: 'DE*PLG*E1234' }, { type: 'O', value: 'Example CPO' }, { type: 'C', value: 'DE' }, { type: 'DC', value: 'CPO' }] as const;

function decide(spec: CsrSpec, type: 'ChargingStationCertificate' | 'V2GCertificate' = 'ChargingStationCertificate', taken = false) {
  const read = readCsr(toPem(buildCsr(spec)));
  assert.ok(read.ok);
  const identity = expectedIdentity(type, ctx);
  assert.ok(identity.ok);
  return decideCsr(read.csr, type, identity.identity, ctx, taken);
}

describe('SignCertificate RA decision', () => {
  it('treats an omitted certificateType as ChargingStationCertificate (station leaf profile)', () => {
    assert.equal(OMITTED_CERTIFICATE_TYPE, 'ChargingStationCertificate');
    assert.equal(PROFILE_FOR[OMITTED_CERTIFICATE_TYPE], 'charging-station-leaf');
  });

  it('binds ChargingStationCertificate to the station identity and V2GCertificate to the configured SECC ID', () => {
    assert.deepEqual(expectedIdentity('ChargingStationCertificate', ctx), { ok: true, identity: 'CS-0001' });
    assert.deepEqual(expectedIdentity('V2GCertificate', ctx), { ok: true, identity: 'DE*PLG*E1234' });
    const none = expectedIdentity('V2GCertificate', { ...ctx, seccId: null });
    assert.equal(none.ok, false);
    assert.equal(!none.ok && none.refusal.reasonCode, 'NotEnabled');
  });

  it('accepts a good request of each type, with the subject in profile order', () => {
    const cs = decide({ subject: station });
    assert.ok(cs.ok);
    assert.deepEqual(cs.subject, [...station]);
    assert.equal(cs.profile, 'charging-station-leaf');
    const v2g = decide({ subject: secc }, 'V2GCertificate');
    assert.ok(v2g.ok);
    assert.equal(v2g.profile, 'secc-leaf');
  });

  const refused: [string, CsrSpec, 'ChargingStationCertificate' | 'V2GCertificate', boolean, string][] = [
    ['CN of another station', { subject: [{ type: 'CN', value: 'CS-0002' }, station[1]] }, 'ChargingStationCertificate', false, 'SUBJECT_VALUE_MISMATCH'],
    ['O of another CPO', { subject: [station[0], { type: 'O', value: 'Other CPO' }] }, 'ChargingStationCertificate', false, 'SUBJECT_VALUE_MISMATCH'],
    ['RSA 1024', { key: 'rsa1024', subject: station }, 'ChargingStationCertificate', false, 'KEY_TOO_SMALL'],
    ['signature by another key', { subject: station, breakSignature: true }, 'ChargingStationCertificate', false, 'SIGNATURE_INVALID'],
    ['key certified for another identity', { subject: station }, 'ChargingStationCertificate', true, 'KEY_ALREADY_CERTIFIED'],
    ['SECC request with the station identity as CN', { subject: [{ type: 'CN', value: 'CS-0001' }, ...secc.slice(1)] }, 'V2GCertificate', false, 'SUBJECT_VALUE_MISMATCH'],
    ['SECC request on P-384', { key: 'p384', subject: secc }, 'V2GCertificate', false, 'CURVE_NOT_ALLOWED'],
  ];
  for (const [name, spec, type, taken, code] of refused) {
    it(`refuses: ${name}`, () => {
      const d = decide(spec, type, taken);
      assert.equal(d.ok, false);
      assert.ok(!d.ok && d.refusal.defects.some((x) => x.code === code), !d.ok ? JSON.stringify(d.refusal.defects) : '');
      assert.ok(!d.ok && d.refusal.reasonCode === 'InvalidCSR' && d.refusal.reason.includes(code));
    });
  }

  for (const [name, pem] of [['garbage', 'not a CSR'], ['a certificate instead', toPem(buildCsr({ subject: station }), 'CERTIFICATE')], ['truncated', toPem(buildCsr({ subject: station }).subarray(0, 40))], ['empty', '']] as const) {
    it(`refuses an unreadable CSR without throwing: ${name}`, () => {
      const r = readCsr(pem);
      assert.equal(r.ok, false);
      assert.ok(!r.ok && r.refusal.reasonCode === 'InvalidCSR' && /cannot be read/.test(r.refusal.reason));
    });
  }
});

describe('critical security events (OCPP 2.0.1 Appendix 1)', () => {
  it('marks the 15 critical types and not the 5 others', () => {
    assert.equal(CRITICAL_SECURITY_EVENTS.size, 15);
    for (const t of ['FirmwareUpdated', 'TamperDetectionActivated', 'InvalidChargingStationCertificate', 'MaintenanceLoginFailed']) assert.ok(isCriticalSecurityEvent(t), t);
    for (const t of ['FailedToAuthenticateAtCsms', 'CsmsFailedToAuthenticate', 'ReconfigurationOfSecurityParameters', 'InvalidMessages', 'AttemptedReplayAttacks', 'VendorSpecific']) assert.ok(!isCriticalSecurityEvent(t), t);
  });
});

describe('outbox backoff', () => {
  it('doubles from the base and stops at the maximum', () => {
    assert.deepEqual([1, 2, 3, 4, 10].map((n) => backoffMs(n, 5000, 60_000)), [5000, 10_000, 20_000, 40_000, 60_000]);
  });
});

describe('SignCertificate handler without storage', () => {
  it('refuses every request when no CPO name is configured, storing the reason and no outbox row', async () => {
    const stored: { decision: string; reason: string | null; outbox: boolean }[] = [];
    const handler = handleSignCertificate({
      store: {
        signingRequests: { getSeccId: () => Promise.resolve(null), insert: (r: { decision: string; reason: string | null }, then?: unknown) => (stored.push({ decision: r.decision, reason: r.reason, outbox: then !== undefined }), Promise.resolve('1')) },
        outbox: {},
      } as never,
      ca: { keyCertifiedForOther: () => Promise.resolve(false) },
      cpoName: undefined,
      requestTtlMs: 60_000,
      log: silentLogger(),
    });
    const ctx: CallContext = { session: { stationId: 'CS-0001', registrationStatus: 'Accepted', remoteAddress: null }, messageId: '1', receivedAt: new Date() };
    const res = (await handler(ctx, { csr: toPem(buildCsr({ subject: station })) } as never)) as { status: string; statusInfo?: { reasonCode: string } };
    assert.deepEqual([res.status, res.statusInfo?.reasonCode], ['Rejected', 'NotEnabled']);
    assert.deepEqual(stored.map((s) => [s.decision, s.outbox]), [['Rejected', false]]);
    assert.match(stored[0]?.reason ?? '', /no CPO name/);
  });
});
