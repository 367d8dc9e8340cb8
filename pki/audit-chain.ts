// The CA audit log's hash chain: each record's hash covers the previous hash and a canonical
// encoding of the record, so that removing, reordering or editing any record breaks every hash
// after it. Pure: the storage shell appends and reads; this computes and checks.
import { createHash } from 'node:crypto';
import { bytesToHex } from './der/writer.js';

export interface AuditRecord {
  seq: number;
  at: Date;
  /** Who asked: an API client id, `cli:<user>`, `station:<id>`, `system`. */
  actor: string;
  /** What was asked: issue, revoke, import-ca, init-hierarchy, publish-crl, ... */
  action: string;
  /** What was decided: issued, refused, revoked, ... */
  decision: string;
  issuerId: string | null;
  /** Serial number INTEGER content octets, hex. */
  serial: string | null;
  profile: string | null;
  /** Free-form facts, JSON: numbers, strings, booleans, null, arrays and objects of them. */
  detail: Record<string, unknown>;
}

/** The hash before the first record. */
export const GENESIS_HASH = new Uint8Array(32);

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function auditRecordHash(prevHash: Uint8Array, r: AuditRecord): Uint8Array {
  const body = canonicalJson({ ...r, at: r.at.toISOString() });
  return new Uint8Array(createHash('sha256').update(prevHash).update(body).digest());
}

export type AuditChainProblem = { seq: number; problem: 'gap' | 'prev-hash-mismatch' | 'hash-mismatch' };

/**
 * Checks records in seq order (as stored, with their stored hashes). Returns the first problem:
 * a missing seq (a removed record), a prev_hash that is not the previous record's hash, or a hash
 * that does not cover the record (an edited record).
 */
export function verifyAuditChain(records: Iterable<AuditRecord & { prevHash: Uint8Array; hash: Uint8Array }>, start: { seq: number; hash: Uint8Array } = { seq: 0, hash: GENESIS_HASH }): AuditChainProblem | null {
  let expectedSeq = start.seq + 1;
  let prev = start.hash;
  for (const r of records) {
    if (r.seq !== expectedSeq) return { seq: expectedSeq, problem: 'gap' };
    if (bytesToHex(r.prevHash) !== bytesToHex(prev)) return { seq: r.seq, problem: 'prev-hash-mismatch' };
    const { prevHash: _p, hash, ...record } = r;
    if (bytesToHex(auditRecordHash(prev, record)) !== bytesToHex(hash)) return { seq: r.seq, problem: 'hash-mismatch' };
    prev = hash;
    expectedSeq++;
  }
  return null;
}
