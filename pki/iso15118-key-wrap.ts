// Contract key transport of ISO 15118-2 ([V2G2-818], CertificateInstallationRes): the contract
// certificate's private key travels to the EV encrypted under a key agreed by ECDH between a
// fresh P-256 key (sent as DHpublickey) and the EV's OEM provisioning key.
// - Z = ECDH(ephemeral private, OEM provisioning public), 32 octets (x coordinate).
// - KEK = ConcatKDF (NIST SP 800-56A 5.8.1) with SHA-256: SHA-256(00000001 || Z || OtherInfo),
//   first 128 bits, OtherInfo = AlgorithmID 0x01 || PartyUInfo 0x55 ("U") || PartyVInfo 0x56 ("V").
// - ContractSignatureEncryptedPrivateKey = IV (16) || AES-128-CBC(KEK, IV, d) without padding,
//   d the 32-octet private scalar: 48 octets.
// Pure: the ephemeral key and the IV may be passed in (tests, known answers); otherwise they come
// from node:crypto's CSPRNG.
import { createCipheriv, createDecipheriv, createECDH, createHash, createPrivateKey, createPublicKey, diffieHellman, randomBytes, type KeyObject } from 'node:crypto';

/** Misuse or hostile input of the key transport (wrong curve, wrong lengths, a point off the curve). */
export class KeyWrapError extends Error {
  override readonly name = 'KeyWrapError';
  readonly code = 'KEY_WRAP_INVALID';
}

const OTHER_INFO = Uint8Array.of(0x01, 0x55, 0x56);
const COUNTER_ONE = Uint8Array.of(0, 0, 0, 1);
export const ENCRYPTED_KEY_LENGTH = 48;
export const DH_PUBLIC_KEY_LENGTH = 65;

export interface WrappedContractKey {
  /** ContractSignatureEncryptedPrivateKey: IV || ciphertext, 48 octets. */
  readonly encryptedPrivateKey: Uint8Array;
  /** DHpublickey: the ephemeral P-256 public key, uncompressed point, 65 octets. */
  readonly dhPublicKey: Uint8Array;
}

export interface WrapInput {
  /** The contract certificate's private key (P-256). */
  readonly contractKey: KeyObject;
  /** The OEM provisioning certificate's public key (P-256). */
  readonly recipientKey: KeyObject;
  /** Test seams: a fixed ephemeral key and IV. */
  readonly ephemeralKey?: KeyObject;
  readonly iv?: Uint8Array;
}

/** ConcatKDF with SHA-256, one round (128 bits needed, 256 produced), ISO 15118-2 OtherInfo. */
export function deriveKeyEncryptionKey(sharedSecret: Uint8Array): Buffer {
  return createHash('sha256').update(COUNTER_ONE).update(sharedSecret).update(OTHER_INFO).digest().subarray(0, 16);
}

export function wrapContractKey(input: WrapInput): WrappedContractKey {
  requireP256(input.recipientKey, 'the OEM provisioning key');
  const contractScalar = privateScalar(input.contractKey);
  try {
    return wrapContractScalar({
      contractScalar,
      recipientPoint: uncompressedPoint(input.recipientKey),
      ...(input.ephemeralKey ? { ephemeralScalar: privateScalar(input.ephemeralKey) } : {}),
      ...(input.iv ? { iv: input.iv } : {}),
    });
  } finally {
    contractScalar.fill(0);
  }
}

/**
 * The same on raw values (the hot path: no KeyObject is built): the contract key's 32-octet
 * scalar, the recipient's 65-octet uncompressed point. createECDH checks that the point lies on
 * P-256 before it is used.
 */
export function wrapContractScalar(input: { contractScalar: Uint8Array; recipientPoint: Uint8Array; ephemeralScalar?: Uint8Array; iv?: Uint8Array }): WrappedContractKey {
  if (input.contractScalar.length !== 32) throw new KeyWrapError('the contract key is not a 32-octet P-256 scalar');
  if (input.recipientPoint.length !== DH_PUBLIC_KEY_LENGTH || input.recipientPoint[0] !== 0x04) throw new KeyWrapError('the recipient key is not an uncompressed P-256 point');
  const iv = input.iv ?? randomBytes(16);
  if (iv.length !== 16) throw new KeyWrapError('the IV has 16 octets');
  const ecdh = createECDH('prime256v1');
  if (input.ephemeralScalar) ecdh.setPrivateKey(input.ephemeralScalar);
  else ecdh.generateKeys();
  let shared: Buffer;
  try {
    shared = ecdh.computeSecret(input.recipientPoint);
  } catch {
    throw new KeyWrapError('the recipient key is not a point on P-256');
  }
  const kek = deriveKeyEncryptionKey(shared);
  shared.fill(0);
  try {
    const cipher = createCipheriv('aes-128-cbc', kek, iv).setAutoPadding(false);
    const ciphertext = Buffer.concat([cipher.update(input.contractScalar), cipher.final()]);
    return { encryptedPrivateKey: new Uint8Array(Buffer.concat([iv, ciphertext])), dhPublicKey: new Uint8Array(ecdh.getPublicKey()) };
  } finally {
    kek.fill(0);
  }
}

