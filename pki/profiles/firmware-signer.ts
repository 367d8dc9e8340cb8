// The firmware signing certificate of OCPP 2.0.1 L01 (secure firmware update): the station checks
// a firmware image's signature with it and the certificate against its ManufacturerRootCertificate.
import { OID } from '../oids.js';
import type { CertificateProfile } from './types.js';

export const firmwareSigner: CertificateProfile = {
  id: 'firmware-signer',
  title: 'Firmware signing certificate (OCPP 2.0.1 L01 secure firmware update)',
  // Issued by the CSMS sub-CA under the operator's own root, so it belongs to that hierarchy and
  // is listed and exported with it; the operator installs that root on its stations as
  // ManufacturerRootCertificate. 'service' is for certificates any hierarchy may issue.
  hierarchy: 'csms',
  kind: 'leaf',
  keys: [
    { kind: 'ec', curve: 'P-256' },
    { kind: 'ec', curve: 'P-384' },
    { kind: 'rsa', minBits: 2048 },
  ],
  keyCite: 'OCPP 2.0.1 Part 2 A00.FR.501-503: RSA >= 2048 bits or EC >= 224 bits; A00.FR.505: ECDSA or RSA-PSS preferred; P-256 is generated',
  maxValidityDays: 730,
  defaultValidityDays: 365,
  validityCite:
    'OCPP 2.0.1 L01 sets no lifetime (not confirmed in a public source); the station checks the certificate when it installs an image, so it must outlive a roll-out; chosen max 2 years, default 1 year',
  basicConstraints: { ca: false },
  basicConstraintsCite: 'RFC 5280 4.2.1.9: cA false, critical (an end-entity certificate)',
  keyUsage: ['digitalSignature'],
  keyUsageCite: 'OCPP 2.0.1 A00.FR.512 and RFC 5280 4.2.1.3: digitalSignature only (it signs firmware images), critical',
  extKeyUsage: {
    purposes: [OID.kpCodeSigning],
    critical: false,
    cite: 'RFC 5280 4.2.1.12: id-kp-codeSigning, non-critical as is common practice; keeps the key from passing as a TLS certificate of the same hierarchy',
  },
  subject: {
    required: ['CN', 'O'],
    optional: ['C', 'OU'],
    maxLength: { CN: 64, O: 64, OU: 64, C: 2 },
    cite:
      'OCPP 2.0.1 A00.FR.509: O = the owner (the CSO signing its firmware; A00.FR.603 recommends a third-party manufacturer CA instead, which this operator-run profile does not replace); order CN, O, C, OU; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
