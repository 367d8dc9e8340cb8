// Our contract-certificate provider against the shared ISO 15118-2 vectors (an independent
// implementation's EV request in, our response out; its response opened by our EV helper), the
// ListOfRootCertificateIDs choice between contracts under different MO roots (including the
// vectors' wrapped X509SerialNumber), expiry by the clock, and the response size with real chains.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeV2gMessage } from '../../pki/exi/index.js';
import { storeKey } from '../../src/ca/ca-hierarchy.js';
import { createContractService, type ContractService } from '../../src/contracts/contract-service.js';
import type { ContractCertificateProvider } from '../../src/contract-provider/contract-provider.js';
import { startContractProvider } from '../../src/contract-provider/start-contract-provider.js';
import { silentLogger } from '../../src/log.js';
import type { ContractRow } from '../../src/store/contracts.js';
import { buildInstallationRequest, openResponse, responseCodeOf, rootIdOf } from '../helpers/ev-side.js';
import { issueTestEv, rootOf, type TestEv } from '../helpers/ev-pki.js';
import { loadPem, loadVector } from '../helpers/exi-vectors.js';
import { LAB, openTestCa, type TestCaService } from '../helpers/test-ca.js';

const der = (name: string): Uint8Array => new Uint8Array(Buffer.from(loadPem(name).replace(/-----[^-]+-----|\s/g, ''), 'base64'));
const VECTOR_PCID = 'WMIV2G0ABCDEFGHIJ';
const DAY = 86_400_000;

