// C07 Authorize (OCPP 2.0.1 Part 2 C07, Authorization using Contract Certificates), and a
// documented answer for plain idTokens (see authorize-decision.ts). Every decision is stored with
// its reason and the status of each certificate checked: written in batches beside the answer, not
// before it (like the frame log, it records what was answered; the answer never waits on it).
import type { Logger } from '../../log.js';
import type { CallHandler } from '../../ocpp/handler.js';
import type { CertificateStatusService } from '../../ocsp-client/certificate-status.js';
import type { KnownCertificates } from '../../ocsp-client/known-certificates.js';
import { parsePemCertificates } from '../../ocsp-client/pem-certificates.js';
import type { Store } from '../../store/store.js';
import type { AuthorizeRequest, AuthorizeResponse } from '../types.js';
import { decideAuthorize } from './authorize-decision.js';
import { combineChecks, type CertificateCheck } from './certificate-check.js';
import { checkContractChain, type ValidatedChains } from './contract-chain.js';
import type { ContractIndex } from './contract-index.js';
import { contractState, sameEmaid, type ContractState } from './contract-state.js';
import { checkHashData } from './hash-data.js';

export interface AuthorizeDeps {
  store: Pick<Store, 'authorizationDecisions'>;
  /** The contracts we manage, by eMAID. */
  contracts: Pick<ContractIndex, 'find'>;
  status: CertificateStatusService;
  known: Pick<KnownCertificates, 'moRoots' | 'learn'>;
  now: () => Date;
  /** Contract chains already validated (their statuses are still checked on every request). */
  validated?: ValidatedChains;
  log: Pick<Logger, 'info' | 'error'>;
}

/** The certificates of a presented chain, as issuer candidates for the hash data's OCSP answers. */
function chainCertificates(pem: string | undefined): Uint8Array[] {
  if (pem === undefined) return [];
  try {
    return parsePemCertificates(pem, 5);
  } catch {
    return [];
  }
}

export function handleAuthorize(deps: AuthorizeDeps): CallHandler {
  return async (ctx, req: AuthorizeRequest): Promise<AuthorizeResponse> => {
    const now = deps.now();
    const tokenEmaid = req.idToken.type === 'eMAID' ? req.idToken.idToken : null;
    // The contracts of the idToken's eMAID are read while the certificates are checked.
    const tokenContracts = tokenEmaid !== null ? deps.contracts.find(tokenEmaid) : Promise.resolve([]);
    // Awaited below only when needed; a failure is then thrown there, and never goes unhandled.
    tokenContracts.catch(() => undefined);
    // Step 1: the contract chain, when the station passes it for central validation (C07.FR.06),
    // and the OCSP data of the certificates the station validated (C07.FR.02, C07.FR.05).
    const hashData = req.iso15118CertificateHashData ?? [];
    const [chain, hashCheck] = await Promise.all([
      req.certificate !== undefined ? checkContractChain({ status: deps.status, known: deps.known, now: deps.now, ...(deps.validated ? { validated: deps.validated } : {}) }, req.certificate) : Promise.resolve(null),
      hashData.length > 0 ? checkHashData({ status: deps.status }, hashData, chainCertificates(req.certificate)) : Promise.resolve(null),
    ]);
    const checks = [chain?.check, hashCheck].filter((c): c is CertificateCheck => c !== null && c !== undefined);
    const certificate = checks.length > 0 ? combineChecks(checks) : null;
    // Step 2: the contract behind the eMAID (the contract certificate's CN, else the idToken).
    // A revoked certificate of a contract we manage may be a cancelled contract: looked at too.
    const emaid = chain?.leaf?.emaid ?? tokenEmaid;
    let contract: ContractState | null = null;
    if (emaid !== null && (certificate === null || certificate.failure === null || certificate.failure === 'CertificateRevoked')) {
      const rows = tokenEmaid !== null && sameEmaid(emaid, tokenEmaid) ? await tokenContracts : await deps.contracts.find(emaid);
      contract = contractState(rows, chain?.leaf?.der ?? null, now);
    }
    // Step 3: decide, store the decision with its reason, answer.
    const decision = decideAuthorize({ idToken: req.idToken, certificate, leafEmaid: chain?.leaf?.validated ? chain.leaf.emaid : null, contract });
    const evidence = certificate?.evidence ?? [];
    if (contract && contract.kind !== 'none') evidence.push({ what: 'contract', serial: null, source: 'contract', status: contract.kind });
    const stationId = ctx.session.stationId;
    void deps.store.authorizationDecisions.record({
      stationId,
      idToken: req.idToken.idToken,
      idTokenType: req.idToken.type,
      receivedAt: ctx.receivedAt,
      hadCertificate: req.certificate !== undefined,
      hashDataCount: hashData.length,
      status: decision.status,
      certificateStatus: decision.certificateStatus,
      reason: decision.reason,
      contractId: decision.contractId,
      evidence,
    }).catch((err: unknown) => deps.log.error({ err, stationId, status: decision.status, reason: decision.reason }, 'cannot store the Authorize decision'));
    deps.log.info({ stationId, idTokenType: req.idToken.type, status: decision.status, certificateStatus: decision.certificateStatus, reason: decision.reason }, 'Authorize decided');
    const response: AuthorizeResponse = { idTokenInfo: { status: decision.status } };
    if (decision.status === 'Accepted' && decision.cacheExpiry) response.idTokenInfo.cacheExpiryDateTime = decision.cacheExpiry.toISOString();
    if (decision.certificateStatus !== null) response.certificateStatus = decision.certificateStatus;
    return response;
  };
}
