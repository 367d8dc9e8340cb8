// A size-bounded map with least-recently-used eviction, on Map's insertion order: a hit moves the
// entry to the end, an insert past the bound drops the first. `onRemove` (eviction, replacement, delete; not clear) lets owners keep indexes.
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(
    readonly capacity: number,
    private readonly onRemove?: (key: K, value: V) => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** The value, marked as most recently used. */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      if (old !== value) this.onRemove?.(key, old);
    }
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const first = this.map.entries().next();
      if (first.done) break;
      this.map.delete(first.value[0]);
      this.onRemove?.(first.value[0], first.value[1]);
    }
  }

  delete(key: K): void {
    const v = this.map.get(key);
    if (v === undefined) return;
    this.map.delete(key);
    this.onRemove?.(key, v);
  }

  clear(): void {
    this.map.clear();
  }
}
