// The real server started with --oem-roots-file (the shared vectors' OEM root and sub-CAs) and
// --contract-pools-file (a fake pool as fallback): the independent implementation's EV request
// arrives over OCPP from the ocpp-rpc strict client and is served from our contract; a PCID we
// hold no contract for goes to the pool.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RPCClient } from 'ocpp-rpc';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { currentOcpp201Validator } from '../helpers/ev-rpc-validator.js';
import { buildInstallationRequest, openResponse, responseCodeOf, rootIdOf } from '../helpers/ev-side.js';
import { issueTestEv, rootOf } from '../helpers/ev-pki.js';
import { loadPem, loadVector } from '../helpers/exi-vectors.js';
import { LAB } from '../helpers/test-ca.js';

const ISO2 = 'urn:iso:15118:2:2013:MsgDef';

describe('Get15118EVCertificate with --oem-roots-file and --contract-pools-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'm01-files-'));
  let csms: TestCsms;
  let client: InstanceType<typeof RPCClient>;
  let pool: Server;
  let poolCalls = 0;

  before(async () => {
    pool = createServer((req, res) => {
      poolCalls++;
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => pool.listen(0, '127.0.0.1', resolve));
    writeFileSync(join(dir, 'oem.pem'), ['OEMRootCA.pem', 'OEMSubCA1.pem', 'OEMSubCA2.pem'].map((n) => loadPem(n)).join(''));
    writeFileSync(join(dir, 'pools.json'), JSON.stringify({ pools: [{ id: 'fake', baseUrl: `http://127.0.0.1:${(pool.address() as AddressInfo).port}`, fallback: true }] }));
    csms = await startTestCsms(['--oem-roots-file', join(dir, 'oem.pem'), '--contract-pools-file', join(dir, 'pools.json')]);
    await csms.ca.initLab(LAB);
    await csms.contracts.createEmsp({ id: 'emsp-v', name: 'Vector MO', requestedBy: 'test' });
    await csms.contracts.create({ emspId: 'emsp-v', emaid: 'DEPLGC00000030', pcids: ['WMIV2G0ABCDEFGHIJ'], requestedBy: 'test' });
    await csms.store.stations.create({ id: 'CS-FILES', registrationStatus: 'Accepted', securityProfile: 1 });
    client = new RPCClient({ endpoint: csms.ocppUrl, identity: 'CS-FILES', protocols: ['ocpp2.0.1'], strictMode: true, strictModeValidators: [currentOcpp201Validator()], reconnect: false } as never);
    await client.connect();
    await client.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'EVSE', model: 'PnC-1' } });
  });
  after(async () => {
    await client.close({ force: true });
    await csms.stop();
    await new Promise<void>((resolve) => pool.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the vectors\' EV (OEM chain from the file) with our contract, and the EV opens it', async () => {
    const exiRequest = Buffer.from(loadVector('certificate-installation-req').exi).toString('base64');
    const answer = (await client.call('Get15118EVCertificate', { iso15118SchemaVersion: ISO2, action: 'Install', exiRequest })) as { status: string; exiResponse: string };
    assert.equal(answer.status, 'Accepted');
    const opened = await openResponse(Buffer.from(answer.exiResponse, 'base64'), { evKey: createPrivateKey(loadPem('OEMProvCert.key')), v2gRoot: await rootOf(csms.ca, 'v2g-root'), at: new Date() });
    assert.equal(opened.emaid, 'DEPLGC00000030');
    assert.deepEqual(opened.sessionId, Uint8Array.from(Buffer.from('0A0B0C0D0E0F1011', 'hex')));
  });

  it('asks the fallback pool for a PCID we hold no contract for, and passes its "none" on', async () => {
    const stranger = await issueTestEv(csms.ca, 'WMIV1234567890NEW');
    const exi = buildInstallationRequest(stranger.certificate, { rootCertificateIds: [rootIdOf(await rootOf(csms.ca, 'mo-root'))], signWith: stranger.privateKey });
    const before = poolCalls;
    const answer = (await client.call('Get15118EVCertificate', { iso15118SchemaVersion: ISO2, action: 'Install', exiRequest: Buffer.from(exi).toString('base64') })) as { status: string; exiResponse: string; statusInfo?: { reasonCode: string } };
    assert.equal(poolCalls, before + 1);
    assert.equal(answer.status, 'Failed');
    assert.equal(answer.statusInfo?.reasonCode, 'NoCertificate');
    assert.equal(responseCodeOf(Buffer.from(answer.exiResponse, 'base64')).responseCode, 'FAILED_NoCertificateAvailable');
  });
});
