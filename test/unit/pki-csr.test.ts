import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { boolean, integer, nullValue, octetString, oid, seq, setOf, tlv, TAG, utf8String } from '../../pki/der/writer.js';
import { PkiError } from '../../pki/errors.js';
import { OID } from '../../pki/oids.js';
import type { CertificateProfile } from '../../pki/profiles/types.js';
import { checkCsr, type CsrDefectCode, type ExpectedSubject } from '../../pki/csr/check-csr.js';
import { CSR_DEFECT_CODES } from '../../pki/csr/csr-defects.js';
import { csrFromPem, csrPemToDer } from '../../pki/csr/csr-pem.js';
import { parseCsr } from '../../pki/csr/parse-csr.js';
import {
  buildCsr,
  buildCsrParts,
  compressedP256,
  ecPoint,
  ecSpki,
  encodeAttribute,
  encodeExtension,
  extensionValue,
  freshKey,
  rsaSpki,
  testKey,
  toPem,
  type CsrSpec,
} from '../helpers/csr-factory.js';
import { rsaOnlyProfile, seccProfile, stationProfile, subCaProfile } from '../helpers/csr-profiles.js';

const STATION: ExpectedSubject = { commonName: 'CS-0001', organization: 'Example CPO' };
/** For ISO 15118 requests the CN is an SECC ID the profile pattern checks; the CSO name still binds O. */
const CSO_ONLY: ExpectedSubject = { organization: 'Example CPO' };
const SECC_SUBJECT = [
  { type: 'CN', value: 'DEABCS00012345' },
  { type: 'O', value: 'Example CPO' },
  { type: 'DC', value: 'CPO' },
] as const;

interface Case {
  /** Named for what it breaks, like Boulder's testdata/*.der.csr. */
  name: string;
  spec: CsrSpec;
  profile?: CertificateProfile;
  expected?: ExpectedSubject;
  keyCertified?: boolean;
  /** The defect codes, in the order checkCsr reports them; [] = accepted. */
  codes: CsrDefectCode[];
}

function offCurvePoint(): Uint8Array {
  const point = Uint8Array.from(ecPoint(testKey('p256')));
  point[64] = (point[64] as number) ^ 0x01;
  return point;
}

function evenModulus(): Uint8Array {
  const spki = testKey('rsa2048').spki;
  // RSAPublicKey modulus: 0x02 0x82 0x01 0x01 0x00 <256 octets>, last octet just before the exponent.
  const at = spki.indexOf(0x02, 20);
  const modulus = Uint8Array.from(spki.subarray(at + 4, at + 4 + 257));
  modulus[256] = (modulus[256] as number) & 0xfe;
  return modulus;
}

