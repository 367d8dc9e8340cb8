// Certificate profiles for the CSR tests, built here so that the tests say which rule they exercise
// (the real profile data lives in pki/profiles/ and has its own tests).
import type { CertificateProfile } from '../../pki/profiles/types.js';

const common = {
  keyCite: 'test',
  maxValidityDays: 365,
  defaultValidityDays: 365,
  validityCite: 'test',
  basicConstraintsCite: 'test',
  keyUsageCite: 'test',
  revocationPointers: true,
} as const;

/** The OCPP Charging Station certificate: CN = identity, O = CSO name; EC or RSA >= 2048. */
export const stationProfile: CertificateProfile = {
  ...common,
  id: 'charging-station-leaf',
  title: 'Charging Station TLS client (test)',
  hierarchy: 'csms',
  kind: 'leaf',
  keys: [{ kind: 'ec', curve: 'P-256' }, { kind: 'ec', curve: 'P-384' }, { kind: 'rsa', minBits: 2048 }],
  basicConstraints: { ca: false },
  keyUsage: ['digitalSignature', 'keyAgreement'],
  subject: { required: ['CN', 'O'], optional: ['OU', 'C'], maxLength: { CN: 64, O: 64 }, cite: 'OCPP 2.0.1 A00.FR.404, A00.FR.405' },
};

/**
 * The ISO 15118-2 SECC leaf: P-256 only, DC fixed to CPO, CN an SECC ID. The pattern is left
 * unanchored on purpose: checkCsr must match it against the whole value.
 */
export const seccProfile: CertificateProfile = {
  ...common,
  id: 'secc-leaf',
  title: 'SECC leaf (test)',
  hierarchy: 'v2g',
  kind: 'leaf',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  basicConstraints: { ca: false },
  keyUsage: ['digitalSignature', 'keyAgreement'],
  subject: { required: ['CN', 'O', 'DC'], optional: ['C'], fixed: { DC: 'CPO' }, maxLength: { CN: 64 }, commonNamePattern: /[A-Z]{2}[A-Z0-9]{3}S?[A-Z0-9]{4,}/, cite: 'ISO 15118-2 Annex F' },
};

/** A CPO Sub-CA 2: a CA profile, so a request for cA=TRUE and keyCertSign is expected here. */
export const subCaProfile: CertificateProfile = {
  ...common,
  id: 'cpo-sub-ca-2',
  title: 'CPO Sub-CA 2 (test)',
  hierarchy: 'v2g',
  kind: 'sub-ca',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  basicConstraints: { ca: true, pathLen: 0 },
  keyUsage: ['keyCertSign', 'cRLSign'],
  subject: { required: ['CN', 'O', 'DC'], optional: ['C'], fixed: { DC: 'V2G' }, cite: 'ISO 15118-2 Annex F' },
};

/** RSA only, to show an EC key refused for its type. */
export const rsaOnlyProfile: CertificateProfile = {
  ...stationProfile,
  keys: [{ kind: 'rsa', minBits: 3072 }],
};
