// The answer to an AuthorizeRequest, from what the checks found. Pure.
//
// OCPP 2.0.1 Part 2 C07 (Authorization using Contract Certificates): C07.FR.04 the CSMS answers
// with an authorization status indicating acceptance or the reason for rejection; C07.FR.05 it
// verifies the certificate and chain via real-time or cached OCSP data. certificateStatus
// (AuthorizeCertificateStatusEnumType) says what was wrong with the certificate; idTokenInfo.status
// (AuthorizationStatusEnumType) what that means for the token:
//   certificateStatus        idTokenInfo.status   why
//   Accepted                 Accepted             chain and OCSP good, contract not cancelled
//   CertificateRevoked       Blocked              "Identifier has been blocked": revoked by its issuer
//   ContractCancelled        Blocked              the eMSP cancelled (revoked) the contract we manage
//                                                (also when its certificate is revoked as a result)
//   CertificateExpired       Expired              "Identifier has expired"
//   SignatureError           Invalid              a certificate's signature does not verify
//   CertChainError           Invalid              not a chain to a trusted MO root, or OCSP "unknown"
//   NoCertificateAvailable   Invalid              the status could not be retrieved (responder
//                                                unreachable or its answer unusable): never
//                                                accepted without a status (C07.FR.05)
// A valid certificate whose CN (the eMAID) is not the idToken gives Invalid with certificateStatus
// Accepted: the certificate is fine, the token is not the one it certifies.
// Without certificate data: an eMAID is checked against the contracts we manage (Accepted,
// Blocked if cancelled, Expired, NotAtThisTime before its notBefore, Unknown if we manage none:
// nothing could be verified); certificateStatus is omitted, no certificate was checked. Other
// idToken types get Unknown: this CSMS has no authorization list for them yet (C01 and the
// other token use cases are not implemented), so it does not vouch for any.
import type { AuthorizationStatusEnumType, AuthorizeCertificateStatusEnumType, IdTokenType } from '../types.js';
import type { CertificateCheck, CertificateFailure } from './certificate-check.js';
import { sameEmaid, type ContractState } from './contract-state.js';

export interface AuthorizeFacts {
  idToken: IdTokenType;
  /** null: the request had neither a certificate nor hash data. */
  certificate: CertificateCheck | null;
  /** The contract certificate's CN, when a chain was presented and validated. */
  leafEmaid: string | null;
  /** null: not looked up (not an eMAID and no contract certificate). */
  contract: ContractState | null;
}

export interface AuthorizeDecision {
  status: AuthorizationStatusEnumType;
  certificateStatus: AuthorizeCertificateStatusEnumType | null;
  reason: string;
  contractId: string | null;
  /** For idTokenInfo.cacheExpiryDateTime on Accepted. */
  cacheExpiry: Date | null;
}

export function tokenStatusFor(failure: CertificateFailure): AuthorizationStatusEnumType {
  switch (failure) {
    case 'CertificateRevoked':
      return 'Blocked';
    case 'CertificateExpired':
      return 'Expired';
    case 'SignatureError':
    case 'CertChainError':
    case 'NoCertificateAvailable':
      return 'Invalid';
  }
}

const minDate = (...ds: (Date | null)[]): Date | null => {
  const xs = ds.filter((d): d is Date => d !== null);
  return xs.length ? new Date(Math.min(...xs.map((d) => d.getTime()))) : null;
};

export function decideAuthorize(f: AuthorizeFacts): AuthorizeDecision {
  const contractId = f.contract && f.contract.kind !== 'none' ? f.contract.contract.id : null;
  const no = (status: AuthorizationStatusEnumType, certificateStatus: AuthorizeCertificateStatusEnumType | null, reason: string): AuthorizeDecision => ({ status, certificateStatus, reason, contractId, cacheExpiry: null });

  // Without certificate data.
  if (f.certificate === null) {
    if (f.idToken.type !== 'eMAID') return no('Unknown', null, `no authorization source for ${f.idToken.type} idTokens: only ISO 15118 contract authorization (C07) is implemented`);
    switch (f.contract?.kind ?? 'none') {
      case 'none':
        return no('Unknown', null, 'no contract we manage has this eMAID, and without certificate data nothing can be verified');
      case 'cancelled':
        return no('Blocked', null, 'the contract was cancelled by its eMSP');
      case 'expired':
        return no('Expired', null, 'the contract has expired');
      case 'not-yet-valid':
        return no('NotAtThisTime', null, 'the contract is not valid yet');
      case 'active': {
        const c = (f.contract as Extract<ContractState, { kind: 'active' }>).contract;
        return { status: 'Accepted', certificateStatus: null, reason: `contract ${c.id} is active`, contractId, cacheExpiry: c.notAfter };
      }
    }
  }

  // With certificate data: the certificate first (C07.FR.05).
  const cert = f.certificate;
  if (cert.failure === 'CertificateRevoked' && f.contract?.kind === 'cancelled') return no('Blocked', 'ContractCancelled', `the contract was cancelled by its eMSP (${cert.reason})`);
  if (cert.failure !== null) return no(tokenStatusFor(cert.failure), cert.failure, cert.reason);
  if (f.leafEmaid !== null && !sameEmaid(f.leafEmaid, f.idToken.idToken)) return no('Invalid', 'Accepted', `the contract certificate is for eMAID ${f.leafEmaid}, not for idToken ${f.idToken.idToken}`);
  switch (f.contract?.kind ?? 'none') {
    case 'cancelled':
      return no('Blocked', 'ContractCancelled', 'the contract was cancelled by its eMSP');
    case 'expired':
      return no('Expired', 'CertificateExpired', 'the contract certificate has expired');
    case 'not-yet-valid':
      return no('NotAtThisTime', 'Accepted', 'the contract is not valid yet');
    case 'active': {
      const c = (f.contract as Extract<ContractState, { kind: 'active' }>).contract;
      return { status: 'Accepted', certificateStatus: 'Accepted', reason: `${cert.reason}; contract ${c.id} is active`, contractId, cacheExpiry: minDate(cert.validUntil, c.notAfter) };
    }
    case 'none':
      return { status: 'Accepted', certificateStatus: 'Accepted', reason: cert.reason, contractId, cacheExpiry: cert.validUntil };
  }
}