const cases: Case[] = [
  // Accepted requests, so that every refusal below is a refusal of one thing.
  { name: 'good_p256.der.csr', spec: {}, codes: [] },
  { name: 'good_p384.der.csr', spec: { key: 'p384' }, codes: [] },
  { name: 'good_rsa2048.der.csr', spec: { key: 'rsa2048' }, codes: [] },
  { name: 'good_secc_p256_with_dc.der.csr', spec: { subject: SECC_SUBJECT }, profile: seccProfile, expected: CSO_ONLY, codes: [] },
  { name: 'good_known_critical_extensions.der.csr', spec: { extensions: [{ oid: OID.basicConstraints, critical: true, value: extensionValue.basicConstraints(false) }, { oid: OID.keyUsage, critical: true, value: extensionValue.keyUsage('digitalSignature', 'keyAgreement') }, { oid: OID.extKeyUsage, value: extensionValue.extKeyUsage(OID.kpClientAuth) }] }, codes: [] },
  { name: 'good_unknown_noncritical_extension.der.csr', spec: { extensions: [{ oid: '1.3.6.1.4.1.99999.1', value: nullValue() }] }, codes: [] },
  { name: 'good_ca_request_on_sub_ca_profile.der.csr', spec: { subject: [{ type: 'CN', value: 'CPO Sub-CA 2' }, { type: 'O', value: 'Example CPO' }, { type: 'DC', value: 'V2G' }], extensions: [{ oid: OID.basicConstraints, critical: true, value: extensionValue.basicConstraints(true, 0) }, { oid: OID.keyUsage, critical: true, value: extensionValue.keyUsage('keyCertSign', 'cRLSign') }] }, profile: subCaProfile, expected: CSO_ONLY, codes: [] },
  { name: 'good_challenge_password_attribute.der.csr', spec: { attributes: [encodeAttribute(OID.challengePassword, utf8String('secret'))] }, codes: [] },
  { name: 'good_printable_string_cn.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001', tag: TAG.PRINTABLE_STRING }, { type: 'O', value: 'Example CPO' }, { type: 'C', value: 'NL' }] }, codes: [] },

  // Version.
  { name: 'version_1.der.csr', spec: { version: 1 }, codes: ['BAD_VERSION'] },

  // Signature and proof of possession.
  { name: 'invalid_signature.der.csr', spec: { breakSignature: true }, codes: ['SIGNATURE_INVALID'] },
  { name: 'signed_by_other_key.der.csr', spec: { signWith: freshKey('p256') }, codes: ['SIGNATURE_INVALID'] },
  { name: 'rsa_signature_algorithm_on_ec_key.der.csr', spec: { signatureAlgorithm: { id: seq(oid(OID.sha256WithRSAEncryption), nullValue()), hash: 'sha256' } }, codes: ['SIGNATURE_INVALID'] },
  { name: 'sha1_rsa_signature.der.csr', spec: { key: 'rsa2048', signatureAlgorithm: { id: seq(oid('1.2.840.113549.1.1.5'), nullValue()), hash: 'sha1' } }, codes: ['UNSUPPORTED_SIGNATURE_ALGORITHM'] },
  { name: 'ecdsa_sha512_signature.der.csr', spec: { signatureAlgorithm: { id: seq(oid('1.2.840.10045.4.3.4')), hash: 'sha512' } }, codes: ['UNSUPPORTED_SIGNATURE_ALGORITHM'] },
  { name: 'ecdsa_with_null_parameters.der.csr', spec: { signatureAlgorithm: { id: seq(oid(OID.ecdsaWithSHA256), nullValue()), hash: 'sha256' } }, codes: ['UNSUPPORTED_SIGNATURE_ALGORITHM'] },

  // Keys.
  { name: 'short_key_rsa1024.der.csr', spec: { key: 'rsa1024' }, codes: ['KEY_TOO_SMALL'] },
  { name: 'rsa2048_below_profile_minimum.der.csr', spec: { key: 'rsa2048' }, profile: rsaOnlyProfile, codes: ['KEY_TOO_SMALL'] },
  { name: 'rsa_exponent_3.der.csr', spec: { key: 'rsa2048-e3' }, codes: ['KEY_WEAK_EXPONENT'] },
  { name: 'curve_p192.der.csr', spec: { key: 'p192' }, codes: ['CURVE_NOT_ALLOWED'] },
  { name: 'curve_secp256k1.der.csr', spec: { key: 'secp256k1' }, codes: ['CURVE_NOT_ALLOWED'] },
  { name: 'curve_p384_on_p256_profile.der.csr', spec: { key: 'p384', subject: SECC_SUBJECT }, profile: seccProfile, expected: CSO_ONLY, codes: ['CURVE_NOT_ALLOWED'] },
  { name: 'explicit_curve_parameters.der.csr', spec: { spki: ecSpki(seq(integer(1), seq(oid('1.2.840.10045.1.1'), integer(7))), ecPoint(testKey('p256'))) }, codes: ['CURVE_NOT_ALLOWED'] },
  { name: 'rsa_key_on_ec_profile.der.csr', spec: { key: 'rsa2048', subject: SECC_SUBJECT }, profile: seccProfile, expected: CSO_ONLY, codes: ['KEY_TYPE_NOT_ALLOWED'] },
  { name: 'ec_key_on_rsa_profile.der.csr', spec: {}, profile: rsaOnlyProfile, codes: ['KEY_TYPE_NOT_ALLOWED'] },
  { name: 'ed25519_key.der.csr', spec: { key: 'ed25519' }, codes: ['KEY_TYPE_NOT_ALLOWED', 'UNSUPPORTED_SIGNATURE_ALGORITHM'] },
  { name: 'ec_point_not_on_curve.der.csr', spec: { spki: ecSpki(OID.secp256r1, offCurvePoint()) }, codes: ['KEY_INVALID'] },
  { name: 'ec_point_compressed.der.csr', spec: { spki: ecSpki(OID.secp256r1, compressedP256(testKey('p256'))) }, codes: ['KEY_INVALID'] },
  { name: 'rsa_modulus_even.der.csr', spec: { key: 'rsa2048', spki: rsaSpki(evenModulus(), 65537n) }, codes: ['KEY_INVALID'] },
  { name: 'key_already_certified.der.csr', spec: {}, keyCertified: true, codes: ['KEY_ALREADY_CERTIFIED'] },

  // Subject (OCPP 2.0.1 A00.FR.404 / A00.FR.405, profile rules).
  { name: 'wrong_cn.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0002' }, { type: 'O', value: 'Example CPO' }] }, codes: ['SUBJECT_VALUE_MISMATCH'] },
  { name: 'wrong_o.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001' }, { type: 'O', value: 'Other CPO' }] }, codes: ['SUBJECT_VALUE_MISMATCH'] },
  { name: 'cn_differs_in_case.der.csr', spec: { subject: [{ type: 'CN', value: 'cs-0001' }, { type: 'O', value: 'Example CPO' }] }, codes: ['SUBJECT_VALUE_MISMATCH'] },
  { name: 'wrong_dc.der.csr', spec: { subject: [SECC_SUBJECT[0], SECC_SUBJECT[1], { type: 'DC', value: 'MO' }] }, profile: seccProfile, expected: CSO_ONLY, codes: ['SUBJECT_VALUE_MISMATCH'] },
  { name: 'missing_o.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001' }] }, codes: ['SUBJECT_MISSING_ATTRIBUTE'] },
  { name: 'missing_dc.der.csr', spec: { subject: [SECC_SUBJECT[0], SECC_SUBJECT[1]] }, profile: seccProfile, expected: CSO_ONLY, codes: ['SUBJECT_MISSING_ATTRIBUTE'] },
  { name: 'empty_subject.der.csr', spec: { subject: [] }, codes: ['SUBJECT_MISSING_ATTRIBUTE', 'SUBJECT_MISSING_ATTRIBUTE'] },
  { name: 'too_long_cn.der.csr', spec: { subject: [{ type: 'CN', value: 'C'.repeat(65) }, { type: 'O', value: 'Example CPO' }] }, expected: { commonName: 'C'.repeat(65), organization: 'Example CPO' }, codes: ['SUBJECT_VALUE_TOO_LONG'] },
  { name: 'duplicate_cn.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001' }, { type: 'CN', value: 'CS-0001' }, { type: 'O', value: 'Example CPO' }] }, codes: ['SUBJECT_DUPLICATE_ATTRIBUTE'] },
  { name: 'unexpected_email_attribute.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001' }, { type: 'O', value: 'Example CPO' }, { oid: '1.2.840.113549.1.9.1', value: 'ops@example.com', tag: TAG.IA5_STRING }] }, codes: ['SUBJECT_UNEXPECTED_ATTRIBUTE'] },
  { name: 'unexpected_dc_on_station_profile.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001' }, { type: 'O', value: 'Example CPO' }, { type: 'DC', value: 'CPO' }] }, codes: ['SUBJECT_UNEXPECTED_ATTRIBUTE'] },
  { name: 'secc_cn_pattern_mismatch.der.csr', spec: { subject: [{ type: 'CN', value: 'DE-ABC' }, SECC_SUBJECT[1], SECC_SUBJECT[2]] }, profile: seccProfile, expected: CSO_ONLY, codes: ['SUBJECT_PATTERN_MISMATCH'] },
  { name: 'secc_cn_pattern_matches_only_a_prefix.der.csr', spec: { subject: [{ type: 'CN', value: 'DEABCS0001 trailing' }, SECC_SUBJECT[1], SECC_SUBJECT[2]] }, profile: seccProfile, expected: CSO_ONLY, codes: ['SUBJECT_PATTERN_MISMATCH'] },
  { name: 'cn_as_t61string.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001', tag: 0x14 }, { type: 'O', value: 'Example CPO' }] }, codes: ['SUBJECT_BAD_STRING'] },
  { name: 'ou_with_control_character.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001' }, { type: 'O', value: 'Example CPO' }, { type: 'OU', value: 'ops\u0000evil' }] }, codes: ['SUBJECT_BAD_STRING'] },
  { name: 'ou_printable_string_with_at_sign.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001' }, { type: 'O', value: 'Example CPO' }, { type: 'OU', value: 'ops@site', tag: TAG.PRINTABLE_STRING }] }, codes: ['SUBJECT_BAD_STRING'] },
  { name: 'country_as_utf8string.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001' }, { type: 'O', value: 'Example CPO' }, { type: 'C', value: 'NL', tag: TAG.UTF8_STRING }] }, codes: ['SUBJECT_BAD_STRING'] },
  { name: 'empty_ou.der.csr', spec: { subject: [{ type: 'CN', value: 'CS-0001' }, { type: 'O', value: 'Example CPO' }, { type: 'OU', value: '' }] }, codes: ['SUBJECT_BAD_STRING'] },

  // Requested extensions.
  { name: 'ca_requested_basic_constraints.der.csr', spec: { extensions: [{ oid: OID.basicConstraints, critical: true, value: extensionValue.basicConstraints(true) }] }, codes: ['CA_REQUESTED'] },
  { name: 'key_cert_sign_requested.der.csr', spec: { extensions: [{ oid: OID.keyUsage, critical: true, value: extensionValue.keyUsage('digitalSignature', 'keyCertSign') }] }, codes: ['CA_REQUESTED'] },
  { name: 'crl_sign_requested.der.csr', spec: { extensions: [{ oid: OID.keyUsage, value: extensionValue.keyUsage('cRLSign') }] }, codes: ['CA_REQUESTED'] },
  { name: 'unknown_critical_extension.der.csr', spec: { extensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: nullValue() }] }, codes: ['UNKNOWN_CRITICAL_EXTENSION'] },

  // All at once: every defect is reported, not only the first.
  {
    name: 'everything_wrong.der.csr',
    spec: { key: 'rsa1024', version: 1, breakSignature: true, subject: [{ type: 'CN', value: 'CS-9999' }, { type: 'CN', value: 'CS-9999' }], extensions: [{ oid: OID.basicConstraints, critical: true, value: extensionValue.basicConstraints(true) }, { oid: '1.3.6.1.4.1.99999.1', critical: true, value: nullValue() }] },
    keyCertified: true,
    codes: ['BAD_VERSION', 'KEY_TOO_SMALL', 'SIGNATURE_INVALID', 'KEY_ALREADY_CERTIFIED', 'SUBJECT_DUPLICATE_ATTRIBUTE', 'SUBJECT_MISSING_ATTRIBUTE', 'SUBJECT_VALUE_MISMATCH', 'SUBJECT_VALUE_MISMATCH', 'CA_REQUESTED', 'UNKNOWN_CRITICAL_EXTENSION'],
  },
];

