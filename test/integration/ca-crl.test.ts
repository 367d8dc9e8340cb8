// CRL publication end to end on a real database: a CSMS root with two sub-CAs, leaves issued and
// revoked through the CA service, each CA's CRL checked by openssl (signature, entries, reasons,
// and `openssl verify -crl_check` rejecting revoked leaves), fetched over a real HTTP listener from
// the cRLDistributionPoints URL in the certificates, regenerated on revocation, ahead of
// nextUpdate, and under concurrent publishers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fastify, type FastifyInstance } from 'fastify';
import { decodeCrlDistributionUrls } from '../../pki/certificate/extensions.js';
import { findExtension, parseCertificate, toPem } from '../../pki/certificate/parse-certificate.js';
import { parseCrl, verifyCrlSignature } from '../../pki/crl/parse-crl.js';
import { bytesToHex } from '../../pki/der/writer.js';
import { OID } from '../../pki/oids.js';
import { attachCrlPublisher, createCrlPublisher, type CrlPublisher, type PublishedCrl } from '../../src/ca/crl-publisher.js';
import { CRL_CONTENT_TYPE, registerCrlRoutes } from '../../src/ca/crl-routes.js';
import type { IssuedCertificate } from '../../src/ca/issue-certificate.js';
import { subjectFor } from '../../src/ca/lab-hierarchy.js';
import { generateKey } from '../../src/ca/software-signer.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { openTestCa, type TestCaService } from '../helpers/test-ca.js';

const HOUR = 3_600_000;

interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function fetchUrl(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

function openssl(args: string[]): { code: number | null; out: string } {
  const r = spawnSync('openssl', args);
  return { code: r.status, out: `${r.stdout.toString()}${r.stderr.toString()}` };
}

const crlUrlOf = (certificate: Uint8Array): string => {
  const cdp = findExtension(parseCertificate(certificate).extensions, OID.cRLDistributionPoints);
  assert.ok(cdp, 'the certificate carries cRLDistributionPoints');
  const [url] = decodeCrlDistributionUrls(cdp.value);
  assert.ok(url);
  return url;
};

describe('CRL publication', () => {
  let t: TestCaService;
  let app: FastifyInstance;
  let baseUrl: string;
  let dir: string;
  let publisher: CrlPublisher;
  const logLines: Record<string, unknown>[] = [];
  let root: Uint8Array;
  let subCa: IssuedCertificate;
  let subCaB: IssuedCertificate;
  const leaves: IssuedCertificate[] = [];
  let leafB: IssuedCertificate;
  const holder: { publisher?: CrlPublisher } = {};

  const write = (name: string, text: string | Uint8Array): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const certPem = (...ders: Uint8Array[]): string => ders.map((d) => toPem(d, 'CERTIFICATE')).join('');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plugtrust-crl-'));
    // The listener first: its address is the public base URL the certificates point at.
    app = fastify({ logger: false });
    await app.register(registerCrlRoutes, { publisher: { current: (id: string) => holder.publisher!.current(id) } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    t = await openTestCa({ publicBaseUrl: baseUrl });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    publisher = createCrlPublisher({ store: t.store, issuers: t.ca.issuers, log: createLogger('info', sink) });
    holder.publisher = publisher;
    attachCrlPublisher(t.ca, publisher);

    const name = (profile: 'csms-root' | 'csms-sub-ca', cn: string) => subjectFor(profile, { CN: cn, O: 'Test CPO', C: 'DE' });
    root = await t.ca.createRoot({ id: 'csms-root', profile: 'csms-root', subject: name('csms-root', 'Test CSMS Root'), requestedBy: 'test' });
    subCa = await t.ca.createSubCa({ id: 'csms-sub-ca', parentId: 'csms-root', profile: 'csms-sub-ca', subject: name('csms-sub-ca', 'Test CSMS Sub-CA'), requestedBy: 'test' });
    subCaB = await t.ca.createSubCa({ id: 'csms-sub-ca-b', parentId: 'csms-root', profile: 'csms-sub-ca', subject: name('csms-sub-ca', 'Test CSMS Sub-CA B'), requestedBy: 'test' });
    const leaf = (issuerId: string, cn: string) =>
      t.ca.issue({ issuerId, profile: 'charging-station-leaf', subject: subjectFor('charging-station-leaf', { CN: cn, O: 'Test CPO' }), publicKey: generateKey({ kind: 'ec', curve: 'P-256' }).publicKey, identity: cn, requestedBy: 'test' });
    for (let i = 1; i <= 4; i++) leaves.push(await leaf('csms-sub-ca', `CS-000${i}`));
    leafB = await leaf('csms-sub-ca-b', 'CS-B001');
  });

  after(async () => {
    publisher?.stop();
    await publisher?.settled();
    await app?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Revokes through the CA service and returns the CRL that results. */
  async function revoke(serial: string, reason: 'keyCompromise' | 'superseded' | 'unspecified' | 'cACompromise', issuerId: string): Promise<PublishedCrl> {
    await t.ca.revoke({ serial, reason, requestedBy: 'test' });
    const crl = await publisher.current(issuerId);
    assert.ok(crl);
    return crl;
  }

  it('publishes a first, empty CRL on demand, signed by the CA and naming it exactly', async () => {
    const crl = await publisher.current('csms-sub-ca');
    assert.ok(crl);
    assert.equal(crl.crlNumber, 1n);
    assert.equal(crl.nextUpdate.getTime() - crl.thisUpdate.getTime(), 24 * HOUR);
    const parsed = parseCrl(crl.der);
    const issuer = parseCertificate(subCa.der);
    assert.equal(parsed.entries.length, 0);
    assert.equal(bytesToHex(parsed.issuerDer), bytesToHex(issuer.subjectDer));
    assert.equal(verifyCrlSignature(parsed, issuer.spki), true);
    // Asking again serves the same CRL: nothing changed, nothing due.
    assert.equal((await publisher.current('csms-sub-ca'))?.crlNumber, 1n);
    assert.equal(await publisher.current('no-such-ca'), null);
  });

  it('numbers a new CRL on every revocation, and not on a repeated one', async () => {
    const [l1, l2, l3] = leaves;
    assert.equal((await revoke(l1!.serial, 'keyCompromise', 'csms-sub-ca')).crlNumber, 2n);
    assert.equal((await revoke(l2!.serial, 'superseded', 'csms-sub-ca')).crlNumber, 3n);
    assert.equal((await revoke(l3!.serial, 'unspecified', 'csms-sub-ca')).crlNumber, 4n);
    assert.equal((await revoke(l1!.serial, 'keyCompromise', 'csms-sub-ca')).crlNumber, 4n);
    const crl = parseCrl((await publisher.current('csms-sub-ca'))!.der);
    const bySerial = new Map(crl.entries.map((e) => [bytesToHex(e.serial), e.reason]));
    assert.deepEqual(
      [l1, l2, l3, leaves[3]].map((l) => bySerial.get(l!.serial)),
      ['keyCompromise', 'superseded', null, undefined],
    );
    const published = logLines.filter((l) => l.msg === 'CRL published' && l.issuerId === 'csms-sub-ca').map((l) => l.crlNumber);
    assert.deepEqual(published, ['1', '2', '3', '4']);
  });

  it('is verified by openssl: signature, number, AKI, revoked serials and reasons', async () => {
    const crl = await publisher.current('csms-sub-ca');
    const crlPath = write('sub.crl', crl!.der);
    const issuerPath = write('sub.pem', certPem(subCa.der));
    const check = openssl(['crl', '-inform', 'DER', '-in', crlPath, '-CAfile', issuerPath, '-noout']);
    assert.match(check.out, /verify OK/, check.out);
    // One bit changed in what was signed (the last octet of the TBS: the CRL number): openssl must say so.
    const tampered = Uint8Array.from(crl!.der);
    const tbs = parseCrl(crl!.der).tbs;
    const last = tbs.byteOffset - crl!.der.byteOffset + tbs.length - 1;
    tampered[last] = (tampered[last] as number) ^ 1;
    const wrong = openssl(['crl', '-inform', 'DER', '-in', write('tampered.crl', tampered), '-CAfile', issuerPath, '-noout']);
    assert.match(wrong.out, /verify failure/, wrong.out);
    assert.doesNotMatch(wrong.out, /verify OK/);

    const text = openssl(['crl', '-inform', 'DER', '-in', crlPath, '-noout', '-text']).out;
    assert.match(text, /Version 2 \(0x1\)/);
    assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
    assert.match(text, /X509v3 CRL Number: *\n *4\b/);
    assert.match(text, /X509v3 Authority Key Identifier: *\n *(keyid:)?[0-9A-F:]{59}/);
    const block = (serial: string): string => {
      const at = text.indexOf(`Serial Number: ${serial.toUpperCase()}`);
      assert.ok(at >= 0, `serial ${serial} listed`);
      const next = text.indexOf('Serial Number:', at + 1);
      return text.slice(at, next < 0 ? undefined : next);
    };
    assert.match(block(leaves[0]!.serial), /Key Compromise/);
    assert.match(block(leaves[1]!.serial), /Superseded/);
    assert.doesNotMatch(block(leaves[2]!.serial), /Reason Code/);
    assert.equal(text.includes(leaves[3]!.serial.toUpperCase()), false);
  });

  it('makes openssl verify -crl_check reject revoked leaves and accept a good one', async () => {
    const crl = await publisher.current('csms-sub-ca');
    const crlPem = write('sub-crl.pem', toPem(crl!.der, 'X509 CRL'));
    const chain = write('chain.pem', certPem(subCa.der, root));
    const verify = (leaf: IssuedCertificate) => openssl(['verify', '-crl_check', '-CRLfile', crlPem, '-CAfile', chain, write(`${leaf.serial}.pem`, certPem(leaf.der))]);
    for (const revoked of leaves.slice(0, 3)) {
      const r = verify(revoked);
      assert.notEqual(r.code, 0);
      assert.match(r.out, /certificate revoked/, r.out);
    }
    const good = verify(leaves[3]!);
    assert.equal(good.code, 0, good.out);
    assert.match(good.out, /: OK/);
  });

  it('lists a revoked sub-CA in the root CRL: openssl -crl_check_all rejects the chain through it', async () => {
    const rootCrl = await revoke(subCaB.serial, 'cACompromise', 'csms-root');
    assert.equal(parseCrl(rootCrl.der).entries[0]?.reason, 'cACompromise');
    const crls = write('all-crls.pem', [rootCrl, await publisher.current('csms-sub-ca'), await publisher.current('csms-sub-ca-b')].map((c) => toPem(c!.der, 'X509 CRL')).join(''));
    const chain = write('chain-all.pem', certPem(subCa.der, subCaB.der, root));
    const throughB = openssl(['verify', '-crl_check_all', '-CRLfile', crls, '-CAfile', chain, write('leaf-b.pem', certPem(leafB.der))]);
    assert.notEqual(throughB.code, 0);
    assert.match(throughB.out, /certificate revoked/);
    const good = openssl(['verify', '-crl_check_all', '-CRLfile', crls, '-CAfile', chain, write('leaf-good.pem', certPem(leaves[3]!.der))]);
    assert.equal(good.code, 0, good.out);
  });

  it('serves each CRL over HTTP at the URL in the certificates, DER with cache validators', async () => {
    const url = crlUrlOf(leaves[0]!.der);
    assert.equal(url, `${baseUrl}/crl/csms-sub-ca.crl`);
    const crl = (await publisher.current('csms-sub-ca'))!;
    const res = await fetchUrl(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], CRL_CONTENT_TYPE);
    assert.equal(Buffer.compare(res.body, Buffer.from(crl.der)), 0);
    assert.equal(res.headers['last-modified'], crl.thisUpdate.toUTCString());
    assert.equal(res.headers.expires, crl.nextUpdate.toUTCString());
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers['cache-control'] ?? '')?.[1]);
    const left = (crl.nextUpdate.getTime() - Date.now()) / 1000;
    assert.ok(maxAge <= left + 1 && maxAge >= left - 60, `max-age ${maxAge}, ${left} s left`);
    const etag = res.headers.etag;
    assert.ok(etag);
    assert.equal((await fetchUrl(url, { 'if-none-match': etag })).status, 304);
    assert.equal((await fetchUrl(url, { 'if-none-match': '"other"' })).status, 200);
    assert.equal((await fetchUrl(url, { 'if-modified-since': crl.thisUpdate.toUTCString() })).status, 304);
    assert.equal((await fetchUrl(url, { 'if-modified-since': new Date(crl.thisUpdate.getTime() - 1000).toUTCString() })).status, 200);

    // The sub-CA's own certificate points at the root's CRL.
    const rootRes = await fetchUrl(crlUrlOf(subCa.der));
    assert.equal(rootRes.status, 200);
    assert.equal(bytesToHex(parseCrl(rootRes.body).issuerDer), bytesToHex(parseCertificate(root).subjectDer));

    // A revocation changes what is served, and the validator with it.
    await t.ca.revoke({ serial: leaves[3]!.serial, reason: 'superseded', requestedBy: 'test' });
    const changed = await fetchUrl(url, { 'if-none-match': etag });
    assert.equal(changed.status, 200);
    assert.equal(parseCrl(changed.body).crlNumber, crl.crlNumber + 1n);
  });

  it('answers 404 problems for unknown issuers and names that are not CRLs', async () => {
    for (const path of ['/crl/no-such-ca.crl', '/crl/csms-sub-ca.der', '/crl/csms-sub-ca', '/crl/..%2fcsms-sub-ca.crl', '/crl/CSMS-SUB-CA.crl']) {
      const res = await fetchUrl(`${baseUrl}${path}`);
      assert.equal(res.status, 404, path);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', path);
      assert.equal((JSON.parse(res.body.toString()) as { code: string }).code, 'route_not_found');
    }
  });

  it('regenerates a CRL that is close to its nextUpdate, and only then', async () => {
    const first = (await publisher.current('csms-sub-ca'))!;
    // Another process's clock, 17 h on: not yet due (24 h validity, refreshed 6 h before nextUpdate).
    const at = (offset: number) => createCrlPublisher({ store: t.store, issuers: t.ca.issuers, log: silentLogger(), now: () => new Date(Date.now() + offset) });
    assert.equal((await at(17 * HOUR).current('csms-sub-ca'))?.crlNumber, first.crlNumber);
    const later = at(19 * HOUR);
    const fresh = (await later.current('csms-sub-ca'))!;
    assert.equal(fresh.crlNumber, first.crlNumber + 1n);
    assert.ok(fresh.thisUpdate.getTime() >= first.thisUpdate.getTime() + 19 * HOUR - 2000);
    // The refresh pass publishes every CA that is due at that time, once.
    const published = await later.refreshDue();
    assert.deepEqual(published.sort(), ['csms-root', 'csms-sub-ca-b']);
    assert.deepEqual(await later.refreshDue(), []);
  });

  it('coalesces concurrent publications of one CA, and stays consistent across two publishers', async () => {
    const start = (await publisher.current('csms-sub-ca'))!.crlNumber;
    const results = await Promise.all(Array.from({ length: 6 }, () => publisher.publish('csms-sub-ca')));
    const numbers = [...new Set(results.map((r) => r.crlNumber))].sort();
    // One under way when the burst came, one queued behind it for the rest.
    assert.ok(numbers.length <= 2, `numbers ${numbers.join(',')}`);
    assert.equal(numbers[numbers.length - 1], (await t.store.caIssuers.getCrl('csms-sub-ca'))?.crlNumber);
    assert.ok(numbers[0]! > start);

    // Two processes at once: storage keeps only a higher number, the loser numbers above it.
    const other = createCrlPublisher({ store: t.store, issuers: t.ca.issuers, log: silentLogger() });
    const [a, b] = await Promise.all([publisher.publish('csms-sub-ca'), other.publish('csms-sub-ca')]);
    assert.notEqual(a.crlNumber, b.crlNumber);
    const stored = await t.store.caIssuers.getCrl('csms-sub-ca');
    assert.ok(stored);
    assert.equal(stored.crlNumber, a.crlNumber > b.crlNumber ? a.crlNumber : b.crlNumber);
    assert.equal(verifyCrlSignature(parseCrl(stored.der), parseCertificate(subCa.der).spki), true);
  });

  it('keeps every CA current from a timer between start() and stop()', async () => {
    const ahead = createCrlPublisher({ store: t.store, issuers: t.ca.issuers, log: silentLogger(), now: () => new Date(Date.now() + 40 * HOUR), checkIntervalMs: 50 });
    const numbers = async () => Promise.all(['csms-root', 'csms-sub-ca', 'csms-sub-ca-b'].map(async (id) => (await t.store.caIssuers.getCrl(id))!.crlNumber));
    const prior = await numbers();
    ahead.start();
    const deadline = Date.now() + 10_000;
    while ((await numbers()).some((n, i) => n <= prior[i]!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    ahead.stop();
    await ahead.settled();
    const current = await numbers();
    assert.ok(current.every((n, i) => n > prior[i]!), `before ${prior.join(',')} after ${current.join(',')}`);
    // Stopped: no further passes.
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await numbers(), current);
  });
});
