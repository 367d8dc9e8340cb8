// The first operator credential, created on the first start when none exists. Its secret comes from
// the file named by operatorSecretFile or is generated; a generated secret is returned so that the
// caller prints it once to stdout. It is never logged and never stored in clear.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../config.js';
import type { Logger } from '../log.js';
import type { CredentialRepo } from '../store/credentials.js';
import { OPERATOR_SCOPES } from './scopes.js';
import { hashSecret } from './secret-hash.js';

export const BOOTSTRAP_CLIENT_ID = 'operator';
export const MIN_SECRET_LENGTH = 16;

export interface BootstrapOptions {
  credentials: Pick<CredentialRepo, 'count' | 'insertIfAbsent'>;
  secretFile?: string | undefined;
  readFile?: (path: string) => string;
  log: Pick<Logger, 'info'>;
}

export interface BootstrapResult {
  created: boolean;
  clientId: string;
  /** Present only when the secret was generated here: print it once, then forget it. */
  secret?: string;
}

export async function bootstrapOperatorCredential(options: BootstrapOptions): Promise<BootstrapResult> {
  const { credentials, secretFile, log } = options;
  if ((await credentials.count()) > 0) return { created: false, clientId: BOOTSTRAP_CLIENT_ID };

  const fromFile = secretFile !== undefined ? readSecretFile(secretFile, options.readFile) : undefined;
  const secret = fromFile ?? randomBytes(32).toString('base64url');
  const inserted = await credentials.insertIfAbsent({ clientId: BOOTSTRAP_CLIENT_ID, secretHash: await hashSecret(secret), scopes: OPERATOR_SCOPES });
  // Another process may have won the race; then its secret is the one in force.
  if (!inserted) return { created: false, clientId: BOOTSTRAP_CLIENT_ID };

  log.info({ clientId: BOOTSTRAP_CLIENT_ID, scopes: OPERATOR_SCOPES, secretSource: fromFile !== undefined ? 'file' : 'generated' }, 'operator credential created');
  return fromFile !== undefined ? { created: true, clientId: BOOTSTRAP_CLIENT_ID } : { created: true, clientId: BOOTSTRAP_CLIENT_ID, secret };
}

function readSecretFile(path: string, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): string {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError('CONFIG_FILE_UNREADABLE', [`operatorSecretFile ${path}: ${(err as Error).message}`]);
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('CONFIG_INVALID', [`operatorSecretFile ${path}: the secret must be at least ${MIN_SECRET_LENGTH} characters (found ${secret.length})`]);
  }
  return secret;
}
