// The payload of an InstallCertificate (OCPP 2.0.1 Part 2 M05), checked before anything is sent:
// InstallCertificateRequest.certificate is "a PEM encoded X.509 certificate" of a CA the station
// shall trust as `certificateType`. Stations in the field accept a leaf or a chain here, then can
// neither list nor delete it (M03/M04 name certificates by the issuer's hashes), so a payload that is
// not one self-signed CA certificate is refused. Pure: the clock is passed in.
//
// What is refused, and why:
//   not_pem            not exactly one PEM "CERTIFICATE" block with nothing but whitespace around it
//                      (RFC 7468 5); several blocks (a chain) are refused: one certificate per CALL.
//   too_long           more than 5500 characters (InstallCertificateRequest.certificate maxLength).
//   malformed          the DER is not an X.509 certificate (RFC 5280 4.1).
//   not_self_signed    issuer differs from subject, or the signature does not verify under the
//                      certificate's own key (RFC 5280 6.1: a trust anchor is a self-signed CA).
//   not_ca             basicConstraints absent or cA FALSE (RFC 5280 4.2.1.9).
//   no_key_cert_sign   keyUsage absent or without keyCertSign (RFC 5280 4.2.1.3: a CA whose key
//                      signs certificates MUST carry it).
//   expired / not_yet_valid   outside its validity at `now` (RFC 5280 4.1.2.5): a station would
//                      install a root that can validate nothing. Not checked for a removal
//                      (`purpose: 'remove'`): an expired root is exactly what gets removed.
//   type_mismatch      the subject's domainComponent names another ISO 15118 hierarchy than the
//                      stated type (ISO 15118-2 Annex F: DC=V2G for the V2G root, Table F.1; DC=MO
//                      for an MO root, Table F.4; DC=OEM, CPO, CPS elsewhere). A root without DC is
//                      not refused (private and ISO 15118-20 PKIs), and a V2G root is accepted as
//                      MORootCertificate: contract chains may end in the V2G root (Table F.2 vs F.4).
//                      CSMS and Manufacturer roots have no profile to match, so only the CA checks apply.
import { X509Certificate } from 'node:crypto';
import { PkiError } from '../../pki/errors.js';
import { parsePathCertificate, type PathCertificate } from '../../pki/path/parsed-certificate.js';
import { formatName } from '../../pki/path/name.js';
import { OID } from '../../pki/oids.js';
import { readCertificateParts } from '../../pki/ocsp/cert-id.js';
import { serialHex } from './hash-data.js';

export type InstallCertificateUse = 'V2GRootCertificate' | 'MORootCertificate' | 'CSMSRootCertificate' | 'ManufacturerRootCertificate';

export const INSTALL_CERTIFICATE_USES: readonly InstallCertificateUse[] = ['V2GRootCertificate', 'MORootCertificate', 'CSMSRootCertificate', 'ManufacturerRootCertificate'];

export type RootDefect = 'not_pem' | 'too_long' | 'malformed' | 'not_self_signed' | 'not_ca' | 'no_key_cert_sign' | 'expired' | 'not_yet_valid' | 'type_mismatch';

export interface RootCertificate {
  der: Uint8Array;
  /** The PEM as it will be sent (normalised armour, 64-character lines). */
  pem: string;
  subject: string;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** The subject's domainComponent values, upper case (ISO 15118-2 Annex F). */
  domainComponents: string[];
}

export type RootCheck = { ok: true; root: RootCertificate } | { ok: false; defect: RootDefect; detail: string };

/** InstallCertificateRequest.certificate maxLength (OCPP 2.0.1 JSON schema). */
export const MAX_CERTIFICATE_PEM_LENGTH = 5500;

const PEM_BLOCK = /^-----BEGIN CERTIFICATE-----\r?\n?([A-Za-z0-9+/=\s]+?)\r?\n?-----END CERTIFICATE-----$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** ISO 15118-2 Annex F: which domainComponent values each stated use tolerates (absent DC passes). */
const ALLOWED_DC: Readonly<Partial<Record<InstallCertificateUse, readonly string[]>>> = {
  V2GRootCertificate: ['V2G'],
  MORootCertificate: ['MO', 'V2G'],
};

const refuse = (defect: RootDefect, detail: string): RootCheck => ({ ok: false, defect, detail });

