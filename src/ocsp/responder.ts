// The OCSP responder (RFC 6960): request bytes in, OCSPResponse out. The HTTP routes and the
// in-process callers (GetCertificateStatus, Authorize) use the same function.
//
// Caching, in two layers, both bounded (LRU) and both dropped at once by invalidate():
// 1. Answers, by the exact request bytes. A request without a nonce is answered from a response
//    signed once and served until its nextUpdate: the fast path is a Map look-up by the request
//    bytes, with no ASN.1 parsing and no signature. From `refreshBeforeSeconds` before nextUpdate
//    the cached answer is still served while a fresh one is signed in the background.
// 2. Statuses, by (issuer, serial): a request with a nonce must echo it (RFC 6960 4.4.1), so its
//    response is signed for it alone and never cached; the status look-up is still shared, so
//    such a request costs one signature and no query. We echo rather than ignore nonces (which
//    RFC 5019 would allow) because OpenSSL and most stations send one by default and warn or fail
//    without it; a client that wants the cheap path sends none (RFC 5019 4).
import { createHash } from 'node:crypto';
import { readSignatureAlgorithm, verifySignature } from '../../pki/algorithms.js';
import { buildOcspErrorResponse, buildOcspResponse, type CertStatus, type OcspResponderIdentity } from '../../pki/ocsp/build-response.js';
import { CERT_ID_HASHES, digest, encodeCertId, readCertificateParts, responderKeyHash, serialContent, type CertIdHash } from '../../pki/ocsp/cert-id.js';
import { parseOcspRequest, type OcspRequest } from '../../pki/ocsp/parse-request.js';
import { OID } from '../../pki/oids.js';
import { seq } from '../../pki/der/writer.js';
import { children, parseDer, readOid } from '../../pki/der/reader.js';
import type { Logger } from '../log.js';
import { LruMap } from './lru.js';
import {
  OcspError,
  type OcspAnswer,
  type OcspFailureAnswer,
  type OcspIssuer,
  type OcspSingleAnswer,
  type OcspStatusQuery,
  type OcspStatusSource,
  type OcspSuccessAnswer,
} from './types.js';

export interface OcspResponderOptions {
  source: OcspStatusSource;
  now: () => Date;
  /** nextUpdate - thisUpdate of every SingleResponse. Default 3600. */
  validitySeconds?: number;
  /** A cached answer is re-signed this long before its nextUpdate. Default a quarter of the validity. */
  refreshBeforeSeconds?: number;
  /** Most answers kept (0: no caching at all, every request is looked up and signed). Default 10,000. */
  cacheSize?: number;
  /**
   * Most answers being looked up and signed at once; beyond it a request that is not in the cache
   * gets tryLater (RFC 6960 2.3) instead of queueing without bound (a flood of nonce requests
   * cannot be served from the cache). Default 1,000.
   */
  maxPending?: number;
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
}

export interface OcspResponder {
  /** Answers an OCSPRequest (DER). Never throws: failures are OCSP error responses. */
  respond(requestDer: Uint8Array): Promise<OcspAnswer>;
  /** The same answer for an in-process caller; an issuer we do not serve gives unauthorized. */
  checkStatus(query: OcspStatusQuery): Promise<OcspAnswer>;
  /**
   * Forgets what is cached about a certificate: the next answer asks the source again. Call it
   * when a certificate is revoked. `serial`: INTEGER content octets or the unsigned magnitude.
   */
  invalidate(issuerId: string, serial: Uint8Array): void;
  /** Loads the issuers from the source; all caches are dropped. Throws OcspError('ISSUER_INVALID'), keeping the previous set. */
  reloadIssuers(): Promise<void>;
  /** The clock the responder answers with (the routes compute max-age from it). */
  now(): Date;
}

interface IssuerEntry {
  issuer: OcspIssuer;
  /** The responder certificate's notAfter: no answer is signed after it, none is valid past it. */
  responderNotAfterMs: number;
  identity: OcspResponderIdentity;
  hashes: Map<CertIdHash, { issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array }>;
}

interface CachedStatus {
  status: CertStatus;
  thisUpdate: Date;
  nextUpdate: Date;
  refreshAtMs: number;
}

interface CachedAnswer {
  answer: OcspSuccessAnswer;
  requestDer: Uint8Array;
  nextUpdateMs: number;
  refreshAtMs: number;
  refreshing: boolean;
  statusKeys: string[];
}

const failure = (responseStatus: OcspFailureAnswer['responseStatus']): OcspFailureAnswer => ({ responseStatus, der: buildOcspErrorResponse(responseStatus) });
const MALFORMED = failure('malformedRequest');
const UNAUTHORIZED = failure('unauthorized');
const INTERNAL_ERROR = failure('internalError');
const TRY_LATER = failure('tryLater');

