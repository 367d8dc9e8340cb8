// MO sub-CA 1: issued by the MO root (or, per ISO 15118-2, by a V2G root); issues MO sub-CA 2.
import type { CertificateProfile } from './types.js';

export const moSubCa1: CertificateProfile = {
  id: 'mo-sub-ca-1',
  title: 'MO sub-CA 1 (MO root -> MO sub-CA 2)',
  hierarchy: 'mo',
  kind: 'sub-ca',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 1_460,
  defaultValidityDays: 1_460,
  validityCite:
    'Annex F Table F.4 leaves MO sub-CA lifetimes to the MO (not confirmed in a public source); chosen 4 years (1460 days), the CPO sub-CA 1 limit of Table F.2, because the public test PKIs use it and no MO CA should outlive the matching V2G-branch limit',
  basicConstraints: { ca: true, pathLen: 1 },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.4 and [V2G2-009]: cA true, pathLenConstraint 1, critical',
  keyUsage: ['keyCertSign', 'cRLSign'],
  keyUsageCite: 'ISO 15118-2 Annex F Table F.4: keyCertSign, cRLSign, critical (RFC 5280 4.2.1.3)',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'MO' },
    maxLength: { CN: 64, O: 64, C: 2 },
    cite: 'ISO 15118-2 Annex F Table F.4: DC = "MO" (as in the public test PKIs); order CN, O, C, DC; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
