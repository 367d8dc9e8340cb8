// The certificate provisioning service leaf: signs the contract data of a CertificateInstallationRes
// / CertificateUpdateRes (ISO 15118-2 Annex F Table F.3).
import type { CertificateProfile } from './types.js';

export const cpsLeaf: CertificateProfile = {
  id: 'cps-leaf',
  title: 'CPS leaf (signs contract certificate installation and update responses)',
  hierarchy: 'cps',
  kind: 'leaf',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 90,
  defaultValidityDays: 90,
  validityCite:
    'ISO 15118-2 Annex F Table F.3: provisioning certificate valid 2 to 3 months (as noted in the RISE V2G certificate generator, which issues 3 months); max and default 90 days',
  basicConstraints: { ca: false },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.3: cA false, critical',
  keyUsage: ['digitalSignature'],
  keyUsageCite: 'ISO 15118-2 Annex F Table F.3: digitalSignature only, critical (it signs XML signatures in the installation response)',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'CPS' },
    maxLength: { CN: 64, O: 64, C: 2 },
    cite:
      'ISO 15118-2 Annex F Table F.3: DC = "CPS" (as in the RISE V2G and SwitchEV test PKIs); order CN, O, C, DC; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
