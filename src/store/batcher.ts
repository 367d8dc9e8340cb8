// Batches independent items into one statement: concurrent issuances share their round trips to
// the database. One batch runs at a time; items that arrive meanwhile form the next one. Each
// item gets its own result or its own error.

export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export class Batcher<I, O> {
  private queue: { item: I; resolve: (v: O) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    /** Must return one outcome per item, in order; a throw fails the whole batch. */
    private readonly run: (items: I[]) => Promise<BatchOutcome<O>[]>,
    private readonly maxBatch = 200,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const taken = this.queue.splice(0, this.maxBatch);
      try {
        const outcomes = await this.run(taken.map((t) => t.item));
        taken.forEach((t, i) => {
          const o = outcomes[i];
          if (!o) t.reject(new Error('batch returned no outcome for an item'));
          else if (o.ok) t.resolve(o.value);
          else t.reject(o.error);
        });
      } catch (err) {
        for (const t of taken) t.reject(err);
      }
    }
    this.running = false;
  }
}
