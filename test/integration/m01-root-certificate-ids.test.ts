// ListOfRootCertificateIDs matching against real root certificates: issuer names in the forms EVs
// write them, and X509SerialNumber both as EXI carries it and as the vectors' codec lineage wraps it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeV2gMessage } from '../../pki/exi/index.js';
import { issuerNameKey, listNamesRoot, rootIdentity, wrappedSerial } from '../../src/contract-provider/root-certificate-ids.js';
import { loadPem, loadVector, serialAsCarriedByVectors } from '../helpers/exi-vectors.js';

const der = (name: string): Uint8Array => new Uint8Array(Buffer.from(loadPem(name).replace(/-----[^-]+-----|\s/g, ''), 'base64'));

describe('root certificate IDs', () => {
  const v2g = rootIdentity(der('V2GRootCA.pem'));
  const mo = rootIdentity(der('MORootCA.pem'));

  it('names both roots of the vectors\' request (wrapped serials, RFC 4514 names)', () => {
    const body = decodeV2gMessage(loadVector('certificate-installation-req').exi).body;
    assert.ok(body.kind === 'CertificateInstallationReq');
    assert.equal(listNamesRoot([body.rootCertificateIds[0]!], v2g), true);
    assert.equal(listNamesRoot([body.rootCertificateIds[1]!], mo), true);
    assert.equal(listNamesRoot([body.rootCertificateIds[0]!], mo), false);
    assert.equal(listNamesRoot(body.rootCertificateIds, rootIdentity(der('OEMRootCA.pem'))), false);
  });

  it('wraps serials exactly as the independently written test helper does', () => {
    for (const serial of [0n, 1n, 127n, 128n, 0x1000n, v2g.serial, mo.serial, (1n << 159n) + 12345n]) assert.equal(wrappedSerial(serial), serialAsCarriedByVectors(serial));
  });

  it('matches the plain EXI serial, and refuses a neighbouring serial or another name', () => {
    const name = 'DC=MO,C=DE,O=PeerTest MO,CN=MO Root CA';
    assert.equal(listNamesRoot([{ issuerName: name, serialNumber: mo.serial }], mo), true);
    assert.equal(listNamesRoot([{ issuerName: name, serialNumber: mo.serial + 1n }], mo), false);
    assert.equal(listNamesRoot([{ issuerName: 'DC=MO,C=DE,O=Other MO,CN=MO Root CA', serialNumber: mo.serial }], mo), false);
  });

  const same: [string, string][] = [
    ['RFC 4514 order', 'DC=MO,C=DE,O=PeerTest MO,CN=MO Root CA'],
    ['OpenSSL order with spaces', 'CN = MO Root CA, O = PeerTest MO, C = DE, DC = MO'],
    ['other case and doubled spaces', 'cn=mo  root ca,o=peertest mo,c=de,dc=mo'],
    ['OID attribute types', '2.5.4.3=MO Root CA,2.5.4.10=PeerTest MO,2.5.4.6=DE,0.9.2342.19200300.100.1.25=MO'],
    ['hex-escaped characters', 'CN=MO\\20Root CA,O=PeerTest MO,C=DE,DC=MO'],
  ];
  for (const [name, text] of same) {
    it(`reads an issuer name in ${name}`, () => {
      assert.equal(issuerNameKey(text), mo.subjectKey);
    });
  }

  for (const text of ['', 'not a name', 'XX=unknown type', 'CN=MO Root CA,O=PeerTest MO']) {
    it(`does not take ${JSON.stringify(text)} for the MO root`, () => {
      assert.notEqual(issuerNameKey(text), mo.subjectKey);
    });
  }

  it('keeps an escaped comma inside a value', () => {
    assert.notEqual(issuerNameKey('CN=A\\,B'), issuerNameKey('CN=A,CN=B'));
  });
});
