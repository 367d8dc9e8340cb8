// A certificate profile is data: what a certificate of this kind must hold. The issuance cycle
// builds from it and the linter checks against it; pki/README.md documents each one with the
// requirement it follows.
import type { NameAttributeType } from '../names.js';

export type ProfileId =
  | 'v2g-root'
  | 'cpo-sub-ca-1'
  | 'cpo-sub-ca-2'
  | 'secc-leaf'
  | 'cps-sub-ca-1'
  | 'cps-sub-ca-2'
  | 'cps-leaf'
  | 'mo-root'
  | 'mo-sub-ca-1'
  | 'mo-sub-ca-2'
  | 'contract-leaf'
  | 'oem-root'
  | 'oem-sub-ca-1'
  | 'oem-sub-ca-2'
  | 'oem-provisioning-leaf'
  | 'csms-root'
  | 'csms-sub-ca'
  | 'charging-station-leaf'
  | 'csms-tls-server'
  | 'ocsp-signer'
  | 'firmware-signer';

/** RFC 5280 4.2.1.3 bit numbers. */
export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsageName = keyof typeof KEY_USAGE_BITS;

export type KeyRequirement = { kind: 'ec'; curve: 'P-256' | 'P-384' } | { kind: 'rsa'; minBits: number };

export interface SubjectRule {
  /** Attributes that must be present, in this order in the issued name. */
  required: readonly NameAttributeType[];
  /** Attributes that may also appear (order: after the required ones, as given). */
  optional: readonly NameAttributeType[];
  /** Fixed values (e.g. DC = 'V2G'); a request carrying another value is refused. */
  fixed?: Partial<Record<NameAttributeType, string>>;
  /** Upper bounds on value length (RFC 5280 Appendix A ub-* and profile limits). */
  maxLength?: Partial<Record<NameAttributeType, number>>;
  /** A pattern the CN must match (SECC ID, eMAID, PCID syntax). */
  commonNamePattern?: RegExp;
  /** Where the rules above come from. */
  cite: string;
}

export interface CertificateProfile {
  id: ProfileId;
  /** One line for listings and the README. */
  title: string;
  /** Which hierarchy it belongs to (for listing and export). */
  hierarchy: 'v2g' | 'cps' | 'mo' | 'oem' | 'csms' | 'service';
  kind: 'root' | 'sub-ca' | 'leaf';
  /** Keys a subject may present; the first is what we generate. */
  keys: readonly KeyRequirement[];
  keyCite: string;
  /** Longest validity, in days, and the default when a request does not ask for less. */
  maxValidityDays: number;
  defaultValidityDays: number;
  validityCite: string;
  /** basicConstraints: always present and critical in our profiles (RFC 5280 4.2.1.9 for CAs). */
  basicConstraints: { ca: true; pathLen: number | null } | { ca: false };
  basicConstraintsCite: string;
  keyUsage: readonly KeyUsageName[];
  keyUsageCite: string;
  /** extendedKeyUsage purposes (OIDs) and criticality; absent when the profile has none. */
  extKeyUsage?: { purposes: readonly string[]; critical: boolean; cite: string };
  subject: SubjectRule;
  /** id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1), for delegated OCSP signers only. */
  ocspNoCheck?: boolean;
  /** AIA OCSP URL and CRL distribution point: every certificate a CA issues; roots are self-issued. */
  revocationPointers: boolean;
}
