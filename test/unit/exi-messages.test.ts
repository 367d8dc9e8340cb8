// Messages the vectors do not cover, and the codec's errors for bad streams and bad typed input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeV2gMessage,
  encodeElementFragment,
  encodeV2gMessage,
  ExiError,
  type CertificateChain,
  type ExiErrorCode,
  type V2gMessage,
} from '../../pki/exi/index.js';
import { loadVector } from '../helpers/exi-vectors.js';

const rejects = (code: ExiErrorCode, fn: () => unknown): void => {
  assert.throws(fn, (error: unknown) => error instanceof ExiError && error.code === code);
};
const octets = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const chain: CertificateChain = { id: 'c1', certificate: octets(300, 0x30), subCertificates: [octets(10, 1), octets(11, 2), octets(12, 3), octets(13, 4)] };
const roots = Array.from({ length: 20 }, (_, i) => ({ issuerName: `CN=Root ${i}`, serialNumber: BigInt(i) * 0x10000000000000000000000000000000000n - 1n }));

const update: V2gMessage = {
  header: { sessionId: octets(8, 0xab), notification: { faultCode: 'UnknownError', faultMessage: 'retry later' } },
  body: { kind: 'CertificateUpdateReq', id: 'u1', contractCertificateChain: chain, emaid: 'DEABCC123456789', rootCertificateIds: roots },
};
const updateResponse: V2gMessage = {
  header: { sessionId: octets(1, 0) },
  body: {
    kind: 'CertificateUpdateRes',
    responseCode: 'FAILED_CertificateRevoked',
    provisioningCertificateChain: { certificate: octets(5, 9) },
    contractCertificateChain: chain,
    encryptedPrivateKey: { id: 'k', value: octets(48, 7) },
    dhPublicKey: { id: 'd', value: octets(65, 4) },
    emaid: { id: 'e', value: 'DEABCC123456789' },
    retryCounter: -32768,
  },
};

describe('messages beyond the vectors', () => {
  it('round-trips CertificateUpdateReq with a Notification, 20 roots and negative serials', () => {
    assert.deepEqual(decodeV2gMessage(encodeV2gMessage(update)), update);
  });

  it('round-trips CertificateUpdateRes with RetryCounter and an unsigned chain', () => {
    assert.deepEqual(decodeV2gMessage(encodeV2gMessage(updateResponse)), updateResponse);
    const { retryCounter: _omit, ...withoutRetry } = updateResponse.body as Extract<V2gMessage['body'], { kind: 'CertificateUpdateRes' }>;
    const plain: V2gMessage = { header: updateResponse.header, body: withoutRetry };
    assert.deepEqual(decodeV2gMessage(encodeV2gMessage(plain)), plain);
  });

  it('refuses typed input the schema cannot express', () => {
    rejects('INVALID_MESSAGE', () => encodeV2gMessage({ ...update, header: { sessionId: octets(9, 0) } }));
    const tooMany = { ...update, body: { ...update.body, rootCertificateIds: [...roots, roots[0]!] } } as V2gMessage;
    rejects('INVALID_MESSAGE', () => encodeV2gMessage(tooMany));
    const fiveSubs = { ...update, body: { ...update.body, contractCertificateChain: { ...chain, subCertificates: [...chain.subCertificates!, octets(1, 0)] } } } as V2gMessage;
    rejects('INVALID_MESSAGE', () => encodeV2gMessage(fiveSubs));
    rejects('INVALID_MESSAGE', () => encodeV2gMessage({ ...updateResponse, body: { ...updateResponse.body, retryCounter: 40000 } } as V2gMessage));
    rejects('INVALID_MESSAGE', () => encodeElementFragment({ name: 'DHpublickey', value: { id: 'x', value: 'not bytes' as unknown as Uint8Array } }));
  });

  it('rejects streams that are not what they claim', () => {
    const request = loadVector('certificate-installation-req').exi;
    rejects('BAD_HEADER', () => decodeV2gMessage(Uint8Array.of(0x81, ...request.subarray(1))));
    rejects('TRUNCATED', () => decodeV2gMessage(request.subarray(0, request.length - 1)));
    rejects('TRUNCATED', () => decodeV2gMessage(new Uint8Array()));
    rejects('TRAILING_DATA', () => decodeV2gMessage(Uint8Array.of(...request, 0)));
    // SE(SignedInfo) is a global element but not the V2G_Message document this codec decodes.
    rejects('UNSUPPORTED_EVENT', () => decodeV2gMessage(Uint8Array.of(0x80, 72 << 1)));
  });

  it('reports bodies other than the certificate messages as unsupported', () => {
    // SessionSetupReq is member 29 of BodyElement's substitution group.
    const w = encodeV2gMessage({ header: { sessionId: octets(1, 0) }, body: update.body });
    const bits = [...w].map((b) => b.toString(2).padStart(8, '0')).join('');
    // V2G_Message (7) + SE(Header) (1) + SE(SessionID) (1) + CH (1) + length (8) + octet (8)
    // + SessionID EE (1) + Header EE (2) + SE(Body) (1) = 30 bits, then the 6-bit body code.
    assert.equal(bits.slice(8 + 30, 8 + 36), '000111'); // CertificateUpdateReq, code 7
    const patched = bits.slice(0, 8 + 30) + (29).toString(2).padStart(6, '0') + bits.slice(8 + 36);
    const stream = Uint8Array.from(patched.match(/.{1,8}/g) ?? [], (b) => parseInt(b.padEnd(8, '0'), 2));
    rejects('UNSUPPORTED_EVENT', () => decodeV2gMessage(stream));
  });
});