/** The DER of exactly one PEM CERTIFICATE block, or null. */
export function certificatePemToDer(text: string): Uint8Array | null {
  const m = PEM_BLOCK.exec(text.trim());
  if (!m?.[1]) return null;
  const b64 = m[1].replace(/\s+/g, '');
  if (!BASE64.test(b64) || b64.length === 0) return null;
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

export type RootPurpose = 'install' | 'remove';

/** Checks a PEM before InstallCertificate as `use`; see the table at the top of this file. */
export function checkRootCertificate(pem: string, use: InstallCertificateUse, now: Date, purpose: RootPurpose = 'install'): RootCheck {
  if (pem.length > MAX_CERTIFICATE_PEM_LENGTH) return refuse('too_long', `the PEM has ${pem.length} characters; InstallCertificate carries at most ${MAX_CERTIFICATE_PEM_LENGTH}`);
  if ((pem.match(/-----BEGIN /g) ?? []).length > 1) return refuse('not_pem', 'more than one PEM block: InstallCertificate carries one root certificate, never a chain');
  const der = certificatePemToDer(pem);
  if (!der) return refuse('not_pem', 'not one PEM "CERTIFICATE" block (RFC 7468 5) with only whitespace around it');
  return checkRootDer(der, use, now, purpose);
}

/** The same checks on DER. */
export function checkRootDer(der: Uint8Array, use: InstallCertificateUse, now: Date, purpose: RootPurpose = 'install'): RootCheck {
  let cert: PathCertificate;
  let serial: string;
  try {
    cert = parsePathCertificate(der);
    serial = serialHex(readCertificateParts(der).serialNumber);
  } catch (err) {
    if (err instanceof PkiError) return refuse('malformed', `not an X.509 certificate: ${err.message}`);
    throw err;
  }
  const subject = formatName(cert.subject);
  if (!cert.selfIssued) return refuse('not_self_signed', `issued by "${formatName(cert.issuer)}" to "${subject}": not a root certificate`);
  if (!verifiesUnderOwnKey(der)) return refuse('not_self_signed', 'the signature does not verify under the certificate\'s own public key');
  if (!cert.basicConstraints?.ca) return refuse('not_ca', 'basicConstraints cA is not TRUE: not a CA certificate (RFC 5280 4.2.1.9)');
  if (!cert.keyUsage?.has('keyCertSign')) return refuse('no_key_cert_sign', 'keyUsage lacks keyCertSign: the key cannot sign certificates (RFC 5280 4.2.1.3)');
  if (purpose === 'install' && now.getTime() > cert.notAfter.getTime()) return refuse('expired', `expired on ${cert.notAfter.toISOString()}`);
  if (purpose === 'install' && now.getTime() < cert.notBefore.getTime()) return refuse('not_yet_valid', `valid only from ${cert.notBefore.toISOString()}`);
  const domainComponents = cert.subject.rdns.flat().filter((a) => a.oid === OID.domainComponent).map((a) => Buffer.from(a.content).toString('latin1').toUpperCase());
  const allowed = ALLOWED_DC[use];
  const foreign = domainComponents.find((dc) => allowed !== undefined && !allowed.includes(dc));
  if (foreign !== undefined) return refuse('type_mismatch', `the subject names the ${foreign} hierarchy (DC=${foreign}); a ${use} carries ${allowed?.map((d) => `DC=${d}`).join(' or ')} (ISO 15118-2 Annex F)`);
  return { ok: true, root: { der, pem: derToPem(der), subject, serialHex: serial, notBefore: cert.notBefore, notAfter: cert.notAfter, domainComponents } };
}

/** The root's hierarchy by its domainComponent (ISO 15118-2 Annex F), when it names one. */
export function rootHierarchy(root: RootCertificate): 'V2G' | 'MO' | null {
  if (root.domainComponents.includes('V2G')) return 'V2G';
  if (root.domainComponents.includes('MO')) return 'MO';
  return null;
}

// node:crypto verifies every algorithm a root may use (ECDSA, RSA, RSA-PSS, EdDSA), SHA-1 included:
// a trust anchor's self-signature proves possession of its key, not trust (RFC 5280 6.1.1 (d)).
function verifiesUnderOwnKey(der: Uint8Array): boolean {
  try {
    const x = new X509Certificate(der);
    return x.verify(x.publicKey);
  } catch {
    return false;
  }
}
