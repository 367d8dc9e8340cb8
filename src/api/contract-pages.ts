// The paged lists both contract APIs answer (the operator API for any eMSP, the eMSP API for the
// token's eMSP): contracts oldest first with a cursor, and contract events polled from an id.
import type { ContractService } from '../contracts/contract-service.js';
import type { Store } from '../store/store.js';
import { presentContract, presentEvent } from './contract-present.js';
import type { ListQuery } from './contract-schemas.js';

export interface Page {
  items: Record<string, unknown>[];
  /** The `after` of the next page; null when this page was the last. */
  nextAfter: string | null;
}

/** A full page may have a successor; a short one is the last. */
export async function listContractPage(contracts: Pick<ContractService, 'list'>, emspId: string, query: ListQuery): Promise<Page> {
  const rows = await contracts.list(emspId, { limit: query.limit, after: query.after });
  return { items: rows.map((r) => presentContract(r)), nextAfter: rows.length === query.limit ? (rows.at(-1)?.id ?? null) : null };
}

/** Events are polled: nextAfter is the last event seen, so the next poll starts after it. */
export async function listEventPage(store: Pick<Store, 'contracts'>, emspId: string, query: ListQuery): Promise<Page> {
  const events = await store.contracts.listEvents(emspId, { limit: query.limit, ...(query.after ? { afterId: query.after } : {}) });
  return { items: events.map(presentEvent), nextAfter: events.at(-1)?.id ?? query.after ?? null };
}
