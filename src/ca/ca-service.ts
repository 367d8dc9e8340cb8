// The CA service: the imperative shell around pki/, and the only holder of Signers. Composed once
// in main.ts (or the CLI) and handed to the RA handlers, the API, the OCSP responder and jobs.
import { createHash, randomBytes } from 'node:crypto';
import type { Signer } from '../../pki/signer.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { createRoot, createSubCa, ensureOcspSigner, importCa, issueServiceKey, renewServiceKey, type CreateRootInput, type CreateSubCaInput, type HierarchyDeps, type ImportCaInput } from './ca-hierarchy.js';
import { createIssuance, type IssuedCertificate, type IssueRequest } from './issue-certificate.js';
import { createIssuerRegistry, type IssuerRegistry } from './issuer-registry.js';
import type { Kek } from './key-vault.js';
import { initLabHierarchy, subjectFor, type LabItem, type LabOptions } from './lab-hierarchy.js';
import { revokeCertificate, type RevocationListener, type RevocationResult, type RevokeInput } from './revoke-certificate.js';

export interface CaServiceOptions {
  store: Store;
  /** The key-encryption key; called when a key is first stored or loaded. */
  kek: () => Kek;
  /** Base URL relying parties reach us at; AIA and CDP URLs derive from it. */
  publicBaseUrl: string | (() => string);
  log: Logger;
  now?: () => Date;
  randomBytes?: (n: number) => Uint8Array;
  externalSigners?: ReadonlyMap<string, Signer>;
}

export interface CaService {
  readonly issuers: IssuerRegistry;
  /** Base URL of the OCSP responder and CRLs, as certificates carry it. */
  readonly publicBaseUrl: string;
  issue(req: IssueRequest): Promise<IssuedCertificate>;
  revoke(input: RevokeInput): Promise<RevocationResult>;
  onRevoked(listener: RevocationListener): void;
  createRoot(input: CreateRootInput): Promise<Uint8Array>;
  createSubCa(input: CreateSubCaInput): Promise<IssuedCertificate>;
  importCa(input: ImportCaInput): Promise<void>;
  initLab(opts: LabOptions): Promise<LabItem[]>;
  /** Issues or renews the delegated OCSP signer of every CA that needs one; returns the CAs renewed. */
  ensureOcspSigners(requestedBy?: string): Promise<string[]>;
  issueServiceKey(purpose: string, req: Omit<IssueRequest, 'publicKey'>): Promise<IssuedCertificate>;
  /** Renews a service certificate with a third of its life left (or revoked); true when it did. */
  renewServiceKey(purpose: string, requestedBy?: string): Promise<boolean>;
  /** The Signer and certificate the CSMS uses for a purpose (cps-signer, firmware-signer, ...). */
  serviceSigner(purpose: string): Promise<{ signer: Signer; certificate: Uint8Array; chain: Uint8Array[] } | null>;
  /** True when a live certificate for this public key is bound to another identity. */
  keyCertifiedForOther(spki: Uint8Array, identity: string): Promise<boolean>;
}

export function createCaService(opts: CaServiceOptions): CaService {
  const now = opts.now ?? (() => new Date());
  const rand = opts.randomBytes ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const base = opts.publicBaseUrl;
  const baseUrl = typeof base === 'string' ? () => base : base;
  const issuers = createIssuerRegistry({ store: opts.store, kek: opts.kek, publicBaseUrl: baseUrl, ...(opts.externalSigners ? { externalSigners: opts.externalSigners } : {}) });
  const issuance = createIssuance({ store: opts.store, issuers, now, randomBytes: rand });
  const deps: HierarchyDeps = { store: opts.store, issuers, issue: issuance.issue, kek: opts.kek, now, randomBytes: rand };
  const listeners: RevocationListener[] = [];

  return {
    issuers,
    get publicBaseUrl() {
      return baseUrl();
    },
    issue: issuance.issue,
    async revoke(input) {
      const result = await revokeCertificate({ store: opts.store, now }, input);
      // Listeners run side by side: the OCSP cache is invalidated at once, whatever a CRL costs.
      const outcomes = await Promise.allSettled(listeners.map(async (l) => l(result)));
      for (const o of outcomes) if (o.status === 'rejected') opts.log.error({ err: o.reason as unknown, serial: result.serial }, 'a revocation listener failed');
      return result;
    },
    onRevoked: (l) => void listeners.push(l),
    createRoot: (input) => createRoot(deps, input),
    createSubCa: (input) => createSubCa(deps, input),
    importCa: async (input) => {
      await importCa(deps, input);
      issuers.invalidate(input.id);
    },
    initLab: (lab) => initLabHierarchy(deps, lab),
    async ensureOcspSigners(requestedBy = 'system') {
      const renewed: string[] = [];
      for (const issuer of await issuers.list()) {
        const cn = issuer.certificate.subject.find((a) => a.type === 'CN')?.value ?? issuer.row.id;
        const subject = subjectFor('ocsp-signer', { CN: `${cn} OCSP`.slice(0, 64), O: issuer.certificate.subject.find((a) => a.type === 'O')?.value ?? 'plugtrust', C: issuer.certificate.subject.find((a) => a.type === 'C')?.value ?? 'DE' });
        try {
          if (await ensureOcspSigner(deps, issuer.row.id, subject, requestedBy)) renewed.push(issuer.row.id);
        } catch (err) {
          opts.log.error({ err, issuerId: issuer.row.id }, 'cannot issue the OCSP signer');
        }
      }
      return renewed;
    },
    issueServiceKey: (purpose, req) => issueServiceKey(deps, purpose, req),
    renewServiceKey: (purpose, requestedBy) => renewServiceKey(deps, purpose, requestedBy),
    async serviceSigner(purpose) {
      const row = await opts.store.caServiceKeys.get(purpose);
      if (!row) return null;
      const cert = await opts.store.certificates.get(row.serial);
      if (!cert?.der) return null;
      const issuer = await issuers.get(cert.issuerId);
      return { signer: await issuers.keySigner(row.keyId), certificate: cert.der, chain: issuer.chain };
    },
    async keyCertifiedForOther(spki, identity) {
      const others = await opts.store.certificates.identitiesForKey(new Uint8Array(createHash('sha256').update(spki).digest()));
      return others.some((i) => i !== identity);
    },
  };
}
