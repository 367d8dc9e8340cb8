// The DER writer against openssl's decoder, and the strict reader against malformed input.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { children, parseDer, readInteger, readNamedBits, readOid, readTime } from '../../pki/der/reader.js';
import { bytesToHex, generalizedTime, integer, namedBits, oid, seq, setOf, time, utf8String } from '../../pki/der/writer.js';
import { PkiError } from '../../pki/errors.js';

const asn1parse = (der: Uint8Array): string => execFileSync('openssl', ['asn1parse', '-inform', 'DER'], { input: der }).toString();

describe('DER writer', () => {
  it('encodes OIDs that openssl decodes to the same arcs', () => {
    for (const id of ['1.2.840.10045.4.3.2', '2.5.29.19', '0.9.2342.19200300.100.1.25', '1.3.6.1.5.5.7.48.1.5', '2.999.1']) {
      assert.match(asn1parse(oid(id)), new RegExp(`OBJECT\\s+:(\\S+ ?)*`), id);
      assert.equal(readOid(parseDer(oid(id))), id);
    }
  });

  it('writes minimal INTEGERs with a sign octet only when needed (X.690 8.3.2)', () => {
    assert.equal(bytesToHex(integer(0)), '020100');
    assert.equal(bytesToHex(integer(127)), '02017f');
    assert.equal(bytesToHex(integer(128)), '02020080');
    assert.equal(bytesToHex(integer(256)), '02020100');
    const big = (1n << 127n) + 5n;
    assert.equal(readInteger(parseDer(integer(big))), big);
  });

  it('uses UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280 4.1.2.5)', () => {
    assert.equal(time(new Date('2049-12-31T23:59:59Z'))[0], 0x17);
    assert.equal(time(new Date('2050-01-01T00:00:00Z'))[0], 0x18);
    for (const iso of ['1999-02-03T04:05:06Z', '2049-12-31T23:59:59Z', '2066-06-06T06:06:06Z']) assert.equal(readTime(parseDer(time(new Date(iso)))).toISOString(), iso.replace('Z', '.000Z'));
    assert.equal(readTime(parseDer(generalizedTime(new Date('2026-11-21T10:00:00Z')))).toISOString(), '2026-11-21T10:00:00.000Z');
  });

  it('drops trailing zero bits of named bit lists (X.690 11.2.2)', () => {
    // digitalSignature (0) and keyAgreement (4): 0b10001000, 3 unused bits.
    assert.equal(bytesToHex(namedBits([0, 4])), '03020388');
    // keyCertSign (5) and cRLSign (6): 0b00000110, 1 unused bit.
    assert.equal(bytesToHex(namedBits([5, 6])), '03020106');
    assert.deepEqual([...readNamedBits(parseDer(namedBits([0, 8])))].sort(), [0, 8]);
  });

  it('sorts SET OF encodings (X.690 11.6) and uses long lengths beyond 127 octets', () => {
    const s = setOf(utf8String('b'), utf8String('a'));
    assert.deepEqual(children(parseDer(s)).map((c) => new TextDecoder().decode(c.content)), ['a', 'b']);
    const long = seq(utf8String('x'.repeat(300)));
    assert.equal(long[1], 0x82);
    assert.match(asn1parse(long), /UTF8STRING/);
  });
});

describe('DER reader', () => {
  const bad: [string, string][] = [
    ['empty input', ''],
    ['truncated header', '30'],
    ['indefinite length', '3080'],
    ['length past the end', '300500'],
    ['non-minimal long length', '30810100'],
    ['trailing bytes', '300002'],
    ['five-octet length', '3085000000000100'],
    ['multi-octet tag', '1f0100'],
  ];
  for (const [name, hex] of bad) {
    it(`rejects ${name} with PkiError`, () => {
      assert.throws(() => parseDer(Buffer.from(hex, 'hex')), (e: unknown) => e instanceof PkiError && e.code === 'MALFORMED_DER');
    });
  }

  it('rejects non-minimal INTEGERs and bad times', () => {
    assert.throws(() => readInteger(parseDer(Buffer.from('02020001', 'hex'))), PkiError);
    assert.throws(() => readTime(parseDer(Buffer.from(`170d${Buffer.from('261332000000Z').toString('hex')}`, 'hex'))), PkiError);
  });

  it('throws only PkiError on 20,000 random mutations of a structure', () => {
    const base = seq(oid('1.2.3.4'), integer(12345678901234567890n), seq(utf8String('hello'), time(new Date())));
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const m = Uint8Array.from(base);
      for (let k = 0; k <= rand(3); k++) m[rand(m.length)] = rand(256);
      const cut = m.subarray(0, rand(4) === 0 ? rand(m.length) : m.length);
      try {
        const walk = (n: ReturnType<typeof parseDer>): void => {
          if (n.tag & 0x20) children(n).forEach(walk);
        };
        walk(parseDer(cut));
      } catch (e) {
        assert.ok(e instanceof PkiError, `unexpected ${String(e)}`);
      }
    }
  });
});
