// A trust store for certificates an EV presents (the OEM provisioning certificate, the contract
// certificate of an update): anchors plus intermediates, path building by issuer name, RFC 5280
// validation by pki/path, and a short-lived cache of outcomes (the same EV retries, and a fleet
// shares its OEM sub-CAs). CertificateInstallationReq carries the provisioning leaf alone
// (OEMProvisioningCert, no sub-certificates), so the sub-CAs come from this store.
import { createHash } from 'node:crypto';
import { parseCertificate, type ParsedCertificate } from '../../pki/certificate/parse-certificate.js';
import { validatePath, type PathErrorCode } from '../../pki/path/validate-path.js';

export type TrustOutcome = { ok: true } | { ok: false; code: PathErrorCode | 'NO_PATH'; detail: string };

export interface CertificateTrust {
  /** Validates `leaf` (DER) with the given sub-CAs (issuer first) and the store's intermediates at `at`. */
  check(leaf: Uint8Array, subCertificates: readonly Uint8Array[], at: Date): Promise<TrustOutcome>;
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
const key = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** A trust store over material loaded by `load` (re-read at most every `reloadMs`). */
export function createCertificateTrust(load: () => Promise<TrustMaterial>, reloadMs = 60_000): CertificateTrust {
  let material: Promise<{ anchors: Uint8Array[]; bySubject: Map<string, ParsedCertificate[]> }> | null = null;
  let loadedAt = 0;
  const cache = new Map<string, { outcome: TrustOutcome; until: number }>();

  async function current(now: number): Promise<{ anchors: Uint8Array[]; bySubject: Map<string, ParsedCertificate[]> }> {
    if (!material || now - loadedAt > reloadMs) {
      loadedAt = now;
      material = load().then((m) => {
        const bySubject = new Map<string, ParsedCertificate[]>();
        for (const der of [...m.intermediates, ...m.anchors]) {
          const c = parseCertificate(der);
          const list = bySubject.get(key(c.subjectDer)) ?? [];
          list.push(c);
          bySubject.set(key(c.subjectDer), list);
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
      const id = createHash('sha256').update(leaf).update(Buffer.concat(subCertificates.map((s) => Buffer.from(s)))).digest('hex');
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

async function validate(store: { anchors: Uint8Array[]; bySubject: Map<string, ParsedCertificate[]> }, leaf: Uint8Array, subs: readonly Uint8Array[], at: Date): Promise<TrustOutcome> {
  let chain: Uint8Array[];
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
function buildChain(bySubject: Map<string, ParsedCertificate[]>, leaf: Uint8Array, subs: readonly Uint8Array[]): Uint8Array[] {
  const chain = [leaf, ...subs];
  let top = parseCertificate(chain[chain.length - 1]!);
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (key(top.issuerDer) === key(top.subjectDer)) break;
    const next = bySubject.get(key(top.issuerDer))?.find((c) => key(c.subjectDer) !== key(c.issuerDer));
    if (!next) break;
    chain.push(next.certificate);
    top = next;
  }
  return chain;
}
