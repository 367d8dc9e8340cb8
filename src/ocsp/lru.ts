// A size-bounded map with approximately-least-recently-used eviction, on Map's insertion order:
// an insert past the bound drops the first entry. A hit moves its entry to the end only when it
// has drifted out of the newest quarter, so a hot entry costs one Map look-up, not a delete and a set
// (the cached OCSP path is a handful of operations per request; this was one of the larger).
// `onRemove` (eviction, replacement, delete; not clear) lets owners keep indexes.
interface Slot<V> {
  value: V;
  /** Value of `ticks` when the entry was last moved to the end. */
  stamp: number;
}

export class LruMap<K, V> {
  private readonly map = new Map<K, Slot<V>>();
  private ticks = 0;
  constructor(
    readonly capacity: number,
    private readonly onRemove?: (key: K, value: V) => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The value, kept from eviction as recently used. */
  get(key: K): V | undefined {
    const slot = this.map.get(key);
    if (!slot) return undefined;
    if (this.ticks - slot.stamp > Math.floor(this.capacity / 4)) {
      this.map.delete(key);
      slot.stamp = ++this.ticks;
      this.map.set(key, slot);
    }
    return slot.value;
  }

  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    const old = this.map.get(key);
    if (old) {
      this.map.delete(key);
      if (old.value !== value) this.onRemove?.(key, old.value);
    }
    this.map.set(key, { value, stamp: ++this.ticks });
    while (this.map.size > this.capacity) {
      const first = this.map.entries().next();
      if (first.done) break;
      this.map.delete(first.value[0]);
      this.onRemove?.(first.value[0], first.value[1].value);
    }
  }

  delete(key: K): void {
    const slot = this.map.get(key);
    if (!slot) return;
    this.map.delete(key);
    this.onRemove?.(key, slot.value);
  }

  clear(): void {
    this.map.clear();
  }
}
