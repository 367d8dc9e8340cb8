// The client of OCSP responders we do not run, with the cache that keeps chargers' periodic
// GetCertificateStatus polls cheap:
// - A verified answer is cached by CertID until its nextUpdate and served from memory until then:
//   at most one upstream request per CertID per nextUpdate, however many chargers ask.
// - Concurrent misses for the same CertID share one upstream request (single-flight), whatever
//   responderURL each charger gave: the answer is checked against the CertID, not the URL.
// - An answer without nextUpdate (RFC 6960 4.2.2.1: newer information is available all the time)
//   is relayed when fresh and cached only `noNextUpdateHoldMs` (0: not at all).
// - A failure (unreachable, refused, invalid answer) is never cached as an answer; it is remembered
//   for `failureHoldMs` per CertID and URL, so a dead responder is not asked on every poll.
// The cache lives in memory: answers are re-fetchable at any time and short-lived, and a restart
// costs one request per CertID. Several CSMS processes each keep their own.
import { seq } from '../../pki/der/writer.js';
import { encodeCertId, serialContent } from '../../pki/ocsp/cert-id.js';
import type { CertStatus } from '../../pki/ocsp/build-response.js';
import type { Logger } from '../log.js';
import { LruMap } from '../ocsp/lru.js';
import { OcspClientError } from './ocsp-client-error.js';
import type { OcspFetch } from './ocsp-fetch.js';
import { verifyOcspResponse, type CertIdFields } from './verify-response.js';

export interface ForeignOcspAnswer {
  /** The OCSPResponse as the responder sent it (DER). */
  der: Uint8Array;
  status: CertStatus;
  producedAt: Date;
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** Until when this answer is served from the cache. */
  cachedUntil: Date;
  fromCache: boolean;
}

export interface OcspClientStats {
  /** Upstream exchanges started (a retry inside one exchange is not counted again). */
  upstreamRequests: number;
  cacheHits: number;
  /** Misses that joined an exchange already under way. */
  coalesced: number;
  failures: number;
}

export interface OcspClientOptions {
  fetch: OcspFetch;
  now: () => Date;
  /** Certificates that may be CertID issuers (trusted roots, sub-CAs, our CAs). */
  knownCertificates: () => readonly Uint8Array[];
  /** Clock difference tolerated with responders. Default 5 minutes. */
  skewMs?: number;
  noNextUpdateHoldMs: number;
  /** Default 10 s. */
  failureHoldMs?: number;
  /** Most answers kept. Default 50,000. */
  cacheSize?: number;
  log: Pick<Logger, 'debug' | 'warn'>;
}

export interface OcspClient {
  /**
   * The status of a certificate from its responder: cached, or fetched and verified. Throws
   * OcspClientError when no verified answer can be had. `extraCertificates`: issuer candidates
   * known for this call only (the chain a charger presented).
   */
  query(certId: CertIdFields, responderUrl: string, extraCertificates?: readonly Uint8Array[]): Promise<ForeignOcspAnswer>;
  /** The cached answer for a CertID, if there is a current one (no upstream request). */
  peek(certId: CertIdFields): ForeignOcspAnswer | null;
  stats(): OcspClientStats;
  /** Forgets every cached answer and failure. */
  clear(): void;
}

interface CachedAnswer {
  answer: ForeignOcspAnswer;
  untilMs: number;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const certIdKey = (c: CertIdFields): string => `${c.hashAlgorithm}:${hex(c.issuerNameHash)}:${hex(c.issuerKeyHash)}:${hex(serialContent(c.serialNumber))}`;

/** The OCSPRequest OpenSSL sends with -no_nonce: one CertID, no extensions (RFC 5019 2.1). */
export function buildOcspRequest(certId: CertIdFields): Uint8Array {
  return seq(seq(seq(seq(encodeCertId({ ...certId, serialNumber: serialContent(certId.serialNumber) })))));
}

export function createOcspClient(opts: OcspClientOptions): OcspClient {
  const skewMs = opts.skewMs ?? 300_000;
  const failureHoldMs = opts.failureHoldMs ?? 10_000;
  const cacheSize = opts.cacheSize ?? 50_000;
  const answers = new LruMap<string, CachedAnswer>(cacheSize);
  const failures = new LruMap<string, { error: OcspClientError; untilMs: number }>(Math.max(1, Math.floor(cacheSize / 10)));
  const inflight = new Map<string, Promise<ForeignOcspAnswer>>();
  const counters: OcspClientStats = { upstreamRequests: 0, cacheHits: 0, coalesced: 0, failures: 0 };
  let generation = 0;

  async function exchange(key: string, certId: CertIdFields, url: string, extra: readonly Uint8Array[]): Promise<ForeignOcspAnswer> {
    const started = generation;
    counters.upstreamRequests++;
    const der = await opts.fetch(url, buildOcspRequest(certId));
    const now = opts.now();
    const verified = verifyOcspResponse(der, certId, { now, skewMs, knownCertificates: [...opts.knownCertificates(), ...extra] });
    const untilMs = verified.nextUpdate ? verified.nextUpdate.getTime() : now.getTime() + opts.noNextUpdateHoldMs;
    const answer: ForeignOcspAnswer = { der, ...verified, cachedUntil: new Date(untilMs), fromCache: false };
    if (untilMs > now.getTime() && generation === started) answers.set(key, { answer: { ...answer, fromCache: true }, untilMs });
    return answer;
  }

  function cached(key: string, nowMs: number): ForeignOcspAnswer | null {
    const hit = answers.get(key);
    if (!hit) return null;
    if (nowMs < hit.untilMs) {
      counters.cacheHits++;
      return hit.answer;
    }
    answers.delete(key);
    return null;
  }

  return {
    peek: (certId) => cached(certIdKey(certId), opts.now().getTime()),
    query(certId, responderUrl, extraCertificates = []) {
      const key = certIdKey(certId);
      const nowMs = opts.now().getTime();
      const hit = cached(key, nowMs);
      if (hit) return Promise.resolve(hit);
      const failKey = `${key}\n${responderUrl}`;
      const failed = failures.get(failKey);
      if (failed && nowMs < failed.untilMs) return Promise.reject(failed.error);
      const pending = inflight.get(key);
      if (pending) {
        counters.coalesced++;
        return pending;
      }
      const p: Promise<ForeignOcspAnswer> = exchange(key, certId, responderUrl, extraCertificates)
        .catch((err: unknown) => {
          const error = err instanceof OcspClientError ? err : new OcspClientError('UNREACHABLE', `OCSP exchange failed: ${err instanceof Error ? err.message : String(err)}`);
          counters.failures++;
          opts.log.debug({ code: error.code, responderUrl, reason: error.message }, 'foreign OCSP answer unusable');
          if (failureHoldMs > 0) failures.set(failKey, { error, untilMs: opts.now().getTime() + failureHoldMs });
          throw error;
        })
        .finally(() => {
          if (inflight.get(key) === p) inflight.delete(key);
        });
      inflight.set(key, p);
      return p;
    },
    stats: () => ({ ...counters }),
    clear() {
      generation++;
      answers.clear();
      failures.clear();
      inflight.clear();
    },
  };
}
