// The OCSP responder on a real socket, checked by independent clients: `openssl ocsp` (POST,
// path validation of the delegated responder, nonce check), GnuTLS `ocsptool` when installed,
// and node's http client for GET with awkward base64 paths.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { parseOcspResponse, verifyOcspResponseSignature } from '../../pki/ocsp/parse-response.js';
import { silentLogger } from '../../src/log.js';
import { createOcspResponder, type OcspResponder } from '../../src/ocsp/responder.js';
import { buildOcspApp } from '../../src/ocsp/routes.js';
import { createOcspTestPki, memoryStatusSource, type OcspTestPki } from '../helpers/ocsp-ca.js';
import { simpleRequest } from '../helpers/ocsp-requests.js';

const run = promisify(execFile);

interface Out {
  code: number;
  stdout: string;
  stderr: string;
}

async function tool(cmd: string, args: string[]): Promise<Out> {
  try {
    const { stdout, stderr } = await run(cmd, args, { encoding: 'utf8', timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

async function hasTool(cmd: string): Promise<boolean> {
  return (await tool('sh', ['-c', `command -v ${cmd}`])).code === 0;
}

function httpGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function httpPost(port: number, body: Uint8Array, type = 'application/ocsp-request'): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(`http://127.0.0.1:${port}/ocsp`, { method: 'POST', headers: { 'content-type': type }, body });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

describe('OCSP responder over HTTP, checked by openssl ocsp', () => {
  let pki: OcspTestPki;
  let source: ReturnType<typeof memoryStatusSource>;
  let responder: OcspResponder;
  let app: FastifyInstance;
  let port: number;
  let url: string;
  const revokedAt = new Date('2026-01-02T03:04:05Z');

  before(async () => {
    pki = await createOcspTestPki(new Date(), { writeFiles: true });
    source = memoryStatusSource([pki.issuer]);
    source.set(pki.issuer.id, pki.leaves.good.serial, { status: 'good' });
    source.set(pki.issuer.id, pki.leaves.highBit.serial, { status: 'good' });
    source.set(pki.issuer.id, pki.leaves.revoked.serial, { status: 'revoked', revokedAt, reason: 'keyCompromise' });
    responder = createOcspResponder({ source, now: () => new Date(), validitySeconds: 3600, refreshBeforeSeconds: 600, log: silentLogger() });
    await responder.reloadIssuers();
    app = await buildOcspApp({ responder });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
    url = `http://127.0.0.1:${port}/ocsp`;
  });

  after(async () => {
    await app?.close();
    pki?.remove();
  });

  /** openssl ocsp against our responder, verifying the responder by path to the root. */
  const ask = (leaf: string, extra: string[] = [], issuer = 'ca.pem'): Promise<Out> =>
    tool('openssl', ['ocsp', '-issuer', pki.files[issuer]!, ...extra, '-cert', pki.files[leaf]!, '-url', url, '-CAfile', pki.files['root.pem']!, '-verify_other', pki.files['ca.pem']!]);

  const cases: [string, string, RegExp[]][] = [
    ['good', 'leaf-good.pem', [/: good\n/]],
    ['revoked', 'leaf-revoked.pem', [/: revoked\n/, /Reason: keyCompromise/, /Revocation Time: Jan {2}2 03:04:05 2026 GMT/]],
    ['unknown', 'leaf-unknown.pem', [/: unknown\n/]],
    ['good_high_bit_serial', 'leaf-highBit.pem', [/: good\n/]],
  ];
  for (const [name, leaf, expect] of cases) {
    for (const digest of ['sha1', 'sha256']) {
      for (const nonce of [true, false]) {
        it(`${name}, ${digest} CertID, ${nonce ? 'with' : 'without'} nonce: Response verify OK`, async () => {
          const out = await ask(leaf, [`-${digest}`, ...(nonce ? [] : ['-no_nonce'])]);
          assert.equal(out.code, 0, out.stderr);
          assert.match(out.stderr, /Response verify OK/);
          assert.doesNotMatch(out.stderr, /WARNING/, 'no nonce or validity warnings');
          for (const re of expect) assert.match(out.stdout, re);
          assert.match(out.stdout, /This Update: .*\n\s*Next Update: /);
        });
      }
    }
  }

  it('-VAfile (the delegated responder trusted directly): Response verify OK', async () => {
    const out = await tool('openssl', ['ocsp', '-issuer', pki.files['ca.pem']!, '-cert', pki.files['leaf-good.pem']!, '-url', url, '-VAfile', pki.files['responder.pem']!]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Response verify OK/);
    assert.match(out.stdout, /: good\n/);
  });

  it('several -cert in one request: one response, a SingleResponse each', async () => {
    const out = await tool('openssl', ['ocsp', '-issuer', pki.files['ca.pem']!, '-cert', pki.files['leaf-good.pem']!, '-cert', pki.files['leaf-revoked.pem']!, '-cert', pki.files['leaf-unknown.pem']!, '-url', url, '-CAfile', pki.files['root.pem']!, '-verify_other', pki.files['ca.pem']!]);
    assert.match(out.stderr, /Response verify OK/);
    assert.match(out.stdout, /leaf-good\.pem: good[\s\S]*leaf-revoked\.pem: revoked[\s\S]*leaf-unknown\.pem: unknown/);
  });

  it('a certificate of an issuer we do not serve -> unauthorized', async () => {
    const out = await ask('foreign-leaf.pem', [], 'foreign-ca.pem');
    assert.match(out.stdout + out.stderr, /Responder Error: unauthorized \(6\)/);
  });

  it('garbage -> malformedRequest (and openssl reads that answer as such)', async () => {
    const res = await httpPost(port, new TextEncoder().encode('definitely not DER'));
    assert.equal(res.status, 200);
    assert.deepEqual(parseOcspResponse(res.body), { responseStatus: 'malformedRequest', basic: null });
    const file = join(pki.dir, 'tmp', 'malformed.der');
    writeFileSync(file, res.body);
    const out = await tool('openssl', ['ocsp', '-respin', file, '-resp_text', '-noverify']);
    assert.match(out.stdout + out.stderr, /malformedrequest \(1\)/i);
  });

  it('openssl -no_nonce sends the request checkStatus builds; repeated, it is served from the cache', async () => {
    const reqFile = join(pki.dir, 'tmp', 'req.der');
    const calls = source.calls;
    const first = await ask('leaf-good.pem', ['-no_nonce', '-reqout', reqFile]);
    assert.match(first.stdout, /: good\n/);
    assert.deepEqual(new Uint8Array(readFileSync(reqFile)), simpleRequest(pki.ca.der, pki.leaves.good.serial), 'the same bytes as our in-process form');
    await ask('leaf-good.pem', ['-no_nonce']);
    await responder.checkStatus({ issuerId: pki.issuer.id, serial: pki.leaves.good.serial, hashAlgorithm: 'sha1' });
    assert.ok(source.calls <= calls + 1, 'one look-up at most for all three');
  });

  it('revocation after a cached good answer: invalidate() and the next answer is revoked', async () => {
    const leaf = await pki.issueLeaf(Uint8Array.of(0x55, 0x66, 0x77), 'soon-revoked');
    const file = join(pki.dir, 'soon-revoked.pem');
    writeFileSync(file, leaf.pem);
    pki.files['soon-revoked.pem'] = file;
    source.set(pki.issuer.id, leaf.serial, { status: 'good' });
    assert.match((await ask('soon-revoked.pem', ['-no_nonce'])).stdout, /: good\n/);
    source.set(pki.issuer.id, leaf.serial, { status: 'revoked', revokedAt: new Date(Date.now() - 60_000), reason: 'cessationOfOperation' });
    assert.match((await ask('soon-revoked.pem', ['-no_nonce'])).stdout, /: good\n/, 'still the cached answer');
    responder.invalidate(pki.issuer.id, leaf.serial);
    const out = await ask('soon-revoked.pem', ['-no_nonce']);
    assert.match(out.stderr, /Response verify OK/);
    assert.match(out.stdout, /: revoked\n[\s\S]*Reason: cessationOfOperation/);
  });

  describe('GET with node http, base64 holding +, / and //', () => {
    let der: Uint8Array;
    let text: string;
    before(() => {
      for (let i = 0; ; i++) {
        const serial = createHash('sha256').update(`get-${i}`).digest().subarray(0, 16);
        serial[0] = (serial[0]! & 0x7f) | 0x01;
        const candidate = simpleRequest(pki.ca.der, serial);
        const t = Buffer.from(candidate).toString('base64');
        if (t.includes('//') && t.includes('+')) {
          der = candidate;
          text = t;
          source.set(pki.issuer.id, Uint8Array.from(serial), { status: 'good' });
          return;
        }
      }
    });

    const paths: [string, (s: string) => string][] = [
      ['percent_encoded', (s) => encodeURIComponent(s)],
      ['raw', (s) => s],
      ['plus_encoded_slashes_raw', (s) => s.replace(/\+/g, '%2B')],
      ['double_slash_collapsed', (s) => s.replace('//', '/')],
    ];
    for (const [name, encode] of paths) {
      it(`${name}: a verified good answer with RFC 5019 cache headers`, async () => {
        const res = await httpGet(port, `/ocsp/${encode(text)}`);
        assert.equal(res.status, 200);
        assert.equal(res.headers['content-type'], 'application/ocsp-response');
        assert.match(String(res.headers['cache-control']), /^max-age=(\d+), public, no-transform, must-revalidate$/);
        const maxAge = Number(/max-age=(\d+)/.exec(String(res.headers['cache-control']))![1]);
        assert.ok(maxAge > 3500 && maxAge <= 3600, String(maxAge));
        const parsed = parseOcspResponse(res.body);
        const single = parsed.basic!.responses[0]!;
        assert.equal(single.certStatus.status, 'good');
        assert.equal(Buffer.from(single.certId.der).toString('hex'), Buffer.from(der.subarray(8)).toString('hex'));
        assert.equal(res.headers['last-modified'], single.thisUpdate.toUTCString());
        assert.equal(res.headers.expires, single.nextUpdate!.toUTCString());
        assert.equal(res.headers.etag, `"${createHash('sha1').update(res.body).digest('hex')}"`);
        assert.ok(verifyOcspResponseSignature(parsed.basic!, pki.responder.der));
        // And openssl accepts the bytes we served over GET.
        const file = join(pki.dir, 'tmp', `get-${name}.der`);
        writeFileSync(file, res.body);
        const out = await tool('openssl', ['ocsp', '-respin', file, '-CAfile', pki.files['root.pem']!, '-verify_other', pki.files['ca.pem']!]);
        assert.match(out.stderr, /Response verify OK/);
      });
    }
  });

  it('GnuTLS ocsptool (when installed) verifies the answer with the responder certificate', async (t) => {
    if (!(await hasTool('ocsptool'))) {
      t.skip('ocsptool not installed (apt-get install gnutls-bin)');
      return;
    }
    for (const nonce of ['--nonce', '--no-nonce']) {
      const out = await tool('ocsptool', [`--ask=${url}`, nonce, '--load-issuer', pki.files['ca.pem']!, '--load-cert', pki.files['leaf-revoked.pem']!, '--load-signer', pki.files['responder.pem']!]);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout + out.stderr, /Verifying OCSP Response: Success/, nonce);
      assert.match(out.stdout, /Certificate Status: revoked/, nonce);
    }
  });
});
