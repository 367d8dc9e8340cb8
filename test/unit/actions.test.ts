// OCPP201_ACTIONS is the list the router is checked against; it must be exactly the set of actions for
// which both the runtime schemas and the official OCA schemas define a request and a response.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CS_TO_CSMS_ACTIONS, CSMS_TO_CS_ACTIONS, isOcpp201Action, OCPP201_ACTIONS } from '../../src/ocpp/actions.js';
import { loadOcppSchemas, readRuntimeSchemas } from '../../src/ocpp/schemas.js';
import { OCA_SCHEMAS_ENV, officialSchemaDir, readOfficialSchemas } from '../helpers/schema-official.js';

function sorted(names: Iterable<string>): string[] {
  return [...new Set(names)].sort();
}

/** Actions having both directions, and the names seen in only one direction. */
function pairUp(entries: { action: string; kind: string }[]): { both: string[]; unpaired: string[] } {
  const kinds = new Map<string, Set<string>>();
  for (const { action, kind } of entries) kinds.set(action, (kinds.get(action) ?? new Set()).add(kind));
  const both = [...kinds].filter(([, k]) => k.size === 2).map(([a]) => a);
  const unpaired = [...kinds].filter(([, k]) => k.size !== 2).map(([a]) => a);
  return { both: sorted(both), unpaired };
}

test('OCPP201_ACTIONS is sorted and has no duplicates', () => {
  assert.deepEqual([...OCPP201_ACTIONS], sorted(OCPP201_ACTIONS));
});

test('OCPP201_ACTIONS equals the actions of the runtime schema file (ocpp-rpc)', () => {
  const entries = readRuntimeSchemas().map((s) => {
    const match = /^urn:(\w+)\.(req|conf)$/.exec(String(s['$id']));
    assert.ok(match, `unexpected $id ${String(s['$id'])}`);
    return { action: match[1]!, kind: match[2]! };
  });
  const { both, unpaired } = pairUp(entries);
  assert.deepEqual(unpaired, []);
  assert.deepEqual(both, [...OCPP201_ACTIONS]);
  assert.equal(entries.length, both.length * 2, 'a schema appears twice');
});

test('OCPP201_ACTIONS equals the actions of the official OCA schema directory', () => {
  const { both, unpaired } = pairUp(readOfficialSchemas());
  assert.deepEqual(unpaired, []);
  assert.deepEqual(both, [...OCPP201_ACTIONS]);
});

test('the two directions cover every action, and only DataTransfer goes both ways', () => {
  assert.deepEqual([...CS_TO_CSMS_ACTIONS], sorted(CS_TO_CSMS_ACTIONS));
  assert.deepEqual([...CSMS_TO_CS_ACTIONS], sorted(CSMS_TO_CS_ACTIONS));
  assert.deepEqual(sorted([...CS_TO_CSMS_ACTIONS, ...CSMS_TO_CS_ACTIONS]), [...OCPP201_ACTIONS]);
  const csmsToCs = new Set<string>(CSMS_TO_CS_ACTIONS);
  assert.deepEqual(CS_TO_CSMS_ACTIONS.filter((a) => csmsToCs.has(a)), ['DataTransfer']);
});

test('hasAction accepts the 2.0.1 names only, including inherited object keys', () => {
  const validator = loadOcppSchemas();
  for (const action of OCPP201_ACTIONS) assert.equal(validator.hasAction(action), true, action);
  for (const name of ['', 'heartbeat', 'StartTransaction', 'GetDiagnostics', 'toString', '__proto__', 'constructor']) {
    assert.equal(validator.hasAction(name), false, name);
    assert.equal(isOcpp201Action(name), false, name);
  }
});

test('a missing official schema directory fails and says where it looked', () => {
  const saved = process.env[OCA_SCHEMAS_ENV];
  process.env[OCA_SCHEMAS_ENV] = '/nonexistent/oca-schemas';
  try {
    assert.throws(() => officialSchemaDir(), /not found at \/nonexistent\/oca-schemas \(from PLUGTRUST_OCA_SCHEMAS_DIR\)/);
  } finally {
    if (saved === undefined) delete process.env[OCA_SCHEMAS_ENV];
    else process.env[OCA_SCHEMAS_ENV] = saved;
  }
});

test('every runtime schema compiles (they are compiled on first use at run time)', () => {
  const validator = loadOcppSchemas({ eager: true });
  assert.equal(validator.validate('Heartbeat', 'request', {}), null);
  assert.equal(validator.validate('Heartbeat', 'response', {})?.code, 'OccurrenceConstraintViolation');
});
