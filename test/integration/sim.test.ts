// The charging-station simulator against the real CSMS: boot, heartbeat, connector status,
// scripts that pass and fail, raw broken frames, CSMS-initiated CALLs, fleets, the CLI, and
// reconnecting across a CSMS restart on the same port.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { computeReconnectDelay } from '../../src/sim/backoff.js';
import type { CallAnswer } from '../../src/sim/call-queue.js';
import { checkExpectation } from '../../src/sim/expectation.js';
import { startFleet } from '../../src/sim/fleet.js';
import { runScript } from '../../src/sim/run-script.js';
import { checkScript, loadScript } from '../../src/sim/script-load.js';
import type { Expectation, SimScript } from '../../src/sim/script-schema.js';
import { SimulatedStation } from '../../src/sim/station.js';
import type { StationOptions } from '../../src/sim/station-options.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { runSimCli } from '../helpers/sim-cli.js';
import { FrameRecorder, waitFor } from '../helpers/sim-wait.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db.js';

describe('sim script validation', () => {
  const broken: { name: string; step: unknown; problem: RegExp }[] = [
    { name: 'no_kind', step: {}, problem: /steps\[0\]: a step needs exactly one of boot, send/ },
    { name: 'two_kinds', step: { heartbeat: {}, wait: { ms: 1 } }, problem: /steps\[1\]: a step needs exactly one of/ },
    { name: 'expect_on_wait', step: { wait: { ms: 1 }, expect: { status: 'Accepted' } }, problem: /steps\[2\]: expect is only allowed on boot, send, status, heartbeat, raw steps/ },
    { name: 'send_without_action', step: { send: { payload: {} } }, problem: /steps\[3\]\.send: must have required property 'action'/ },
    { name: 'unknown_connector_status', step: { status: { evseId: 1, connectorId: 1, connectorStatus: 'Busy' } }, problem: /steps\[4\]\.status\.connectorStatus: must be one of Available, Occupied/ },
    { name: 'error_code_with_status', step: { raw: '[]', expect: { errorCode: 'X', status: 'Y' } }, problem: /steps\[5\]\.expect: errorCode cannot be combined/ },
    { name: 'negative_wait', step: { wait: { ms: -5 } }, problem: /steps\[6\]\.wait\.ms: must be >= 0/ },
    { name: 'typo_in_step', step: { heartbeat: {}, expcet: {} }, problem: /steps\[7\]: unknown property 'expcet'/ },
    { name: 'bad_boot_reason', step: { boot: { reason: 'Coffee' } }, problem: /steps\[8\]\.boot\.reason: must be one of ApplicationReset/ },
  ];

  it('reports every problem of a script at once', () => {
    const check = checkScript({ stationId: 'has:colon', steps: broken.map((b) => b.step) });
    assert.equal(check.ok, false);
    const problems = check.ok ? [] : check.problems;
    for (const b of broken) assert.ok(problems.some((p) => b.problem.test(p)), `${b.name}: no problem matches ${String(b.problem)} in\n${problems.join('\n')}`);
    assert.ok(problems.some((p) => p.startsWith('stationId: must be 1 to 48 printable ASCII characters')));
  });

  it('accepts every example script under fixtures/sim', async () => {
    for (const name of ['boot-and-heartbeat', 'framing-errors', 'rejected-boot']) await loadScript(`fixtures/sim/${name}.json`);
    await assert.rejects(loadScript('fixtures/sim/does-not-exist.json'), { code: 'SIM_SCRIPT_INVALID' });
  });
});

