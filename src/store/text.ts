// PostgreSQL text and jsonb cannot hold NUL (U+0000). Strings from stations and API clients may;
// stored, each NUL becomes U+FFFD, so that one hostile value can neither fail its own request
// nor, in a batched statement, anybody else's.

const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

export function pgText<T extends string | null | undefined>(value: T): T {
  return (typeof value === 'string' && value.includes(NUL) ? value.replaceAll(NUL, REPLACEMENT) : value) as T;
}

/** JSON for a json/jsonb parameter, with every string's NULs replaced. */
export function pgJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? pgText(v) : v));
}

/** A key containing NUL cannot have been stored: callers answer "not found" without a query. */
export function hasNul(value: string): boolean {
  return value.includes(NUL);
}
