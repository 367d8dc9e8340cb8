// M06 GetCertificateStatus end to end: the ocpp-rpc strict client plays the charger; our own CAs
// are answered in-process by our responder, foreign ones by `openssl ocsp` running as an
// independent responder process. What the charger gets back is checked by `openssl ocsp -respin`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { RPCClient } from 'ocpp-rpc';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import { digest, readCertificateParts } from '../../pki/ocsp/cert-id.js';
import { LAB } from '../helpers/test-ca.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { createForeignPki, freePort, indexLine, startOpensslOcsp, type ForeignCert, type ForeignPki, type OpensslResponder } from '../helpers/openssl-ocsp.js';

const run = promisify(execFile);

interface StatusAnswer {
  status: 'Accepted' | 'Failed';
  ocspResult?: string;
  statusInfo?: { reasonCode: string; additionalInfo?: string };
}

/** OCPP OCSPRequestDataType for a certificate, from its issuer's certificate. */
function requestData(issuerDer: Uint8Array, serialHex: string, responderURL: string, hashAlgorithm: 'SHA256' | 'SHA384' | 'SHA512' = 'SHA256') {
  const alg = hashAlgorithm.toLowerCase() as 'sha256';
  const p = readCertificateParts(issuerDer);
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  return { hashAlgorithm, issuerNameHash: hex(digest(alg, p.subject)), issuerKeyHash: hex(digest(alg, p.subjectPublicKey)), serialNumber: serialHex.replace(/^(00)+/, ''), responderURL };
}

