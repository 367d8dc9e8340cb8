// The composition of station certificates (A02/A03): the SignCertificate handler (the RA), the
// outbox that issues and delivers CertificateSigned, and the renewal job. main.ts calls
// startCertificateSigning once and puts handlers.SignCertificate into the routing table.
import type { CaService } from '../../ca/ca-service.js';
import { startCertificateRenewal, type CertificateRenewal } from '../../jobs/certificate-renewal.js';
import { startOutbox, type Outbox } from '../../jobs/outbox.js';
import type { Logger } from '../../log.js';
import type { CallHandler } from '../../ocpp/handler.js';
import { OcppRpcError } from '../../ocpp/rpc-error.js';
import type { StationBus } from '../../ocpp/station-bus.js';
import type { Store } from '../../store/store.js';
import { onCertificateSignedAnswer, onCertificateSignedExpired, prepareCertificateSigned, type CertificateSignedDeps } from './certificate-signed.js';
import { handleSignCertificate } from './sign-certificate.js';

export interface CertificateSigningOptions {
  store: Store;
  ca: CaService;
  /** The station bus, or a getter for one that exists only once the OCPP server is created. */
  bus: StationBus | (() => StationBus | null);
  log: Logger;
  /** O of station and SECC certificates (config cpoName); without it SignCertificate is Rejected. */
  cpoName: string | undefined;
  now?: () => Date;
  /** CA issuing ChargingStationCertificate (default csms-sub-ca) and V2GCertificate (default cpo-sub-ca-2). */
  stationIssuerId?: string;
  v2gIssuerId?: string;
  /** How long an accepted request waits for delivery (default 24 h). */
  requestTtlMs?: number;
  /** How long a replaced certificate stays valid after its successor is installed (default 24 h). */
  replacedGraceMs?: number;
  /** Renewal: how long before expiry (default 30 days), follow-up interval (default 24 h), check interval (default 5 min). */
  renewBeforeMs?: number;
  renewFollowUpMs?: number;
  renewCheckIntervalMs?: number;
  /** Outbox: poll interval (default 1 s) and backoff (default 5 s doubling to 5 min). */
  outboxPollIntervalMs?: number;
  outboxBackoffBaseMs?: number;
  outboxBackoffMaxMs?: number;
}

export interface CertificateSigning {
  handlers: { SignCertificate: CallHandler };
  outbox: Outbox;
  renewal: CertificateRenewal;
  close(): Promise<void>;
}

export const CERTIFICATE_SIGNING_DEFAULTS = {
  stationIssuerId: 'csms-sub-ca',
  v2gIssuerId: 'cpo-sub-ca-2',
  requestTtlMs: 86_400_000,
  replacedGraceMs: 86_400_000,
} as const;

/** A bus that is not there yet: nobody is connected, and a CALL fails as to an offline station. */
function lateBus(get: () => StationBus | null): StationBus {
  return {
    isConnected: (id) => get()?.isConnected(id) ?? false,
    call: (id, action, payload, options) => get()?.call(id, action, payload, options) ?? Promise.reject(new OcppRpcError('StationNotConnected', 'the OCPP server is not running')),
  };
}

export function startCertificateSigning(opts: CertificateSigningOptions): CertificateSigning {
  const now = opts.now ?? (() => new Date());
  const d = CERTIFICATE_SIGNING_DEFAULTS;
  const bus = typeof opts.bus === 'function' ? lateBus(opts.bus) : opts.bus;
  const signed: CertificateSignedDeps = {
    store: opts.store,
    ca: opts.ca,
    // Only accepted requests reach the CA, and they are accepted only with a CPO name.
    cpoName: opts.cpoName ?? '',
    issuerFor: { ChargingStationCertificate: opts.stationIssuerId ?? d.stationIssuerId, V2GCertificate: opts.v2gIssuerId ?? d.v2gIssuerId },
    replacedGraceMs: opts.replacedGraceMs ?? d.replacedGraceMs,
    now,
    log: opts.log,
  };
  // Step 1: the outbox, which picks up rows left pending by a previous process at once.
  const outbox = startOutbox({
    store: opts.store,
    bus,
    log: opts.log,
    now,
    actions: {
      CertificateSigned: {
        prepare: (row) => prepareCertificateSigned(signed, row),
        onAnswer: (row, answer) => onCertificateSignedAnswer(signed, row, answer),
        onExpired: (row) => onCertificateSignedExpired(signed, row),
      },
    },
    ...(opts.outboxPollIntervalMs !== undefined ? { pollIntervalMs: opts.outboxPollIntervalMs } : {}),
    ...(opts.outboxBackoffBaseMs !== undefined ? { backoffBaseMs: opts.outboxBackoffBaseMs } : {}),
    ...(opts.outboxBackoffMaxMs !== undefined ? { backoffMaxMs: opts.outboxBackoffMaxMs } : {}),
  });
  // Step 2: the RA handler, which wakes the outbox after each accepted request.
  const SignCertificate = handleSignCertificate({ store: opts.store, ca: opts.ca, cpoName: opts.cpoName, requestTtlMs: opts.requestTtlMs ?? d.requestTtlMs, log: opts.log, onAccepted: () => outbox.kick() });
  // Step 3: renewal triggers and the revocation of replaced certificates.
  const renewal = startCertificateRenewal({
    store: opts.store,
    ca: opts.ca,
    bus,
    log: opts.log,
    now,
    ...(opts.renewBeforeMs !== undefined ? { renewBeforeMs: opts.renewBeforeMs } : {}),
    ...(opts.renewFollowUpMs !== undefined ? { followUpMs: opts.renewFollowUpMs } : {}),
    ...(opts.renewCheckIntervalMs !== undefined ? { checkIntervalMs: opts.renewCheckIntervalMs } : {}),
  });
  return {
    handlers: { SignCertificate },
    outbox,
    renewal,
    async close() {
      await renewal.close();
      await outbox.close();
    },
  };
}
