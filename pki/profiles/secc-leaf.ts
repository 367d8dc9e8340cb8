// The SECC certificate: the charging station's TLS server certificate towards the EV, which OCPP
// 2.0.1 signs as certificateType V2GCertificate (A02/A03). ISO 15118-2 Annex F Table F.2.
import type { CertificateProfile } from './types.js';

/**
 * The SECC's identifier, in either of the two syntaxes real stations use (case-insensitive, as
 * the ABNF ALPHA of both standards is, RFC 7405):
 * - the EVSE ID of ISO 15118-2 Annex H / DIN SPEC 91286: country code (2 letters), optional "*",
 *   operator ID (3 alphanumerics), optional "*", ID type "E", power outlet ID (1-30 alphanumerics
 *   or "*"), 7 to 37 characters in all (the evseIDType of the ISO 15118-2 schema);
 *   e.g. DE*ICE*E45B*78C, DE*SEV*E123456789;
 * - the SECC ID of ISO 15118-20 that Hubject requires in EVSE leaf CNs: country code, optional
 *   "-", operator ID, optional "-", ID type "S", optional "-", controller ID (at least 32
 *   alphanumerics), optional "-" and check digit, at most 64 characters (ub-common-name);
 *   e.g. DE-ICE-S-00003C4D557878675645330967543476-2.
 * Without separators the EVSE ID form is loose by nature: even the test PKIs' "SECCCert" reads as
 * SE CCC e rt. The pattern checks syntax; that the ID belongs to the CPO is the RA's decision.
 */
export const SECC_ID_PATTERN =
  /^(?:(?=.{7,37}$)[A-Za-z]{2}\*?[A-Za-z0-9]{3}\*?[Ee][A-Za-z0-9*]{1,30}|(?=.{38,64}$)[A-Za-z]{2}-?[A-Za-z0-9]{3}-?[Ss]-?[A-Za-z0-9]{32,}(?:-?[A-Za-z0-9])?)$/;

export const seccLeaf: CertificateProfile = {
  id: 'secc-leaf',
  title: 'SECC certificate (OCPP V2GCertificate; TLS server towards the EV)',
  hierarchy: 'v2g',
  kind: 'leaf',
  keys: [{ kind: 'ec', curve: 'P-256' }],
  keyCite: 'ISO 15118-2:2014 [V2G2-006]/[V2G2-007] and Annex F [V2G2-884]: ECDSA on secp256r1 (P-256), signed ecdsa-with-SHA256',
  maxValidityDays: 90,
  defaultValidityDays: 60,
  validityCite:
    'ISO 15118-2 Annex F Table F.2: SECC certificate valid 2 to 3 months (as noted in the RISE V2G certificate generator and OCPP 2.0.1 guides); max 90 days, the 3-month end; default 60 days as in the public test PKIs; OCPP 2.0.1 A03 renews it a month before expiry',
  basicConstraints: { ca: false },
  basicConstraintsCite: 'ISO 15118-2 Annex F Table F.2: cA false, critical',
  keyUsage: ['digitalSignature', 'keyAgreement'],
  keyUsageCite:
    'ISO 15118-2 Annex F Table F.2, critical: digitalSignature, and keyAgreement for the static-ECDH suite TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256 that ISO 15118-2 lists beside TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 (RFC 4492 2.1: the server key must be ECDH-capable); as in the RISE V2G and SwitchEV test PKIs. Sources disagree: EVerest libevse-security#106 reads Table F.2 as excluding keyAgreement; not resolved against the table text',
  subject: {
    required: ['CN', 'O', 'C', 'DC'],
    optional: [],
    fixed: { DC: 'CPO' },
    maxLength: { CN: 64, O: 64, C: 2 },
    commonNamePattern: SECC_ID_PATTERN,
    cite:
      'ISO 15118-2 Annex F Table F.2: CN = SECC ID (OCPP 2.0.1 ISO15118Ctrlr.SeccId), O and C of the CPO (ISO15118Ctrlr.OrganizationName, CountryName), DC = "CPO", which [V2G2-925]/[V2G2-875] make a validity condition; EVSE ID syntax ISO 15118-2 Annex H, SECC ID syntax ISO 15118-20 as documented by Hubject; order CN, O, C, DC as the public test PKIs; RFC 5280 Appendix A upper bounds',
  },
  revocationPointers: true,
};
