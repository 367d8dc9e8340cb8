// The audit log's hash chain detects removed, reordered and edited records.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { auditRecordHash, canonicalJson, GENESIS_HASH, verifyAuditChain, type AuditRecord } from '../../pki/audit-chain.js';

function chain(n: number): (AuditRecord & { prevHash: Uint8Array; hash: Uint8Array })[] {
  let prev: Uint8Array = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const r: AuditRecord = { seq: i + 1, at: new Date(1_700_000_000_000 + i * 1000), actor: 'cli:alice', action: 'issue', decision: 'issued', issuerId: 'csms-sub-ca', serial: `4${i}`.padEnd(32, '0'), profile: 'charging-station-leaf', detail: { subject: `CN=CS${i}`, n: i } };
    const hash = auditRecordHash(prev, r);
    const out = { ...r, prevHash: prev, hash };
    prev = hash;
    return out;
  });
}

describe('audit hash chain', () => {
  it('accepts an intact chain', () => assert.equal(verifyAuditChain(chain(5)), null));

  it('names an edited record', () => {
    const c = chain(5);
    c[2] = { ...c[2]!, decision: 'refused' };
    assert.deepEqual(verifyAuditChain(c), { seq: 3, problem: 'hash-mismatch' });
  });

  it('names a removed record', () => {
    const c = chain(5);
    c.splice(1, 1);
    assert.deepEqual(verifyAuditChain(c), { seq: 2, problem: 'gap' });
  });

  it('names a record re-hashed after an edit (its successor no longer chains)', () => {
    const c = chain(5);
    const edited = { ...c[1]!, actor: 'mallory' };
    const { prevHash: _p, hash: _h, ...body } = edited;
    c[1] = { ...edited, hash: auditRecordHash(edited.prevHash, body) };
    assert.deepEqual(verifyAuditChain(c), { seq: 3, problem: 'prev-hash-mismatch' });
  });

  it('hashes detail independently of key order (jsonb reorders keys)', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});
