// Renewal of station certificates (A02): a configurable time before a station's installed
// certificate expires, send TriggerMessage, and follow up at an interval until a new certificate is
// installed (the old one then leaves the due list). The same loop runs the revocations scheduled
// for replaced certificates once their grace period is over (reason superseded).
import { bytesToHex } from '../../pki/der/writer.js';
import type { CaService } from '../ca/ca-service.js';
import type { RevocationReason } from '../ca/revoke-certificate.js';
import type { Logger } from '../log.js';
import type { StationBus } from '../ocpp/station-bus.js';
import type { Store } from '../store/store.js';
import { triggerRenewal } from './certificate-renewal-trigger.js';

export const RENEWAL_DEFAULTS = {
  /** Renew this long before expiry (A03: the station itself renews a month ahead). */
  renewBeforeMs: 30 * 86_400_000,
  /** Trigger again after this long while no new certificate is installed. */
  followUpMs: 86_400_000,
  checkIntervalMs: 5 * 60_000,
} as const;

export interface RenewalOptions {
  store: Pick<Store, 'signingRequests' | 'scheduledRevocations'>;
  ca: Pick<CaService, 'revoke'>;
  bus: Pick<StationBus, 'call' | 'isConnected'>;
  log: Logger;
  now: () => Date;
  renewBeforeMs?: number;
  followUpMs?: number;
  checkIntervalMs?: number;
}

export interface CertificateRenewal {
  /** One pass: due revocations, then due renewals. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export function startCertificateRenewal(opts: RenewalOptions): CertificateRenewal {
  const renewBeforeMs = opts.renewBeforeMs ?? RENEWAL_DEFAULTS.renewBeforeMs;
  const followUpMs = opts.followUpMs ?? RENEWAL_DEFAULTS.followUpMs;
  const { store, log, now } = opts;
  let running: Promise<void> | null = null;

  async function revokeReplaced(): Promise<void> {
    for (const r of await store.scheduledRevocations.due(now(), 100)) {
      try {
        await opts.ca.revoke({ serial: bytesToHex(r.serial), reason: r.reason as RevocationReason, requestedBy: r.requestedBy });
        await store.scheduledRevocations.markDone(r.serial, now());
      } catch (err) {
        log.error({ err, serial: bytesToHex(r.serial) }, 'scheduled revocation failed');
        await store.scheduledRevocations.markFailed(r.serial, (err as Error).message);
      }
    }
  }

  async function renew(): Promise<void> {
    const at = now();
    for (const due of await store.signingRequests.dueForRenewal(new Date(at.getTime() + renewBeforeMs))) {
      // A newer request is on its way, or we asked recently: wait.
      if (due.inFlight) continue;
      if (due.lastTriggerAt && at.getTime() - due.lastTriggerAt.getTime() < followUpMs) continue;
      if (!opts.bus.isConnected(due.stationId)) continue;
      try {
        const status = await triggerRenewal({ store, bus: opts.bus, now }, due.stationId, due.certificateType, due.serial);
        log.info({ stationId: due.stationId, certificateType: due.certificateType, notAfter: due.notAfter, status }, 'certificate renewal triggered');
      } catch (err) {
        log.warn({ err, stationId: due.stationId }, 'certificate renewal trigger failed');
      }
    }
  }

  function tick(): Promise<void> {
    running ??= (async () => {
      try {
        await revokeReplaced();
        await renew();
      } catch (err) {
        log.error({ err }, 'certificate renewal pass failed');
      }
    })().finally(() => {
      running = null;
    });
    return running;
  }

  const timer = setInterval(() => void tick(), opts.checkIntervalMs ?? RENEWAL_DEFAULTS.checkIntervalMs);
  timer.unref();
  void tick();
  return {
    tick,
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
