// Deterministic hostile inputs for the EXI decoder: mutations of real streams and random bytes.
export type Random = () => number;

// mulberry32: a small seeded PRNG so a failing case can be replayed from its seed and index.
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (random: Random, below: number): number => Math.floor(random() * below);

export function mutate(random: Random, base: Uint8Array): Uint8Array {
  const kind = int(random, 6);
  const out = Uint8Array.from(base);
  switch (kind) {
    case 0: {
      // Flip a few bits, biased towards the structure at the start of the stream.
      const flips = 1 + int(random, 3);
      for (let i = 0; i < flips; i += 1) {
        const bit = random() < 0.5 ? int(random, Math.min(out.length * 8, 400)) : int(random, out.length * 8);
        out[bit >>> 3] = (out[bit >>> 3] ?? 0) ^ (0x80 >>> (bit & 7));
      }
      return out;
    }
    case 1:
      return out.subarray(0, int(random, out.length));
    case 2: {
      const at = int(random, out.length);
      out[at] = int(random, 256);
      return out;
    }
    case 3: {
      const at = int(random, out.length);
      return Uint8Array.of(...out.subarray(0, at), int(random, 256), ...out.subarray(at));
    }
    case 4: {
      const at = int(random, out.length);
      return Uint8Array.of(...out.subarray(0, at), ...out.subarray(at + 1 + int(random, 8)));
    }
    default: {
      // Set a run of bytes to 0xff: long continuation chains in lengths and integers.
      const at = int(random, out.length);
      out.fill(0xff, at, at + 1 + int(random, 40));
      return out;
    }
  }
}

export function randomStream(random: Random): Uint8Array {
  const out = new Uint8Array(int(random, 96));
  for (let i = 0; i < out.length; i += 1) out[i] = int(random, 256);
  // Most random streams should get past the header and the document code to reach the grammars.
  if (out.length > 1 && random() < 0.8) {
    out[0] = 0x80;
    out[1] = (76 << 1) | (out[1]! & 1);
  }
  return out;
}
