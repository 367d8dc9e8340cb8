// The station certificate inventory end to end (OCPP 2.0.1 M03-M05): the real server, the operator
// API over HTTP, and the ocpp-rpc strict client as the charger, which checks our CALLs against its
// own copy of the OCA schemas.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { operatorClient, type ApiClient } from '../helpers/inventory-api.js';
import { makeCertificate, moRootSubject, v2gRootSubject, type MadeCertificate } from '../helpers/inventory-certificates.js';
import { createFakeStation, type FakeStation } from '../helpers/inventory-station.js';

interface Inventory {
  stationId: string;
  reads: { certificateType: string; status: string }[];
  certificates: { id: string; certificateType: string; hashData: Record<string, string>; subject: string | null; notAfter: string | null }[];
}

describe('station certificate inventory API (M03-M05)', () => {
  let csms: TestCsms;
  let api: ApiClient;
  let station: FakeStation;
  let rejecting: FakeStation;
  let v2g: MadeCertificate;
  let mo: MadeCertificate;
  let leaf: MadeCertificate;

  before(async () => {
    csms = await startTestCsms();
    api = await operatorClient(csms);
    for (const id of ['CS-INV', 'CS-REJ', 'CS-OFF']) await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
    station = createFakeStation({ url: csms.ocppUrl, identity: 'CS-INV', hashAlgorithm: 'SHA384' });
    rejecting = createFakeStation({ url: csms.ocppUrl, identity: 'CS-REJ', install: 'reject' });
    await station.connect();
    await rejecting.connect();
    v2g = await makeCertificate({ subject: v2gRootSubject('Inventory V2G Root') });
    mo = await makeCertificate({ subject: moRootSubject('Inventory MO Root') });
    leaf = await makeCertificate({ subject: 'CN=SECC leaf', issuer: v2g, ca: false });
  });
  after(async () => {
    await station.close();
    await rejecting.close();
    await csms.stop();
  });

  const inventory = async (id: string): Promise<Inventory> => (await api.call<Inventory>('GET', `/api/v1/stations/${id}/installed-certificates`)).body;

  it('installs a V2G root; the station has it and the inventory shows it with subject and expiry', async () => {
    const res = await api.call<{ status: string; hashData: { serialNumber: string }; requiredStores: string[] }>('POST', '/api/v1/stations/CS-INV/installed-certificates', { certificateType: 'V2GRootCertificate', certificate: v2g.pem });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'Accepted');
    assert.equal(res.body.hashData.serialNumber, v2g.cert.serialNumber.toLowerCase().replace(/^0+/, ''));
    assert.deepEqual(res.body.requiredStores, ['V2GRootCertificate', 'MORootCertificate']);
    assert.deepEqual(station.stores.get('V2GRootCertificate'), [v2g.pem]);
    const inv = await inventory('CS-INV');
    assert.equal(inv.certificates.length, 1);
    assert.equal(inv.certificates[0]?.certificateType, 'V2GRootCertificate');
    assert.match(inv.certificates[0]?.subject ?? '', /CN=Inventory V2G Root/);
    assert.equal(inv.certificates[0]?.notAfter, v2g.cert.notAfter.toISOString());
  });

  it('refuses a leaf, a chain and an MO root stated as V2G before sending anything', async () => {
    const before = station.received.length;
    const cases: [string, string, string][] = [
      [leaf.pem, 'V2GRootCertificate', 'not_self_signed'],
      [v2g.pem + mo.pem, 'V2GRootCertificate', 'not_pem'],
      [mo.pem, 'V2GRootCertificate', 'type_mismatch'],
    ];
    for (const [certificate, certificateType, defect] of cases) {
      const res = await api.call<{ code: string; defects: { code: string }[] }>('POST', '/api/v1/stations/CS-INV/installed-certificates', { certificateType, certificate });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal(res.body.code, 'certificate_request_invalid');
      assert.equal(res.body.defects[0]?.code, defect);
    }
    assert.equal(station.received.length, before, 'nothing reached the station');
    assert.equal((await inventory('CS-INV')).certificates.length, 1);
  });

  it('reads the installed certificates (GetInstalledCertificateIds) in the station\'s own hash algorithm', async () => {
    await api.call('POST', '/api/v1/stations/CS-INV/installed-certificates', { certificateType: 'MORootCertificate', certificate: mo.pem });
    const res = await api.call<{ status: string; inventory: Inventory }>('POST', '/api/v1/stations/CS-INV/installed-certificates/refresh', {});
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'Accepted');
    const certs = res.body.inventory.certificates;
    assert.deepEqual(certs.map((c) => c.certificateType).sort(), ['MORootCertificate', 'V2GRootCertificate']);
    assert.ok(certs.every((c) => c.hashData.hashAlgorithm === 'SHA384'));
    // SHA384 reports still name our roots: subject and expiry are known.
    assert.deepEqual(certs.map((c) => c.subject?.match(/CN=([^,]+)/)?.[1]).sort(), ['Inventory MO Root', 'Inventory V2G Root']);
    assert.equal(res.body.inventory.reads.length, 5);
    const only = await api.call<{ inventory: Inventory }>('POST', '/api/v1/stations/CS-INV/installed-certificates/refresh', { certificateTypes: ['MORootCertificate'] });
    assert.equal(only.status, 200, only.text);
    assert.equal(only.body.inventory.certificates.length, 2, 'a read of one type leaves the others stored');
  });

  it('deletes a certificate by the hash data the station reported (DeleteCertificate)', async () => {
    const inv = await inventory('CS-INV');
    const moEntry = inv.certificates.find((c) => c.certificateType === 'MORootCertificate');
    assert.ok(moEntry);
    const res = await api.call<{ status: string }>('POST', '/api/v1/stations/CS-INV/installed-certificates/delete', { certificateHashData: moEntry.hashData });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'Accepted');
    assert.deepEqual(station.stores.get('MORootCertificate'), []);
    assert.deepEqual((await inventory('CS-INV')).certificates.map((c) => c.certificateType), ['V2GRootCertificate']);
    const again = await api.call<{ status: string }>('POST', '/api/v1/stations/CS-INV/installed-certificates/delete', { certificateHashData: moEntry.hashData });
    assert.equal(again.body.status, 'NotFound');
  });

  it('records nothing when the station rejects the root', async () => {
    const res = await api.call<{ status: string; statusInfo: { reasonCode: string } }>('POST', '/api/v1/stations/CS-REJ/installed-certificates', { certificateType: 'V2GRootCertificate', certificate: v2g.pem });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'Rejected');
    assert.equal(res.body.statusInfo.reasonCode, 'InvalidCertificate');
    assert.deepEqual((await inventory('CS-REJ')).certificates, []);
  });

  it('answers problems for an offline or unknown station, bad hash data and a missing scope', async () => {
    const off = await api.call<{ code: string }>('POST', '/api/v1/stations/CS-OFF/installed-certificates', { certificateType: 'V2GRootCertificate', certificate: v2g.pem });
    assert.equal(off.status, 409);
    assert.equal(off.body.code, 'station_not_connected');
    const unknown = await api.call<{ code: string }>('GET', '/api/v1/stations/NOPE/installed-certificates');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'station_not_found');
    const bad = await api.call<{ code: string }>('POST', '/api/v1/stations/CS-INV/installed-certificates/delete', { certificateHashData: { hashAlgorithm: 'MD5', issuerNameHash: 'zz', issuerKeyHash: '00', serialNumber: '1' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'validation_failed');
    const reader = await operatorClient(csms, 'stations:read');
    const denied = await reader.call<{ code: string }>('POST', '/api/v1/stations/CS-INV/installed-certificates', { certificateType: 'V2GRootCertificate', certificate: v2g.pem });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.code, 'insufficient_scope');
    assert.equal((await reader.call('GET', '/api/v1/stations/CS-INV/installed-certificates')).status, 200);
  });
});
