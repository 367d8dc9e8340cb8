// EXI 1.0 section 7.1: the built-in datatype representations the ISO 15118-2 certificate messages
// use. Every length is checked against what the remaining stream could still hold, so hostile
// input cannot make us allocate more than the input's own size.
import type { BitReader } from './bit-reader.js';
import type { BitWriter } from './bit-writer.js';
import { ExiError } from './exi-error.js';

// Number of bits for an n-bit unsigned integer distinguishing `count` alternatives (7.1.9, 6.2).
export const bitsFor = (count: number): number => (count <= 1 ? 0 : Math.ceil(Math.log2(count)));

// Largest unsigned integer we accept as a length or count: 2^31 is far beyond any stream we read.
const MAX_SAFE_UNSIGNED = 2 ** 31;
// X509SerialNumber and other xs:integer values: RFC 5280 serials are at most 20 octets; allow 64.
const MAX_INTEGER_BITS = 64 * 8;

// 7.1.6 Unsigned Integer: 7-bit groups, least significant first, high bit set on all but the last.
export function readUnsignedBig(reader: BitReader, maxBits = MAX_INTEGER_BITS): bigint {
  let value = 0n;
  let shift = 0n;
  for (;;) {
    const octet = reader.readBits(8);
    value |= BigInt(octet & 0x7f) << shift;
    shift += 7n;
    if ((octet & 0x80) === 0) return value;
    if (shift >= BigInt(maxBits)) throw new ExiError('LIMIT_EXCEEDED', 'unsigned integer too long');
  }
}

export function readUnsigned(reader: BitReader): number {
  const value = readUnsignedBig(reader, 35);
  if (value > BigInt(MAX_SAFE_UNSIGNED)) throw new ExiError('LIMIT_EXCEEDED', 'unsigned integer too large');
  return Number(value);
}

export function writeUnsigned(writer: BitWriter, value: number | bigint): void {
  // Lengths and string-table ids are small numbers: no BigInt on that path.
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    let small = value;
    for (;;) {
      const group = small % 128;
      small = Math.floor(small / 128);
      writer.writeBits(small === 0 ? group : group | 0x80, 8);
      if (small === 0) return;
    }
  }
  let rest = BigInt(value);
  if (rest < 0n) throw new ExiError('INVALID_MESSAGE', 'unsigned integer is negative');
  for (;;) {
    const group = Number(rest & 0x7fn);
    rest >>= 7n;
    writer.writeBits(rest === 0n ? group : group | 0x80, 8);
    if (rest === 0n) return;
  }
}

// 7.1.5 Integer: a sign bit, then the magnitude as an unsigned integer; negative values carry
// magnitude - 1 so that every value has exactly one encoding.
export function readInteger(reader: BitReader): bigint {
  const negative = reader.readBits(1) === 1;
  const magnitude = readUnsignedBig(reader);
  return negative ? -(magnitude + 1n) : magnitude;
}

export function writeInteger(writer: BitWriter, value: bigint): void {
  if (typeof value !== 'bigint') throw new ExiError('INVALID_MESSAGE', 'integer value is not a bigint');
  if (value < 0n) {
    writer.writeBits(1, 1);
    writeUnsigned(writer, -value - 1n);
  } else {
    writer.writeBits(0, 1);
    writeUnsigned(writer, value);
  }
}

// 7.1.2 Boolean without pattern facets: one bit.
export const readBoolean = (reader: BitReader): boolean => reader.readBits(1) === 1;
export const writeBoolean = (writer: BitWriter, value: boolean): void => writer.writeBits(value ? 1 : 0, 1);

// 7.1.1 Binary (base64Binary and hexBinary alike): a length, then the octets.
export function readBinary(reader: BitReader, maxLength = Number.MAX_SAFE_INTEGER): Uint8Array {
  const length = readUnsigned(reader);
  if (length * 8 > reader.remainingBits()) throw new ExiError('TRUNCATED', 'binary value longer than the stream');
  if (length > maxLength) throw new ExiError('LIMIT_EXCEEDED', `binary value of ${length} octets exceeds ${maxLength}`);
  return reader.readBytes(length);
}

export function writeBinary(writer: BitWriter, value: Uint8Array, maxLength = Number.MAX_SAFE_INTEGER): void {
  if (!(value instanceof Uint8Array)) throw new ExiError('INVALID_MESSAGE', 'binary value is not a Uint8Array');
  if (value.length > maxLength) throw new ExiError('INVALID_MESSAGE', `binary value of ${value.length} octets exceeds ${maxLength}`);
  writeUnsigned(writer, value.length);
  writer.writeBytes(value);
}

// 7.1.8 n-bit Unsigned Integer, as used for enumerations (7.1.9) and bounded integers.
export function readEnumeration(reader: BitReader, count: number): number {
  const index = reader.readBits(bitsFor(count));
  if (index >= count) throw new ExiError('BAD_VALUE', `enumeration index ${index} out of ${count}`);
  return index;
}

export function writeEnumeration(writer: BitWriter, index: number, count: number): void {
  writer.writeBits(index, bitsFor(count));
}

// 7.1.10 String characters: each a code point as an unsigned integer (no restricted character set
// applies: none of the string types used here has a pattern facet).
export function readCharacters(reader: BitReader, length: number): string {
  // Every character takes at least 8 bits: refuse lengths the stream cannot hold before allocating.
  if (length * 8 > reader.remainingBits()) throw new ExiError('TRUNCATED', 'string longer than the stream');
  let out = '';
  for (let i = 0; i < length; i += 1) {
    const codePoint = readUnsigned(reader);
    if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      throw new ExiError('BAD_VALUE', `invalid code point ${codePoint}`);
    }
    out += String.fromCodePoint(codePoint);
  }
  return out;
}

export function writeCharacters(writer: BitWriter, value: string): void {
  for (const char of value) writeUnsigned(writer, char.codePointAt(0) ?? 0);
}

export const codePointLength = (value: string): number => [...value].length;
