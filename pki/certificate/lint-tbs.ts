// Step 3 of the issuance cycle: lint the built TBSCertificate against its profile. The linter reads
// the DER that will be signed (not the template that produced it), so a builder bug cannot slip
// through. Only a passing lint yields a LintedTbs, and only a LintedTbs can be signed, once.
import { describePublicKey } from '../algorithms.js';
import { bytesToHex } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { OID } from '../oids.js';
import type { CertificateProfile, KeyRequirement } from '../profiles/types.js';
import type { SignatureAlgorithm } from '../signer.js';
import type { CertificateTemplate, IssuerContext, UnlintedTbs } from './build-tbs.js';
import {
  decodeAiaOcspUrls,
  decodeAuthorityKeyIdentifier,
  decodeBasicConstraints,
  decodeCrlDistributionUrls,
  decodeExtKeyUsage,
  decodeKeyUsage,
  decodeSubjectKeyIdentifier,
  keyIdentifier,
} from './extensions.js';
import { parseTbs, type ParsedTbs } from './parse-certificate.js';

export type LintCode =
  | 'MALFORMED'
  | 'VERSION'
  | 'SERIAL'
  | 'SIGNATURE_ALGORITHM'
  | 'ISSUER_NAME'
  | 'VALIDITY'
  | 'VALIDITY_OUTSIDE_ISSUER'
  | 'SUBJECT'
  | 'PUBLIC_KEY'
  | 'EXTENSION_NOT_ALLOWED'
  | 'EXTENSION_DUPLICATE'
  | 'EXTENSION_MISSING'
  | 'BASIC_CONSTRAINTS'
  | 'PATH_LENGTH'
  | 'KEY_USAGE'
  | 'EXT_KEY_USAGE'
  | 'KEY_IDENTIFIER'
  | 'REVOCATION_POINTERS';

export interface LintFinding {
  code: LintCode;
  detail: string;
}

const ISSUED = Symbol('linted');

/** A TBSCertificate that passed its profile's lint. Consumed by signCertificate, exactly once. */
export class LintedTbs {
  #der: Uint8Array | null;
  readonly profile: CertificateProfile;
  readonly serial: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectDer: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm;

