// The V2G root: the trust anchor of the ISO 15118 PKI, above the CPO and CPS branches.
import type { CertificateProfile } from './types.js';

export const v2gRoot: CertificateProfile = {
  id: 'v2g-root',
  title: 'V2G root CA (ISO 15118-2 trust anchor for SECC and CPS chains)',
  hierarchy: 'v2g',
  kind: 'root',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 14_600,
  defaultValidityDays: 14_600,
  validityCite:
    'ISO 15118-2 Annex F Table F.1: a V2G root lives 40 years (Hubject V2G PKI: "a V2G Root CA is always valid for 40 years"); 14 600 days = 40 x 365, never longer than 40 calendar years',
  basicConstraints: { ca: true, pathLen: null },
  basicConstraintsCite:
    'ISO 15118-2 Annex F Table F.1: cA true, critical, no pathLenConstraint; [V2G2-009] limits the tree below it to 3 certificates (sub-CA 1, sub-CA 2, leaf); [V2G2-867] a V2G root issues no leaf',
  keyUsage: ['keyCertSign', 'cRLSign'],
  keyUsageCite: 'ISO 15118-2 Annex F Table F.1: keyCertSign, cRLSign, critical (RFC 5280 4.2.1.3)',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'V2G' },
    maxLength: { CN: 64, O: 64, C: 2 },
    cite:
      'ISO 15118-2 Annex F Table F.1: DC = "V2G"; CN, O, C as in Table F.1; order CN, O, C, DC as the public ISO 15118 test PKIs (RISE V2G, SwitchEV iso15118) encode it; RFC 5280 Appendix A ub-common-name 64, ub-organization-name 64, countryName 2 letters',
  },
  revocationPointers: false,
};
