// Is this request acceptable for this profile and this identity? The registration authority's
// question, answered without I/O: every rule that fails is reported, not only the first, so that an
// operator sees the whole story at once (OCPP 2.0.1 A03 error handling: "an operator at the CPO
// needs to be notified"). Lookups that need storage (is this key already certified?) are made by
// the caller and passed in.
import type { ParsedNameAttribute } from '../names.js';
import { OID } from '../oids.js';
import type { CertificateProfile } from '../profiles/types.js';
import { checkCsrKey, checkCsrSignature } from './check-csr-key.js';
import { checkCsrSubject, type ExpectedSubject } from './check-csr-subject.js';
import { oidName, type CsrDefect } from './csr-defects.js';
import type { ParsedCsr, RequestedExtension } from './parse-csr.js';

export type { CsrDefect, CsrDefectCode } from './csr-defects.js';
export type { ExpectedSubject } from './check-csr-subject.js';

export interface CsrRules {
  profile: CertificateProfile;
  /** The identity the RA expects: CN = station identity, O = CSO name. */
  expectedSubject?: ExpectedSubject;
  /** True when the caller found this public key in a certificate for another identity. */
  keyCertifiedForOtherIdentity?: boolean;
}

export type CsrCheck =
  | {
      ok: true;
      /** SubjectPublicKeyInfo DER, to go into the certificate unchanged. */
      publicKey: Uint8Array;
      /** The requested subject in profile order (required attributes, then optional ones). */
      subject: ParsedNameAttribute[];
      /** What the request asked for; the profile, not the request, decides the issued extensions. */
      requestedExtensions: readonly RequestedExtension[];
    }
  | { ok: false; defects: CsrDefect[] };

/**
 * Extensions whose meaning we know in a request. Any other one marked critical is refused: the
 * requester says it must not be ignored, and we would ignore it (RFC 5280 4.2).
 */
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([OID.basicConstraints, OID.keyUsage, OID.extKeyUsage, OID.subjectAltName, OID.subjectKeyIdentifier]);

export function checkCsr(csr: ParsedCsr, rules: CsrRules): CsrCheck {
  const defects: CsrDefect[] = [];
  const { profile } = rules;

  // Step 1: the structure's own rules. RFC 2986 4.1: version is v1 (0).
  if (csr.version !== 0) defects.push({ code: 'BAD_VERSION', detail: `version ${csr.version}; RFC 2986 defines only v1 (0)` });

  // Step 2: the key, and proof of possession of its private half.
  const key = checkCsrKey(csr, profile.keys, defects);
  checkCsrSignature(csr, key, defects);
  if (rules.keyCertifiedForOtherIdentity === true) defects.push({ code: 'KEY_ALREADY_CERTIFIED', detail: 'this public key is already certified for another identity; a new key pair is required' });

  // Step 3: the subject against the profile and the expected identity.
  const subject = checkCsrSubject(csr.subject, profile.subject, rules.expectedSubject, defects);

  // Step 4: requested extensions. A leaf request asking to be a CA is refused, not silently downgraded.
  if (!profile.basicConstraints.ca) {
    if (csr.requestedBasicConstraints?.ca === true) defects.push({ code: 'CA_REQUESTED', detail: `basicConstraints cA=TRUE requested for ${profile.id}, which is not a CA` });
    for (const usage of ['keyCertSign', 'cRLSign'] as const) {
      if (csr.requestedKeyUsage?.includes(usage)) defects.push({ code: 'CA_REQUESTED', detail: `keyUsage ${usage} requested for ${profile.id}, which is not a CA` });
    }
  }
  for (const extension of csr.requestedExtensions) {
    if (extension.critical && !KNOWN_EXTENSIONS.has(extension.oid)) defects.push({ code: 'UNKNOWN_CRITICAL_EXTENSION', detail: `critical extension ${oidName(extension.oid)} is not one we understand` });
  }

  if (defects.length > 0) return { ok: false, defects };
  return { ok: true, publicKey: csr.publicKey, subject, requestedExtensions: csr.requestedExtensions };
}
