// Revocation: one transaction marks the certificate and appends the audit record; then the
// listeners (OCSP cache, CRL publisher) are told at once, so the next OCSP answer says revoked.
import { bytesToHex, hexToBytes } from '../../pki/der/writer.js';
import type { CrlReason } from '../../pki/crl-reason.js';
import type { Store } from '../store/store.js';
import { isProfileId, getProfile } from '../../pki/profiles/index.js';
import { CaError } from './ca-error.js';

/**
 * Reasons we accept (RFC 5280 5.3.1). certificateHold is reversible and removeFromCRL belongs to
 * delta CRLs; we issue neither. aACompromise concerns attribute authorities, which we are not.
 */
export const REVOCATION_REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'privilegeWithdrawn'] as const satisfies readonly CrlReason[];
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

export interface RevokeInput {
  serial: string;
  reason: RevocationReason;
  requestedBy: string;
}

export interface RevocationResult {
  serial: string;
  issuerId: string;
  revokedAt: Date;
  reason: string | null;
  /** False when it was already revoked (the first revocation stands). */
  changed: boolean;
}

/** The NOTIFY channel of revocations, and this process's mark, so that it ignores its own. */
export const REVOCATION_CHANNEL = 'plugtrust_revocation';
export const REVOCATION_ORIGIN = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

export type RevocationListener = (r: RevocationResult) => void | Promise<void>;

export async function revokeCertificate(deps: { store: Pick<Store, 'db' | 'certificates' | 'caAudit'>; now: () => Date }, input: RevokeInput): Promise<RevocationResult> {
  if (!/^[0-9a-f]{18,40}$/i.test(input.serial) || input.serial.length % 2) throw new CaError('CA_CERTIFICATE_UNKNOWN', 'a serial number is 9 to 20 octets of hex');
  if (!(REVOCATION_REASONS as readonly string[]).includes(input.reason)) throw new CaError('CA_REQUEST_INVALID', `unsupported revocation reason ${input.reason}`);
  const serial = hexToBytes(input.serial.toLowerCase());
  const at = new Date(Math.floor(deps.now().getTime() / 1000) * 1000);
  const existing = await deps.store.certificates.get(serial);
  // A trust anchor is not revoked by its own CRL (RFC 5280 6.1.1: anchors are outside the path); it is retired.
  if (existing && isRootProfile(existing.profile)) throw new CaError('CA_REQUEST_INVALID', `${input.serial} is a root certificate; roots are retired, not revoked`);
  return deps.store.db.withTransaction(async (tx) => {
    const r = await deps.store.certificates.revoke(tx, serial, at, input.reason);
    if (!r) throw new CaError('CA_CERTIFICATE_UNKNOWN', `no issued certificate with serial ${input.serial}`);
    // Other processes on the same database (a server, while this is the CLI) invalidate their
    // OCSP caches and regenerate the CRL when they hear this (delivered at commit).
    if (r.changed) await deps.store.certificates.notify(tx, REVOCATION_CHANNEL, `${REVOCATION_ORIGIN} ${r.row.issuerId} ${bytesToHex(serial)}`);
    await deps.store.caAudit.append(tx, [
      { at, actor: input.requestedBy, action: 'revoke', decision: r.changed ? 'revoked' : 'already-revoked', issuerId: r.row.issuerId, serial: bytesToHex(serial), profile: r.row.profile, detail: { reason: input.reason } },
    ]);
    return { serial: bytesToHex(serial), issuerId: r.row.issuerId, revokedAt: r.row.revokedAt ?? at, reason: r.row.revocationReason, changed: r.changed };
  });
}

function isRootProfile(profile: string): boolean {
  return isProfileId(profile) && getProfile(profile).kind === 'root';
}
