// The contracts behind an eMAID, for Authorize (C07), kept in memory so that an authorization
// answered from the OCSP cache needs no database round trip either. Coherence:
//  - every contract change of this process (create, upload, revoke, delete) invalidates its eMAID
//    once committed (ContractService.onEvent);
//  - changes of other processes on the same PostgreSQL arrive as NOTIFY on CONTRACT_CHANNEL (src/store/contracts.ts, sent
//    in the changing transaction, so delivered at its commit); whenever that listener (re)connects,
//    everything is dropped, since notifications may have been missed meanwhile. The embedded
//    database is single-process: the first rule covers it;
//  - an answer read while an invalidation happened is used once and not kept.
// eMAIDs we do not manage (roaming contracts) are remembered as such too: that is the common case.
import type { ContractRepo, ContractRow } from '../../store/contracts.js';
import { normalizeEmaid, sameEmaid } from './contract-state.js';

export interface ContractIndex {
  /** The contracts we manage for an eMAID, with or without its check digit (the 15th character). */
  find(emaid: string): Promise<ContractRow[]>;
  /** Forgets what is known of this eMAID (any form: separators, case and check digit do not matter). */
  invalidate(emaid: string): void;
  /** Forgets everything. */
  clear(): void;
}

/** eMAIDs kept: a managed one holds its contracts' certificates (about 2.4 KiB each), so at most ~50 MiB. */
const MAX_ENTRIES = 20_000;

/** The key of an eMAID: what findForEmaid matches on (its first 14 characters, normalized). */
export const emaidKey = (emaid: string): string => normalizeEmaid(emaid).slice(0, 14);

export function createContractIndex(contracts: Pick<ContractRepo, 'findForEmaid'>, maxEntries = MAX_ENTRIES): ContractIndex {
  const entries = new Map<string, readonly ContractRow[]>();
  let generation = 0;
  return {
    async find(emaid) {
      const norm = normalizeEmaid(emaid);
      if (norm.length < 14 || norm.length > 15) return [];
      const key = norm.slice(0, 14);
      let rows = entries.get(key);
      if (rows) {
        // Recently used last, so that the oldest entry is the one dropped.
        entries.delete(key);
        entries.set(key, rows);
      } else {
        const seen = generation;
        rows = await contracts.findForEmaid(norm);
        if (seen === generation) {
          if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
          entries.set(key, rows);
        }
      }
      return rows.filter((c) => sameEmaid(c.emaid, norm));
    },
    invalidate(emaid) {
      generation++;
      entries.delete(emaidKey(emaid));
    },
    clear() {
      generation++;
      entries.clear();
    },
  };
}
