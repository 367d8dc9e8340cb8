// The ajv keyword -> OCPP error code table, exercised entry by entry. Keywords the 2.0.1 schemas use are
// triggered with real payloads through the runtime validator; the others (which no 2.0.1 schema can
// raise today) with the smallest schema that makes ajv report them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv, type ErrorObject } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Ocpp201Action } from '../../src/ocpp/actions.js';
import { createOcppAjv, loadOcppSchemas, readRuntimeSchemas, type PayloadKind } from '../../src/ocpp/schemas.js';
import {
  AJV_KEYWORD_TO_OCPP_ERROR, OCPP_ERROR_CODES, violationFromAjvErrors, type OcppErrorCode,
} from '../../src/ocpp/validation-errors.js';
import { readOfficialSchemas } from '../helpers/schema-official.js';

interface RealCase {
  name: string;
  keyword: string;
  code: OcppErrorCode;
  action: Ocpp201Action;
  kind: PayloadKind;
  payload: unknown;
  at: string;
}

const station = { model: 'SuperCharger', vendorName: 'VendorX' };
const ocspData = { hashAlgorithm: 'SHA256', issuerNameHash: 'a1', issuerKeyHash: 'b2', serialNumber: '03', responderURL: 'http://ocsp.example' };
const evNeeds = (dc: object): object => ({ evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'DC', dcChargingParameters: { evMaxCurrent: 200, evMaxVoltage: 800, ...dc } } });

// Keywords that occur in the OCPP 2.0.1 schemas: a real message, the runtime validator, the wire code.
const REAL_CASES: RealCase[] = [
  { name: 'string_field_given_number', keyword: 'type', code: 'TypeConstraintViolation', action: 'BootNotification', kind: 'request', payload: { reason: 'PowerUp', chargingStation: { ...station, model: 12 } }, at: '/chargingStation/model' },
  { name: 'integer_field_given_fraction', keyword: 'type', code: 'TypeConstraintViolation', action: 'ChangeAvailability', kind: 'request', payload: { operationalStatus: 'Operative', evse: { id: 1.5 } }, at: '/evse/id' },
  { name: 'payload_is_an_array', keyword: 'type', code: 'TypeConstraintViolation', action: 'Heartbeat', kind: 'request', payload: [], at: '' },
  { name: 'date_time_not_rfc3339', keyword: 'format', code: 'TypeConstraintViolation', action: 'Heartbeat', kind: 'response', payload: { currentTime: '2024-02-30T10:00:00Z' }, at: '/currentTime' },
  { name: 'mandatory_field_missing', keyword: 'required', code: 'OccurrenceConstraintViolation', action: 'BootNotification', kind: 'request', payload: { chargingStation: station }, at: '' },
  { name: 'nested_mandatory_field_missing', keyword: 'required', code: 'OccurrenceConstraintViolation', action: 'BootNotification', kind: 'request', payload: { reason: 'PowerUp', chargingStation: { model: 'm' } }, at: '/chargingStation' },
  { name: 'unknown_field', keyword: 'additionalProperties', code: 'OccurrenceConstraintViolation', action: 'Heartbeat', kind: 'request', payload: { unexpected: true }, at: '' },
  { name: 'empty_hash_data_list', keyword: 'minItems', code: 'OccurrenceConstraintViolation', action: 'Authorize', kind: 'request', payload: { idToken: { idToken: 'AB12', type: 'ISO14443' }, iso15118CertificateHashData: [] }, at: '/iso15118CertificateHashData' },
  { name: 'five_hash_data_entries', keyword: 'maxItems', code: 'OccurrenceConstraintViolation', action: 'Authorize', kind: 'request', payload: { idToken: { idToken: 'AB12', type: 'ISO14443' }, iso15118CertificateHashData: Array(5).fill(ocspData) }, at: '/iso15118CertificateHashData' },
  { name: 'unknown_enum_value', keyword: 'enum', code: 'PropertyConstraintViolation', action: 'BootNotification', kind: 'request', payload: { reason: 'Rebooted', chargingStation: station }, at: '/reason' },
  { name: 'model_one_char_too_long', keyword: 'maxLength', code: 'PropertyConstraintViolation', action: 'BootNotification', kind: 'request', payload: { reason: 'PowerUp', chargingStation: { ...station, model: 'M'.repeat(21) } }, at: '/chargingStation/model' },
  { name: 'state_of_charge_negative', keyword: 'minimum', code: 'PropertyConstraintViolation', action: 'NotifyEVChargingNeeds', kind: 'request', payload: evNeeds({ stateOfCharge: -1 }), at: '/chargingNeeds/dcChargingParameters/stateOfCharge' },
  { name: 'state_of_charge_over_100', keyword: 'maximum', code: 'PropertyConstraintViolation', action: 'NotifyEVChargingNeeds', kind: 'request', payload: evNeeds({ stateOfCharge: 101 }), at: '/chargingNeeds/dcChargingParameters/stateOfCharge' },
];

