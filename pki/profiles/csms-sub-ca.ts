// The operator's issuing CA for the OCPP connection: station client certificates, the CSMS TLS
// server certificate, and the firmware signer.
import type { CertificateProfile } from './types.js';

export const csmsSubCa: CertificateProfile = {
  id: 'csms-sub-ca',
  title: 'CSMS sub-CA (issues station client, CSMS server and firmware signing certificates)',
  hierarchy: 'csms',
  kind: 'sub-ca',
  keys: [
    { kind: 'ec', curve: 'P-256' },
    { kind: 'ec', curve: 'P-384' },
    { kind: 'rsa', minBits: 3072 },
  ],
  keyCite:
    'OCPP 2.0.1 Part 2 A00.FR.501-503 (at least 112-bit strength: RSA >= 2048, EC >= 224 bits) and A00.FR.505 (ECDSA or RSA-PSS preferred); a CA key that outlives 2030 is held to 128-bit strength (NIST SP 800-57 Part 1), so RSA >= 3072; P-256 is generated',
  maxValidityDays: 3_650,
  defaultValidityDays: 1_825,
  validityCite:
    'OCPP 2.0.1 sets no CA lifetime (not confirmed in a public source); chosen max 10 years, default 5 years: long enough to outlive every leaf it issues (at most 2 years) with room for rollover, half the root lifetime',
  basicConstraints: { ca: true, pathLen: 0 },
  basicConstraintsCite: 'RFC 5280 4.2.1.9: cA true, critical; pathLenConstraint 0 (it issues only end-entity certificates)',
  keyUsage: ['keyCertSign', 'cRLSign'],
  keyUsageCite: 'RFC 5280 4.2.1.3: keyCertSign and cRLSign, critical; OCPP 2.0.1 A00.FR.512: key usage restricted to what the key does',
  subject: {
    required: ['CN', 'O'],
    optional: ['C', 'OU'],
    maxLength: { CN: 64, O: 64, OU: 64, C: 2 },
    cite:
      'OCPP 2.0.1 A00.FR.509: O = organization name of the owner (the CSO); CN free; order CN, O, C, OU; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
