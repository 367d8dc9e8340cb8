// The UpgradeAuthenticator for security profiles 1-3 (OCPP 2.0.1 Part 2 A00): transport and
// credential at exactly the station's registered profile (security-profile.ts), HTTP Basic against
// the stored scrypt hash, or the client certificate bound to the identity (station-certificate.ts),
// with back-off on repeated failures per identity and per source address (auth-throttle.ts).
//
// Cost under attack: a scrypt verification (tens of ms, 32 MiB) runs only when both throttles
// allow it, so 10,000 wrong passwords cost a handful of hashes. A station whose right password
// was verified before is recognised by a keyed digest kept in memory (HMAC-SHA-256 under a
// per-process random key, tied to the stored hash it matched), without scrypt and even while its
// identity is in back-off: an attack on its identity does not lock it out, and a reconnect storm
// of known stations costs no scrypt at all. A blocked source address gets 429 before anything else.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { Logger } from '../log.js';
import type { StationPasswordRepo } from '../store/station-passwords.js';
import type { Station } from '../store/stations.js';
import { createAuthThrottle, type ThrottleOptions } from './auth-throttle.js';
import { parseBasicAuthorization } from './basic-password.js';
import { certificatesFromHeader, forwardedFor, forwardedTls, isTrustedProxy, type ProxyTrust } from './proxy-client-cert.js';
import { requiredCredential } from './security-profile.js';
import type { StationCertificateVerifier } from './station-certificate.js';
import type { UpgradeAuthenticator, UpgradeDecision } from './upgrade-auth.js';

export interface StationAuthenticatorDeps {
  passwords: Pick<StationPasswordRepo, 'get' | 'retirePrevious'>;
  certificates: StationCertificateVerifier;
  proxy: ProxyTrust;
  /** scrypt verification (src/api/secret-hash.ts verifySecret); injected so tests can count it. */
  verifySecret: (hash: string, secret: string) => Promise<boolean>;
  now: () => Date;
  throttle?: Partial<ThrottleOptions>;
  log: Logger;
}

export interface StationAuthenticator extends UpgradeAuthenticator {
  /** Remembered credentials (for tests and metrics). */
  rememberedCount(): number;
}

interface RememberedPassword {
  /** The stored hash the password was verified against; a new hash makes the entry stale. */
  hash: string;
  digest: Buffer;
}

