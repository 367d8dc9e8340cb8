// CertificateHashDataType computed by src/inventory/hash-data.ts against openssl: the issuer name
// hash from `openssl x509 -outform DER` of the issuer Name is not exposed, so the hashes are checked
// against an independent DER walk (test/helpers/inventory-station.ts) and the serial against openssl.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { certificateHashData, hashDataKey, HASH_ALGORITHMS, rootHashKeys, serialHex } from '../../src/inventory/hash-data.js';
import { makeCertificate, v2gRootSubject } from '../helpers/inventory-certificates.js';
import { createFakeStation } from '../helpers/inventory-station.js';

describe('certificateHashData', () => {
  it('matches an independent computation under every algorithm, and openssl for the serial', async () => {
    const root = await makeCertificate({ subject: v2gRootSubject('Hash Root'), serialNumber: '00ab01' });
    const der = new Uint8Array(new X509Certificate(root.pem).raw);
    for (const alg of HASH_ALGORITHMS) {
      const station = createFakeStation({ url: 'ws://127.0.0.1:1', identity: 'unused', hashAlgorithm: alg });
      assert.deepEqual(certificateHashData(der, der, alg), station.hashDataOf(root.pem));
    }
    const openssl = execFileSync('openssl', ['x509', '-noout', '-serial'], { input: root.pem }).toString().trim();
    assert.equal(openssl.toLowerCase(), `serial=${certificateHashData(der, der, 'SHA256').serialNumber.padStart(openssl.length - 7, '0')}`);
    assert.equal(certificateHashData(der, der, 'SHA256').serialNumber, 'ab01');
  });

  it('hashes the issuer key for a child certificate', async () => {
    const root = await makeCertificate({ subject: v2gRootSubject('Parent') });
    const child = await makeCertificate({ subject: 'CN=Child', issuer: root });
    const rootDer = new Uint8Array(new X509Certificate(root.pem).raw);
    const childDer = new Uint8Array(new X509Certificate(child.pem).raw);
    const h = certificateHashData(childDer, rootDer, 'SHA256');
    assert.equal(h.issuerKeyHash, certificateHashData(rootDer, rootDer, 'SHA256').issuerKeyHash);
    assert.equal(h.issuerNameHash, certificateHashData(rootDer, rootDer, 'SHA256').issuerNameHash);
  });

  it('serialHex drops leading zeroes but keeps a zero serial', () => {
    assert.equal(serialHex(Uint8Array.of(0x00, 0x8f, 0x01)), '8f01');
    assert.equal(serialHex(Uint8Array.of(0)), '0');
  });

  it('hashDataKey forgives case and leading zeroes, not another algorithm', async () => {
    const root = await makeCertificate({ subject: v2gRootSubject('Key Root') });
    const der = new Uint8Array(new X509Certificate(root.pem).raw);
    const h = certificateHashData(der, der, 'SHA384');
    const shouting = { ...h, issuerNameHash: h.issuerNameHash.toUpperCase(), serialNumber: `00${h.serialNumber.toUpperCase()}` };
    assert.equal(hashDataKey(shouting), hashDataKey(h));
    assert.ok(rootHashKeys(der).includes(hashDataKey(shouting)));
    assert.notEqual(hashDataKey({ ...h, hashAlgorithm: 'SHA256' }), hashDataKey(h));
  });
});
