// The operator's own root (not V2G): trust anchor of the OCPP connection, installed on stations as
// CSMSRootCertificate (OCPP 2.0.1 A00.FR.601: the CSO may act as CA for its own hierarchy).
import type { CertificateProfile } from './types.js';

export const csmsRoot: CertificateProfile = {
  id: 'csms-root',
  title: 'CSMS root CA (operator trust anchor for OCPP TLS, not V2G)',
  hierarchy: 'csms',
  kind: 'root',
  keys: [
    { kind: 'ec', curve: 'P-256' },
    { kind: 'ec', curve: 'P-384' },
    { kind: 'rsa', minBits: 3072 },
  ],
  keyCite:
    'OCPP 2.0.1 Part 2 A00.FR.501-503 (at least 112-bit strength: RSA >= 2048, EC >= 224 bits) and A00.FR.505 (ECDSA or RSA-PSS preferred); a CA key that outlives 2030 is held to 128-bit strength (NIST SP 800-57 Part 1: 112 bits only through 2030), so RSA >= 3072; P-256 is generated',
  maxValidityDays: 7_300,
  defaultValidityDays: 7_300,
  validityCite:
    'OCPP 2.0.1 sets no CA lifetime (not confirmed in a public source); chosen 20 years (7300 days): the root is installed on every station (A05 needs it before security profile 2 or 3) and rolling it is costly, and 20 years stays within the 128-bit strength of its key',
  basicConstraints: { ca: true, pathLen: 1 },
  basicConstraintsCite:
    'RFC 5280 4.2.1.9: cA true, critical; pathLenConstraint 1 because our hierarchy is root -> CSMS sub-CA -> leaf (OCPP 2.0.1 A00.FR.601 lets the CSO run it; the depth is our choice and is pinned so no deeper CA can appear)',
  keyUsage: ['keyCertSign', 'cRLSign'],
  keyUsageCite: 'RFC 5280 4.2.1.3: keyCertSign and cRLSign, critical; OCPP 2.0.1 A00.FR.512: key usage restricted to what the key does',
  subject: {
    required: ['CN', 'O'],
    optional: ['C', 'OU'],
    maxLength: { CN: 64, O: 64, OU: 64, C: 2 },
    cite:
      'OCPP 2.0.1 A00.FR.509: O = organization name of the owner (the CSO); CN free; order CN, O, C, OU, the same leading order as our ISO 15118 names; RFC 5280 Appendix A ub-common-name 64, ub-organization-name 64, ub-organizational-unit-name 64, countryName 2 letters',
  },
  revocationPointers: false,
};
