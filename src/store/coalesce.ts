// Coalesces concurrent single-key operations into one batched statement: during a reconnect
// storm, thousands of "look up station X" become a handful of "look up these stations" queries.
// Requests that arrive while a batch is running form the next batch.

export class Coalescer<K, V> {
  private waiting = new Map<K, { resolve: (v: V) => void; reject: (e: unknown) => void }[]>();
  private running = false;

  constructor(
    private readonly batch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly missing: V,
    // Each batch's callers resume in one task: a small batch keeps the event loop responsive when
    // each of them goes on to do real work (a WebSocket handshake, a BootNotification answer).
    private readonly maxBatch = 100,
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const list = this.waiting.get(key);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.size > 0) {
      const taken = new Map<K, { resolve: (v: V) => void; reject: (e: unknown) => void }[]>();
      for (const [k, v] of this.waiting) {
        if (taken.size >= this.maxBatch) break;
        taken.set(k, v);
        this.waiting.delete(k);
      }
      try {
        const found = await this.batch([...taken.keys()]);
        for (const [k, waiters] of taken) for (const w of waiters) w.resolve(found.has(k) ? (found.get(k) as V) : this.missing);
      } catch (err) {
        for (const waiters of taken.values()) for (const w of waiters) w.reject(err);
      }
    }
    this.running = false;
  }
}