describe('contract provider: vectors, root certificate IDs, expiry, size', () => {
  let t: TestCaService;
  let contracts: ContractService;
  let clock = new Date();
  let provider: ContractCertificateProvider;
  let labContract: ContractRow;
  let vectorContract: ContractRow;
  let v2gRoot: Uint8Array;
  let moRoot: Uint8Array;
  let ev: TestEv;

  const install = (exi: Uint8Array) => provider.provide({ action: 'Install', exiRequest: exi, stationId: 'CS-1', requester: 'station:CS-1' });

  before(async () => {
    t = await openTestCa();
    await t.ca.initLab(LAB);
    v2gRoot = await rootOf(t.ca, 'v2g-root');
    moRoot = await rootOf(t.ca, 'mo-root');
    contracts = createContractService({ store: t.store, ca: t.ca, kek: () => t.kek, extraMoRoots: [der('MORootCA.pem')] });
    await contracts.createEmsp({ id: 'emsp-v', name: 'Vector MO', requestedBy: 'test' });
    // The vectors' EV (PCID WMIV2G0ABCDEFGHIJ) has two contracts: ours (lab MO root, longer-lived)
    // and the vectors' own contract certificate under the vectors' MO root.
    labContract = await contracts.create({ emspId: 'emsp-v', emaid: 'DEPLGC00000001', pcids: [VECTOR_PCID], validityDays: 730, requestedBy: 'test' });
    // Stored as is (the upload API refuses its eMAID DEABCC123456789, whose 15th character is not the
    // eMAID check digit): key under the KEK, row with its MO root.
    const keyId = await storeKey({ store: t.store, kek: () => t.kek }, 'contract-vector', createPrivateKey(loadPem('ContractCert.key')));
    const vectorCert = der('ContractCert.pem');
    await t.store.contracts.insert({
      id: 'vector-contract', emspId: 'emsp-v', emaid: 'DEABCC123456789', pcids: [VECTOR_PCID], origin: 'uploaded', certificate: vectorCert,
      chain: [der('MOSubCA2.pem'), der('MOSubCA1.pem')], moRoot: der('MORootCA.pem'), serial: null, keyId,
      notBefore: new Date('2026-11-21T07:23:06Z'), notAfter: new Date('2028-11-20T07:23:06Z'), createdAt: new Date(),
    });
    vectorContract = (await t.store.contracts.get('vector-contract'))!;
    ev = await issueTestEv(t.ca, 'WMIV1234567890EXP');
    await contracts.create({ emspId: 'emsp-v', emaid: 'DEPLGC00000002', pcids: [ev.pcid], validityDays: 30, requestedBy: 'test' });
    provider = startContractProvider({
      store: t.store,
      ca: t.ca,
      contracts,
      kek: () => t.kek,
      oemCertificates: [der('OEMRootCA.pem'), der('OEMSubCA1.pem'), der('OEMSubCA2.pem')],
      pools: [],
      log: silentLogger(),
      now: () => clock,
      cacheMs: 0,
    });
  });
  after(async () => {
    await t.close();
  });

  it('answers the vectors\' EV request (independent EXI, wrapped root serials) with the contract under the MO root it names', async () => {
    const result = await install(loadVector('certificate-installation-req').exi);
    assert.equal(result.responseCode, 'OK', result.detail ?? '');
    // the vectors' EV opens it with its own provisioning key
    const opened = await openResponse(result.exiResponse, { evKey: createPrivateKey(loadPem('OEMProvCert.key')), v2gRoot, at: new Date() });
    assert.equal(opened.emaid, 'DEABCC123456789');
    assert.deepEqual(opened.contractCertificate, vectorContract.certificate);
    assert.deepEqual(result.contract, { id: vectorContract.id, emspId: 'emsp-v' });
  });

  it('delivers the lab contract when the EV names the lab MO root by its plain serial, though the other lives longer', async () => {
    const request = buildInstallationRequest(der('OEMProvCert.pem'), { rootCertificateIds: [rootIdOf(v2gRoot), rootIdOf(moRoot)], signWith: createPrivateKey(loadPem('OEMProvCert.key')) });
    const result = await install(request);
    assert.equal(result.responseCode, 'OK');
    assert.deepEqual(result.contract, { id: labContract.id, emspId: 'emsp-v' });
  });

  it('names the vector MO root in OpenSSL order and with spaces as well (issuer names are matched as attribute sets)', async () => {
    const id = rootIdOf(der('MORootCA.pem'));
    const request = buildInstallationRequest(der('OEMProvCert.pem'), {
      rootCertificateIds: [{ issuerName: 'CN = MO Root CA, O = PeerTest MO, C = DE, DC = MO', serialNumber: id.serialNumber }],
      signWith: createPrivateKey(loadPem('OEMProvCert.key')),
    });
    assert.deepEqual((await install(request)).contract, { id: vectorContract.id, emspId: 'emsp-v' });
  });

  it('decodes the vectors\' response with our EV helper: digests, CPS signature, chain and contract key', async () => {
    const exi = loadVector('certificate-installation-res').exi;
    const opened = await openResponse(exi, { evKey: createPrivateKey(loadPem('OEMProvCert.key')), v2gRoot: der('V2GRootCA.pem'), at: new Date('2026-12-01T00:00:00Z') });
    assert.equal(opened.emaid, 'DEABCC123456789');
    assert.equal(createPrivateKey(loadPem('ContractCert.key')).export({ format: 'jwk' }).d, opened.contractKey.export({ format: 'jwk' }).d);
  });

  it('fits OCPP\'s exiResponse maxLength with three-certificate CPS and contract chains', async () => {
    const result = await install(loadVector('certificate-installation-req').exi);
    const base64 = Buffer.from(result.exiResponse).toString('base64');
    assert.ok(base64.length <= 7500, `${base64.length} characters`);
    const body = decodeV2gMessage(result.exiResponse).body;
    assert.ok(body.kind === 'CertificateInstallationRes');
    assert.equal(body.provisioningCertificateChain.subCertificates?.length, 2);
    assert.equal(body.contractCertificateChain.subCertificates?.length, 2);
  });

  it('answers FAILED_NoCertificateAvailable once the only contract has expired, and records it for the contract', async () => {
    const request = buildInstallationRequest(ev.certificate, { rootCertificateIds: [rootIdOf(moRoot)], signWith: ev.privateKey });
    assert.equal((await install(request)).responseCode, 'OK');
    clock = new Date(Date.now() + 40 * DAY);
    try {
      const result = await install(request);
      assert.equal(result.responseCode, 'FAILED_NoCertificateAvailable');
      assert.equal(responseCodeOf(result.exiResponse).responseCode, 'FAILED_NoCertificateAvailable');
      const events = await t.store.contracts.listEvents('emsp-v', { limit: 100 });
      assert.ok(events.some((e) => e.kind === 'installation_failed' && e.contractId === result.contract?.id));
    } finally {
      clock = new Date();
    }
  });

  it('answers FAILED_CertificateExpired for an expired OEM provisioning certificate', async () => {
    clock = new Date(Date.now() + 5 * 365 * DAY);
    try {
      const result = await install(buildInstallationRequest(ev.certificate, { rootCertificateIds: [rootIdOf(moRoot)], signWith: ev.privateKey }));
      assert.equal(result.responseCode, 'FAILED_CertificateExpired');
    } finally {
      clock = new Date();
    }
  });

  it('answers 500 mutated requests (flipped bits, cut, extended) with a well-formed response each, never a throw', async () => {
    const valid = buildInstallationRequest(ev.certificate, { rootCertificateIds: [rootIdOf(moRoot)], signWith: ev.privateKey });
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const codes = new Set<string>();
    for (let i = 0; i < 500; i++) {
      let exi = Uint8Array.from(valid);
      const kind = random(3);
      if (kind === 0) for (let f = 0; f <= random(4); f++) exi[random(exi.length)]! ^= 1 << random(8);
      else if (kind === 1) exi = exi.subarray(0, random(exi.length));
      else exi = Uint8Array.from([...exi, ...Array.from({ length: 1 + random(64) }, () => random(256))]);
      const result = await install(exi);
      const decoded = responseCodeOf(result.exiResponse);
      assert.equal(decoded.responseCode, result.responseCode);
      codes.add(result.responseCode);
    }
    // corruption is caught at every layer: EXI, signature, and (rarely) still a valid request
    assert.ok(codes.has('FAILED'));
    assert.ok(codes.has('FAILED_SignatureError'));
  });
});