describe('GetCertificateStatus (M06) with the ocpp-rpc strict client', () => {
  let pki: ForeignPki;
  let csms: TestCsms;
  let client: InstanceType<typeof RPCClient>;
  let subResponder: OpensslResponder;
  let rootResponder: OpensslResponder;
  let noNextUpdate: OpensslResponder;
  let junk: Server;
  let junkUrl: string;
  let junkBase: string;
  const leaves: Record<string, ForeignCert> = {};

  before(async () => {
    pki = await createForeignPki();
    leaves.good = await pki.contract('NLOEMC000000011', '3a0001');
    leaves.revoked = await pki.contract('NLOEMC000000022', '3a0002');
    leaves.fresh = await pki.contract('NLOEMC000000033', '3a0003');
    leaves.notInIndex = await pki.contract('NLOEMC000000044', '3a0004');
    const index = pki.file('sub-index.txt', [indexLine(leaves.good), indexLine(leaves.revoked, new Date('2026-03-04T05:06:07Z')), indexLine(leaves.fresh)].join('\n') + '\n');
    const subCaPem = pki.file('sub-ca.pem', pki.subCa.pem);
    subResponder = await startOpensslOcsp({ port: pki.subPort, index, ca: subCaPem, rsigner: `${pki.dir}/sub-responder.pem`, rkey: `${pki.dir}/sub-responder.key`, nmin: 10 });
    rootResponder = await startOpensslOcsp({ port: pki.rootPort, index: pki.file('root-index.txt', `${indexLine(pki.subCa)}\n`), ca: `${pki.dir}/root.pem`, rsigner: `${pki.dir}/root.pem`, rkey: `${pki.dir}/root.key`, nmin: 10 });
    // The same CA once more, answering without nextUpdate (openssl ocsp without -nmin/-ndays).
    noNextUpdate = await startOpensslOcsp({ port: await freePort(), index, ca: subCaPem, rsigner: `${pki.dir}/sub-responder.pem`, rkey: `${pki.dir}/sub-responder.key`, nmin: null });
    // Hostile responders: garbage, a huge answer, no answer at all, a redirect to a real responder.
    junk = createServer((req, res) => {
      if (req.url === '/huge') res.writeHead(200).end(Buffer.alloc(200_000, 0x30));
      else if (req.url === '/silent') req.resume();
      else if (req.url === '/redirect') res.writeHead(302, { location: subResponder.url }).end();
      else res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end('this is not DER');
    });
    await new Promise<void>((r) => junk.listen(0, '127.0.0.1', r));
    junkBase = `http://127.0.0.1:${(junk.address() as { port: number }).port}`;
    junkUrl = `${junkBase}/`;

    csms = await startTestCsms(['--ocsp-fetch-allow', '127.0.0.1', '--ocsp-fetch-timeout-ms', '500', '--mo-roots-file', `${pki.dir}/root.pem`, '--ocsp-issuers-file', subCaPem]);
    await csms.ca.initLab(LAB);
    await csms.ocspResponder.reloadIssuers();
    await csms.store.stations.create({ id: 'CS-M06', registrationStatus: 'Accepted', securityProfile: 1 });
    client = new RPCClient({ endpoint: csms.ocppUrl, identity: 'CS-M06', protocols: ['ocpp2.0.1'], strictMode: true, reconnect: false } as never);
    await client.connect();
  });
  after(async () => {
    await client?.close({ force: true });
    await csms?.stop();
    await Promise.all([subResponder?.stop(), rootResponder?.stop(), noNextUpdate?.stop()]);
    junk?.closeAllConnections();
    await new Promise((r) => junk?.close(r));
    pki?.remove();
  });

  const ask = async (data: ReturnType<typeof requestData>): Promise<StatusAnswer> => (await client.call('GetCertificateStatus', { ocspRequestData: data })) as StatusAnswer;

  /**
   * openssl reads the ocspResult the charger got and verifies its signature by path to `caFile`
   * (`others`: further certificates it may need); returns its text, with the serial checked.
   */
  async function opensslReads(answer: StatusAnswer, serialHex: string, caFile: string, others?: string): Promise<string> {
    assert.equal(answer.status, 'Accepted', JSON.stringify(answer.statusInfo));
    const der = pki.file(`resp-${Math.random().toString(36).slice(2)}.der`, '');
    writeFileSync(der, Buffer.from(answer.ocspResult ?? '', 'base64'));
    const { stdout, stderr } = await run('openssl', ['ocsp', '-respin', der, '-resp_text', '-CAfile', caFile, ...(others ? ['-verify_other', others] : [])], { encoding: 'utf8' });
    assert.match(stderr, /Response verify OK/);
    assert.match(stdout, new RegExp(`Serial Number: 0*${serialHex.replace(/^(00)+/, '').toUpperCase()}\n`));
    return stdout;
  }

  it('our CA: answered in-process by our responder (no HTTP), and openssl verifies the answer', async () => {
    const moSub1 = await csms.ca.issuers.get('mo-sub-ca-1');
    const moRoot = await csms.ca.issuers.get('mo-root');
    const serial = Buffer.from(readCertificateParts(moSub1.row.certificate).serialNumber).toString('hex');
    const before = csms.statusServices.client.stats().upstreamRequests;
    const answer = await ask(requestData(moRoot.row.certificate, serial, 'http://ocsp.elsewhere.invalid/'));
    const out = await opensslReads(answer, serial, pki.file('our-root.pem', toPem(moRoot.row.certificate, 'CERTIFICATE')));
    assert.match(out, /Cert Status: good\n/);
    assert.equal(csms.statusServices.client.stats().upstreamRequests, before, 'no upstream request for our own CA');
  });

  it('foreign CA, good: fetched from openssl ocsp, relayed as it signed it', async () => {
    const answer = await ask(requestData(pki.subCa.der, leaves.good!.serialHex, subResponder.url));
    const out = await opensslReads(answer, leaves.good!.serialHex, `${pki.dir}/root.pem`, `${pki.dir}/sub-ca.pem`);
    assert.match(out, /Cert Status: good\n\s*This Update: .*\n\s*Next Update: /);
  });

  it('foreign CA, revoked: relayed with its revocation time', async () => {
    const out = await opensslReads(await ask(requestData(pki.subCa.der, leaves.revoked!.serialHex, subResponder.url)), leaves.revoked!.serialHex, `${pki.dir}/root.pem`, `${pki.dir}/sub-ca.pem`);
    assert.match(out, /Cert Status: revoked\n/);
    assert.match(out, /Revocation Time: Mar {2}4 05:06:07 2026 GMT/);
  });

  it('foreign CA, a serial the responder does not know: relayed as unknown (a valid answer)', async () => {
    const out = await opensslReads(await ask(requestData(pki.subCa.der, leaves.notInIndex!.serialHex, subResponder.url)), leaves.notInIndex!.serialHex, `${pki.dir}/root.pem`, `${pki.dir}/sub-ca.pem`);
    assert.match(out, /Cert Status: unknown\n/);
  });

  it('the root answering for its sub-CA itself (signed by the CA, not a delegate)', async () => {
    const out = await opensslReads(await ask(requestData(pki.root.der, pki.subCa.serialHex, rootResponder.url)), pki.subCa.serialHex, `${pki.dir}/root.pem`);
    assert.match(out, /Cert Status: good\n/);
  });

  it('many chargers, one CertID: one upstream request per nextUpdate (concurrent misses coalesce)', async () => {
    const others = await Promise.all(
      ['CS-M06-A', 'CS-M06-B', 'CS-M06-C'].map(async (id) => {
        await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
        const c = new RPCClient({ endpoint: csms.ocppUrl, identity: id, protocols: ['ocpp2.0.1'], strictMode: true, reconnect: false } as never);
        await c.connect();
        return c;
      }),
    );
    try {
      const data = requestData(pki.subCa.der, leaves.fresh!.serialHex, subResponder.url);
      const upstreamBefore = subResponder.answered();
      const answers = (await Promise.all(others.flatMap((c) => Array.from({ length: 10 }, () => c.call('GetCertificateStatus', { ocspRequestData: data }))))) as StatusAnswer[];
      assert.ok(answers.every((a) => a.status === 'Accepted' && a.ocspResult === answers[0]!.ocspResult));
      assert.equal(subResponder.answered() - upstreamBefore, 1, 'openssl ocsp received exactly one request');
      // Later polls are served from the cache.
      for (let i = 0; i < 5; i++) assert.equal((await ask(data)).ocspResult, answers[0]!.ocspResult);
      assert.equal(subResponder.answered() - upstreamBefore, 1);
    } finally {
      await Promise.all(others.map((c) => c.close({ force: true })));
    }
  });

  it('an answer without nextUpdate is relayed, and served from the cache only for the hold (default 60 s)', async () => {
    const data = requestData(pki.subCa.der, '3a0005', noNextUpdate.url);
    // Not in this index either: openssl answers unknown, without nextUpdate.
    const first = await ask(data);
    assert.equal(first.status, 'Accepted');
    const n = noNextUpdate.answered();
    assert.equal(n, 1);
    assert.equal((await ask(data)).ocspResult, first.ocspResult);
    assert.equal(noNextUpdate.answered(), 1);
    const out = await opensslReads(first, '3a0005', `${pki.dir}/root.pem`, `${pki.dir}/sub-ca.pem`);
    assert.match(out, /Cert Status: unknown\n\s*This Update: [^\n]*\n(?!\s*Next Update)/);
  });

  it('Failed with a reason: unreachable responder, nothing cached; URL not allowed; not http(s); garbage answer; bad hash data', async () => {
    const dead = `http://127.0.0.1:${await freePort()}/`;
    const unreachable = await ask(requestData(pki.subCa.der, '3a0077', dead));
    assert.equal(unreachable.status, 'Failed');
    assert.equal(unreachable.statusInfo?.reasonCode, 'ResponderUnreachable');
    assert.equal(unreachable.ocspResult, undefined);
    const refused = await ask(requestData(pki.subCa.der, '3a0078', 'http://169.254.169.254/latest/meta-data/'));
    assert.deepEqual([refused.status, refused.statusInfo?.reasonCode], ['Failed', 'ResponderNotAllowed']);
    const fileUrl = await ask(requestData(pki.subCa.der, '3a0079', 'file:///etc/passwd'));
    assert.deepEqual([fileUrl.status, fileUrl.statusInfo?.reasonCode], ['Failed', 'InvalidResponderURL']);
    const garbage = await ask(requestData(pki.subCa.der, '3a007a', junkUrl));
    assert.deepEqual([garbage.status, garbage.statusInfo?.reasonCode], ['Failed', 'InvalidOcspResponse']);
    // The root's responder asked about a certificate of the sub-CA: its answer is not by the sub-CA.
    const wrongResponder = await ask(requestData(pki.subCa.der, '3a007b', rootResponder.url));
    assert.equal(wrongResponder.status, 'Failed');
    assert.match(wrongResponder.statusInfo?.reasonCode ?? '', /^(InvalidOcspResponse|ResponderError|UnknownIssuer)$/);
    // The fetch guard: size limit, timeout (and its one retry), redirects not followed.
    const huge = await ask(requestData(pki.subCa.der, '3a007c', `${junkBase}/huge`));
    assert.deepEqual([huge.status, huge.statusInfo?.reasonCode], ['Failed', 'ResponseTooLarge']);
    const started = Date.now();
    const silent = await ask(requestData(pki.subCa.der, '3a007d', `${junkBase}/silent`));
    assert.deepEqual([silent.status, silent.statusInfo?.reasonCode], ['Failed', 'ResponderUnreachable']);
    assert.ok(Date.now() - started >= 1000, 'two attempts of 500 ms');
    assert.match(silent.statusInfo?.additionalInfo ?? '', /no answer within 500 ms/);
    const redirected = await ask(requestData(pki.subCa.der, '3a007e', `${junkBase}/redirect`));
    assert.deepEqual([redirected.status, redirected.statusInfo?.additionalInfo], ['Failed', 'responder answered HTTP 302']);
    const badHash = await ask({ ...requestData(pki.subCa.der, '3a0001', subResponder.url), issuerKeyHash: 'zz' });
    assert.deepEqual([badHash.status, badHash.statusInfo?.reasonCode], ['Failed', 'InvalidHashData']);
    // The good answer for a CertID stays good for others after a failing URL for another CertID.
    assert.equal((await ask(requestData(pki.subCa.der, leaves.good!.serialHex, dead))).status, 'Accepted');
  });
});
