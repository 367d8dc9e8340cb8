// Contract private keys for the installation path: stored in ca_keys, encrypted under the KEK like
// CA keys (migration 0005). An installation's contract look-up brings the sealed key with the
// contract row, so it is opened without another statement. Otherwise (an update, M02) keys are read
// in one statement for concurrent requests, and, since ca_keys rows never change once written,
// their sealed form (the ciphertext, never the plaintext) is kept in memory by key id. The
// plaintext exists only while the key is wrapped for the EV.
import { scalarOfPkcs8 } from '../../pki/iso15118-key-wrap.js';
import type { Kek } from '../ca/key-vault.js';
import { Batcher } from '../store/batcher.js';
import type { SealedKey } from '../store/ca-keys.js';
import type { ContractRow } from '../store/contracts.js';
import type { Store } from '../store/store.js';

export interface ContractKeys {
  /**
   * The contract key's 32-octet P-256 scalar; the caller wipes it after use. `sealedKey`, when the
   * contract was read with it, is opened as it is.
   */
  privateScalar(contract: Pick<ContractRow, 'keyId'> & { sealedKey?: SealedKey | null }): Promise<Buffer>;
}

export class ContractKeyError extends Error {
  override readonly name = 'ContractKeyError';
  readonly code = 'CONTRACT_KEY_UNAVAILABLE';
}

const MAX_SEALED = 50_000;

export function cachedContractKeys(store: Pick<Store, 'caKeys'>, kek: () => Kek): ContractKeys {
  const sealed = new Map<string, SealedKey>();
  const keep = (keyId: string, record: SealedKey): void => {
    if (sealed.has(keyId)) return;
    if (sealed.size >= MAX_SEALED) sealed.delete(sealed.keys().next().value!);
    sealed.set(keyId, record);
  };
  const reads = new Batcher<string, SealedKey | null>(async (ids) => {
    const rows = new Map((await store.caKeys.getMany([...new Set(ids)])).map((r) => [r.id, r.encrypted]));
    return ids.map((id) => ({ ok: true as const, value: rows.get(id) ?? null }));
  });
  return {
    async privateScalar(contract) {
      let record = contract.sealedKey ?? sealed.get(contract.keyId);
      if (!record) {
        const read = await reads.submit(contract.keyId);
        if (!read) throw new ContractKeyError(`contract key ${contract.keyId} is not stored here`);
        record = read;
        keep(contract.keyId, record);
      }
      const pkcs8 = kek().decrypt(contract.keyId, record);
      try {
        return scalarOfPkcs8(pkcs8);
      } catch {
        throw new ContractKeyError(`contract key ${contract.keyId} is not a P-256 key`);
      } finally {
        pkcs8.fill(0);
      }
    },
  };
}
