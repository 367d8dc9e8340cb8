// A deterministic corpus of OCPP 2.0.1 payloads for one schema: valid payloads (minimal, full, maximal,
// seeded random, boundary values, every enum value) and mutations of a valid payload at every field,
// however deep. Each item carries the outcome the generator expects, so the test can check the
// generator against the official schema before comparing validators.
import type { PayloadKind } from '../../src/ocpp/schemas.js';
import {
  createRng, generateValue, resolveSchema, schemaType, seedFrom,
  type FillMode, type Json, type Schema,
} from './schema-values.js';

export const MUTATION_CLASSES = [
  'drop-required', 'unknown-property', 'wrong-type', 'null-value', 'over-maxLength', 'out-of-range',
  'invalid-enum', 'bad-date-time', 'below-minItems', 'over-maxItems', 'customData-invalid',
] as const;
export const VALID_CLASSES = [
  'valid-minimal', 'valid-full', 'valid-maximal', 'valid-random', 'valid-boundary', 'valid-enum',
  'valid-date-time', 'valid-maxItems', 'valid-extension', 'valid-customData', 'valid-any',
] as const;
export type CorpusClass = (typeof MUTATION_CLASSES)[number] | (typeof VALID_CLASSES)[number];

export interface CorpusItem {
  action: string;
  kind: PayloadKind;
  class: CorpusClass;
  expect: 'accept' | 'reject';
  /** JSON pointer of the mutated field ('' for the whole payload). */
  where: string;
  depth: number;
  payload: unknown;
}

type Path = (string | number)[];
interface Site { path: Path; node: Schema }

const RANDOM_VARIANTS = 5;
const BAD_DATE_TIMES = ['2024-13-01T00:00:00Z', '2023-02-29T10:00:00Z', '2024-01-01T10:00:00', '2024-01-01T25:00:00Z', 'yesterday', ''];
const GOOD_DATE_TIMES = ['2024-02-29T23:59:59.999+01:00', '2016-12-31T23:59:60Z', '2024-01-01T00:00:00.123456789-05:30'];

export function buildCorpus(action: string, kind: PayloadKind, root: Schema): CorpusItem[] {
  const items: CorpusItem[] = [];
  const rng = createRng(seedFrom(`${action}.${kind}`));
  const add = (cls: CorpusClass, path: Path, payload: unknown): void => {
    const expect = (VALID_CLASSES as readonly string[]).includes(cls) ? 'accept' : 'reject';
    items.push({ action, kind, class: cls, expect, where: pointer(path), depth: path.length, payload });
  };

  const fills: [FillMode, CorpusClass][] = [['minimal', 'valid-minimal'], ['full', 'valid-full'], ['maximal', 'valid-maximal']];
  for (const [mode, cls] of fills) add(cls, [], generateValue(root, root, mode, rng));
  for (let i = 0; i < RANDOM_VARIANTS; i++) add('valid-random', [], generateValue(root, root, 'random', rng));

  const base = generateValue(root, root, 'full', rng);
  const sites: Site[] = [];
  collectSites(root, root, base, [], sites);
  for (const site of sites) {
    const mutate = (cls: CorpusClass, value: unknown, path: Path = site.path): void => add(cls, path, replaceAt(base, path, value));
    mutateSite(root, site, valueAt(base, site.path), mutate, (cls, path) => add(cls, path, deleteAt(base, path)));
  }
  return items;
}

