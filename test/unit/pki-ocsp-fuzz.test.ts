// Mutated and random OCSP requests: parseOcspRequest either reads them or raises
// PkiError('OCSP_MALFORMED_REQUEST'), never anything else, whatever the bytes.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PkiError } from '../../pki/errors.js';
import { MAX_CERT_IDS, parseOcspRequest } from '../../pki/ocsp/parse-request.js';
import { createOcspTestPki } from '../helpers/ocsp-ca.js';
import { prng, mutate } from '../helpers/ocsp-fuzz.js';
import { buildRequest, certIdFor, extension, pkijsRequest } from '../helpers/ocsp-requests.js';

describe('parseOcspRequest under fuzzing', () => {
  const seeds: Uint8Array[] = [];
  before(async () => {
    const pki = await createOcspTestPki();
    seeds.push(
      buildRequest({ certIds: [certIdFor(pki.ca.der, pki.leaves.good.serial)] }),
      await pkijsRequest(pki.leaves.highBit.der, pki.ca.der, 'SHA-256', Uint8Array.from({ length: 16 }, (_, i) => i)),
      buildRequest({
        certIds: [certIdFor(pki.ca.der, Uint8Array.of(1), 'sha256', 'absent'), certIdFor(pki.ca.der, Uint8Array.of(2), 'sha384')],
        version: 0,
        requestorName: true,
        signature: true,
        nonce: Uint8Array.of(9, 9, 9),
        extensions: [extension('1.2.3.4', Uint8Array.of(5, 0))],
        singleExtensions: [extension('1.2.3.5', Uint8Array.of(5, 0))],
      }),
    );
  });

  function check(der: Uint8Array, label: string): 'ok' | 'malformed' {
    try {
      const req = parseOcspRequest(der);
      assert.ok(req.certIds.length >= 1 && req.certIds.length <= MAX_CERT_IDS, label);
      return 'ok';
    } catch (err) {
      if (err instanceof PkiError && err.code === 'OCSP_MALFORMED_REQUEST') return 'malformed';
      assert.fail(`${label}: threw ${String(err)}`);
    }
  }

  it('30,000 mutated requests: read or OCSP_MALFORMED_REQUEST, nothing else', () => {
    const counts = { ok: 0, malformed: 0 };
    for (let seed = 1; seed <= 30_000; seed++) {
      const rand = prng(seed);
      const base = seeds[seed % seeds.length] as Uint8Array;
      counts[check(mutate(base, rand, seeds), `seed ${seed}`)]++;
    }
    // The mutations reach past the outer TLV: some still parse, most do not.
    assert.ok(counts.ok > 100, `only ${counts.ok} mutants parsed`);
    assert.ok(counts.malformed > 20_000, `only ${counts.malformed} mutants refused`);
  });

  it('10,000 random byte strings, with and without a SEQUENCE header', () => {
    for (let seed = 1; seed <= 10_000; seed++) {
      const rand = prng(seed * 7919);
      const len = Math.floor(rand() * 200);
      const body = Uint8Array.from({ length: len }, () => Math.floor(rand() * 256));
      const der = seed % 2 ? body : Uint8Array.from([0x30, len < 128 ? len : 0x81, ...(len < 128 ? [] : [len]), ...body]);
      assert.equal(check(der, `random ${seed}`), 'malformed');
    }
  });

  it('deep nesting and huge declared lengths', () => {
    const deep = new Uint8Array(20_000);
    for (let i = 0; i < deep.length; i += 2) [deep[i], deep[i + 1]] = [0x30, 0x80];
    for (const der of [deep, Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff), Uint8Array.of(0x30, 0x85, 1, 0, 0, 0, 0), Uint8Array.of(0x1f, 0x01, 0x00)]) {
      assert.equal(check(der, 'nesting'), 'malformed');
    }
  });
});
