// C07 Authorize end to end with the ocpp-rpc strict client as the charger: contract chains to a
// foreign MO root whose OCSP responders are `openssl ocsp` processes, contracts of our own MO CA
// (answered in-process), hash data, eMAID without certificate data, plain idTokens. Every answer
// is checked against the stored decision and its reason.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { RPCClient } from 'ocpp-rpc';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import { digest, readCertificateParts } from '../../pki/ocsp/cert-id.js';
import { LAB } from '../helpers/test-ca.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { createForeignPki, freePort, indexLine, issueForeignCertificate, startOpensslOcsp, type ForeignCert, type ForeignPki, type OpensslResponder } from '../helpers/openssl-ocsp.js';

interface AuthorizeAnswer {
  idTokenInfo: { status: string; cacheExpiryDateTime?: string };
  certificateStatus?: string;
}

const DAY = 86_400_000;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function hashData(issuerDer: Uint8Array, certDer: Uint8Array, responderURL: string) {
  const p = readCertificateParts(issuerDer);
  return { hashAlgorithm: 'SHA256', issuerNameHash: hex(digest('sha256', p.subject)), issuerKeyHash: hex(digest('sha256', p.subjectPublicKey)), serialNumber: hex(readCertificateParts(certDer).serialNumber).replace(/^(00)+/, ''), responderURL };
}

