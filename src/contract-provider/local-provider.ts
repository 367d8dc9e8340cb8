// Our contract-certificate provider: the CPS role of ISO 15118-2 CertificateInstallation and
// CertificateUpdate over the contracts in our database. Installation, step by step:
//  1. decode the request; 2. verify its signature with the certificate it carries; 3. validate
//  that certificate's chain; 4. find the contract; 5. encrypt its key for the EV; 6. build, sign
//  and encode the response. Every failure becomes the same message with its ResponseCode.
// A contract whose eMSP is served by an external pool, or a PCID we hold no contract for when a
// fallback pool is configured, is handed to that pool unchanged.
import type { KeyObject } from 'node:crypto';
import { loadPublicKey } from '../../pki/algorithms.js';
import { OID } from '../../pki/oids.js';
import { attributeText } from '../../pki/path/name.js';
import { parsePathCertificate, type PathCertificate } from '../../pki/path/parsed-certificate.js';
import { decodeV2gMessage, ExiError, checkElementsSignature, type CertificateInstallationRequest, type CertificateUpdateRequest, type IssuerSerial, type ResponseCode, type V2gMessage } from '../../pki/exi/index.js';
import { pointOfSpki, wrapContractScalar } from '../../pki/iso15118-key-wrap.js';
import type { SealedKey } from '../store/ca-keys.js';
import type { ContractRow } from '../store/contracts.js';
import type { Store } from '../store/store.js';
import type { CertificateTrust, TrustOutcome } from './certificate-trust.js';
import type { ContractKeys } from './contract-keys.js';
import { contractLookup } from './contract-lookup.js';
import type { ContractCertificateProvider, ContractDataRequest, ContractDataResult, ContractRef } from './contract-provider.js';
import { base64Length, buildFailureResponse, buildSignedResponse, MAX_EXI_RESPONSE_BASE64, type CpsCredentials, type ResponseKind } from './exi-responses.js';
import { listNamesRoot, rootIdentity, type RootIdentity } from './root-certificate-ids.js';

export interface LocalProviderDeps {
  store: Pick<Store, 'contracts'>;
  /** Opens a contract's private key (encrypted at rest under the KEK); never logged. */
  keys: ContractKeys;
  /** The CPS leaf's signer and chain; null when no CPS hierarchy exists. */
  cps: () => Promise<CpsCredentials | null>;
  /** OEM provisioning certificates are validated against this store. */
  oemTrust: CertificateTrust;
  /** Contract certificates presented for an update (M02) are validated against this store. */
  moTrust: CertificateTrust;
  /** The pool serving an eMSP's contracts, when config assigns one (null: ours). */
  poolForEmsp?: (emspId: string) => ContractCertificateProvider | null;
  /** Asked when we hold no contract for a PCID. */
  fallbackPool?: ContractCertificateProvider | null;
  now?: () => Date;
}

/** The largest EXI request we read: OCPP's exiRequest maxLength (5600 base64 characters). */
export const MAX_EXI_REQUEST_OCTETS = 4200;

interface Failure {
  code: ResponseCode;
  detail: string;
  contract?: ContractRef | null;
  emaid?: string;
}

const refOf = (c: ContractRow): ContractRef => ({ id: c.id, emspId: c.emspId });

