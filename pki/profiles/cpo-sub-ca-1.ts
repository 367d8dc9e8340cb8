// CPO sub-CA 1: issued by the V2G root, issues CPO sub-CA 2 (ISO 15118-2 Annex F Table F.2).
import type { CertificateProfile } from './types.js';

export const cpoSubCa1: CertificateProfile = {
  id: 'cpo-sub-ca-1',
  title: 'CPO sub-CA 1 (V2G root -> CPO sub-CA 2)',
  hierarchy: 'v2g',
  kind: 'sub-ca',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 1_460,
  defaultValidityDays: 1_460,
  validityCite:
    'ISO 15118-2 Annex F Table F.2: sub-CA 1 at most 4 years (the public test PKIs issue exactly 1460 days; the table text itself was not available, value taken as given); 1460 = 4 x 365',
  basicConstraints: { ca: true, pathLen: 1 },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.2 and [V2G2-009]: cA true, pathLenConstraint 1 (one more CA, then the leaf), critical',
  keyUsage: ['keyCertSign', 'cRLSign'],
  keyUsageCite: 'ISO 15118-2 Annex F Table F.2: keyCertSign, cRLSign, critical (RFC 5280 4.2.1.3)',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'V2G' },
    maxLength: { CN: 64, O: 64, C: 2 },
    cite:
      'ISO 15118-2 Annex F Table F.2: DC = "V2G" for the CPO sub-CAs (as in the SwitchEV iso15118 test PKI); order CN, O, C, DC as the public test PKIs; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
