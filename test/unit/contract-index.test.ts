// Authorize's in-memory view of the contracts: one database read per eMAID until a change
// invalidates it (eMAIDs we do not manage are remembered too), any form of an eMAID finds the same
// entry, and an answer read while an invalidation happened is never kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContractIndex, emaidKey } from '../../src/csms/c-authorization/contract-index.js';
import type { ContractRepo, ContractRow } from '../../src/store/contracts.js';

const row = (emaid: string, revokedAt: Date | null = null): ContractRow =>
  ({ id: `c-${emaid}`, emspId: 'emsp', emaid, pcids: [], origin: 'issued', certificate: new Uint8Array(1), chain: [], moRoot: new Uint8Array(1), serial: null, keyId: 'k', notBefore: new Date(0), notAfter: new Date(4e12), createdAt: new Date(0), revokedAt, revocationReason: null, deletedAt: null });

function repo(initial: Record<string, ContractRow[]>) {
  const data = new Map(Object.entries(initial));
  const calls: string[] = [];
  let gate: Promise<void> | null = null;
  const contracts: Pick<ContractRepo, 'findForEmaid'> = {
    async findForEmaid(emaid) {
      calls.push(emaid);
      const answer = [...(data.get(emaid.slice(0, 14)) ?? [])];
      if (gate) await gate;
      return answer;
    },
  };
  return { contracts, calls, data, hold: (p: Promise<void> | null): void => {
      gate = p;
    },
  };
}

describe('contract index', () => {
  it('reads an eMAID once, in any of its forms, until it is invalidated', async () => {
    const r = repo({ DEPLGC12345678: [row('DEPLGC12345678F')] });
    const index = createContractIndex(r.contracts);
    assert.equal((await index.find('DE-PLG-C12345678-F')).length, 1);
    assert.equal((await index.find('deplgc12345678f')).length, 1);
    assert.equal((await index.find('DEPLGC12345678')).length, 1);
    assert.equal(r.calls.length, 1);
    // A changed contract: the next look-up reads again and sees the change.
    r.data.set('DEPLGC12345678', [row('DEPLGC12345678F', new Date())]);
    index.invalidate('DE-PLG-C12345678-F');
    const after = await index.find('DEPLGC12345678F');
    assert.ok(after[0]?.revokedAt instanceof Date);
    assert.equal(r.calls.length, 2);
    // Another check digit is another eMAID (same key, filtered out).
    assert.deepEqual(await index.find('DEPLGC12345678X'), []);
    assert.equal(emaidKey('de-plg-c12345678-f'), 'DEPLGC12345678');
  });

  it('remembers eMAIDs it does not manage, and forgets everything on clear()', async () => {
    const r = repo({});
    const index = createContractIndex(r.contracts);
    for (let i = 0; i < 5; i++) assert.deepEqual(await index.find('NLOEMC000000101'), []);
    assert.equal(r.calls.length, 1);
    r.data.set('NLOEMC00000010', [row('NLOEMC000000101')]);
    index.clear();
    assert.equal((await index.find('NLOEMC000000101')).length, 1);
    assert.deepEqual(await index.find('too-short'), []);
    assert.equal(r.calls.length, 2);
  });

  it('does not keep an answer read while an invalidation happened', async () => {
    const r = repo({ DEPLGC12345678: [row('DEPLGC12345678F')] });
    const index = createContractIndex(r.contracts);
    let release!: () => void;
    r.hold(new Promise<void>((res) => (release = res)));
    const pending = index.find('DEPLGC12345678F');
    // The contract is revoked and its eMAID invalidated while the read is in flight.
    r.data.set('DEPLGC12345678', [row('DEPLGC12345678F', new Date())]);
    index.invalidate('DEPLGC12345678F');
    release();
    r.hold(null);
    assert.equal((await pending)[0]?.revokedAt, null);
    assert.ok((await index.find('DEPLGC12345678F'))[0]?.revokedAt instanceof Date);
    assert.equal(r.calls.length, 2);
  });

  it('stays within its bound, dropping the least recently used eMAID', async () => {
    const r = repo({});
    const index = createContractIndex(r.contracts, 3);
    for (const e of ['AAAAAAAAAAAAA1', 'AAAAAAAAAAAAA2', 'AAAAAAAAAAAAA3']) await index.find(e);
    await index.find('AAAAAAAAAAAAA1');
    await index.find('AAAAAAAAAAAAA4');
    const before = r.calls.length;
    await index.find('AAAAAAAAAAAAA1');
    assert.equal(r.calls.length, before, 'the recently used eMAID stayed');
    await index.find('AAAAAAAAAAAAA2');
    assert.equal(r.calls.length, before + 1, 'the least recently used one was dropped');
  });
});
