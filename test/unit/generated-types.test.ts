// src/ocpp/types/ocpp201.ts is generated from the patched runtime schemas and checked in. These tests
// fail when it is stale, when an action lacks its types, and when the generator would paper over a
// conflict between schemas. The type-level assertions at the end are checked by `npm run typecheck`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { OCPP201_ACTIONS, type Ocpp201Action } from '../../src/ocpp/actions.js';
import type { JsonObject } from '../../src/ocpp/schema-patches.js';
import {
  GENERATED_HEADER,
  GENERATED_TYPES_FILE,
  generateOcpp201Types,
  loadPatchedRuntimeSchemas,
} from '../../src/ocpp/types/generate.js';
import type {
  BootNotificationRequest,
  CustomDataType,
  DataTransferRequest,
  Get15118EVCertificateResponse,
  NotifyEventRequest,
  Ocpp201Requests,
  Ocpp201Responses,
  RegistrationStatusEnumType,
} from '../../src/ocpp/types/ocpp201.js';

const STALE = 'src/ocpp/types/ocpp201.ts is out of date with the OCPP 2.0.1 schemas: run `npm run gen:types`';

function checkedIn(): string {
  return readFileSync(GENERATED_TYPES_FILE, 'utf8');
}

function firstDifferentLine(a: string, b: string): string {
  const left = a.split('\n');
  const right = b.split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) {
      return `line ${i + 1}:\n  checked in: ${JSON.stringify(left[i])}\n  generated:  ${JSON.stringify(right[i])}`;
    }
  }
  return 'no line differs';
}

test('the checked-in ocpp201.ts is what the generator produces from the patched runtime schemas', () => {
  const generated = generateOcpp201Types(loadPatchedRuntimeSchemas());
  const current = checkedIn();
  if (current !== generated) assert.fail(`${STALE}\n${firstDifferentLine(current, generated)}`);
});

test('ocpp201.ts starts with the generated-file header', () => {
  assert.ok(checkedIn().startsWith(`${GENERATED_HEADER}\n`));
});

test('every OCPP 2.0.1 action has exported Request and Response interfaces and map entries', () => {
  const text = checkedIn();
  const missing: string[] = [];
  for (const action of OCPP201_ACTIONS) {
    for (const name of [`${action}Request`, `${action}Response`]) {
      if (!text.includes(`\nexport interface ${name} {\n`)) missing.push(name);
    }
    if (!section(text, 'Ocpp201Requests').includes(`\n  ${action}: ${action}Request;\n`)) missing.push(`Ocpp201Requests.${action}`);
    if (!section(text, 'Ocpp201Responses').includes(`\n  ${action}: ${action}Response;\n`)) missing.push(`Ocpp201Responses.${action}`);
  }
  assert.deepEqual(missing, [], STALE);
});

function section(text: string, interfaceName: string): string {
  const start = text.indexOf(`\nexport interface ${interfaceName} {\n`);
  assert.notEqual(start, -1, `no interface ${interfaceName}`);
  return text.slice(start, text.indexOf('\n}\n', start) + 3);
}

test('the output does not depend on the order of the schemas', () => {
  const schemas = loadPatchedRuntimeSchemas();
  assert.equal(generateOcpp201Types([...schemas].reverse()), generateOcpp201Types(schemas));
});

test('generation does not mutate its input', () => {
  const schemas = loadPatchedRuntimeSchemas();
  const before = JSON.stringify(schemas);
  generateOcpp201Types(schemas);
  assert.equal(JSON.stringify(schemas), before);
});

test('the patched constraint is what ends up in the types (Get15118EVCertificate exiResponse)', () => {
  const text = checkedIn();
  const body = text.slice(text.indexOf('export interface Get15118EVCertificateResponse {'));
  const exi = body.slice(0, body.indexOf('exiResponse:'));
  assert.match(exi.slice(exi.lastIndexOf('/**')), /@maxLength 7500/);
});

// --- The generator refuses what it cannot express --------------------------------------------------

function pair(action: string, requestDefs: JsonObject, responseDefs: JsonObject = {}): JsonObject[] {
  const message = (kind: string, definitions: JsonObject): JsonObject => ({
    $id: `urn:${action}.${kind}`,
    $schema: 'http://json-schema.org/draft-07/schema',
    type: 'object',
    additionalProperties: false,
    definitions,
    properties: Object.fromEntries(Object.keys(definitions).map((d) => [d.charAt(0).toLowerCase() + d.slice(1), { $ref: `#/definitions/${d}` }])),
  });
  return [message('req', requestDefs), message('conf', responseDefs)];
}

