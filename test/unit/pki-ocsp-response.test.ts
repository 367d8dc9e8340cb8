import assert from 'node:assert/strict';
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { PkiError } from '../../pki/errors.js';
import { buildOcspErrorResponse, buildOcspResponse, OCSP_RESPONSE_STATUS_CODES, type CertStatus, type OcspErrorStatus, type OcspResponderIdentity } from '../../pki/ocsp/build-response.js';
import { readCertificateParts, responderKeyHash } from '../../pki/ocsp/cert-id.js';
import { parseOcspResponse, verifyOcspResponseSignature } from '../../pki/ocsp/parse-response.js';
import { parseDer, sequence } from '../../pki/der/reader.js';
import { CRL_REASON_CODES, crlReasonFromCode, type CrlReason } from '../../pki/crl-reason.js';
import { createOcspTestPki, softwareSigner, type OcspTestPki } from '../helpers/ocsp-ca.js';
import { certIdFor, pkijsReadResponse } from '../helpers/ocsp-requests.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const at = new Date('2026-03-04T05:06:07Z');
const later = new Date('2026-03-04T06:06:07Z');

describe('buildOcspResponse', () => {
  let pki: OcspTestPki;
  let identity: OcspResponderIdentity;
  before(async () => {
    pki = await createOcspTestPki(at);
    identity = { signer: pki.issuer.responder.signer, keyHash: responderKeyHash(readCertificateParts(pki.responder.der).subjectPublicKeyInfo), certificates: [pki.responder.der] };
  });

  const statuses: [string, CertStatus, number][] = [
    ['good', { status: 'good' }, 0],
    ['revoked_with_reason', { status: 'revoked', revokedAt: new Date('2026-01-02T03:04:05Z'), reason: 'keyCompromise' }, 1],
    ['revoked_without_reason', { status: 'revoked', revokedAt: new Date('2026-01-02T03:04:05Z'), reason: null }, 1],
    ['unknown', { status: 'unknown' }, 2],
  ];
  for (const [name, status, tag] of statuses) {
    it(`${name}: round-trips through our parser and reads the same with pkijs`, async () => {
      const certId = certIdFor(pki.ca.der, pki.leaves.good.serial, 'sha256');
      const der = await buildOcspResponse({ responder: identity, producedAt: at, nonce: null, responses: [{ certId, status, thisUpdate: at, nextUpdate: later }] });
      const parsed = parseOcspResponse(der);
      assert.equal(parsed.responseStatus, 'successful');
      const single = parsed.basic!.responses[0]!;
      assert.deepEqual(single.certStatus, status);
      assert.equal(hex(single.certId.der), hex(certId), 'the CertID is echoed byte for byte');
      assert.deepEqual([single.thisUpdate, single.nextUpdate], [at, later]);
      const other = pkijsReadResponse(der);
      assert.equal(other.status, 0);
      assert.deepEqual(other.singles, [{ serialHex: hex(pki.leaves.good.serial), statusTag: tag }]);
    });
  }

  it('signs ResponseData with the responder key (checked by node:crypto directly) and names the key byKey', async () => {
    const der = await buildOcspResponse({ responder: identity, producedAt: at, nonce: null, responses: [{ certId: certIdFor(pki.ca.der, Uint8Array.of(1)), status: { status: 'good' }, thisUpdate: at, nextUpdate: later }] });
    const basic = parseOcspResponse(der).basic!;
    const parts = readCertificateParts(pki.responder.der);
    assert.ok(cryptoVerify('sha256', basic.tbsResponseData, { key: Buffer.from(parts.subjectPublicKeyInfo), format: 'der', type: 'spki', dsaEncoding: 'der' }, basic.signature));
    assert.ok('byKey' in basic.responderId);
    assert.equal(hex(basic.responderId.byKey), createHash('sha1').update(parts.subjectPublicKey).digest('hex'));
    assert.ok(verifyOcspResponseSignature(basic, pki.responder.der));
    assert.equal(verifyOcspResponseSignature(basic, pki.ca.der), false, 'another key does not verify');
    assert.deepEqual(basic.certificates.map(hex), [hex(pki.responder.der)]);
  });

  it('omits the DEFAULT version and writes GeneralizedTime producedAt (RFC 6960 4.2.1, X.690 11.5)', async () => {
    const der = await buildOcspResponse({ responder: identity, producedAt: at, nonce: null, responses: [{ certId: certIdFor(pki.ca.der, Uint8Array.of(1)), status: { status: 'good' }, thisUpdate: at, nextUpdate: null }] });
    const fields = sequence(parseDer(parseOcspResponse(der).basic!.tbsResponseData), 'ResponseData');
    assert.equal(fields[0]!.tag, 0xa2, 'the first field is ResponderID byKey, not a version');
    assert.equal(fields[1]!.tag, 0x18);
    assert.equal(new TextDecoder().decode(fields[1]!.content), '20260304050607Z');
    assert.equal(fields.length, 3, 'no responseExtensions without a nonce');
    assert.equal(parseOcspResponse(der).basic!.responses[0]!.nextUpdate, null);
  });

  it('echoes the nonce in responseExtensions', async () => {
    const nonce = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const der = await buildOcspResponse({ responder: identity, producedAt: at, nonce, responses: [{ certId: certIdFor(pki.ca.der, Uint8Array.of(1)), status: { status: 'good' }, thisUpdate: at, nextUpdate: later }] });
    assert.equal(hex(parseOcspResponse(der).basic!.nonce!), hex(nonce));
    assert.equal(pkijsReadResponse(der).nonceHex, hex(nonce));
  });

  it('keeps several SingleResponses in request order', async () => {
    const serials = [Uint8Array.of(3), Uint8Array.of(1), Uint8Array.of(2)];
    const der = await buildOcspResponse({
      responder: identity,
      producedAt: at,
      nonce: null,
      responses: serials.map((s) => ({ certId: certIdFor(pki.ca.der, s), status: { status: 'good' } as const, thisUpdate: at, nextUpdate: later })),
    });
    assert.deepEqual(parseOcspResponse(der).basic!.responses.map((r) => hex(r.certId.serialNumber)), ['03', '01', '02']);
  });

  it('signs with RSA too (signatureAlgorithm from the Signer)', async () => {
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
    const der = await buildOcspResponse({
      responder: { signer: { algorithm: 'sha256WithRSAEncryption', publicKey: spki, sign: (d) => Promise.resolve(new Uint8Array(sign('sha256', d, privateKey))) }, keyHash: responderKeyHash(spki), certificates: [] },
      producedAt: at,
      nonce: null,
      responses: [{ certId: certIdFor(pki.ca.der, Uint8Array.of(1)), status: { status: 'good' }, thisUpdate: at, nextUpdate: later }],
    });
    const basic = parseOcspResponse(der).basic!;
    assert.equal(basic.signatureAlgorithm.algorithm, 'sha256WithRSAEncryption');
    assert.equal(basic.certificates.length, 0, 'no certs [0] when the signer has no certificate to send');
    assert.ok(cryptoVerify('sha256', basic.tbsResponseData, publicKey, basic.signature));
  });

  it('writes the same ResponseData for the same input (only the ECDSA signature differs)', async () => {
    const signer = await softwareSigner(pki.responder.keys);
    const input = { responder: { ...identity, signer }, producedAt: at, nonce: null, responses: [{ certId: certIdFor(pki.ca.der, Uint8Array.of(1)), status: { status: 'good' } as const, thisUpdate: at, nextUpdate: later }] };
    const a = parseOcspResponse(await buildOcspResponse(input)).basic!;
    const b = parseOcspResponse(await buildOcspResponse(input)).basic!;
    assert.equal(hex(a.tbsResponseData), hex(b.tbsResponseData));
  });
});