interface SyntheticCase {
  keyword: string;
  code: OcppErrorCode;
  draft: '07' | '2020';
  /** ajv with allErrors: false stops at a failing `then` before adding the `if` error. */
  allErrors?: true;
  schema: object;
  data: unknown;
}

// Keywords no 2.0.1 schema uses; a future schema or an API schema could. Real ajv errors all the same.
const SYNTHETIC_CASES: SyntheticCase[] = [
  { keyword: 'const', code: 'PropertyConstraintViolation', draft: '07', schema: { const: 'A' }, data: 'B' },
  { keyword: 'minLength', code: 'PropertyConstraintViolation', draft: '07', schema: { minLength: 2 }, data: 'x' },
  { keyword: 'exclusiveMaximum', code: 'PropertyConstraintViolation', draft: '07', schema: { exclusiveMaximum: 5 }, data: 5 },
  { keyword: 'exclusiveMinimum', code: 'PropertyConstraintViolation', draft: '07', schema: { exclusiveMinimum: 5 }, data: 5 },
  { keyword: 'multipleOf', code: 'PropertyConstraintViolation', draft: '07', schema: { multipleOf: 0.1 }, data: 0.15 },
  { keyword: 'pattern', code: 'PropertyConstraintViolation', draft: '07', schema: { pattern: '^[0-9]+$' }, data: '12a' },
  { keyword: 'uniqueItems', code: 'PropertyConstraintViolation', draft: '07', schema: { uniqueItems: true }, data: [1, 1] },
  { keyword: 'propertyNames', code: 'PropertyConstraintViolation', draft: '07', schema: { propertyNames: { maxLength: 3 } }, data: { long: 1 } },
  { keyword: 'minProperties', code: 'OccurrenceConstraintViolation', draft: '07', schema: { minProperties: 1 }, data: {} },
  { keyword: 'maxProperties', code: 'OccurrenceConstraintViolation', draft: '07', schema: { maxProperties: 1 }, data: { a: 1, b: 2 } },
  { keyword: 'dependencies', code: 'OccurrenceConstraintViolation', draft: '07', schema: { dependencies: { a: ['b'] } }, data: { a: 1 } },
  { keyword: 'additionalItems', code: 'OccurrenceConstraintViolation', draft: '07', schema: { items: [{}], minItems: 1, additionalItems: false }, data: [1, 2] },
  { keyword: 'contains', code: 'OccurrenceConstraintViolation', draft: '07', schema: { contains: { const: 1 } }, data: [2] },
  { keyword: 'dependentRequired', code: 'OccurrenceConstraintViolation', draft: '2020', schema: { dependentRequired: { a: ['b'] } }, data: { a: 1 } },
  { keyword: 'items', code: 'OccurrenceConstraintViolation', draft: '2020', schema: { prefixItems: [{}], items: false }, data: [1, 2] },
  { keyword: 'unevaluatedProperties', code: 'OccurrenceConstraintViolation', draft: '2020', schema: { unevaluatedProperties: false }, data: { a: 1 } },
  { keyword: 'unevaluatedItems', code: 'OccurrenceConstraintViolation', draft: '2020', schema: { unevaluatedItems: false }, data: [1] },
  { keyword: 'anyOf', code: 'FormatViolation', draft: '07', schema: { anyOf: [{ type: 'string' }, { type: 'number' }] }, data: true },
  { keyword: 'oneOf', code: 'FormatViolation', draft: '07', schema: { oneOf: [{ type: 'number' }, { type: 'integer' }] }, data: 1 },
  { keyword: 'not', code: 'FormatViolation', draft: '07', schema: { not: { type: 'string' } }, data: 'x' },
  { keyword: 'if', code: 'FormatViolation', draft: '07', allErrors: true, schema: { if: { type: 'string' }, then: { maxLength: 1 } }, data: 'xy' },
  { keyword: 'false schema', code: 'FormatViolation', draft: '07', schema: { properties: { a: false } }, data: { a: 1 } },
  { keyword: 'discriminator', code: 'FormatViolation', draft: '2020', schema: { type: 'object', discriminator: { propertyName: 'kind' }, required: ['kind'], oneOf: [{ properties: { kind: { const: 'a' } } }] }, data: { kind: 'b' } },
];

/** Keys of a schema node that are structure or annotation and can never be an ajv error keyword. */
const NEVER_AN_ERROR = new Set(['$schema', '$id', '$ref', 'definitions', 'properties', 'description', 'default', 'comment', 'javaType']);

function keywordsUsed(schema: unknown, out: Map<string, unknown[]>): void {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return;
  for (const [key, value] of Object.entries(schema)) {
    out.set(key, [...(out.get(key) ?? []), schema]);
    if (key === 'properties' || key === 'definitions') {
      for (const sub of Object.values(value as object)) keywordsUsed(sub, out);
    } else if (key === 'items' || key === 'additionalProperties' || key === 'additionalItems') {
      keywordsUsed(value, out);
    }
  }
}