/**
 * Larger requests are answered but not cached: the key is the request itself, and ordinary ones
 * (one CertID, maybe a nonce) are about 100 bytes; 20 CertIDs are about 1.5 KiB.
 */
const MAX_CACHED_REQUEST_BYTES = 2048;

/** After a failed background refresh, the cached answer is served this long before trying again. */
const REFRESH_RETRY_MS = 10_000;

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const requestKey = (der: Uint8Array): string => Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
const hashKey = (alg: CertIdHash, nameHash: Uint8Array, keyHash: Uint8Array): string => `${alg}:${hex(nameHash)}:${hex(keyHash)}`;
/** Serials as a positive INTEGER's content, so invalidate() matches whether given 00 8f ... or 8f .... */
const statusKey = (issuerId: string, serial: Uint8Array): string => `${issuerId}\n${hex(serialContent(serial))}`;

export function createOcspResponder(options: OcspResponderOptions): OcspResponder {
  const { source, log } = options;
  const validityMs = (options.validitySeconds ?? 3600) * 1000;
  const refreshBeforeMs = (options.refreshBeforeSeconds ?? (options.validitySeconds ?? 3600) / 4) * 1000;
  const cacheSize = options.cacheSize ?? 10_000;
  const maxPending = options.maxPending ?? 1000;
  if (!(validityMs > 0) || !(refreshBeforeMs >= 0 && refreshBeforeMs < validityMs) || !(cacheSize >= 0) || !(maxPending >= 1)) {
    throw new OcspError('BAD_OPTIONS', 'need validitySeconds > 0, 0 <= refreshBeforeSeconds < validitySeconds, cacheSize >= 0, maxPending >= 1');
  }

  let byId = new Map<string, IssuerEntry>();
  let byHash = new Map<string, IssuerEntry>();
  // statusKey -> keys of the answers that include it, so invalidate() finds them.
  const answersByStatus = new Map<string, Set<string>>();
  const answers = new LruMap<string, CachedAnswer>(cacheSize, (key, entry) => {
    for (const sk of entry.statusKeys) {
      const set = answersByStatus.get(sk);
      set?.delete(key);
      if (set?.size === 0) answersByStatus.delete(sk);
    }
  });
  // Statuses live as long as answers do; several answers (hash algorithms, encodings) share one.
  const statuses = new LruMap<string, CachedStatus>(cacheSize * 2);
  const inflight = new Map<string, Promise<OcspAnswer>>();
  // Bumped by invalidate() and reloadIssuers(): work that began before must not fill the caches.
  let epoch = 0;
  let computing = 0;

  async function lookupStatus(entry: IssuerEntry, serial: Uint8Array, now: Date): Promise<CachedStatus> {
    const key = statusKey(entry.issuer.id, serial);
    const hit = statuses.get(key);
    if (hit && now.getTime() < hit.refreshAtMs) return hit;
    const status = await source.status(entry.issuer.id, serial);
    // A client rejects a response whose signer certificate has expired, so none outlives it.
    const nextUpdateMs = Math.min(now.getTime() + validityMs, entry.responderNotAfterMs);
    return { status, thisUpdate: now, nextUpdate: new Date(nextUpdateMs), refreshAtMs: Math.max(now.getTime(), nextUpdateMs - refreshBeforeMs) };
  }

  async function compute(key: string, der: Uint8Array): Promise<OcspAnswer> {
    const startEpoch = epoch;
    let request: OcspRequest;
    try {
      request = parseOcspRequest(der);
    } catch (err) {
      log.debug({ err }, 'OCSP request malformed');
      return MALFORMED;
    }
    // RFC 6960 2.3: we answer only for our issuers; and one response is signed by one issuer's
    // delegated responder, which is authoritative for that issuer alone (4.2.2.2).
    let entry: IssuerEntry | undefined;
    for (const id of request.certIds) {
      const e = byHash.get(hashKey(id.hashAlgorithm, id.issuerNameHash, id.issuerKeyHash));
      if (!e || (entry && e !== entry)) return UNAUTHORIZED;
      entry = e;
    }
    if (!entry) return MALFORMED;
    const issuer = entry;
    const now = options.now();
    if (now.getTime() >= issuer.responderNotAfterMs) {
      log.error({ issuerId: issuer.issuer.id }, 'OCSP responder certificate has expired: renew it and reload the issuers');
      return INTERNAL_ERROR;
    }
    let looked: CachedStatus[];
    try {
      looked = await Promise.all(request.certIds.map((id) => lookupStatus(issuer, id.serialNumber, now)));
    } catch (err) {
      log.error({ err, issuerId: issuer.issuer.id }, 'OCSP status look-up failed');
      return INTERNAL_ERROR;
    }
    let responseDer: Uint8Array;
    try {
      responseDer = await buildOcspResponse({
        responder: issuer.identity,
        producedAt: now,
        nonce: request.nonce,
        responses: request.certIds.map((id, i) => {
          const s = looked[i] as CachedStatus;
          return { certId: id.der, status: s.status, thisUpdate: s.thisUpdate, nextUpdate: s.nextUpdate };
        }),
      });
    } catch (err) {
      log.error({ err, issuerId: issuer.issuer.id }, 'OCSP response signing failed');
      return INTERNAL_ERROR;
    }
    const singles: OcspSingleAnswer[] = request.certIds.map((id, i) => {
      const s = looked[i] as CachedStatus;
      return { issuerId: issuer.issuer.id, serial: new Uint8Array(id.serialNumber), hashAlgorithm: id.hashAlgorithm, status: s.status, thisUpdate: s.thisUpdate, nextUpdate: s.nextUpdate };
    });
    const answer: OcspSuccessAnswer = {
      responseStatus: 'successful',
      der: responseDer,
      producedAt: now,
      thisUpdate: new Date(Math.max(...looked.map((s) => s.thisUpdate.getTime()))),
      nextUpdate: new Date(Math.min(...looked.map((s) => s.nextUpdate.getTime()))),
      etag: createHash('sha1').update(responseDer).digest('hex'),
      nonce: request.nonce !== null,
      responses: singles,
    };
    if (epoch === startEpoch && cacheSize > 0 && der.length <= MAX_CACHED_REQUEST_BYTES) {
      const keys = request.certIds.map((id) => statusKey(issuer.issuer.id, id.serialNumber));
      keys.forEach((k, i) => statuses.set(k, looked[i] as CachedStatus));
      if (!request.nonce) {
        answers.set(key, {
          answer,
          // Copies (Buffer.slice would be a view of the request body).
          requestDer: new Uint8Array(der),
          nextUpdateMs: answer.nextUpdate.getTime(),
          refreshAtMs: Math.min(...looked.map((s) => s.refreshAtMs)),
          refreshing: false,
          statusKeys: keys,
        });
        for (const k of keys) {
          let set = answersByStatus.get(k);
          if (!set) answersByStatus.set(k, (set = new Set()));
          set.add(key);
        }
      }
    }
    return answer;
  }

  function refreshInBackground(key: string, entry: CachedAnswer, nowMs: number): void {
    // Refreshes share the bound on work in progress; a busy responder refreshes on a later hit.
    if (computing >= maxPending) return;
    entry.refreshing = true;
    computing++;
    compute(key, entry.requestDer)
      .finally(() => computing--)
      .then((fresh) => {
        if (fresh.responseStatus !== 'successful') throw new Error(`refresh answered ${fresh.responseStatus}`);
        // Not cached (an invalidation raced it): let a later request try again.
        if (answers.peek(key) === entry) {
          entry.refreshing = false;
          entry.refreshAtMs = nowMs + REFRESH_RETRY_MS;
        }
      })
      .catch((err: unknown) => {
        log.warn({ err }, 'OCSP background refresh failed; serving the cached answer until its nextUpdate');
        entry.refreshing = false;
        entry.refreshAtMs = nowMs + REFRESH_RETRY_MS;
      });
  }

  function respond(requestDer: Uint8Array): Promise<OcspAnswer> {
    const key = requestKey(requestDer);
    const hit = answers.get(key);
    if (hit) {
      const nowMs = options.now().getTime();
      if (nowMs < hit.nextUpdateMs) {
        if (nowMs >= hit.refreshAtMs && !hit.refreshing) refreshInBackground(key, hit, nowMs);
        return Promise.resolve(hit.answer);
      }
      answers.delete(key);
    }
    // Concurrent identical requests share one look-up and one signature.
    let pending = inflight.get(key);
    if (!pending) {
      if (computing >= maxPending) return Promise.resolve(TRY_LATER);
      computing++;
      const p = compute(key, requestDer).finally(() => {
        computing--;
        if (inflight.get(key) === p) inflight.delete(key);
      });
      inflight.set(key, p);
      pending = p;
    }
    return pending;
  }

  function checkStatus(query: OcspStatusQuery): Promise<OcspAnswer> {
    let certId: Uint8Array;
    if ('issuerId' in query) {
      const entry = byId.get(query.issuerId);
      const hashes = entry?.hashes.get(query.hashAlgorithm ?? 'sha256');
      if (!hashes) return Promise.resolve(UNAUTHORIZED);
      certId = encodeCertId({ hashAlgorithm: query.hashAlgorithm ?? 'sha256', ...hashes, serialNumber: serialContent(query.serial) });
    } else {
      certId = encodeCertId({ ...query, serialNumber: serialContent(query.serialNumber) });
    }
    // The request OpenSSL would send for it without a nonce, so both share the cached answer.
    return respond(seq(seq(seq(seq(certId)))));
  }

  function invalidate(issuerId: string, serial: Uint8Array): void {
    epoch++;
    inflight.clear();
    const key = statusKey(issuerId, serial);
    statuses.delete(key);
    for (const answerKey of [...(answersByStatus.get(key) ?? [])]) answers.delete(answerKey);
    answersByStatus.delete(key);
  }

  async function reloadIssuers(): Promise<void> {
    const list = await source.listIssuers();
    const nextById = new Map<string, IssuerEntry>();
    const nextByHash = new Map<string, IssuerEntry>();
    for (const issuer of list) {
      if (nextById.has(issuer.id)) throw new OcspError('ISSUER_INVALID', `issuer ${issuer.id} listed twice`);
      const entry = prepareIssuer(issuer, options.now(), log);
      nextById.set(issuer.id, entry);
      for (const [alg, h] of entry.hashes) nextByHash.set(hashKey(alg, h.issuerNameHash, h.issuerKeyHash), entry);
    }
    const now = options.now().getTime();
    for (const entry of nextById.values()) {
      // Delegated signers live two weeks and are renewed with a third of their life left; one this
      // close to its end was not renewed, and answers will soon be cut short at its notAfter.
      if (entry.responderNotAfterMs - now < 2 * 86_400_000) {
        log.warn({ issuerId: entry.issuer.id, notAfter: new Date(entry.responderNotAfterMs).toISOString() }, 'OCSP responder certificate expires within 2 days');
      }
    }
    byId = nextById;
    byHash = nextByHash;
    epoch++;
    inflight.clear();
    answers.clear();
    answersByStatus.clear();
    statuses.clear();
    log.info({ issuers: [...nextById.keys()] }, 'OCSP issuers loaded');
  }

  return { respond, checkStatus, invalidate, reloadIssuers, now: () => options.now() };
}

