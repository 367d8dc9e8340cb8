// EST bodies on the wire (RFC 7030 4.2.1, 4.2.3; RFC 8951 3): base64 of DER, whatever the
// Content-Transfer-Encoding header says or omits. Requests may wrap lines (openssl base64 does);
// replies are wrapped at 64 characters with CRLF, as MIME wants (RFC 2045 6.8).
import { csrPemToDer } from '../../pki/csr/csr-pem.js';
import { EstError } from './est-error.js';

export const PKCS10 = 'application/pkcs10';
/** RFC 7030 4.1.3. */
export const CACERTS_TYPE = 'application/pkcs7-mime';
/** RFC 7030 4.2.3. */
export const CERTS_ONLY_TYPE = 'application/pkcs7-mime; smime-type=certs-only';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The media type without parameters, lower case ('' when absent). */
export function mediaType(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return (value ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

/** A request body as DER: base64 (whitespace ignored) or, leniently, one PEM CERTIFICATE REQUEST block. */
export function decodeBody(text: string): Uint8Array {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN ')) return csrPemToDer(trimmed);
  const body = trimmed.replace(/[ \t\r\n]+/g, '');
  if (body.length === 0) throw new EstError('EST_BAD_REQUEST', 'empty body');
  if (!BASE64.test(body)) throw new EstError('EST_BAD_REQUEST', 'the body is not base64');
  const der = Buffer.from(body, 'base64');
  return new Uint8Array(der.buffer, der.byteOffset, der.byteLength);
}

/** base64 in lines of 64 characters, CRLF after each. */
export function encodeBody(der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  return b64.replace(/.{1,64}/g, '$&\r\n');
}
