// Certificate provisioning service sub-CA 2: issues the CPS leaf (ISO 15118-2 Annex F Table F.3).
import type { CertificateProfile } from './types.js';

export const cpsSubCa2: CertificateProfile = {
  id: 'cps-sub-ca-2',
  title: 'CPS sub-CA 2 (issues CPS leaf certificates)',
  hierarchy: 'cps',
  kind: 'sub-ca',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 730,
  defaultValidityDays: 730,
  validityCite:
    'ISO 15118-2 Annex F Table F.3: provisioning sub-CA 2 valid 1 to 2 years (as noted in the RISE V2G certificate generator, which issues 2 years); 730 = 2 x 365',
  basicConstraints: { ca: true, pathLen: 0 },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.3 and [V2G2-009]: cA true, pathLenConstraint 0, critical',
  keyUsage: ['keyCertSign', 'cRLSign'],
  keyUsageCite: 'ISO 15118-2 Annex F Table F.3: keyCertSign, cRLSign, critical (RFC 5280 4.2.1.3)',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'CPS' },
    maxLength: { CN: 64, O: 64, C: 2 },
    cite:
      'ISO 15118-2 Annex F Table F.3: DC = "CPS" on the provisioning sub-CAs, as both public test PKIs (RISE V2G, SwitchEV iso15118) encode it (not "V2G"; not confirmed against the table text); order CN, O, C, DC; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
