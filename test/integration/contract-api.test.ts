// Contracts through the operator API, against the running server: our MO CA issues a contract
// certificate (openssl verifies the chain and asks OCSP), an MO that is not us (openssl) issues
// one that is uploaded, hostile uploads are refused with stable codes and store nothing, and
// revocation shows in OCSP at once. Every change is an event and a CA audit record.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createPublicKey } from 'node:crypto';
import { decodeAiaOcspUrls } from '../../pki/certificate/extensions.js';
import { findExtension, parseCertificate, pemBlocks } from '../../pki/certificate/parse-certificate.js';
import { OID } from '../../pki/oids.js';
import { call, externalMo, startContractLab, type ContractLab, type ExternalMo } from '../helpers/emsp-fixtures.js';

const PCID = 'WMIV1234567890ABCD';

describe('contracts over the operator API', () => {
  let lab: ContractLab;
  let mo: ExternalMo;
  let stranger: ExternalMo;
  const op = (method: string, path: string, body?: unknown) => call(lab.csms.httpUrl, lab.operatorToken, method, path, body);
  const counts = async (emspId: string): Promise<{ contracts: number; events: number }> => {
    const c = await op('GET', `/api/v1/emsps/${emspId}/contracts?limit=1000`);
    const e = await op('GET', `/api/v1/emsps/${emspId}/events?limit=1000`);
    return { contracts: (c.body.items as unknown[]).length, events: (e.body.items as unknown[]).length };
  };
  /** openssl as relying party: the contract's issuer, its sub-CAs (untrusted) and the MO root (trusted). */
  async function ocsp(certPem: string, chainPem: string, rootPem: string): Promise<string> {
    writeFileSync(join(lab.dir, 'o-leaf.pem'), certPem);
    writeFileSync(join(lab.dir, 'o-issuer.pem'), chainPem.split(/(?<=-----END CERTIFICATE-----\n)/)[0]!);
    writeFileSync(join(lab.dir, 'o-chain.pem'), chainPem);
    writeFileSync(join(lab.dir, 'o-root.pem'), rootPem);
    const url = decodeAiaOcspUrls(findExtension(parseCertificate(pemBlocks(certPem, 'CERTIFICATE')[0]!).extensions, OID.authorityInfoAccess)!.value)[0]!;
    const r = await promisify(execFile)('openssl', ['ocsp', '-issuer', join(lab.dir, 'o-issuer.pem'), '-cert', join(lab.dir, 'o-leaf.pem'), '-url', url, '-CAfile', join(lab.dir, 'o-root.pem'), '-verify_other', join(lab.dir, 'o-chain.pem')], { encoding: 'utf8', timeout: 20_000 });
    return `${r.stdout}${r.stderr}`;
  }

  before(async () => {
    lab = await startContractLab((dir) => {
      mo = externalMo(dir, 'Acme');
      stranger = externalMo(dir, 'Stranger');
      writeFileSync(join(dir, 'mo-roots.pem'), mo.rootPem);
      return ['--mo-roots-file', join(dir, 'mo-roots.pem')];
    });
    assert.equal((await op('POST', '/api/v1/emsps', { id: 'alpha', name: 'Alpha Mobility' })).status, 201);
  });
  after(async () => lab.stop());

  let issuedId = '';

  it('issues a contract certificate from our MO Sub-CA 2 that openssl verifies and OCSP answers good for', async () => {
    const r = await op('POST', '/api/v1/emsps/alpha/contracts', { emaid: 'de-8aa-ca2b3c4d5-l', pcids: [PCID.toLowerCase()], validityDays: 400 });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const c = r.body;
    issuedId = c.id as string;
    assert.equal(r.headers.get('location'), `/api/v1/contracts/${issuedId}`);
    assert.deepEqual([c.emspId, c.emaid, c.pcids, c.origin, c.status], ['alpha', 'DE8AACA2B3C4D5L', [PCID], 'issued', 'active']);
    assert.equal(JSON.stringify(c).includes('PRIVATE KEY'), false, 'the key is never shown');
    const chain = pemBlocks(c.chain as string, 'CERTIFICATE');
    assert.equal(chain.length, 2, 'MO Sub-CA 2 and MO Sub-CA 1');
    writeFileSync(join(lab.dir, 'c-leaf.pem'), c.certificate as string);
    writeFileSync(join(lab.dir, 'c-chain.pem'), c.chain as string);
    writeFileSync(join(lab.dir, 'c-root.pem'), c.moRoot as string);
    assert.match(execFileSync('openssl', ['verify', '-x509_strict', '-CAfile', join(lab.dir, 'c-root.pem'), '-untrusted', join(lab.dir, 'c-chain.pem'), join(lab.dir, 'c-leaf.pem')]).toString(), /OK/);
    const text = execFileSync('openssl', ['x509', '-in', join(lab.dir, 'c-leaf.pem'), '-noout', '-subject', '-ext', 'keyUsage']).toString();
    assert.match(text, /CN\s*=\s*DE8AACA2B3C4D5L, O\s*=\s*Alpha Mobility, C\s*=\s*DE, DC\s*=\s*MO/);
    assert.match(text, /Digital Signature, Non Repudiation, Key Encipherment, Key Agreement/);
    const cert = parseCertificate(pemBlocks(c.certificate as string, 'CERTIFICATE')[0]!);
    assert.ok(Math.abs(cert.notAfter.getTime() - cert.notBefore.getTime() - 400 * 86_400_000) < 2000);
    assert.match(await ocsp(c.certificate as string, c.chain as string, c.moRoot as string), /: good[\s\S]*Response verify OK/);

    // The key is stored encrypted and opens to the certificate's key (what M01/M02 installs).
    const row = await lab.csms.store.contracts.get(issuedId);
    assert.ok(row);
    const stored = await lab.csms.store.caKeys.get(row.keyId);
    assert.ok(stored?.encrypted && stored.encrypted.ciphertext.length > 0);
    const key = await lab.csms.contracts.privateKey(row);
    assert.deepEqual(new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' })), cert.spki);
    // M01/M02 look it up by PCID and by eMAID.
    assert.deepEqual((await lab.csms.store.contracts.findForPcid(PCID)).map((x) => x.id), [issuedId]);
    assert.deepEqual((await lab.csms.store.contracts.findForEmaid('DE8AACA2B3C4D5L')).map((x) => x.id), [issuedId]);
  });

  it('refuses bad create requests with stable codes and stores nothing', async () => {
    const before_ = await counts('alpha');
    const cases: { body: unknown; path?: string; status: number; code: string }[] = [
      { body: { emaid: 'DE-8AA-CA2B3C4D5-M', pcids: [PCID] }, status: 400, code: 'emaid_invalid' },
      { body: { emaid: 'DE8AACA2B3C4D', pcids: [PCID] }, status: 400, code: 'validation_failed' },
      { body: { emaid: '1E8AACA2B3C4D5', pcids: [PCID] }, status: 400, code: 'emaid_invalid' },
      { body: { emaid: 'DE-8AACA2B3C4D5', pcids: [PCID] }, status: 400, code: 'emaid_invalid' },
      { body: { emaid: 'DE8AACA2B3C4D5', pcids: ['SHORT'] }, status: 400, code: 'pcid_invalid' },
      { body: { emaid: 'DE8AACA2B3C4D5', pcids: [] }, status: 400, code: 'validation_failed' },
      { body: { emaid: 'DE8AACA2B3C4D5', pcids: [PCID], validityDays: 731 }, status: 400, code: 'validation_failed' },
      { body: { emaid: 'DE8AACA2B3C4D5', pcids: [PCID], extra: 1 }, status: 400, code: 'validation_failed' },
      { body: { emaid: 'DE8AACA2B3C4D5', pcids: [PCID] }, path: '/api/v1/emsps/nobody/contracts', status: 404, code: 'emsp_not_found' },
    ];
    for (const c of cases) {
      const r = await op('POST', c.path ?? '/api/v1/emsps/alpha/contracts', c.body);
      assert.equal(r.status, c.status, JSON.stringify(c.body));
      assert.equal(r.body.code, c.code, JSON.stringify(r.body));
      assert.equal(r.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    }
    assert.deepEqual(await counts('alpha'), before_);
  });

  let uploadedId = '';

  it('uploads a contract certificate of another MO, validated against the configured MO roots', async () => {
    const leaf = mo.issue('NL-ACM-C12345678');
    const r = await op('POST', '/api/v1/emsps/alpha/contracts/upload', { emaid: 'NLACMC12345678', pcids: [PCID], certificate: leaf.certificate, chain: mo.subPem, privateKey: leaf.privateKey });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    uploadedId = r.body.id as string;
    assert.deepEqual([r.body.emaid, r.body.origin, r.body.serial, r.body.status], ['NLACMC12345678', 'uploaded', null, 'active']);
    assert.equal(r.body.moRoot, mo.rootPem.replace(/\r/g, ''));
    assert.equal(pemBlocks(r.body.chain as string, 'CERTIFICATE').length, 1);
    const row = await lab.csms.store.contracts.get(uploadedId);
    const key = await lab.csms.contracts.privateKey(row!);
    assert.equal(key.export({ format: 'pem', type: 'pkcs8' }).toString().trim(), leaf.privateKey.trim());
    // The root may end the chain as well.
    const leaf2 = mo.issue('NLACMC00000001');
    assert.equal((await op('POST', '/api/v1/emsps/alpha/contracts/upload', { pcids: [PCID], certificate: leaf2.certificate, chain: `${mo.subPem}${mo.rootPem}`, privateKey: leaf2.privateKey })).status, 201);
  });

  it('refuses hostile uploads with stable codes and stores nothing', async () => {
    const before_ = await counts('alpha');
    const good = mo.issue('NLACMC22222222');
    const other = mo.issue('NLACMC33333333');
    const foreign = stranger.issue('NLSTRC44444444');
    const notEmaid = mo.issue('not an emaid');
    const noAgreement = mo.issue('NLACMC55555555', { keyUsage: 'digitalSignature' });
    const encrypted = execFileSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-passout', 'pass:secret'], { input: good.privateKey }).toString();
    const cases: { name: string; body: Record<string, unknown>; status: number; code: string }[] = [
      { name: 'untrusted root', body: { certificate: foreign.certificate, chain: stranger.subPem, privateKey: foreign.privateKey }, status: 422, code: 'contract_chain_untrusted' },
      { name: 'chain missing', body: { certificate: good.certificate, privateKey: good.privateKey }, status: 422, code: 'contract_chain_untrusted' },
      { name: 'another certificate as chain', body: { certificate: good.certificate, chain: other.certificate, privateKey: good.privateKey }, status: 422, code: 'contract_chain_untrusted' },
      { name: 'key of another certificate', body: { certificate: good.certificate, chain: mo.subPem, privateKey: other.privateKey }, status: 400, code: 'contract_key_mismatch' },
      { name: 'CN not an eMAID', body: { certificate: notEmaid.certificate, chain: mo.subPem, privateKey: notEmaid.privateKey }, status: 400, code: 'contract_certificate_invalid' },
      { name: 'no keyAgreement', body: { certificate: noAgreement.certificate, chain: mo.subPem, privateKey: noAgreement.privateKey }, status: 400, code: 'contract_certificate_invalid' },
      { name: 'eMAID not the CN', body: { emaid: 'DE8AACA2B3C4D5', certificate: good.certificate, chain: mo.subPem, privateKey: good.privateKey }, status: 400, code: 'emaid_mismatch' },
      { name: 'encrypted key', body: { certificate: good.certificate, chain: mo.subPem, privateKey: encrypted }, status: 400, code: 'contract_key_invalid' },
      { name: 'key is not PEM', body: { certificate: good.certificate, chain: mo.subPem, privateKey: 'hello' }, status: 400, code: 'contract_key_invalid' },
      { name: 'certificate is garbage DER', body: { certificate: '-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n', chain: mo.subPem, privateKey: good.privateKey }, status: 400, code: 'contract_certificate_invalid' },
      { name: 'certificate bad base64', body: { certificate: '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n', chain: mo.subPem, privateKey: good.privateKey }, status: 400, code: 'contract_certificate_invalid' },
      { name: 'CA certificate as contract', body: { certificate: mo.subPem, chain: mo.rootPem, privateKey: good.privateKey }, status: 400, code: 'contract_certificate_invalid' },
    ];
    for (const c of cases) {
      const r = await op('POST', '/api/v1/emsps/alpha/contracts/upload', { pcids: [PCID], ...c.body });
      assert.equal(r.status, c.status, `${c.name}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, c.code, `${c.name}: ${JSON.stringify(r.body)}`);
      assert.equal(JSON.stringify(r.body).includes('BEGIN'), false, 'no key or certificate echoed');
    }
    assert.deepEqual(await counts('alpha'), before_);
  });

  it('revokes: OCSP answers revoked at once; a second revocation is a conflict', async () => {
    const r = await op('POST', `/api/v1/contracts/${issuedId}/revoke`, { reason: 'keyCompromise' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.status, r.body.revocationReason], ['revoked', 'keyCompromise']);
    assert.match(await ocsp(r.body.certificate as string, r.body.chain as string, r.body.moRoot as string), /: revoked[\s\S]*Response verify OK/);
    const again = await op('POST', `/api/v1/contracts/${issuedId}/revoke`, {});
    assert.deepEqual([again.status, again.body.code], [409, 'contract_revoked']);
    // A revoked contract is no longer offered for installation.
    assert.deepEqual(await lab.csms.store.contracts.findForPcid(PCID).then((l) => l.some((x) => x.id === issuedId)), false);
  });

  it('deletes, records every change as an event and an audit record', async () => {
    const d = await op('DELETE', `/api/v1/contracts/${uploadedId}`);
    assert.deepEqual([d.status, d.body.status], [200, 'deleted']);
    assert.deepEqual([(await op('GET', `/api/v1/contracts/${uploadedId}`)).status, (await op('DELETE', `/api/v1/contracts/${uploadedId}`)).status], [404, 404]);
    assert.equal((await op('GET', '/api/v1/contracts/00000000-0000-4000-8000-000000000000')).body.code, 'contract_not_found');
    assert.equal((await op('GET', '/api/v1/contracts/not-a-uuid')).body.code, 'validation_failed');
    const events = (await op('GET', '/api/v1/emsps/alpha/events?limit=100')).body.items as { kind: string; contractId: string }[];
    assert.deepEqual(
      events.map((e) => [e.kind, e.contractId === issuedId ? 'issued' : e.contractId === uploadedId ? 'uploaded' : 'other']),
      [['created', 'issued'], ['created', 'uploaded'], ['created', 'other'], ['revoked', 'issued'], ['deleted', 'uploaded']],
    );
    const audit = (await op('GET', '/api/v1/ca/audit?limit=100')).body.items as { action: string; detail: { contractId?: string } }[];
    const mine = audit.filter((a) => a.action.startsWith('contract-') || a.action === 'emsp-create').map((a) => `${a.action}:${a.detail.contractId === issuedId ? 'issued' : a.detail.contractId === uploadedId ? 'uploaded' : '-'}`);
    assert.deepEqual(mine.reverse(), ['emsp-create:-', 'contract-create:issued', 'contract-upload:uploaded', 'contract-upload:-', 'contract-revoke:issued', 'contract-delete:uploaded']);
    const list = (await op('GET', '/api/v1/emsps/alpha/contracts')).body.items as { id: string; status: string }[];
    assert.deepEqual(list.map((c) => c.status), ['revoked', 'active']);
  });

  it('needs the contracts scopes', async () => {
    const anon = await call(lab.csms.httpUrl, null, 'GET', '/api/v1/emsps');
    assert.deepEqual([anon.status, anon.body.code], [401, 'unauthorized']);
    const dup = await op('POST', '/api/v1/emsps', { id: 'alpha', name: 'again' });
    assert.deepEqual([dup.status, dup.body.code], [409, 'emsp_exists']);
    const badIssuer = await op('POST', '/api/v1/emsps', { id: 'beta', name: 'Beta', issuerId: 'cpo-sub-ca-2' });
    assert.deepEqual([badIssuer.status, badIssuer.body.code], [503, 'contract_issuer_unavailable']);
  });
});