/** The uncompressed point of a P-256 SubjectPublicKeyInfo (DER); KeyWrapError for any other key. */
export function pointOfSpki(spki: Uint8Array): Uint8Array {
  if (spki.length !== P256_SPKI_PREFIX.length + DH_PUBLIC_KEY_LENGTH || !P256_SPKI_PREFIX.equals(spki.subarray(0, P256_SPKI_PREFIX.length))) throw new KeyWrapError('the key is not a P-256 key');
  return spki.subarray(P256_SPKI_PREFIX.length);
}

/**
 * The 32-octet private scalar of a P-256 PKCS#8 PrivateKeyInfo (RFC 5208 / RFC 5915), read without
 * building a KeyObject. KeyWrapError when the structure or the curve differ.
 */
export function scalarOfPkcs8(der: Uint8Array): Buffer {
  const fail = (): never => {
    throw new KeyWrapError('not a P-256 PKCS#8 private key');
  };
  let at = 0;
  const header = (tag: number): number => {
    if (der[at] !== tag) fail();
    let len = der[at + 1] ?? fail();
    at += 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n < 1 || n > 2) fail();
      len = 0;
      for (let i = 0; i < n; i++) len = (len << 8) | (der[at++] ?? fail());
    }
    if (at + len > der.length) fail();
    return len;
  };
  header(0x30); // PrivateKeyInfo
  const version = header(0x02);
  at += version;
  const algorithm = header(0x30);
  if (!P256_ALGORITHM.equals(der.subarray(at, at + algorithm))) fail();
  at += algorithm;
  header(0x04); // privateKey OCTET STRING
  header(0x30); // ECPrivateKey
  const ecVersion = header(0x02);
  if (ecVersion !== 1 || der[at] !== 1) fail();
  at += 1;
  if (header(0x04) !== 32) fail();
  return Buffer.from(der.subarray(at, at + 32));
}

// AlgorithmIdentifier content of id-ecPublicKey with prime256v1.
const P256_ALGORITHM = Buffer.from('06072a8648ce3d020106082a8648ce3d030107', 'hex');

/** The EV side: the contract private key (as a KeyObject) from the response and the provisioning key. */
export function unwrapContractKey(wrapped: WrappedContractKey, recipientKey: KeyObject): KeyObject {
  if (wrapped.encryptedPrivateKey.length !== ENCRYPTED_KEY_LENGTH) throw new KeyWrapError(`the encrypted key has ${ENCRYPTED_KEY_LENGTH} octets`);
  if (wrapped.dhPublicKey.length !== DH_PUBLIC_KEY_LENGTH || wrapped.dhPublicKey[0] !== 0x04) throw new KeyWrapError('DHpublickey is not an uncompressed P-256 point');
  let peer: KeyObject;
  try {
    peer = publicKeyFromPoint(wrapped.dhPublicKey);
  } catch {
    throw new KeyWrapError('DHpublickey is not a point on P-256');
  }
  const kek = deriveKeyEncryptionKey(diffieHellman({ privateKey: recipientKey, publicKey: peer }));
  const decipher = createDecipheriv('aes-128-cbc', kek, wrapped.encryptedPrivateKey.subarray(0, 16)).setAutoPadding(false);
  const scalar = Buffer.concat([decipher.update(wrapped.encryptedPrivateKey.subarray(16)), decipher.final()]);
  kek.fill(0);
  try {
    return privateKeyFromScalar(scalar);
  } catch {
    throw new KeyWrapError('the decrypted value is not a P-256 private key');
  } finally {
    scalar.fill(0);
  }
}

/** The 65-octet uncompressed point of a P-256 public key (the last 65 octets of its SPKI). */
export function uncompressedPoint(publicKey: KeyObject): Uint8Array {
  requireP256(publicKey, 'the key');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - DH_PUBLIC_KEY_LENGTH));
}

// SubjectPublicKeyInfo prefix of a P-256 key (id-ecPublicKey, prime256v1), before the 65-octet point.
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

export function publicKeyFromPoint(point: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([P256_SPKI_PREFIX, point]), format: 'der', type: 'spki' });
}

// PKCS#8 around an RFC 5915 ECPrivateKey on prime256v1 holding only d (OpenSSL derives the point).
const P256_PKCS8_PREFIX = Buffer.from('3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420', 'hex');

function privateKeyFromScalar(scalar: Buffer): KeyObject {
  const pkcs8 = Buffer.concat([P256_PKCS8_PREFIX, scalar]);
  try {
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } finally {
    pkcs8.fill(0);
  }
}

function privateScalar(key: KeyObject): Buffer {
  requireP256(key, 'the contract key');
  const jwk = key.export({ format: 'jwk' });
  const d = Buffer.from(String(jwk.d), 'base64url');
  if (d.length !== 32) throw new KeyWrapError('the contract key is not a 32-octet P-256 scalar');
  return d;
}

function requireP256(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new KeyWrapError(`${what} is not a P-256 key`);
}
