// The charging station's client certificate for OCPP security profile 3 (OCPP 2.0.1 Part 2 A00,
// certificateType ChargingStationCertificate in A02/A03).
import type { CertificateProfile } from './types.js';

/**
 * The station identity as a CN. OCPP 2.0.1 Part 4 3.1.1: the identity is an identifierString
 * without ":" (A-Z a-z 0-9 * - _ = + | @ .), at most 48 characters; A00.FR.405/A00.FR.511: CN
 * holds it, and it SHALL NOT look like a URL or an IP address, so that a station certificate can
 * never pass for the CSMS's (A00.FR.510 puts the CSMS host name in CN). Refused on top of the
 * character set: an IPv4 literal, a name that ends in a DNS-style label (".com", ".example"),
 * and "." / "..".
 */
export const STATION_IDENTITY_PATTERN = /^(?!\d{1,3}(?:\.\d{1,3}){3}$)(?!.*\.[A-Za-z][A-Za-z0-9-]*$)(?!\.{1,2}$)[A-Za-z0-9*_=+|@.-]{1,48}$/;

export const chargingStationLeaf: CertificateProfile = {
  id: 'charging-station-leaf',
  title: 'Charging station certificate (OCPP security profile 3 TLS client)',
  hierarchy: 'csms',
  kind: 'leaf',
  keys: [
    { kind: 'ec', curve: 'P-256' },
    { kind: 'ec', curve: 'P-384' },
    { kind: 'rsa', minBits: 2048 },
  ],
  keyCite:
    'OCPP 2.0.1 Part 2 A00.FR.501-503: at least 112-bit strength, RSA >= 2048 bits, EC >= 224 bits (P-256 and P-384 are the curves of the A00.FR.318 ECDHE_ECDSA suites); A00.FR.504/505: BSI-recommended algorithms, ECDSA or RSA-PSS preferred',
  maxValidityDays: 730,
  defaultValidityDays: 365,
  validityCite:
    'OCPP 2.0.1 sets no maximum (not confirmed in a public source); the station renews a month before expiry (A03) and A00.FR.702 revokes it by online checks; chosen max 2 years, default 1 year',
  basicConstraints: { ca: false },
  basicConstraintsCite: 'RFC 5280 4.2.1.9: cA false, critical (an end-entity certificate)',
  keyUsage: ['digitalSignature'],
  keyUsageCite:
    'OCPP 2.0.1 A00.FR.512: key usage restricted to what it is used for, a TLS client signature (A00.FR.401/402); critical. No extendedKeyUsage: A00.FR.514 strongly recommends none, for ISO 15118 compatibility (OCPP lets the same certificate serve as SECC certificate)',
  subject: {
    required: ['CN', 'O'],
    optional: ['C', 'OU'],
    maxLength: { CN: 48, O: 64, OU: 64, C: 2 },
    commonNamePattern: STATION_IDENTITY_PATTERN,
    cite:
      'OCPP 2.0.1 A00.FR.405/A00.FR.511: CN = the station\'s unique serial number, i.e. its identity (Part 4 3.1.1: identifierString without ":", at most 48 characters), not a URL or IP address; A00.FR.404/A00.FR.509: O = the CSO name; order CN, O, C, OU; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
