// Keeps the CA serving: every CA has a current delegated OCSP signer (renewed with a third of its
// life left), the OCSP responder knows every CA (also those another process created), and every
// CA's CRL stays ahead of its nextUpdate; the CSMS's own service certificates (the 1-day TLS server
// certificate above all) are renewed with a third of their life left.
import type { CaService } from '../ca/ca-service.js';
import type { CrlPublisher } from '../ca/crl-publisher.js';
import type { Logger } from '../log.js';
import type { OcspResponder } from '../ocsp/responder.js';

/** The service certificates the CSMS renews itself (lab sample leaves are not renewed). */
export const RENEWED_SERVICE_KEYS = ['csms-tls-server', 'cps-signer', 'firmware-signer'] as const;

export interface CaMaintenanceDeps {
  ca: Pick<CaService, 'ensureOcspSigners' | 'renewServiceKey'>;
  /** Told when a service certificate was renewed (the TLS listeners reload theirs). */
  onServiceKeyRenewed?: (purpose: string) => void | Promise<void>;
  ocspResponder: Pick<OcspResponder, 'reloadIssuers'>;
  crlPublisher: Pick<CrlPublisher, 'start' | 'stop'>;
  log: Logger;
  /** Default hourly. */
  intervalMs?: number;
}

export interface CaMaintenance {
  /** One pass now, then on the interval. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function startCaMaintenance(deps: CaMaintenanceDeps): CaMaintenance {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function pass(): Promise<void> {
    try {
      const renewed = await deps.ca.ensureOcspSigners('system');
      if (renewed.length > 0) deps.log.info({ renewed }, 'OCSP signers issued');
    } catch (err) {
      deps.log.error({ err }, 'OCSP signer renewal failed');
    }
    for (const purpose of RENEWED_SERVICE_KEYS) {
      try {
        if (await deps.ca.renewServiceKey(purpose, 'system')) {
          deps.log.info({ purpose }, 'service certificate renewed');
          await deps.onServiceKeyRenewed?.(purpose);
        }
      } catch (err) {
        deps.log.error({ err, purpose }, 'service certificate renewal failed');
      }
    }
    try {
      await deps.ocspResponder.reloadIssuers();
    } catch (err) {
      deps.log.error({ err }, 'OCSP issuers could not be loaded');
    }
  }

  const run = (): Promise<void> => (running ??= pass().finally(() => (running = null)));

  return {
    async start() {
      await run();
      deps.crlPublisher.start();
      timer = setInterval(() => void run(), deps.intervalMs ?? 3_600_000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      deps.crlPublisher.stop();
      await running;
    },
  };
}