  constructor(token: symbol, der: Uint8Array, parsed: ParsedTbs, profile: CertificateProfile, signatureAlgorithm: SignatureAlgorithm) {
    if (token !== ISSUED) throw new PkiError('LINT_FAILED', 'a LintedTbs comes only from lintTbs');
    this.#der = der;
    this.profile = profile;
    this.serial = parsed.serial;
    this.notBefore = parsed.notBefore;
    this.notAfter = parsed.notAfter;
    this.subjectDer = parsed.subjectDer;
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /** Hands the DER to the signing step and disables this value for good. */
  take(): Uint8Array {
    const der = this.#der;
    if (!der) throw new PkiError('LINTED_TBS_REUSED', 'this linted certificate was already signed');
    this.#der = null;
    return der;
  }

  /** The DER, for storing "what is about to be signed" (step 4) without consuming it. */
  peek(): Uint8Array {
    if (!this.#der) throw new PkiError('LINTED_TBS_REUSED', 'this linted certificate was already signed');
    return this.#der;
  }
}

export type LintResult = { ok: true; linted: LintedTbs } | { ok: false; findings: LintFinding[] };

const DAY_MS = 86_400_000;

export function lintTbs(unlinted: UnlintedTbs): LintResult {
  const t = unlinted.template;
  const findings: LintFinding[] = [];
  const add = (code: LintCode, detail: string): void => void findings.push({ code, detail });
  let tbs: ParsedTbs;
  try {
    tbs = parseTbs(unlinted.der);
  } catch (err) {
    return { ok: false, findings: [{ code: 'MALFORMED', detail: err instanceof Error ? err.message : String(err) }] };
  }
  const p = t.profile;
  const issuer: IssuerContext | null = 'self' in t.issuer ? null : t.issuer;

  // RFC 5280 4.1.2.1: extensions require v3.
  if (tbs.version !== 3) add('VERSION', `version ${tbs.version}, expected 3`);
  lintSerial(tbs, add);
  lintSignatureAlgorithm(tbs, t, add);
  // RFC 5280 4.1.2.4: the issuer field equals the issuer certificate's subject, byte for byte.
  const expectedIssuer = issuer ? issuer.subjectDer : tbs.subjectDer;
  if (bytesToHex(tbs.issuerDer) !== bytesToHex(expectedIssuer)) add('ISSUER_NAME', 'issuer name differs from the issuing CA subject');
  lintValidity(tbs, p, issuer, add);
  lintSubject(tbs, p, add);
  lintPublicKey(tbs.spki, p.keys, add);
  lintExtensions(tbs, t, issuer, add);

  if (findings.length > 0) return { ok: false, findings };
  return { ok: true, linted: new LintedTbs(ISSUED, unlinted.der, tbs, p, t.issuer.signatureAlgorithm) };
}

type Add = (code: LintCode, detail: string) => void;

function lintSerial(tbs: ParsedTbs, add: Add): void {
  // RFC 5280 4.1.2.2: positive, at most 20 octets. CA/B BR 7.1: at least 64 bits from a CSPRNG;
  // we require 9 content octets so that 64 random bits fit under a zero sign byte.
  if (tbs.serialNumber <= 0n) add('SERIAL', 'serial number must be positive');
  if (tbs.serial.length > 20) add('SERIAL', 'serial number longer than 20 octets');
  if (tbs.serialNumber < 1n << 63n) add('SERIAL', 'serial number carries fewer than 64 bits');
}

function lintSignatureAlgorithm(tbs: ParsedTbs, t: CertificateTemplate, add: Add): void {
  const alg = tbs.signatureAlgorithm.algorithm;
  if (alg !== t.issuer.signatureAlgorithm) add('SIGNATURE_ALGORITHM', `signature algorithm ${alg ?? 'unknown'} is not the issuer's ${t.issuer.signatureAlgorithm}`);
  // ISO 15118-2 Annex F: V2G, MO, OEM and CPS certificates are signed with ecdsa-with-SHA256.
  if (['v2g', 'cps', 'mo', 'oem'].includes(t.profile.hierarchy) && alg !== 'ecdsa-with-SHA256') add('SIGNATURE_ALGORITHM', 'ISO 15118-2 certificates must be signed with ecdsa-with-SHA256');
}

function lintValidity(tbs: ParsedTbs, p: CertificateProfile, issuer: IssuerContext | null, add: Add): void {
  if (tbs.notAfter <= tbs.notBefore) add('VALIDITY', 'notAfter is not after notBefore');
  const days = (tbs.notAfter.getTime() - tbs.notBefore.getTime()) / DAY_MS;
  if (days > p.maxValidityDays) add('VALIDITY', `validity of ${Math.ceil(days)} days exceeds the profile's ${p.maxValidityDays} (${p.validityCite})`);
  if (issuer && (tbs.notBefore < issuer.notBefore || tbs.notAfter > issuer.notAfter)) add('VALIDITY_OUTSIDE_ISSUER', 'validity is not inside the issuing CA certificate validity');
}

function lintSubject(tbs: ParsedTbs, p: CertificateProfile, add: Add): void {
  const rule = p.subject;
  const present = tbs.subject.map((a) => a.type);
  if (tbs.subject.some((a) => a.type === null)) add('SUBJECT', 'subject carries an attribute type the profile does not name');
  const allowed = new Set([...rule.required, ...rule.optional]);
  for (const type of rule.required) if (!present.includes(type)) add('SUBJECT', `subject lacks ${type} (${rule.cite})`);
  const seen = new Set<string>();
  for (const a of tbs.subject) {
    if (a.type === null) continue;
    if (!allowed.has(a.type)) add('SUBJECT', `subject attribute ${a.type} is not allowed by ${p.id}`);
    if (seen.has(a.type)) add('SUBJECT', `subject repeats ${a.type}`);
    seen.add(a.type);
    if (a.value.length === 0) add('SUBJECT', `subject ${a.type} is empty`);
    const fixed = rule.fixed?.[a.type];
    if (fixed !== undefined && a.value !== fixed) add('SUBJECT', `subject ${a.type} must be ${fixed}`);
    const max = rule.maxLength?.[a.type];
    if (max !== undefined && a.value.length > max) add('SUBJECT', `subject ${a.type} longer than ${max}`);
    if (a.type === 'C' && !/^[A-Z]{2}$/.test(a.value)) add('SUBJECT', 'countryName must be two capital letters (ISO 3166)');
    if (a.type === 'CN' && rule.commonNamePattern && !rule.commonNamePattern.test(a.value)) add('SUBJECT', `subject CN does not match the ${p.id} syntax`);
  }
  const order = tbs.subject.map((a) => a.type).filter((x) => x !== null);
  const expectedOrder = [...rule.required, ...rule.optional].filter((x) => order.includes(x));
  if (order.join(',') !== expectedOrder.join(',')) add('SUBJECT', `subject attribute order ${order.join(',')} differs from the profile's ${expectedOrder.join(',')}`);
}

export function keyMatches(spki: Uint8Array, keys: readonly KeyRequirement[]): string | null {
  let info;
  try {
    info = describePublicKey(spki);
  } catch (err) {
    return err instanceof Error ? err.message : 'unreadable public key';
  }
  for (const k of keys) {
    if (k.kind === 'ec' && info.kind === 'ec' && info.curve === k.curve) return null;
    if (k.kind === 'rsa' && info.kind === 'rsa' && info.bits >= k.minBits) return null;
  }
  const have = info.kind === 'ec' ? `EC ${info.curve}` : info.kind === 'rsa' ? `RSA ${info.bits}` : `key algorithm ${info.algorithmOid}`;
  const want = keys.map((k) => (k.kind === 'ec' ? `EC ${k.curve}` : `RSA >= ${k.minBits}`)).join(' or ');
  return `${have} is not allowed; the profile requires ${want}`;
}

function lintPublicKey(spki: Uint8Array, keys: readonly KeyRequirement[], add: Add): void {
  const problem = keyMatches(spki, keys);
  if (problem) add('PUBLIC_KEY', problem);
}

function lintExtensions(tbs: ParsedTbs, t: CertificateTemplate, issuer: IssuerContext | null, add: Add): void {
  const p = t.profile;
  const allowed = new Set<string>([OID.basicConstraints, OID.keyUsage, OID.subjectKeyIdentifier, OID.authorityKeyIdentifier]);
  if (p.extKeyUsage) allowed.add(OID.extKeyUsage);
  if (issuer && p.revocationPointers) allowed.add(OID.authorityInfoAccess).add(OID.cRLDistributionPoints);
  if (p.ocspNoCheck) allowed.add(OID.ocspNoCheck);
  if (t.altNames) allowed.add(OID.subjectAltName);
  const seen = new Set<string>();
  for (const e of tbs.extensions) {
    if (seen.has(e.oid)) add('EXTENSION_DUPLICATE', `extension ${e.oid} appears twice (RFC 5280 4.2)`);
    seen.add(e.oid);
    if (!allowed.has(e.oid)) add('EXTENSION_NOT_ALLOWED', `extension ${e.oid} is not allowed by ${p.id}`);
  }
  for (const id of allowed) if (!seen.has(id) && id !== OID.subjectAltName) add(id === OID.authorityInfoAccess || id === OID.cRLDistributionPoints ? 'REVOCATION_POINTERS' : 'EXTENSION_MISSING', `extension ${id} is required by ${p.id}`);
  const get = (id: string) => tbs.extensions.find((e) => e.oid === id);
  try {
    const bc = get(OID.basicConstraints);
    if (bc) {
      const v = decodeBasicConstraints(bc.value);
      if (!bc.critical) add('BASIC_CONSTRAINTS', `basicConstraints must be critical (${p.basicConstraintsCite})`);
      if (v.ca !== p.basicConstraints.ca) add('BASIC_CONSTRAINTS', `cA must be ${p.basicConstraints.ca} (${p.basicConstraintsCite})`);
      const want = p.basicConstraints.ca ? p.basicConstraints.pathLen : null;
      if (v.pathLen !== want) add('PATH_LENGTH', `pathLenConstraint ${v.pathLen ?? 'absent'}, profile requires ${want ?? 'absent'}`);
      // RFC 5280 6.1.4 (m): a sub-CA may not allow longer paths than its issuer.
      if (issuer && v.ca && issuer.pathLen !== null && (v.pathLen === null || v.pathLen >= issuer.pathLen)) add('PATH_LENGTH', `issuer pathLenConstraint ${issuer.pathLen} leaves no room for a CA with pathLen ${v.pathLen ?? 'unlimited'}`);
    }
    const ku = get(OID.keyUsage);
    if (ku) {
      const have = decodeKeyUsage(ku.value);
      if (!ku.critical) add('KEY_USAGE', `keyUsage must be critical (${p.keyUsageCite})`);
      const want = new Set(p.keyUsage);
      if (have.size !== want.size || [...want].some((u) => !have.has(u))) add('KEY_USAGE', `keyUsage ${[...have].join(',')} differs from ${[...want].join(',')} (${p.keyUsageCite})`);
    }
    const eku = get(OID.extKeyUsage);
    if (eku && p.extKeyUsage) {
      const have = decodeExtKeyUsage(eku.value);
      if (have.join(',') !== p.extKeyUsage.purposes.join(',') || eku.critical !== p.extKeyUsage.critical) add('EXT_KEY_USAGE', `extendedKeyUsage differs from the profile (${p.extKeyUsage.cite})`);
    }
    const ski = get(OID.subjectKeyIdentifier);
    if (ski && bytesToHex(decodeSubjectKeyIdentifier(ski.value)) !== bytesToHex(keyIdentifier(tbs.spki))) add('KEY_IDENTIFIER', 'subjectKeyIdentifier does not identify the subject key');
    const aki = get(OID.authorityKeyIdentifier);
    if (aki) {
      const id = decodeAuthorityKeyIdentifier(aki.value);
      const want = issuer ? issuer.keyIdentifier : keyIdentifier(tbs.spki);
      if (!id || bytesToHex(id) !== bytesToHex(want)) add('KEY_IDENTIFIER', 'authorityKeyIdentifier does not identify the issuing key');
    }
    const aia = get(OID.authorityInfoAccess);
    if (aia && issuer && !decodeAiaOcspUrls(aia.value).includes(issuer.ocspUrl)) add('REVOCATION_POINTERS', 'AIA lacks the OCSP URL of the issuing CA');
    const cdp = get(OID.cRLDistributionPoints);
    if (cdp && issuer && !decodeCrlDistributionUrls(cdp.value).includes(issuer.crlUrl)) add('REVOCATION_POINTERS', 'CRL distribution point is not the issuing CA CRL');
    if (issuer && issuer.profile.kind === 'leaf') add('BASIC_CONSTRAINTS', 'the issuer is not a CA');
  } catch (err) {
    add('MALFORMED', err instanceof Error ? err.message : String(err));
  }
}
