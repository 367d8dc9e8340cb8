// The CRL builder (RFC 5280 5): what it writes, read back by our strict parser and, independently,
// by @peculiar/x509; the fast two-pass list against the generic DER writer; and what it refuses.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as cryptoSign, webcrypto } from 'node:crypto';
import { describe, it } from 'node:test';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { extension, keyIdentifier } from '../../pki/certificate/extensions.js';
import { buildCrl, encodeRevokedCertificates, type BuildCrlInput, type CrlEntryInput } from '../../pki/crl/build-crl.js';
import { parseCrl, verifyCrlSignature } from '../../pki/crl/parse-crl.js';
import { CRL_REASON_CODES, type CrlReason } from '../../pki/crl-reason.js';
import { parseDer, sequence } from '../../pki/der/reader.js';
import { bytesToHex, enumerated, integerBytes, oid, printableString, seq, setOf, time, TAG, utf8String } from '../../pki/der/writer.js';
import { PkiError } from '../../pki/errors.js';
import { OID } from '../../pki/oids.js';
import type { Signer } from '../../pki/signer.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A test key (generated per run, never stored) behind the Signer port. */
function testSigner(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    algorithm: 'ecdsa-with-SHA256',
    publicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })),
    sign: (data) => Promise.resolve(new Uint8Array(cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'der' }))),
  };
}

const SIGNER = testSigner();
const OTHER = testSigner();
const ISSUER = seq(
  setOf(seq(oid(OID.commonName), utf8String('Test CPO Sub-CA 2'))),
  setOf(seq(oid(OID.organizationName), utf8String('Example CPO'))),
  setOf(seq(oid(OID.countryName), printableString('DE'))),
);
const THIS_UPDATE = new Date('2026-03-01T10:00:00Z');
const NEXT_UPDATE = new Date('2026-03-02T10:00:00Z');
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

const input = (over: Partial<BuildCrlInput> = {}): BuildCrlInput => ({
  issuerSubjectDer: ISSUER,
  issuerKeyIdentifier: keyIdentifier(SIGNER.publicKey),
  thisUpdate: THIS_UPDATE,
  nextUpdate: NEXT_UPDATE,
  crlNumber: 7n,
  entries: [],
  signer: SIGNER,
  ...over,
});

/** The TBSCertList field tags, in order. */
const tbsTags = (der: Uint8Array): number[] => sequence(parseDer(parseCrl(der).tbs), 'TBSCertList').map((n) => n.tag);

const ENTRIES: CrlEntryInput[] = [
  { serial: hex('4a11223344556677889900aabbccddee'), revokedAt: new Date('2026-02-27T08:15:30Z'), reason: 'keyCompromise' },
  // High bit set: the content octets carry a leading 00 (X.690 8.3.2).
  { serial: hex('00c1223344556677889900aabbccddee'), revokedAt: new Date('2026-02-28T23:59:59Z'), reason: 'superseded' },
  { serial: hex('5b11223344556677889900aabbccddee'), revokedAt: new Date('2026-02-20T00:00:00Z'), reason: null },
  { serial: hex('6c11223344556677889900aabbccddee'), revokedAt: new Date('2026-02-21T12:00:00Z'), reason: 'unspecified' },
  { serial: hex('7d11223344556677889900aabbccddee'), revokedAt: new Date('2026-02-22T12:00:00Z'), reason: 'cACompromise' },
  { serial: hex('0d11223344556677'), revokedAt: new Date('2026-02-23T12:00:00Z'), reason: 'cessationOfOperation' },
  { serial: hex('01'), revokedAt: new Date('2026-02-24T12:00:00Z'), reason: 'affiliationChanged' },
  { serial: hex('02'), revokedAt: new Date('2026-02-24T12:00:01Z'), reason: 'privilegeWithdrawn' },
  { serial: hex('03'), revokedAt: new Date('2026-02-24T12:00:02Z'), reason: 'certificateHold' },
  { serial: hex('04'), revokedAt: new Date('2026-02-24T12:00:03Z'), reason: 'aACompromise' },
];

