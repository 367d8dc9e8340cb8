// The operator side of station certificates (A02/A03) and security events (A04), over a real
// database: certificates with expiry and renewal state, the SECC ID, renewal now; security events
// by type and time range; critical security events counted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApiApp } from '../../src/api/api-app.js';
import { ApiError } from '../../src/api/errors.js';
import type { OperatorAuth } from '../../src/api/operator-auth.js';
import { onCertificateSignedAnswer, prepareCertificateSigned, type CertificateSignedDeps } from '../../src/csms/a-security/certificate-signed.js';
import { handleSecurityEventNotification } from '../../src/csms/a-security/security-event-notification.js';
import { silentLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import type { CallContext } from '../../src/ocpp/handler.js';
import { OcppRpcError } from '../../src/ocpp/rpc-error.js';
import type { CallAnswer } from '../../src/ocpp/station-bus.js';
import { buildCsr, toPem } from '../helpers/csr-factory.js';
import { LAB, openTestCa, type TestCaService } from '../helpers/test-ca.js';

const STATION = 'CS-API';
const DAY = 86_400_000;

describe('station certificate and security event API', () => {
  let t: TestCaService;
  let app: FastifyInstance;
  const now = (): Date => new Date();
  let connected = true;
  const sent: { action: string; payload: unknown }[] = [];
  const bus = {
    call: (_id: string, action: string, payload: unknown): Promise<CallAnswer> => {
      if (!connected) return Promise.reject(new OcppRpcError('StationNotConnected', 'not connected'));
      sent.push({ action, payload });
      return Promise.resolve({ kind: 'result', payload: { status: 'Accepted' } });
    },
    isConnected: () => connected,
  };
  const auth: OperatorAuth = {
    issueToken: () => Promise.reject(new ApiError('invalid_client')),
    verify: (token) => {
      if (token === 'reader') return Promise.resolve({ clientId: 'viewer', scopes: ['stations:read'] });
      if (token === 'writer') return Promise.resolve({ clientId: 'ops', scopes: ['stations:write'] });
      return Promise.reject(new ApiError('invalid_token'));
    },
  };
  const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: 'Bearer reader' } });
  const send = (method: 'PUT' | 'POST', url: string, payload: object, token = 'writer') => app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });

  /** An accepted, issued and installed ChargingStationCertificate, through the outbox's own functions. */
  async function install(): Promise<void> {
    const csr = toPem(buildCsr({ key: 'p256', subject: [{ type: 'CN', value: STATION }, { type: 'O', value: LAB.organization }] }));
    const id = await t.store.signingRequests.insert(
      { stationId: STATION, certificateType: 'ChargingStationCertificate', typeInRequest: true, csr, identity: STATION, receivedAt: now(), decision: 'Accepted', reason: null, defects: null, expiresAt: new Date(now().getTime() + DAY) },
      async (tx, requestId) => {
        await t.store.outbox.insert(tx, { stationId: STATION, action: 'CertificateSigned', payload: null, signingRequestId: requestId, nextAttemptAt: now(), expiresAt: new Date(now().getTime() + DAY), createdAt: now() });
      },
    );
    const deps: CertificateSignedDeps = { store: t.store, ca: t.ca, cpoName: LAB.organization, issuerFor: { ChargingStationCertificate: 'csms-sub-ca', V2GCertificate: 'cpo-sub-ca-2' }, replacedGraceMs: DAY, now, log: silentLogger() };
    const [row] = await t.store.outbox.due(new Date(now().getTime() + 1000), 10);
    assert.ok(row);
    assert.equal(row.signingRequestId, id);
    const payload = await prepareCertificateSigned(deps, row);
    assert.ok(payload?.certificateChain.startsWith('-----BEGIN CERTIFICATE-----'));
    assert.equal(await onCertificateSignedAnswer(deps, row, { kind: 'result', payload: { status: 'Accepted' } }), 'done');
  }

  before(async () => {
    t = await openTestCa({ now });
    await t.ca.initLab(LAB);
    await t.store.stations.create({ id: STATION, registrationStatus: 'Accepted', securityProfile: 1 });
    app = await buildApiApp({ store: t.store, bus, auth, logger: silentLogger(), config: { tokenTtlS: 300 } });
  });
  after(async () => {
    await app.close();
    await t.close();
  });

  it('sets and clears the SECC ID, refusing one that is not an EVSE ID or SECC ID', async () => {
    assert.equal((await send('PUT', `/api/v1/stations/${STATION}/secc-id`, { seccId: 'DE*PLG*E1234' })).statusCode, 200);
    assert.equal(await t.store.signingRequests.getSeccId(STATION), 'DE*PLG*E1234');
    assert.equal((await send('PUT', `/api/v1/stations/${STATION}/secc-id`, { seccId: 'https://evil' })).statusCode, 400);
    assert.equal((await send('PUT', `/api/v1/stations/${STATION}/secc-id`, { seccId: 'DE*PLG*E1234' }, 'reader')).statusCode, 403);
    assert.equal((await send('PUT', '/api/v1/stations/NOPE/secc-id', { seccId: null })).statusCode, 404);
    assert.equal((await get(`/api/v1/stations/${STATION}/certificates`)).json().seccId, 'DE*PLG*E1234');
  });

  it('lists certificates with expiry and renewal state', async () => {
    await install();
    let body = (await get(`/api/v1/stations/${STATION}/certificates`)).json();
    assert.equal(body.items.length, 1);
    const [item] = body.items;
    assert.deepEqual([item.certificateType, item.state, item.decision, item.renewal, item.stationStatus], ['ChargingStationCertificate', 'installed', 'Accepted', 'valid', 'Accepted']);
    assert.ok(Date.parse(item.notAfter) > Date.now() + 300 * DAY);
    // The API reads the wall clock: bring the certificate within the 30-day renewal window instead.
    await t.db.query(`UPDATE certificates SET not_after = now() + interval '10 days' WHERE identity = $1`, [STATION]);
    body = (await get(`/api/v1/stations/${STATION}/certificates`)).json();
    assert.equal(body.items[0].renewal, 'renewal-due');
  });

  it('triggers renewal now through TriggerMessage, and answers 409 when the station is offline', async () => {
    const res = await send('POST', `/api/v1/stations/${STATION}/certificates/renew`, { certificateType: 'ChargingStationCertificate' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'Accepted' });
    assert.deepEqual(sent.at(-1), { action: 'TriggerMessage', payload: { requestedMessage: 'SignChargingStationCertificate' } });
    assert.equal((await get(`/api/v1/stations/${STATION}/certificates`)).json().items[0].renewal, 'renewal-triggered');
    connected = false;
    assert.equal((await send('POST', `/api/v1/stations/${STATION}/certificates/renew`, { certificateType: 'V2GCertificate' })).statusCode, 409);
    connected = true;
    assert.equal((await send('POST', `/api/v1/stations/${STATION}/certificates/renew`, { certificateType: 'Other' })).statusCode, 400);
  });

  it('filters security events by type and time range (A04)', async () => {
    const at = (iso: string) => new Date(iso);
    for (const [type, iso] of [['FirmwareUpdated', '2026-01-01T00:00:00Z'], ['InvalidMessages', '2026-01-02T00:00:00Z'], ['FirmwareUpdated', '2026-01-03T00:00:00Z']] as const) {
      await t.store.events.insertSecurityEvent({ stationId: STATION, source: 'station', type, occurredAt: at(iso), techInfo: null, remoteAddr: null });
    }
    const list = async (q: string) => (await get(`/api/v1/stations/${STATION}/security-events${q}`)).json<{ items: { type: string; occurredAt: string }[] }>().items.map((e) => `${e.type}@${e.occurredAt.slice(0, 10)}`);
    assert.deepEqual(await list(''), ['FirmwareUpdated@2026-01-03', 'InvalidMessages@2026-01-02', 'FirmwareUpdated@2026-01-01']);
    assert.deepEqual(await list('?type=FirmwareUpdated'), ['FirmwareUpdated@2026-01-03', 'FirmwareUpdated@2026-01-01']);
    assert.deepEqual(await list('?from=2026-01-02T00:00:00Z&to=2026-01-03T00:00:00Z'), ['InvalidMessages@2026-01-02']);
    assert.deepEqual(await list('?type=FirmwareUpdated&from=2026-01-02T00:00:00Z'), ['FirmwareUpdated@2026-01-03']);
    assert.equal((await get(`/api/v1/stations/${STATION}/security-events?from=yesterday`)).statusCode, 400);
  });

  it('counts critical security events (Appendix 1), and only those', async () => {
    const metrics = createMetrics();
    const handler = handleSecurityEventNotification({ events: t.store.events, metrics });
    const ctx: CallContext = { session: { stationId: STATION, registrationStatus: 'Accepted', remoteAddress: null }, messageId: '1', receivedAt: new Date() };
    for (const type of ['FirmwareUpdated', 'TamperDetectionActivated', 'InvalidMessages', 'FirmwareUpdated', 'ReconfigurationOfSecurityParameters']) {
      await handler(ctx, { type, timestamp: new Date().toISOString() } as never);
    }
    const values = (await metrics.criticalSecurityEvents.get()).values.map((v) => `${String(v.labels.type)}=${v.value}`).sort();
    assert.deepEqual(values, ['FirmwareUpdated=2', 'TamperDetectionActivated=1']);
  });
});
