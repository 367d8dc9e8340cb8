// The forwarder to an external contract certificate pool (Open Plug&Charge /v1/ccp/signedContractData)
// against a local fake pool: the request shape, the answers it understands, the ones it turns into
// our own FAILED message, and the per-eMSP / fallback routing of the provider.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../src/config.js';
import { createContractService } from '../../src/contracts/contract-service.js';
import { loadContractPoolsFile, loadOemRootsFile } from '../../src/contract-provider/provider-config-files.js';
import type { ContractCertificateProvider } from '../../src/contract-provider/contract-provider.js';
import { createPoolForwarder } from '../../src/contract-provider/pool-forwarder.js';
import { startContractProvider } from '../../src/contract-provider/start-contract-provider.js';
import { silentLogger } from '../../src/log.js';
import { buildInstallationRequest, responseCodeOf, rootIdOf } from '../helpers/ev-side.js';
import { issueTestEv, rootOf, type TestEv } from '../helpers/ev-pki.js';
import { loadPem, loadVector } from '../helpers/exi-vectors.js';
import { LAB, openTestCa, type TestCaService } from '../helpers/test-ca.js';

type Reply = (res: ServerResponse) => void;

interface FakePool {
  url: string;
  seen: { path: string; authorization: string | undefined; body: unknown }[];
  reply: Reply;
  close(): Promise<void>;
}

