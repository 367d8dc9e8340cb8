// Composition of contract-certificate provision (M01/M02 and the pool endpoint): our provider over
// the contracts table, the OEM and MO trust stores, the cached CPS signer, the configured pools,
// and the contract event feed around it. Called once by main.ts.
import { parseCertificate } from '../../pki/certificate/parse-certificate.js';
import type { CaService } from '../ca/ca-service.js';
import type { Kek } from '../ca/key-vault.js';
import type { ContractService } from '../contracts/contract-service.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { createCertificateTrust, type TrustMaterial } from './certificate-trust.js';
import { withContractEvents } from './contract-events.js';
import { cachedContractKeys } from './contract-keys.js';
import type { ContractCertificateProvider } from './contract-provider.js';
import type { CpsCredentials } from './exi-responses.js';
import { createLocalProvider } from './local-provider.js';
import { createPoolForwarder } from './pool-forwarder.js';
import type { PoolEntry } from './provider-config-files.js';

export interface ContractProviderOptions {
  store: Pick<Store, 'db' | 'contracts' | 'caKeys'>;
  ca: Pick<CaService, 'serviceSigner' | 'issuers'>;
  /** The MO roots contracts are accepted under (ours and --mo-roots-file). */
  contracts: Pick<ContractService, 'moRoots'>;
  /** The KEK that opens contract keys. */
  kek: () => Kek;
  /** Certificates of --oem-roots-file (roots and sub-CAs). */
  oemCertificates: readonly Uint8Array[];
  pools: readonly PoolEntry[];
  log: Logger;
  fetch?: typeof fetch;
  now?: () => Date;
  /** How long the CPS signer and trust material are reused (default 60 s). */
  cacheMs?: number;
}

const selfIssued = (c: { subjectDer: Uint8Array; issuerDer: Uint8Array }): boolean => Buffer.from(c.subjectDer).equals(Buffer.from(c.issuerDer));

export function startContractProvider(opts: ContractProviderOptions): ContractCertificateProvider {
  const cacheMs = opts.cacheMs ?? 60_000;
  // OEM trust: the OEM CAs we operate (lab hierarchy) and the configured file.
  const oemTrust = createCertificateTrust(async () => {
    const issuers = await opts.ca.issuers.list();
    const anchors: Uint8Array[] = [];
    const intermediates: Uint8Array[] = [];
    for (const i of issuers) {
      if (i.profileId === 'oem-root') anchors.push(i.certificate.certificate);
      if (i.profileId === 'oem-sub-ca-1' || i.profileId === 'oem-sub-ca-2') intermediates.push(i.certificate.certificate);
    }
    for (const der of opts.oemCertificates) (selfIssued(parseCertificate(der)) ? anchors : intermediates).push(der);
    const material: TrustMaterial = { anchors, intermediates };
    return material;
  }, cacheMs);
  // MO trust (updates): the MO roots contracts are accepted under, and our MO sub-CAs.
  const moTrust = createCertificateTrust(async () => {
    const issuers = await opts.ca.issuers.list();
    return { anchors: await opts.contracts.moRoots(), intermediates: issuers.filter((i) => i.profileId === 'mo-sub-ca-1' || i.profileId === 'mo-sub-ca-2').map((i) => i.certificate.certificate) };
  }, cacheMs);

  let cps: { value: Promise<CpsCredentials | null>; at: number } | null = null;
  const cpsCredentials = (): Promise<CpsCredentials | null> => {
    const now = Date.now();
    if (!cps || now - cps.at > cacheMs) {
      const value = opts.ca.serviceSigner('cps-signer').then((s) =>
        s ? { signer: s.signer, certificate: s.certificate, subCertificates: s.chain.slice(0, -1) } : null,
      );
      cps = { value, at: now };
      value.catch(() => {
        cps = null;
      });
    }
    return cps.value;
  };

  const forwarders = new Map(opts.pools.map((p) => [p.id, createPoolForwarder(p, opts.fetch)]));
  const byEmsp = new Map<string, ContractCertificateProvider>();
  for (const p of opts.pools) for (const e of p.emsps) byEmsp.set(e, forwarders.get(p.id)!);
  const fallback = opts.pools.find((p) => p.fallback);

  const local = createLocalProvider({
    store: opts.store,
    keys: cachedContractKeys(opts.store, opts.kek),
    cps: cpsCredentials,
    oemTrust,
    moTrust,
    poolForEmsp: (emspId) => byEmsp.get(emspId) ?? null,
    fallbackPool: fallback ? forwarders.get(fallback.id)! : null,
    ...(opts.now ? { now: opts.now } : {}),
  });
  return withContractEvents(local, { store: opts.store, log: opts.log, ...(opts.now ? { now: opts.now } : {}) });
}
