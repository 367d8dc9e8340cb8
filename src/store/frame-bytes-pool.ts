// Storage for the frame log's per-station buffers, reused from one flush to the next. Each flush
// used to leave every busy station's buffers (1 KiB doubling to 32 KiB) behind as garbage. They
// outlive the database write that follows, so they are promoted, and their bytes, held outside the
// JavaScript heap, count against V8's external-memory budget: at a few tens of thousands of frames
// per second that alone started a full collection of the whole heap every 10 s or so, a 200 ms
// stretch of slow answers for every station. Reused, they cost nothing after the first flushes.

/** Buffers are pooled in power-of-two sizes from 2^MIN_SHIFT to 2^MAX_SHIFT bytes. */
const MIN_SHIFT = 10;
const MAX_SHIFT = 16;

export class FrameBytesPool {
  /** Free buffers by size class: index i holds buffers of 2^(MIN_SHIFT + i) bytes. */
  private readonly free: Buffer[][] = Array.from({ length: MAX_SHIFT - MIN_SHIFT + 1 }, () => []);
  private pooled = 0;

  /** maxPooledBytes: free storage kept at most; what is given back beyond it is left to the GC. */
  constructor(private readonly maxPooledBytes: number) {}

  /** Bytes held for reuse now. */
  get pooledBytes(): number {
    return this.pooled;
  }

  /** A buffer of at least `minBytes` (its contents are whatever it held before). */
  take(minBytes: number): Buffer {
    const shift = sizeShift(minBytes);
    if (shift > MAX_SHIFT) return Buffer.allocUnsafeSlow(minBytes);
    const b = this.free[shift - MIN_SHIFT]!.pop();
    if (b) {
      this.pooled -= b.length;
      return b;
    }
    // A buffer of its own, not a slice of Node's shared pool, so that giving it back keeps exactly
    // its own bytes alive.
    return Buffer.allocUnsafeSlow(1 << shift);
  }

  /** Gives a buffer from take() back; its owner must not touch it again. */
  give(b: Buffer): void {
    const shift = sizeShift(b.length);
    if (shift > MAX_SHIFT || b.length !== 1 << shift || this.pooled + b.length > this.maxPooledBytes) return;
    this.free[shift - MIN_SHIFT]!.push(b);
    this.pooled += b.length;
  }
}

/** The smallest size class that holds n bytes. */
function sizeShift(n: number): number {
  let shift = MIN_SHIFT;
  while (1 << shift < n) shift++;
  return shift;
}
