// Reads and validates a script, reporting every problem at once in words a script author can act on.
import { readFile } from 'node:fs/promises';
import { Ajv, type ErrorObject } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { CALL_STEP_KINDS, SCRIPT_SCHEMA, STEP_KINDS, type SimScript } from './script-schema.js';
import { SimError } from './sim-error.js';

// strictRequired is off: the oneOf/anyOf branches name properties declared one level up.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
ajv.addFormat('date-time', fullFormats['date-time']);
const validate = ajv.compile<SimScript>(SCRIPT_SCHEMA);

export type ScriptCheck = { ok: true; script: SimScript } | { ok: false; problems: string[] };

// "/steps/2/send/action" -> "steps[2].send.action"
function pathOf(pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '') || 'script';
}

function describe(e: ErrorObject): string | null {
  const where = pathOf(e.instancePath);
  // The branches of oneOf/anyOf are `required` checks whose own messages only add noise.
  if (/\/(oneOf|anyOf)\/\d+\/required$/.test(e.schemaPath) || e.keyword === 'if') return null;
  switch (e.keyword) {
    case 'oneOf':
      return `${where}: a step needs exactly one of ${STEP_KINDS.join(', ')}`;
    case 'anyOf':
      return e.schemaPath.includes('/then/') ? `${where}: expect is only allowed on ${CALL_STEP_KINDS.join(', ')} steps` : `${where}: ${e.message ?? 'invalid'}`;
    case 'not':
      return `${where}: errorCode cannot be combined with status or payload (a CALLERROR has neither)`;
    case 'additionalProperties':
      return `${where}: unknown property '${String((e.params as { additionalProperty: string }).additionalProperty)}'`;
    case 'pattern':
      return where === 'stationId' ? `${where}: must be 1 to 48 printable ASCII characters without ':' or '/'` : `${where}: ${e.message ?? 'invalid'}`;
    case 'enum':
      return `${where}: must be one of ${((e.params as { allowedValues: unknown[] }).allowedValues).join(', ')}`;
    default:
      return `${where}: ${e.message ?? 'invalid'}`;
  }
}

export function checkScript(data: unknown): ScriptCheck {
  if (validate(data)) return { ok: true, script: data };
  const problems = (validate.errors ?? []).map(describe).filter((p): p is string => p !== null);
  return { ok: false, problems: [...new Set(problems)] };
}

/** Loads a script file; throws SimError SIM_SCRIPT_INVALID listing every problem. */
export async function loadScript(path: string): Promise<SimScript> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new SimError('SIM_SCRIPT_INVALID', `${path}: ${(err as Error).message}`, [(err as Error).message]);
  }
  const check = checkScript(data);
  if (check.ok) return check.script;
  throw new SimError('SIM_SCRIPT_INVALID', `${path}: invalid script:\n  - ${check.problems.join('\n  - ')}`, check.problems);
}
