// ISO 15118-2 contract key transport: the shared vectors' encrypted key opens with the EV's
// provisioning key to exactly the vectors' contract key, and our wrap round-trips.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { decodeV2gMessage } from '../../pki/exi/index.js';
import { KeyWrapError, pointOfSpki, scalarOfPkcs8, uncompressedPoint, wrapContractScalar, unwrapContractKey, wrapContractKey } from '../../pki/iso15118-key-wrap.js';
import { loadPem, loadVector } from '../helpers/exi-vectors.js';

const scalarOf = (key: ReturnType<typeof createPrivateKey>): string => String(key.export({ format: 'jwk' }).d);
const p256 = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

describe('ISO 15118-2 contract key transport', () => {
  it('opens the vector response key with the OEM provisioning key to the vector contract key', () => {
    const body = decodeV2gMessage(loadVector('certificate-installation-res').exi).body;
    assert.equal(body.kind, 'CertificateInstallationRes');
    if (body.kind !== 'CertificateInstallationRes') return;
    const key = unwrapContractKey({ encryptedPrivateKey: body.encryptedPrivateKey.value, dhPublicKey: body.dhPublicKey.value }, createPrivateKey(loadPem('OEMProvCert.key')));
    assert.equal(scalarOf(key), scalarOf(createPrivateKey(loadPem('ContractCert.key'))));
    // and the opened key is the contract certificate's key
    assert.deepEqual(createPublicKey(key).export({ format: 'jwk' }), createPublicKey(loadPem('ContractCert.pem')).export({ format: 'jwk' }));
  });

  it('round-trips a fresh contract key through wrap and unwrap, 48 + 65 octets', () => {
    const ev = p256();
    const contract = p256();
    const wrapped = wrapContractKey({ contractKey: contract.privateKey, recipientKey: ev.publicKey });
    assert.equal(wrapped.encryptedPrivateKey.length, 48);
    assert.equal(wrapped.dhPublicKey.length, 65);
    assert.equal(wrapped.dhPublicKey[0], 0x04);
    assert.equal(scalarOf(unwrapContractKey(wrapped, ev.privateKey)), scalarOf(contract.privateKey));
  });

  it('is deterministic given the ephemeral key and IV, and a fresh IV changes the ciphertext', () => {
    const ev = p256();
    const contract = p256();
    const ephemeralKey = p256().privateKey;
    const iv = new Uint8Array(16).fill(7);
    const a = wrapContractKey({ contractKey: contract.privateKey, recipientKey: ev.publicKey, ephemeralKey, iv });
    const b = wrapContractKey({ contractKey: contract.privateKey, recipientKey: ev.publicKey, ephemeralKey, iv });
    const c = wrapContractKey({ contractKey: contract.privateKey, recipientKey: ev.publicKey, ephemeralKey });
    assert.deepEqual(a, b);
    assert.deepEqual(a.dhPublicKey, uncompressedPoint(createPublicKey(ephemeralKey)));
    assert.notDeepEqual(a.encryptedPrivateKey, c.encryptedPrivateKey);
  });

  it('does not open for another EV (the wrong key yields garbage or a refusal, never the contract key)', () => {
    const contract = p256();
    const wrapped = wrapContractKey({ contractKey: contract.privateKey, recipientKey: p256().publicKey });
    let opened: string | null = null;
    try {
      opened = scalarOf(unwrapContractKey(wrapped, p256().privateKey));
    } catch (err) {
      assert.ok(err instanceof KeyWrapError);
    }
    assert.notEqual(opened, scalarOf(contract.privateKey));
  });

  for (const [name, wrapped] of [
    ['a 47-octet encrypted key', { encryptedPrivateKey: new Uint8Array(47), dhPublicKey: new Uint8Array(65).fill(4) }],
    ['a compressed DH point', { encryptedPrivateKey: new Uint8Array(48), dhPublicKey: new Uint8Array(65).fill(2) }],
    ['a DH point off the curve', { encryptedPrivateKey: new Uint8Array(48), dhPublicKey: Uint8Array.from([4, ...new Uint8Array(64).fill(1)]) }],
  ] as const) {
    it(`refuses ${name} with KeyWrapError`, () => {
      assert.throws(() => unwrapContractKey(wrapped, p256().privateKey), KeyWrapError);
    });
  }

  it('refuses keys that are not P-256', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    assert.throws(() => wrapContractKey({ contractKey: p384.privateKey, recipientKey: p256().publicKey }), KeyWrapError);
    assert.throws(() => wrapContractKey({ contractKey: p256().privateKey, recipientKey: p384.publicKey }), KeyWrapError);
  });

  it('reads the scalar of a PKCS#8 P-256 key as node exports it and as OpenSSL writes it (the vectors\' key file)', () => {
    const fresh = p256().privateKey;
    assert.equal(scalarOfPkcs8(fresh.export({ format: 'der', type: 'pkcs8' })).toString('base64url'), scalarOf(fresh));
    const vector = createPrivateKey(loadPem('ContractCert.key'));
    assert.equal(scalarOfPkcs8(vector.export({ format: 'der', type: 'pkcs8' })).toString('base64url'), scalarOf(vector));
  });

  it('refuses PKCS#8 of another curve or a cut structure', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ format: 'der', type: 'pkcs8' });
    assert.throws(() => scalarOfPkcs8(p384), KeyWrapError);
    const good = p256().privateKey.export({ format: 'der', type: 'pkcs8' });
    assert.throws(() => scalarOfPkcs8(good.subarray(0, 40)), KeyWrapError);
    assert.throws(() => scalarOfPkcs8(new Uint8Array(0)), KeyWrapError);
  });

  it('wraps raw values to what the EV opens, and refuses a point off the curve or a non-P-256 SPKI', () => {
    const ev = p256();
    const contract = p256();
    const point = pointOfSpki(ev.publicKey.export({ format: 'der', type: 'spki' }));
    const wrapped = wrapContractScalar({ contractScalar: Buffer.from(scalarOf(contract.privateKey), 'base64url'), recipientPoint: point });
    assert.equal(scalarOf(unwrapContractKey(wrapped, ev.privateKey)), scalarOf(contract.privateKey));
    assert.throws(() => wrapContractScalar({ contractScalar: new Uint8Array(32).fill(1), recipientPoint: Uint8Array.from([4, ...new Uint8Array(64).fill(1)]) }), KeyWrapError);
    assert.throws(() => pointOfSpki(generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'der', type: 'spki' })), KeyWrapError);
  });
});
