// M01/M02 Get15118EVCertificate end to end: the real server on the embedded database, the lab
// hierarchy, contracts issued by our MO CA, the ocpp-rpc strict client as the charging station
// and an EV (test/helpers/ev-side.ts) that builds the request and takes our response apart.
// openssl checks the chains we send. Every failure still carries a well-formed exiResponse.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RPCClient } from 'ocpp-rpc';
import type { ContractRow } from '../../src/store/contracts.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { buildInstallationRequest, buildUpdateRequest, openResponse, responseCodeOf, rootIdOf } from '../helpers/ev-side.js';
import { issueTestEv, rootOf, type TestEv } from '../helpers/ev-pki.js';
import { loadPem } from '../helpers/exi-vectors.js';
import { currentOcpp201Validator } from '../helpers/ev-rpc-validator.js';
import { connectRaw } from '../helpers/ws-station.js';
import { LAB } from '../helpers/test-ca.js';

const ISO2 = 'urn:iso:15118:2:2013:MsgDef';
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const pemOf = (der: Uint8Array): string => `-----BEGIN CERTIFICATE-----\n${(b64(der).match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
const derOfPem = (pem: string): Uint8Array => new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));

interface Answer {
  status: 'Accepted' | 'Failed';
  exiResponse: string;
  statusInfo?: { reasonCode: string; additionalInfo?: string };
}

describe('M01/M02 Get15118EVCertificate over OCPP', () => {
  let csms: TestCsms;
  let client: InstanceType<typeof RPCClient>;
  let v2gRoot: Uint8Array;
  let moRoot: Uint8Array;
  let ev: TestEv;
  let contract: ContractRow;
  const tmp = mkdtempSync(join(tmpdir(), 'm01-'));

  const call = async (action: 'Install' | 'Update', exi: Uint8Array | string, version = ISO2): Promise<Answer> =>
    (await client.call('Get15118EVCertificate', { iso15118SchemaVersion: version, action, exiRequest: typeof exi === 'string' ? exi : b64(exi) })) as Answer;
  const installFor = (who: TestEv, signWith: KeyObject | null = who.privateKey): Uint8Array =>
    buildInstallationRequest(who.certificate, { rootCertificateIds: [rootIdOf(v2gRoot), rootIdOf(moRoot)], signWith });

  before(async () => {
    csms = await startTestCsms();
    await csms.ca.initLab(LAB);
    v2gRoot = await rootOf(csms.ca, 'v2g-root');
    moRoot = await rootOf(csms.ca, 'mo-root');
    await csms.contracts.createEmsp({ id: 'emsp-a', name: 'Test MO', requestedBy: 'test' });
    ev = await issueTestEv(csms.ca, 'WMIV1234567890ABC');
    contract = await csms.contracts.create({ emspId: 'emsp-a', emaid: 'DEPLGC12345678', pcids: [ev.pcid], validityDays: 300, requestedBy: 'test' });
    await csms.store.stations.create({ id: 'CS-M01', registrationStatus: 'Accepted', securityProfile: 1 });
    client = new RPCClient({ endpoint: csms.ocppUrl, identity: 'CS-M01', protocols: ['ocpp2.0.1'], strictMode: true, strictModeValidators: [currentOcpp201Validator()], reconnect: false } as never);
    await client.connect();
    await client.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'EVSE', model: 'PnC-1' } });
  });
  after(async () => {
    await client.close({ force: true });
    await csms.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('installs the contract: the EV verifies all four digests and the CPS signature, and decrypts the contract key', async () => {
    const answer = await call('Install', installFor(ev));
    assert.equal(answer.status, 'Accepted', JSON.stringify(answer.statusInfo));
    assert.ok(answer.exiResponse.length <= 7500);
    const opened = await openResponse(Buffer.from(answer.exiResponse, 'base64'), { evKey: ev.privateKey, v2gRoot, at: new Date() });
    assert.equal(opened.emaid, 'DEPLGC12345678');
    assert.deepEqual(opened.contractCertificate, contract.certificate);
    assert.deepEqual(opened.contractSubCertificates, contract.chain);
    assert.deepEqual(opened.sessionId, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    // the eMSP's feed has the installation, with the station
    const events = await csms.store.contracts.listEvents('emsp-a', { limit: 100 });
    const installed = events.find((e) => e.kind === 'installed' && e.contractId === contract.id);
    assert.equal(installed?.stationId, 'CS-M01');
  });

  it('sends chains openssl accepts: CPS leaf to the V2G root, contract to the MO root', async () => {
    const answer = await call('Install', installFor(ev));
    const opened = await openResponse(Buffer.from(answer.exiResponse, 'base64'), { evKey: ev.privateKey, v2gRoot, at: new Date() });
    const verifyChain = (name: string, root: Uint8Array, leaf: Uint8Array, subs: readonly Uint8Array[]): string => {
      writeFileSync(join(tmp, `${name}-root.pem`), pemOf(root));
      writeFileSync(join(tmp, `${name}-subs.pem`), subs.map(pemOf).join(''));
      writeFileSync(join(tmp, `${name}-leaf.pem`), pemOf(leaf));
      return execFileSync('openssl', ['verify', '-CAfile', join(tmp, `${name}-root.pem`), '-untrusted', join(tmp, `${name}-subs.pem`), join(tmp, `${name}-leaf.pem`)], { encoding: 'utf8' });
    };
    assert.match(verifyChain('cps', v2gRoot, opened.cpsCertificate, opened.cpsSubCertificates), /: OK/);
    assert.equal(opened.cpsSubCertificates.length, 2, 'CPS Sub-CA 2 and 1, without the root');
    assert.match(verifyChain('contract', moRoot, opened.contractCertificate, opened.contractSubCertificates), /: OK/);
  });

  it('updates the contract (M02): the successor is encrypted for the current contract key', async () => {
    const installed = await openResponse(Buffer.from((await call('Install', installFor(ev))).exiResponse, 'base64'), { evKey: ev.privateKey, v2gRoot, at: new Date() });
    const successor = await csms.contracts.create({ emspId: 'emsp-a', emaid: 'DEPLGC12345678', pcids: [ev.pcid], validityDays: 365, requestedBy: 'test' });
    const request = buildUpdateRequest({ certificate: installed.contractCertificate, subCertificates: installed.contractSubCertificates }, installed.emaid, {
      rootCertificateIds: [rootIdOf(v2gRoot), rootIdOf(moRoot)],
      signWith: installed.contractKey,
    });
    const answer = await call('Update', request);
    assert.equal(answer.status, 'Accepted', JSON.stringify(answer.statusInfo));
    assert.equal(responseCodeOf(Buffer.from(answer.exiResponse, 'base64')).kind, 'CertificateUpdateRes');
    const updated = await openResponse(Buffer.from(answer.exiResponse, 'base64'), { evKey: installed.contractKey, v2gRoot, at: new Date() });
    assert.deepEqual(updated.contractCertificate, successor.certificate);
    // the successor is now what an installation delivers (the longest-lived contract)
    const again = await openResponse(Buffer.from((await call('Install', installFor(ev))).exiResponse, 'base64'), { evKey: ev.privateKey, v2gRoot, at: new Date() });
    assert.deepEqual(again.contractCertificate, successor.certificate);
  });

  // Negative cases: status Failed, the ISO 15118-2 ResponseCode inside a decodable exiResponse.
  const failures: [string, () => Promise<Uint8Array | string>, string, string][] = [
    ['a request signed with another key', async () => installFor(ev, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey), 'FAILED_SignatureError', 'SignatureError'],
    ['an unsigned request', async () => installFor(ev, null), 'FAILED_SignatureError', 'SignatureError'],
    ['a request changed after signing', async () => buildInstallationRequest(ev.certificate, { rootCertificateIds: [rootIdOf(moRoot)], signWith: ev.privateKey, tamper: true }), 'FAILED_SignatureError', 'SignatureError'],
    [
      'an OEM provisioning certificate from an untrusted OEM (the shared vectors\' OEM)',
      async () => buildInstallationRequest(derOfPem(loadPem('OEMProvCert.pem')), { rootCertificateIds: [rootIdOf(moRoot)], signWith: createPrivateKey(loadPem('OEMProvCert.key')) }),
      'FAILED_CertChainError',
      'CertChainError',
    ],
    ['an unknown PCID', async () => installFor(await issueTestEv(csms.ca, 'WMIV0000000000UNK')), 'FAILED_NoCertificateAvailable', 'NoCertificate'],
    [
      'a revoked contract',
      async () => {
        const revokedEv = await issueTestEv(csms.ca, 'WMIV0000000000REV');
        const c = await csms.contracts.create({ emspId: 'emsp-a', emaid: 'DEPLGC00000REV', pcids: [revokedEv.pcid], requestedBy: 'test' });
        await csms.contracts.revoke(c.id, { reason: 'keyCompromise', requestedBy: 'test' });
        return installFor(revokedEv);
      },
      'FAILED_NoCertificateAvailable',
      'NoCertificate',
    ],
    ['a truncated EXI stream', async () => installFor(ev).subarray(0, 300), 'FAILED', 'Failed'],
    ['EXI that is not a V2G message', async () => new Uint8Array(4200).fill(0x55), 'FAILED', 'Failed'],
    ['base64 that is not base64', async () => '!!notbase64!!', 'FAILED', 'Failed'],
    ['an update request sent as Install', async () => buildUpdateRequest({ certificate: contract.certificate }, contract.emaid, { rootCertificateIds: [rootIdOf(moRoot)], signWith: ev.privateKey }), 'FAILED', 'Failed'],
  ];
  for (const [name, request, code, reason] of failures) {
    it(`answers ${name} with ${code} in a well-formed exiResponse`, async () => {
      const answer = await call('Install', await request());
      assert.equal(answer.status, 'Failed');
      assert.equal(answer.statusInfo?.reasonCode, reason);
      const decoded = responseCodeOf(Buffer.from(answer.exiResponse, 'base64'));
      assert.deepEqual([decoded.kind, decoded.responseCode], ['CertificateInstallationRes', code]);
      assert.equal(decoded.signed, true, 'failures are signed by the CPS leaf too');
    });
  }

  it('records installation_failed for a known contract that cannot be delivered (update of a revoked contract)', async () => {
    const held = await openResponse(Buffer.from((await call('Install', installFor(ev))).exiResponse, 'base64'), { evKey: ev.privateKey, v2gRoot, at: new Date() });
    const row = (await csms.store.contracts.findForEmaid(held.emaid)).find((r) => Buffer.from(r.certificate).equals(Buffer.from(held.contractCertificate)));
    assert.ok(row);
    await csms.contracts.revoke(row.id, { reason: 'superseded', requestedBy: 'test' });
    const answer = await call('Update', buildUpdateRequest({ certificate: held.contractCertificate, subCertificates: held.contractSubCertificates }, held.emaid, { rootCertificateIds: [rootIdOf(moRoot)], signWith: held.contractKey }));
    assert.equal(answer.status, 'Failed');
    assert.equal(responseCodeOf(Buffer.from(answer.exiResponse, 'base64')).responseCode, 'FAILED_CertificateRevoked');
    const events = await csms.store.contracts.listEvents('emsp-a', { limit: 1000 });
    assert.ok(events.some((e) => e.kind === 'installation_failed' && e.contractId === row.id && (e.detail as { responseCode?: string }).responseCode === 'FAILED_CertificateRevoked'));
  });

  it('refuses an ISO 15118-20 schema version with a clear status', async () => {
    const answer = await call('Install', installFor(ev), 'urn:iso:std:iso:15118:-20:CommonMessages');
    assert.equal(answer.status, 'Failed');
    assert.equal(answer.statusInfo?.reasonCode, 'UnsupportedSchema');
    assert.equal(answer.exiResponse, '');
  });

  it('rejects an exiRequest beyond the schema maxLength with a CALLERROR, and keeps serving', async () => {
    await csms.store.stations.create({ id: 'CS-M01-RAW', registrationStatus: 'Accepted', securityProfile: 1 });
    const station = await connectRaw(`${csms.ocppUrl}/CS-M01-RAW`);
    try {
      await station.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'EVSE', model: 'RAW' } });
      const answer = await station.call('Get15118EVCertificate', { iso15118SchemaVersion: ISO2, action: 'Install', exiRequest: 'A'.repeat(5604) });
      assert.equal(answer[0], 4, 'a CALLERROR');
      assert.ok(['FormatViolation', 'PropertyConstraintViolation'].includes(String(answer[2])), String(answer[2]));
    } finally {
      await station.close();
    }
    assert.equal((await call('Install', installFor(ev))).status, 'Accepted');
  });
});