describe('buildOcspErrorResponse', () => {
  const errors: OcspErrorStatus[] = ['malformedRequest', 'internalError', 'tryLater', 'sigRequired', 'unauthorized'];
  for (const status of errors) {
    it(`${status}: OCSPResponse without responseBytes, read back by us and by pkijs`, () => {
      const der = buildOcspErrorResponse(status);
      assert.deepEqual(parseOcspResponse(der), { responseStatus: status, basic: null });
      const top = sequence(parseDer(der), 'OCSPResponse');
      assert.equal(top.length, 1);
      assert.equal(top[0]!.tag, 0x0a);
      assert.equal(pkijsReadResponse(der).status, OCSP_RESPONSE_STATUS_CODES[status]);
    });
  }
});

describe('parseOcspResponse', () => {
  it('refuses what is not an OCSPResponse with MALFORMED_DER', () => {
    for (const bad of [new Uint8Array(0), Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x04), Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00), Uint8Array.of(0x30, 0x00)]) {
      assert.throws(() => parseOcspResponse(bad), (e: unknown) => e instanceof PkiError && e.code === 'MALFORMED_DER', hex(bad));
    }
  });
});

describe('CrlReason', () => {
  it('maps every name to its RFC 5280 5.3.1 code and back; 7 is not a reason', () => {
    for (const [name, code] of Object.entries(CRL_REASON_CODES)) assert.equal(crlReasonFromCode(code), name as CrlReason);
    assert.equal(crlReasonFromCode(7), null);
    assert.equal(CRL_REASON_CODES.removeFromCRL, 8);
  });
});
