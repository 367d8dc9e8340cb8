// The fleet certificate report: what stations reported and what our CA issued, sorted, paged and
// exported as CSV (RFC 4180, formula cells neutralised), read over HTTP as an operator would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { certificateHashData } from '../../src/inventory/hash-data.js';
import { derToPem } from '../../src/inventory/root-certificate.js';
import { startTestCsms, type TestCsms } from '../helpers/csms.js';
import { operatorClient, type ApiClient } from '../helpers/inventory-api.js';
import { makeCertificate } from '../helpers/inventory-certificates.js';
import { createFakeStation, type FakeStation } from '../helpers/inventory-station.js';
import { LAB } from '../helpers/test-ca.js';

interface ReportItem {
  source: string;
  stationId: string | null;
  use: string;
  subject: string | null;
  serialNumber: string;
  notAfter: string | null;
  expired: boolean | null;
  issuerId: string | null;
  child: boolean;
}

interface Report {
  total: number;
  items: ReportItem[];
}

/** RFC 4180 reader, enough for the test: quoted fields with doubled quotes and embedded CR/LF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('fleet certificate report', () => {
  let csms: TestCsms;
  let api: ApiClient;
  let station: FakeStation;
  let v2gRootPem: string;
  let v2gRootDer: Uint8Array;

  before(async () => {
    csms = await startTestCsms();
    api = await operatorClient(csms);
    await csms.ca.initLab(LAB);
    const issuer = await csms.store.caIssuers.get('v2g-root');
    assert.ok(issuer);
    v2gRootPem = derToPem(issuer.certificate);
    v2gRootDer = issuer.certificate;
    for (const id of ['CS-R1', '+CS-EVIL']) await csms.store.stations.create({ id, registrationStatus: 'Accepted', securityProfile: 1 });
    station = createFakeStation({ url: csms.ocppUrl, identity: 'CS-R1', hashAlgorithm: 'SHA512' });
    await station.connect();
    // Our own lab V2G root, and a foreign root expiring soon, on the connected station.
    const soon = await makeCertificate({ subject: 'CN=Foreign CSMS Root, O="Quote, Inc", C=DE', notAfter: new Date(Date.now() + 5 * 86_400_000) });
    for (const [certificateType, certificate] of [['V2GRootCertificate', v2gRootPem], ['CSMSRootCertificate', soon.pem]] as const) {
      const res = await api.call('POST', '/api/v1/stations/CS-R1/installed-certificates', { certificateType, certificate });
      assert.equal(res.status, 200, res.text);
    }
    assert.equal((await api.call('POST', '/api/v1/stations/CS-R1/installed-certificates/refresh', {})).status, 200);
    // A station whose id a spreadsheet would run as a formula, with a certificate we do not know.
    await csms.store.certificateInventory.replaceReport('+CS-EVIL', ['ManufacturerRootCertificate'], [{ certificateType: 'ManufacturerRootCertificate', hashData: { hashAlgorithm: 'SHA256', issuerNameHash: 'ab'.repeat(32), issuerKeyHash: 'cd'.repeat(32), serialNumber: '=2+5' }, children: [] }], 'Accepted', new Date());
  });
  after(async () => {
    await station.close();
    await csms.stop();
  });

  const report = async (query: string): Promise<Report> => {
    const res = await api.call<Report>('GET', `/api/v1/reports/certificates?${query}`);
    assert.equal(res.status, 200, res.text);
    return res.body;
  };

  it('lists station certificates with what we know of them, and every issued certificate', async () => {
    const all = await report('limit=1000');
    const stationRows = all.items.filter((r) => r.source === 'station');
    assert.deepEqual(stationRows.map((r) => `${r.stationId}/${r.use}`).sort(), ['+CS-EVIL/ManufacturerRootCertificate', 'CS-R1/CSMSRootCertificate', 'CS-R1/V2GRootCertificate']);
    // SHA512 reports of our lab root still name it, with its expiry.
    const v2g = stationRows.find((r) => r.use === 'V2GRootCertificate');
    assert.match(v2g?.subject ?? '', /V2G Root CA/);
    assert.ok(v2g?.notAfter);
    assert.equal(stationRows.find((r) => r.stationId === '+CS-EVIL')?.notAfter, null);
    const issued = all.items.filter((r) => r.source === 'issued');
    const dbIssued = await csms.store.db.query<{ n: number }>("SELECT count(*)::int AS n FROM certificates WHERE status = 'issued'");
    assert.equal(issued.length, dbIssued.rows[0]?.n);
    assert.ok(issued.some((r) => r.use === 'secc-leaf' || r.use === 'cpo-sub-ca-1'));
    assert.equal(all.total, stationRows.length + issued.length);
  });

  it('sorts by expiry with unknown expiry last, and pages without overlap', async () => {
    const asc = await report('sort=notAfter&order=asc&limit=1000');
    const known = asc.items.filter((r) => r.notAfter !== null).map((r) => Date.parse(r.notAfter!));
    assert.deepEqual(known, [...known].sort((a, b) => a - b));
    assert.equal(asc.items.at(-1)?.notAfter, null);
    const stationAsc = await report('sort=notAfter&order=asc&limit=1000&source=station');
    assert.deepEqual(stationAsc.items.map((r) => r.use), ['CSMSRootCertificate', 'V2GRootCertificate', 'ManufacturerRootCertificate']);
    const pages: ReportItem[] = [];
    for (let offset = 0; offset < asc.total; offset += 3) pages.push(...(await report(`sort=notAfter&order=asc&limit=3&offset=${offset}`)).items);
    assert.deepEqual(pages, asc.items);
    const bySubject = (await report('sort=subject&order=desc&limit=1000&source=station')).items.map((r) => r.subject);
    assert.deepEqual(bySubject.filter((s) => s !== null), bySubject.filter((s) => s !== null).sort().reverse());
  });

  it('filters by source and by expiry', async () => {
    const within30Days = encodeURIComponent(new Date(Date.now() + 30 * 86_400_000).toISOString());
    const soon = await report(`source=station&expiresBefore=${within30Days}`);
    assert.deepEqual(soon.items.map((r) => r.subject?.match(/CN=([^,]+)/)?.[1]), ['Foreign CSMS Root']);
    assert.equal(soon.items[0]?.expired, false);
    // Short-lived certificates we issued (OCSP signers) expire soon too; both sources together.
    const both = await report(`expiresBefore=${within30Days}&limit=1000`);
    assert.ok(both.items.some((r) => r.source === 'issued') && both.items.some((r) => r.source === 'station'));
    assert.ok(both.items.every((r) => r.notAfter !== null && Date.parse(r.notAfter) < Date.now() + 30 * 86_400_000));
    const issuedOnly = await report('source=issued&limit=1000');
    assert.ok(issuedOnly.items.every((r) => r.source === 'issued' && r.issuerId !== null));
  });

  it('exports every row as CSV with quoting and formula cells neutralised', async () => {
    const json = await report('limit=1');
    const res = await api.call('GET', '/api/v1/reports/certificates?sort=stationId', undefined, { accept: 'text/csv' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="certificates-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parseCsv(res.text);
    assert.equal(rows.length, json.total + 1);
    assert.deepEqual(rows[0]?.slice(0, 3), ['source', 'stationId', 'use']);
    const evil = rows.find((r) => r[1] === "'+CS-EVIL");
    assert.ok(evil, 'the formula-like station id is prefixed with a quote');
    assert.equal(evil[5], "'=2+5");
    // A subject with commas survives the round trip through quoting.
    const subject = (await report('source=station&limit=1000')).items.find((r) => r.use === 'CSMSRootCertificate')?.subject;
    assert.ok(subject?.includes(','));
    assert.ok(rows.some((r) => r[4] === subject));
    assert.ok(res.text.includes(`"${subject?.replaceAll('"', '""')}"`), 'fields with commas are quoted');
    assert.equal((await api.call('GET', '/api/v1/reports/certificates?format=csv&source=station')).text.split('\r\n').filter(Boolean).length, 4);
  });

  it('shows a V2GCertificateChain with its children, named from our CA\'s records', async () => {
    const sub2 = await csms.store.caIssuers.get('cpo-sub-ca-2');
    const sub1 = await csms.store.caIssuers.get('cpo-sub-ca-1');
    assert.ok(sub2 && sub1);
    const child = certificateHashData(sub2.certificate, sub1.certificate, 'SHA256');
    const top = certificateHashData(sub1.certificate, v2gRootDer, 'SHA256');
    await csms.store.certificateInventory.replaceReport('CS-R1', ['V2GCertificateChain'], [{ certificateType: 'V2GCertificateChain', hashData: top, children: [child] }], 'Accepted', new Date());
    const inv = await api.call<{ certificates: { certificateType: string; subject: string | null; children: { subject: string | null; hashData: { serialNumber: string } }[] }[] }>('GET', '/api/v1/stations/CS-R1/installed-certificates');
    const chain = inv.body.certificates.find((c) => c.certificateType === 'V2GCertificateChain');
    assert.match(chain?.subject ?? '', /CPO Sub-CA 1/);
    assert.equal(chain?.children.length, 1);
    assert.match(chain?.children[0]?.subject ?? '', /CPO Sub-CA 2/);
    assert.equal(chain?.children[0]?.hashData.serialNumber, child.serialNumber);
    // Both appear in the report, the child marked as such.
    const rows = (await report('source=station&limit=1000')).items.filter((r) => r.use === 'V2GCertificateChain');
    assert.deepEqual(rows.map((r) => r.child).sort(), [false, true]);
  });

  it('needs ca:read and a valid query', async () => {
    const reader = await operatorClient(csms, 'stations:read');
    const denied = await reader.call<{ code: string }>('GET', '/api/v1/reports/certificates');
    assert.deepEqual([denied.status, denied.body.code], [403, 'insufficient_scope']);
    const bad = await api.call<{ code: string }>('GET', '/api/v1/reports/certificates?sort=serial;DROP');
    assert.deepEqual([bad.status, bad.body.code], [400, 'validation_failed']);
    const badDate = await api.call<{ code: string }>('GET', '/api/v1/reports/certificates?expiresBefore=tomorrow');
    assert.deepEqual([badDate.status, badDate.body.code], [400, 'validation_failed']);
  });
});
