// Every answer about a known contract becomes an event in its eMSP's feed ('installed' or
// 'installation_failed', migration 0005), whoever asked (a station over OCPP, a CSMS through the
// pool endpoint) and whichever provider answered. The event is committed before the answer goes
// out; concurrent installations share one statement (one commit) through a Batcher. A failing
// event write is logged and never changes the answer.
import type { Logger } from '../log.js';
import { Batcher } from '../store/batcher.js';
import type { NewContractEvent } from '../store/contracts.js';
import type { Store } from '../store/store.js';
import { isSuccess, type ContractCertificateProvider } from './contract-provider.js';

export interface ContractEventDeps {
  store: Pick<Store, 'contracts'>;
  log: Logger;
  now?: () => Date;
}

export function withContractEvents(provider: ContractCertificateProvider, deps: ContractEventDeps): ContractCertificateProvider {
  const now = deps.now ?? (() => new Date());
  const events = new Batcher<NewContractEvent, void>(async (items) => {
    await deps.store.contracts.recordEvents(items);
    return items.map(() => ({ ok: true as const, value: undefined }));
  });
  return {
    id: provider.id,
    async provide(request) {
      const result = await provider.provide(request);
      const ok = isSuccess(result.responseCode);
      deps.log.info({ requester: request.requester, action: request.action, responseCode: result.responseCode, provider: result.provider, contractId: result.contract?.id ?? null, detail: result.detail }, ok ? 'contract certificate delivered' : 'contract certificate request failed');
      if (result.contract) {
        try {
          await events.submit({
            emspId: result.contract.emspId,
            contractId: result.contract.id,
            kind: ok ? 'installed' : 'installation_failed',
            at: now(),
            stationId: request.stationId,
            detail: { action: request.action, responseCode: result.responseCode, provider: result.provider, requester: request.requester, ...(result.detail ? { reason: result.detail } : {}) },
          });
        } catch (err) {
          deps.log.error({ err, contractId: result.contract.id }, 'cannot record the contract event');
        }
      }
      return result;
    },
  };
}
