// The state of the contract behind an eMAID, from the contracts we manage (src/store/contracts.ts):
// the contract that matches the presented certificate, else the newest one for the eMAID.
import type { ContractRow } from '../../store/contracts.js';

export type ContractState =
  /** No contract we manage: a contract of another eMSP (roaming), or none at all. */
  | { kind: 'none' }
  | { kind: 'active'; contract: ContractRow }
  /** Revoked by its eMSP (deleted contracts are not found at all). */
  | { kind: 'cancelled'; contract: ContractRow }
  | { kind: 'expired'; contract: ContractRow }
  | { kind: 'not-yet-valid'; contract: ContractRow };

/** eMAIDs compare upper case without separators (ISO 15118-2 Annex H: "DE-ABC-C12345678-X" = "DEABCC12345678X"). */
export const normalizeEmaid = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** Equal eMAIDs, with or without the check digit (the 15th character). */
export function sameEmaid(a: string, b: string): boolean {
  const x = normalizeEmaid(a);
  const y = normalizeEmaid(b);
  if (x === y) return true;
  return x.length >= 14 && y.length >= 14 && Math.abs(x.length - y.length) === 1 && x.slice(0, 14) === y.slice(0, 14);
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

function stateOf(c: ContractRow, now: Date): ContractState {
  if (c.revokedAt) return { kind: 'cancelled', contract: c };
  if (now >= c.notAfter) return { kind: 'expired', contract: c };
  if (now < c.notBefore) return { kind: 'not-yet-valid', contract: c };
  return { kind: 'active', contract: c };
}

export function contractState(found: readonly ContractRow[], certificate: Uint8Array | null, now: Date): ContractState {
  const rows = [...found];
  if (rows.length === 0) return { kind: 'none' };
  if (certificate) {
    const own = rows.find((c) => equalBytes(c.certificate, certificate));
    if (own) return stateOf(own, now);
    // A certificate we do not hold for an eMAID we manage: its chain decides, unless every contract
    // we hold for the eMAID was cancelled.
    return rows.every((c) => c.revokedAt) ? { kind: 'cancelled', contract: rows[0] as ContractRow } : { kind: 'none' };
  }
  // Newest first (findForEmaid orders by notAfter): the newest contract decides.
  rows.sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime());
  return stateOf(rows[0] as ContractRow, now);
}
