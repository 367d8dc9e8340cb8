// A strict DER reader: definite, minimal lengths only, every read bounded by its parent. It never
// copies: a node points into the input. Malformed input raises PkiError('MALFORMED_DER') and
// nothing else, whatever the bytes.
import { PkiError } from '../errors.js';
import { TAG } from './writer.js';

export interface DerNode {
  /** The identifier octet (we support single-octet tags only, which is all X.509 needs). */
  tag: number;
  /** The whole encoding: tag, length, contents. */
  der: Uint8Array;
  /** The contents octets. */
  content: Uint8Array;
}

const fail = (what: string): never => {
  throw new PkiError('MALFORMED_DER', what);
};

/** Reads one TLV at `offset` of `buf`; returns it and the offset after it. */
export function readNode(buf: Uint8Array, offset = 0): { node: DerNode; next: number } {
  if (offset + 2 > buf.length) fail('truncated TLV header');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail('multi-octet tags are not supported');
  let len = buf[offset + 1] as number;
  let at = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) fail('indefinite length is not DER');
    if (n > 4) fail('length too large');
    if (at + n > buf.length) fail('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[at + i] as number);
    if (buf[at] === 0 || len < 0x80) fail('length not minimally encoded');
    at += n;
  }
  const end = at + len;
  if (end > buf.length) fail('content runs past its container');
  return { node: { tag, der: buf.subarray(offset, end), content: buf.subarray(at, end) }, next: end };
}

/** Parses exactly one TLV covering all of `buf`. */
export function parseDer(buf: Uint8Array): DerNode {
  const { node, next } = readNode(buf, 0);
  if (next !== buf.length) fail('trailing bytes after the DER value');
  return node;
}

/** The children of a constructed node. */
export function children(node: DerNode): DerNode[] {
  if (!(node.tag & 0x20)) fail(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  let at = 0;
  while (at < node.content.length) {
    const { node: child, next } = readNode(node.content, at);
    out.push(child);
    at = next;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) return fail(`${what}: missing`);
  if (node.tag !== tag) fail(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  return node;
}

/** A SEQUENCE's children, checked for tag. */
export function sequence(node: DerNode | undefined, what: string): DerNode[] {
  return children(expectTag(node, TAG.SEQUENCE, what));
}

export function readOid(node: DerNode | undefined, what = 'OID'): string {
  const n = expectTag(node, TAG.OID, what);
  const c = n.content;
  if (c.length === 0 || (c[c.length - 1] as number) & 0x80) fail(`${what}: bad encoding`);
  const arcs: bigint[] = [];
  let v = 0n;
  for (let i = 0; i < c.length; i++) {
    const b = c[i] as number;
    if (v === 0n && b === 0x80) fail(`${what}: non-minimal arc`);
    v = (v << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(v);
      v = 0n;
    }
  }
  const first = arcs[0] as bigint;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

/** INTEGER as bigint (two's complement). */
export function readInteger(node: DerNode | undefined, what = 'INTEGER'): bigint {
  const c = expectTag(node, TAG.INTEGER, what).content;
  if (c.length === 0) fail(`${what}: empty`);
  if (c.length > 1 && ((c[0] === 0 && !((c[1] as number) & 0x80)) || (c[0] === 0xff && (c[1] as number) & 0x80))) fail(`${what}: not minimally encoded`);
  let v = 0n;
  for (const b of c) v = (v << 8n) | BigInt(b);
  if ((c[0] as number) & 0x80) v -= 1n << BigInt(c.length * 8);
  return v;
}

/** A small INTEGER as number (versions, path lengths); rejects values beyond 2^31. */
export function readSmallInteger(node: DerNode | undefined, what = 'INTEGER'): number {
  const v = readInteger(node, what);
  if (v > 0x7fffffffn || v < -0x80000000n) fail(`${what}: out of range`);
  return Number(v);
}

export function readBoolean(node: DerNode | undefined, what = 'BOOLEAN'): boolean {
  const c = expectTag(node, TAG.BOOLEAN, what).content;
  if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) fail(`${what}: not DER`);
  return c[0] === 0xff;
}

/** BIT STRING contents without the unused-bits octet; `unused` tells how many trailing bits pad. */
export function readBitString(node: DerNode | undefined, what = 'BIT STRING'): { bytes: Uint8Array; unused: number } {
  const c = expectTag(node, TAG.BIT_STRING, what).content;
  if (c.length === 0) fail(`${what}: empty`);
  const unused = c[0] as number;
  if (unused > 7 || (c.length === 1 && unused !== 0)) fail(`${what}: bad unused-bits count`);
  return { bytes: c.subarray(1), unused };
}

/** The set bit numbers of a named bit list (0 = most significant bit of the first octet). */
export function readNamedBits(node: DerNode | undefined, what = 'BIT STRING'): Set<number> {
  const { bytes, unused } = readBitString(node, what);
  const out = new Set<number>();
  const total = bytes.length * 8 - unused;
  for (let i = 0; i < total; i++) if ((bytes[i >> 3] as number) & (0x80 >> (i & 7))) out.add(i);
  return out;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Any of the string types used in names, decoded. */
export function readString(node: DerNode | undefined, what = 'string'): string {
  if (!node) return fail(`${what}: missing`);
  try {
    return utf8Decoder.decode(node.content);
  } catch {
    return fail(`${what}: not valid UTF-8`);
  }
}

/** UTCTime or GeneralizedTime, the forms RFC 5280 allows (Zulu, seconds, no fractions). */
export function readTime(node: DerNode | undefined, what = 'time'): Date {
  if (!node) return fail(`${what}: missing`);
  const s = readString(node, what);
  let m: RegExpMatchArray | null;
  let year: number;
  if (node.tag === TAG.UTC_TIME) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m) return fail(`${what}: bad UTCTime`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (node.tag === TAG.GENERALIZED_TIME) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m) return fail(`${what}: bad GeneralizedTime`);
    year = Number(m[1]);
  } else return fail(`${what}: not a time`);
  const [mo, d, h, mi, se] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const at = new Date(Date.UTC(year, mo - 1, d, h, mi, se));
  if (at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) fail(`${what}: not a calendar time`);
  return at;
}
