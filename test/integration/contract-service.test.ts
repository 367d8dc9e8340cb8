// The contract service against a real database, where the APIs cannot reach: a failure while the
// contract is stored leaves nothing half-written (no contract, no key, no event) and revokes the
// certificate just issued; two revocations racing produce one revocation; a key moved to another
// contract's row does not decrypt.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createContractService, type ContractService } from '../../src/contracts/contract-service.js';
import { ContractError } from '../../src/contracts/contract-error.js';
import type { Store } from '../../src/store/store.js';
import { LAB, openTestCa, type TestCaService } from '../helpers/test-ca.js';

const PCID = 'WMIV1234567890ABCD';

describe('contract service', () => {
  let t: TestCaService;
  let service: ContractService;

  before(async () => {
    t = await openTestCa();
    await t.ca.initLab(LAB);
    service = createContractService({ store: t.store, ca: t.ca, kek: () => t.kek });
    await service.createEmsp({ id: 'svc', name: 'Service Mobility', requestedBy: 'test' });
  });
  after(async () => t.close());

  const count = async (table: string): Promise<number> => Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

  it('stores nothing and revokes the issued certificate when storing the contract fails', async () => {
    const before_ = { contracts: await count('contracts'), keys: await count('ca_keys'), events: await count('contract_events') };
    // The contract insert fails inside the transaction, after the key row was written in it.
    const failing: Store['contracts'] = { ...t.store.contracts, insert: async () => Promise.reject(new Error('disk full')) };
    const broken = createContractService({ store: { ...t.store, contracts: failing }, ca: t.ca, kek: () => t.kek });
    await assert.rejects(broken.create({ emspId: 'svc', emaid: 'DE8AACA2B3C4D5', pcids: [PCID], requestedBy: 'test' }), /disk full/);
    assert.deepEqual({ contracts: await count('contracts'), keys: await count('ca_keys'), events: await count('contract_events') }, before_);
    const issued = await t.store.certificates.list({ identity: 'DE8AACA2B3C4D5', limit: 10 });
    assert.equal(issued.length, 1);
    assert.equal(issued[0]?.revocationReason, 'cessationOfOperation', 'no live certificate without its contract');
  });

  it('refuses before issuing anything when the request is bad', async () => {
    const certificates = await count('certificates');
    for (const [input, code] of [
      [{ emspId: 'svc', emaid: 'DE8AACA2B3C4D5X', pcids: [PCID] }, 'CONTRACT_EMAID_INVALID'],
      [{ emspId: 'svc', emaid: 'DE8AACA2B3C4D5', pcids: [PCID], validityDays: 0 }, 'CONTRACT_VALIDITY_INVALID'],
      [{ emspId: 'svc', emaid: 'DE8AACA2B3C4D5', pcids: Array.from({ length: 33 }, (_, i) => `WMIV12345678901${String(i).padStart(3, '0')}`) }, 'CONTRACT_PCID_INVALID'],
      [{ emspId: 'Bad Id', emaid: 'DE8AACA2B3C4D5', pcids: [PCID] }, 'CONTRACT_EMSP_UNKNOWN'],
    ] as const) {
      await assert.rejects(service.create({ ...input, requestedBy: 'test' }), (e: unknown) => e instanceof ContractError && e.code === code);
    }
    assert.equal(await count('certificates'), certificates, 'no serial was even reserved');
  });

  it('revokes once when two revocations race', async () => {
    const c = await service.create({ emspId: 'svc', emaid: 'DE83DUIEN83QGZD', pcids: [PCID], requestedBy: 'test' });
    const results = await Promise.allSettled([service.revoke(c.id, { reason: 'keyCompromise', requestedBy: 'a' }), service.revoke(c.id, { reason: 'superseded', requestedBy: 'b' })]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const refused = results.find((r) => r.status === 'rejected');
    assert.ok(refused && refused.reason instanceof ContractError && refused.reason.code === 'CONTRACT_REVOKED');
    const events = await t.store.contracts.listEvents('svc', { limit: 100 });
    assert.equal(events.filter((e) => e.contractId === c.id && e.kind === 'revoked').length, 1);
  });

  it("issues from the eMSP's own MO Sub-CA 2 when it has one, else from the configured one", async () => {
    const own = await t.ca.createSubCa({ id: 'mo-sub-ca-2-own', parentId: 'mo-sub-ca-1', profile: 'mo-sub-ca-2', subject: [{ type: 'CN', value: 'Own MO Sub-CA 2' }, { type: 'O', value: 'Own' }, { type: 'C', value: 'DE' }, { type: 'DC', value: 'MO' }], requestedBy: 'test' });
    await service.createEmsp({ id: 'own', name: 'Own Mobility', issuerId: 'mo-sub-ca-2-own', requestedBy: 'test' });
    const c = await service.create({ emspId: 'own', emaid: 'DE8AA001234567', pcids: [PCID], requestedBy: 'test' });
    assert.deepEqual(c.chain[0], own.der);
    const d = await service.create({ emspId: 'svc', emaid: 'DE8AA001234567', pcids: [PCID], requestedBy: 'test' });
    assert.deepEqual(d.chain[0], (await t.store.caIssuers.get('mo-sub-ca-2'))?.certificate);
    const configured = createContractService({ store: t.store, ca: t.ca, kek: () => t.kek, issuerId: 'mo-sub-ca-2-own' });
    assert.deepEqual((await configured.create({ emspId: 'svc', emaid: 'DE8AA001234567', pcids: [PCID], requestedBy: 'test' })).chain[0], own.der);
  });

  it('binds each key to its contract: a ciphertext moved to another row does not decrypt', async () => {
    const one = await service.create({ emspId: 'svc', emaid: 'FRXYZ1234567892', pcids: [PCID], requestedBy: 'test' });
    const two = await service.create({ emspId: 'svc', emaid: 'FRXYZ123456789', pcids: [PCID], requestedBy: 'test' });
    await t.db.query('UPDATE ca_keys SET iv = o.iv, ciphertext = o.ciphertext, auth_tag = o.auth_tag FROM ca_keys o WHERE ca_keys.id = $1 AND o.id = $2', [two.keyId, one.keyId]);
    await assert.rejects(service.privateKey(two), (e: unknown) => e instanceof ContractError && e.code === 'CONTRACT_KEY_UNAVAILABLE');
    assert.ok(await service.privateKey(one));
  });
});
