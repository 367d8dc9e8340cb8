// EXI 1.0 section 6 bit packing, 7.1 datatype representations and 7.3 string table partitions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BitReader } from '../../pki/exi/bit-reader.js';
import { BitWriter } from '../../pki/exi/bit-writer.js';
import { ExiError, type ExiErrorCode } from '../../pki/exi/exi-error.js';
import {
  bitsFor,
  readBinary,
  readBoolean,
  readCharacters,
  readEnumeration,
  readInteger,
  readUnsigned,
  readUnsignedBig,
  writeBinary,
  writeBoolean,
  writeEnumeration,
  writeInteger,
  writeUnsigned,
} from '../../pki/exi/primitives.js';
import { StringTable } from '../../pki/exi/string-table.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const written = (write: (w: BitWriter) => void): string => {
  const w = new BitWriter();
  write(w);
  return hex(w.toBytes());
};
const rejects = (code: ExiErrorCode, fn: () => unknown): void => {
  assert.throws(fn, (error: unknown) => error instanceof ExiError && error.code === code);
};

describe('bit packing (EXI 1.0 section 6)', () => {
  it('writes most significant bit first and pads the last byte with zeros', () => {
    assert.equal(written((w) => { w.writeBits(1, 1); w.writeBits(0, 1); w.writeBits(5, 3); }), 'a8');
    assert.equal(written((w) => { w.writeBits(0x2f, 7); w.writeBits(0x1ff, 9); }), '5fff');
  });

  it('reads values that straddle byte boundaries and refuses to read past the end', () => {
    const r = new BitReader(bytes('5fff'));
    assert.equal(r.readBits(7), 0x2f);
    assert.equal(r.readBits(9), 0x1ff);
    rejects('TRUNCATED', () => r.readBits(1));
  });

  it('reads whole octets at an unaligned position', () => {
    const r = new BitReader(bytes('1234567f'));
    r.readBits(4);
    assert.equal(hex(r.readBytes(3)), '234567');
  });

  it('sizes event codes as ceil(log2(n))', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 81, 245, 257].map(bitsFor), [0, 1, 2, 2, 3, 7, 8, 9]);
  });
});

describe('unsigned integers and integers (7.1.5, 7.1.6)', () => {
  it('writes 7-bit groups least significant first', () => {
    assert.equal(written((w) => writeUnsigned(w, 0)), '00');
    assert.equal(written((w) => writeUnsigned(w, 127)), '7f');
    assert.equal(written((w) => writeUnsigned(w, 128)), '8001');
    assert.equal(written((w) => writeUnsigned(w, 558)), 'ae04');
  });

  it('round-trips 160-bit serials and negative integers without leading zero groups', () => {
    for (const value of [0n, 1n, -1n, -128n, 0x1bbf6ed9f140747f87bf81d8d0d7e44a8d63b95an, -(1n << 159n)]) {
      const w = new BitWriter();
      writeInteger(w, value);
      const out = w.toBytes();
      assert.equal(readInteger(new BitReader(out)), value, String(value));
      // Minimal: the sign bit plus exactly ceil(bits(magnitude) / 7) groups, no zero high group.
      const magnitude = value < 0n ? -value - 1n : value;
      const groups = Math.max(1, Math.ceil(magnitude.toString(2).length / 7));
      assert.equal(out.length, groups + 1, String(value));
    }
  });

  it('encodes a negative integer as sign 1 and magnitude - 1', () => {
    assert.equal(written((w) => writeInteger(w, -1n)), '8000');
    assert.equal(written((w) => writeInteger(w, -2n)), '8080');
  });

  it('rejects unsigned integers longer than the limit and lengths beyond 2^31', () => {
    rejects('LIMIT_EXCEEDED', () => readUnsignedBig(new BitReader(new Uint8Array(100).fill(0xff))));
    rejects('LIMIT_EXCEEDED', () => readUnsigned(new BitReader(bytes('ffffffff0f'))));
    rejects('TRUNCATED', () => readUnsigned(new BitReader(bytes('ff'))));
  });
});

describe('binary, boolean, enumeration (7.1.1, 7.1.2, 7.1.9)', () => {
  it('writes a length then the octets', () => {
    assert.equal(written((w) => writeBinary(w, bytes('0a0b0c'))), '030a0b0c');
    assert.equal(hex(readBinary(new BitReader(bytes('030a0b0c')))), '0a0b0c');
  });

  it('refuses a length the stream cannot hold before allocating it', () => {
    rejects('TRUNCATED', () => readBinary(new BitReader(bytes('ffffff0701'))));
    rejects('LIMIT_EXCEEDED', () => readBinary(new BitReader(bytes('030a0b0c')), 2));
  });

  it('uses one bit for a boolean and n bits for an enumeration index', () => {
    assert.equal(written((w) => { writeBoolean(w, true); writeEnumeration(w, 25, 26); }), 'e4');
    const r = new BitReader(bytes('e4'));
    assert.equal(readBoolean(r), true);
    assert.equal(readEnumeration(r, 26), 25);
    rejects('BAD_VALUE', () => readEnumeration(new BitReader(bytes('f8')), 26));
  });

  it('rejects code points outside Unicode scalar values', () => {
    rejects('BAD_VALUE', () => readCharacters(new BitReader(bytes('ffff7f')), 1));
    rejects('BAD_VALUE', () => readCharacters(new BitReader(bytes('80b003')), 1));
    rejects('TRUNCATED', () => readCharacters(new BitReader(bytes('41')), 2));
  });
});

describe('string table value partitions (7.3)', () => {
  it('writes a literal as length + 2, then a local hit, then a global hit for another qname', () => {
    const table = new StringTable('partitions');
    const w = new BitWriter();
    table.write(w, 'a', 'xy'); // literal: 04 'x' 'y'
    table.write(w, 'a', 'xy'); // local hit: 00, 0 bits (one entry)
    table.write(w, 'b', 'xy'); // global hit: 01, 0 bits (one entry)
    assert.equal(hex(w.toBytes()), '0478790001');
    const reader = new StringTable();
    const r = new BitReader(w.toBytes());
    assert.deepEqual([reader.read(r, 'a'), reader.read(r, 'a'), reader.read(r, 'b')], ['xy', 'xy', 'xy']);
  });

  it('numbers compact identifiers with ceil(log2(size)) bits', () => {
    const table = new StringTable('partitions');
    const w = new BitWriter();
    for (const value of ['p', 'q', 'r']) table.write(w, 'a', value);
    table.write(w, 'a', 'r'); // local id 2 of 3 entries: 2 bits "10"
    const r = new BitReader(w.toBytes());
    const reader = new StringTable();
    assert.deepEqual([0, 1, 2, 3].map(() => reader.read(r, 'a')), ['p', 'q', 'r', 'r']);
    assert.equal(hex(w.toBytes()).slice(-4), '0080');
  });

  it('never adds the empty string and writes literals only in the ISO 15118-2 default', () => {
    const table = new StringTable('partitions');
    const w = new BitWriter();
    table.write(w, 'a', '');
    table.write(w, 'a', '');
    assert.equal(hex(w.toBytes()), '0202');
    const literal = new StringTable();
    const v = new BitWriter();
    literal.write(v, 'a', 'z');
    literal.write(v, 'a', 'z');
    assert.equal(hex(v.toBytes()), '037a037a');
  });

  it('rejects hits that point at nothing', () => {
    rejects('BAD_VALUE', () => new StringTable().read(new BitReader(bytes('00')), 'a'));
    rejects('BAD_VALUE', () => new StringTable().read(new BitReader(bytes('01')), 'a'));
  });
});