export function createLocalProvider(deps: LocalProviderDeps): ContractCertificateProvider {
  const now = deps.now ?? (() => new Date());
  const contracts = contractLookup(deps.store.contracts);
  const roots = new Map<string, RootIdentity>();
  // Public keys of the certificates EVs present, by SubjectPublicKeyInfo: a fleet repeats them.
  const verifyKeys = new Map<string, KeyObject>();
  const verifyKeyOf = (spki: Uint8Array): KeyObject => {
    pointOfSpki(spki); // P-256 only ([V2G2-006])
    const k = Buffer.from(spki).toString('latin1');
    let key = verifyKeys.get(k);
    if (!key) {
      key = loadPublicKey(spki);
      if (verifyKeys.size >= 10_000) verifyKeys.delete(verifyKeys.keys().next().value!);
      verifyKeys.set(k, key);
    }
    return key;
  };
  const rootOf = (der: Uint8Array): RootIdentity => {
    const k = Buffer.from(der).toString('base64');
    let id = roots.get(k);
    if (!id) {
      id = rootIdentity(der);
      if (roots.size > 1000) roots.clear();
      roots.set(k, id);
    }
    return id;
  };

  // Usable now; those whose MO root the EV names in ListOfRootCertificateIDs (the roots it
  // trusts) first, then the longest-lived. A contract is offered even if its root is not listed.
  function pickContract<C extends ContractRow>(candidates: readonly C[], ids: readonly IssuerSerial[], at: Date): C | null {
    const named = (c: ContractRow): number => {
      try {
        return listNamesRoot(ids, rootOf(c.moRoot)) ? 1 : 0;
      } catch {
        return 0;
      }
    };
    const usable = candidates
      .filter((c) => c.revokedAt === null && c.deletedAt === null && c.notBefore <= at && c.notAfter > at)
      .map((c) => ({ c, named: named(c) }));
    usable.sort((a, b) => b.named - a.named || b.c.notAfter.getTime() - a.c.notAfter.getTime());
    return usable[0]?.c ?? null;
  }

  async function fail(kind: ResponseKind, message: V2gMessage | null, f: Failure): Promise<ContractDataResult> {
    let cps: CpsCredentials | null = null;
    try {
      cps = await deps.cps();
    } catch {
      cps = null;
    }
    const exiResponse = await buildFailureResponse(kind, message?.header.sessionId ?? new Uint8Array(8), f.code, cps, f.emaid ?? '');
    return { exiResponse, responseCode: f.code, contract: f.contract ?? null, detail: f.detail, provider: 'local' };
  }

  async function succeed(kind: ResponseKind, message: V2gMessage, contract: ContractRow & { sealedKey?: SealedKey | null }, recipientSpki: Uint8Array): Promise<ContractDataResult> {
    const cps = await deps.cps();
    if (!cps) return fail(kind, message, { code: 'FAILED', detail: 'no CPS signer: create the CPS hierarchy (plugtrust pki init)', contract: refOf(contract) });
    // Step 5: the contract key, encrypted for the EV ([V2G2-818]); the plaintext lives only here.
    const contractScalar = await deps.keys.privateScalar(contract);
    let wrapped;
    try {
      wrapped = wrapContractScalar({ contractScalar, recipientPoint: pointOfSpki(recipientSpki) });
    } finally {
      contractScalar.fill(0);
    }
    // Step 6: the response, signed by the CPS leaf.
    const contractChain = { certificate: contract.certificate, ...(contract.chain.length > 0 ? { subCertificates: contract.chain } : {}) };
    const payload = { contractChain, encryptedPrivateKey: wrapped.encryptedPrivateKey, dhPublicKey: wrapped.dhPublicKey, emaid: contract.emaid };
    const exiResponse = await buildSignedResponse(kind, message.header.sessionId, 'OK', cps, payload);
    if (base64Length(exiResponse.length) > MAX_EXI_RESPONSE_BASE64) {
      return fail(kind, message, { code: 'FAILED', detail: `the response needs ${base64Length(exiResponse.length)} base64 characters; OCPP allows ${MAX_EXI_RESPONSE_BASE64}`, contract: refOf(contract) });
    }
    return { exiResponse, responseCode: 'OK', contract: refOf(contract), detail: null, provider: 'local' };
  }

  async function install(request: ContractDataRequest, message: V2gMessage, body: CertificateInstallationRequest): Promise<ContractDataResult> {
    const kind = 'CertificateInstallationRes';
    const at = now();
    // Step 2: the signature, with the key of the provisioning certificate the request carries.
    let oem: PathCertificate;
    let oemKey: KeyObject;
    try {
      oem = parsePathCertificate(body.oemProvisioningCertificate);
      oemKey = verifyKeyOf(oem.spki);
    } catch (err) {
      return fail(kind, message, { code: 'FAILED_CertChainError', detail: `OEMProvisioningCert cannot be used: ${(err as Error).message}` });
    }
    const problem = checkElementsSignature(message.header.signature, [{ name: 'CertificateInstallationReq', value: body }], oemKey);
    if (problem) return fail(kind, message, { code: 'FAILED_SignatureError', detail: `request signature: ${problem}` });
    // Step 3: the provisioning certificate's chain against the OEM roots.
    const trust = await deps.oemTrust.check(oem, [], at);
    if (!trust.ok) return fail(kind, message, { code: chainCode(trust), detail: `OEM provisioning chain: ${trust.code} ${trust.detail}` });
    // Step 4: the contract for the PCID (CN of the provisioning certificate, [V2G2-933]).
    const pcid = attributeText(oem.subject, OID.commonName);
    if (!pcid) return fail(kind, message, { code: 'FAILED_CertChainError', detail: 'the OEM provisioning certificate has no CN (PCID)' });
    const candidates = await contracts.usableForPcid(pcid.toUpperCase());
    const contract = pickContract(candidates, body.rootCertificateIds, at);
    if (!contract) {
      const expired = candidates[0];
      if (!expired && deps.fallbackPool) return deps.fallbackPool.provide(request);
      return fail(kind, message, { code: 'FAILED_NoCertificateAvailable', detail: expired ? `the contracts for PCID ${pcid} are not valid now` : `no contract for PCID ${pcid}`, contract: expired ? refOf(expired) : null });
    }
    // The eMSP's pool holds the contract data; the answer still counts for the contract we know.
    const pool = deps.poolForEmsp?.(contract.emspId) ?? null;
    if (pool) return { ...(await pool.provide(request)), contract: refOf(contract) };
    return succeed(kind, message, contract, oem.spki);
  }

  // M02 / ISO 15118-2 CertificateUpdate: the EV proves the contract it holds and receives its successor,
  // encrypted for the current contract certificate's key ([V2G2-818]).
  async function update(message: V2gMessage, body: CertificateUpdateRequest): Promise<ContractDataResult> {
    const kind = 'CertificateUpdateRes';
    const at = now();
    const leaf = body.contractCertificateChain.certificate;
    let current: PathCertificate;
    let currentKey: KeyObject;
    try {
      current = parsePathCertificate(leaf);
      currentKey = verifyKeyOf(current.spki);
    } catch (err) {
      return fail(kind, message, { code: 'FAILED_CertChainError', detail: `ContractSignatureCertChain cannot be used: ${(err as Error).message}` });
    }
    const problem = checkElementsSignature(message.header.signature, [{ name: 'CertificateUpdateReq', value: body }], currentKey);
    if (problem) return fail(kind, message, { code: 'FAILED_SignatureError', detail: `request signature: ${problem}` });
    const trust = await deps.moTrust.check(current, body.contractCertificateChain.subCertificates ?? [], at);
    if (!trust.ok) return fail(kind, message, { code: chainCode(trust), detail: `contract chain: ${trust.code} ${trust.detail}` });
    const emaid = (attributeText(current.subject, OID.commonName) ?? body.emaid).replace(/-/g, '').toUpperCase();
    const rows = await deps.store.contracts.findForEmaid(emaid);
    const mine = rows.find((r) => Buffer.from(r.certificate).equals(Buffer.from(leaf)));
    if (mine?.revokedAt) return fail(kind, message, { code: 'FAILED_CertificateRevoked', detail: `contract ${mine.id} is revoked`, contract: refOf(mine), emaid });
    const next = pickContract(rows.filter((r) => r !== mine && r.notAfter > current.notAfter), body.rootCertificateIds, at);
    if (!next) return fail(kind, message, { code: 'FAILED_NoCertificateAvailable', detail: `no newer contract for eMAID ${emaid}`, contract: mine ? refOf(mine) : null, emaid });
    return succeed(kind, message, next, current.spki);
  }

  return {
    id: 'local',
    async provide(request) {
      const kind: ResponseKind = request.action === 'Update' ? 'CertificateUpdateRes' : 'CertificateInstallationRes';
      // Step 1: the EXI stream, bounded before it is read.
      if (request.exiRequest.length > MAX_EXI_REQUEST_OCTETS) return fail(kind, null, { code: 'FAILED', detail: `the request has ${request.exiRequest.length} octets; at most ${MAX_EXI_REQUEST_OCTETS} are read` });
      let message: V2gMessage;
      try {
        message = decodeV2gMessage(request.exiRequest);
      } catch (err) {
        return fail(kind, null, { code: 'FAILED', detail: `the request is not ISO 15118-2 EXI: ${err instanceof ExiError ? `${err.code} ${err.message}` : String(err)}` });
      }
      const body = message.body;
      if (request.action === 'Install' && body.kind === 'CertificateInstallationReq') return install(request, message, body);
      if (request.action === 'Update' && body.kind === 'CertificateUpdateReq') return update(message, body);
      return fail(kind, message, { code: 'FAILED', detail: `action ${request.action} does not fit a ${body.kind}` });
    },
  };
}

function chainCode(trust: Extract<TrustOutcome, { ok: false }>): ResponseCode {
  if (trust.code === 'EXPIRED' || trust.code === 'NOT_YET_VALID') return 'FAILED_CertificateExpired';
  if (trust.code === 'REVOKED') return 'FAILED_CertificateRevoked';
  return 'FAILED_CertChainError';
}
