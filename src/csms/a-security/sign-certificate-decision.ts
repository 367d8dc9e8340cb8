// The registration authority's decision on a SignCertificateRequest (OCPP 2.0.1 A02/A03), without
// I/O: which profile and identity the certificate type means for this station, and whether the
// CSR meets them. Every defect is named, so that the stored decision says exactly why.
import { checkCsr, type CsrDefect } from '../../../pki/csr/check-csr.js';
import { csrPemToDer } from '../../../pki/csr/csr-pem.js';
import { parseCsr, type ParsedCsr } from '../../../pki/csr/parse-csr.js';
import { PkiError } from '../../../pki/errors.js';
import type { DistinguishedName, NameAttributeType } from '../../../pki/names.js';
import { getProfile } from '../../../pki/profiles/index.js';
import type { ProfileId } from '../../../pki/profiles/types.js';
import type { CertificateSigningUse } from '../../store/signing-requests.js';

/**
 * The policy for a request without certificateType. OCPP 2.0.1 SignCertificateRequest.certificateType:
 * "When omitted the certificate is to be used for both the 15118 connection (if implemented) and the
 * Charging Station to CSMS connection." One certificate cannot be both a SECC leaf (V2G root, CN = SECC
 * ID, DC = CPO, ISO 15118-2 Table F.2) and a station leaf (CSMS root, CN = station identity, A00.FR.511),
 * so we issue the ChargingStationCertificate profile, which keeps no extendedKeyUsage so that a station
 * may also use it towards the EV (A00.FR.514), and send CertificateSigned without certificateType, as
 * CertificateSignedRequest.certificateType asks when the request carried none.
 */
export const OMITTED_CERTIFICATE_TYPE: CertificateSigningUse = 'ChargingStationCertificate';

export const PROFILE_FOR: Readonly<Record<CertificateSigningUse, ProfileId>> = {
  ChargingStationCertificate: 'charging-station-leaf',
  V2GCertificate: 'secc-leaf',
};

export interface SigningContext {
  stationId: string;
  /** O of every station certificate (A00.FR.509) and SECC certificate (ISO 15118-2 Table F.2). */
  cpoName: string;
  /** The SECC ID configured for this station; a V2GCertificate needs one (its CN). */
  seccId: string | null;
}

/** Why a request was refused, for the stored decision and the station's statusInfo. */
export interface Refusal {
  /** StatusInfoType.reasonCode (OCPP 2.0.1 Appendix 5: InvalidCSR; NotEnabled for a missing SECC ID). */
  reasonCode: 'InvalidCSR' | 'NotEnabled';
  reason: string;
  defects: CsrDefect[];
}

export type CsrReading = { ok: true; csr: ParsedCsr } | { ok: false; refusal: Refusal };

export type SigningDecision =
  | { ok: true; profile: ProfileId; identity: string; subject: DistinguishedName; publicKey: Uint8Array }
  | { ok: false; refusal: Refusal };

/** The identity a certificate of this type must carry in CN, or a refusal when there is none. */
export function expectedIdentity(type: CertificateSigningUse, ctx: SigningContext): { ok: true; identity: string } | { ok: false; refusal: Refusal } {
  if (type === 'ChargingStationCertificate') return { ok: true, identity: ctx.stationId };
  if (ctx.seccId === null) return { ok: false, refusal: { reasonCode: 'NotEnabled', reason: 'no SECC ID is configured for this station; a V2GCertificate carries it in CN', defects: [] } };
  return { ok: true, identity: ctx.seccId };
}

/** A02.FR.03/A03.FR.03: the CSR is RFC 2986, PEM encoded. Garbage is a refusal, never a crash. */
export function readCsr(pem: string): CsrReading {
  try {
    return { ok: true, csr: parseCsr(csrPemToDer(pem)) };
  } catch (err) {
    // Anything else would be a parser bug: still a refusal, never a crashed request.
    const why = err instanceof PkiError ? err.message : 'unreadable';
    return { ok: false, refusal: { reasonCode: 'InvalidCSR', reason: `the CSR cannot be read: ${why}`, defects: [] } };
  }
}

/** The CSR against the profile and the station: CN = identity, O = CPO name, key, extensions. */
export function decideCsr(csr: ParsedCsr, type: CertificateSigningUse, identity: string, ctx: SigningContext, keyCertifiedForOther: boolean): SigningDecision {
  const profile = PROFILE_FOR[type];
  const check = checkCsr(csr, { profile: getProfile(profile), expectedSubject: { commonName: identity, organization: ctx.cpoName }, keyCertifiedForOtherIdentity: keyCertifiedForOther });
  if (!check.ok) {
    const codes = [...new Set(check.defects.map((d) => d.code))].join(', ');
    return { ok: false, refusal: { reasonCode: 'InvalidCSR', reason: `the CSR has ${check.defects.length} defect(s): ${codes}`, defects: check.defects } };
  }
  const subject = check.subject.filter((a): a is typeof a & { type: NameAttributeType } => a.type !== null).map((a) => ({ type: a.type, value: a.value }));
  return { ok: true, profile, identity, subject, publicKey: check.publicKey };
}
