// Corrections applied at load time to the ocpp-rpc copy of the OCPP 2.0.1 schemas, so that what we
// validate against matches the official OCA "OCPP 2.0.1 FINAL" schemas. The corpus test
// (test/unit/schema-equivalence.test.ts) proves the patched set accepts and rejects exactly what the
// official set does.
//
// Differences found (ocpp-rpc 2.2.1 against the OCA files, ignoring description/javaType/comment/$id):
// 1. Get15118EVCertificateResponse.exiResponse: maxLength 5600 in ocpp-rpc, 7500 in the official
//    schema. Patched below; unpatched, a valid CertificateInstallationRes between 5601 and 7500
//    characters would be refused.
// 2. Every *EnumType definition carries "additionalProperties": false in the official files and not in
//    ocpp-rpc. Those definitions have "type": "string", and additionalProperties only constrains
//    objects, so this changes no validation result and is not patched.

export type JsonObject = { [key: string]: unknown };

export interface SchemaPatch {
  /** `$id` of the ocpp-rpc schema, e.g. "urn:Get15118EVCertificate.conf". */
  readonly schemaId: string;
  readonly reason: string;
  /** Mutates the schema; throws when the schema no longer looks as expected (a dependency changed). */
  readonly apply: (schema: JsonObject) => void;
}

export const SCHEMA_PATCHES: readonly SchemaPatch[] = [
  {
    schemaId: 'urn:Get15118EVCertificate.conf',
    reason: 'exiResponse maxLength is 7500 in the official OCPP 2.0.1 schema (ocpp-rpc has 5600)',
    apply: (schema) => {
      replaceValue(schema, ['properties', 'exiResponse', 'maxLength'], 5600, 7500);
    },
  },
];

/** Applies each patch to the schema with its `$id`; an unknown `$id` is an error, never a no-op. */
export function applySchemaPatches(schemas: readonly JsonObject[], patches: readonly SchemaPatch[] = SCHEMA_PATCHES): void {
  for (const patch of patches) {
    const target = schemas.find((s) => s['$id'] === patch.schemaId);
    if (target === undefined) {
      throw new Error(`schema patch: no schema with $id ${patch.schemaId} (${patch.reason})`);
    }
    patch.apply(target);
  }
}

function replaceValue(root: JsonObject, path: readonly string[], expected: unknown, replacement: unknown): void {
  const parent = objectAt(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (parent === undefined || key === undefined || parent[key] !== expected) {
    throw new Error(`schema patch: expected ${JSON.stringify(expected)} at /${path.join('/')} in ${String(root['$id'])}`);
  }
  parent[key] = replacement;
}

function objectAt(root: JsonObject, path: readonly string[]): JsonObject | undefined {
  let node: unknown = root;
  for (const key of path) {
    if (!isJsonObject(node)) return undefined;
    node = node[key];
  }
  return isJsonObject(node) ? node : undefined;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
