// Contract private keys for the installation path: stored in ca_keys, encrypted under the KEK like
// CA keys (migration 0005). ca_keys rows never change once written, so their sealed form (the
// ciphertext, never the plaintext) is kept in memory by key id: an installation then opens the key
// without a database round trip. The plaintext exists only while the key is wrapped for the EV.
import { scalarOfPkcs8 } from '../../pki/iso15118-key-wrap.js';
import type { Kek } from '../ca/key-vault.js';
import type { StoredKey } from '../store/ca-keys.js';
import type { ContractRow } from '../store/contracts.js';
import type { Store } from '../store/store.js';

export interface ContractKeys {
  /** The contract key's 32-octet P-256 scalar; the caller wipes it after use. */
  privateScalar(contract: Pick<ContractRow, 'keyId'>): Promise<Buffer>;
}

export class ContractKeyError extends Error {
  override readonly name = 'ContractKeyError';
  readonly code = 'CONTRACT_KEY_UNAVAILABLE';
}

const MAX_SEALED = 50_000;

export function cachedContractKeys(store: Pick<Store, 'caKeys'>, kek: () => Kek): ContractKeys {
  const sealed = new Map<string, NonNullable<StoredKey['encrypted']>>();
  return {
    async privateScalar(contract) {
      let record = sealed.get(contract.keyId);
      if (!record) {
        const row = await store.caKeys.get(contract.keyId);
        if (!row?.encrypted) throw new ContractKeyError(`contract key ${contract.keyId} is not stored here`);
        record = row.encrypted;
        if (sealed.size >= MAX_SEALED) sealed.delete(sealed.keys().next().value!);
        sealed.set(contract.keyId, record);
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
