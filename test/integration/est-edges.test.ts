// The EST edge's tables and small parsers, without a socket: the error-to-HTTP mapping (every code,
// and the errors of the layers below), the wire encoding, HTTP Basic parsing, and the start-time
// configuration check. Pure, but kept beside est.test.ts, which exercises them over TLS.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PkiError } from '../../pki/errors.js';
import { CaError } from '../../src/ca/ca-error.js';
import { parseBasic } from '../../src/est/basic-auth.js';
import { checkEstConfig, DEFAULT_EST_LABELS, type EstAccount, type EstLabel } from '../../src/est/est-config.js';
import { EST_ERROR_CODES, EstError, estReply, estStatus, type EstErrorCode } from '../../src/est/est-error.js';
import { decodeBody, encodeBody, mediaType } from '../../src/est/est-wire.js';
import type { Store } from '../../src/store/store.js';

describe('EST error mapping', () => {
  const expected: Record<EstErrorCode, number> = {
    EST_AUTH_REQUIRED: 401,
    EST_AUTH_FAILED: 401,
    EST_CLIENT_CERT_INVALID: 401,
    EST_FORBIDDEN: 403,
    EST_LABEL_UNKNOWN: 404,
    EST_OPERATION_UNKNOWN: 404,
    EST_UNSUPPORTED_MEDIA_TYPE: 415,
    EST_BAD_REQUEST: 400,
    EST_CSR_REJECTED: 400,
    EST_SUBJECT_MISMATCH: 400,
    EST_ISSUANCE_REFUSED: 400,
    EST_CONFIG_INVALID: 500,
    EST_INTERNAL: 500,
  };
  for (const code of EST_ERROR_CODES) {
    it(`${code} -> ${expected[code]}, a fixed line without the internal message`, () => {
      assert.equal(estStatus(code), expected[code]);
      const reply = estReply(new EstError(code, 'SECRET internal detail /srv/x.ts:12'));
      assert.equal(reply.status, expected[code]);
      assert.equal(reply.code, code);
      assert.match(reply.body, new RegExp(`^${code}: [^\\n]+\\n$`));
      assert.doesNotMatch(reply.body, /SECRET|\.ts:/);
    });
  }

  const below: [string, unknown, EstErrorCode, RegExp][] = [
    ['PkiError MALFORMED_DER', new PkiError('MALFORMED_DER', 'truncated TLV header'), 'EST_BAD_REQUEST', /: MALFORMED_DER\n$/],
    ['PkiError CSR_REJECTED', new PkiError('CSR_REJECTED', 'two extensionRequest attributes'), 'EST_BAD_REQUEST', /: CSR_REJECTED\n$/],
    ['PkiError of another kind', new PkiError('BAD_SIGNATURE', 'x'), 'EST_INTERNAL', /^EST_INTERNAL: internal error\n$/],
    ['CaError CA_LINT_FAILED with findings', new CaError('CA_LINT_FAILED', 'x', [{ code: 'SUBJECT_TOO_LONG', detail: 'secret' }]), 'EST_ISSUANCE_REFUSED', /: CA_LINT_FAILED, SUBJECT_TOO_LONG\n$/],
    ['CaError CA_REQUEST_INVALID', new CaError('CA_REQUEST_INVALID', 'validity'), 'EST_ISSUANCE_REFUSED', /: CA_REQUEST_INVALID\n$/],
    ['CaError CA_KEY_UNAVAILABLE', new CaError('CA_KEY_UNAVAILABLE', 'key k does not decrypt'), 'EST_INTERNAL', /^EST_INTERNAL: internal error\n$/],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')"), 'EST_INTERNAL', /^EST_INTERNAL: internal error\n$/],
    ['a thrown string', 'boom', 'EST_INTERNAL', /^EST_INTERNAL: internal error\n$/],
  ];
  for (const [name, err, code, body] of below) {
    it(`maps ${name} to ${code}`, () => {
      const reply = estReply(err);
      assert.equal(reply.code, code);
      assert.match(reply.body, body);
      assert.doesNotMatch(reply.body, /secret|decrypt|undefined/);
    });
  }
});

describe('EST wire encoding (RFC 7030 4.2.1, RFC 8951)', () => {
  const der = Uint8Array.from({ length: 200 }, (_, i) => (i * 37) & 0xff);

  it('writes base64 in CRLF-terminated lines of at most 64 characters, and reads it back', () => {
    const text = encodeBody(der);
    const lines = text.split('\r\n');
    assert.equal(lines.pop(), '');
    assert.ok(lines.every((l) => l.length > 0 && l.length <= 64));
    assert.deepEqual(decodeBody(text), der);
  });

  it('reads base64 on one line, with LF lines, and with stray spaces', () => {
    const b64 = Buffer.from(der).toString('base64');
    for (const text of [b64, b64.replace(/.{1,76}/g, '$&\n'), `  ${b64.slice(0, 10)} \t${b64.slice(10)}\n`]) assert.deepEqual(decodeBody(text), der);
  });

  const bad: [string, string][] = [
    ['empty', ''],
    ['only_whitespace', ' \r\n '],
    ['bad_alphabet', 'ab$d'],
    ['bad_padding', 'abc=='],
    ['url_safe_alphabet', 'ab-_'],
  ];
  for (const [name, text] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => decodeBody(text), (e: unknown) => e instanceof EstError && e.code === 'EST_BAD_REQUEST');
    });
  }

  it('takes the media type without parameters, case-insensitively', () => {
    assert.equal(mediaType('Application/PKCS10; charset=x'), 'application/pkcs10');
    assert.equal(mediaType(undefined), '');
    assert.equal(mediaType(['application/pkcs10', 'text/plain']), 'application/pkcs10');
  });
});

