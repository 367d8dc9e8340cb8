// Locates and reads the official OCA OCPP 2.0.1 JSON schemas. They live outside the repository and
// are read where they are; a missing directory is a test failure, never a silent pass.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import type { PayloadKind } from '../../src/ocpp/schemas.js';

export const OCA_SCHEMAS_ENV = 'PLUGTRUST_OCA_SCHEMAS_DIR';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

export interface OfficialSchema {
  action: string;
  kind: PayloadKind;
  file: string;
  schema: Record<string, unknown>;
}

export function officialSchemaDir(): string {
  const fromEnv = process.env[OCA_SCHEMAS_ENV];
  const dir = fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : resolve(repoRoot, '../shared/ocpp-schemas/2.0.1');
  if (!existsSync(dir)) {
    throw new Error(
      `official OCPP 2.0.1 schemas not found at ${dir}` +
        (fromEnv ? ` (from ${OCA_SCHEMAS_ENV})` : ` (default: <repo>/../shared/ocpp-schemas/2.0.1; set ${OCA_SCHEMAS_ENV} to override)`),
    );
  }
  return dir;
}

/** All `<Action>Request.json` / `<Action>Response.json` files of the official directory. */
export function readOfficialSchemas(): OfficialSchema[] {
  const dir = officialSchemaDir();
  const out: OfficialSchema[] = [];
  for (const file of readdirSync(dir).sort()) {
    const match = /^(\w+?)(Request|Response)\.json$/.exec(file);
    if (match === null) continue;
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
    out.push({ action: match[1]!, kind: match[2] === 'Request' ? 'request' : 'response', file, schema });
  }
  if (out.length === 0) throw new Error(`no <Action>Request.json / <Action>Response.json files in ${dir}`);
  return out;
}
