// The key a request carries, and its proof of possession: is it a key the profile allows, is it a
// usable key at all, and did its private half sign the request?
import { describePublicKey, publicKeyObject, verifySignature, type PublicKeyInfo } from '../algorithms.js';
import { parseDer, readInteger, readOid, sequence } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { OID } from '../oids.js';
import type { KeyRequirement } from '../profiles/types.js';
import { oidName, type CsrDefect } from './csr-defects.js';
import type { ParsedCsr } from './parse-csr.js';

/** Uncompressed point length per curve: 0x04 || X || Y (SEC 1 2.3.3). */
const POINT_LENGTH = { 'P-256': 65, 'P-384': 97 } as const;

/**
 * The only RSA public exponent we accept. CA/B Forum BR 6.1.6 asks for an odd e >= 3 and
 * recommends 2^16+1 .. 2^256-1; like Boulder's goodkey we accept F4 alone, which every key
 * generator uses by default, and so refuse e = 3 and its small-exponent attacks outright.
 */
const RSA_EXPONENT = 65537n;

/**
 * Key defects into `out`; returns the key's description when its signature can be checked, null
 * when the key is unusable or unknown (a signature check would then say nothing).
 */
export function checkCsrKey(csr: ParsedCsr, allowed: readonly KeyRequirement[], out: CsrDefect[]): PublicKeyInfo | null {
  const explicitCurve = explicitCurveParameters(csr.publicKey);
  if (explicitCurve) {
    out.push({ code: 'CURVE_NOT_ALLOWED', detail: `EC key without a named curve (${explicitCurve}); RFC 5480 2.1.1 requires namedCurve` });
    return null;
  }
  let key: PublicKeyInfo;
  try {
    key = describePublicKey(csr.publicKey);
  } catch (e) {
    out.push({ code: 'KEY_INVALID', detail: `subjectPublicKey cannot be read: ${message(e)}` });
    return null;
  }
  if (key.kind === 'other') {
    out.push({ code: 'KEY_TYPE_NOT_ALLOWED', detail: `key type ${oidName(key.algorithmOid)} is not allowed by this profile` });
    return null;
  }
  const sameKind = allowed.filter((k) => k.kind === key.kind);
  if (sameKind.length === 0) out.push({ code: 'KEY_TYPE_NOT_ALLOWED', detail: `${key.kind.toUpperCase()} keys are not allowed by this profile (allowed: ${describeAllowed(allowed)})` });
  const usable = key.kind === 'ec' ? checkEcKey(key, sameKind, out) : checkRsaKey(key, sameKind, out);
  if (!usable) return null;
  try {
    // OpenSSL checks that an EC point lies on its curve when it loads the key (SEC 1 3.2.2.1).
    publicKeyObject(csr.publicKey);
  } catch {
    out.push({ code: 'KEY_INVALID', detail: key.kind === 'ec' ? `EC point is not on ${key.curve === 'other' ? oidName(key.curveOid) : key.curve}; signature not checked` : 'RSA key cannot be loaded; signature not checked' });
    return null;
  }
  return key;
}

/** Signature defects into `out`; `key` is what checkCsrKey returned. */
export function checkCsrSignature(csr: ParsedCsr, key: PublicKeyInfo | null, out: CsrDefect[]): void {
  const alg = csr.signatureAlgorithm;
  if (alg.algorithm === null) {
    out.push({ code: 'UNSUPPORTED_SIGNATURE_ALGORITHM', detail: `signature algorithm ${oidName(alg.oid)} is not supported` });
    return;
  }
  const params = csr.signatureAlgorithmParameters;
  const isRsa = alg.algorithm === 'sha256WithRSAEncryption';
  // RFC 5758 3.2: ECDSA omits the parameters. RFC 4055 5: RSA has NULL, absent is accepted.
  if (isRsa ? params !== null && !(params.length === 2 && params[0] === TAG.NULL && params[1] === 0) : params !== null) {
    out.push({ code: 'UNSUPPORTED_SIGNATURE_ALGORITHM', detail: `${alg.algorithm} with parameters ${isRsa ? 'other than NULL' : '(RFC 5758 3.2 requires none)'}` });
    return;
  }
  if (!key) return;
  if (isRsa !== (key.kind === 'rsa')) {
    out.push({ code: 'SIGNATURE_INVALID', detail: `an ${alg.algorithm} signature cannot come from an ${key.kind.toUpperCase()} key` });
    return;
  }
  if (!verifySignature(alg, csr.publicKey, csr.certificationRequestInfo, csr.signature)) {
    out.push({ code: 'SIGNATURE_INVALID', detail: `the ${alg.algorithm} signature does not verify with the request's own key (no proof of possession)` });
  }
}