describe('sim back-off and expectations', () => {
  it('doubles the reconnect wait per attempt up to RetryBackOffRepeatTimes, plus the random range (Part 4 §5.3)', () => {
    const policy = { waitMinimumMs: 1000, randomRangeMs: 500, repeatTimes: 3 };
    const cases: [attempt: number, random: number, ms: number][] = [
      [0, 0, 1000],
      [0, 1, 1500],
      [1, 0, 2000],
      [3, 0.5, 8250],
      [9, 0, 8000],
    ];
    for (const [attempt, random, ms] of cases) assert.equal(computeReconnectDelay(attempt, policy, () => random), ms, `attempt ${attempt}`);
  });

  const result: CallAnswer = { kind: 'result', messageId: 'm1', payload: { status: 'Accepted', interval: 300, nested: { a: 1, b: 2 } } };
  const error: CallAnswer = { kind: 'error', messageId: '-1', errorCode: 'RpcFrameworkError', errorDescription: 'bad', errorDetails: {} };
  const cases: { name: string; answer: CallAnswer; expect?: Expectation; fails: RegExp | null }[] = [
    { name: 'result_without_expectation', answer: result, fails: null },
    { name: 'unasked_callerror', answer: error, fails: /expected CALLRESULT, got CALLERROR RpcFrameworkError/ },
    { name: 'status_matches', answer: result, expect: { status: 'Accepted' }, fails: null },
    { name: 'status_differs', answer: result, expect: { status: 'Rejected' }, fails: /expected status Rejected, got "Accepted"/ },
    { name: 'error_code_matches', answer: error, expect: { errorCode: 'RpcFrameworkError', messageId: '-1' }, fails: null },
    { name: 'error_code_differs', answer: error, expect: { errorCode: 'FormatViolation' }, fails: /expected CALLERROR FormatViolation, got RpcFrameworkError/ },
    { name: 'error_expected_result_came', answer: result, expect: { errorCode: 'FormatViolation' }, fails: /got CALLRESULT/ },
    { name: 'message_id_differs', answer: error, expect: { errorCode: 'RpcFrameworkError', messageId: 'x' }, fails: /message id "-1", expected "x"/ },
    { name: 'payload_subset', answer: result, expect: { payload: { nested: { b: 2 } } }, fails: null },
    { name: 'payload_value_differs', answer: result, expect: { payload: { nested: { b: 3 } } }, fails: /payload\.nested\.b is 2, expected 3/ },
  ];
  for (const c of cases) {
    it(`expectation ${c.name}`, () => {
      const problem = checkExpectation(c.answer, c.expect);
      if (c.fails === null) assert.equal(problem, null);
      else assert.match(problem ?? '(passed)', c.fails);
    });
  }
});

