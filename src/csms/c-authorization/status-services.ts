// The composition of certificate status for stations: the known certificates, the guarded fetch
// and caching client for foreign OCSP responders, the "ours or foreign" status service, and the
// two handlers that use it (M06 GetCertificateStatus, C07 Authorize). main.ts calls
// startStatusServices once and puts the handlers into the routing table.
import type { Logger } from '../../log.js';
import type { CallHandler } from '../../ocpp/handler.js';
import type { OcspResponder } from '../../ocsp/responder.js';
import { createCertificateStatusService, type CertificateStatusService } from '../../ocsp-client/certificate-status.js';
import { createKnownCertificates, type KnownCertificates } from '../../ocsp-client/known-certificates.js';
import { createOcspClient, type OcspClient } from '../../ocsp-client/ocsp-client.js';
import { createOcspFetch } from '../../ocsp-client/ocsp-fetch.js';
import { createUrlPolicy } from '../../ocsp-client/url-policy.js';
import type { Store } from '../../store/store.js';
import { handleGetCertificateStatus } from '../m-iso15118-certs/get-certificate-status.js';
import { handleAuthorize } from './authorize.js';
import { createContractIndex, type ContractIndex } from './contract-index.js';
import { createValidatedChains } from './contract-chain.js';

/** A foreign OCSP answer larger than this is not read (ocspResult can carry at most 4,125 octets anyway). */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface StatusServicesOptions {
  store: Pick<Store, 'contracts' | 'authorizationDecisions' | 'caIssuers'>;
  responder: Pick<OcspResponder, 'checkStatus'>;
  moRoots: readonly Uint8Array[];
  ocspIssuers: readonly Uint8Array[];
  /** --ocsp-fetch-allow. */
  fetchAllow: string | undefined;
  fetchTimeoutMs: number;
  noNextUpdateHoldS: number;
  now?: () => Date;
  log: Logger;
}

export interface StatusServices {
  handlers: { Authorize: CallHandler; GetCertificateStatus: CallHandler };
  status: CertificateStatusService;
  client: OcspClient;
  known: KnownCertificates;
  /** The contracts Authorize looks at; main.ts invalidates it on contract changes. */
  contracts: ContractIndex;
}

export function startStatusServices(opts: StatusServicesOptions): StatusServices {
  const now = opts.now ?? (() => new Date());
  const known = createKnownCertificates({
    moRootsFromFile: opts.moRoots,
    issuersFromFile: opts.ocspIssuers,
    registry: async () => (await opts.store.caIssuers.list()).map((i) => ({ certificate: i.certificate, profile: i.profile })),
    now,
    log: opts.log,
  });
  void known.refresh();
  const client = createOcspClient({
    fetch: createOcspFetch({ policy: createUrlPolicy(opts.fetchAllow), timeoutMs: opts.fetchTimeoutMs, maxResponseBytes: MAX_RESPONSE_BYTES }),
    now,
    knownCertificates: () => known.issuerCandidates(),
    noNextUpdateHoldMs: opts.noNextUpdateHoldS * 1000,
    log: opts.log,
  });
  const status = createCertificateStatusService({ responder: opts.responder, client });
  const contracts = createContractIndex(opts.store.contracts);
  return {
    handlers: {
      Authorize: handleAuthorize({ store: opts.store, contracts, status, known, now, log: opts.log, validated: createValidatedChains() }),
      GetCertificateStatus: handleGetCertificateStatus({ status, log: opts.log }),
    },
    status,
    client,
    known,
    contracts,
  };
}
