// A trust store for certificates an EV presents (the OEM provisioning certificate, the contract
// certificate of an update): anchors plus intermediates, path building by issuer name, RFC 5280
// validation by pki/path, and a short-lived cache of outcomes (the same EV retries, and a fleet
// shares its OEM sub-CAs). CertificateInstallationReq carries the provisioning leaf alone
// (OEMProvisioningCert, no sub-certificates), so the sub-CAs come from this store.
import { createHash } from 'node:crypto';
import { parsePathCertificate } from '../../pki/path/parsed-certificate.js';
import { validatePath, type PathCertificate, type PathErrorCode } from '../../pki/path/validate-path.js';

export type TrustOutcome = { ok: true } | { ok: false; code: PathErrorCode | 'NO_PATH'; detail: string };

export interface CertificateTrust {
  /** Validates `leaf` (as parsePathCertificate read it) with the given sub-CAs (DER, issuer first) and the store's intermediates at `at`. */
  check(leaf: PathCertificate, subCertificates: readonly Uint8Array[], at: Date): Promise<TrustOutcome>;
}

export interface TrustMaterial {
  /** Self-signed roots. */
  anchors: readonly Uint8Array[];
  /** CA certificates that may complete a path (sub-CAs). */
  intermediates: readonly Uint8Array[];
}

const CACHE_MS = 60_000;
const CACHE_MAX = 10_000;
const MAX_DEPTH = 4;

interface Store {
  anchors: Uint8Array[];
  /** CA certificates by subject (RFC 5280 7.1 name comparison). */
  bySubject: Map<string, PathCertificate[]>;
}

/** A trust store over material loaded by `load` (re-read at most every `reloadMs`). */
export function createCertificateTrust(load: () => Promise<TrustMaterial>, reloadMs = 60_000): CertificateTrust {
  let material: Promise<Store> | null = null;
  let loadedAt = 0;
  const cache = new Map<string, { outcome: TrustOutcome; until: number }>();

  async function current(now: number): Promise<Store> {
    if (!material || now - loadedAt > reloadMs) {
      loadedAt = now;
      material = load().then((m) => {
        const bySubject = new Map<string, PathCertificate[]>();
        for (const der of [...m.intermediates, ...m.anchors]) {
          // A certificate path validation cannot read could never complete a path: it is left out
          // rather than failing every validation (an unreadable anchor still fails in validatePath).
          let c: PathCertificate;
          try {
            c = parsePathCertificate(der);
          } catch {
            continue;
          }
          const list = bySubject.get(c.subject.key) ?? [];
          list.push(c);
          bySubject.set(c.subject.key, list);
        }
        cache.clear();
        return { anchors: [...m.anchors], bySubject };
      });
      material.catch(() => {
        material = null;
      });
    }
    return material;
  }

  return {
    async check(leaf, subCertificates, at) {
      const now = Date.now();
      const id = createHash('sha256').update(leaf.der).update(Buffer.concat(subCertificates.map((s) => Buffer.from(s)))).digest('hex');
      // Outcomes are cached for validations at the present time only, for a minute.
      const present = Math.abs(at.getTime() - now) < CACHE_MS;
      const hit = present ? cache.get(id) : undefined;
      if (hit && hit.until > now) return hit.outcome;
      const store = await current(now);
      const outcome = await validate(store, leaf, subCertificates, at);
      if (present) {
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
        cache.set(id, { outcome, until: now + CACHE_MS });
      }
      return outcome;
    },
  };
}

async function validate(store: Store, leaf: PathCertificate, subs: readonly Uint8Array[], at: Date): Promise<TrustOutcome> {
  let chain: (Uint8Array | PathCertificate)[];
  try {
    chain = buildChain(store.bySubject, leaf, subs);
  } catch (err) {
    return { ok: false, code: 'MALFORMED', detail: (err as Error).message };
  }
  if (store.anchors.length === 0) return { ok: false, code: 'NO_PATH', detail: 'no trust anchors are configured' };
  // Revocation of foreign OEM and MO chains is not fetched here (no network on this path); our own
  // contracts carry their revocation in the contracts table.
  const result = await validatePath({ chain, anchors: store.anchors, at, revocation: 'off' });
  return result.ok ? { ok: true } : { ok: false, code: result.code, detail: result.detail };
}

// leaf, then the given sub-CAs, then whatever intermediates continue the path by issuer name.
function buildChain(bySubject: Map<string, PathCertificate[]>, leaf: PathCertificate, subs: readonly Uint8Array[]): (Uint8Array | PathCertificate)[] {
  const chain: (Uint8Array | PathCertificate)[] = [leaf, ...subs];
  let top = subs.length > 0 ? parsePathCertificate(subs[subs.length - 1]!) : leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (top.selfIssued) break;
    const next = bySubject.get(top.issuer.key)?.find((c) => !c.selfIssued);
    if (!next) break;
    chain.push(next);
    top = next;
  }
  return chain;
}
