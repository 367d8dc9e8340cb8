// CA private keys at rest: AES-256-GCM under a key-encryption key (KEK) read from a file named in
// config. The plaintext key exists only inside a Signer's KeyObject; it is never stored, returned
// or logged. The key id is bound as additional authenticated data, so a ciphertext moved to
// another key's row fails to decrypt.
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CaError } from './ca-error.js';

export interface Kek {
  /** Short fingerprint stored beside each ciphertext: tells which KEK a key needs. */
  readonly id: string;
  encrypt(keyId: string, plaintext: Uint8Array): { kekId: string; iv: Uint8Array; ciphertext: Uint8Array; authTag: Uint8Array };
  decrypt(keyId: string, sealed: { kekId: string; iv: Uint8Array; ciphertext: Uint8Array; authTag: Uint8Array }): Buffer;
}

/** Parses a KEK file: 32 raw bytes, or 64 hex characters, or base64 of 32 bytes. */
export function parseKek(content: Buffer): Buffer {
  if (content.length === 32) return Buffer.from(content);
  const text = content.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
  throw new CaError('CA_KEK_INVALID', 'the key-encryption key file must hold 32 bytes: raw, as 64 hex characters, or as base64');
}

export function loadKek(path: string): Kek {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (err) {
    throw new CaError('CA_KEK_MISSING', `cannot read the key-encryption key file ${path}: ${(err as Error).message}`);
  }
  return createKek(parseKek(content));
}

export function createKek(key: Buffer): Kek {
  if (key.length !== 32) throw new CaError('CA_KEK_INVALID', 'a key-encryption key has 32 bytes');
  const id = createHash('sha256').update('plugtrust-kek').update(key).digest('hex').slice(0, 16);
  return {
    id,
    encrypt(keyId, plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(keyId, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return { kekId: id, iv, ciphertext, authTag: cipher.getAuthTag() };
    },
    decrypt(keyId, sealed) {
      if (sealed.kekId !== id) throw new CaError('CA_KEK_MISMATCH', `key ${keyId} was encrypted under key-encryption key ${sealed.kekId}; the configured one is ${id}`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
        decipher.setAAD(Buffer.from(keyId, 'utf8'));
        decipher.setAuthTag(sealed.authTag);
        return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
      } catch {
        throw new CaError('CA_KEY_UNAVAILABLE', `key ${keyId} does not decrypt: its record was altered`);
      }
    },
  };
}

/** Loads a decrypted PKCS#8 DER into a KeyObject and wipes the plaintext buffer. */
export function privateKeyFromPkcs8(plaintext: Buffer, keyId: string): KeyObject {
  try {
    return createPrivateKey({ key: plaintext, format: 'der', type: 'pkcs8' });
  } catch {
    throw new CaError('CA_KEY_UNAVAILABLE', `key ${keyId} is not a PKCS#8 private key`);
  } finally {
    plaintext.fill(0);
  }
}
