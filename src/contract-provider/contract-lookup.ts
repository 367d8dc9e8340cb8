// Contract look-up by PCID for the installation path (M01). Which contracts are usable is asked of
// the database on every request, so a revocation counts from the next request on, whichever
// process made it; concurrent requests share one statement, which also brings each contract's
// sealed key (the installation needs it next).
import { Batcher } from '../store/batcher.js';
import type { ContractRepo, ContractWithSealedKey } from '../store/contracts.js';

export interface ContractLookup {
  /** Usable contracts bound to this PCID (normalized upper case), newest notAfter first, then by id. */
  usableForPcid(pcid: string): Promise<ContractWithSealedKey[]>;
}

export function contractLookup(contracts: Pick<ContractRepo, 'usableForPcids'>): ContractLookup {
  const batch = new Batcher<string, ContractWithSealedKey[]>(async (pcids) => {
    const found = await contracts.usableForPcids([...new Set(pcids)]);
    return pcids.map((pcid) => {
      const matches = found.filter((c) => c.pcids.includes(pcid));
      matches.sort((a, b) => b.notAfter.getTime() - a.notAfter.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { ok: true as const, value: matches };
    });
  });
  return { usableForPcid: (pcid) => batch.submit(pcid) };
}
