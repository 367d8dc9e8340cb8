// The pure part of the upgrade decision: which transport and which credential a station at a
// given security profile must use (OCPP 2.0.1 Part 2 A00). No downgrade: a station connects at
// exactly its registered profile, so a profile 2 station over plain ws, a profile 3 station with
// a password, or a profile 3 station without a client certificate is refused.
import type { SecurityProfile } from '../store/stations.js';

/** What the request brought, as established by the listener (and a trusted proxy). */
export interface UpgradeTransport {
  /** TLS to us, or TLS terminated by a trusted proxy. */
  tls: boolean;
  /** A client certificate was presented (in the handshake or by a trusted proxy). */
  clientCertificate: boolean;
  /** An Authorization: Basic header was sent. */
  basic: boolean;
}

export type ProfileRequirement =
  | { ok: true; check: 'basic' | 'certificate' }
  | { ok: false; status: 401 | 403; reason: string };

export function requiredCredential(profile: SecurityProfile, t: UpgradeTransport): ProfileRequirement {
  switch (profile) {
    case 1:
      // Profile 1: HTTP Basic over ws. A station registered at 1 that speaks TLS is at another
      // profile than registered: refused, so that the registry stays the truth.
      if (t.tls) return { ok: false, status: 403, reason: 'profile 1 station connected over TLS' };
      if (!t.basic) return { ok: false, status: 401, reason: 'profile 1: no HTTP Basic credentials' };
      return { ok: true, check: 'basic' };
    case 2:
      // Profile 2: TLS (server authentication) plus HTTP Basic; never plain ws.
      if (!t.tls) return { ok: false, status: 403, reason: 'profile 2 station connected without TLS (downgrade refused)' };
      if (!t.basic) return { ok: false, status: 401, reason: 'profile 2: no HTTP Basic credentials' };
      return { ok: true, check: 'basic' };
    case 3:
      // Profile 3: TLS with a client certificate; a password is no substitute.
      if (!t.tls) return { ok: false, status: 403, reason: 'profile 3 station connected without TLS (downgrade refused)' };
      if (!t.clientCertificate) return { ok: false, status: 401, reason: 'profile 3: no client certificate (downgrade refused)' };
      return { ok: true, check: 'certificate' };
  }
}
