// CRL publication: one complete CRL per issuing CA (RFC 5280 5), signed by the CA's own key, served
// at the cRLDistributionPoints URL of every certificate it issues. A CRL is regenerated when a
// certificate of that CA is revoked, when it is missing, and ahead of its nextUpdate. Storage keeps
// only a higher CRL number (src/store/ca-issuers.ts), so several processes may publish safely.
import { buildCrl, type CrlEntryInput } from '../../pki/crl/build-crl.js';
import { CRL_REASON_CODES, type CrlReason } from '../../pki/crl-reason.js';
import type { Logger } from '../log.js';
import type { RevokedEntry } from '../store/certificates.js';
import type { Store } from '../store/store.js';
import { CaError } from './ca-error.js';
import type { CaService } from './ca-service.js';
import type { IssuerRegistry } from './issuer-registry.js';

export interface PublishedCrl {
  der: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
  crlNumber: bigint;
}

export interface CrlPublisherOptions {
  store: Pick<Store, 'caIssuers' | 'certificates'>;
  issuers: Pick<IssuerRegistry, 'get' | 'signer'>;
  now?: () => Date;
  log: Logger;
  /** nextUpdate - thisUpdate, in hours. Default 24. */
  validityHours?: number;
  /** Regenerate once nextUpdate is this close, in hours. Default a quarter of the validity. */
  refreshBeforeHours?: number;
  /**
   * How long a CRL read from storage is served from memory before storage is asked again, in
   * milliseconds: another process may have published a newer one. Default 10 s.
   */
  cacheMs?: number;
  /** Period of the refresh timer of start(), in milliseconds. Default min(refresh window / 4, 10 min). */
  checkIntervalMs?: number;
}

export interface CrlPublisher {
  /** The CA's current CRL, regenerated first when missing or close to nextUpdate; null for an unknown CA. */
  current(issuerId: string): Promise<PublishedCrl | null>;
  /** Regenerates the CA's CRL now, numbered one above the stored one. */
  publish(issuerId: string): Promise<PublishedCrl>;
  /** Regenerates every CA's CRL that is missing or due; returns the CAs published. */
  refreshDue(): Promise<string[]>;
  /** Starts the timer that keeps every CA's CRL ahead of its nextUpdate. */
  start(): void;
  stop(): void;
  /** Resolves when no regeneration or timer pass is running (for a clean shutdown). */
  settled(): Promise<void>;
}

const HOUR_MS = 3_600_000;
/** Attempts when another process stores the same CRL number first. */
const MAX_ATTEMPTS = 3;

const floorToSecond = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
const isCrlReason = (r: string): r is CrlReason => Object.hasOwn(CRL_REASON_CODES, r) && r !== 'removeFromCRL';
const toEntry = (r: RevokedEntry): CrlEntryInput => ({ serial: r.serial, revokedAt: r.revokedAt, reason: r.reason !== null && isCrlReason(r.reason) ? r.reason : null });