function run(c: Case): ReturnType<typeof checkCsr> {
  const csr = parseCsr(buildCsr(c.spec));
  return checkCsr(csr, { profile: c.profile ?? stationProfile, expectedSubject: c.expected ?? STATION, ...(c.keyCertified ? { keyCertifiedForOtherIdentity: true } : {}) });
}

describe('checkCsr: one case per defect, named for what it breaks', () => {
  for (const c of cases) {
    it(`${c.name} -> ${c.codes.length ? c.codes.join(', ') : 'accepted'}`, () => {
      const result = run(c);
      if (result.ok) assert.deepEqual([], c.codes, 'accepted, but defects were expected');
      else {
        assert.deepEqual(result.defects.map((d) => d.code), c.codes, result.defects.map((d) => `${d.code}: ${d.detail}`).join('\n'));
        for (const d of result.defects) assert.ok(d.detail.length > 0, `${d.code} has no detail`);
      }
    });
  }

  it('has a case producing exactly each defect code, alone', () => {
    for (const code of CSR_DEFECT_CODES) assert.ok(cases.some((c) => c.codes.length === 1 && c.codes[0] === code), `no case produces exactly ${code}`);
  });

  it('an accepted request yields the key unchanged and the subject in profile order', () => {
    const key = testKey('p256');
    const result = checkCsr(parseCsr(buildCsr({ subject: [{ type: 'OU', value: 'Depot' }, { type: 'O', value: 'Example CPO' }, { type: 'CN', value: 'CS-0001' }] })), { profile: stationProfile, expectedSubject: STATION });
    assert.ok(result.ok);
    assert.deepEqual(result.publicKey, key.spki);
    assert.deepEqual(result.subject.map((a) => `${a.type}=${a.value}`), ['CN=CS-0001', 'O=Example CPO', 'OU=Depot']);
  });

  it('without an expected subject only the profile rules apply', () => {
    const csr = parseCsr(buildCsr({ subject: [{ type: 'CN', value: 'anything' }, { type: 'O', value: 'Any CPO' }] }));
    assert.equal(checkCsr(csr, { profile: stationProfile }).ok, true);
  });

  it('an expected CN is required even where the profile makes CN optional', () => {
    const profile: CertificateProfile = { ...stationProfile, subject: { ...stationProfile.subject, required: ['O'], optional: ['CN'] } };
    const result = checkCsr(parseCsr(buildCsr({ subject: [{ type: 'O', value: 'Example CPO' }] })), { profile, expectedSubject: STATION });
    assert.deepEqual(result.ok ? [] : result.defects.map((d) => d.code), ['SUBJECT_MISSING_ATTRIBUTE']);
  });
});