describe('sim against a running CSMS', () => {
  const CSMS_ARGS = ['--auto-register', '--heartbeat-interval', '1', '--call-timeout-ms', '3000'];
  let db: TestDatabase;
  let csms: TestCsms;
  const stations: SimulatedStation[] = [];
  const station = (options: Omit<StationOptions, 'url'>): SimulatedStation => {
    const s = new SimulatedStation({ url: csms.ocppUrl, maxBootWaitMs: 200, ...options });
    stations.push(s);
    return s;
  };

  before(async () => {
    db = await createTestDatabase();
    csms = await startTestCsms(CSMS_ARGS, {}, db);
  });
  after(async () => {
    await Promise.all(stations.map((s) => s.close()));
    await csms.close();
    await db.dispose();
  });

  it('boots: Accepted, the station row holds what it sent, and every connector is stored Available', async () => {
    const startedAt = new Date();
    const st = station({
      stationId: 'SIM-BOOT',
      chargingStation: { vendorName: 'Acme', model: 'X-1', serialNumber: 'SN-42', firmwareVersion: '2.0.1' },
      connectors: [{ evseId: 1, connectorId: 1 }, { evseId: 2, connectorId: 1 }],
    });
    const boot = await st.start();
    assert.equal(boot.status, 'Accepted');
    assert.equal(boot.interval, 1);
    assert.equal(st.registrationStatus, 'Accepted');
    const row = await csms.store.stations.get('SIM-BOOT');
    assert.ok(row);
    assert.deepEqual([row.vendorName, row.model, row.serialNumber, row.firmwareVersion, row.lastBootReason], ['Acme', 'X-1', 'SN-42', '2.0.1', 'PowerUp']);
    assert.ok(row.lastBootAt && row.lastBootAt.getTime() >= startedAt.getTime() - 1000, `lastBootAt ${String(row.lastBootAt)}`);
    const connectors = await waitFor('two connector rows', async () => {
      const rows = await csms.store.connectors.listFor('SIM-BOOT');
      return rows.length === 2 ? rows : null;
    });
    assert.deepEqual(connectors.map((c) => [c.evseId, c.connectorId, c.status]), [[1, 1, 'Available'], [2, 1, 'Available']]);
  });

  it('heartbeats at the interval from the BootNotificationResponse, and the CSMS answers each', async () => {
    const st = station({ stationId: 'SIM-HEARTBEAT' });
    const wire = new FrameRecorder(st);
    await st.start();
    const bootedAt = Date.now();
    const beats = await waitFor('two heartbeats', () => (wire.sent('Heartbeat').length >= 2 ? wire.sent('Heartbeat') : null), 4000);
    assert.ok(beats[0] && beats[0].at - bootedAt >= 900, 'the first heartbeat waits one interval');
    for (const beat of beats) {
      const answer = await waitFor('a heartbeat answer', () => wire.answerTo(beat.frame[1]));
      assert.equal(answer[0], 3);
      assert.match(String((answer[2] as { currentTime?: unknown }).currentTime), /^\d{4}-\d\d-\d\dT/);
    }
  });

  it('boots again after Pending and sends nothing else until Accepted (B02)', async () => {
    await csms.store.stations.create({ id: 'SIM-PENDING', registrationStatus: 'Pending', securityProfile: 1 });
    const st = station({ stationId: 'SIM-PENDING' });
    const wire = new FrameRecorder(st);
    const started = st.start();
    await waitFor('a second Pending boot', () => wire.sent('BootNotification').length >= 2);
    assert.equal(st.registrationStatus, 'Pending');
    assert.deepEqual(wire.frames.filter((f) => f.direction === 'out').map((f) => f.frame[2]).filter((a) => a !== 'BootNotification'), []);
    await csms.store.stations.update('SIM-PENDING', { registrationStatus: 'Accepted' });
    assert.equal((await started).status, 'Accepted');
    await waitFor('a StatusNotification once Accepted', () => wire.sent('StatusNotification').length === 1);
  });

  it('negotiates permessage-deflate when asked to, and works over it', async () => {
    const st = station({ stationId: 'SIM-DEFLATE', deflate: true });
    assert.equal((await st.start()).status, 'Accepted');
    assert.match(st.extensions, /permessage-deflate/);
    const plain = station({ stationId: 'SIM-PLAIN' });
    await plain.start();
    assert.equal(plain.extensions, '');
  });

  it('runs example scripts whose expectations hold', async () => {
    for (const name of ['boot-and-heartbeat', 'framing-errors']) {
      const lines: string[] = [];
      const result = await runScript(await loadScript(`fixtures/sim/${name}.json`), { url: csms.ocppUrl, log: (l) => lines.push(l) });
      assert.equal(result.failure, null, lines.join('\n'));
      assert.ok(result.ok);
      assert.equal(result.stepsRun, lines.length);
    }
    const connectors = await csms.store.connectors.listFor('SIM-FIXTURE-1');
    assert.deepEqual(connectors.map((c) => c.status), ['Available']);
    assert.equal((await csms.store.stations.get('SIM-FIXTURE-1'))?.serialNumber, 'SN-0001');
  });

  it('stops a script at the first unmet expectation and says which and why', async () => {
    let wire: FrameRecorder | undefined;
    const result = await runScript(await loadScript('fixtures/sim/rejected-boot.json'), { url: csms.ocppUrl, onStation: (s) => (wire = new FrameRecorder(s)) });
    assert.equal(result.ok, false);
    assert.equal(result.stepsRun, 1);
    assert.equal(result.failure, 'step 1/2 boot PowerUp: expected status Rejected, got "Accepted"');
    assert.deepEqual(wire?.sent('Heartbeat'), [], 'no step after the failed one ran');
  });

  const rawFrames: { name: string; raw: string; errorCode: string; messageId: string }[] = [
    { name: 'truncated_json', raw: '[2,"1","Heartbeat"', errorCode: 'RpcFrameworkError', messageId: '-1' },
    { name: 'not_an_array', raw: '"Heartbeat"', errorCode: 'RpcFrameworkError', messageId: '-1' },
    { name: 'id_too_long', raw: `[2,"${'x'.repeat(37)}","Heartbeat",{}]`, errorCode: 'RpcFrameworkError', messageId: '-1' },
    { name: 'unknown_message_type', raw: '[5,"m5","Heartbeat",{}]', errorCode: 'MessageTypeNotSupported', messageId: 'm5' },
    { name: 'payload_not_object', raw: '[2,"m6","Heartbeat","{}"]', errorCode: 'FormatViolation', messageId: 'm6' },
  ];
  for (const r of rawFrames) {
    it(`gets ${r.errorCode} for a raw ${r.name} frame, and a wrong expectation fails`, async () => {
      const script = (errorCode: string): SimScript => ({ stationId: 'SIM-RAW', steps: [{ boot: {} }, { raw: r.raw, expect: { errorCode, messageId: r.messageId } }, { heartbeat: {} }] });
      const good = await runScript(script(r.errorCode), { url: csms.ocppUrl });
      assert.equal(good.failure, null);
      const wrong = await runScript(script('GenericError'), { url: csms.ocppUrl });
      assert.equal(wrong.ok, false);
      assert.match(wrong.failure ?? '', new RegExp(`step 2/3 raw .*: expected CALLERROR GenericError, got ${r.errorCode}`));
    });
  }

  it('answers the CSMS through the station bus: GetVariables, SetVariables, Reset, ChangeAvailability, unsupported actions', async () => {
    const st = station({ stationId: 'SIM-BUS', chargingStation: { vendorName: 'Acme', model: 'X-1' } });
    await st.start();
    const call = async (action: string, payload: object) => csms.bus.call('SIM-BUS', action, payload);
    const item = (component: string, variable: string) => ({ component: { name: component }, variable: { name: variable } });

    const got = await call('GetVariables', { getVariableData: [item('OCPPCommCtrlr', 'HeartbeatInterval'), item('ChargingStation', 'Model'), item('ChargingStation', 'Colour'), item('Teapot', 'Spout'), { ...item('ChargingStation', 'Model'), attributeType: 'Target' }] });
    assert.equal(got.kind, 'result');
    const results = (got as { payload: { getVariableResult: { attributeStatus: string; attributeValue?: string }[] } }).payload.getVariableResult;
    assert.deepEqual(results.map((r) => [r.attributeStatus, r.attributeValue]), [
      ['Accepted', '1'],
      ['Accepted', 'X-1'],
      ['UnknownVariable', undefined],
      ['UnknownComponent', undefined],
      ['NotSupportedAttributeType', undefined],
    ]);

    const set = await call('SetVariables', { setVariableData: [{ ...item('OCPPCommCtrlr', 'HeartbeatInterval'), attributeValue: '7' }, { ...item('OCPPCommCtrlr', 'HeartbeatInterval'), attributeValue: 'soon' }, { ...item('ChargingStation', 'Model'), attributeValue: 'Y' }] });
    assert.deepEqual((set as { payload: { setVariableResult: { attributeStatus: string }[] } }).payload.setVariableResult.map((r) => r.attributeStatus), ['Accepted', 'Rejected', 'Rejected']);
    const after = await call('GetVariables', { getVariableData: [item('ocppcommctrlr', 'heartbeatinterval')] });
    assert.equal((after as { payload: { getVariableResult: { attributeValue?: string }[] } }).payload.getVariableResult[0]?.attributeValue, '7');

    assert.deepEqual(await call('Reset', { type: 'OnIdle' }), { kind: 'result', payload: { status: 'Accepted' } });
    assert.deepEqual(await call('Reset', { type: 'Immediate', evseId: 9 }), { kind: 'result', payload: { status: 'Rejected' } });
    assert.deepEqual(await call('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 1 } }), { kind: 'result', payload: { status: 'Accepted' } });
    await waitFor('connector 1 Unavailable', async () => (await csms.store.connectors.listFor('SIM-BUS'))[0]?.status === 'Unavailable');
    const unsupported = await call('ClearCache', {});
    assert.equal(unsupported.kind, 'error');
    assert.equal((unsupported as { errorCode: string }).errorCode, 'NotSupported');
  });

  it('TriggerMessage: answers first, then sends the requested message; refuses a second boot once Accepted (F06)', async () => {
    const st = station({ stationId: 'SIM-TRIGGER', connectors: [{ evseId: 1, connectorId: 1 }, { evseId: 2, connectorId: 1 }] });
    const wire = new FrameRecorder(st);
    await st.start();
    await waitFor('initial statuses', () => wire.sent('StatusNotification').length === 2);
    const before = Date.now();
    assert.deepEqual(await csms.bus.call('SIM-TRIGGER', 'TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 2, connectorId: 1 } }), { kind: 'result', payload: { status: 'Accepted' } });
    const [sent] = await waitFor('the triggered StatusNotification', () => (wire.sent('StatusNotification', before).length > 0 ? wire.sent('StatusNotification', before) : null));
    assert.deepEqual([(sent?.frame[3] as { evseId: number }).evseId, wire.sent('StatusNotification', before).length], [2, 1]);
    const resultIndex = wire.frames.findIndex((f) => f.direction === 'out' && f.frame[0] === 3 && f.at >= before);
    assert.ok(resultIndex >= 0 && resultIndex < wire.frames.indexOf(sent!), 'the TriggerMessageResponse goes out before the StatusNotification');
    assert.deepEqual(await csms.bus.call('SIM-TRIGGER', 'TriggerMessage', { requestedMessage: 'BootNotification' }), { kind: 'result', payload: { status: 'Rejected' } });
    assert.deepEqual(await csms.bus.call('SIM-TRIGGER', 'TriggerMessage', { requestedMessage: 'MeterValues' }), { kind: 'result', payload: { status: 'NotImplemented' } });
  });

  it('starts a fleet through a bounded pool, spread over local addresses', async () => {
    const fleet = await startFleet({ url: csms.ocppUrl, count: 6, idPrefix: 'SIM-FLEET-', concurrency: 2, localAddresses: ['127.0.0.1', '127.0.0.2'], maxBootWaitMs: 200 });
    try {
      assert.deepEqual(fleet.failures, []);
      assert.deepEqual(fleet.stations.map((s) => s.stationId), ['SIM-FLEET-001', 'SIM-FLEET-002', 'SIM-FLEET-003', 'SIM-FLEET-004', 'SIM-FLEET-005', 'SIM-FLEET-006']);
      assert.equal(fleet.openCount(), 6);
      for (const s of fleet.stations) assert.ok(csms.bus.isConnected(s.stationId), s.stationId);
      assert.equal(fleet.startDurationsMs.length, 6);
    } finally {
      await fleet.close();
    }
    assert.equal(fleet.openCount(), 0);
  });

  const cliRuns: { name: string; args: (url: string) => string[]; env?: Record<string, string>; code: number; output: RegExp }[] = [
    { name: 'passing_script', args: (url) => ['--script', 'fixtures/sim/boot-and-heartbeat.json', '--url', url, '--id', 'SIM-CLI-1'], code: 0, output: /all 7 steps passed \(SIM-CLI-1\)/ },
    { name: 'failing_script', args: () => ['--script', 'fixtures/sim/rejected-boot.json', '--quiet'], code: 1, output: /step 1\/2 boot PowerUp: expected status Rejected, got "Accepted"/ },
    { name: 'bad_options', args: () => ['--count', '0', '--url', 'http://nowhere', '--frobnicate'], env: { PLUGTRUST_SIM_HEARTBEAT_INTERVAL: 'often' }, code: 2, output: /--frobnicate: unknown option[\s\S]*--url: must be a ws:\/\/[\s\S]*--count: must be >= 1[\s\S]*PLUGTRUST_SIM_HEARTBEAT_INTERVAL: must be integer/ },
    { name: 'invalid_script', args: () => ['--script', 'package.json'], code: 2, output: /script: must have required property 'steps'[\s\S]*script: unknown property 'name'/ },
  ];
  for (const c of cliRuns) {
    it(`runs as a CLI: ${c.name} exits ${c.code}`, async () => {
      const run = await runSimCli(c.args(csms.ocppUrl), { PLUGTRUST_SIM_URL: csms.ocppUrl, ...c.env });
      assert.equal(run.code, c.code, `${run.stdout}\n${run.stderr}`);
      assert.match(run.stdout + run.stderr, c.output);
      if (c.name === 'passing_script') assert.match(run.stdout, /SIM-CLI-1 -> \[2,"[0-9a-f-]{36}","BootNotification"/);
      if (c.name === 'failing_script') assert.doesNotMatch(run.stdout, /->/, '--quiet prints no frames');
    });
  }

  it('reconnects after the CSMS restarts on the same port; reboots only when told to', async () => {
    const backoff = { waitMinimumMs: 200, randomRangeMs: 200, repeatTimes: 2 };
    const resumer = station({ stationId: 'SIM-RESUME', reconnect: backoff });
    const rebooter = station({ stationId: 'SIM-REBOOT', reconnect: backoff, rebootOnReconnect: true });
    const wires = [new FrameRecorder(resumer), new FrameRecorder(rebooter)] as const;
    const delays: number[] = [];
    resumer.on('reconnecting', (ms) => delays.push(ms));
    await Promise.all([resumer.start(), rebooter.start()]);

    const port = csms.ocppPort;
    await csms.close();
    const downAt = Date.now();
    await waitFor('both stations to notice', () => !resumer.isOpen && !rebooter.isOpen);
    csms = await startTestCsms([...CSMS_ARGS, '--ocpp-port', String(port)], {}, db);
    assert.equal(csms.ocppPort, port);

    await waitFor('both stations back', () => csms.bus.isConnected('SIM-RESUME') && csms.bus.isConnected('SIM-REBOOT'), 15_000);
    assert.ok(delays.length > 0 && delays.every((d) => d >= 200 && d <= 200 * 4 + 200), `back-off delays ${delays.join(', ')}`);
    const [resumed, rebooted] = wires;
    const beat = await waitFor('a heartbeat answered by the new CSMS', () => resumed.sent('Heartbeat', downAt).find((b) => resumed.answerTo(b.frame[1])?.[0] === 3), 5000);
    assert.ok(beat);
    assert.deepEqual(resumed.sent('BootNotification', downAt), [], 'an Accepted station does not boot again after a CSMS restart');
    const reboot = await waitFor('the reboot', () => rebooted.sent('BootNotification', downAt)[0]);
    assert.equal((reboot.frame[3] as { reason: string }).reason, 'PowerUp');
    const row = await waitFor('the new boot stored', async () => {
      const s = await csms.store.stations.get('SIM-REBOOT');
      return s?.lastBootAt && s.lastBootAt.getTime() >= downAt ? s : null;
    });
    assert.equal(row.registrationStatus, 'Accepted');
  });
});
