import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PkiError } from '../../pki/errors.js';
import { issuerHashes } from '../../pki/ocsp/cert-id.js';
import { MAX_CERT_IDS, parseOcspRequest } from '../../pki/ocsp/parse-request.js';
import { integerBytes, octetString, oid, seq, tlv } from '../../pki/der/writer.js';
import { OID } from '../../pki/oids.js';
import { createOcspTestPki, type OcspTestPki } from '../helpers/ocsp-ca.js';
import { buildRequest, certIdFor, extension, nonceExtension, pkijsRequest, simpleRequest } from '../helpers/ocsp-requests.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function assertMalformed(der: Uint8Array, detail?: RegExp): void {
  assert.throws(
    () => parseOcspRequest(der),
    (err: unknown) => err instanceof PkiError && err.code === 'OCSP_MALFORMED_REQUEST' && (!detail || detail.test(err.message)),
  );
}

describe('parseOcspRequest', () => {
  let pki: OcspTestPki;
  let serial: Uint8Array;
  before(async () => {
    pki = await createOcspTestPki();
    serial = pki.leaves.good.serial;
  });

  it('reads a pkijs-built SHA-256 request with a nonce: issuer hashes, serial, nonce', async () => {
    const nonce = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
    const req = parseOcspRequest(await pkijsRequest(pki.leaves.good.der, pki.ca.der, 'SHA-256', nonce));
    const expected = issuerHashes(pki.ca.der, 'sha256');
    assert.equal(req.certIds.length, 1);
    const id = req.certIds[0]!;
    assert.equal(id.hashAlgorithm, 'sha256');
    assert.equal(hex(id.issuerNameHash), hex(expected.issuerNameHash));
    assert.equal(hex(id.issuerKeyHash), hex(expected.issuerKeyHash));
    assert.equal(hex(id.serialNumber), hex(serial));
    assert.equal(hex(req.nonce!), hex(nonce));
  });

  it('reads a pkijs-built SHA-1 request for a serial with the high bit set (content 00 8f ...)', async () => {
    const req = parseOcspRequest(await pkijsRequest(pki.leaves.highBit.der, pki.ca.der, 'SHA-1'));
    assert.equal(req.certIds[0]!.hashAlgorithm, 'sha1');
    assert.equal(hex(req.certIds[0]!.serialNumber), hex(pki.leaves.highBit.serial));
    assert.equal(req.nonce, null);
  });

  it('keeps the exact CertID encoding to echo, with or without NULL hash parameters', () => {
    for (const params of ['null', 'absent'] as const) {
      const certId = certIdFor(pki.ca.der, serial, 'sha256', params);
      const req = parseOcspRequest(buildRequest({ certIds: [certId] }));
      assert.equal(hex(req.certIds[0]!.der), hex(certId), params);
    }
  });

  it('accepts SHA-384 and SHA-512 CertIDs (OCPP 2.0.1 OCSPRequestDataType names them)', () => {
    for (const alg of ['sha384', 'sha512'] as const) assert.equal(parseOcspRequest(simpleRequest(pki.ca.der, serial, alg)).certIds[0]!.hashAlgorithm, alg);
  });

  it('ignores requestorName, an explicit v1 version, a signature, and unknown non-critical extensions', () => {
    const req = parseOcspRequest(
      buildRequest({
        certIds: [certIdFor(pki.ca.der, serial)],
        version: 0,
        requestorName: true,
        signature: true,
        nonce: Uint8Array.of(1),
        extensions: [extension('1.2.3.4', Uint8Array.of(5, 0)), extension('1.3.6.1.5.5.7.48.1.4', seq(oid(OID.ocspBasic)), true)],
        singleExtensions: [extension('1.2.3.5', Uint8Array.of(5, 0))],
      }),
    );
    assert.equal(req.certIds.length, 1);
    assert.deepEqual([...req.nonce!], [1]);
  });

  it(`reads up to ${MAX_CERT_IDS} CertIDs in order`, () => {
    const serials = Array.from({ length: MAX_CERT_IDS }, (_, i) => Uint8Array.of(0x10, i + 1));
    const req = parseOcspRequest(buildRequest({ certIds: serials.map((s) => certIdFor(pki.ca.der, s)) }));
    assert.deepEqual(req.certIds.map((c) => hex(c.serialNumber)), serials.map(hex));
  });

  const malformed: [string, () => Uint8Array, RegExp?][] = [
    ['empty_input', () => new Uint8Array(0)],
    ['not_der_text', () => new TextEncoder().encode('hello, OCSP')],
    ['trailing_bytes', () => Uint8Array.from([...simpleRequest(pki.ca.der, serial), 0])],
    ['indefinite_length_ber', () => Uint8Array.of(0x30, 0x80, 0x00, 0x00)],
    ['truncated', () => simpleRequest(pki.ca.der, serial).subarray(0, 30)],
    ['version_v2', () => buildRequest({ certIds: [certIdFor(pki.ca.der, serial)], version: 1 }), /v1/],
    ['empty_request_list', () => buildRequest({ certIds: [] }), /empty/],
    [`${MAX_CERT_IDS + 1}_cert_ids`, () => buildRequest({ certIds: Array.from({ length: MAX_CERT_IDS + 1 }, (_, i) => certIdFor(pki.ca.der, Uint8Array.of(i + 1))) }), /at most 20/],
    ['md5_cert_id', () => seq(seq(seq(seq(seq(seq(oid('1.2.840.113549.2.5')), octetString(new Uint8Array(16)), octetString(new Uint8Array(16)), integerBytes(serial)))))), /hashAlgorithm/],
    ['sha1_hash_of_32_octets', () => seq(seq(seq(seq(seq(seq(oid(OID.sha1)), octetString(new Uint8Array(32)), octetString(new Uint8Array(32)), integerBytes(serial)))))), /20 octets/],
    ['hash_params_not_null', () => seq(seq(seq(seq(seq(seq(oid(OID.sha1), octetString(Uint8Array.of(1))), octetString(new Uint8Array(20)), octetString(new Uint8Array(20)), integerBytes(serial)))))), /parameters/],
    ['serial_not_minimal', () => simpleRequest(pki.ca.der, Uint8Array.of(0, 0x12)), /minimal/],
    ['serial_empty', () => simpleRequest(pki.ca.der, new Uint8Array(0)), /empty/],
    ['nonce_empty', () => buildRequest({ certIds: [certIdFor(pki.ca.der, serial)], extensions: [nonceExtension(new Uint8Array(0))] }), /Nonce/],
    ['nonce_33_octets', () => buildRequest({ certIds: [certIdFor(pki.ca.der, serial)], nonce: new Uint8Array(33) }), /RFC 8954/],
    ['nonce_not_octet_string', () => buildRequest({ certIds: [certIdFor(pki.ca.der, serial)], extensions: [extension(OID.ocspNonce, Uint8Array.of(1, 2, 3))] })],
    ['nonce_twice', () => buildRequest({ certIds: [certIdFor(pki.ca.der, serial)], nonce: Uint8Array.of(1), extensions: [nonceExtension(Uint8Array.of(2))] }), /twice/],
    ['unknown_critical_request_extension', () => buildRequest({ certIds: [certIdFor(pki.ca.der, serial)], extensions: [extension('1.2.3.4', Uint8Array.of(5, 0), true)] }), /critical/],
    ['unknown_critical_single_extension', () => buildRequest({ certIds: [certIdFor(pki.ca.der, serial)], singleExtensions: [extension('1.2.3.4', Uint8Array.of(5, 0), true)] }), /critical/],
    ['cert_id_with_five_fields', () => seq(seq(seq(seq(seq(seq(oid(OID.sha1)), octetString(new Uint8Array(20)), octetString(new Uint8Array(20)), integerBytes(serial), integerBytes(serial))))))],
    ['request_list_not_a_sequence', () => seq(seq(tlv(0x31, seq(certIdFor(pki.ca.der, serial)))))],
    ['unknown_tbs_field', () => seq(seq(seq(seq(certIdFor(pki.ca.der, serial))), tlv(0xa5, Uint8Array.of(5, 0))))],
  ];
  for (const [name, make, detail] of malformed) {
    it(`${name} -> OCSP_MALFORMED_REQUEST`, () => assertMalformed(make(), detail));
  }
});
