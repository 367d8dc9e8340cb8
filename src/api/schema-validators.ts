// ajv for request validation, one instance per kind of input: JSON bodies are taken as sent (no type
// coercion, no property removal), while params and query strings arrive as text and are coerced to
// the types their schemas declare (?limit=10 -> 10, ?connected=true -> true).
import { Ajv } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import type { FastifySchemaCompiler } from 'fastify';

function createAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    // Messages name the constraint, never the value.
    verbose: false,
    strict: true,
  });
  ajv.addFormat('date-time', fullFormats['date-time']);
  return ajv;
}

export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const bodies = createAjv(false);
  const text = createAjv(true);
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? bodies : text;
    return ajv.compile(schema as object);
  };
}