describe('buildCrl', () => {
  it('writes a v2 CRL whose entries, reasons and numbers read back in order', async () => {
    const der = await buildCrl(input({ entries: ENTRIES, crlNumber: 4242n }));
    const crl = parseCrl(der);
    assert.equal(crl.version, 2);
    assert.deepEqual(crl.signatureAlgorithm, { algorithm: 'ecdsa-with-SHA256', hash: 'sha256' });
    assert.equal(bytesToHex(crl.issuerDer), bytesToHex(ISSUER));
    assert.equal(crl.thisUpdate.getTime(), THIS_UPDATE.getTime());
    assert.equal(crl.nextUpdate?.getTime(), NEXT_UPDATE.getTime());
    assert.equal(crl.crlNumber, 4242n);
    assert.equal(bytesToHex(crl.authorityKeyIdentifier ?? new Uint8Array()), bytesToHex(keyIdentifier(SIGNER.publicKey)));
    assert.deepEqual(
      crl.entries.map((e) => ({ serial: bytesToHex(e.serial), at: e.revokedAt.toISOString(), reason: e.reason })),
      ENTRIES.map((e) => ({ serial: bytesToHex(e.serial), at: e.revokedAt.toISOString(), reason: e.reason === 'unspecified' ? null : e.reason })),
    );
    assert.equal(crl.entries[1]?.serialNumber, 0xc1223344556677889900aabbccddeen);
  });

  it('omits reasonCode for unspecified and null reasons (RFC 5280 5.3.1 SHOULD)', async () => {
    const crl = parseCrl(await buildCrl(input({ entries: ENTRIES })));
    assert.equal(crl.entries[2]?.extensions.length, 0);
    assert.equal(crl.entries[3]?.extensions.length, 0);
    const first = crl.entries[0]?.extensions ?? [];
    assert.deepEqual(first.map((x) => [x.oid, x.critical]), [[OID.cRLReason, false]]);
    assert.equal(bytesToHex(first[0]?.value ?? new Uint8Array()), bytesToHex(enumerated(CRL_REASON_CODES.keyCompromise)));
  });

  it('marks both CRL extensions non-critical: AKI keyIdentifier and cRLNumber (RFC 5280 5.2.1, 5.2.3)', async () => {
    const crl = parseCrl(await buildCrl(input()));
    assert.deepEqual(crl.extensions.map((x) => [x.oid, x.critical]), [[OID.authorityKeyIdentifier, false], [OID.cRLNumber, false]]);
  });

  it('omits revokedCertificates when nothing is revoked (RFC 5280 5.1.2.6)', async () => {
    const der = await buildCrl(input());
    // version, signature, issuer, thisUpdate, nextUpdate, [0] crlExtensions: no SEQUENCE between.
    assert.deepEqual(tbsTags(der), [TAG.INTEGER, TAG.SEQUENCE, TAG.SEQUENCE, TAG.UTC_TIME, TAG.UTC_TIME, 0xa0]);
    assert.equal(parseCrl(der).entries.length, 0);
    assert.equal(encodeRevokedCertificates([]), null);
  });

  it('signs with the signer: the signature verifies with its key and not with another', async () => {
    const crl = parseCrl(await buildCrl(input({ entries: ENTRIES })));
    assert.equal(verifyCrlSignature(crl, SIGNER.publicKey), true);
    assert.equal(verifyCrlSignature(crl, OTHER.publicKey), false);
    // One bit of one listed serial changed: still well formed, no longer what was signed.
    const tampered = await buildCrl(input({ entries: ENTRIES }));
    const at = Buffer.from(tampered).indexOf(Buffer.from(ENTRIES[0]!.serial)) + 15;
    tampered[at] = (tampered[at] as number) ^ 1;
    assert.equal(verifyCrlSignature(parseCrl(tampered), SIGNER.publicKey), false);
  });

  it('is read the same by an independent parser (@peculiar/x509), which verifies it too', async () => {
    const der = await buildCrl(input({ entries: ENTRIES, crlNumber: 0x80n }));
    const crl = new x509.X509Crl(der);
    const key = await webcrypto.subtle.importKey('spki', SIGNER.publicKey, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    assert.equal(await crl.verify({ publicKey: key }), true);
    assert.equal(crl.thisUpdate.getTime(), THIS_UPDATE.getTime());
    assert.equal(crl.nextUpdate?.getTime(), NEXT_UPDATE.getTime());
    assert.deepEqual(
      crl.entries.map((e) => [BigInt(`0x${e.serialNumber}`), e.revocationDate.toISOString(), e.reason]),
      ENTRIES.map((e) => [BigInt(`0x${bytesToHex(e.serial)}`), e.revokedAt.toISOString(), e.reason === null || e.reason === 'unspecified' ? undefined : CRL_REASON_CODES[e.reason]]),
    );
    const number = crl.extensions.find((x) => x.type === OID.cRLNumber);
    assert.equal(bytesToHex(new Uint8Array(number?.value ?? new ArrayBuffer(0))), '02020080');
  });

  it('writes the list exactly as the generic DER writer would, across length-of-length boundaries', () => {
    const reasons = Object.keys(CRL_REASON_CODES).filter((r) => r !== 'removeFromCRL') as CrlReason[];
    // The list's length in 1 octet (1 entry), 0x81 + 1 (4 entries), 0x82 + 2 (100), 0x83 + 3 (3000).
    for (const count of [1, 4, 100, 3000]) {
      const entries: CrlEntryInput[] = Array.from({ length: count }, (_, i) => ({
        serial: hex(`${(0x40 + (i % 64)).toString(16)}${i.toString(16).padStart(30, '0')}`),
        revokedAt: new Date(Date.UTC(2026, 0, 1) + i * 61_000),
        reason: i % 3 === 0 ? null : (reasons[i % reasons.length] as CrlReason),
      }));
      const generic = seq(
        ...entries.map((e) =>
          e.reason === null || e.reason === 'unspecified'
            ? seq(integerBytes(e.serial), time(e.revokedAt))
            : seq(integerBytes(e.serial), time(e.revokedAt), seq(extension(OID.cRLReason, false, enumerated(CRL_REASON_CODES[e.reason])))),
        ),
      );
      const fast = encodeRevokedCertificates(entries);
      assert.ok(fast);
      assert.equal(fast.length, generic.length, `${count} entries`);
      assert.equal(Buffer.compare(fast, generic), 0, `${count} entries`);
    }
  });

  it('switches to GeneralizedTime from 2050 on, for the update times and revocation dates (RFC 5280 5.1.2.4-6)', async () => {
    const der = await buildCrl(
      input({
        thisUpdate: new Date('2049-12-31T23:59:59Z'),
        nextUpdate: new Date('2050-01-01T00:00:00Z'),
        entries: [
          { serial: hex('11'), revokedAt: new Date('2049-12-31T23:59:59Z'), reason: null },
          { serial: hex('12'), revokedAt: new Date('2050-01-01T00:00:00Z'), reason: null },
        ],
      }),
    );
    const tags = tbsTags(der);
    assert.equal(tags[3], TAG.UTC_TIME);
    assert.equal(tags[4], TAG.GENERALIZED_TIME);
    const crl = parseCrl(der);
    assert.deepEqual(crl.entries.map((e) => e.revokedAt.toISOString()), ['2049-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z']);
    const list = sequence(sequence(parseDer(crl.tbs), 'TBSCertList')[5], 'revokedCertificates');
    assert.deepEqual(list.map((e) => sequence(e, 'entry')[1]?.tag), [TAG.UTC_TIME, TAG.GENERALIZED_TIME]);
  });

  it('drops sub-second precision: DER times carry whole seconds', async () => {
    const crl = parseCrl(await buildCrl(input({ thisUpdate: new Date('2026-03-01T10:00:00.999Z'), entries: [{ serial: hex('21'), revokedAt: new Date('2026-02-01T00:00:00.500Z'), reason: null }] })));
    assert.equal(crl.thisUpdate.toISOString(), '2026-03-01T10:00:00.000Z');
    assert.equal(crl.entries[0]?.revokedAt.toISOString(), '2026-02-01T00:00:00.000Z');
  });

  it('writes cRLNumber minimally up to 20 octets', async () => {
    for (const [n, expected] of [
      [0n, '020100'],
      [127n, '02017f'],
      [128n, '02020080'],
      [(1n << 159n) - 1n, `0214${'7f'}${'ff'.repeat(19)}`],
    ] as const) {
      const crl = parseCrl(await buildCrl(input({ crlNumber: n })));
      assert.equal(crl.crlNumber, n);
      assert.equal(bytesToHex(crl.extensions.find((x) => x.oid === OID.cRLNumber)?.value ?? new Uint8Array()), expected);
    }
  });

  const refusals: { name: string; over: Partial<BuildCrlInput> }[] = [
    { name: 'crl_number_21_octets', over: { crlNumber: 1n << 159n } },
    { name: 'crl_number_negative', over: { crlNumber: -1n } },
    { name: 'next_update_not_after_this_update', over: { nextUpdate: THIS_UPDATE } },
    { name: 'issuer_not_a_name', over: { issuerSubjectDer: utf8String('CN=x') } },
    { name: 'serial_empty', over: { entries: [{ serial: new Uint8Array(0), revokedAt: THIS_UPDATE, reason: null }] } },
    { name: 'serial_negative', over: { entries: [{ serial: hex('80'), revokedAt: THIS_UPDATE, reason: null }] } },
    { name: 'serial_not_minimal', over: { entries: [{ serial: hex('0001'), revokedAt: THIS_UPDATE, reason: null }] } },
    { name: 'revocation_date_invalid', over: { entries: [{ serial: hex('01'), revokedAt: new Date(Number.NaN), reason: null }] } },
    { name: 'remove_from_crl_in_a_complete_crl', over: { entries: [{ serial: hex('01'), revokedAt: THIS_UPDATE, reason: 'removeFromCRL' }] } },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name}`, async () => {
      await assert.rejects(buildCrl(input(r.over)), (e: unknown) => e instanceof PkiError && e.code === 'CRL_INVALID');
    });
  }

  it('refuses a signer that returns nothing', async () => {
    const empty: Signer = { ...SIGNER, sign: () => Promise.resolve(new Uint8Array(0)) };
    await assert.rejects(buildCrl(input({ signer: empty })), (e: unknown) => e instanceof PkiError && e.code === 'BAD_SIGNATURE');
  });
});

describe('parseCrl', () => {
  it('rejects a CRL whose inner and outer signature algorithms differ (RFC 5280 5.1.1.2)', async () => {
    const der = await buildCrl(input());
    const [tbs, , sig] = sequence(parseDer(der), 'CertificateList');
    const swapped = seq(tbs!.der, seq(oid(OID.ecdsaWithSHA384)), sig!.der);
    assert.throws(() => parseCrl(swapped), (e: unknown) => e instanceof PkiError && e.code === 'MALFORMED_DER');
  });

  it('rejects trailing bytes and truncation', async () => {
    const der = await buildCrl(input({ entries: ENTRIES }));
    const longer = new Uint8Array(der.length + 1);
    longer.set(der);
    assert.throws(() => parseCrl(longer), (e: unknown) => e instanceof PkiError && e.code === 'MALFORMED_DER');
    assert.throws(() => parseCrl(der.subarray(0, der.length - 1)), (e: unknown) => e instanceof PkiError && e.code === 'MALFORMED_DER');
  });
});