describe('parseCsr', () => {
  it('reads every field of a request', () => {
    const extensions = [{ oid: OID.keyUsage, critical: true, value: extensionValue.keyUsage('digitalSignature', 'keyAgreement') }, { oid: OID.basicConstraints, critical: true, value: extensionValue.basicConstraints(false) }, { oid: OID.subjectAltName, value: extensionValue.subjectAltNameDns('cs-0001.example') }];
    const parts = buildCsrParts({ extensions });
    const der = buildCsr({ extensions });
    const csr = parseCsr(der);
    assert.equal(csr.version, 0);
    assert.deepEqual(csr.subject.map((a) => [a.type, a.value, a.tag]), [['CN', 'CS-0001', TAG.UTF8_STRING], ['O', 'Example CPO', TAG.UTF8_STRING]]);
    assert.deepEqual(csr.publicKey, testKey('p256').spki);
    assert.deepEqual(csr.certificationRequestInfo, parts.info);
    assert.deepEqual(csr.signatureAlgorithm, { algorithm: 'ecdsa-with-SHA256', hash: 'sha256' });
    assert.equal(csr.signatureAlgorithmParameters, null);
    assert.deepEqual(csr.attributes.map((a) => [a.oid, a.values.length]), [[OID.extensionRequest, 1]]);
    assert.deepEqual(csr.requestedExtensions.map((e) => [e.oid, e.critical]), [[OID.keyUsage, true], [OID.basicConstraints, true], [OID.subjectAltName, false]]);
    assert.deepEqual(csr.requestedExtensions[2]?.value, extensionValue.subjectAltNameDns('cs-0001.example'));
    assert.deepEqual(csr.requestedBasicConstraints, { ca: false, pathLen: null });
    assert.deepEqual(csr.requestedKeyUsage, ['digitalSignature', 'keyAgreement']);
    assert.deepEqual(csr.der, der);
  });

  it('reads a requested pathLenConstraint', () => {
    const csr = parseCsr(buildCsr({ extensions: [{ oid: OID.basicConstraints, critical: true, value: extensionValue.basicConstraints(true, 1) }] }));
    assert.deepEqual(csr.requestedBasicConstraints, { ca: true, pathLen: 1 });
  });

  const extensionRequest = (...extensions: Uint8Array[]): Uint8Array => encodeAttribute(OID.extensionRequest, seq(...extensions));
  const unknown = encodeExtension({ oid: '1.3.6.1.4.1.99999.1', value: nullValue() });
  const reassemble = (edit: (p: { info: Uint8Array; algorithm: Uint8Array; signature: Uint8Array }) => Uint8Array[]): Uint8Array => seq(...edit(buildCsrParts()));
  const good = buildCsr();

  const bad: [string, () => Uint8Array, 'MALFORMED_DER' | 'CSR_REJECTED'][] = [
    ['empty input', () => new Uint8Array(), 'MALFORMED_DER'],
    ['truncated_by_one_byte', () => good.subarray(0, good.length - 1), 'MALFORMED_DER'],
    ['trailing_byte', () => Uint8Array.from([...good, 0]), 'MALFORMED_DER'],
    ['not_a_sequence', () => octetString(good), 'MALFORMED_DER'],
    ['missing_signature', () => reassemble((p) => [p.info, p.algorithm]), 'MALFORMED_DER'],
    ['extra_outer_field', () => reassemble((p) => [p.info, p.algorithm, tlv(TAG.BIT_STRING, Uint8Array.of(0), p.signature), nullValue()]), 'MALFORMED_DER'],
    ['signature_with_unused_bits', () => reassemble((p) => [p.info, p.algorithm, tlv(TAG.BIT_STRING, Uint8Array.of(1), p.signature)]), 'MALFORMED_DER'],
    ['signature_algorithm_with_two_parameters', () => reassemble((p) => [p.info, seq(oid(OID.ecdsaWithSHA256), nullValue(), nullValue()), tlv(TAG.BIT_STRING, Uint8Array.of(0), p.signature)]), 'MALFORMED_DER'],
    ['attributes_missing', () => buildCsr({ infoFields: (f) => f.slice(0, 3) }), 'MALFORMED_DER'],
    ['info_extra_field', () => buildCsr({ infoFields: (f) => [...f, nullValue()] }), 'MALFORMED_DER'],
    ['version_not_integer', () => buildCsr({ infoFields: (f) => [nullValue(), ...f.slice(1)] }), 'MALFORMED_DER'],
    ['rdn_as_sequence_not_set', () => buildCsr({ subjectDer: seq(seq(seq(oid(OID.commonName), utf8String('CS-0001')))) }), 'MALFORMED_DER'],
    ['empty_rdn', () => buildCsr({ subjectDer: seq(tlv(TAG.SET)) }), 'MALFORMED_DER'],
    ['attribute_value_missing', () => buildCsr({ subjectDer: seq(setOf(seq(oid(OID.commonName)))) }), 'MALFORMED_DER'],
    ['cn_not_utf8', () => buildCsr({ subjectDer: seq(setOf(seq(oid(OID.commonName), tlv(TAG.UTF8_STRING, Uint8Array.of(0xc3, 0x28))))) }), 'MALFORMED_DER'],
    ['spki_without_key', () => buildCsr({ spki: seq(seq(oid(OID.ecPublicKey), oid(OID.secp256r1))) }), 'MALFORMED_DER'],
    ['attribute_without_values', () => buildCsr({ attributes: [seq(oid(OID.challengePassword), tlv(TAG.SET))] }), 'MALFORMED_DER'],
    ['critical_false_encoded', () => buildCsr({ extensions: [{ raw: seq(oid(OID.keyUsage), boolean(false), octetString(extensionValue.keyUsage('digitalSignature'))) }] }), 'MALFORMED_DER'],
    ['extension_value_not_der', () => buildCsr({ extensions: [{ oid: '1.3.6.1.4.1.99999.1', value: Uint8Array.of(0x05, 0x00, 0x00) }] }), 'MALFORMED_DER'],
    ['basic_constraints_ca_false_encoded', () => buildCsr({ extensions: [{ oid: OID.basicConstraints, value: seq(boolean(false)) }] }), 'MALFORMED_DER'],
    ['basic_constraints_negative_path_len', () => buildCsr({ extensions: [{ oid: OID.basicConstraints, value: seq(boolean(true), tlv(TAG.INTEGER, Uint8Array.of(0xff))) }] }), 'MALFORMED_DER'],
    ['key_usage_not_bit_string', () => buildCsr({ extensions: [{ oid: OID.keyUsage, value: nullValue() }] }), 'MALFORMED_DER'],
    ['two_extension_requests', () => buildCsr({ attributes: [extensionRequest(unknown), extensionRequest(unknown)] }), 'CSR_REJECTED'],
    ['extension_request_with_two_values', () => buildCsr({ attributes: [encodeAttribute(OID.extensionRequest, seq(unknown), seq())] }), 'CSR_REJECTED'],
    ['duplicate_extension', () => buildCsr({ extensions: [{ raw: unknown }, { raw: unknown }] }), 'CSR_REJECTED'],
  ];
  for (const [name, make, code] of bad) {
    it(`${name} -> ${code}`, () => {
      assert.throws(() => parseCsr(make()), (e: unknown) => e instanceof PkiError && e.code === code);
    });
  }

  it('leaves an unsupported version to checkCsr (BAD_VERSION), so every defect can be named', () => {
    assert.equal(parseCsr(buildCsr({ version: 3 })).version, 3);
  });
});

