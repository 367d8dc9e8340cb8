// Bit-packed alignment (EXI 1.0 section 6): most significant bit first, the last byte padded with
// zero bits.
export class BitWriter {
  private buffer = new Uint8Array(256);
  private position = 0;

  // `count` <= 32 low bits of a non-negative `value` (below 2^32, so `>>>` reads it whole).
  writeBits(value: number, count: number): void {
    this.ensure(this.position + count);
    let left = count;
    while (left > 0) {
      const offset = this.position & 7;
      const take = left < 8 - offset ? left : 8 - offset;
      const chunk = (value >>> (left - take)) & ((1 << take) - 1);
      const index = this.position >>> 3;
      this.buffer[index] = (this.buffer[index] ?? 0) | (chunk << (8 - offset - take));
      this.position += take;
      left -= take;
    }
  }

  writeByte(value: number): void {
    this.writeBits(value & 0xff, 8);
  }

  // Octets in a row (binary values, 7.1.6): copied when aligned, shifted across byte borders otherwise.
  writeBytes(bytes: Uint8Array): void {
    this.ensure(this.position + bytes.length * 8);
    const offset = this.position & 7;
    let index = this.position >>> 3;
    if (offset === 0) this.buffer.set(bytes, index);
    else {
      const buffer = this.buffer;
      for (const octet of bytes) {
        buffer[index] = (buffer[index] ?? 0) | (octet >>> offset);
        index++;
        buffer[index] = (octet << (8 - offset)) & 0xff;
      }
    }
    this.position += bytes.length * 8;
  }

  toBytes(): Uint8Array {
    return this.buffer.slice(0, Math.ceil(this.position / 8));
  }

  private ensure(bits: number): void {
    if (bits <= this.buffer.length * 8) return;
    let size = this.buffer.length * 2;
    while (size * 8 < bits) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer);
    this.buffer = next;
  }
}
