// MO sub-CA 2: issues contract certificates (ISO 15118-2 Annex F Table F.4).
import type { CertificateProfile } from './types.js';

export const moSubCa2: CertificateProfile = {
  id: 'mo-sub-ca-2',
  title: 'MO sub-CA 2 (issues contract certificates)',
  hierarchy: 'mo',
  kind: 'sub-ca',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 730,
  defaultValidityDays: 730,
  validityCite:
    'Annex F Table F.4 leaves MO sub-CA lifetimes to the MO (the public test PKIs issue 1460 days; not confirmed in a public source); chosen 2 years (730 days), the CPO sub-CA 2 limit of Table F.2 and the contract certificate maximum',
  basicConstraints: { ca: true, pathLen: 0 },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.4 and [V2G2-009]: cA true, pathLenConstraint 0, critical',
  keyUsage: ['digitalSignature', 'nonRepudiation', 'keyCertSign', 'cRLSign'],
  keyUsageCite:
    'ISO 15118-2 Annex F Table F.4: keyCertSign, cRLSign, critical; digitalSignature and nonRepudiation as well, as both public test PKIs (RISE V2G, SwitchEV iso15118) set them on the MO sub-CA 2 alone (not confirmed against the table text; extra bits on a CA refuse no relying party)',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'MO' },
    maxLength: { CN: 64, O: 64, C: 2 },
    cite: 'ISO 15118-2 Annex F Table F.4: DC = "MO" (as in the public test PKIs); order CN, O, C, DC; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
