// `plugtrust sim` options: each a flag and a PLUGTRUST_SIM_* environment variable (flags win),
// validated together by one ajv schema so that every problem is reported at once.
import { Ajv } from 'ajv';
import { STATION_ID_PATTERN } from './script-schema.js';

export interface SimOptionValues {
  url: string;
  id: string;
  count: number;
  concurrency: number;
  script?: string;
  heartbeatInterval?: number;
  deflate: boolean;
  rebootOnReconnect: boolean;
  vendor: string;
  model: string;
  serialNumber?: string;
  firmwareVersion?: string;
  connectors: number;
  password?: string;
  localAddresses?: string;
  callTimeoutMs: number;
  quiet: boolean;
}

interface SimOption {
  key: keyof SimOptionValues;
  flag: string;
  env: string;
  type: 'string' | 'integer' | 'boolean';
  default?: string | number | boolean;
  schema?: object;
  /** Said instead of ajv's message when the value fails its pattern. */
  patternHint?: string;
  description: string;
}

export const SIM_OPTIONS: readonly SimOption[] = [
  { key: 'url', flag: '--url', env: 'PLUGTRUST_SIM_URL', type: 'string', default: 'ws://127.0.0.1:9000/ocpp', schema: { pattern: '^wss?://[^\\s/?#]+(/[^\\s?#]*)?$' }, patternHint: 'must be a ws:// or wss:// URL without query or fragment', description: 'CSMS OCPP endpoint; the station id is appended as the last path segment' },
  { key: 'id', flag: '--id', env: 'PLUGTRUST_SIM_ID', type: 'string', default: 'CS001', schema: { pattern: STATION_ID_PATTERN }, patternHint: "must be 1 to 48 printable ASCII characters without ':' or '/'", description: "station id (the script's stationId when not given); with --count, the prefix of the ids" },
  { key: 'count', flag: '--count', env: 'PLUGTRUST_SIM_COUNT', type: 'integer', default: 1, schema: { minimum: 1, maximum: 200000 }, description: 'number of stations: ID-001, ID-002, ... when more than one' },
  { key: 'concurrency', flag: '--concurrency', env: 'PLUGTRUST_SIM_CONCURRENCY', type: 'integer', default: 50, schema: { minimum: 1, maximum: 10000 }, description: 'stations connecting and booting at the same time' },
  { key: 'script', flag: '--script', env: 'PLUGTRUST_SIM_SCRIPT', type: 'string', description: 'run this JSON script with one station and exit 0 (all steps passed) or 1' },
  { key: 'heartbeatInterval', flag: '--heartbeat-interval', env: 'PLUGTRUST_SIM_HEARTBEAT_INTERVAL', type: 'integer', schema: { minimum: 1, maximum: 86400 }, description: 'heartbeat every S seconds instead of the interval the CSMS sends' },
  { key: 'deflate', flag: '--deflate', env: 'PLUGTRUST_SIM_DEFLATE', type: 'boolean', default: false, description: 'offer permessage-deflate compression' },
  { key: 'rebootOnReconnect', flag: '--reboot-on-reconnect', env: 'PLUGTRUST_SIM_REBOOT_ON_RECONNECT', type: 'boolean', default: false, description: 'send BootNotification after every reconnect (otherwise only heartbeats resume)' },
  { key: 'vendor', flag: '--vendor', env: 'PLUGTRUST_SIM_VENDOR', type: 'string', default: 'PlugTrust', schema: { maxLength: 50 }, description: 'chargingStation.vendorName in BootNotification' },
  { key: 'model', flag: '--model', env: 'PLUGTRUST_SIM_MODEL', type: 'string', default: 'Simulator', schema: { maxLength: 20 }, description: 'chargingStation.model in BootNotification' },
  { key: 'serialNumber', flag: '--serial-number', env: 'PLUGTRUST_SIM_SERIAL_NUMBER', type: 'string', schema: { maxLength: 25 }, description: 'chargingStation.serialNumber in BootNotification' },
  { key: 'firmwareVersion', flag: '--firmware-version', env: 'PLUGTRUST_SIM_FIRMWARE_VERSION', type: 'string', schema: { maxLength: 50 }, description: 'chargingStation.firmwareVersion in BootNotification' },
  { key: 'connectors', flag: '--connectors', env: 'PLUGTRUST_SIM_CONNECTORS', type: 'integer', default: 1, schema: { minimum: 1, maximum: 32 }, description: 'EVSEs per station, each with connector 1' },
  { key: 'password', flag: '--password', env: 'PLUGTRUST_SIM_PASSWORD', type: 'string', description: 'HTTP Basic password (security profile 1); the station id is the user name' },
  { key: 'localAddresses', flag: '--local-addresses', env: 'PLUGTRUST_SIM_LOCAL_ADDRESSES', type: 'string', schema: { pattern: '^[0-9A-Fa-f.:]+(,[0-9A-Fa-f.:]+)*$' }, patternHint: 'must be IP addresses separated by commas', description: 'comma-separated local addresses to spread sockets over, e.g. 127.0.0.1,127.0.0.2' },
  { key: 'callTimeoutMs', flag: '--call-timeout-ms', env: 'PLUGTRUST_SIM_CALL_TIMEOUT_MS', type: 'integer', default: 30000, schema: { minimum: 100, maximum: 600000 }, description: 'how long to wait for the CSMS to answer a CALL' },
  { key: 'quiet', flag: '--quiet', env: 'PLUGTRUST_SIM_QUIET', type: 'boolean', default: false, description: 'do not print a line per frame' },
];

