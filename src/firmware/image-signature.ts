// The firmware signature of OCPP 2.0.1 L01: a signature over the whole image file, carried base64
// in UpdateFirmwareRequest.firmware.signature, that the station checks with
// firmware.signingCertificate (L01.FR.11: the CSMS includes the signing certificate). We produce
// and accept what `openssl dgst -sha256 -verify <public key> -signature <sig.der> <image>` checks:
// ECDSA (DER Ecdsa-Sig-Value) or RSA PKCS#1 v1.5 over SHA-256 (or SHA-384) of the file.
import { createHash, createVerify, X509Certificate } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Signer } from '../../pki/signer.js';
import type { SignatureHash } from '../store/firmware-images.js';
import { FirmwareError } from './firmware-error.js';

/** UpdateFirmwareRequest limits: firmware.signature maxLength 800, signingCertificate maxLength 5500. */
export const MAX_SIGNATURE_BASE64 = 800;
export const MAX_SIGNING_CERTIFICATE_PEM = 5500;

const READ_CHUNK = 1024 * 1024;

/** The digest of a file, streamed. */
export async function hashFile(path: string, hash: 'sha256' | 'md5' | 'sha384' = 'sha256'): Promise<Uint8Array> {
  const h = createHash(hash);
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) h.update(chunk as Buffer);
  return new Uint8Array(h.digest());
}

/** The hash a Signer's algorithm signs with. */
export function signerHash(signer: Pick<Signer, 'algorithm'>): SignatureHash {
  return signer.algorithm === 'ecdsa-with-SHA384' ? 'sha384' : 'sha256';
}

/**
 * Signs the image with our firmware signing key. The Signer port signs a message (an HSM may
 * insist on hashing it itself), so the file is read whole: the upload limit bounds it.
 */
export async function signImageFile(signer: Signer, path: string): Promise<Uint8Array> {
  return signer.sign(new Uint8Array(await readFile(path)));
}

/** Decodes firmware.signature: strict base64 within the UpdateFirmware limit. */
export function decodeSignature(b64: string): Uint8Array {
  if (b64.length === 0 || b64.length > MAX_SIGNATURE_BASE64) throw new FirmwareError('FW_SIGNATURE_MALFORMED', `the signature must be 1 to ${MAX_SIGNATURE_BASE64} base64 characters (UpdateFirmwareRequest firmware.signature)`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new FirmwareError('FW_SIGNATURE_MALFORMED', 'the signature is not base64');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

/** True when `signature` is a valid signature over the file by the certificate's key; streamed. */
export async function verifyFileSignature(path: string, certificateDer: Uint8Array, signature: Uint8Array, hash: SignatureHash): Promise<boolean> {
  let key;
  try {
    key = new X509Certificate(certificateDer).publicKey;
  } catch {
    throw new FirmwareError('FW_CERTIFICATE_MALFORMED', 'the signing certificate cannot be read');
  }
  const verifier = createVerify(hash);
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) verifier.update(chunk as Buffer);
  try {
    return verifier.verify({ key, dsaEncoding: 'der' }, signature);
  } catch {
    // A signature that is not even a well-formed DER structure for this key type.
    return false;
  }
}
