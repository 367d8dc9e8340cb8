// The outbox over a real database with a scripted station bus: offline stations cost no attempt,
// a timeout backs off and counts, a station that connects is served at once, and an undelivered
// CertificateSigned expires with its request and its certificate is revoked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { onCertificateSignedAnswer, onCertificateSignedExpired, prepareCertificateSigned, type CertificateSignedDeps } from '../../src/csms/a-security/certificate-signed.js';
import { startOutbox, type Outbox } from '../../src/jobs/outbox.js';
import { silentLogger } from '../../src/log.js';
import { OcppRpcError } from '../../src/ocpp/rpc-error.js';
import type { CallAnswer } from '../../src/ocpp/station-bus.js';
import { buildCsr, toPem } from '../helpers/csr-factory.js';
import { LAB, openTestCa, type TestCaService } from '../helpers/test-ca.js';

const STATION = 'CS-OUT';
const MIN = 60_000;

describe('outbox', () => {
  let t: TestCaService;
  let outbox: Outbox;
  let offsetMs = 0;
  const now = (): Date => new Date(Date.now() + offsetMs);
  let connected = false;
  let reply: () => Promise<CallAnswer> = () => Promise.resolve({ kind: 'result', payload: { status: 'Accepted' } });
  const calls: string[] = [];
  const bus = {
    isConnected: () => connected,
    call: (_id: string, action: string): Promise<CallAnswer> => {
      calls.push(action);
      return reply();
    },
  };

  async function accept(ttlMs: number): Promise<string> {
    const csr = toPem(buildCsr({ key: 'p256', subject: [{ type: 'CN', value: STATION }, { type: 'O', value: LAB.organization }] }));
    return t.store.signingRequests.insert(
      { stationId: STATION, certificateType: 'ChargingStationCertificate', typeInRequest: false, csr, identity: STATION, receivedAt: now(), decision: 'Accepted', reason: null, defects: null, expiresAt: new Date(now().getTime() + ttlMs) },
      async (tx, id) => {
        await t.store.outbox.insert(tx, { stationId: STATION, action: 'CertificateSigned', payload: null, signingRequestId: id, nextAttemptAt: now(), expiresAt: new Date(now().getTime() + ttlMs), createdAt: now() });
      },
    );
  }
  const rowOf = async (id: string) => (await t.db.query<{ attempts: number; state: string; next_attempt_at: Date }>('SELECT attempts, state, next_attempt_at FROM ocpp_outbox WHERE signing_request_id = $1', [id])).rows[0];

  before(async () => {
    t = await openTestCa({ now });
    await t.ca.initLab(LAB);
    await t.store.stations.create({ id: STATION, registrationStatus: 'Accepted', securityProfile: 1 });
    const deps: CertificateSignedDeps = { store: t.store, ca: t.ca, cpoName: LAB.organization, issuerFor: { ChargingStationCertificate: 'csms-sub-ca', V2GCertificate: 'cpo-sub-ca-2' }, replacedGraceMs: MIN, now, log: silentLogger() };
    outbox = startOutbox({
      store: t.store, bus, log: silentLogger(), now, pollIntervalMs: 3_600_000, backoffBaseMs: MIN, offlineRecheckMs: 10 * MIN,
      actions: { CertificateSigned: { prepare: (r) => prepareCertificateSigned(deps, r), onAnswer: (r, a) => onCertificateSignedAnswer(deps, r, a), onExpired: (r) => onCertificateSignedExpired(deps, r) } },
    });
  });
  after(async () => {
    await outbox.close();
    await t.close();
  });

  it('issues at once but sends nothing while the station is offline, without counting an attempt', async () => {
    const id = await accept(60 * MIN);
    await outbox.tick();
    assert.equal((await t.store.signingRequests.get(id))?.state, 'issued');
    assert.deepEqual(calls, []);
    assert.equal((await rowOf(id))?.attempts, 0);
    // The station connects: its row is due at once.
    connected = true;
    outbox.stationConnected(STATION);
    await new Promise((r) => setTimeout(r, 100));
    await outbox.tick();
    assert.deepEqual(calls, ['CertificateSigned']);
    assert.equal((await rowOf(id))?.state, 'delivered');
    assert.equal((await t.store.signingRequests.get(id))?.state, 'installed');
  });

  it('backs off after a timeout and counts the attempt', async () => {
    calls.length = 0;
    reply = () => Promise.reject(new OcppRpcError('CallTimeout', 'no answer'));
    const id = await accept(60 * MIN);
    await outbox.tick();
    const row = await rowOf(id);
    assert.equal(row?.attempts, 1);
    assert.ok((row?.next_attempt_at.getTime() ?? 0) >= Date.now() + MIN - 5000);
    await outbox.tick();
    assert.equal(calls.length, 1, 'not again before the backoff');
    reply = () => Promise.resolve({ kind: 'result', payload: { status: 'Accepted' } });
    offsetMs = 2 * MIN;
    await outbox.tick();
    assert.equal((await rowOf(id))?.state, 'delivered');
    offsetMs = 0;
  });

  it('expires an undelivered request with its certificate revoked', async () => {
    connected = false;
    const id = await accept(5 * MIN);
    await outbox.tick();
    const issued = await t.store.signingRequests.get(id);
    assert.equal(issued?.state, 'issued');
    offsetMs = 6 * MIN;
    await outbox.tick();
    assert.equal((await rowOf(id))?.state, 'expired');
    assert.equal((await t.store.signingRequests.get(id))?.state, 'expired');
    assert.equal((await t.store.certificates.get(issued?.serial as Uint8Array))?.revocationReason, 'cessationOfOperation');
    offsetMs = 0;
  });
});
