// Keeps the CA serving: every CA has a current delegated OCSP signer (renewed with a third of its
// life left), the OCSP responder knows every CA (also those another process created), and every
// CA's CRL stays ahead of its nextUpdate.
import type { CaService } from '../ca/ca-service.js';
import type { CrlPublisher } from '../ca/crl-publisher.js';
import type { Logger } from '../log.js';
import type { OcspResponder } from '../ocsp/responder.js';

export interface CaMaintenanceDeps {
  ca: Pick<CaService, 'ensureOcspSigners'>;
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
