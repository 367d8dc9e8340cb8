// The runtime schemas (ocpp-rpc + schema-patches.ts) must accept and reject exactly what the official
// OCA OCPP 2.0.1 schemas do. Both sides use the same Ajv configuration and format implementations
// (createOcppAjv), so any disagreement is a difference in schema content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ValidateFunction } from 'ajv';
import { OCPP201_ACTIONS, type Ocpp201Action } from '../../src/ocpp/actions.js';
import { createOcppAjv, loadOcppSchemas, type OcppValidator, type PayloadKind } from '../../src/ocpp/schemas.js';
import { SCHEMA_PATCHES } from '../../src/ocpp/schema-patches.js';
import { buildCorpus, MUTATION_CLASSES, type CorpusItem } from '../helpers/payload-corpus.js';
import { readOfficialSchemas } from '../helpers/schema-official.js';

const KINDS: readonly PayloadKind[] = ['request', 'response'];

interface Fixture {
  corpus: CorpusItem[];
  official: Map<string, ValidateFunction>;
}

let fixture: Fixture | undefined;

function load(): Fixture {
  if (fixture !== undefined) return fixture;
  const ajv = createOcppAjv();
  const official = new Map<string, ValidateFunction>();
  const corpus: CorpusItem[] = [];
  for (const { action, kind, schema } of readOfficialSchemas()) {
    official.set(`${action}.${kind}`, ajv.compile(schema));
    corpus.push(...buildCorpus(action, kind, schema));
  }
  fixture = { corpus, official };
  return fixture;
}

function officialAccepts(f: Fixture, item: CorpusItem): boolean {
  const validate = f.official.get(`${item.action}.${item.kind}`);
  assert.ok(validate, `no official schema for ${item.action} ${item.kind}`);
  return validate(item.payload);
}

function runtimeAccepts(v: OcppValidator, item: CorpusItem): boolean {
  return v.validate(item.action as Ocpp201Action, item.kind, item.payload) === null;
}

function describeItem(item: CorpusItem, official: boolean, runtime?: boolean): string {
  const verdict = (ok: boolean): string => (ok ? 'accepts' : 'rejects');
  const rt = runtime === undefined ? '' : `, runtime ${verdict(runtime)}`;
  return `${item.action} ${item.kind} ${item.class} at "${item.where}": official ${verdict(official)}${rt}`;
}

function disagreements(f: Fixture, validator: OcppValidator): string[] {
  const out: string[] = [];
  for (const item of f.corpus) {
    const official = officialAccepts(f, item);
    const runtime = runtimeAccepts(validator, item);
    if (official !== runtime) out.push(describeItem(item, official, runtime));
  }
  return out;
}

test('the corpus covers every action in both directions with several thousand items', (t) => {
  const f = load();
  for (const action of OCPP201_ACTIONS) {
    for (const kind of KINDS) {
      assert.ok(f.corpus.some((i) => i.action === action && i.kind === kind), `no corpus items for ${action} ${kind}`);
    }
  }
  const valid = f.corpus.filter((i) => i.expect === 'accept').length;
  t.diagnostic(`corpus: ${f.corpus.length} payloads (${valid} valid, ${f.corpus.length - valid} mutated)`);
  assert.ok(f.corpus.length > 3000, `corpus too small: ${f.corpus.length}`);
});

test('the generator is right: the official schemas accept every valid item and reject every mutation', () => {
  const f = load();
  const wrong = f.corpus
    .filter((item) => officialAccepts(f, item) !== (item.expect === 'accept'))
    .map((item) => describeItem(item, !(item.expect === 'accept')));
  assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} items where the generator's expectation is wrong`);
});

test('every mutation class is rejected at least once, also in fields nested three levels deep', () => {
  const f = load();
  for (const cls of MUTATION_CLASSES) {
    const rejected = f.corpus.filter((i) => i.class === cls && !officialAccepts(f, i));
    assert.ok(rejected.length > 0, `mutation class ${cls} never rejected`);
  }
  const deep = f.corpus.filter((i) => i.expect === 'reject' && i.depth >= 3 && !officialAccepts(f, i));
  assert.ok(deep.length > 100, `only ${deep.length} rejected mutations at depth >= 3`);
});

test('runtime validator (ocpp-rpc schemas + patches) agrees with the official schemas on every item', (t) => {
  const f = load();
  const started = performance.now();
  const found = disagreements(f, loadOcppSchemas());
  t.diagnostic(`compared ${f.corpus.length} payloads in ${Math.round(performance.now() - started)} ms`);
  assert.deepEqual(found.slice(0, 20), [], `${found.length} disagreements`);
});

test('without the patches, the corpus finds exactly the deviations the patches fix', () => {
  const f = load();
  const found = disagreements(f, loadOcppSchemas({ patches: [] }));
  const patched = SCHEMA_PATCHES.map((p) => {
    const match = /^urn:(\w+)\.(req|conf)$/.exec(p.schemaId);
    assert.ok(match, `unexpected patch id ${p.schemaId}`);
    return `${match[1]} ${match[2] === 'req' ? 'request' : 'response'} `;
  });
  for (const prefix of patched) {
    assert.ok(found.some((d) => d.startsWith(prefix)), `patch for ${prefix.trim()} changes no corpus result`);
  }
  const unexplained = found.filter((d) => !patched.some((prefix) => d.startsWith(prefix)));
  assert.deepEqual(unexplained, []);
});