export function createCrlPublisher(opts: CrlPublisherOptions): CrlPublisher {
  const now = opts.now ?? ((): Date => new Date());
  const validityMs = (opts.validityHours ?? 24) * HOUR_MS;
  const refreshBeforeMs = (opts.refreshBeforeHours ?? (opts.validityHours ?? 24) / 4) * HOUR_MS;
  if (!(validityMs > 0)) throw new CaError('CA_REQUEST_INVALID', 'CRL validityHours must be positive');
  if (!(refreshBeforeMs >= 0 && refreshBeforeMs < validityMs)) throw new CaError('CA_REQUEST_INVALID', 'CRL refreshBeforeHours must be at least 0 and less than validityHours');
  const cacheMs = opts.cacheMs ?? 10_000;
  const checkIntervalMs = opts.checkIntervalMs ?? Math.max(1_000, Math.min(refreshBeforeMs / 4, 10 * 60_000));
  const { store, log } = opts;

  /** The last CRL seen per CA and when it was read or made (only known CAs get an entry). */
  const cache = new Map<string, { crl: PublishedCrl; at: number }>();
  /** The regeneration under way per CA, and the one queued behind it. */
  const running = new Map<string, Promise<PublishedCrl>>();
  const queued = new Map<string, Promise<PublishedCrl>>();

  const due = (crl: PublishedCrl, at: Date): boolean => at.getTime() >= crl.nextUpdate.getTime() - refreshBeforeMs;
  const remember = (issuerId: string, crl: PublishedCrl): PublishedCrl => {
    const held = cache.get(issuerId);
    // Never replace a newer CRL with an older one read late.
    if (!held || held.crl.crlNumber <= crl.crlNumber) cache.set(issuerId, { crl, at: Date.now() });
    return crl;
  };
  const fromRow = (r: PublishedCrl): PublishedCrl => ({ der: r.der, thisUpdate: r.thisUpdate, nextUpdate: r.nextUpdate, crlNumber: r.crlNumber });

  async function regenerate(issuerId: string): Promise<PublishedCrl> {
    const issuer = await opts.issuers.get(issuerId);
    const signer = await opts.issuers.signer(issuerId);
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      // Step 1: the number above the stored one (relying parties order CRLs by it, RFC 5280 5.2.3).
      // thisUpdate is our clock, even if another publisher's ran ahead: a CRL dated in the future is refused.
      const previous = await store.caIssuers.getCrl(issuerId);
      const thisUpdate = floorToSecond(now());
      const nextUpdate = new Date(thisUpdate.getTime() + validityMs);
      const crlNumber = (previous?.crlNumber ?? 0n) + 1n;
      // Step 2: every revoked, unexpired certificate of this CA (RFC 5280 3.3, 5.1.2.6).
      const entries = (await store.certificates.revokedFor(issuerId, thisUpdate)).map(toEntry);
      // Step 3: build and sign with the CA's key; issuer and AKI exactly as in the CA certificate.
      const der = await buildCrl({ issuerSubjectDer: issuer.certificate.subjectDer, issuerKeyIdentifier: issuer.row.keyIdentifier, thisUpdate, nextUpdate, crlNumber, entries, signer });
      const crl: PublishedCrl = { der, thisUpdate, nextUpdate, crlNumber };
      // Step 4: store it, unless another process stored this number first.
      if (await store.caIssuers.putCrl({ issuerId, ...crl })) {
        log.info({ issuerId, crlNumber: crlNumber.toString(), entries: entries.length, bytes: der.length, ms: Math.round(performance.now() - started), nextUpdate: nextUpdate.toISOString() }, 'CRL published');
        return remember(issuerId, crl);
      }
      // The other process's list may predate a revocation we know of: build again above its number.
      log.warn({ issuerId, crlNumber: crlNumber.toString(), attempt }, 'CRL number taken by another publisher; regenerating');
      if (attempt >= MAX_ATTEMPTS) {
        const stored = await store.caIssuers.getCrl(issuerId);
        if (stored) return remember(issuerId, fromRow(stored));
        // putCrl refuses only when a CRL with a number at least ours is stored; rows are never deleted.
        throw new CaError('CA_ISSUER_UNKNOWN', `the CRL of ${issuerId} vanished while publishing`);
      }
    }
  }

  function run(issuerId: string): Promise<PublishedCrl> {
    const p = regenerate(issuerId).finally(() => {
      if (running.get(issuerId) === p) running.delete(issuerId);
    });
    running.set(issuerId, p);
    return p;
  }

  /** Joins a regeneration under way, or starts one: enough when any fresh CRL will do. */
  const refresh = (issuerId: string): Promise<PublishedCrl> => running.get(issuerId) ?? run(issuerId);

  function publish(issuerId: string): Promise<PublishedCrl> {
    const current = running.get(issuerId);
    if (!current) return run(issuerId);
    // The one under way may have read the revocations before this call: one more run after it,
    // shared by every caller that arrives in the meantime.
    let next = queued.get(issuerId);
    if (!next) {
      next = current
        .catch(() => undefined)
        .then(() => {
          queued.delete(issuerId);
          return run(issuerId);
        });
      queued.set(issuerId, next);
    }
    return next;
  }

  async function current(issuerId: string): Promise<PublishedCrl | null> {
    const at = now();
    const held = cache.get(issuerId);
    if (held && Date.now() - held.at < cacheMs && !due(held.crl, at)) return held.crl;
    // A regeneration under way is the freshest there is; otherwise storage, which another process may have updated.
    const under = running.get(issuerId);
    const row = under ? null : await store.caIssuers.getCrl(issuerId);
    if (row && !due(row, at)) return remember(issuerId, fromRow(row));
    try {
      return await (under ?? refresh(issuerId));
    } catch (err) {
      if (err instanceof CaError && err.code === 'CA_ISSUER_UNKNOWN') return null;
      // A CRL that is still within its validity beats none: serve it and say why it is not newer.
      if (row && at < row.nextUpdate) {
        log.error({ err, issuerId, crlNumber: row.crlNumber.toString() }, 'CRL regeneration failed; serving the stored CRL');
        return remember(issuerId, fromRow(row));
      }
      throw err;
    }
  }

  async function refreshDue(): Promise<string[]> {
    const published: string[] = [];
    for (const issuer of await store.caIssuers.list()) {
      const at = now();
      const held = cache.get(issuer.id);
      // A CRL we hold that is not due needs no storage read: any newer one is not due either.
      if (held && !due(held.crl, at)) continue;
      const row = await store.caIssuers.getCrl(issuer.id);
      if (row && !due(row, at)) {
        remember(issuer.id, fromRow(row));
        continue;
      }
      try {
        await refresh(issuer.id);
        published.push(issuer.id);
      } catch (err) {
        log.error({ err, issuerId: issuer.id }, 'cannot publish the CRL');
      }
    }
    return published;
  }

  let timer: NodeJS.Timeout | null = null;
  let active = false;
  let pass: Promise<void> | null = null;

  function tick(): void {
    timer = null;
    const p: Promise<void> = refreshDue()
      .then(
        () => undefined,
        (err: unknown) => log.error({ err }, 'CRL refresh pass failed'),
      )
      .finally(() => {
        if (pass === p) pass = null;
        if (active && !timer) timer = setTimeout(tick, checkIntervalMs).unref();
      });
    pass = p;
  }

  return {
    current,
    publish,
    refreshDue,
    start() {
      if (active) return;
      active = true;
      // At once: a fresh process publishes what is missing or went stale while it was down. A pass
      // still running from before a stop() re-arms the timer itself when it ends.
      if (!pass && !timer) tick();
    },
    stop() {
      active = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    async settled() {
      while (pass || running.size > 0 || queued.size > 0) await Promise.allSettled([pass, ...running.values(), ...queued.values()]);
    },
  };
}

/** Regenerates the issuer's CRL on every revocation that changed something. */
export function attachCrlPublisher(ca: Pick<CaService, 'onRevoked'>, publisher: Pick<CrlPublisher, 'publish'>): void {
  ca.onRevoked(async (r) => {
    if (!r.changed) return;
    await publisher.publish(r.issuerId);
  });
}
