// A minimal DER writer for the structures we build on hot paths (certificates, OCSP responses,
// CRLs). Hand-built DER is ~14x faster than a generic ASN.1 object model here, which is what lets
// issuance and OCSP reach their targets. Everything returns Uint8Array; nothing is mutated later.
import { PkiError } from '../errors.js';

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  ENUMERATED: 0x0a,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

/** One TLV with the given tag byte around the concatenation of `parts`. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const head = lengthBytes(len);
  const out = new Uint8Array(1 + head.length + len);
  out[0] = tag;
  out.set(head, 1);
  let at = 1 + head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const seq = (...parts: Uint8Array[]): Uint8Array => tlv(TAG.SEQUENCE, ...parts);

/** SET OF: DER requires the encodings in ascending byte order (X.690 11.6). */
export function setOf(...parts: Uint8Array[]): Uint8Array {
  return tlv(TAG.SET, ...[...parts].sort(compareBytes));
}

/** [n] EXPLICIT, constructed context tag. */
export const explicit = (n: number, ...parts: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...parts);
/** [n] IMPLICIT over a primitive value. */
export const implicitPrimitive = (n: number, content: Uint8Array): Uint8Array => tlv(0x80 | n, content);
/** [n] IMPLICIT over a constructed value (its contents, without the original tag). */
export const implicitConstructed = (n: number, ...parts: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...parts);

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** INTEGER from a non-negative bigint or number, minimally encoded (X.690 8.3.2). */
export function integer(value: bigint | number): Uint8Array {
  return tlv(TAG.INTEGER, integerContent(BigInt(value)));
}

export function integerContent(v: bigint): Uint8Array {
  if (v < 0n) throw new PkiError('MALFORMED_DER', 'negative INTEGER values are not written here');
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = hexToBytes(hex);
  if ((bytes[0] as number) & 0x80) bytes = concat(Uint8Array.of(0), bytes);
  return bytes;
}

/** INTEGER whose content octets are given (already minimal, e.g. a stored serial). */
export const integerBytes = (content: Uint8Array): Uint8Array => tlv(TAG.INTEGER, content);

export const enumerated = (n: number): Uint8Array => tlv(TAG.ENUMERATED, integerContent(BigInt(n)));
export const boolean = (v: boolean): Uint8Array => Uint8Array.of(TAG.BOOLEAN, 1, v ? 0xff : 0);
export const nullValue = (): Uint8Array => Uint8Array.of(TAG.NULL, 0);
export const octetString = (b: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, b);
/** BIT STRING with no unused bits. */
export const bitString = (b: Uint8Array): Uint8Array => tlv(TAG.BIT_STRING, Uint8Array.of(0), b);

const utf8 = new TextEncoder();
export const utf8String = (s: string): Uint8Array => tlv(TAG.UTF8_STRING, utf8.encode(s));
export const printableString = (s: string): Uint8Array => tlv(TAG.PRINTABLE_STRING, utf8.encode(s));
export const ia5String = (s: string): Uint8Array => tlv(TAG.IA5_STRING, utf8.encode(s));

/**
 * A named bit list (keyUsage) as DER: trailing zero bits removed, unused-bits count set
 * (X.690 11.2.2). `bits` are bit numbers, 0 = most significant bit of the first octet.
 */
export function namedBits(bits: readonly number[]): Uint8Array {
  if (bits.length === 0) return Uint8Array.of(TAG.BIT_STRING, 1, 0);
  const max = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(max / 8) + 1);
  for (const b of bits) bytes[b >> 3] = (bytes[b >> 3] as number) | (0x80 >> (b & 7));
  const unused = 7 - (max & 7);
  return tlv(TAG.BIT_STRING, Uint8Array.of(unused), bytes);
}

const oidCache = new Map<string, Uint8Array>();

export function oid(dotted: string): Uint8Array {
  const hit = oidCache.get(dotted);
  if (hit) return hit;
  const arcs = dotted.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new PkiError('MALFORMED_DER', `bad OID ${dotted}`);
  const content: number[] = [];
  const first = (arcs[0] as bigint) * 40n + (arcs[1] as bigint);
  for (const arc of [first, ...arcs.slice(2)]) {
    const chunk: number[] = [];
    let v = arc;
    do {
      chunk.unshift(Number(v & 0x7fn));
      v >>= 7n;
    } while (v > 0n);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] = (chunk[i] as number) | 0x80;
    content.push(...chunk);
  }
  const out = tlv(TAG.OID, Uint8Array.from(content));
  oidCache.set(dotted, out);
  return out;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; seconds, Zulu, no fractions. */
export function time(at: Date): Uint8Array {
  const y = at.getUTCFullYear();
  const rest = `${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(TAG.UTC_TIME, utf8.encode(`${pad(y % 100)}${rest}`));
  return generalizedTime(at);
}

/** GeneralizedTime without fractions (RFC 5280 4.1.2.5.2, RFC 6960 responses). */
export function generalizedTime(at: Date): Uint8Array {
  return tlv(TAG.GENERALIZED_TIME, utf8.encode(`${pad(at.getUTCFullYear(), 4)}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}Z`));
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 || /[^0-9a-f]/i.test(hex)) throw new PkiError('MALFORMED_DER', 'not a hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}
