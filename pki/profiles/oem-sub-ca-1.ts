// OEM sub-CA 1: issued by the OEM root, issues OEM sub-CA 2 (ISO 15118-2 Annex F Table F.5).
import type { CertificateProfile } from './types.js';

export const oemSubCa1: CertificateProfile = {
  id: 'oem-sub-ca-1',
  title: 'OEM sub-CA 1 (OEM root -> OEM sub-CA 2)',
  hierarchy: 'oem',
  kind: 'sub-ca',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 1_460,
  defaultValidityDays: 1_460,
  validityCite:
    'Annex F Table F.5 leaves OEM sub-CA lifetimes to the OEM (not confirmed in a public source); chosen 4 years (1460 days), the CPO sub-CA 1 limit of Table F.2, which the public test PKIs also use',
  basicConstraints: { ca: true, pathLen: 1 },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.5 and [V2G2-009]: cA true, pathLenConstraint 1, critical',
  keyUsage: ['keyCertSign', 'cRLSign'],
  keyUsageCite: 'ISO 15118-2 Annex F Table F.5: keyCertSign, cRLSign, critical (RFC 5280 4.2.1.3)',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'OEM' },
    maxLength: { CN: 64, O: 64, C: 2 },
    cite: 'ISO 15118-2 Annex F Table F.5: DC = "OEM" (as in the public test PKIs); order CN, O, C, DC; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
