// Schema validation failures, expressed as OCPP-J 2.0.1 RPC error codes.
import type { ErrorObject } from 'ajv';

/** OCPP-J 2.0.1 §4.3, table "Valid Error Codes" (note the 2.0.1 spelling "Occurrence"). */
export const OCPP_ERROR_CODES = [
  'FormatViolation',
  'GenericError',
  'InternalError',
  'MessageTypeNotSupported',
  'NotImplemented',
  'NotSupported',
  'OccurrenceConstraintViolation',
  'PropertyConstraintViolation',
  'ProtocolError',
  'RpcFrameworkError',
  'SecurityError',
  'TypeConstraintViolation',
] as const;

export type OcppErrorCode = (typeof OCPP_ERROR_CODES)[number];

export interface SchemaViolationDetail {
  keyword: string;
  instancePath: string;
  message: string;
}

export interface SchemaViolation {
  code: OcppErrorCode;
  description: string;
  details: SchemaViolationDetail[];
}

/**
 * ajv error keyword -> OCPP error code. Covers every keyword the 2.0.1 schemas use (type, required,
 * additionalProperties, enum, format, maxLength, minimum, maximum, minItems, maxItems) plus the
 * remaining ajv keywords, so a schema change cannot silently fall through to the default.
 * ocpp-rpc's own table differs on purpose: it uses the 1.6 spelling "OccurenceConstraintViolation",
 * sends length and range failures as FormatViolation and unknown properties as
 * PropertyConstraintViolation.
 */
export const AJV_KEYWORD_TO_OCPP_ERROR: Readonly<Record<string, OcppErrorCode>> = Object.freeze({
  // OCPP-J 2.0.1 §4.3 TypeConstraintViolation: "syntactically correct but at least one of the fields
  // violates data type constraints (e.g. "somestring": 12)". dateTime is an OCPP primitive datatype
  // (Part 2 §2.1), which the schemas express as string + format, so a malformed date-time is a type error.
  type: 'TypeConstraintViolation',
  format: 'TypeConstraintViolation',

  // OCPP-J 2.0.1 §4.3 OccurrenceConstraintViolation: "at least one of the fields violates occurrence
  // constraints". Cardinality: a missing mandatory field, too few or too many list elements, and a
  // field the message does not define at all (cardinality 0).
  required: 'OccurrenceConstraintViolation',
  additionalProperties: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  additionalItems: 'OccurrenceConstraintViolation',
  items: 'OccurrenceConstraintViolation',
  contains: 'OccurrenceConstraintViolation',
  minProperties: 'OccurrenceConstraintViolation',
  maxProperties: 'OccurrenceConstraintViolation',
  dependencies: 'OccurrenceConstraintViolation',
  dependentRequired: 'OccurrenceConstraintViolation',
  unevaluatedProperties: 'OccurrenceConstraintViolation',
  unevaluatedItems: 'OccurrenceConstraintViolation',

  // OCPP-J 2.0.1 §4.3 PropertyConstraintViolation: "at least one field contains an invalid value".
  // Right JSON type, but the value is outside its length, range, pattern or enumeration.
  enum: 'PropertyConstraintViolation',
  const: 'PropertyConstraintViolation',
  maxLength: 'PropertyConstraintViolation',
  minLength: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  exclusiveMaximum: 'PropertyConstraintViolation',
  exclusiveMinimum: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
  pattern: 'PropertyConstraintViolation',
  uniqueItems: 'PropertyConstraintViolation',
  propertyNames: 'PropertyConstraintViolation',

  // OCPP-J 2.0.1 §4.3 FormatViolation: "Payload for Action is syntactically incorrect". Combinators
  // and the false schema do not say which field constraint failed, so they get the generic code;
  // keywords not in this table get it too (see violationFromAjvErrors).
  anyOf: 'FormatViolation',
  oneOf: 'FormatViolation',
  not: 'FormatViolation',
  if: 'FormatViolation',
  'false schema': 'FormatViolation',
  discriminator: 'FormatViolation',
});

const MAX_PARAM_CHARS = 64;

/** Builds the wire-level violation from ajv's errors; the first error decides the code. */
export function violationFromAjvErrors(errors: readonly ErrorObject[] | null | undefined): SchemaViolation {
  const first = errors?.[0];
  if (first === undefined) {
    return { code: 'FormatViolation', description: 'payload does not match the schema', details: [] };
  }
  const code = Object.hasOwn(AJV_KEYWORD_TO_OCPP_ERROR, first.keyword)
    ? (AJV_KEYWORD_TO_OCPP_ERROR[first.keyword] ?? 'FormatViolation')
    : 'FormatViolation';
  const details = (errors ?? []).map((e) => ({
    keyword: e.keyword,
    instancePath: e.instancePath,
    message: e.message ?? e.keyword,
  }));
  return { code, description: describeError(first), details };
}

// ajv messages name the constraint ("must NOT have more than 20 characters"), never the value, as long
// as `verbose` stays off. The only payload text we echo is an unknown property name, truncated.
function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const message = error.message ?? `fails "${error.keyword}"`;
  const extra = unknownPropertyName(error);
  return extra === undefined ? `${where} ${message}` : `${where} ${message}: "${extra}"`;
}

function unknownPropertyName(error: ErrorObject): string | undefined {
  if (error.keyword !== 'additionalProperties') return undefined;
  const name: unknown = (error.params as { additionalProperty?: unknown }).additionalProperty;
  if (typeof name !== 'string') return undefined;
  return name.length > MAX_PARAM_CHARS ? `${name.slice(0, MAX_PARAM_CHARS)}...` : name;
}