describe('Authorize (C07) with the ocpp-rpc strict client', () => {
  let pki: ForeignPki;
  let csms: TestCsms;
  let client: InstanceType<typeof RPCClient>;
  let subResponder: OpensslResponder;
  let rootResponder: OpensslResponder;
  const c: Record<string, ForeignCert> = {};

  before(async () => {
    pki = await createForeignPki();
    c.good = await pki.contract('NLOEMC000000101', '4a0001');
    c.revoked = await pki.contract('NLOEMC000000202', '4a0002');
    c.expired = await pki.contract('NLOEMC000000303', '4a0003', { notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) });
    c.hashOnly = await pki.contract('NLOEMC000000404', '4a0004');
    const index = pki.file('sub-index.txt', [indexLine(c.good), indexLine(c.revoked, new Date(Date.now() - DAY)), indexLine(c.expired), indexLine(c.hashOnly)].join('\n') + '\n');
    subResponder = await startOpensslOcsp({ port: pki.subPort, index, ca: pki.file('sub-ca.pem', pki.subCa.pem), rsigner: `${pki.dir}/sub-responder.pem`, rkey: `${pki.dir}/sub-responder.key`, nmin: 10 });
    rootResponder = await startOpensslOcsp({ port: pki.rootPort, index: pki.file('root-index.txt', `${indexLine(pki.subCa)}\n`), ca: `${pki.dir}/root.pem`, rsigner: `${pki.dir}/root.pem`, rkey: `${pki.dir}/root.key`, nmin: 10 });
    // No --ocsp-issuers-file: the sub-CA is learned from the chains the chargers present.
    csms = await startTestCsms(['--ocsp-fetch-allow', '127.0.0.1', '--mo-roots-file', `${pki.dir}/root.pem`]);
    await csms.ca.initLab(LAB);
    await csms.ocspResponder.reloadIssuers();
    await csms.statusServices.known.refresh();
    await csms.store.stations.create({ id: 'CS-C07', registrationStatus: 'Accepted', securityProfile: 1 });
    client = new RPCClient({ endpoint: csms.ocppUrl, identity: 'CS-C07', protocols: ['ocpp2.0.1'], strictMode: true, reconnect: false } as never);
    await client.connect();
  });
  after(async () => {
    await client?.close({ force: true });
    await csms?.stop();
    await Promise.all([subResponder?.stop(), rootResponder?.stop()]);
    pki?.remove();
  });

  // Decisions are written beside the answer, not before it (and, on PostgreSQL, possibly by
  // several connections): the last Authorize's decision is the newest once as many are stored as
  // Authorize calls were made.
  let sent = 0;
  const authorize = async (payload: object): Promise<AuthorizeAnswer> => {
    sent++;
    return (await client.call('Authorize', payload)) as AuthorizeAnswer;
  };
  const emaidToken = (emaid: string) => ({ idToken: emaid, type: 'eMAID' });
  const lastDecision = async () => {
    for (let waited = 0; ; waited += 20) {
      const stored = await csms.store.authorizationDecisions.listForStation('CS-C07', 100_000);
      if (stored.length >= sent) return stored[0]!;
      if (waited > 5000) throw new Error(`${stored.length} decisions stored for ${sent} Authorize calls`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('foreign contract chain, good: Accepted/Accepted, both certificates checked by OCSP, decision stored', async () => {
    const answer = await authorize({ idToken: emaidToken('NL-OEM-C00000010-1'), certificate: pki.chainPem(c.good!) });
    assert.equal(answer.idTokenInfo.status, 'Accepted');
    assert.equal(answer.certificateStatus, 'Accepted');
    // Bounded by the earliest OCSP nextUpdate (openssl -nmin 10).
    const expiry = Date.parse(answer.idTokenInfo.cacheExpiryDateTime ?? '');
    assert.ok(expiry > Date.now() && expiry <= Date.now() + 11 * 60_000);
    const d = await lastDecision();
    assert.deepEqual([d.status, d.certificateStatus, d.hadCertificate, d.hashDataCount], ['Accepted', 'Accepted', true, 0]);
    assert.deepEqual(d.evidence.map((e) => [e.what, e.source, e.status]).sort(), [['chain[0]', 'foreign', 'good'], ['chain[1]', 'foreign', 'good']]);
    assert.ok(subResponder.answered() >= 1 && rootResponder.answered() >= 1);
  });

  it('the same chain again is answered from the OCSP cache (no upstream request)', async () => {
    const before = [subResponder.answered(), rootResponder.answered()];
    assert.equal((await authorize({ idToken: emaidToken('NLOEMC000000101'), certificate: pki.chainPem(c.good!) })).idTokenInfo.status, 'Accepted');
    assert.deepEqual([subResponder.answered(), rootResponder.answered()], before);
    assert.ok((await lastDecision()).evidence.every((e) => e.fromCache === true));
  });

  it('revoked contract certificate: Blocked/CertificateRevoked', async () => {
    const answer = await authorize({ idToken: emaidToken('NLOEMC000000202'), certificate: pki.chainPem(c.revoked!) });
    assert.deepEqual([answer.idTokenInfo.status, answer.certificateStatus], ['Blocked', 'CertificateRevoked']);
    assert.match((await lastDecision()).reason, /chain\[0\]: revoked at /);
  });

  it('expired contract certificate: Expired/CertificateExpired', async () => {
    const answer = await authorize({ idToken: emaidToken('NLOEMC000000303'), certificate: pki.chainPem(c.expired!) });
    assert.deepEqual([answer.idTokenInfo.status, answer.certificateStatus], ['Expired', 'CertificateExpired']);
  });

  it('chain to a root we do not trust: Invalid/CertChainError; a forged signature: Invalid/SignatureError', async () => {
    const otherRoot = await issueForeignCertificate({ subject: 'CN=Untrusted Root,C=NL', serialHex: '01', ca: true });
    const otherLeaf = await issueForeignCertificate({ subject: 'CN=NLOEMC000000505,C=NL', serialHex: '5a01', issuer: otherRoot });
    const untrusted = await authorize({ idToken: emaidToken('NLOEMC000000505'), certificate: `${otherLeaf.pem}${otherRoot.pem}` });
    assert.deepEqual([untrusted.idTokenInfo.status, untrusted.certificateStatus], ['Invalid', 'CertChainError']);
    // Same issuer name as the real sub-CA, another key: the leaf's signature does not verify.
    const impostor = await issueForeignCertificate({ subject: pki.subCa.subject, serialHex: '2b01', issuer: pki.root, ca: true });
    const forged = await issueForeignCertificate({ subject: 'CN=NLOEMC000000606,C=NL', serialHex: '5a02', issuer: impostor });
    const answer = await authorize({ idToken: emaidToken('NLOEMC000000606'), certificate: pki.chainPem(forged) });
    assert.deepEqual([answer.idTokenInfo.status, answer.certificateStatus], ['Invalid', 'SignatureError']);
    const garbage = await authorize({ idToken: emaidToken('NLOEMC000000606'), certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' });
    assert.deepEqual([garbage.idTokenInfo.status, garbage.certificateStatus], ['Invalid', 'CertChainError']);
  });

  it('a valid chain for another eMAID than the idToken: Invalid, the certificate itself Accepted', async () => {
    const answer = await authorize({ idToken: emaidToken('NLOEMC000000999'), certificate: pki.chainPem(c.good!) });
    assert.deepEqual([answer.idTokenInfo.status, answer.certificateStatus], ['Invalid', 'Accepted']);
    assert.match((await lastDecision()).reason, /is for eMAID NLOEMC000000101/);
  });

  it('hash data only (the station validated the chain): each entry by OCSP; revoked wins; unreachable is NoCertificateAvailable', async () => {
    const entries = [hashData(pki.subCa.der, c.hashOnly!.der, subResponder.url), hashData(pki.root.der, pki.subCa.der, rootResponder.url)];
    const ok = await authorize({ idToken: emaidToken('NLOEMC000000404'), iso15118CertificateHashData: entries });
    assert.deepEqual([ok.idTokenInfo.status, ok.certificateStatus], ['Accepted', 'Accepted']);
    const revoked = await authorize({ idToken: emaidToken('NLOEMC000000202'), iso15118CertificateHashData: [hashData(pki.subCa.der, c.revoked!.der, subResponder.url), ...entries.slice(1)] });
    assert.deepEqual([revoked.idTokenInfo.status, revoked.certificateStatus], ['Blocked', 'CertificateRevoked']);
    const dead = `http://127.0.0.1:${await freePort()}/`;
    const fresh = await pki.contract('NLOEMC000000707', '4a0007');
    const unreachable = await authorize({ idToken: emaidToken('NLOEMC000000707'), iso15118CertificateHashData: [hashData(pki.subCa.der, fresh.der, dead)] });
    assert.deepEqual([unreachable.idTokenInfo.status, unreachable.certificateStatus], ['Invalid', 'NoCertificateAvailable']);
    assert.match((await lastDecision()).reason, /UNREACHABLE/);
  });

  it('our own contract (issued by our MO CA): answered in-process; cancelled by its eMSP: Blocked/ContractCancelled', async () => {
    await csms.contracts.createEmsp({ id: 'emsp-c07', name: 'C07 eMSP', requestedBy: 'test' });
    const contract = await csms.contracts.create({ emspId: 'emsp-c07', emaid: 'DE-PLG-C12345678-F', pcids: ['WMIV1234567890ABC'], requestedBy: 'test' });
    const chainPem = [contract.certificate, ...contract.chain].map((d) => toPem(d, 'CERTIFICATE')).join('');
    const upstream = csms.statusServices.client.stats().upstreamRequests;
    const ok = await authorize({ idToken: emaidToken(contract.emaid), certificate: chainPem });
    assert.deepEqual([ok.idTokenInfo.status, ok.certificateStatus], ['Accepted', 'Accepted'], (await lastDecision()).reason);
    assert.equal(csms.statusServices.client.stats().upstreamRequests, upstream, 'our CAs never go over HTTP');
    const d = await lastDecision();
    assert.equal(d.contractId, contract.id);
    assert.ok(d.evidence.filter((e) => e.source === 'ours').length >= 2);
    // eMAID without certificate data: checked against the contracts.
    assert.equal((await authorize({ idToken: emaidToken(contract.emaid) })).idTokenInfo.status, 'Accepted');
    // With or without the check digit, with or without separators: the same eMAID.
    assert.equal(contract.emaid.length, 15);
    assert.equal((await authorize({ idToken: emaidToken(contract.emaid.slice(0, 14)) })).idTokenInfo.status, 'Accepted');
    assert.equal((await authorize({ idToken: emaidToken('de-plg-c12345678') })).idTokenInfo.status, 'Accepted');
    await csms.contracts.revoke(contract.id, { reason: 'cessationOfOperation', requestedBy: 'test' });
    const cancelled = await authorize({ idToken: emaidToken(contract.emaid), certificate: chainPem });
    assert.deepEqual([cancelled.idTokenInfo.status, cancelled.certificateStatus], ['Blocked', 'ContractCancelled']);
    const noCert = await authorize({ idToken: emaidToken(contract.emaid) });
    assert.deepEqual([noCert.idTokenInfo.status, noCert.certificateStatus], ['Blocked', undefined]);
  });

  it('a contract revoked by another process (the CLI on the same PostgreSQL) is Blocked at once', { skip: process.env.DATABASE_URL ? false : 'the embedded database admits one process' }, async () => {
    await csms.contracts.createEmsp({ id: 'emsp-c07-cli', name: 'C07 CLI eMSP', requestedBy: 'test' });
    const contract = await csms.contracts.create({ emspId: 'emsp-c07-cli', emaid: 'DE-PLG-C87654321', pcids: ['WMIV1234567890CLI'], requestedBy: 'test' });
    assert.equal((await authorize({ idToken: emaidToken(contract.emaid) })).idTokenInfo.status, 'Accepted');
    assert.equal((await authorize({ idToken: emaidToken(contract.emaid) })).idTokenInfo.status, 'Accepted');
    const r = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'contract', 'revoke', contract.id, '--reason', 'cessationOfOperation'], { env: { ...process.env, DATABASE_URL: csms.database.databaseUrl, PLUGTRUST_DATA_DIR: csms.database.dataDir }, encoding: 'utf8' });
    assert.match(r.stdout, /revoked/i);
    let status = '';
    for (let i = 0; i < 50 && status !== 'Blocked'; i++) {
      status = (await authorize({ idToken: emaidToken(contract.emaid) })).idTokenInfo.status;
      if (status !== 'Blocked') await new Promise((done) => setTimeout(done, 100));
    }
    assert.equal(status, 'Blocked');
  });

  it('eMAID we do not manage, without certificate data: Unknown; plain idTokens: Unknown (no authorization list yet)', async () => {
    const unknown = await authorize({ idToken: emaidToken('FRXYZC000000001') });
    assert.deepEqual([unknown.idTokenInfo.status, unknown.certificateStatus], ['Unknown', undefined]);
    const rfid = await authorize({ idToken: { idToken: '04A2B3C4D5', type: 'ISO14443' } });
    assert.equal(rfid.idTokenInfo.status, 'Unknown');
    const d = await lastDecision();
    assert.deepEqual([d.idTokenType, d.status, d.certificateStatus], ['ISO14443', 'Unknown', null]);
    assert.match(d.reason, /no authorization source for ISO14443/);
  });
});
