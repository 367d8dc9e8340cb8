// eMSP API access tokens. Two sources, one identity (eMSP id, client, scopes):
// - ours: OAuth 2.0 client credentials (RFC 6749 4.4) of a client bound to one eMSP, exchanged for a
//   JWT (RFC 9068, typ at+jwt) signed HS256 with the API signing keys, audience EMSP_AUDIENCE (never
//   the operator API's), the eMSP in the emsp_id claim;
// - an external identity provider: issuer, audience and JWKS URL configured; the configured claim
//   names the eMSP, scope (space-separated) or scp (array) the scopes.
// A token is routed by its header: HS256 with one of our key ids is ours, anything else goes to the
// identity provider, if one is configured.
import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { CredentialRepo } from '../store/credentials.js';
import type { EmspApiRepo } from '../store/emsp-api.js';
import type { ContractRepo } from '../store/contracts.js';
import { createTokenIssuer, verifyOwnToken, type IssuedToken } from './access-tokens.js';
import { ApiError } from './errors.js';
import { hashSecret } from './secret-hash.js';
import { isEmspScope, type EmspScope } from './emsp-scopes.js';
import { ConfigError } from '../config.js';

export const EMSP_AUDIENCE = 'plugtrust-emsp-api';
export const EMSP_CLAIM = 'emsp_id';
/** Asymmetric algorithms accepted from an identity provider (RFC 7518); never 'none' or HMAC. */
const IDP_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface EmspIdentity {
  emspId: string;
  /** Our client id, or the identity provider's subject. */
  clientId: string;
  scopes: EmspScope[];
  source: 'client' | 'idp';
}

export interface EmspIdpConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
  emspClaim: string;
}

export interface EmspAuth {
  /** Throws ApiError invalid_client or invalid_scope. */
  issueToken(clientId: string, clientSecret: string, requestedScopes?: readonly string[]): Promise<IssuedToken>;
  /** Throws ApiError invalid_token. */
  verify(bearer: string): Promise<EmspIdentity>;
}

export interface EmspAuthOptions {
  credentials: Pick<CredentialRepo, 'activeSigningKeys' | 'ensureSigningKey'>;
  clients: Pick<EmspApiRepo, 'getClient'>;
  emsps: Pick<ContractRepo, 'getEmsp'>;
  tokenTtlS: number;
  idp?: EmspIdpConfig | undefined;
  now?: () => Date;
}

/** A fresh client secret and its hash (the secret is shown once, the hash stored). */
export async function newClientSecret(): Promise<{ secret: string; hash: string }> {
  const secret = randomBytes(32).toString('base64url');
  return { secret, hash: await hashSecret(secret) };
}

function scopesOf(payload: JWTPayload): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter((s) => s !== '');
  const scp = payload.scp;
  if (Array.isArray(scp)) return scp.filter((s): s is string => typeof s === 'string');
  return [];
}

export function createEmspAuth(options: EmspAuthOptions): EmspAuth {
  const { credentials, clients, emsps, tokenTtlS } = options;
  const now = options.now ?? (() => new Date());
  const jwks = options.idp ? createRemoteJWKSet(new URL(options.idp.jwksUrl)) : null;

  async function verifyOurs(bearer: string): Promise<EmspIdentity> {
    const payload = await verifyOwnToken(bearer, { credentials, audience: EMSP_AUDIENCE, now, requiredClaims: [EMSP_CLAIM] });
    const clientId = payload.sub;
    const emspId = payload[EMSP_CLAIM];
    if (typeof clientId !== 'string' || typeof emspId !== 'string') throw new ApiError('invalid_token');
    // A disabled client revokes its tokens at once; a narrowed one narrows them; a client moved to
    // another eMSP (it cannot be, but the row is the authority) invalidates them.
    const client = await clients.getClient(clientId);
    if (!client || client.disabledAt !== null || client.emspId !== emspId) throw new ApiError('invalid_token');
    return { emspId, clientId, scopes: scopesOf(payload).filter((s): s is EmspScope => isEmspScope(s) && client.scopes.includes(s)), source: 'client' };
  }

  async function verifyIdp(bearer: string, idp: EmspIdpConfig, keySet: NonNullable<typeof jwks>): Promise<EmspIdentity> {
    const { payload } = await jwtVerify(bearer, keySet, { algorithms: IDP_ALGORITHMS, issuer: idp.issuer, audience: idp.audience, currentDate: now(), requiredClaims: ['exp', idp.emspClaim] });
    const emspId = payload[idp.emspClaim];
    if (typeof emspId !== 'string' || !(await emsps.getEmsp(emspId))) throw new ApiError('invalid_token');
    return { emspId, clientId: typeof payload.sub === 'string' ? payload.sub : `idp:${emspId}`, scopes: scopesOf(payload).filter(isEmspScope), source: 'idp' };
  }

  return {
    issueToken: createTokenIssuer({
      credentials,
      getClient: (clientId) => clients.getClient(clientId),
      isScope: isEmspScope,
      audience: EMSP_AUDIENCE,
      claims: (client) => ({ [EMSP_CLAIM]: client.emspId }),
      tokenTtlS,
      now,
    }),

    async verify(bearer) {
      let header;
      try {
        header = decodeProtectedHeader(bearer);
      } catch {
        // Not a JWS at all (jose throws a TypeError for unreadable headers).
        throw new ApiError('invalid_token');
      }
      try {
        if (header.alg === 'HS256') return await verifyOurs(bearer);
        if (options.idp && jwks) return await verifyIdp(bearer, options.idp, jwks);
        throw new ApiError('invalid_token');
      } catch (err) {
        if (err instanceof joseErrors.JOSEError || err instanceof ApiError) throw new ApiError('invalid_token');
        throw err;
      }
    },
  };
}

/** The identity provider settings: all three or none. */
export function emspIdpConfig(c: { emspIdpIssuer?: string | undefined; emspIdpAudience?: string | undefined; emspIdpJwksUrl?: string | undefined; emspIdpEmspClaim: string }): EmspIdpConfig | undefined {
  const given = [c.emspIdpIssuer, c.emspIdpAudience, c.emspIdpJwksUrl].filter((v) => v !== undefined).length;
  if (given === 0) return undefined;
  if (!c.emspIdpIssuer || !c.emspIdpAudience || !c.emspIdpJwksUrl || given !== 3) throw new ConfigError('CONFIG_INVALID', ['--emsp-idp-issuer, --emsp-idp-audience and --emsp-idp-jwks-url go together']);
  try {
    const u = new URL(c.emspIdpJwksUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    throw new ConfigError('CONFIG_INVALID', [`--emsp-idp-jwks-url ${c.emspIdpJwksUrl} is not an http(s) URL`]);
  }
  return { issuer: c.emspIdpIssuer, audience: c.emspIdpAudience, jwksUrl: c.emspIdpJwksUrl, emspClaim: c.emspIdpEmspClaim };
}
