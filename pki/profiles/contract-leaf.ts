// The contract certificate: the EV's Plug & Charge credential, CN = eMAID (ISO 15118-2 Annex F
// Table F.4, [V2G2-108]).
import type { CertificateProfile } from './types.js';

/**
 * The eMAID of ISO 15118-2 Annex H (DIN SPEC 91286): country code (2 letters), provider ID (3
 * alphanumerics), eMA instance (9 alphanumerics; DIN SPEC 91286 writes it as ID type "C" plus 8),
 * optional check digit, with an optional "-" separator used consistently between the parts, as in
 * Hubject's OPCP expression. 14 to 18 characters: DE8AA001234567, DE8AAC123456789,
 * DE-8AA-C12345678, DE-8AA-C12345678-9. Case-insensitive like the ABNF (RFC 7405); the ISO 15118-2
 * schema carries at most 15 characters, so the separated forms are for back ends only.
 */
export const EMAID_PATTERN = /^[A-Za-z]{2}(-?)[A-Za-z0-9]{3}\1[A-Za-z0-9]{9}(?:\1[A-Za-z0-9])?$/;

export const contractLeaf: CertificateProfile = {
  id: 'contract-leaf',
  title: 'Contract certificate (CN = eMAID; EV credential for Plug & Charge)',
  hierarchy: 'mo',
  kind: 'leaf',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 730,
  defaultValidityDays: 365,
  validityCite:
    'ISO 15118-2 Annex F Table F.4: contract certificate valid 4 weeks to 2 years, bounded by the contract (as noted in the RISE V2G certificate generator); max 730 days; default 1 year, the conservative choice (the RA may ask for the contract term up to the maximum)',
  basicConstraints: { ca: false },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.4: cA false, critical',
  keyUsage: ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyAgreement'],
  keyUsageCite:
    'ISO 15118-2 Annex F Table F.4, critical: digitalSignature and nonRepudiation (signed AuthorizationReq and metering receipts), keyAgreement (the ECDH that encrypts a renewed contract key, [V2G2-818]), keyEncipherment as the table lists it (as read by the iso15118 crate and set by the RISE V2G and SwitchEV test PKIs). Note: RFC 5480 3 allows only digitalSignature, nonRepudiation and keyAgreement on an EC end-entity key; Annex F governs here',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'MO' },
    maxLength: { CN: 18, O: 64, C: 2 },
    commonNamePattern: EMAID_PATTERN,
    cite:
      'ISO 15118-2 [V2G2-108] and Annex F Table F.4: CN = eMAID (syntax ISO 15118-2 Annex H / DIN SPEC 91286, 14 to 18 characters), O and C of the MO, DC = "MO" (Table F.4 marks DC optional; we always write it, as the public test PKIs do); order CN, O, C, DC; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