function checkEcKey(key: Extract<PublicKeyInfo, { kind: 'ec' }>, allowed: readonly KeyRequirement[], out: CsrDefect[]): boolean {
  if (allowed.length > 0 && !allowed.some((k) => k.kind === 'ec' && k.curve === key.curve)) {
    out.push({ code: 'CURVE_NOT_ALLOWED', detail: `curve ${key.curve === 'other' ? oidName(key.curveOid) : key.curve} is not allowed (allowed: ${describeAllowed(allowed)})` });
  }
  if (key.curve === 'other') return true;
  // RFC 5480 2.2: uncompressed is the form everyone must support; certificates we issue carry it.
  if (key.point[0] !== 0x04 || key.point.length !== POINT_LENGTH[key.curve]) {
    out.push({ code: 'KEY_INVALID', detail: `EC point is not an uncompressed ${key.curve} point (first octet 0x${(key.point[0] ?? 0).toString(16)}, ${key.point.length} octets)` });
    return false;
  }
  return true;
}

function checkRsaKey(key: Extract<PublicKeyInfo, { kind: 'rsa' }>, allowed: readonly KeyRequirement[], out: CsrDefect[]): boolean {
  const minBits = Math.min(...allowed.map((k) => (k.kind === 'rsa' ? k.minBits : Infinity)));
  if (allowed.length > 0 && key.bits < minBits) out.push({ code: 'KEY_TOO_SMALL', detail: `RSA key of ${key.bits} bits; this profile requires at least ${minBits}` });
  let modulus: bigint;
  let exponent: bigint;
  try {
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)
    const spki = sequence(parseDer(key.spki), 'SubjectPublicKeyInfo');
    const bits = spki[1]?.content.subarray(1) ?? new Uint8Array();
    const parts = sequence(parseDer(bits), 'RSAPublicKey');
    if (parts.length !== 2) throw new PkiError('MALFORMED_DER', 'RSAPublicKey: expected modulus and exponent');
    modulus = readInteger(parts[0], 'modulus');
    exponent = readInteger(parts[1], 'publicExponent');
  } catch (e) {
    out.push({ code: 'KEY_INVALID', detail: `RSAPublicKey cannot be read: ${message(e)}` });
    return false;
  }
  if (modulus <= 0n || modulus % 2n === 0n) {
    out.push({ code: 'KEY_INVALID', detail: 'RSA modulus is not a positive odd number' });
    return false;
  }
  if (exponent !== RSA_EXPONENT) out.push({ code: 'KEY_WEAK_EXPONENT', detail: `RSA public exponent ${exponent > 1n << 64n ? 'of more than 64 bits' : exponent.toString()}; only 65537 is accepted` });
  return true;
}

/** For an id-ecPublicKey SPKI whose parameters are not a named curve OID, what they are instead. */
function explicitCurveParameters(spki: Uint8Array): string | null {
  try {
    const alg = sequence(sequence(parseDer(spki), 'SubjectPublicKeyInfo')[0], 'AlgorithmIdentifier');
    if (readOid(alg[0]) !== OID.ecPublicKey) return null;
    const params = alg[1];
    if (!params) return 'parameters absent';
    if (params.tag === TAG.OID) return null;
    return params.tag === TAG.SEQUENCE ? 'explicit specifiedCurve parameters' : params.tag === TAG.NULL ? 'implicitlyCA parameters' : `parameters with tag 0x${params.tag.toString(16)}`;
  } catch {
    return null; // describePublicKey will name the problem.
  }
}

function describeAllowed(allowed: readonly KeyRequirement[]): string {
  return allowed.map((k) => (k.kind === 'ec' ? `EC ${k.curve}` : `RSA >= ${k.minBits}`)).join(', ') || 'none';
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