describe('HTTP Basic parsing (RFC 7617)', () => {
  const b = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  it('splits at the first colon; the password may hold colons and UTF-8', () => {
    assert.deepEqual(parseBasic(`Basic ${b('csms-b:pa:ss:wört')}`), { user: 'csms-b', password: 'pa:ss:wört' });
    assert.deepEqual(parseBasic(`basic ${b('u:')}`), { user: 'u', password: '' });
  });
  for (const [name, header] of [
    ['absent', undefined],
    ['bearer', 'Bearer abc'],
    ['no_colon', `Basic ${b('justauser')}`],
    ['not_base64', 'Basic !!!'],
    ['empty', 'Basic '],
  ] as const) {
    it(`gives no credentials for ${name}`, () => assert.equal(parseBasic(header), null));
  }
});

describe('EST configuration check', () => {
  const issuers: Record<string, string> = { 'cpo-sub-ca-1': 'cpo-sub-ca-1', 'cpo-sub-ca-2': 'cpo-sub-ca-2', 'cps-sub-ca-2': 'cps-sub-ca-2', 'mo-sub-ca-2': 'mo-sub-ca-2', 'oem-sub-ca-2': 'oem-sub-ca-2', 'csms-sub-ca': 'csms-sub-ca' };
  const store = { caIssuers: { get: async (id: string) => (issuers[id] ? { id, profile: issuers[id] } : null) } } as unknown as Pick<Store, 'caIssuers'>;
  const account: EstAccount = { clientId: 'csms-b', allowedLabels: ['secc'], auth: { basicPasswordHash: 'scrypt$32768$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA' } };

  it('accepts the default labels with an account and a default label', async () => {
    await checkEstConfig(store, DEFAULT_EST_LABELS, [account, { clientId: 'peer', allowedLabels: ['cps', 'contract'], auth: { certificateSubjectCn: 'peer' } }], 'secc');
  });

  const bad: [string, EstLabel[], EstAccount[], string | undefined, RegExp][] = [
    ['label_is_an_operation', [{ label: 'cacerts', profile: 'secc-leaf', issuerId: 'cpo-sub-ca-2' }], [], undefined, /not a valid label/],
    ['label_with_slash', [{ label: 'a/b', profile: 'secc-leaf', issuerId: 'cpo-sub-ca-2' }], [], undefined, /not a valid label/],
    ['label_twice', [...DEFAULT_EST_LABELS, { label: 'secc', profile: 'secc-leaf', issuerId: 'cpo-sub-ca-2' }], [], undefined, /defined twice/],
    ['issuer_missing', [{ label: 'x', profile: 'secc-leaf', issuerId: 'nope' }], [], undefined, /no CA named nope/],
    ['issuer_does_not_issue_profile', [{ label: 'x', profile: 'contract-leaf', issuerId: 'cpo-sub-ca-2' }], [], undefined, /does not issue contract-leaf/],
    ['sub_ca_profile', [{ label: 'x', profile: 'cpo-sub-ca-2', issuerId: 'cpo-sub-ca-1' }], [], undefined, /cpo-sub-ca-2 is not issued over EST/],
    ['ocsp_signer_profile', [{ label: 'x', profile: 'ocsp-signer', issuerId: 'cpo-sub-ca-2' }], [], undefined, /ocsp-signer is not issued over EST/],
    ['bad_validity', [{ label: 'x', profile: 'secc-leaf', issuerId: 'cpo-sub-ca-2', validityDays: 0 }], [], undefined, /validityDays/],
    ['default_label_undefined', [...DEFAULT_EST_LABELS], [], 'nope', /default EST label/],
    ['account_unknown_label', [...DEFAULT_EST_LABELS], [{ ...account, allowedLabels: ['nope'] }], undefined, /unknown label/],
    ['account_twice', [...DEFAULT_EST_LABELS], [account, account], undefined, /defined twice/],
    ['client_id_with_colon', [...DEFAULT_EST_LABELS], [{ ...account, clientId: 'a:b' }], undefined, /without ':'/],
    ['plain_password_as_hash', [...DEFAULT_EST_LABELS], [{ ...account, auth: { basicPasswordHash: 'hunter2' } }], undefined, /not an scrypt hash/],
    ['empty_cn', [...DEFAULT_EST_LABELS], [{ ...account, auth: { certificateSubjectCn: '' } }], undefined, /certificateSubjectCn is empty/],
  ];
  for (const [name, labels, accounts, def, message] of bad) {
    it(`refuses ${name}`, async () => {
      await assert.rejects(checkEstConfig(store, labels, accounts, def), (e: unknown) => e instanceof EstError && e.code === 'EST_CONFIG_INVALID' && message.test(e.message));
    });
  }
});