describe('csrFromPem', () => {
  const der = buildCsr();
  const pem = toPem(der);
  const body = pem.split('\n').slice(1, -2).join('\n');

  const good: [string, string][] = [
    ['LF line endings', pem],
    ['CRLF line endings', toPem(der, 'CERTIFICATE REQUEST', '\r\n')],
    ['the whole block on one line', pem.replace(/\n/g, '')],
    ['surrounding whitespace', `\n  ${pem}\n\n`],
    ['legacy NEW CERTIFICATE REQUEST label', toPem(der, 'NEW CERTIFICATE REQUEST')],
  ];
  for (const [name, text] of good) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(csrPemToDer(text), der);
      assert.deepEqual(csrFromPem(text).der, der);
    });
  }

  const bad: [string, string, 'MALFORMED_DER' | 'CSR_REJECTED'][] = [
    ['empty', '', 'MALFORMED_DER'],
    ['bare base64', Buffer.from(der).toString('base64'), 'MALFORMED_DER'],
    ['text before the block', `subject=CN=CS-0001\n${pem}`, 'MALFORMED_DER'],
    ['text after the block', `${pem}trailer`, 'MALFORMED_DER'],
    ['END label differs', pem.replace('END CERTIFICATE REQUEST', 'END CERTIFICATE'), 'MALFORMED_DER'],
    ['no END line', pem.slice(0, pem.indexOf('-----END')), 'MALFORMED_DER'],
    ['encapsulated headers', pem.replace('-----\n', '-----\nProc-Type: 4,ENCRYPTED\n\n'), 'MALFORMED_DER'],
    ['character outside base64', pem.replace(body.slice(0, 4), `${body.slice(0, 3)}*`), 'MALFORMED_DER'],
    ['missing padding', `-----BEGIN CERTIFICATE REQUEST-----\nMII\n-----END CERTIFICATE REQUEST-----`, 'MALFORMED_DER'],
    ['non-canonical padding bits', `-----BEGIN CERTIFICATE REQUEST-----\nMIB=\n-----END CERTIFICATE REQUEST-----`, 'MALFORMED_DER'],
    ['empty body', `-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----`, 'MALFORMED_DER'],
    ['a certificate, not a request', toPem(der, 'CERTIFICATE'), 'CSR_REJECTED'],
    ['two blocks', `${pem}${pem}`, 'CSR_REJECTED'],
    ['truncated DER inside good armour', toPem(der.subarray(0, 40)), 'MALFORMED_DER'],
    // Would hang if trimming backtracked quadratically over a long whitespace run.
    ['a long whitespace run before junk', `${' '.repeat(100_000)}x${' '.repeat(100_000)}y`, 'MALFORMED_DER'],
  ];
  for (const [name, text, code] of bad) {
    it(`${name} -> ${code}`, () => {
      assert.throws(() => csrFromPem(text), (e: unknown) => e instanceof PkiError && e.code === code);
    });
  }
});

