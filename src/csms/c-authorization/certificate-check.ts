// The outcome of checking one certificate (or a chain) for Authorize, in the terms of OCPP 2.0.1
// AuthorizeCertificateStatusEnumType, and the mapping from an OCSP status outcome to it.
import type { AuthorizationEvidence } from '../../store/authorization-decisions.js';
import type { StatusOutcome } from '../../ocsp-client/certificate-status.js';
import type { AuthorizeCertificateStatusEnumType } from '../types.js';

export type CertificateFailure = Exclude<AuthorizeCertificateStatusEnumType, 'Accepted' | 'ContractCancelled'>;

export interface CertificateCheck {
  /** null: accepted. */
  failure: CertificateFailure | null;
  reason: string;
  /** The earliest nextUpdate of the OCSP answers relied on (bounds idTokenInfo.cacheExpiryDateTime). */
  validUntil: Date | null;
  evidence: AuthorizationEvidence[];
}

/**
 * Worst first: a definite negative (revoked, expired, bad signature, broken chain) outranks
 * "could not be established" (NoCertificateAvailable), which outranks Accepted.
 */
const SEVERITY: readonly CertificateFailure[] = ['CertificateRevoked', 'CertificateExpired', 'SignatureError', 'CertChainError', 'NoCertificateAvailable'];

export function combineChecks(checks: readonly CertificateCheck[]): CertificateCheck {
  const failures = checks.filter((c) => c.failure !== null).sort((a, b) => SEVERITY.indexOf(a.failure as CertificateFailure) - SEVERITY.indexOf(b.failure as CertificateFailure));
  const until = checks.map((c) => c.validUntil).filter((d): d is Date => d !== null);
  const worst = failures[0];
  return {
    failure: worst?.failure ?? null,
    reason: worst?.reason ?? checks.map((c) => c.reason).join('; '),
    validUntil: until.length ? new Date(Math.min(...until.map((d) => d.getTime()))) : null,
    evidence: checks.flatMap((c) => c.evidence),
  };
}

/**
 * An OCSP outcome as a certificate check (OCPP 2.0.1 C07.FR.05: validity via real-time or cached
 * OCSP data). good: accepted. revoked: CertificateRevoked ("marked as revoked in OCSP response").
 * unknown: CertChainError (RFC 6960 2.2: the responder does not know the certificate, so it is not
 * part of a chain that responder serves). No answer to be had (responder unreachable or refused,
 * an answer that does not verify): NoCertificateAvailable, the status could not be retrieved.
 */
export function checkFromStatus(what: string, serialHex: string, outcome: StatusOutcome): CertificateCheck {
  if (!outcome.ok) {
    return {
      failure: 'NoCertificateAvailable',
      reason: `${what}: no OCSP status (${outcome.code}: ${outcome.reason})`,
      validUntil: null,
      evidence: [{ what, serial: serialHex, source: outcome.source, status: 'failed', reason: `${outcome.code}: ${outcome.reason}` }],
    };
  }
  const evidence: AuthorizationEvidence = { what, serial: serialHex, source: outcome.source, status: outcome.status.status, fromCache: outcome.fromCache };
  switch (outcome.status.status) {
    case 'good':
      return { failure: null, reason: `${what}: good`, validUntil: outcome.nextUpdate, evidence: [evidence] };
    case 'revoked':
      return { failure: 'CertificateRevoked', reason: `${what}: revoked at ${outcome.status.revokedAt.toISOString()}${outcome.status.reason ? ` (${outcome.status.reason})` : ''}`, validUntil: null, evidence: [evidence] };
    case 'unknown':
      return { failure: 'CertChainError', reason: `${what}: the responder does not know this certificate`, validUntil: null, evidence: [evidence] };
  }
}
