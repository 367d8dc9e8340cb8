// The CSMS's own TLS server certificate for security profiles 2 and 3 (OCPP 2.0.1 Part 2 A00).
import { OID } from '../oids.js';
import type { CertificateProfile } from './types.js';

/**
 * The CSMS host name (A00.FR.510: the CN holds the FQDN of the server endpoint): dot-separated
 * LDH labels of 1-63 characters, no leading or trailing hyphen, the last label starting with a
 * letter (which also refuses IPv4 literals), at most 64 characters (ub-common-name). A single
 * label such as "localhost" is allowed for test set-ups; wildcards are not.
 */
export const HOST_NAME_PATTERN = /^(?=.{1,64}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const csmsTlsServer: CertificateProfile = {
  id: 'csms-tls-server',
  title: 'CSMS TLS server certificate (security profiles 2 and 3)',
  hierarchy: 'csms',
  kind: 'leaf',
  keys: [
    { kind: 'ec', curve: 'P-256' },
    { kind: 'ec', curve: 'P-384' },
    { kind: 'rsa', minBits: 2048 },
  ],
  keyCite:
    'OCPP 2.0.1 Part 2 A00.FR.501-503: RSA >= 2048 bits or EC >= 224 bits; A00.FR.318: the CSMS serves ECDHE_ECDSA and RSA suites, so it holds one EC (P-256 or P-384) and one RSA certificate',
  maxValidityDays: 90,
  defaultValidityDays: 1,
  validityCite:
    'OCPP 2.0.1 A00.FR.701: fast expiration SHOULD be used to revoke the CSMS certificate (stations do not check its revocation; the note asks for less than 24 hours), so the default is 1 day, the shortest whole-day value (a renewal job may ask for less); max 90 days is an operator ceiling for set-ups that cannot rotate daily (not from OCPP; chosen)',
  basicConstraints: { ca: false },
  basicConstraintsCite: 'RFC 5280 4.2.1.9: cA false, critical (an end-entity certificate)',
  keyUsage: ['digitalSignature'],
  keyUsageCite:
    'OCPP 2.0.1 A00.FR.512 and RFC 5480 3: digitalSignature only, critical, right for the generated EC key (ECDHE_ECDSA) and for ECDHE_RSA or TLS 1.3 with an RSA key. Limitation: the static TLS_RSA_* suites of A00.FR.318 need keyEncipherment on an RSA certificate (RFC 5246 7.4.2), which one key-usage list per profile cannot express',
  extKeyUsage: {
    purposes: [OID.kpServerAuth],
    critical: false,
    cite:
      'RFC 5280 4.2.1.12: id-kp-serverAuth, non-critical as is common practice; a deliberate exception to A00.FR.514 (no EKU, for ISO 15118 compatibility), which concerns station certificates that may double as SECC certificates; this one never does, and TLS clients that see an EKU require serverAuth',
  },
  subject: {
    required: ['CN', 'O'],
    optional: ['C', 'OU'],
    maxLength: { CN: 64, O: 64, OU: 64, C: 2 },
    commonNamePattern: HOST_NAME_PATTERN,
    cite:
      'OCPP 2.0.1 A00.FR.510: CN = FQDN of the server endpoint (the station compares it with the host it connects to); A00.FR.509: O = the CSO name; C and OU allowed; order CN, O, C, OU; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
