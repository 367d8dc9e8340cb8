// Seeded mutation of DER inputs for the OCSP fuzz tests: a failure replays from its seed.
/** A small seeded PRNG (mulberry32), so a failure can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mutate(input: Uint8Array, rand: () => number, donors: readonly Uint8Array[]): Uint8Array {
  const int = (n: number): number => Math.floor(rand() * n);
  let b = Uint8Array.from(input);
  const rounds = 1 + int(4);
  for (let r = 0; r < rounds; r++) {
    const pos = int(Math.max(1, b.length));
    switch (int(9)) {
      case 0: // flip one bit
        if (b.length) b[pos] = (b[pos] as number) ^ (1 << int(8));
        break;
      case 1: // an interesting byte
        if (b.length) b[pos] = [0x00, 0x80, 0x81, 0x82, 0x84, 0xff, 0x7f, 0x30, 0xa0][int(9)] as number;
        break;
      case 2: // insert a random byte
        b = Uint8Array.from([...b.subarray(0, pos), int(256), ...b.subarray(pos)]);
        break;
      case 3: // delete a range
        b = Uint8Array.from([...b.subarray(0, pos), ...b.subarray(pos + 1 + int(8))]);
        break;
      case 4: // truncate
        b = b.slice(0, pos);
        break;
      case 5: // duplicate a slice
        b = Uint8Array.from([...b.subarray(0, pos), ...b.subarray(pos, pos + int(16)), ...b.subarray(pos)]);
        break;
      case 6: // nudge a byte (often a length)
        if (b.length) b[pos] = ((b[pos] as number) + (rand() < 0.5 ? 1 : 255)) & 0xff;
        break;
      case 7: {
        // splice a piece of another valid request in
        const d = donors[int(donors.length)] as Uint8Array;
        const from = int(d.length);
        b = Uint8Array.from([...b.subarray(0, pos), ...d.subarray(from, from + 1 + int(40)), ...b.subarray(pos + int(20))]);
        break;
      }
      default: // random bytes over a range
        for (let i = pos; i < Math.min(b.length, pos + 1 + int(6)); i++) b[i] = int(256);
    }
  }
  return b;
}
