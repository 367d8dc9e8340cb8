import { ExiError } from './exi-error.js';

// Bit-packed alignment (EXI 1.0 section 6): values are read most significant bit first.
export class BitReader {
  private position = 0;
  constructor(private readonly bytes: Uint8Array) {}

  remainingBits(): number {
    return this.bytes.length * 8 - this.position;
  }

  readBits(count: number): number {
    if (count === 0) return 0;
    if (count > 32) throw new ExiError('LIMIT_EXCEEDED', `cannot read ${count} bits at once`);
    if (count > this.remainingBits()) throw new ExiError('TRUNCATED', 'stream ended inside a value');
    let value = 0;
    let left = count;
    while (left > 0) {
      const offset = this.position & 7;
      const take = Math.min(left, 8 - offset);
      const byte = this.bytes[this.position >>> 3] ?? 0;
      const chunk = (byte >>> (8 - offset - take)) & ((1 << take) - 1);
      value = value * (1 << take) + chunk;
      this.position += take;
      left -= take;
    }
    return value;
  }

  readByte(): number {
    return this.readBits(8);
  }

  // `length` octets at the current bit position; the caller has checked they fit.
  readBytes(length: number): Uint8Array {
    if (length * 8 > this.remainingBits()) throw new ExiError('TRUNCATED', 'stream ended inside a binary value');
    const offset = this.position & 7;
    const start = this.position >>> 3;
    this.position += length * 8;
    if (offset === 0) return this.bytes.slice(start, start + length);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 1) {
      const high = this.bytes[start + i] ?? 0;
      const low = this.bytes[start + i + 1] ?? 0;
      out[i] = ((high << offset) | (low >>> (8 - offset))) & 0xff;
    }
    return out;
  }
}
