// The OEM root: a vehicle manufacturer's trust anchor for provisioning certificates (ISO 15118-2
// Annex F Table F.5).
import type { CertificateProfile } from './types.js';

export const oemRoot: CertificateProfile = {
  id: 'oem-root',
  title: 'OEM root CA (vehicle manufacturer trust anchor)',
  hierarchy: 'oem',
  kind: 'root',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 14_600,
  defaultValidityDays: 14_600,
  validityCite:
    'Annex F leaves the OEM root lifetime to the OEM (SwitchEV iso15118 test PKI notes); capped at the V2G root\'s 40 years (14 600 days); Hubject\'s root pool requires at least 35 years left on any root it publishes',
  basicConstraints: { ca: true, pathLen: null },
  basicConstraintsCite:
    'ISO 15118-2 Annex F Table F.5: cA true, critical, no pathLenConstraint; [V2G2-009] limits the tree below it to 3 certificates',
  keyUsage: ['keyCertSign', 'cRLSign'],
  keyUsageCite: 'ISO 15118-2 Annex F Table F.5: keyCertSign, cRLSign, critical (RFC 5280 4.2.1.3)',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'OEM' },
    maxLength: { CN: 64, O: 64, C: 2 },
    cite: 'ISO 15118-2 Annex F Table F.5: DC = "OEM" (as in the public test PKIs); order CN, O, C, DC; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: false,
};