const ajv = new Ajv({ allErrors: true, coerceTypes: true, strict: true });
const validate = ajv.compile<SimOptionValues>({
  type: 'object',
  additionalProperties: false,
  required: SIM_OPTIONS.filter((o) => o.default !== undefined).map((o) => o.key),
  properties: Object.fromEntries(SIM_OPTIONS.map((o) => [o.key, { type: o.type, ...(o.type === 'string' ? { minLength: 1 } : {}), ...o.schema }])),
});

export type ParsedSimOptions =
  | { kind: 'help' }
  | { kind: 'invalid'; problems: string[] }
  | { kind: 'ok'; values: SimOptionValues; /** keys given by flag or environment, not defaulted */ given: ReadonlySet<keyof SimOptionValues> };

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

export function parseSimOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedSimOptions {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const source = new Map<string, string>();
  for (const o of SIM_OPTIONS) if (o.default !== undefined) values[o.key] = o.default;
  for (const o of SIM_OPTIONS) {
    const v = env[o.env];
    if (v === undefined || v === '') continue;
    values[o.key] = o.type === 'boolean' && (TRUE.has(v.toLowerCase()) || FALSE.has(v.toLowerCase())) ? TRUE.has(v.toLowerCase()) : v;
    source.set(o.key, o.env);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const negated = name.startsWith('--no-') ? SIM_OPTIONS.find((o) => o.flag === `--${name.slice(5)}` && o.type === 'boolean') : undefined;
    const option = SIM_OPTIONS.find((o) => o.flag === name) ?? negated;
    if (!option) {
      problems.push(arg.startsWith('-') ? `${name}: unknown option` : `unexpected argument '${arg}'`);
      continue;
    }
    if (option === negated) values[option.key] = false;
    else if (eq !== -1) values[option.key] = arg.slice(eq + 1);
    else if (option.type === 'boolean') values[option.key] = true;
    else if (i + 1 < argv.length) values[option.key] = argv[++i];
    else problems.push(`${name}: needs a value`);
    source.set(option.key, option.flag);
  }
  if (!validate(values)) {
    for (const e of validate.errors ?? []) {
      const key = e.instancePath.slice(1);
      const option = SIM_OPTIONS.find((o) => o.key === key);
      const message = e.keyword === 'pattern' && option?.patternHint ? option.patternHint : (e.message ?? 'invalid');
      problems.push(`${source.get(key) ?? option?.flag ?? key}: ${message}`);
    }
  } else if (values.script !== undefined && values.count !== 1) {
    problems.push(`${source.get('count') ?? '--count'}: --script runs one station; --count must be 1`);
  }
  if (problems.length > 0) return { kind: 'invalid', problems };
  return { kind: 'ok', values: values as unknown as SimOptionValues, given: new Set(source.keys()) as ReadonlySet<keyof SimOptionValues> };
}

export function simOptionsHelp(): string {
  return SIM_OPTIONS.map((o) => {
    const def = o.default === undefined ? '' : ` (default ${String(o.default)})`;
    const flag = o.type === 'boolean' ? o.flag : `${o.flag} ${o.type === 'integer' ? 'N' : 'VALUE'}`;
    return `  ${flag.padEnd(30)} ${o.env}${def}\n      ${o.description}`;
  }).join('\n');
}
