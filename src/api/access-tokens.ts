// Access tokens of our own APIs (operator API, eMSP API): OAuth 2.0 client credentials (RFC 6749
// §4.4) exchanged for a JWT (RFC 9068 profile: typ at+jwt) signed HS256 with the newest active API
// signing key. Each API has its own audience, so a token of one is refused by the other.
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { CredentialRepo } from '../store/credentials.js';
import { ApiError } from './errors.js';
import { hashSecret, verifySecret } from './secret-hash.js';

export const TOKEN_ISSUER = 'plugtrust';
const TOKEN_TYPE = 'at+jwt';
const SIGNING_KEY_BYTES = 32;
/** RFC 9068 §2.2: the claims every one of our access tokens carries. */
const REQUIRED_CLAIMS = ['sub', 'exp', 'iat', 'jti', 'scope'];

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  scope: string;
}

/** What a client of a token endpoint is, in storage. */
export interface TokenClient {
  secretHash: string;
  scopes: readonly string[];
  disabledAt: Date | null;
}

export interface TokenIssuerOptions<Client extends TokenClient, Scope extends string> {
  credentials: Pick<CredentialRepo, 'ensureSigningKey'>;
  getClient(clientId: string): Promise<Client | null>;
  /** The scopes of this API; others a client may hold are never granted. */
  isScope: (s: string) => s is Scope;
  audience: string;
  /** Claims of the client's tokens besides scope and client_id. */
  claims?(client: Client): JWTPayload;
  tokenTtlS: number;
  now: () => Date;
}

export type IssueToken = (clientId: string, clientSecret: string, requestedScopes?: readonly string[]) => Promise<IssuedToken>;

/** The client credentials grant of one API. The token throws ApiError invalid_client or invalid_scope. */
export function createTokenIssuer<Client extends TokenClient, Scope extends string>(options: TokenIssuerOptions<Client, Scope>): IssueToken {
  const { credentials, audience, tokenTtlS, now } = options;
  // Unknown clients are checked against this hash, so they cost the same time as a wrong secret.
  let dummyHash: Promise<string> | undefined;
  const dummy = (): Promise<string> => (dummyHash ??= hashSecret(randomBytes(16).toString('base64url')));

  return async (clientId, clientSecret, requestedScopes) => {
    // Step 1: authenticate the client; one path for unknown client, disabled client and wrong secret.
    const client = await options.getClient(clientId);
    const matches = await verifySecret(client?.secretHash ?? (await dummy()), clientSecret);
    if (!client || client.disabledAt !== null || !matches) throw new ApiError('invalid_client');

    // Step 2: the granted scope is the requested one when it is within the client's (§3.3).
    const allowed = client.scopes.filter(options.isScope);
    const requested = requestedScopes ?? allowed;
    if (requested.length === 0 || requested.some((s) => !allowed.includes(s as Scope))) throw new ApiError('invalid_scope');
    const scope = requested.join(' ');

    // Step 3: sign with the newest active key (created on first use).
    const keys = await credentials.ensureSigningKey({ kid: randomUUID(), secret: randomBytes(SIGNING_KEY_BYTES) });
    const key = keys[0];
    if (!key) throw new Error('no active API signing key after ensureSigningKey');
    const iat = Math.floor(now().getTime() / 1000);
    const accessToken = await new SignJWT({ scope, client_id: clientId, ...options.claims?.(client) })
      .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: TOKEN_TYPE })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(audience)
      .setSubject(clientId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + tokenTtlS)
      .setJti(randomUUID())
      .sign(key.secret);
    return { accessToken, tokenType: 'Bearer', expiresIn: tokenTtlS, scope };
  };
}

/**
 * Verifies one of our tokens for `audience` and returns its claims. jose errors are thrown as they
 * are: the caller answers them with invalid_token.
 */
export async function verifyOwnToken(
  bearer: string,
  o: { credentials: Pick<CredentialRepo, 'activeSigningKeys'>; audience: string; now: () => Date; requiredClaims?: readonly string[] },
): Promise<JWTPayload> {
  const keys = await o.credentials.activeSigningKeys();
  const { payload } = await jwtVerify(
    bearer,
    (header) => {
      const key = keys.find((k) => k.kid === header.kid);
      if (!key) throw new joseErrors.JWKSNoMatchingKey();
      return key.secret;
    },
    { algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: o.audience, typ: TOKEN_TYPE, currentDate: o.now(), requiredClaims: [...REQUIRED_CLAIMS, ...(o.requiredClaims ?? [])] },
  );
  return payload;
}
