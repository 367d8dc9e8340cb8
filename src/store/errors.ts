// The storage layer's one error type. Callers switch on `code`; the message is for logs only.

export type StoreErrorCode =
  | 'STORE_UNAVAILABLE' // cannot reach or open the database
  | 'STORE_CONFLICT' // unique or exclusion constraint
  | 'STORE_CONSTRAINT' // foreign key, not null, check
  | 'STORE_MIGRATION' // a migration failed or the schema is newer than this build
  | 'STORE_QUERY'; // anything else the database refused

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly sqlState?: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }

  static from(err: unknown): StoreError {
    if (err instanceof StoreError) return err;
    const e = err as { code?: unknown; message?: unknown };
    const state = typeof e.code === 'string' ? e.code : undefined;
    const message = typeof e.message === 'string' ? e.message : String(err);
    if (state === '23505' || state === '23P01') return new StoreError('STORE_CONFLICT', message, state);
    if (state?.startsWith('23')) return new StoreError('STORE_CONSTRAINT', message, state);
    if (state?.startsWith('08') || state === undefined) return new StoreError('STORE_UNAVAILABLE', message, state);
    return new StoreError('STORE_QUERY', message, state);
  }
}
