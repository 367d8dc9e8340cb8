// HTTP Basic inside TLS (RFC 7030 3.2.3, RFC 7617) against the accounts' scrypt hashes. An unknown
// user name costs the same scrypt run as a known one, so a peer cannot tell which names exist.
import { randomBytes } from 'node:crypto';
import { hashSecret, verifySecret } from '../api/secret-hash.js';
import type { EstAccount } from './est-config.js';
import { EstError } from './est-error.js';

export interface BasicCredentials {
  user: string;
  password: string;
}

/** The credentials of an Authorization header; null when the header is absent or not Basic. */
export function parseBasic(header: string | undefined): BasicCredentials | null {
  if (header === undefined) return null;
  const m = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export interface BasicAuthenticator {
  /** The account for these credentials; EST_AUTH_FAILED for a wrong name or password. */
  authenticate(creds: BasicCredentials): Promise<EstAccount>;
}

export function createBasicAuthenticator(accounts: readonly EstAccount[]): BasicAuthenticator {
  const byId = new Map<string, { account: EstAccount; hash: string }>();
  for (const a of accounts) if ('basicPasswordHash' in a.auth) byId.set(a.clientId, { account: a, hash: a.auth.basicPasswordHash });
  // A hash of a random secret nobody knows, made once, for unknown user names.
  let decoy: Promise<string> | undefined;

  return {
    async authenticate(creds) {
      const entry = byId.get(creds.user);
      const hash = entry?.hash ?? (await (decoy ??= hashSecret(randomBytes(32).toString('base64'))));
      const ok = await verifySecret(hash, creds.password);
      if (!entry || !ok) throw new EstError('EST_AUTH_FAILED', `HTTP Basic refused for ${JSON.stringify(creds.user.slice(0, 64))}`);
      return entry.account;
    },
  };
}
