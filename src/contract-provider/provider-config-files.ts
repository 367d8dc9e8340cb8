// The files behind --oem-roots-file (PEM OEM roots and sub-CAs trusted for provisioning
// certificates, besides the OEM CAs we operate) and --contract-pools-file (the external contract
// certificate pools and the eMSPs each one serves), read and validated once at start.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parseCertificate, pemBlocks } from '../../pki/certificate/parse-certificate.js';
import { ConfigError } from '../config.js';
import type { PoolSettings } from './pool-forwarder.js';

export interface PoolEntry extends PoolSettings {
  /** eMSP ids whose contracts this pool holds. */
  readonly emsps: readonly string[];
  /** Asked for a PCID we hold no contract for (at most one pool). */
  readonly fallback: boolean;
}

function read(path: string, setting: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('CONFIG_FILE_UNREADABLE', [`${setting} ${path}: ${(err as Error).message}`]);
  }
}

/** Every PEM certificate of the file (roots and sub-CAs alike; the trust store tells them apart). */
export function loadOemRootsFile(path: string | undefined): Uint8Array[] {
  if (path === undefined) return [];
  const certificates = pemBlocks(read(path, 'oemRootsFile'), 'CERTIFICATE');
  if (certificates.length === 0) throw new ConfigError('CONFIG_INVALID', [`oemRootsFile ${path}: no PEM CERTIFICATE block`]);
  certificates.forEach((der, i) => {
    try {
      parseCertificate(der);
    } catch (err) {
      throw new ConfigError('CONFIG_INVALID', [`oemRootsFile ${path}: certificate ${i + 1} cannot be read: ${(err as Error).message}`]);
    }
  });
  return certificates;
}

const poolsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['pools'],
  properties: {
    pools: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'baseUrl'],
        properties: {
          id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
          baseUrl: { type: 'string', pattern: '^https?://' },
          bearerTokenFile: { type: 'string' },
          timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
          emsps: { type: 'array', items: { type: 'string' } },
          fallback: { type: 'boolean' },
        },
      },
    },
  },
} as const;
const validatePools = new Ajv({ allErrors: true }).compile(poolsSchema);

interface PoolsFile {
  pools: { id: string; baseUrl: string; bearerTokenFile?: string; timeoutMs?: number; emsps?: string[]; fallback?: boolean }[];
}

export function loadContractPoolsFile(path: string | undefined): PoolEntry[] {
  if (path === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(read(path, 'contractPoolsFile'));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('CONFIG_INVALID', [`contractPoolsFile ${path}: not JSON`]);
  }
  if (!validatePools(json)) throw new ConfigError('CONFIG_INVALID', (validatePools.errors ?? []).map((e) => `contractPoolsFile ${path}${e.instancePath}: ${e.message ?? 'invalid'}`));
  const file: PoolsFile = json;
  const problems: string[] = [];
  const ids = new Set<string>();
  const emsps = new Set<string>();
  for (const p of file.pools) {
    if (ids.has(p.id)) problems.push(`contractPoolsFile ${path}: pool ${p.id} is listed twice`);
    ids.add(p.id);
    for (const e of p.emsps ?? []) {
      if (emsps.has(e)) problems.push(`contractPoolsFile ${path}: eMSP ${e} is assigned to two pools`);
      emsps.add(e);
    }
  }
  if (file.pools.filter((p) => p.fallback === true).length > 1) problems.push(`contractPoolsFile ${path}: at most one pool is the fallback`);
  if (problems.length > 0) throw new ConfigError('CONFIG_INVALID', problems);
  return file.pools.map((p) => ({
    id: p.id,
    baseUrl: p.baseUrl,
    timeoutMs: p.timeoutMs ?? 5000,
    emsps: p.emsps ?? [],
    fallback: p.fallback === true,
    ...(p.bearerTokenFile !== undefined ? { bearerToken: read(p.bearerTokenFile, `contractPoolsFile ${path}: bearerTokenFile`).trim() } : {}),
  }));
}
