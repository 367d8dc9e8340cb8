// Step 2 of the issuance cycle: build the to-be-signed certificate from a profile and a request.
// The result is not signable: only lintTbs turns it into something `signCertificate` accepts.
import { signatureAlgorithmId } from '../algorithms.js';
import { explicit, integer, integerBytes, seq, time } from '../der/writer.js';
import { encodeName, type DistinguishedName } from '../names.js';
import type { CertificateProfile } from '../profiles/types.js';
import type { SignatureAlgorithm } from '../signer.js';
import {
  authorityInfoAccessExt,
  authorityKeyIdentifierExt,
  basicConstraintsExt,
  crlDistributionPointsExt,
  extKeyUsageExt,
  keyIdentifier,
  keyUsageExt,
  ocspNoCheckExt,
  subjectAltNameExt,
  subjectKeyIdentifierExt,
  type AltNames,
} from './extensions.js';

/** What the issuing CA contributes to a certificate it signs. */
export interface IssuerContext {
  /** The issuer certificate's subject Name, DER, copied byte for byte into `issuer`. */
  subjectDer: Uint8Array;
  /** The issuer's key identifier (its SKI), for the AKI. */
  keyIdentifier: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints of the issuer certificate. */
  pathLen: number | null;
  profile: CertificateProfile;
  signatureAlgorithm: SignatureAlgorithm;
  /** Where relying parties ask about certificates this CA issues. */
  ocspUrl: string;
  crlUrl: string;
}

export interface CertificateTemplate {
  profile: CertificateProfile;
  /** serialNumber INTEGER content octets: positive, reserved in storage before building. */
  serial: Uint8Array;
  subject: DistinguishedName;
  /** SubjectPublicKeyInfo DER of the subject's key. */
  publicKey: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  altNames?: AltNames;
  /** The issuing CA, or 'self' for a root (the subject key then signs, with this algorithm). */
  issuer: IssuerContext | { self: true; signatureAlgorithm: SignatureAlgorithm };
}

/** A built but unlinted TBSCertificate. */
export interface UnlintedTbs {
  readonly der: Uint8Array;
  readonly template: CertificateTemplate;
}

export function buildTbs(t: CertificateTemplate): UnlintedTbs {
  const p = t.profile;
  const ski = keyIdentifier(t.publicKey);
  const selfSigned = 'self' in t.issuer;
  const exts: Uint8Array[] = [
    basicConstraintsExt(p.basicConstraints.ca, p.basicConstraints.ca ? p.basicConstraints.pathLen : null),
    keyUsageExt(p.keyUsage),
  ];
  if (p.extKeyUsage) exts.push(extKeyUsageExt(p.extKeyUsage.purposes, p.extKeyUsage.critical));
  exts.push(subjectKeyIdentifierExt(ski));
  // RFC 5280 4.2.1.1: AKI in every certificate but may be omitted in a self-signed one; we keep it = SKI.
  exts.push(authorityKeyIdentifierExt('self' in t.issuer ? ski : t.issuer.keyIdentifier));
  if (!('self' in t.issuer) && p.revocationPointers) {
    exts.push(authorityInfoAccessExt(t.issuer.ocspUrl), crlDistributionPointsExt(t.issuer.crlUrl));
  }
  if (p.ocspNoCheck) exts.push(ocspNoCheckExt());
  if (t.altNames && ((t.altNames.dns?.length ?? 0) > 0 || (t.altNames.ip?.length ?? 0) > 0)) exts.push(subjectAltNameExt(t.altNames));
  const subjectDer = encodeName(t.subject);
  const der = seq(
    explicit(0, integer(2)),
    integerBytes(t.serial),
    signatureAlgorithmId(t.issuer.signatureAlgorithm),
    selfSigned ? subjectDer : (t.issuer as IssuerContext).subjectDer,
    seq(time(t.notBefore), time(t.notAfter)),
    subjectDer,
    t.publicKey,
    explicit(3, seq(...exts)),
  );
  return { der, template: t };
}