function mutateSite(
  root: Schema,
  { path, node }: Site,
  value: Json,
  mutate: (cls: CorpusClass, value: unknown, path?: Path) => void,
  drop: (cls: CorpusClass, path: Path) => void,
): void {
  const type = schemaType(node);
  if (type === 'any') {
    for (const any of [null, 'text', 7, [], { a: { b: [1] } }]) mutate('valid-any', any);
    return;
  }
  mutate('null-value', null);
  mutate('wrong-type', WRONG_TYPE[type]);
  if (type === 'object') {
    for (const name of (node['required'] ?? []) as string[]) drop('drop-required', [...path, name]);
    const closed = node['additionalProperties'] === false;
    mutate(closed ? 'unknown-property' : 'valid-extension', { ...(value as object), unknownField: 'x' });
    const properties = (node['properties'] ?? {}) as Record<string, unknown>;
    if (Object.hasOwn(properties, 'customData')) mutateCustomData(path, mutate);
  }
  if (type === 'string' && node['enum'] === undefined && node['format'] === undefined) {
    const max = node['maxLength'] as number | undefined;
    if (max !== undefined) {
      mutate('valid-boundary', 'y'.repeat(max));
      mutate('over-maxLength', 'y'.repeat(max + 1));
    }
    mutate('valid-boundary', '');
  }
  if (node['format'] === 'date-time') {
    for (const bad of BAD_DATE_TIMES) mutate('bad-date-time', bad);
    for (const good of GOOD_DATE_TIMES) mutate('valid-date-time', good);
  }
  if (Array.isArray(node['enum'])) {
    for (const choice of node['enum'] as Json[]) mutate('valid-enum', choice);
    mutate('invalid-enum', 'NotAnEnumValue');
    const first = node['enum'][0] as string;
    if (first.toLowerCase() !== first) mutate('invalid-enum', first.toLowerCase());
    // Values of the other enumerations in the same message: catches an enum that grew a value.
    const own = new Set(node['enum'] as Json[]);
    for (const other of enumPool(root).filter((v) => !own.has(v)).slice(0, 3)) mutate('invalid-enum', other);
  }
  if (type === 'integer' || type === 'number') mutateNumber(node, mutate);
  if (type === 'array') mutateArray(root, node, value as Json[], mutate);
}

function enumPool(root: Schema): Json[] {
  const definitions = Object.values((root['definitions'] ?? {}) as Record<string, Schema>);
  return [...new Set(definitions.flatMap((d) => (Array.isArray(d['enum']) ? (d['enum'] as Json[]) : [])))];
}

const WRONG_TYPE: Record<string, unknown> = {
  object: ['not', 'an', 'object'],
  array: { not: 'an array' },
  string: 12345,
  integer: 1.5,
  number: '1.5',
  boolean: 'true',
};

function mutateNumber(node: Schema, mutate: (cls: CorpusClass, value: unknown) => void): void {
  const min = node['minimum'] as number | undefined;
  const max = node['maximum'] as number | undefined;
  if (min !== undefined) {
    mutate('valid-boundary', min);
    mutate('out-of-range', min - 1);
  }
  if (max !== undefined) {
    mutate('valid-boundary', max);
    mutate('out-of-range', max + 1);
  }
  if (schemaType(node) === 'integer') mutate('wrong-type', '7');
}

function mutateArray(root: Schema, node: Schema, value: Json[], mutate: (cls: CorpusClass, value: unknown) => void): void {
  const min = (node['minItems'] as number | undefined) ?? 0;
  const max = node['maxItems'] as number | undefined;
  mutate(min > 0 ? 'below-minItems' : 'valid-boundary', []);
  const sample = value[0] ?? generateValue(root, node['items'] as Schema, 'full', createRng(1));
  if (max !== undefined) {
    mutate('valid-maxItems', Array.from({ length: max }, () => sample));
    mutate('over-maxItems', Array.from({ length: max + 1 }, () => sample));
  }
}

function mutateCustomData(path: Path, mutate: (cls: CorpusClass, value: unknown, path?: Path) => void): void {
  const at = [...path, 'customData'];
  mutate('valid-customData', { vendorId: 'com.example.vendor', extension: { nested: [1, 'two', null] }, flag: true }, at);
  mutate('valid-customData', { vendorId: 'v'.repeat(255) }, at);
  mutate('customData-invalid', {}, at);
  mutate('customData-invalid', { vendorId: 'v'.repeat(256) }, at);
  mutate('customData-invalid', { vendorId: 42 }, at);
  mutate('customData-invalid', 'com.example.vendor', at);
}

/** Every value of `base` together with its (resolved) schema; arrays are entered at their first item. */
function collectSites(root: Schema, schema: Schema, value: Json, path: Path, out: Site[]): void {
  const node = resolveSchema(root, schema);
  out.push({ path, node });
  if (schemaType(node) === 'any') return;
  if (Array.isArray(value)) {
    if (value.length > 0) collectSites(root, node['items'] as Schema, value[0]!, [...path, 0], out);
  } else if (value !== null && typeof value === 'object') {
    const properties = (node['properties'] ?? {}) as Record<string, Schema>;
    for (const [name, child] of Object.entries(value)) collectSites(root, properties[name]!, child, [...path, name], out);
  }
}

function valueAt(base: Json, path: Path): Json {
  let node: unknown = base;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node as Json;
}

function replaceAt(base: Json, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(base);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
  return copy;
}

function deleteAt(base: Json, path: Path): unknown {
  const copy = structuredClone(base);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  delete parent[path[path.length - 1]!];
  return copy;
}

function pointer(path: Path): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

