// A small deterministic generator of valid values for the subset of JSON Schema that the OCPP 2.0.1
// schemas use. It refuses schemas with keywords it does not understand, so a new constraint in the
// official files cannot make the corpus silently wrong.

export type Schema = Record<string, unknown>;
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Rng = () => number;

/** Fill modes: `minimal` = required fields only, shortest values; `full` = every optional field, short
 *  values; `maximal` = every optional field, strings at maxLength, numbers at their bounds. */
export type FillMode = 'minimal' | 'full' | 'maximal' | 'random';

const UNDERSTOOD = new Set([
  '$schema', '$id', '$ref', 'comment', 'javaType', 'description', 'default', 'definitions',
  'type', 'properties', 'required', 'additionalProperties', 'enum', 'format',
  'items', 'additionalItems', 'minItems', 'maxItems', 'maxLength', 'minimum', 'maximum',
]);

/** mulberry32: tiny, seedable, good enough to vary test data reproducibly. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedFrom(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Follows local `#/definitions/X` references against the root schema, checking keywords on the way. */
export function resolveSchema(root: Schema, schema: Schema): Schema {
  let node = schema;
  for (let hops = 0; typeof node['$ref'] === 'string'; hops++) {
    const ref = node['$ref'];
    const match = /^#\/definitions\/(\w+)$/.exec(ref);
    const target = match === null ? undefined : (root['definitions'] as Record<string, Schema> | undefined)?.[match[1]!];
    if (target === undefined || hops > 10) throw new Error(`cannot resolve $ref ${ref}`);
    node = target;
  }
  for (const key of Object.keys(node)) {
    if (!UNDERSTOOD.has(key)) throw new Error(`generator does not understand keyword "${key}"`);
  }
  return node;
}

/** The single JSON type of a schema node; 'any' for an unconstrained node (DataTransfer.data). */
export function schemaType(schema: Schema): string {
  const type = schema['type'];
  if (type === undefined && Object.keys(schema).every((k) => k === 'description')) return 'any';
  if (typeof type !== 'string') throw new Error(`generator needs a single "type", got ${JSON.stringify(type)}`);
  return type;
}

const ANY_VALUES: readonly Json[] = ['text', 42, 0.5, true, null, [1, 'a'], { vendorField: { nested: [] } }];

export function generateValue(root: Schema, schema: Schema, mode: FillMode, rng: Rng, depth = 0): Json {
  if (depth > 20) throw new Error('schema nesting too deep (recursive schema?)');
  const node = resolveSchema(root, schema);
  const choices = node['enum'] as Json[] | undefined;
  if (choices !== undefined) {
    if (mode === 'minimal') return choices[0]!;
    if (mode === 'maximal') return choices[choices.length - 1]!;
    return choices[Math.floor(rng() * choices.length)]!;
  }
  switch (schemaType(node)) {
    case 'object': return generateObject(root, node, mode, rng, depth);
    case 'array': return generateArray(root, node, mode, rng, depth);
    case 'string': return generateString(node, mode, rng);
    case 'integer': return generateNumber(node, mode, rng, true);
    case 'number': return generateNumber(node, mode, rng, false);
    case 'boolean': return mode === 'minimal' ? false : mode === 'maximal' ? true : rng() < 0.5;
    case 'any': return ANY_VALUES[Math.floor(rng() * ANY_VALUES.length)]!;
    default: throw new Error(`unsupported type ${schemaType(node)}`);
  }
}

function generateObject(root: Schema, node: Schema, mode: FillMode, rng: Rng, depth: number): Json {
  const properties = (node['properties'] ?? {}) as Record<string, Schema>;
  const required = new Set((node['required'] ?? []) as string[]);
  const out: { [key: string]: Json } = {};
  for (const [name, sub] of Object.entries(properties)) {
    const include = required.has(name) || mode === 'full' || mode === 'maximal' || (mode === 'random' && rng() < 0.5);
    if (include) out[name] = generateValue(root, sub, mode, rng, depth + 1);
  }
  return out;
}

function generateArray(root: Schema, node: Schema, mode: FillMode, rng: Rng, depth: number): Json {
  const min = (node['minItems'] as number | undefined) ?? 0;
  const max = (node['maxItems'] as number | undefined) ?? Infinity;
  const wanted = mode === 'minimal' ? min : mode === 'full' ? 1 : mode === 'maximal' ? 2 : min + Math.floor(rng() * 3);
  const count = Math.max(min, Math.min(max, wanted));
  const items = node['items'] as Schema;
  return Array.from({ length: count }, () => generateValue(root, items, mode, rng, depth + 1));
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:';

export function randomString(length: number, rng: Rng): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(rng() * ALPHABET.length)];
  return s;
}

function generateString(node: Schema, mode: FillMode, rng: Rng): string {
  if (node['format'] === 'date-time') return randomDateTime(rng);
  if (node['format'] !== undefined) throw new Error(`unsupported format ${JSON.stringify(node['format'])}`);
  const max = (node['maxLength'] as number | undefined) ?? 64;
  const length = mode === 'minimal' ? 0 : mode === 'maximal' ? max : Math.min(max, 1 + Math.floor(rng() * 12));
  return randomString(length, rng);
}

function generateNumber(node: Schema, mode: FillMode, rng: Rng, integer: boolean): number {
  const min = (node['minimum'] as number | undefined) ?? (integer ? -1000 : -1000.5);
  const max = (node['maximum'] as number | undefined) ?? (integer ? 100000 : 100000.25);
  if (mode === 'minimal') return node['minimum'] !== undefined ? min : 0;
  if (mode === 'maximal') return max;
  const value = min + rng() * (max - min);
  return integer ? Math.floor(value) : Math.round(value * 1000) / 1000;
}

/** RFC 3339 date-times, with Z or a numeric offset and 0-3 fractional digits. */
export function randomDateTime(rng: Rng): string {
  const ms = Date.UTC(2000, 0, 1) + Math.floor(rng() * 40 * 365 * 86400) * 1000 + Math.floor(rng() * 1000);
  const iso = new Date(ms).toISOString(); // 2024-05-06T07:08:09.123Z
  const pick = Math.floor(rng() * 3);
  if (pick === 0) return iso;
  if (pick === 1) return `${iso.slice(0, 19)}Z`;
  return `${iso.slice(0, 23)}+02:00`;
}
