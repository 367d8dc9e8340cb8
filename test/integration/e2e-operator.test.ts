// As an operator would: get a token, register a station, watch it connect and boot, send it a
// CALL through the API, read the metrics. Real HTTP, real WebSocket, real database.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { BOOT, connectRaw } from '../helpers/ws-station.js';

describe('operator end to end', () => {
  let csms: TestCsms;
  let token: string;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${csms.httpUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  before(async () => {
    csms = await startTestCsms();
    const res = await fetch(`${csms.httpUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`operator:${csms.operatorSecret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    assert.equal(res.status, 200);
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(() => csms.stop());

  it('refuses the API without a token and changes nothing', async () => {
    const res = await fetch(`${csms.httpUrl}/api/v1/stations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'SNEAKY' }) });
    assert.equal(res.status, 401);
    assert.equal(await csms.store.stations.get('SNEAKY'), null);
  });

  it('registers a station that then connects, boots and reports', async () => {
    assert.equal((await api('/api/v1/stations', { method: 'POST', body: JSON.stringify({ id: 'E2E-1' }) })).status, 201);
    const st = await connectRaw(`${csms.ocppUrl}/E2E-1`);
    assert.equal(((await st.call('BootNotification', BOOT))[2] as { status: string }).status, 'Accepted');
    await st.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });

    const view = (await (await api('/api/v1/stations/E2E-1')).json()) as Record<string, unknown>;
    assert.equal(view.connected, true);
    assert.equal(view.vendorName, 'Acme');
    assert.ok(view.lastBootAt);
    assert.deepEqual((view.connectors as { status: string }[]).map((c) => c.status), ['Available']);

    // A CALL through the API: the station sees it, answers, the API returns the answer.
    const pending = api('/api/v1/stations/E2E-1/calls/Reset', { method: 'POST', body: JSON.stringify({ type: 'Immediate' }) });
    const call = await st.next();
    assert.deepEqual([call[2], call[3]], ['Reset', { type: 'Immediate' }]);
    st.send([3, call[1], { status: 'Scheduled' }]);
    const res = await pending;
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { result: { status: 'Scheduled' } });

    // An invalid payload is refused by the API and never reaches the station.
    const bad = await api('/api/v1/stations/E2E-1/calls/Reset', { method: 'POST', body: JSON.stringify({ type: 'Whenever' }) });
    assert.equal(bad.status, 400);
    await assert.rejects(st.next(200), /no frame/);
    await st.close();
  });

  it('exposes Prometheus metrics: stations, frames by action and outcome, CALL latency', async () => {
    const st = await connectRaw(`${csms.ocppUrl}/E2E-1`);
    await st.call('Heartbeat', {});
    st.sendText('[2,"bad","Heartbeat",[]]');
    await st.next();
    const text = await (await fetch(`${csms.httpUrl}/metrics`)).text();
    assert.match(text, /^plugtrust_connected_stations 1$/m);
    assert.match(text, /^plugtrust_ocpp_frames_total\{direction="in",action="Heartbeat",outcome="ok"\} [1-9]/m);
    assert.match(text, /^plugtrust_ocpp_frames_total\{direction="in",action="Heartbeat",outcome="FormatViolation"\} 1$/m);
    assert.match(text, /^plugtrust_ocpp_call_duration_seconds_count\{action="Reset",outcome="result"\} 1$/m);
    await st.close();
  });

  it('keeps metric labels to known values whatever a station sends', async () => {
    const st = await connectRaw(`${csms.ocppUrl}/E2E-1`);
    await st.call('MadeUpActionXyz', {});
    const pending = csms.bus.call('E2E-1', 'ClearCache', {});
    const c = await st.next();
    st.send([4, c[1], 'MadeUpErrorCodeXyz', 'x', {}]);
    await pending;
    const text = await (await fetch(`${csms.httpUrl}/metrics`)).text();
    assert.doesNotMatch(text, /Xyz/);
    assert.match(text, /^plugtrust_ocpp_frames_total\{direction="in",action="unknown",outcome="NotImplemented"\} 1$/m);
    assert.match(text, /^plugtrust_ocpp_frames_total\{direction="in",action="ClearCache",outcome="other"\} 1$/m);
    await st.close();
  });

  it('answers NUL characters from API clients precisely, never with a 500', async () => {
    assert.ok([400, 404].includes((await api('/api/v1/stations/A%00B')).status));
    const created = await api('/api/v1/stations', { method: 'POST', body: JSON.stringify({ id: 'NUL-DESC', description: 'bay\u00001' }) });
    assert.equal(created.status, 201);
    assert.equal((await csms.store.stations.get('NUL-DESC'))?.description, 'bay\uFFFD1');
    const token = await fetch(`${csms.httpUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'oper\u0000ator', client_secret: 'x'.repeat(20) }),
    });
    assert.equal(token.status, 401);
  });

  it('reports health and readiness', async () => {
    assert.equal((await fetch(`${csms.httpUrl}/healthz`)).status, 200);
    const ready = await fetch(`${csms.httpUrl}/readyz`);
    assert.equal(ready.status, 200);
  });
});

describe('separate ops address', () => {
  it('serves health and metrics on the ops port only, when one is configured', async () => {
    const csms = await startTestCsms(['--ops-port', '0', '--ops-host', '127.0.0.1']);
    try {
      assert.ok(csms.opsPort);
      assert.equal((await fetch(`http://127.0.0.1:${csms.opsPort}/readyz`)).status, 200);
      assert.match(await (await fetch(`http://127.0.0.1:${csms.opsPort}/metrics`)).text(), /plugtrust_connected_stations/);
      assert.equal((await fetch(`${csms.httpUrl}/metrics`)).status, 404);
    } finally {
      await csms.stop();
    }
  });
});

