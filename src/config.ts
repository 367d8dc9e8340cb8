// One validated configuration, assembled from (lowest to highest precedence) defaults, a JSON
// file, environment variables and command-line flags. Every problem is reported at once.
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { SETTINGS, type ConfigValues, type Setting } from './config-settings.js';

export type { ConfigValues as Config } from './config-settings.js';

export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_FILE_UNREADABLE' | 'CONFIG_UNKNOWN_FLAG';

export class ConfigError extends Error {
  constructor(
    readonly code: ConfigErrorCode,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function configSchema(): object {
  const properties: Record<string, object> = {};
  for (const s of SETTINGS) {
    const p: Record<string, unknown> = { type: s.type, description: s.description };
    if (s.min !== undefined) p.minimum = s.min;
    if (s.max !== undefined) p.maximum = s.max;
    if (s.enum) p.enum = s.enum;
    if (s.type === 'string' && !s.enum) p.minLength = 1;
    properties[s.key] = p;
  }
  const required = SETTINGS.filter((s) => s.default !== undefined).map((s) => s.key);
  return { type: 'object', additionalProperties: false, properties, required };
}

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: false, strict: true });
const validate = ajv.compile<ConfigValues>(configSchema());

type Source = 'default' | 'file' | 'env' | 'flag';

export interface ConfigSources {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
}

/** Parses flags of the form `--name value`, `--name=value`, `--flag` and `--no-flag`. */
export function parseFlags(argv: readonly string[], settings: readonly Setting[] = SETTINGS): { values: Record<string, unknown>; problems: string[]; rest: string[] } {
  const byFlag = new Map(settings.map((s) => [s.flag, s]));
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      rest.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    let setting = byFlag.get(name);
    if (!setting && name.startsWith('--no-')) {
      const positive = byFlag.get(`--${name.slice(5)}`);
      if (positive?.type === 'boolean' && eq === -1) {
        values[positive.key] = false;
        continue;
      }
    }
    if (!setting) {
      problems.push(`${name}: unknown option`);
      continue;
    }
    if (eq !== -1) values[setting.key] = arg.slice(eq + 1);
    else if (setting.type === 'boolean') values[setting.key] = true;
    else if (i + 1 < argv.length) values[setting.key] = argv[++i];
    else problems.push(`${name}: needs a value`);
    setting = undefined;
  }
  return { values, problems, rest };
}

export function loadConfig(sources: ConfigSources = {}): ConfigValues {
  const env = sources.env ?? process.env;
  const readFile = sources.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const merged: Record<string, unknown> = {};
  const origin = new Map<string, Source>();
  const set = (key: string, value: unknown, source: Source): void => {
    merged[key] = value;
    origin.set(key, source);
  };

  for (const s of SETTINGS) if (s.default !== undefined) set(s.key, s.default, 'default');

  const flags = parseFlags(sources.argv ?? []);
  const problems = [...flags.problems];
  if (flags.rest.length > 0) problems.push(`unexpected argument(s): ${flags.rest.join(' ')}`);

  const file = (flags.values.configFile as string | undefined) ?? env.PLUGTRUST_CONFIG;
  if (file) {
    try {
      const parsed: unknown = JSON.parse(readFile(file));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) problems.push(`${file}: must hold a JSON object`);
      else for (const [k, v] of Object.entries(parsed)) set(k, v, 'file');
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  for (const s of SETTINGS) {
    const v = env[s.env];
    if (v !== undefined && v !== '') set(s.key, v, 'env');
  }
  for (const [k, v] of Object.entries(flags.values)) set(k, v, 'flag');

  if (!validate(merged)) {
    for (const e of validate.errors ?? []) {
      const key = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : e.instancePath.slice(1);
      const setting = SETTINGS.find((s) => s.key === key);
      const where = setting ? describeSource(setting, origin.get(key) ?? 'default', file) : `${file ?? 'config'}: ${key}`;
      problems.push(e.keyword === 'additionalProperties' ? `${where}: unknown setting` : `${where}: ${e.message ?? 'invalid'}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(flags.problems.length > 0 ? 'CONFIG_UNKNOWN_FLAG' : 'CONFIG_INVALID', problems);
  return merged as unknown as ConfigValues;
}

function describeSource(s: Setting, source: Source, file: string | undefined): string {
  switch (source) {
    case 'flag':
      return s.flag;
    case 'env':
      return s.env;
    case 'file':
      return `${file ?? 'config file'}: ${s.key}`;
    case 'default':
      return s.key;
  }
}

/** Help text for the settings, used by every CLI command's --help. */
export function settingsHelp(settings: readonly Setting[] = SETTINGS): string {
  return settings
    .map((s) => {
      const def = s.default === undefined ? '' : ` (default ${String(s.default)})`;
      const values = s.enum ? ` [${s.enum.join('|')}]` : '';
      return `  ${s.flag.padEnd(26)} ${s.env}${def}${values}\n      ${s.description}`;
    })
    .join('\n');
}
