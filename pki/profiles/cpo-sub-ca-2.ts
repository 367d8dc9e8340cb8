// CPO sub-CA 2: issued by CPO sub-CA 1, issues the SECC leaf (ISO 15118-2 Annex F Table F.2).
import type { CertificateProfile } from './types.js';

export const cpoSubCa2: CertificateProfile = {
  id: 'cpo-sub-ca-2',
  title: 'CPO sub-CA 2 (issues SECC certificates)',
  hierarchy: 'v2g',
  kind: 'sub-ca',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 730,
  defaultValidityDays: 365,
  validityCite:
    'ISO 15118-2 Annex F Table F.2: sub-CA 2 valid 1 to 2 years (as noted in the RISE V2G certificate generator); max 730 = 2 x 365, default 1 year as there',
  basicConstraints: { ca: true, pathLen: 0 },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.2 and [V2G2-009]: cA true, pathLenConstraint 0 (only leaves below), critical',
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
