// The certs-only SignedData of EST (RFC 7030 4.1.3, RFC 5652 5.1): built by hand on pki/der, read
// back by our parser and, independently, by PKI.js and @peculiar/x509; and our parser fed what
// another library writes, plus each way a reply can fail to be certs-only.
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { before, describe, it } from 'node:test';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseCertificate } from '../../pki/certificate/parse-certificate.js';
import { parseDer } from '../../pki/der/reader.js';
import { compareBytes, explicit, integer, octetString, oid, seq, tlv, TAG } from '../../pki/der/writer.js';
import { PkiError } from '../../pki/errors.js';
import { buildCertsOnly, parseCertsOnly, PKCS7_OID } from '../../pki/pkcs7/certs-only.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
let certs: Uint8Array[] = [];

async function selfSigned(cn: string): Promise<Uint8Array> {
  const keys = await webcrypto.subtle.generateKey(ALG, false, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${cn}`,
    notBefore: new Date(Date.UTC(2024, 0, 1)),
    notAfter: new Date(Date.UTC(2034, 0, 1)),
    keys,
    signingAlgorithm: ALG,
  });
  return new Uint8Array(cert.rawData);
}

before(async () => {
  certs = [await selfSigned('EST test leaf'), await selfSigned('EST test issuer'), await selfSigned('EST test root')];
});

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sameSet = (a: readonly Uint8Array[], b: readonly Uint8Array[]): void => assert.deepEqual(a.map(hexOf).sort(), b.map(hexOf).sort());

/** A SignedData with the given fields inside a ContentInfo, for the refusal table. */
const contentInfo = (type: string, ...signedData: Uint8Array[]): Uint8Array => seq(oid(type), explicit(0, seq(...signedData)));
const emptySet = (): Uint8Array => tlv(TAG.SET);
const encapData = (): Uint8Array => seq(oid(PKCS7_OID.data));

describe('buildCertsOnly', () => {
  it('round-trips through parseCertsOnly with every certificate', () => {
    const der = buildCertsOnly(certs);
    const parsed = parseCertsOnly(der);
    sameSet(parsed.certificates, certs);
    assert.deepEqual(parsed.crls, []);
    for (const c of parsed.certificates) assert.doesNotThrow(() => parseCertificate(c));
  });

  it('writes the degenerate SignedData of RFC 5652 5.1 byte for byte', () => {
    const one = certs[0]!;
    const expected = seq(oid(PKCS7_OID.signedData), explicit(0, seq(integer(1), emptySet(), encapData(), tlv(0xa0, one), emptySet())));
    assert.equal(hexOf(buildCertsOnly([one])), hexOf(expected));
  });

  it('orders the certificate SET in DER order (X.690 11.6), whatever order it is given', () => {
    const a = buildCertsOnly(certs);
    const b = buildCertsOnly([...certs].reverse());
    assert.equal(hexOf(a), hexOf(b));
    const inOrder = parseCertsOnly(a).certificates;
    for (let i = 1; i < inOrder.length; i++) assert.ok(compareBytes(inOrder[i - 1]!, inOrder[i]!) <= 0);
  });

  it('omits the certificates field when there are none', () => {
    const der = buildCertsOnly([]);
    assert.equal(hexOf(der), hexOf(contentInfo(PKCS7_OID.signedData, integer(1), emptySet(), encapData(), emptySet())));
    assert.deepEqual(parseCertsOnly(der), { certificates: [], crls: [] });
  });

  it('carries CRLs in crls [1]', () => {
    const fakeCrl = seq(seq(integer(1)), seq(oid('1.2.840.10045.4.3.2')), tlv(TAG.BIT_STRING, Uint8Array.of(0)));
    const parsed = parseCertsOnly(buildCertsOnly([certs[0]!], [fakeCrl]));
    sameSet(parsed.certificates, [certs[0]!]);
    sameSet(parsed.crls, [fakeCrl]);
  });

  it('refuses an item that is not one DER SEQUENCE', () => {
    assert.throws(() => buildCertsOnly([octetString(Uint8Array.of(1))]), (e: unknown) => e instanceof PkiError && e.code === 'MALFORMED_DER');
    assert.throws(() => buildCertsOnly([Uint8Array.of(0x30, 0x05, 0x01)]), (e: unknown) => e instanceof PkiError && e.code === 'MALFORMED_DER');
  });

  it('is read by PKI.js as a SignedData with the same certificates and no signers', () => {
    const der = buildCertsOnly(certs);
    const asn = asn1js.fromBER(der);
    assert.equal(asn.offset, der.length);
    const info = new pkijs.ContentInfo({ schema: asn.result });
    assert.equal(info.contentType, PKCS7_OID.signedData);
    const sd = new pkijs.SignedData({ schema: info.content });
    assert.equal(sd.version, 1);
    assert.equal(sd.digestAlgorithms.length, 0);
    assert.equal(sd.signerInfos.length, 0);
    assert.equal(sd.encapContentInfo.eContentType, PKCS7_OID.data);
    assert.equal(sd.encapContentInfo.eContent, undefined);
    const theirs = (sd.certificates ?? []).map((c) => new Uint8Array((c as pkijs.Certificate).toSchema().toBER()));
    sameSet(theirs, certs);
  });

  it('is read by @peculiar/x509 as a certificate collection', () => {
    const coll = new x509.X509Certificates();
    coll.import(buildCertsOnly(certs));
    sameSet(Array.from(coll, (c) => new Uint8Array(c.rawData)), certs);
  });
});

describe('parseCertsOnly', () => {
  const cert = (): Uint8Array => certs[0]!;

  it('reads an empty eContent as absent (as @peculiar/x509 writes it)', () => {
    const der = contentInfo(PKCS7_OID.signedData, integer(1), emptySet(), seq(oid(PKCS7_OID.data), explicit(0, octetString(new Uint8Array()))), tlv(0xa0, cert()), emptySet());
    sameSet(parseCertsOnly(der).certificates, [cert()]);
  });

  it('reads the certs-only reply another library writes', () => {
    const coll = new x509.X509Certificates(certs.map((c) => new x509.X509Certificate(c)));
    const parsed = parseCertsOnly(new Uint8Array(coll.export('raw')));
    sameSet(parsed.certificates, certs);
  });

  const bad: [string, () => Uint8Array][] = [
    ['contentType_is_id_data', () => contentInfo(PKCS7_OID.data, integer(1), emptySet(), encapData(), emptySet())],
    ['version_3', () => contentInfo(PKCS7_OID.signedData, integer(3), emptySet(), encapData(), tlv(0xa0, cert()), emptySet())],
    ['digest_algorithms_present', () => contentInfo(PKCS7_OID.signedData, integer(1), tlv(TAG.SET, seq(oid('2.16.840.1.101.3.4.2.1'))), encapData(), emptySet())],
    ['econtent_type_not_data', () => contentInfo(PKCS7_OID.signedData, integer(1), emptySet(), seq(oid(PKCS7_OID.signedData)), emptySet())],
    ['encapsulated_content_present', () => contentInfo(PKCS7_OID.signedData, integer(1), emptySet(), seq(oid(PKCS7_OID.data), explicit(0, octetString(Uint8Array.of(1)))), emptySet())],
    ['encapsulated_content_not_octet_string', () => contentInfo(PKCS7_OID.signedData, integer(1), emptySet(), seq(oid(PKCS7_OID.data), explicit(0, seq())), emptySet())],
    ['signer_infos_present', () => contentInfo(PKCS7_OID.signedData, integer(1), emptySet(), encapData(), tlv(0xa0, cert()), tlv(TAG.SET, seq(integer(1))))],
    ['signer_infos_missing', () => contentInfo(PKCS7_OID.signedData, integer(1), emptySet(), encapData(), tlv(0xa0, cert()))],
    ['trailing_field', () => contentInfo(PKCS7_OID.signedData, integer(1), emptySet(), encapData(), emptySet(), emptySet())],
    ['attribute_certificate_choice', () => contentInfo(PKCS7_OID.signedData, integer(1), emptySet(), encapData(), tlv(0xa0, tlv(0xa2, cert())), emptySet())],
    ['content_not_explicit', () => seq(oid(PKCS7_OID.signedData), seq(integer(1), emptySet(), encapData(), emptySet()))],
    ['trailing_bytes', () => Uint8Array.from([...buildCertsOnly([cert()]), 0])],
    ['truncated', () => buildCertsOnly([cert()]).subarray(0, 40)],
    ['indefinite_length_ber', () => Uint8Array.from([0x30, 0x80, ...oid(PKCS7_OID.signedData), 0, 0])],
  ];
  for (const [name, make] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseCertsOnly(make()), (e: unknown) => e instanceof PkiError && e.code === 'MALFORMED_DER');
    });
  }

  it('the refusal table starts from a valid reply (the cases are not refused for another reason)', () => {
    const good = contentInfo(PKCS7_OID.signedData, integer(1), emptySet(), encapData(), tlv(0xa0, cert()), emptySet());
    assert.doesNotThrow(() => parseDer(good));
    sameSet(parseCertsOnly(good).certificates, [cert()]);
  });
});