// An independent producer: requests written by `openssl req` must parse and pass, and a request
// of ours must verify in openssl. Our code checking our code is not enough (STYLE.md).
describe('openssl req interoperability', () => {
  const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
  const skip = hasOpenssl ? false : 'openssl is not installed';
  let dir = '';
  before(() => {
    if (!hasOpenssl) return;
    dir = mkdtempSync(join(tmpdir(), 'plugtrust-csr-'));
    // A minimal config, so that no distribution default (req_extensions, string_mask) leaks in.
    writeFileSync(join(dir, 'req.cnf'), '[req]\ndistinguished_name = dn\nstring_mask = utf8only\n[dn]\n');
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const opensslReq = (args: string[]): Buffer => {
    const r = spawnSync('openssl', ['req', '-new', '-config', join(dir, 'req.cnf'), '-nodes', '-keyout', join(dir, 'key.pem'), ...args], { maxBuffer: 1 << 20 });
    assert.equal(r.status, 0, r.stderr.toString());
    return r.stdout;
  };

  it('an EC P-256 request (DER) for a Charging Station passes', { skip }, () => {
    const der = opensslReq(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/O=Example CPO/CN=CS-0001', '-outform', 'DER']);
    const csr = parseCsr(new Uint8Array(der));
    const result = checkCsr(csr, { profile: stationProfile, expectedSubject: STATION });
    assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.defects));
    assert.deepEqual(result.subject.map((a) => a.type), ['CN', 'O']);
  });

  it('an RSA 2048 request with the legacy NEW CERTIFICATE REQUEST label passes', { skip }, () => {
    const pem = opensslReq(['-newkey', 'rsa:2048', '-newhdr', '-subj', '/CN=CS-0001/O=Example CPO/C=NL']).toString();
    assert.match(pem, /^-----BEGIN NEW CERTIFICATE REQUEST-----/);
    const result = checkCsr(csrFromPem(pem), { profile: stationProfile, expectedSubject: STATION });
    assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.defects));
  });

  it('an SECC request with DC and requested extensions passes', { skip }, () => {
    const pem = opensslReq(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=DEABCS00012345/O=Example CPO/DC=CPO', '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature,keyAgreement']).toString();
    const csr = csrFromPem(pem);
    assert.deepEqual(csr.requestedBasicConstraints, { ca: false, pathLen: null });
    assert.deepEqual(csr.requestedKeyUsage, ['digitalSignature', 'keyAgreement']);
    const result = checkCsr(csr, { profile: seccProfile, expectedSubject: CSO_ONLY });
    assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.defects));
  });

  it('an openssl request asking for CA:TRUE and keyCertSign is refused for a leaf', { skip }, () => {
    const pem = opensslReq(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=CS-0001/O=Example CPO', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']).toString();
    const result = checkCsr(csrFromPem(pem), { profile: stationProfile, expectedSubject: STATION });
    assert.deepEqual(result.ok ? [] : result.defects.map((d) => d.code), ['CA_REQUESTED', 'CA_REQUESTED']);
  });

  it('openssl verifies the requests our factory builds, and refuses the broken signature', { skip }, () => {
    // OpenSSL 3.0 exits 0 after a failed self-signature check, so read what it says as well.
    const verify = (der: Uint8Array): boolean => {
      writeFileSync(join(dir, 'ours.der'), der);
      const r = spawnSync('openssl', ['req', '-in', join(dir, 'ours.der'), '-inform', 'DER', '-verify', '-noout'], { encoding: 'utf8' });
      return r.status === 0 && /verify OK/.test(r.stdout + r.stderr) && !/failure/i.test(r.stdout + r.stderr);
    };
    assert.equal(verify(buildCsr({ extensions: [{ oid: OID.keyUsage, critical: true, value: extensionValue.keyUsage('digitalSignature') }] })), true);
    assert.equal(verify(buildCsr({ key: 'rsa2048' })), true);
    assert.equal(verify(buildCsr({ breakSignature: true })), false);
  });
});

