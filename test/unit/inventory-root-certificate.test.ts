// The InstallCertificate payload checks (src/inventory/root-certificate.ts), one case per defect,
// on certificates made with @peculiar/x509 rather than our own pki/.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { checkRootCertificate, derToPem, type InstallCertificateUse, type RootDefect } from '../../src/inventory/root-certificate.js';
import { rolloutUses } from '../../src/inventory/rollout-uses.js';
import { makeCertificate, moRootSubject, v2gRootSubject, type MadeCertificate } from '../helpers/inventory-certificates.js';

const NOW = new Date();

describe('checkRootCertificate', () => {
  let v2g: MadeCertificate;
  let mo: MadeCertificate;
  let csms: MadeCertificate;
  let subCa: MadeCertificate;
  let leaf: MadeCertificate;
  let noKeyCertSign: MadeCertificate;
  let noKeyUsage: MadeCertificate;
  let notCa: MadeCertificate;
  let expired: MadeCertificate;
  let future: MadeCertificate;
  let oem: MadeCertificate;
  let forged: string;

  before(async () => {
    v2g = await makeCertificate({ subject: v2gRootSubject('V2G Root') });
    mo = await makeCertificate({ subject: moRootSubject('MO Root') });
    csms = await makeCertificate({ subject: 'CN=CSMS Root, O=Test CPO' });
    oem = await makeCertificate({ subject: 'CN=OEM Root, O=Car, C=DE, DC=OEM' });
    subCa = await makeCertificate({ subject: 'CN=CPO Sub-CA 1, O=Test CPO, C=DE, DC=V2G', issuer: v2g });
    leaf = await makeCertificate({ subject: 'CN=SECC, O=Test CPO', issuer: subCa, ca: false });
    noKeyCertSign = await makeCertificate({ subject: v2gRootSubject('CRL only'), keyUsage: x509.KeyUsageFlags.cRLSign });
    noKeyUsage = await makeCertificate({ subject: v2gRootSubject('No KU'), keyUsage: null });
    notCa = await makeCertificate({ subject: 'CN=Self-signed leaf', ca: false });
    expired = await makeCertificate({ subject: v2gRootSubject('Old'), notBefore: new Date('2001-01-01'), notAfter: new Date('2011-01-01') });
    future = await makeCertificate({ subject: v2gRootSubject('Later'), notBefore: new Date(Date.now() + 30 * 86_400_000) });
    // Same name as the V2G root, signed by another key: self-issued but not self-signed.
    const other = await makeCertificate({ subject: 'CN=Other' });
    const impostor = await x509.X509CertificateGenerator.create({
      serialNumber: '01', subject: v2g.cert.subject, issuer: v2g.cert.subject, notBefore: new Date(Date.now() - 1000), notAfter: new Date(Date.now() + 86_400_000),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, publicKey: v2g.keys.publicKey, signingKey: other.keys.privateKey,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    forged = impostor.toString('pem');
  });

  const refused: [string, () => string, InstallCertificateUse, RootDefect][] = [
    ['empty_text', () => 'hello', 'V2GRootCertificate', 'not_pem'],
    ['chain_of_two', () => v2g.pem + mo.pem, 'V2GRootCertificate', 'not_pem'],
    ['text_before_block', () => `junk\n${v2g.pem}`, 'V2GRootCertificate', 'not_pem'],
    ['csr_label', () => v2g.pem.replaceAll('CERTIFICATE', 'CERTIFICATE REQUEST'), 'V2GRootCertificate', 'not_pem'],
    ['too_long', () => `${v2g.pem}${' '.repeat(5600)}`, 'V2GRootCertificate', 'too_long'],
    ['garbage_base64', () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', 'V2GRootCertificate', 'malformed'],
    ['trailing_bytes_after_der', () => derToPem(Buffer.concat([Buffer.from(v2g.cert.rawData), Buffer.from([0, 0])])), 'V2GRootCertificate', 'malformed'],
    ['leaf_certificate', () => leaf.pem, 'V2GRootCertificate', 'not_self_signed'],
    ['sub_ca_certificate', () => subCa.pem, 'V2GRootCertificate', 'not_self_signed'],
    ['self_issued_other_key', () => forged, 'V2GRootCertificate', 'not_self_signed'],
    ['self_signed_not_ca', () => notCa.pem, 'CSMSRootCertificate', 'not_ca'],
    ['ca_without_key_cert_sign', () => noKeyCertSign.pem, 'V2GRootCertificate', 'no_key_cert_sign'],
    ['ca_without_key_usage', () => noKeyUsage.pem, 'V2GRootCertificate', 'no_key_cert_sign'],
    ['expired_root', () => expired.pem, 'V2GRootCertificate', 'expired'],
    ['not_yet_valid_root', () => future.pem, 'V2GRootCertificate', 'not_yet_valid'],
    ['mo_root_as_v2g', () => mo.pem, 'V2GRootCertificate', 'type_mismatch'],
    ['oem_root_as_mo', () => oem.pem, 'MORootCertificate', 'type_mismatch'],
    ['oem_root_as_v2g', () => oem.pem, 'V2GRootCertificate', 'type_mismatch'],
  ];
  for (const [name, pem, use, defect] of refused) {
    it(`refuses ${name} as ${defect}`, () => {
      const r = checkRootCertificate(pem(), use, NOW);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.defect, defect, r.detail);
    });
  }

  const accepted: [string, () => string, InstallCertificateUse][] = [
    ['v2g_root', () => v2g.pem, 'V2GRootCertificate'],
    ['v2g_root_in_mo_store', () => v2g.pem, 'MORootCertificate'],
    ['mo_root', () => mo.pem, 'MORootCertificate'],
    ['csms_root_without_dc', () => csms.pem, 'CSMSRootCertificate'],
    ['root_without_dc_as_v2g', () => csms.pem, 'V2GRootCertificate'],
    ['oem_root_as_manufacturer', () => oem.pem, 'ManufacturerRootCertificate'],
    ['crlf_and_surrounding_whitespace', () => `\n  ${v2g.pem.replaceAll('\n', '\r\n')}  \n`, 'V2GRootCertificate'],
    ['one_line_base64', () => v2g.pem.replace(/\n(?!-----END)/g, '').replace('-----BEGIN CERTIFICATE-----', '-----BEGIN CERTIFICATE-----\n'), 'V2GRootCertificate'],
  ];
  for (const [name, pem, use] of accepted) {
    it(`accepts ${name}`, () => {
      const r = checkRootCertificate(pem(), use, NOW);
      assert.ok(r.ok, r.ok ? '' : `${r.defect}: ${r.detail}`);
      if (r.ok) {
        assert.equal(new x509.X509Certificate(r.root.pem).subject, new x509.X509Certificate(pem().trim()).subject);
        assert.equal(r.root.serialHex, new x509.X509Certificate(pem().trim()).serialNumber.toLowerCase().replace(/^0+/, ''));
      }
    });
  }
});

describe('checkRootCertificate for a removal', () => {
  it('accepts an expired root (expired roots are what gets removed) but still refuses a leaf', async () => {
    const old = await makeCertificate({ subject: v2gRootSubject('Retired'), notBefore: new Date('2001-01-01'), notAfter: new Date('2011-01-01') });
    assert.equal(checkRootCertificate(old.pem, 'V2GRootCertificate', NOW, 'remove').ok, true);
    const leaf = await makeCertificate({ subject: 'CN=Leaf', issuer: old, ca: false });
    const r = checkRootCertificate(leaf.pem, 'V2GRootCertificate', NOW, 'remove');
    assert.equal(r.ok ? null : r.defect, 'not_self_signed');
  });
});

describe('rolloutUses', () => {
  it('sends a V2G root to the V2G and the MO root stores, others to their own', () => {
    assert.deepEqual(rolloutUses('V2GRootCertificate'), ['V2GRootCertificate', 'MORootCertificate']);
    assert.deepEqual(rolloutUses('MORootCertificate'), ['MORootCertificate']);
    assert.deepEqual(rolloutUses('CSMSRootCertificate'), ['CSMSRootCertificate']);
    assert.deepEqual(rolloutUses('ManufacturerRootCertificate'), ['ManufacturerRootCertificate']);
  });
});
