// The contract lifecycle: the registration authority for contract certificates. It validates
// what an eMSP (or an operator on its behalf) asks for, has our MO sub-CA issue the certificate
// (or checks an uploaded one), keeps the key encrypted under the KEK, and records every change as
// a contract event (the eMSP's feed) and a CA audit record.
import { randomUUID, type KeyObject } from 'node:crypto';
import { bytesToHex } from '../../pki/der/writer.js';
import { parseEmaid } from '../../pki/emaid.js';
import { getProfile } from '../../pki/profiles/index.js';
import { PCID_PATTERN } from '../../pki/profiles/oem-provisioning-leaf.js';
import { CaError } from '../ca/ca-error.js';
import type { CaService } from '../ca/ca-service.js';
import { privateKeyFromPkcs8, type Kek } from '../ca/key-vault.js';
import { subjectFor } from '../ca/lab-hierarchy.js';
import { REVOCATION_REASONS, type RevocationReason } from '../ca/revoke-certificate.js';
import { generateKey, softwareSigner } from '../ca/software-signer.js';
import type { NewAuditRecord } from '../store/ca-audit.js';
import type { ContractEventKind, ContractRow, EmspRow, NewContract } from '../store/contracts.js';
import type { Queryable } from '../store/db.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../log.js';
import { checkUploadedContract } from './check-uploaded-contract.js';
import { ContractError } from './contract-error.js';

/** The MO sub-CA that issues contract certificates unless configured otherwise (lab hierarchy name). */
export const DEFAULT_CONTRACT_ISSUER = 'mo-sub-ca-2';
/** An EV's contract is bound to a handful of vehicles at most. */
export const MAX_PCIDS = 32;
/** Reasons a contract is revoked for (RFC 5280 5.3.1); cACompromise concerns the CA, not a contract. */
export const CONTRACT_REVOCATION_REASONS = REVOCATION_REASONS.filter((r) => r !== 'cACompromise');
export type ContractRevocationReason = Exclude<RevocationReason, 'cACompromise'>;
export const EMSP_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface ContractServiceDeps {
  store: Pick<Store, 'db' | 'contracts' | 'caKeys' | 'caAudit' | 'caIssuers'>;
  ca: Pick<CaService, 'issue' | 'revoke'>;
  kek: () => Kek;
  now?: () => Date;
  /** The CA issuing contract certificates for eMSPs without their own; default mo-sub-ca-2. */
  issuerId?: string | undefined;
  /** MO roots trusted for uploaded contracts besides the MO roots we operate (DER). */
  extraMoRoots?: readonly Uint8Array[] | undefined;
  log?: Pick<Logger, 'error'> | undefined;
}

export interface CreateContractInput {
  emspId: string;
  emaid: string;
  pcids: readonly string[];
  validityDays?: number | undefined;
  requestedBy: string;
}

export interface UploadContractInput {
  emspId: string;
  emaid?: string | undefined;
  pcids: readonly string[];
  certificate: Uint8Array;
  chain: readonly Uint8Array[];
  /** PKCS#8 DER. */
  privateKey: Uint8Array;
  requestedBy: string;
}

export interface ChangeOptions {
  /** When given, the contract must belong to this eMSP (the eMSP API); otherwise any (operators). */
  emspId?: string | undefined;
  requestedBy: string;
}

/** A committed change of a contract: its eMSP, what happened, and its eMAID (normalized). */
export type ContractEventListener = (e: { emspId: string; kind: ContractEventKind; emaid: string }) => void;

export interface ContractService {
  createEmsp(input: { id: string; name: string; issuerId?: string | null | undefined; requestedBy: string }): Promise<EmspRow>;
  create(input: CreateContractInput): Promise<ContractRow>;
  upload(input: UploadContractInput): Promise<ContractRow>;
  /** A live (not deleted) contract; with `emspId`, only that eMSP's. Throws CONTRACT_NOT_FOUND. */
  get(id: string, emspId?: string): Promise<ContractRow>;
  list(emspId: string, opts: { limit: number; after?: string | undefined }): Promise<ContractRow[]>;
  revoke(id: string, opts: ChangeOptions & { reason: ContractRevocationReason }): Promise<ContractRow>;
  delete(id: string, opts: ChangeOptions): Promise<ContractRow>;
  /** The contract's private key (for the M01/M02 installation handler). Never log or store it. */
  privateKey(contract: Pick<ContractRow, 'keyId'>): Promise<KeyObject>;
  /** The MO roots uploads are validated against: ours and the configured ones (DER). */
  moRoots(): Promise<Uint8Array[]>;
  /** Called after an event is committed (webhook delivery wakes up). */
  onEvent(listener: ContractEventListener): void;
}

