// OCPP 2.0.1 payload validation: the schemas shipped by ocpp-rpc, corrected by schema-patches.ts,
// compiled once per action and direction.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { OCPP201_ACTIONS, isOcpp201Action, type Ocpp201Action } from './actions.js';
import { applySchemaPatches, isJsonObject, SCHEMA_PATCHES, type JsonObject, type SchemaPatch } from './schema-patches.js';
import { useFastStringLength } from './string-length.js';
import { violationFromAjvErrors, type SchemaViolation } from './validation-errors.js';

export type { SchemaViolation } from './validation-errors.js';

export type PayloadKind = 'request' | 'response';

export interface OcppValidator {
  hasAction(action: string): action is Ocpp201Action;
  /** null when valid */
  validate(action: Ocpp201Action, kind: PayloadKind, payload: unknown): SchemaViolation | null;
}

export interface LoadOcppSchemasOptions {
  /** Defaults to SCHEMA_PATCHES; tests pass [] to show what the patches change. */
  readonly patches?: readonly SchemaPatch[];
  /** Compile every schema now rather than on first use (tests that prove they all compile). */
  readonly eager?: boolean;
}

const require = createRequire(import.meta.url);

/**
 * The one Ajv configuration for OCPP payloads, shared with the tests that compile the official OCA
 * schemas, so that runtime and official validation differ only in schema content.
 */
export function createOcppAjv(): Ajv {
  const ajv = new Ajv({
    // The official files carry `javaType` and `comment`, and put `additionalItems: false` next to a
    // single `items` schema, where JSON Schema ignores it. Strict mode would refuse all three.
    strictSchema: false,
    strictTypes: false,
    // The first failing keyword decides the OCPP error code; stopping there is also the fast path.
    allErrors: false,
    // Error messages must never echo payload values (see validation-errors.ts).
    verbose: false,
  });
  // The OCA files declare draft-06, ocpp-rpc declares draft-07; both meta-schemas must be known.
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as JsonObject);
  // date-time: ajv-formats' "full" RFC 3339 check (OCPP 2.0.1 Part 2 §2.1.3 dateTime is RFC 3339):
  // real calendar dates, a time offset is mandatory. The "max 3 fractional digits" rule of Part 2 is
  // not a schema constraint and is left to the handlers. uri: same implementation, for completeness.
  // The last string found valid is remembered: a busy CSMS validates the same currentTime in every
  // answer of a millisecond (a Heartbeat's dominant cost after the socket write).
  const dateTime = fullFormats['date-time'] as { validate: (s: string) => boolean; compare: (a: string, b: string) => number | undefined };
  // (Starts as no string at all: an empty string is not a date-time.)
  let lastValidDateTime: string | undefined;
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => s === lastValidDateTime || (dateTime.validate(s) && ((lastValidDateTime = s), true)),
    compare: dateTime.compare,
  });
  ajv.addFormat('uri', fullFormats.uri);
  useFastStringLength(ajv);
  return ajv;
}

/** Path of ocpp-rpc's OCPP 2.0.1 schema bundle (a JSON array of 128 schemas). */
export function runtimeSchemaFile(): string {
  return join(dirname(require.resolve('ocpp-rpc/package.json')), 'lib', 'schemas', 'ocpp2_0_1.json');
}

/** Fresh, unpatched copy of the runtime schemas. */
export function readRuntimeSchemas(): JsonObject[] {
  const parsed: unknown = JSON.parse(readFileSync(runtimeSchemaFile(), 'utf8'));
  if (!Array.isArray(parsed) || !parsed.every(isJsonObject)) {
    throw new Error(`${runtimeSchemaFile()}: expected a JSON array of schemas`);
  }
  return parsed;
}

/**
 * Reads and patches all 128 schemas; each is compiled on its first use (compiling all of them
 * takes 380-600 ms on a development machine, Node 20, time a restart does not need to spend).
 * Once compiled, validate() allocates nothing of its own when the payload is valid (about 18 ns
 * for a Heartbeat request, 140 ns for a BootNotification request).
 */
export function loadOcppSchemas(options: LoadOcppSchemasOptions = {}): OcppValidator {
  const schemas = readRuntimeSchemas();
  applySchemaPatches(schemas, options.patches ?? SCHEMA_PATCHES);

  const ajv = createOcppAjv();
  const byId = new Map(schemas.map((s) => [s['$id'], s]));
  if (byId.size !== OCPP201_ACTIONS.length * 2) {
    throw new Error(`${runtimeSchemaFile()}: ${byId.size} schemas, expected ${OCPP201_ACTIONS.length * 2}`);
  }
  // Every schema is looked up now (a missing one fails the start); each is compiled when first
  // needed, so that a restart is not held up compiling schemas of actions nobody sends yet.
  const sources = { request: new Map<string, JsonObject>(), response: new Map<string, JsonObject>() };
  for (const action of OCPP201_ACTIONS) {
    sources.request.set(action, schemaFor(byId, `urn:${action}.req`));
    sources.response.set(action, schemaFor(byId, `urn:${action}.conf`));
  }
  const compiled = { request: new Map<string, ValidateFunction>(), response: new Map<string, ValidateFunction>() };
  const validatorFor = (action: string, kind: PayloadKind): ValidateFunction | undefined => {
    let fn = compiled[kind].get(action);
    if (fn === undefined) {
      const source = sources[kind].get(action);
      if (source === undefined) return undefined;
      fn = ajv.compile(source);
      compiled[kind].set(action, fn);
    }
    return fn;
  };
  if (options.eager === true) for (const action of OCPP201_ACTIONS) for (const kind of ['request', 'response'] as const) validatorFor(action, kind);

  return {
    hasAction: isOcpp201Action,
    validate(action, kind, payload) {
      const validateFn = validatorFor(action, kind);
      if (validateFn === undefined) {
        // Unreachable for a typed caller; hasAction() is the guard for names read off the wire.
        return { code: 'NotImplemented', description: `unknown action ${String(action).slice(0, 64)}`, details: [] };
      }
      return validateFn(payload) ? null : violationFromAjvErrors(validateFn.errors);
    },
  };
}

// ocpp-rpc names its schemas "urn:Authorize.req"; that is not a valid URN (RFC 8141 needs a namespace
// id), and the URI library of current ajv refuses to serialise it. Every $ref in these schemas is
// local ("#/definitions/..."), so each schema is compiled without its $id.
function schemaFor(byId: ReadonlyMap<unknown, JsonObject>, id: string): JsonObject {
  const schema = byId.get(id);
  if (schema === undefined) throw new Error(`${runtimeSchemaFile()}: no schema ${id}`);
  const { $id: _id, ...anonymous } = schema;
  return anonymous;
}