export function createStationAuthenticator(deps: StationAuthenticatorDeps): StationAuthenticator {
  const byIdentity = createAuthThrottle(deps.throttle);
  const byAddress = createAuthThrottle({ ...deps.throttle, maxInFlight: Number.MAX_SAFE_INTEGER });
  const digestKey = randomBytes(32);
  const passwords = new Map<string, RememberedPassword>();
  const certificates = new Map<string, string>();
  const digest = (id: string, password: string): Buffer => createHmac('sha256', digestKey).update(id).update('\0').update(password.normalize('NFC')).digest();

  const refuse = (status: 401 | 403 | 429, reason: string): UpgradeDecision => ({ ok: false, status, reason });

  async function authenticate(req: IncomingMessage, station: Station): Promise<UpgradeDecision> {
    const peer = req.socket.remoteAddress ?? 'unknown';
    const viaProxy = isTrustedProxy(deps.proxy, peer);
    // Behind a trusted proxy every station shares the proxy's address: back-off is kept per
    // station address as the proxy reports it, so one attacker cannot block the whole fleet.
    const source = (viaProxy ? forwardedFor(req) : undefined) ?? peer;
    // Step 1: a source address in back-off is answered before any work.
    if (byAddress.blocked(source)) return refuse(429, `source address ${source} in back-off after repeated failures`);
    const failed = (status: 401 | 403, reason: string): UpgradeDecision => {
      byAddress.fail(source);
      return refuse(status, reason);
    };

    // Step 2: the transport and what it carries; proxy headers only from a trusted proxy.
    // From a trusted proxy, what counts is the station's leg to the proxy: X-Forwarded-Proto and
    // the certificate header (whether the proxy reaches us over ws or wss).
    const socket = req.socket as Partial<TLSSocket>;
    const tls = viaProxy ? forwardedTls(req) : socket.encrypted === true;
    let chain: Uint8Array[] = [];
    if (viaProxy) {
      const fromHeader = deps.proxy.clientCertHeader ? certificatesFromHeader(req, deps.proxy.clientCertHeader) : undefined;
      if (fromHeader === null) return failed(401, 'unreadable client certificate header from the proxy');
      chain = fromHeader ?? [];
    } else if (socket.encrypted === true && typeof socket.getPeerCertificate === 'function') chain = peerCertificates(socket as TLSSocket);
    const authorization = req.headers.authorization;
    const need = requiredCredential(station.securityProfile, { tls, clientCertificate: chain.length > 0, basic: authorization !== undefined });
    if (!need.ok) return failed(need.status, need.reason);

    // Step 3: the credential.
    return need.check === 'basic' ? checkPassword(station.id, authorization, failed) : checkCertificate(station.id, chain, failed);
  }

  async function checkPassword(id: string, authorization: string | undefined, failed: (s: 401 | 403, r: string) => UpgradeDecision): Promise<UpgradeDecision> {
    const creds = parseBasicAuthorization(authorization);
    if (!creds) return failed(401, 'malformed HTTP Basic credentials');
    // OCPP 2.0.1 Part 2 A00 (security profile 1): the user name is the station identity.
    if (creds.user !== id) return failed(401, 'HTTP Basic user name is not the station identity');
    const stored = await deps.passwords.get(id);
    if (!stored) return failed(401, 'no HTTP Basic password is set for this station');
    const presented = digest(id, creds.password);
    // The remembered right password: no scrypt, and not subject to the identity's back-off.
    const known = passwords.get(id);
    if (known && timingSafeEqual(known.digest, presented) && (known.hash === stored.hash || known.hash === stored.previousHash)) {
      if (known.hash === stored.hash && stored.previousHash !== null) await deps.passwords.retirePrevious(id, stored.hash);
      return { ok: true };
    }
    if (!byIdentity.tryAcquire(id)) return failed429(`station ${id} in back-off after repeated failures`);
    let matched: string | null = null;
    try {
      if (await deps.verifySecret(stored.hash, creds.password)) matched = stored.hash;
      // A01: until the station has connected with its new password, the previous one still works.
      else if (stored.previousHash !== null && (await deps.verifySecret(stored.previousHash, creds.password))) matched = stored.previousHash;
    } finally {
      byIdentity.release(id, matched !== null);
    }
    if (matched === null) return failed(401, 'wrong HTTP Basic password');
    passwords.set(id, { hash: matched, digest: presented });
    // A01: the station has reconnected with the new password; the old one stops working.
    if (matched === stored.hash && stored.previousHash !== null) await deps.passwords.retirePrevious(id, stored.hash);
    return { ok: true };
  }

  async function checkCertificate(id: string, chain: readonly Uint8Array[], failed: (s: 401 | 403, r: string) => UpgradeDecision): Promise<UpgradeDecision> {
    // A certificate that validated for this identity before skips the identity's back-off (an
    // attacker cannot present it: TLS proved the key), but is validated again in full: it may
    // have been revoked or have expired since.
    const leaf = chain[0];
    const fingerprint = leaf ? createHmac('sha256', digestKey).update(leaf).digest('base64url') : '';
    const knownCert = certificates.get(id) === fingerprint;
    if (!knownCert && !byIdentity.tryAcquire(id)) return failed429(`station ${id} in back-off after repeated failures`);
    let ok = false;
    try {
      const result = await deps.certificates.verify(id, chain, deps.now());
      if (!result.ok) {
        // Revoked or expired since it was remembered: it no longer skips the back-off.
        if (knownCert) certificates.delete(id);
        return failed(403, result.reason);
      }
      ok = true;
    } finally {
      if (!knownCert) byIdentity.release(id, ok);
    }
    certificates.set(id, fingerprint);
    return { ok: true };
  }

  // A refusal for back-off is not itself a failure: counting it would extend the back-off forever.
  const failed429 = (reason: string): UpgradeDecision => refuse(429, reason);

  return {
    authenticate,
    rememberedCount: () => passwords.size + certificates.size,
  };
}

/**
 * The client's certificate, or nothing. Only the leaf: a station certificate's path runs through
 * our own CAs only (station-certificate.ts), so the intermediates a station sends add nothing,
 * and getPeerCertificate(true) would decode every one of them into an object. Not
 * getPeerX509Certificate() either: on a server whose client sent intermediates, Node 20 copies
 * each one out of the TLS session's chain and drops the session's reference without freeing it,
 * measured at 6.5 KB of RSS kept for good per connection (24,000 connect/close cycles), and it
 * costs 2-3 times the CPU of the abbreviated getPeerCertificate() (340-460 µs against 134-150).
 */
function peerCertificates(socket: TLSSocket): Uint8Array[] {
  // No certificate: node returns an empty object.
  const leaf: Partial<PeerCertificate> = socket.getPeerCertificate();
  return leaf.raw ? [new Uint8Array(leaf.raw)] : [];
}