function normalizeEmaid(text: string): string {
  const r = parseEmaid(text);
  if (!r.ok) throw new ContractError('CONTRACT_EMAID_INVALID', r.detail, [{ code: r.defect, detail: r.detail }]);
  return r.emaid.normalized;
}

/** PCIDs: 17 or 18 alphanumerics (ISO 15118-2 provisioning certificate id), upper case, no duplicates. */
function normalizePcids(pcids: readonly string[]): string[] {
  if (pcids.length === 0 || pcids.length > MAX_PCIDS) throw new ContractError('CONTRACT_PCID_INVALID', `a contract is bound to 1 to ${MAX_PCIDS} PCIDs`);
  const bad = pcids.filter((p) => !PCID_PATTERN.test(p));
  if (bad.length > 0) throw new ContractError('CONTRACT_PCID_INVALID', `a PCID is 17 or 18 letters and digits: ${bad.slice(0, 3).map((b) => JSON.stringify(b.slice(0, 40))).join(', ')}`);
  return [...new Set(pcids.map((p) => p.toUpperCase()))];
}

export function createContractService(deps: ContractServiceDeps): ContractService {
  const { store, ca } = deps;
  const now = deps.now ?? (() => new Date());
  const defaultIssuer = deps.issuerId ?? DEFAULT_CONTRACT_ISSUER;
  const listeners: ContractEventListener[] = [];
  const emit = (c: Pick<ContractRow, 'emspId' | 'emaid'>, kind: ContractEventKind): void => {
    for (const l of listeners) {
      try {
        l({ emspId: c.emspId, kind, emaid: c.emaid });
      } catch (err) {
        deps.log?.error({ err }, 'a contract event listener failed');
      }
    }
  };

  async function emspOf(emspId: string): Promise<EmspRow> {
    const emsp = EMSP_ID_PATTERN.test(emspId) ? await store.contracts.getEmsp(emspId) : null;
    if (!emsp) throw new ContractError('CONTRACT_EMSP_UNKNOWN', `no eMSP ${JSON.stringify(emspId.slice(0, 64))}`);
    return emsp;
  }

  async function live(id: string, emspId?: string): Promise<ContractRow> {
    const c = await store.contracts.get(id, emspId);
    if (!c || c.deletedAt) throw new ContractError('CONTRACT_NOT_FOUND', `no contract ${JSON.stringify(id.slice(0, 64))}${emspId ? ` for eMSP ${emspId}` : ''}`);
    return c;
  }

  const audit = (at: Date, requestedBy: string, action: string, decision: string, c: Pick<NewContract, 'id' | 'emspId' | 'emaid' | 'serial' | 'origin'>, issuerId: string | null, detail: Record<string, unknown> = {}): NewAuditRecord => ({
    at,
    actor: requestedBy,
    action,
    decision,
    issuerId,
    serial: c.serial ? bytesToHex(c.serial) : null,
    profile: 'contract-leaf',
    detail: { contractId: c.id, emspId: c.emspId, emaid: c.emaid, origin: c.origin, ...detail },
  });

  /** Key, contract, 'created' event and audit record: one transaction, so nothing is half-written. */
  async function store_(c: NewContract, key: KeyObject, issuerId: string | null, requestedBy: string): Promise<void> {
    const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
    try {
      const sealed = deps.kek().encrypt(c.keyId, pkcs8);
      await store.db.withTransaction(async (tx: Queryable) => {
        await store.caKeys.insert({ id: c.keyId, algorithm: 'ec', publicKey: softwareSigner(key).publicKey, encrypted: sealed, externalRef: null }, tx);
        await store.contracts.insert(c, tx);
        await store.contracts.recordEvent({ emspId: c.emspId, contractId: c.id, kind: 'created', at: c.createdAt, detail: { emaid: c.emaid, origin: c.origin, pcids: [...c.pcids] } }, tx);
        await store.caAudit.append(tx, [audit(c.createdAt, requestedBy, `contract-${c.origin === 'issued' ? 'create' : 'upload'}`, 'created', c, issuerId, { pcids: [...c.pcids], notAfter: c.notAfter.toISOString() })]);
        await store.contracts.notifyChanged(c.emaid, tx);
      });
    } finally {
      pkcs8.fill(0);
    }
    emit(c, 'created');
  }

  async function moRoots(): Promise<Uint8Array[]> {
    const ours = (await store.caIssuers.list()).filter((i) => i.profile === 'mo-root').map((i) => i.certificate);
    const seen = new Set<string>();
    return [...ours, ...(deps.extraMoRoots ?? [])].filter((r) => {
      const k = bytesToHex(r);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }

  async function revokeIssued(c: ContractRow, reason: ContractRevocationReason, requestedBy: string): Promise<void> {
    if (c.origin !== 'issued' || !c.serial) return;
    // The CA marks the certificate revoked and tells the OCSP responder at once; it is idempotent,
    // so a retry after a failure below finds it revoked and carries on.
    await ca.revoke({ serial: bytesToHex(c.serial), reason, requestedBy });
  }

  return {
    async createEmsp(input) {
      if (!EMSP_ID_PATTERN.test(input.id)) throw new ContractError('CONTRACT_EMSP_INVALID', 'an eMSP id is 1 to 63 lower-case letters, digits and "-", starting with a letter or digit');
      const name = input.name.trim();
      if (name.length < 1 || name.length > 200 || /[\u0000-\u001f\u007f]/.test(name)) throw new ContractError('CONTRACT_EMSP_INVALID', 'an eMSP name is 1 to 200 printable characters');
      const issuerId = input.issuerId ?? null;
      if (issuerId !== null) {
        const issuer = await store.caIssuers.get(issuerId);
        if (!issuer || issuer.profile !== 'mo-sub-ca-2') throw new ContractError('CONTRACT_ISSUER_UNAVAILABLE', `${issuerId} is not an MO Sub-CA 2 operated here`);
      }
      if (!(await store.contracts.insertEmsp({ id: input.id, name, issuerId }))) throw new ContractError('CONTRACT_EMSP_EXISTS', `an eMSP ${input.id} exists`);
      const emsp = await emspOf(input.id);
      await store.db.withTransaction((tx) =>
        store.caAudit.append(tx, [{ at: now(), actor: input.requestedBy, action: 'emsp-create', decision: 'created', issuerId, serial: null, profile: null, detail: { emspId: emsp.id, name } }]),
      );
      return emsp;
    },

    async create(input) {
      // Step 1: the request is checked in full before the CA is asked for anything.
      const emsp = await emspOf(input.emspId);
      const emaid = normalizeEmaid(input.emaid);
      const pcids = normalizePcids(input.pcids);
      const profile = getProfile('contract-leaf');
      const days = input.validityDays ?? profile.defaultValidityDays;
      if (!Number.isInteger(days) || days < 1 || days > profile.maxValidityDays) throw new ContractError('CONTRACT_VALIDITY_INVALID', `validityDays is 1 to ${profile.maxValidityDays} (ISO 15118-2 Annex F Table F.4)`);
      const issuerId = emsp.issuerId ?? defaultIssuer;

      // Step 2: a fresh P-256 key ([V2G2-006]); the MO sub-CA issues CN = eMAID ([V2G2-108]).
      const { privateKey, publicKey } = generateKey(profile.keys[0]!);
      const subject = subjectFor('contract-leaf', { CN: emaid, O: emsp.name.slice(0, 64), C: emaid.slice(0, 2) });
      let issued;
      try {
        issued = await ca.issue({ issuerId, profile: 'contract-leaf', subject, publicKey, validityDays: days, identity: emaid, requestedBy: input.requestedBy });
      } catch (err) {
        if (err instanceof CaError && (err.code === 'CA_ISSUER_UNKNOWN' || err.code === 'CA_PROFILE_MISMATCH')) throw new ContractError('CONTRACT_ISSUER_UNAVAILABLE', `contract certificates cannot be issued: ${err.message}`);
        throw err;
      }

      // Step 3: key, contract, event and audit record in one transaction. Should it fail, the
      // certificate just issued is revoked: no live credential exists without its contract.
      const id = randomUUID();
      const contract: NewContract = {
        id,
        emspId: emsp.id,
        emaid,
        pcids,
        origin: 'issued',
        certificate: issued.der,
        chain: issued.chain.slice(0, -1),
        moRoot: issued.chain[issued.chain.length - 1]!,
        serial: Buffer.from(issued.serial, 'hex'),
        keyId: `contract-${id}`,
        notBefore: issued.notBefore,
        notAfter: issued.notAfter,
        createdAt: now(),
      };
      try {
        await store_(contract, privateKey, issuerId, input.requestedBy);
      } catch (err) {
        await ca.revoke({ serial: issued.serial, reason: 'cessationOfOperation', requestedBy: `${input.requestedBy} (contract not stored)` }).catch((revokeErr: unknown) => {
          deps.log?.error({ err: revokeErr, serial: issued.serial }, 'a contract certificate whose contract was not stored could not be revoked');
        });
        throw err;
      }
      return live(id);
    },

    async upload(input) {
      const emsp = await emspOf(input.emspId);
      const pcids = normalizePcids(input.pcids);
      const checked = await checkUploadedContract({ certificate: input.certificate, chain: input.chain, privateKey: input.privateKey, emaid: input.emaid }, await moRoots(), now());
      const id = randomUUID();
      const contract: NewContract = {
        id,
        emspId: emsp.id,
        emaid: checked.emaid,
        pcids,
        origin: 'uploaded',
        certificate: input.certificate,
        chain: checked.chain,
        moRoot: checked.moRoot,
        serial: null,
        keyId: `contract-${id}`,
        notBefore: checked.certificate.notBefore,
        notAfter: checked.certificate.notAfter,
        createdAt: now(),
      };
      await store_(contract, checked.key, null, input.requestedBy);
      return live(id);
    },

    get: live,

    async list(emspId, opts) {
      await emspOf(emspId);
      return store.contracts.listForEmsp(emspId, opts);
    },

    async revoke(id, opts) {
      if (!(CONTRACT_REVOCATION_REASONS as readonly string[]).includes(opts.reason)) throw new ContractError('CONTRACT_REASON_INVALID', `unsupported revocation reason ${String(opts.reason)}`);
      const c = await live(id, opts.emspId);
      if (c.revokedAt) throw new ContractError('CONTRACT_REVOKED', `contract ${id} was revoked at ${c.revokedAt.toISOString()}`);
      await revokeIssued(c, opts.reason, opts.requestedBy);
      const at = now();
      const changed = await store.db.withTransaction(async (tx) => {
        if (!(await store.contracts.markRevoked(id, at, opts.reason, tx))) return false;
        await store.contracts.recordEvent({ emspId: c.emspId, contractId: id, kind: 'revoked', at, detail: { emaid: c.emaid, reason: opts.reason } }, tx);
        await store.caAudit.append(tx, [audit(at, opts.requestedBy, 'contract-revoke', 'revoked', c, null, { reason: opts.reason })]);
        await store.contracts.notifyChanged(c.emaid, tx);
        return true;
      });
      if (!changed) throw new ContractError('CONTRACT_REVOKED', `contract ${id} was revoked meanwhile`);
      emit(c, 'revoked');
      return live(id);
    },

    async delete(id, opts) {
      const c = await live(id, opts.emspId);
      // A deleted contract leaves no live credential behind: an issued certificate is revoked first.
      const revoke = c.revokedAt === null && c.origin === 'issued';
      if (revoke) await revokeIssued(c, 'cessationOfOperation', opts.requestedBy);
      const at = now();
      const changed = await store.db.withTransaction(async (tx) => {
        if (revoke && (await store.contracts.markRevoked(id, at, 'cessationOfOperation', tx))) {
          await store.contracts.recordEvent({ emspId: c.emspId, contractId: id, kind: 'revoked', at, detail: { emaid: c.emaid, reason: 'cessationOfOperation' } }, tx);
        }
        if (!(await store.contracts.markDeleted(id, at, tx))) return false;
        await store.contracts.recordEvent({ emspId: c.emspId, contractId: id, kind: 'deleted', at, detail: { emaid: c.emaid } }, tx);
        await store.caAudit.append(tx, [audit(at, opts.requestedBy, 'contract-delete', 'deleted', c, null, { revoked: revoke })]);
        await store.contracts.notifyChanged(c.emaid, tx);
        return true;
      });
      if (!changed) throw new ContractError('CONTRACT_NOT_FOUND', `contract ${id} was deleted meanwhile`);
      emit(c, 'deleted');
      const row = await store.contracts.get(id);
      return row!;
    },

    async privateKey(contract) {
      const stored = await store.caKeys.get(contract.keyId);
      if (!stored?.encrypted) throw new ContractError('CONTRACT_KEY_UNAVAILABLE', `no stored key ${contract.keyId}`);
      try {
        return privateKeyFromPkcs8(deps.kek().decrypt(contract.keyId, stored.encrypted), contract.keyId);
      } catch (err) {
        if (err instanceof CaError) throw new ContractError('CONTRACT_KEY_UNAVAILABLE', err.message);
        throw err;
      }
    },

    moRoots,

    onEvent: (l) => void listeners.push(l),
  };
}
