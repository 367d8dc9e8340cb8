// OEM sub-CA 2: issues OEM provisioning certificates (ISO 15118-2 Annex F Table F.5).
import type { CertificateProfile } from './types.js';

export const oemSubCa2: CertificateProfile = {
  id: 'oem-sub-ca-2',
  title: 'OEM sub-CA 2 (issues OEM provisioning certificates)',
  hierarchy: 'oem',
  kind: 'sub-ca',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 730,
  defaultValidityDays: 730,
  validityCite:
    'Annex F Table F.5 leaves OEM sub-CA lifetimes to the OEM (the public test PKIs issue 1460 days; not confirmed in a public source); chosen 2 years (730 days), the CPO sub-CA 2 limit of Table F.2, as the conservative value',
  basicConstraints: { ca: true, pathLen: 0 },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.5 and [V2G2-009]: cA true, pathLenConstraint 0, critical',
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
