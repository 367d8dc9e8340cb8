// The contract certificate pool endpoint we serve (POST /v1/ccp/signedContractData, the Open
// Plug&Charge shape): a CSMS that forwards Get15118EVCertificate to a pool today points at us
// instead. Real server, operator token, plain fetch in the pool's JSON shape, and our own forwarder
// as the other CSMS.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPoolForwarder } from '../../src/contract-provider/pool-forwarder.js';
import type { ContractRow } from '../../src/store/contracts.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { buildInstallationRequest, openResponse, responseCodeOf, rootIdOf } from '../helpers/ev-side.js';
import { issueTestEv, rootOf, type TestEv } from '../helpers/ev-pki.js';
import { LAB } from '../helpers/test-ca.js';

const PATH = '/v1/ccp/signedContractData';
const NS = 'urn:iso:15118:2:2013:MsgDef';

describe('contract pool endpoint', () => {
  let csms: TestCsms;
  let token: string;
  let ev: TestEv;
  let v2gRoot: Uint8Array;
  let contract: ContractRow;
  let request: Uint8Array;

  const post = (body: unknown, auth: string | null = token) =>
    fetch(`${csms.httpUrl}${PATH}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) }, body: JSON.stringify(body) });

  before(async () => {
    csms = await startTestCsms();
    await csms.ca.initLab(LAB);
    v2gRoot = await rootOf(csms.ca, 'v2g-root');
    await csms.contracts.createEmsp({ id: 'emsp-p', name: 'Pool MO', requestedBy: 'test' });
    ev = await issueTestEv(csms.ca, 'WMIV1234567890POL');
    contract = await csms.contracts.create({ emspId: 'emsp-p', emaid: 'DEPLGC00000020', pcids: [ev.pcid], requestedBy: 'test' });
    request = buildInstallationRequest(ev.certificate, { rootCertificateIds: [rootIdOf(await rootOf(csms.ca, 'mo-root'))], signWith: ev.privateKey });
    const res = await fetch(`${csms.httpUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`operator:${csms.operatorSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(async () => {
    await csms.stop();
  });

  it('answers the pool request shape with a signed CertificateInstallationRes the EV can open', async () => {
    const res = await post({ certificateInstallationReq: Buffer.from(request).toString('base64'), xsdMsgDefNamespace: NS });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { certificateInstallationRes: string; responseCode: string };
    assert.equal(body.responseCode, 'OK');
    const opened = await openResponse(Buffer.from(body.certificateInstallationRes, 'base64'), { evKey: ev.privateKey, v2gRoot, at: new Date() });
    assert.deepEqual(opened.contractCertificate, contract.certificate);
    const events = await csms.store.contracts.listEvents('emsp-p', { limit: 100 });
    const installed = events.find((e) => e.kind === 'installed');
    assert.equal(installed?.stationId, null);
    assert.equal((installed?.detail as { requester?: string }).requester, 'api:operator');
  });

  it('serves another CSMS\'s pool forwarder pointed at us', async () => {
    const forwarder = createPoolForwarder({ id: 'plugtrust', baseUrl: csms.httpUrl, bearerToken: token, timeoutMs: 5000 });
    const result = await forwarder.provide({ action: 'Install', exiRequest: request, stationId: 'CS-OTHER', requester: 'station:CS-OTHER' });
    assert.equal(result.responseCode, 'OK');
    await openResponse(result.exiResponse, { evKey: ev.privateKey, v2gRoot, at: new Date() });
  });

  it('answers a request it cannot serve with the ISO ResponseCode inside a well-formed response', async () => {
    const stranger = await issueTestEv(csms.ca, 'WMIV1234567890XXX');
    const exi = buildInstallationRequest(stranger.certificate, { rootCertificateIds: [rootIdOf(v2gRoot)], signWith: stranger.privateKey });
    const res = await post({ certificateInstallationReq: Buffer.from(exi).toString('base64') });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { certificateInstallationRes: string; responseCode: string };
    assert.equal(body.responseCode, 'FAILED_NoCertificateAvailable');
    assert.equal(responseCodeOf(Buffer.from(body.certificateInstallationRes, 'base64')).responseCode, 'FAILED_NoCertificateAvailable');
  });

  const refusals: [string, unknown, string | null, number][] = [
    ['no token', { certificateInstallationReq: 'AAAA' }, null, 401],
    ['a wrong token', { certificateInstallationReq: 'AAAA' }, 'not-a-token', 401],
    ['an ISO 15118-20 namespace', { certificateInstallationReq: 'AAAA', xsdMsgDefNamespace: 'urn:iso:std:iso:15118:-20:CommonMessages' }, '', 400],
    ['a body that is not base64', { certificateInstallationReq: '!!!!' }, '', 400],
    ['a body beyond 5600 characters', { certificateInstallationReq: 'A'.repeat(5604) }, '', 400],
    ['an unknown property', { certificateInstallationReq: 'AAAA', extra: 1 }, '', 400],
  ];
  for (const [name, body, auth, status] of refusals) {
    it(`refuses ${name} with ${status} problem+json`, async () => {
      const res = await post(body, auth === '' ? token : auth);
      assert.equal(res.status, status);
      assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
    });
  }
});
