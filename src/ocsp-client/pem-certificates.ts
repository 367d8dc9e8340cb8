// PEM "CERTIFICATE" blocks (RFC 7468 5) to DER: the configured MO roots and OCSP issuer files, and
// the chain a charger sends in AuthorizeRequest.certificate.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import { readCertificateParts } from '../../pki/ocsp/cert-id.js';

const BLOCK = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The certificates of a PEM text, in order. Throws Error with a precise message when a block is
 * not strict base64 or not an X.509 certificate, when text other than whitespace sits between
 * blocks, or when there are more than `max` blocks.
 */
export function parsePemCertificates(text: string, max: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let last = 0;
  for (const m of text.matchAll(BLOCK)) {
    if (text.slice(last, m.index).trim() !== '') throw new Error(`unexpected text before certificate ${out.length + 1}`);
    last = m.index + m[0].length;
    if (out.length === max) throw new Error(`more than ${max} certificates`);
    const b64 = (m[1] ?? '').replace(/\s+/g, '');
    if (b64.length === 0 || b64.length % 4 !== 0 || !BASE64.test(b64)) throw new Error(`certificate ${out.length + 1} is not base64`);
    const der = new Uint8Array(Buffer.from(b64, 'base64'));
    try {
      readCertificateParts(der);
    } catch (err) {
      throw new Error(`certificate ${out.length + 1} is not an X.509 certificate: ${err instanceof Error ? err.message : String(err)}`);
    }
    out.push(der);
  }
  if (text.slice(last).trim() !== '') throw new Error(out.length === 0 ? 'no PEM certificate' : 'unexpected text after the last certificate');
  return out;
}

/** A configured PEM file of certificates; a missing, empty or bad file stops the start (ConfigError). */
export function readPemCertificateFile(setting: string, path: string): Uint8Array[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('CONFIG_FILE_UNREADABLE', [`${setting} ${path}: ${(err as Error).message}`]);
  }
  try {
    const certs = parsePemCertificates(text, 1000);
    if (certs.length === 0) throw new Error('no PEM certificate');
    return certs;
  } catch (err) {
    throw new ConfigError('CONFIG_INVALID', [`${setting} ${path}: ${(err as Error).message}`]);
  }
}