/**
 * Checks that an issuer's delegated responder can sign for it (RFC 6960 4.2.2.2): the signer
 * holds the key of the responder certificate, which the CA issued and which carries
 * id-kp-OCSPSigning. A misconfigured issuer would make every client reject our answers, so it
 * fails loudly here instead. Without id-pkix-ocsp-nocheck clients have to check the responder
 * certificate's own status (4.2.2.2.1): allowed, but worth a warning.
 */
function prepareIssuer(issuer: OcspIssuer, now: Date, log: Pick<Logger, 'warn'>): IssuerEntry {
  const bad = (why: string, detail?: unknown): never => {
    throw new OcspError('ISSUER_INVALID', `OCSP issuer ${issuer.id}: ${why}`, detail);
  };
  try {
    const ca = readCertificateParts(issuer.certificate);
    const rc = readCertificateParts(issuer.responder.certificate);
    if (hex(rc.subjectPublicKeyInfo) !== hex(issuer.responder.signer.publicKey)) bad('the signer key is not the responder certificate key');
    const delegated = hex(issuer.certificate) !== hex(issuer.responder.certificate);
    if (delegated) {
      if (hex(rc.issuer) !== hex(ca.subject)) bad('the responder certificate is not issued by this CA');
      if (!verifySignature(readSignatureAlgorithm(parseDer(rc.signatureAlgorithm)), ca.subjectPublicKeyInfo, rc.tbs, rc.signature)) bad('the responder certificate signature does not verify with the CA key');
      const eku = rc.extensions.get(OID.extKeyUsage);
      const purposes = eku ? children(parseDer(eku.value)).map((n) => readOid(n)) : [];
      if (!purposes.includes(OID.kpOcspSigning)) bad('the responder certificate lacks id-kp-OCSPSigning');
      if (!rc.extensions.has(OID.ocspNoCheck)) log.warn({ issuerId: issuer.id }, 'OCSP responder certificate without id-pkix-ocsp-nocheck');
    }
    if (now.getTime() >= rc.notAfter.getTime() || now.getTime() < rc.notBefore.getTime()) bad('the responder certificate is not valid now');
    const hashes = new Map<CertIdHash, { issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array }>();
    for (const alg of CERT_ID_HASHES) hashes.set(alg, { issuerNameHash: digest(alg, ca.subject), issuerKeyHash: digest(alg, ca.subjectPublicKey) });
    return {
      issuer,
      responderNotAfterMs: rc.notAfter.getTime(),
      identity: { signer: issuer.responder.signer, keyHash: responderKeyHash(rc.subjectPublicKeyInfo), certificates: delegated ? [issuer.responder.certificate] : [] },
      hashes,
    };
  } catch (err) {
    if (err instanceof OcspError) throw err;
    return bad('a certificate does not parse or uses an unsupported algorithm', err);
  }
}