function allSchemaKeywords(): Map<string, unknown[]> {
  const used = new Map<string, unknown[]>();
  for (const schema of readRuntimeSchemas()) keywordsUsed(schema, used);
  for (const { schema } of readOfficialSchemas()) keywordsUsed(schema, used);
  return used;
}

function syntheticErrors(c: SyntheticCase): ErrorObject[] {
  const ajv = c.allErrors
    ? new Ajv({ strict: false, allErrors: true })
    : c.draft === '07' ? createOcppAjv() : new Ajv2020({ strict: false, discriminator: true });
  const validate = ajv.compile(c.schema);
  assert.equal(validate(c.data), false, `${c.keyword}: sample data should be invalid`);
  return validate.errors ?? [];
}

const validator = loadOcppSchemas();

for (const c of REAL_CASES) {
  test(`${c.action} ${c.kind} ${c.name} -> ${c.keyword} -> ${c.code}`, () => {
    const violation = validator.validate(c.action, c.kind, c.payload);
    assert.ok(violation, 'payload should be rejected');
    assert.equal(violation.details[0]?.keyword, c.keyword);
    assert.equal(violation.details[0]?.instancePath, c.at);
    assert.equal(violation.code, c.code);
  });
}

for (const c of SYNTHETIC_CASES) {
  test(`${c.keyword} (draft ${c.draft} schema) -> ${c.code}`, () => {
    const errors = syntheticErrors(c);
    // Combinators report their failing branch before themselves; start at the keyword's own error.
    const at = errors.findIndex((e) => e.keyword === c.keyword);
    assert.notEqual(at, -1, `ajv reported ${errors.map((e) => e.keyword).join(', ')}, not ${c.keyword}`);
    assert.equal(violationFromAjvErrors(errors.slice(at)).code, c.code);
  });
}

test('every table entry is exercised by a case, and every case by a table entry', () => {
  const tested = new Set([...REAL_CASES, ...SYNTHETIC_CASES].map((c) => c.keyword));
  assert.deepEqual([...tested].sort(), Object.keys(AJV_KEYWORD_TO_OCPP_ERROR).sort());
  for (const code of Object.values(AJV_KEYWORD_TO_OCPP_ERROR)) assert.ok(OCPP_ERROR_CODES.includes(code), code);
});

test('every keyword in the 2.0.1 schemas (runtime and official) has a table entry and a real-message case', () => {
  const used = allSchemaKeywords();
  const realKeywords = new Set(REAL_CASES.map((c) => c.keyword));
  for (const keyword of used.keys()) {
    if (NEVER_AN_ERROR.has(keyword) || keyword === 'items') continue;
    assert.ok(Object.hasOwn(AJV_KEYWORD_TO_OCPP_ERROR, keyword), `no OCPP error code for ajv keyword "${keyword}"`);
    if (keyword === 'additionalItems') continue; // checked below: it cannot fire on these schemas
    assert.ok(realKeywords.has(keyword), `no real 2.0.1 message case for "${keyword}"`);
  }
  // additionalItems only constrains tuple-style `items: [...]`; the OCA generator emits it beside a
  // single items schema, where JSON Schema ignores it, so no 2.0.1 payload can trigger it.
  for (const node of used.get('additionalItems') ?? []) {
    assert.equal(Array.isArray((node as { items?: unknown }).items), false);
  }
});

test('the first error decides the code, an unknown keyword or no error gives FormatViolation', () => {
  const error = (keyword: string): ErrorObject => ({ keyword, instancePath: '/a', schemaPath: '#', params: {}, message: 'm' });
  assert.equal(violationFromAjvErrors([error('required'), error('type')]).code, 'OccurrenceConstraintViolation');
  assert.equal(violationFromAjvErrors([error('x-vendor-keyword')]).code, 'FormatViolation');
  assert.equal(violationFromAjvErrors([error('toString')]).code, 'FormatViolation');
  assert.equal(violationFromAjvErrors([]).code, 'FormatViolation');
  assert.equal(violationFromAjvErrors(null).code, 'FormatViolation');
});

test('the description names the field and the constraint, never the payload values', () => {
  const secret = 'S3CRET-PASSWORD-VALUE';
  const tooLong = validator.validate('BootNotification', 'request', {
    reason: 'PowerUp', chargingStation: { ...station, serialNumber: `${secret}-${'x'.repeat(40)}` },
  });
  assert.ok(tooLong);
  assert.equal(tooLong.description, '/chargingStation/serialNumber must NOT have more than 25 characters');
  assert.ok(!JSON.stringify(tooLong).includes(secret));

  const badEnum = validator.validate('BootNotification', 'request', { reason: secret, chargingStation: station });
  assert.ok(badEnum);
  assert.ok(!JSON.stringify(badEnum).includes(secret));

  const longName = 'k'.repeat(500);
  const unknown = validator.validate('Heartbeat', 'request', { [longName]: 1 });
  assert.ok(unknown);
  assert.ok(unknown.description.startsWith('(root) must NOT have additional properties: "kkk'));
  assert.ok(unknown.description.length < 150, unknown.description);
});
