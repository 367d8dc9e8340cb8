// The delegated OCSP responder certificate: issued by an issuing CA so that the responder can sign
// that CA's OCSP responses without holding the CA key (RFC 6960 4.2.2.2).
import { OID } from '../oids.js';
import type { CertificateProfile } from './types.js';

export const ocspSigner: CertificateProfile = {
  id: 'ocsp-signer',
  title: 'Delegated OCSP responder certificate (any issuing CA)',
  hierarchy: 'service',
  kind: 'leaf',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite:
    'P-256 only: the key is ours, and one curve fits every issuer: ISO 15118-2 [V2G2-006]/[V2G2-007] when a V2G, CPS, MO or OEM CA issues it, OCPP 2.0.1 A00.FR.503 when the CSMS sub-CA does',
  maxValidityDays: 30,
  defaultValidityDays: 14,
  validityCite:
    'RFC 6960 4.2.2.2.1: with id-pkix-ocsp-nocheck the responder certificate cannot be revoked, so issue it "with a very short lifetime and renew it frequently"; common practice is weeks (US FPKI delegated responders: at most 45 days, renewed every 30); chosen max 30 days, default 14',
  basicConstraints: { ca: false },
  basicConstraintsCite: 'RFC 5280 4.2.1.9: cA false, critical; RFC 6960 4.2.2.2: the delegate is an end entity of the CA whose responses it signs',
  keyUsage: ['digitalSignature'],
  keyUsageCite: 'RFC 6960 4.2.2.2 and RFC 5280 4.2.1.3: digitalSignature only (it signs BasicOCSPResponse), critical; ISO 15118-2 Annex F Table F.2 profiles the V2G OCSP signer the same way',
  extKeyUsage: {
    purposes: [OID.kpOcspSigning],
    critical: false,
    cite:
      'RFC 6960 4.2.2.2: the delegate carries id-kp-OCSPSigning in extendedKeyUsage; non-critical, as the CA/Browser Forum BR 7.1.2.8 responder profile and common practice have it (RFC 6960 requires no criticality)',
  },
  subject: {
    required: ['CN', 'O'],
    optional: ['C', 'OU', 'DC'],
    maxLength: { CN: 64, O: 64, OU: 64, C: 2 },
    cite:
      'RFC 6960 4.2.2.2 sets no subject rule; OCPP 2.0.1 A00.FR.509: O = the owner; C, OU and (under an ISO 15118 issuer) DC allowed; order CN, O, C, OU, DC; RFC 5280 Appendix A upper bounds',
  },
  ocspNoCheck: true,
  // Deliberately false although a CA issues it: RFC 6960 4.2.2.2.1 id-pkix-ocsp-nocheck tells
  // relying parties not to check this certificate's status, so AIA OCSP and CRL pointers would
  // only contradict it (CA/B Forum BR 7.1.2.8.2: crlDistributionPoints MUST NOT, AIA NOT
  // RECOMMENDED). Short validity is its revocation.
  revocationPointers: false,
};
