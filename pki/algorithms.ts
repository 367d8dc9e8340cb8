// Signature algorithms and public keys: the AlgorithmIdentifiers we write, and what a
// SubjectPublicKeyInfo holds. Verification uses node:crypto, which is deterministic computation,
// not I/O; randomness and time never come from here.
import { createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { PkiError } from './errors.js';
import { nullValue, oid, seq } from './der/writer.js';
import { expectTag, parseDer, readBitString, readOid, sequence, type DerNode } from './der/reader.js';
import { OID } from './oids.js';
import type { SignatureAlgorithm } from './signer.js';
import { TAG } from './der/writer.js';

const SIG_OIDS: Record<SignatureAlgorithm, string> = {
  'ecdsa-with-SHA256': OID.ecdsaWithSHA256,
  'ecdsa-with-SHA384': OID.ecdsaWithSHA384,
  sha256WithRSAEncryption: OID.sha256WithRSAEncryption,
};

const ALGORITHM_IDS = new Map<SignatureAlgorithm, Uint8Array>();

/** AlgorithmIdentifier DER: ECDSA omits parameters (RFC 5758 3.2), RSA carries NULL (RFC 4055 5). */
export function signatureAlgorithmId(alg: SignatureAlgorithm): Uint8Array {
  let id = ALGORITHM_IDS.get(alg);
  if (!id) {
    id = alg === 'sha256WithRSAEncryption' ? seq(oid(SIG_OIDS[alg]), nullValue()) : seq(oid(SIG_OIDS[alg]));
    ALGORITHM_IDS.set(alg, id);
  }
  return id;
}

export type SignatureAlgorithmOid = { algorithm: SignatureAlgorithm; hash: 'sha256' | 'sha384' } | { algorithm: null; oid: string };

export function readSignatureAlgorithm(node: DerNode | undefined): SignatureAlgorithmOid {
  const parts = sequence(node, 'AlgorithmIdentifier');
  const id = readOid(parts[0], 'algorithm');
  if (id === OID.ecdsaWithSHA256) return { algorithm: 'ecdsa-with-SHA256', hash: 'sha256' };
  if (id === OID.ecdsaWithSHA384) return { algorithm: 'ecdsa-with-SHA384', hash: 'sha384' };
  if (id === OID.sha256WithRSAEncryption) return { algorithm: 'sha256WithRSAEncryption', hash: 'sha256' };
  return { algorithm: null, oid: id };
}

export type PublicKeyInfo =
  | { kind: 'ec'; curve: 'P-256' | 'P-384' | 'other'; curveOid: string; spki: Uint8Array; point: Uint8Array }
  | { kind: 'rsa'; bits: number; spki: Uint8Array }
  | { kind: 'other'; algorithmOid: string; spki: Uint8Array };

/** What a SubjectPublicKeyInfo holds: key type, curve or modulus size. */
export function describePublicKey(spki: Uint8Array): PublicKeyInfo {
  const parts = sequence(parseDer(spki), 'SubjectPublicKeyInfo');
  const alg = sequence(parts[0], 'SubjectPublicKeyInfo.algorithm');
  const algOid = readOid(alg[0], 'SubjectPublicKeyInfo.algorithm');
  const key = readBitString(parts[1], 'subjectPublicKey');
  if (algOid === OID.ecPublicKey) {
    const curveOid = readOid(alg[1], 'namedCurve');
    const curve = curveOid === OID.secp256r1 ? 'P-256' : curveOid === OID.secp384r1 ? 'P-384' : 'other';
    return { kind: 'ec', curve, curveOid, spki, point: key.bytes };
  }
  if (algOid === OID.rsaEncryption) {
    const rsa = sequence(parseDer(key.bytes), 'RSAPublicKey');
    const modulus = expectTag(rsa[0], TAG.INTEGER, 'modulus').content;
    let lead = 0;
    while (lead < modulus.length && modulus[lead] === 0) lead++;
    const top = modulus[lead] ?? 0;
    const bits = (modulus.length - lead - 1) * 8 + (top ? 32 - Math.clz32(top) : 0);
    return { kind: 'rsa', bits, spki };
  }
  return { kind: 'other', algorithmOid: algOid, spki };
}

/**
 * Loaded keys by SubjectPublicKeyInfo content: issuers recur (every station certificate of a
 * reconnect storm names the same sub-CA), and loading a key costs as much as a verification.
 * Bounded; the oldest entry goes first.
 */
const KEY_CACHE_SIZE = 512;
const keyCache = new Map<string, KeyObject>();

// SubjectPublicKeyInfo of an uncompressed P-256 point, up to the point's 0x04 (RFC 5480).
const P256_UNCOMPRESSED_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d03010703420004', 'hex');

/**
 * A public key from its SubjectPublicKeyInfo, not cached. An uncompressed P-256 key is loaded from
 * its coordinates (JWK), which OpenSSL 3 does in about half the time of decoding the DER (measured
 * 123 µs against 232 µs); the point is still checked to be on the curve. Throws on anything unusable.
 */
export function loadPublicKey(spki: Uint8Array): KeyObject {
  const bytes = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength);
  if (bytes.length === P256_UNCOMPRESSED_PREFIX.length + 64 && bytes.subarray(0, P256_UNCOMPRESSED_PREFIX.length).equals(P256_UNCOMPRESSED_PREFIX)) {
    const at = P256_UNCOMPRESSED_PREFIX.length;
    const x = bytes.subarray(at, at + 32).toString('base64url');
    const y = bytes.subarray(at + 32).toString('base64url');
    return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
  }
  return createPublicKey({ key: bytes, format: 'der', type: 'spki' });
}

export function publicKeyObject(spki: Uint8Array): KeyObject {
  const bytes = Buffer.from(spki.buffer, spki.byteOffset, spki.byteLength);
  const id = bytes.toString('latin1');
  let key = keyCache.get(id);
  if (!key) {
    try {
      key = loadPublicKey(bytes);
    } catch {
      throw new PkiError('UNSUPPORTED_ALGORITHM', 'public key cannot be loaded');
    }
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(id, key);
  }
  return key;
}

/** Verifies an X.509-style signature (ECDSA DER or RSA PKCS#1 v1.5) over `data`. */
export function verifySignature(alg: SignatureAlgorithmOid, spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (alg.algorithm === null) throw new PkiError('UNSUPPORTED_ALGORITHM', `signature algorithm ${alg.oid} is not supported`);
  try {
    return cryptoVerify(alg.hash, data, { key: publicKeyObject(spki), dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
