// Signature checks for path validation: the algorithm table (wider than pki/algorithms.ts, which
// lists only what we sign with), the key/algorithm pairing, and the working public key of RFC 5280
// 6.1.4 (d)-(f), including DSA parameter inheritance (PKITS 4.1.5). Verification is node:crypto:
// deterministic computation, no I/O.
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { publicKeyObject } from '../algorithms.js';
import { parseDer, readBitString, readOid, sequence } from '../der/reader.js';
import { seq, TAG } from '../der/writer.js';
import { PkiError } from '../errors.js';

type Hash = 'sha1' | 'sha256' | 'sha384' | 'sha512';
type KeyKind = 'rsa' | 'ec' | 'dsa';

interface AlgorithmSpec {
  name: string;
  hash: Hash;
  key: KeyKind;
}

const SIGNATURE_ALGORITHMS: Readonly<Record<string, AlgorithmSpec>> = {
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256', key: 'ec' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384', key: 'ec' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512', key: 'ec' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1', key: 'rsa' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512', key: 'rsa' },
  '1.2.840.10040.4.3': { name: 'dsa-with-sha1', hash: 'sha1', key: 'dsa' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsa-with-sha256', hash: 'sha256', key: 'dsa' },
};

const KEY_ALGORITHMS: Readonly<Record<string, KeyKind>> = {
  '1.2.840.113549.1.1.1': 'rsa',
  '1.2.840.10045.2.1': 'ec',
  '1.2.840.10040.4.1': 'dsa',
};

/** The key a certificate's signature is checked with, after parameter inheritance. */
export interface WorkingKey {
  /** SubjectPublicKeyInfo DER, complete (inherited DSA parameters filled in). */
  spki: Uint8Array;
  kind: KeyKind | 'other';
  algorithmOid: string;
  /** DER of the AlgorithmIdentifier parameters, when present and not NULL. */
  parameters: Uint8Array | undefined;
}

/**
 * RFC 5280 6.1.4 (d)-(f): the working key for the next certificate. Omitted DSA parameters are
 * inherited from the issuer's working key when that is a DSA key too. Malformed SPKI raises
 * PkiError('MALFORMED_DER').
 */
export function toWorkingKey(spki: Uint8Array, issuer: WorkingKey | undefined): WorkingKey {
  const [alg, key, extra] = sequence(parseDer(spki), 'SubjectPublicKeyInfo');
  if (extra) throw new PkiError('MALFORMED_DER', 'SubjectPublicKeyInfo: trailing fields');
  const algParts = sequence(alg, 'SubjectPublicKeyInfo.algorithm');
  const algorithmOid = readOid(algParts[0], 'SubjectPublicKeyInfo.algorithm');
  readBitString(key, 'subjectPublicKey');
  const p = algParts[1];
  const parameters = p && p.tag !== TAG.NULL ? p.der : undefined;
  const kind = KEY_ALGORITHMS[algorithmOid] ?? 'other';
  if (kind === 'dsa' && !parameters && issuer?.kind === 'dsa' && issuer.parameters && key) {
    const full = seq(seq(algParts[0]!.der, issuer.parameters), key.der);
    return { spki: full, kind, algorithmOid, parameters: issuer.parameters };
  }
  return { spki, kind, algorithmOid, parameters };
}

export type SignatureCheck = { ok: true } | { ok: false; code: 'UNSUPPORTED_ALGORITHM' | 'SIGNATURE_INVALID'; detail: string };

export interface SignatureOptions {
  /** SHA-1 based signatures are refused unless asked for (PKITS still signs with dsa-with-sha1). */
  allowSha1: boolean;
}

/** What carries a signature: a certificate or a CRL. */
export interface Signed {
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: Uint8Array;
  readonly signature: Uint8Array;
  readonly signatureUnusedBits: number;
}

/** Checks the signature of a certificate or CRL under `key`. */
export function checkSigned(item: Signed, key: WorkingKey, options: SignatureOptions): SignatureCheck {
  // Signatures are whole octets; a damaged BIT STRING is a bad signature, not a bad structure.
  if (item.signatureUnusedBits !== 0) return { ok: false, code: 'SIGNATURE_INVALID', detail: `the signature BIT STRING has ${item.signatureUnusedBits} unused bits` };
  return checkSignature(item.signatureAlgorithm, item.tbs, item.signature, key, options);
}

/** Checks `signature` over `data` under the AlgorithmIdentifier DER `algorithm` with `key`. */
export function checkSignature(algorithm: Uint8Array, data: Uint8Array, signature: Uint8Array, key: WorkingKey, options: SignatureOptions): SignatureCheck {
  let oid: string;
  let params: Uint8Array | undefined;
  try {
    const parts = sequence(parseDer(algorithm), 'AlgorithmIdentifier');
    oid = readOid(parts[0], 'AlgorithmIdentifier');
    params = parts[1]?.der;
    if (parts.length > 2) return { ok: false, code: 'UNSUPPORTED_ALGORITHM', detail: 'AlgorithmIdentifier has trailing fields' };
  } catch {
    return { ok: false, code: 'UNSUPPORTED_ALGORITHM', detail: 'AlgorithmIdentifier cannot be read' };
  }
  const spec = SIGNATURE_ALGORITHMS[oid];
  if (!spec) return { ok: false, code: 'UNSUPPORTED_ALGORITHM', detail: `signature algorithm ${oid} is not supported` };
  // RFC 4055 5 / RFC 5758 3.2 / RFC 3279 2.2.2: RSA carries NULL (tolerated absent), ECDSA and DSA carry nothing.
  const nullParams = params?.length === 2 && params[0] === TAG.NULL && params[1] === 0;
  if (params && !(spec.key === 'rsa' && nullParams)) return { ok: false, code: 'UNSUPPORTED_ALGORITHM', detail: `${spec.name} with unexpected parameters` };
  if (spec.hash === 'sha1' && !options.allowSha1) return { ok: false, code: 'UNSUPPORTED_ALGORITHM', detail: `${spec.name}: SHA-1 signatures are not accepted` };
  if (key.kind !== spec.key) return { ok: false, code: 'UNSUPPORTED_ALGORITHM', detail: `${spec.name} signature under a ${key.kind === 'other' ? key.algorithmOid : key.kind} key` };
  let keyObject;
  try {
    keyObject = publicKeyObject(key.spki);
  } catch {
    return { ok: false, code: 'UNSUPPORTED_ALGORITHM', detail: `the issuer's ${key.kind} public key cannot be loaded` };
  }
  // The same CA certificate is verified again for every path through it: a verified signature is
  // remembered by what was verified (key, algorithm, signature and a SHA-256 of the data).
  const memo = `${spec.name}|${Buffer.from(key.spki).toString('latin1')}|${Buffer.from(signature).toString('latin1')}|${createHash('sha256').update(data).digest('base64')}`;
  if (verified.has(memo)) return { ok: true };
  let valid = false;
  try {
    valid = cryptoVerify(spec.hash, data, { key: keyObject, dsaEncoding: 'der' }, signature);
  } catch {
    valid = false;
  }
  if (!valid) return { ok: false, code: 'SIGNATURE_INVALID', detail: `${spec.name} signature does not verify` };
  if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
  verified.add(memo);
  return { ok: true };
}

/** Signatures that verified, bounded (oldest out first); failures are never remembered. */
const VERIFIED_CACHE_SIZE = 4096;
const verified = new Set<string>();