test('a definition defined differently in two schemas fails generation, naming both', () => {
  const a = pair('Alpha', { StatusEnumType: { type: 'string', enum: ['Accepted', 'Rejected'] } });
  const b = pair('Beta', { StatusEnumType: { type: 'string', enum: ['Accepted', 'Rejected', 'Pending'] } });
  assert.throws(() => generateOcpp201Types([...a, ...b]), (err: Error) => {
    assert.match(err.message, /definition StatusEnumType differs between urn:Alpha\.req and urn:Beta\.req/);
    return true;
  });
});

test('copies that differ only in description are one type, documented only where they agree', () => {
  const a = pair('Alpha', { StatusEnumType: { description: 'Status of Alpha.', type: 'string', enum: ['Accepted'] } });
  const b = pair('Beta', { StatusEnumType: { description: 'Status of Beta.', type: 'string', enum: ['Accepted'] } });
  const text = generateOcpp201Types([...a, ...b]);
  assert.match(text, /\nexport type StatusEnumType = 'Accepted';\n/);
  assert.doesNotMatch(text, /\/\*\* Status of Alpha\. \*\/\nexport type/);
  // Each action's own property carries its schema's description.
  assert.match(text, /export interface AlphaRequest \{\n {2}\/\*\* Status of Alpha\. \*\/\n {2}statusEnumType\?: StatusEnumType;/);
  assert.match(text, /export interface BetaRequest \{\n {2}\/\*\* Status of Beta\. \*\/\n {2}statusEnumType\?: StatusEnumType;/);
});

test('unsupported keywords, unresolved $refs and unpaired schemas fail generation', () => {
  assert.throws(() => generateOcpp201Types(pair('Alpha', { XType: { type: 'string', pattern: '^a' } })), /unsupported JSON Schema keyword "pattern"/);
  assert.throws(
    () => generateOcpp201Types(pair('Alpha', { XType: { type: 'object', properties: { y: { $ref: '#/definitions/YType' } } } })),
    /\$ref #\/definitions\/YType is not defined/,
  );
  const [request] = pair('Alpha', {});
  assert.ok(request);
  assert.throws(() => generateOcpp201Types([request]), /urn:Alpha\.req has no matching urn:Alpha\.conf/);
});

// --- Type-level checks (tsc) ---------------------------------------------------------------------

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const requestMapCoversActions: Equal<keyof Ocpp201Requests, Ocpp201Action> = true;
const responseMapCoversActions: Equal<keyof Ocpp201Responses, Ocpp201Action> = true;
const iccidIsOptionalString: Equal<NonNullable<BootNotificationRequest['chargingStation']['modem']>['iccid'], string | undefined> = true;
const causeIsOptionalNumber: Equal<NotifyEventRequest['eventData'][number]['cause'], number | undefined> = true;
const tbcIsOptionalBoolean: Equal<NotifyEventRequest['tbc'], boolean | undefined> = true;
const registrationStatus: Equal<RegistrationStatusEnumType, 'Accepted' | 'Pending' | 'Rejected'> = true;
const dataIsAnyJson: Equal<DataTransferRequest['data'], unknown> = true;
const exiResponseIsString: Equal<Get15118EVCertificateResponse['exiResponse'], string> = true;

test('type-level assertions hold (compile-time; see npm run typecheck)', () => {
  assert.deepEqual(
    [requestMapCoversActions, responseMapCoversActions, iccidIsOptionalString, causeIsOptionalNumber, tbcIsOptionalBoolean, registrationStatus, dataIsAnyJson, exiResponseIsString],
    [true, true, true, true, true, true, true, true],
  );

  const boot: BootNotificationRequest = {
    reason: 'PowerUp',
    chargingStation: { model: 'M', vendorName: 'V', modem: { iccid: '8931' } },
  };
  // @ts-expect-error exactOptionalPropertyTypes: an optional property is absent, never undefined
  const explicitUndefined: BootNotificationRequest = { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V', modem: { iccid: undefined } } };
  // @ts-expect-error additionalProperties false: no unknown properties on a message
  const unknownProperty: BootNotificationRequest = { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' }, extra: 1 };
  // @ts-expect-error not a BootReasonEnumType member
  const badReason: BootNotificationRequest = { reason: 'Coffee', chargingStation: { model: 'M', vendorName: 'V' } };
  // CustomDataType alone is open for vendor extensions.
  const custom: CustomDataType = { vendorId: 'com.example', anything: { nested: true } };
  const event: NotifyEventRequest = {
    generatedAt: '2024-01-01T00:00:00Z',
    seqNo: 0,
    eventData: [{ eventId: 1, timestamp: '2024-01-01T00:00:00Z', trigger: 'Alerting', actualValue: 'x', eventNotificationType: 'HardWiredNotification', component: { name: 'C' }, variable: { name: 'V' } }],
  };
  assert.equal(boot.chargingStation.modem?.iccid, '8931');
  assert.equal(event.eventData[0]?.cause, undefined);
  assert.equal(event.tbc, undefined);
  assert.ok(explicitUndefined && unknownProperty && badReason && custom);
});
