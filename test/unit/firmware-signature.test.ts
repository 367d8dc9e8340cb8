// Firmware signatures against openssl: what we sign, openssl verifies; what a manufacturer signs
// with openssl, we verify, and a single changed byte, another key or an untrusted certificate is
// refused with its reason.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pemBlocks } from '../../pki/certificate/parse-certificate.js';
import { softwareSigner } from '../../src/ca/software-signer.js';
import { FirmwareError } from '../../src/firmware/firmware-error.js';
import { decodeSignature, signImageFile, verifyFileSignature } from '../../src/firmware/image-signature.js';
import { readSigningCertificate, verifySigningCertificate } from '../../src/firmware/manufacturer-trust.js';
import { makeManufacturer, type Manufacturer } from '../helpers/firmware-manufacturer.js';

describe('firmware signatures', () => {
  let dir: string;
  let image: string;
  let tampered: string;
  let acme: Manufacturer;
  let other: Manufacturer;
  const der = (pem: string): Uint8Array => pemBlocks(pem, 'CERTIFICATE')[0] as Uint8Array;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fw-sig-'));
    image = join(dir, 'image.bin');
    tampered = join(dir, 'tampered.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 5, 7);
    writeFileSync(image, bytes);
    bytes[12345] = 8;
    writeFileSync(tampered, bytes);
    acme = makeManufacturer('Acme');
    other = makeManufacturer('Other');
  });

  it('signs with the Signer port so that `openssl dgst -sha256 -verify` accepts it', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const sig = await signImageFile(softwareSigner(privateKey), image);
    writeFileSync(join(dir, 'ours.sig'), sig);
    writeFileSync(join(dir, 'ours.pub'), publicKey.export({ format: 'pem', type: 'spki' }));
    const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'ours.pub'), '-signature', join(dir, 'ours.sig'), image], { encoding: 'utf8' });
    assert.match(out, /Verified OK/);
    assert.throws(() => execFileSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'ours.pub'), '-signature', join(dir, 'ours.sig'), tampered], { stdio: 'pipe' }));
  });

  it("verifies a manufacturer's openssl signature, and refuses a changed byte or another key", async () => {
    const sig = decodeSignature(acme.sign(image));
    assert.equal(await verifyFileSignature(image, der(acme.signerPem), sig, 'sha256'), true);
    assert.equal(await verifyFileSignature(tampered, der(acme.signerPem), sig, 'sha256'), false, 'tampered_byte');
    assert.equal(await verifyFileSignature(image, der(other.signerPem), sig, 'sha256'), false, 'wrong_certificate');
    assert.equal(await verifyFileSignature(image, der(acme.signerPem), new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]), 'sha256'), false, 'garbage_signature');
  });

  it('accepts a signing certificate that chains to a manufacturer root', async () => {
    await verifySigningCertificate(readSigningCertificate(acme.signerPem).chain, [der(acme.rootPem)], new Date());
  });

  it('refuses a signing certificate of another manufacturer with NO_TRUST_ANCHOR', async () => {
    await assert.rejects(verifySigningCertificate(readSigningCertificate(other.signerPem).chain, [der(acme.rootPem)], new Date()), (err: unknown) => {
      assert.ok(err instanceof FirmwareError);
      assert.equal(err.code, 'FW_CERTIFICATE_UNTRUSTED');
      assert.equal(err.details?.[0]?.code, 'NO_TRUST_ANCHOR');
      return true;
    });
  });

  it('refuses an expired signing certificate with EXPIRED', async () => {
    await assert.rejects(verifySigningCertificate(readSigningCertificate(acme.signerPem).chain, [der(acme.rootPem)], new Date(Date.now() + 400 * 86_400_000)), (err: unknown) => err instanceof FirmwareError && err.details?.[0]?.code === 'EXPIRED');
  });

  it('refuses when no manufacturer root is configured', async () => {
    await assert.rejects(verifySigningCertificate(readSigningCertificate(acme.signerPem).chain, [], new Date()), (err: unknown) => err instanceof FirmwareError && err.code === 'FW_NO_MANUFACTURER_ROOTS');
  });

  const malformed: [string, string][] = [
    ['not base64', 'not*base64!'],
    ['bad padding', 'abc'],
    ['longer than UpdateFirmware allows (800)', 'A'.repeat(804)],
    ['empty', ''],
  ];
  for (const [name, value] of malformed) {
    it(`refuses a signature that is ${name}`, () => assert.throws(() => decodeSignature(value), (err: unknown) => err instanceof FirmwareError && err.code === 'FW_SIGNATURE_MALFORMED'));
  }

  it('refuses a signing certificate that is not PEM', () => {
    assert.throws(() => readSigningCertificate('hello'), (err: unknown) => err instanceof FirmwareError && err.code === 'FW_CERTIFICATE_MALFORMED');
  });
});