// Whatever the bytes, parseCsr throws PkiError (MALFORMED_DER or CSR_REJECTED) or returns, and
// checkCsr then returns: no TypeError, RangeError or OpenSSL error escapes to the caller.
describe('mutated and truncated requests', () => {
  /** mulberry32: a seeded PRNG, so that a failure names a reproducible mutant. */
  const prng = (seed: number): (() => number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const seeds: [string, Uint8Array][] = [
    ['p256 with extensions', buildCsr({ extensions: [{ oid: OID.basicConstraints, critical: true, value: extensionValue.basicConstraints(true, 0) }, { oid: OID.keyUsage, value: extensionValue.keyUsage('digitalSignature', 'keyCertSign') }, { oid: '1.3.6.1.4.1.99999.1', critical: true, value: nullValue() }], attributes: [encodeAttribute(OID.challengePassword, utf8String('pw'))] })],
    ['rsa2048', buildCsr({ key: 'rsa2048' })],
    ['secc', buildCsr({ subject: SECC_SUBJECT })],
  ];
  const mutate = (input: Uint8Array, rand: () => number): Uint8Array => {
    const b = Array.from(input);
    const at = (): number => Math.floor(rand() * b.length);
    const edits = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < edits && b.length > 0; i++) {
      const r = rand();
      if (r < 0.35) b[at()] = Math.floor(rand() * 256);
      else if (r < 0.5) { const j = at(); b[j] = (b[j] as number) ^ (1 << Math.floor(rand() * 8)); }
      else if (r < 0.6) b.splice(at(), 1 + Math.floor(rand() * 4));
      else if (r < 0.7) b.splice(at(), 0, Math.floor(rand() * 256));
      else if (r < 0.8) b[at()] = [0x00, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x85, 0xff][Math.floor(rand() * 8)] as number;
      else if (r < 0.9) b.length = at();
      else {
        const from = at();
        b.splice(at(), 0, ...b.slice(from, from + 1 + Math.floor(rand() * 16)));
      }
    }
    return Uint8Array.from(b);
  };

  const tally = { parsed: 0, accepted: 0, MALFORMED_DER: 0, CSR_REJECTED: 0 };
  const exercise = (input: Uint8Array | string, label: string): void => {
    let csr;
    try {
      csr = typeof input === 'string' ? csrFromPem(input) : parseCsr(input);
    } catch (e) {
      if (!(e instanceof PkiError) || (e.code !== 'MALFORMED_DER' && e.code !== 'CSR_REJECTED')) {
        assert.fail(`${label}: threw ${e instanceof Error ? `${e.name} ${e.message}` : String(e)} for ${typeof input === 'string' ? JSON.stringify(input) : Buffer.from(input).toString('hex')}`);
      }
      tally[e.code]++;
      return;
    }
    tally.parsed++;
    const result = checkCsr(csr, { profile: stationProfile, expectedSubject: STATION });
    if (result.ok) tally.accepted++;
    else for (const d of result.defects) assert.ok(CSR_DEFECT_CODES.includes(d.code) && d.detail.length > 0);
  };

  it('every truncation of every seed request throws only PkiError', () => {
    for (const [name, der] of seeds) for (let n = 0; n < der.length; n++) exercise(der.subarray(0, n), `${name} truncated to ${n}`);
  });

  it('thousands of mutated requests throw only PkiError, and checkCsr never throws', () => {
    const rand = prng(0x5eed);
    for (const [name, der] of seeds) for (let i = 0; i < 2000; i++) exercise(mutate(der, rand), `${name} mutant ${i}`);
    // The mutants reach every layer: some die in the DER reader, some in PKCS#10 rules, some parse.
    assert.ok(tally.MALFORMED_DER > 1000 && tally.parsed > 100, JSON.stringify(tally));
  });

  it('mutated PEM text throws only PkiError', () => {
    const rand = prng(0xbeef);
    const pem = toPem(seeds[0]?.[1] as Uint8Array);
    const alphabet = '-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \r\n\t:\u0000\u00e9';
    for (let i = 0; i < 1500; i++) {
      const chars = [...pem];
      const edits = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(rand() * chars.length);
        const r = rand();
        if (r < 0.4) chars[at] = alphabet[Math.floor(rand() * alphabet.length)] as string;
        else if (r < 0.7) chars.splice(at, 1 + Math.floor(rand() * 8));
        else chars.splice(at, 0, alphabet[Math.floor(rand() * alphabet.length)] as string);
      }
      exercise(chars.join(''), `pem mutant ${i}`);
    }
    for (let n = 0; n < pem.length; n += 3) exercise(pem.slice(0, n), `pem truncated to ${n}`);
  });
});
