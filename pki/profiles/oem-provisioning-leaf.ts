// The OEM provisioning certificate: the vehicle's factory credential for contract installation,
// CN = PCID (ISO 15118-2 Annex F Table F.5, [V2G2-933]).
import type { CertificateProfile } from './types.js';

/**
 * The PCID: 17 or 18 alphanumerics, the OEM's WMI (3) and 14 characters of its own, plus an
 * optional check character (VDE-AR-E 2802-100-1 as documented in Hubject's OPCP, whose pool
 * checks ^[a-zA-Z0-9]{17,18}$; ISO 15118-20 [V2G20-2492] handles it as 18 upper-case characters).
 * No separators.
 */
export const PCID_PATTERN = /^[A-Za-z0-9]{17,18}$/;

export const oemProvisioningLeaf: CertificateProfile = {
  id: 'oem-provisioning-leaf',
  title: 'OEM provisioning certificate (CN = PCID; vehicle credential for contract installation)',
  hierarchy: 'oem',
  kind: 'leaf',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 730,
  defaultValidityDays: 730,
  validityCite:
    'Annex F Table F.5 leaves the provisioning certificate lifetime to the OEM (the public test PKIs issue 1460 days; not confirmed in a public source); chosen 2 years so it never exceeds the OEM sub-CA 2 maximum; an OEM with a longer policy must raise both',
  basicConstraints: { ca: false },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.5: cA false, critical',
  keyUsage: ['digitalSignature', 'keyAgreement'],
  keyUsageCite:
    'ISO 15118-2 Annex F Table F.5, critical: digitalSignature (signs CertificateInstallationReq) and keyAgreement (the ECDH with which the contract key is encrypted for the vehicle, [V2G2-818]); as in the RISE V2G and SwitchEV test PKIs',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'OEM' },
    maxLength: { CN: 18, O: 64, C: 2 },
    commonNamePattern: PCID_PATTERN,
    cite:
      'ISO 15118-2 [V2G2-933] and Annex F Table F.5: CN = PCID (17 or 18 alphanumerics, VDE-AR-E 2802-100-1), O and C of the OEM, DC = "OEM" (Table F.5 marks DC optional; we always write it, as the public test PKIs do); order CN, O, C, DC; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