async function startFakePool(): Promise<FakePool> {
  const pool: Partial<FakePool> & { seen: FakePool['seen'] } = { seen: [], reply: (res) => res.writeHead(500).end() };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = null;
      }
      pool.seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      pool.reply!(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(pool, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FakePool;
}

const json = (status: number, body: unknown): Reply => (res) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const vectorResponse = Buffer.from(loadVector('certificate-installation-res').exi).toString('base64');
const vectorRequest = loadVector('certificate-installation-req').exi;

describe('contract pool forwarder', () => {
  let pool: FakePool;
  let forwarder: ContractCertificateProvider;
  const forward = () => forwarder.provide({ action: 'Install', exiRequest: vectorRequest, stationId: 'CS-1', requester: 'station:CS-1' });

  before(async () => {
    pool = await startFakePool();
    forwarder = createPoolForwarder({ id: 'hubject', baseUrl: `${pool.url}/`, bearerToken: 'pool-token', timeoutMs: 500 });
  });
  after(async () => {
    await pool.close();
  });

  it('posts the OPCP request shape with the bearer token and passes the pool\'s EXI on unchanged', async () => {
    pool.reply = json(200, { certificateInstallationRes: vectorResponse });
    const result = await forward();
    const last = pool.seen.at(-1);
    assert.equal(last?.path, '/v1/ccp/signedContractData');
    assert.equal(last?.authorization, 'Bearer pool-token');
    assert.deepEqual(last?.body, { certificateInstallationReq: Buffer.from(vectorRequest).toString('base64'), xsdMsgDefNamespace: 'urn:iso:15118:2:2013:MsgDef' });
    assert.equal(result.responseCode, 'OK');
    assert.equal(result.provider, 'hubject');
    assert.equal(Buffer.from(result.exiResponse).toString('base64'), vectorResponse);
  });

  it('reads the nested CCPResponse.emaidContent[0].messageDef form too', async () => {
    pool.reply = json(200, { CCPResponse: { emaidContent: [{ messageDef: { certificateInstallationRes: vectorResponse, emaid: 'DEABCC123456789' } }] } });
    assert.equal((await forward()).responseCode, 'OK');
  });

  const failures: [string, Reply, string][] = [
    ['404 (no contract in the pool)', json(404, { message: 'not found' }), 'FAILED_NoCertificateAvailable'],
    ['HTTP 500', json(500, {}), 'FAILED'],
    ['a body that is not JSON', (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{oops'), 'FAILED'],
    ['JSON without certificateInstallationRes', json(200, { something: 'else' }), 'FAILED'],
    ['base64 that is not EXI', json(200, { certificateInstallationRes: Buffer.from('not exi at all').toString('base64') }), 'FAILED'],
    ['the EV\'s own request echoed back (not a response)', json(200, { certificateInstallationRes: Buffer.from(vectorRequest).toString('base64') }), 'FAILED'],
    ['no answer within the timeout', () => undefined, 'FAILED'],
  ];
  for (const [name, reply, code] of failures) {
    it(`turns ${name} into ${code} in a well-formed response carrying the EV's SessionID`, async () => {
      pool.reply = reply;
      const result = await forward();
      assert.equal(result.responseCode, code);
      assert.equal(responseCodeOf(result.exiResponse).responseCode, code);
      assert.match(result.detail ?? '', /^pool hubject: /);
    });
  }

  it('answers an update without a round trip (pools serve installations)', async () => {
    const before = pool.seen.length;
    const result = await forwarder.provide({ action: 'Update', exiRequest: vectorRequest, stationId: 'CS-1', requester: 'station:CS-1' });
    assert.equal(result.responseCode, 'FAILED_NoCertificateAvailable');
    assert.equal(pool.seen.length, before);
  });
});

describe('provider routing per eMSP and fallback pool', () => {
  let t: TestCaService;
  let pool: FakePool;
  let provider: ContractCertificateProvider;
  let pooledEv: TestEv;
  let localEv: TestEv;
  let unknownEv: TestEv;
  let request: (ev: TestEv) => Promise<Uint8Array>;

  before(async () => {
    t = await openTestCa();
    await t.ca.initLab(LAB);
    pool = await startFakePool();
    pool.reply = json(200, { certificateInstallationRes: vectorResponse });
    const contracts = createContractService({ store: t.store, ca: t.ca, kek: () => t.kek });
    await contracts.createEmsp({ id: 'emsp-local', name: 'Local MO', requestedBy: 'test' });
    await contracts.createEmsp({ id: 'emsp-pooled', name: 'Pooled MO', requestedBy: 'test' });
    pooledEv = await issueTestEv(t.ca, 'WMIV1234567890POO');
    localEv = await issueTestEv(t.ca, 'WMIV1234567890LOC');
    unknownEv = await issueTestEv(t.ca, 'WMIV1234567890UNK');
    await contracts.create({ emspId: 'emsp-pooled', emaid: 'DEPLGC00000010', pcids: [pooledEv.pcid], requestedBy: 'test' });
    await contracts.create({ emspId: 'emsp-local', emaid: 'DEPLGC00000011', pcids: [localEv.pcid], requestedBy: 'test' });
    const moRoot = await rootOf(t.ca, 'mo-root');
    request = async (ev) => buildInstallationRequest(ev.certificate, { rootCertificateIds: [rootIdOf(moRoot)], signWith: ev.privateKey });
    provider = startContractProvider({
      store: t.store,
      ca: t.ca,
      contracts,
      kek: () => t.kek,
      oemCertificates: [],
      pools: [{ id: 'fake-pool', baseUrl: pool.url, timeoutMs: 1000, emsps: ['emsp-pooled'], fallback: true }],
      log: silentLogger(),
    });
  });
  after(async () => {
    await pool.close();
    await t.close();
  });

  const provide = async (ev: TestEv) => provider.provide({ action: 'Install', exiRequest: await request(ev), stationId: 'CS-1', requester: 'station:CS-1' });

  it('forwards a PCID whose contract belongs to an eMSP served by the pool', async () => {
    const before = pool.seen.length;
    const result = await provide(pooledEv);
    assert.equal(result.provider, 'fake-pool');
    assert.equal(pool.seen.length, before + 1);
    // the eMSP's feed still hears of it
    const events = await t.store.contracts.listEvents('emsp-pooled', { limit: 100 });
    assert.ok(events.some((e) => e.kind === 'installed' && (e.detail as { provider?: string }).provider === 'fake-pool'));
  });

  it('serves a PCID of a local eMSP ourselves', async () => {
    const before = pool.seen.length;
    const result = await provide(localEv);
    assert.deepEqual([result.provider, result.responseCode], ['local', 'OK']);
    assert.equal(pool.seen.length, before);
  });

  it('asks the fallback pool for a PCID we hold no contract for', async () => {
    const result = await provide(unknownEv);
    assert.equal(result.provider, 'fake-pool');
  });

  it('still refuses a bad signature locally, before any pool is asked', async () => {
    const before = pool.seen.length;
    const result = await provider.provide({ action: 'Install', exiRequest: buildInstallationRequest(pooledEv.certificate, { rootCertificateIds: [{ issuerName: 'CN=x', serialNumber: 1n }], signWith: null }), stationId: 'CS-1', requester: 'station:CS-1' });
    assert.deepEqual([result.provider, result.responseCode], ['local', 'FAILED_SignatureError']);
    assert.equal(pool.seen.length, before);
  });
});

describe('--contract-pools-file and --oem-roots-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pools-'));
  const file = (name: string, content: string): string => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads pools with their eMSPs, the fallback and the bearer token file', () => {
    const token = file('token', 'secret-token\n');
    const pools = loadContractPoolsFile(file('ok.json', JSON.stringify({ pools: [{ id: 'hubject', baseUrl: 'https://pool.example', bearerTokenFile: token, emsps: ['emsp-a'], fallback: true }, { id: 'other', baseUrl: 'http://127.0.0.1:1' }] })));
    assert.deepEqual(pools, [
      { id: 'hubject', baseUrl: 'https://pool.example', timeoutMs: 5000, emsps: ['emsp-a'], fallback: true, bearerToken: 'secret-token' },
      { id: 'other', baseUrl: 'http://127.0.0.1:1', timeoutMs: 5000, emsps: [], fallback: false },
    ]);
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{', /not JSON/],
    ['a pool without baseUrl', JSON.stringify({ pools: [{ id: 'x' }] }), /baseUrl/],
    ['a non-HTTP URL', JSON.stringify({ pools: [{ id: 'x', baseUrl: 'file:///etc/passwd' }] }), /pattern/],
    ['an eMSP in two pools', JSON.stringify({ pools: [{ id: 'a', baseUrl: 'http://a', emsps: ['e'] }, { id: 'b', baseUrl: 'http://b', emsps: ['e'] }] }), /assigned to two pools/],
    ['two fallbacks', JSON.stringify({ pools: [{ id: 'a', baseUrl: 'http://a', fallback: true }, { id: 'b', baseUrl: 'http://b', fallback: true }] }), /at most one pool/],
    ['a pool listed twice', JSON.stringify({ pools: [{ id: 'a', baseUrl: 'http://a' }, { id: 'a', baseUrl: 'http://b' }] }), /listed twice/],
  ];
  for (const [name, content, message] of bad) {
    it(`refuses ${name} with a ConfigError`, () => {
      assert.throws(() => loadContractPoolsFile(file(`bad-${name.replace(/\W/g, '')}.json`, content)), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    });
  }

  it('reads every certificate of the OEM file and refuses a file without one', () => {
    const pem = ['OEMRootCA.pem', 'OEMSubCA1.pem'].map((n) => loadPem(n)).join('');
    assert.equal(loadOemRootsFile(file('oem.pem', pem)).length, 2);
    assert.throws(() => loadOemRootsFile(file('empty.pem', 'nothing here')), ConfigError);
    assert.throws(() => loadOemRootsFile(join(dir, 'missing.pem')), ConfigError);
  });
});
