// Operator API access tokens: OAuth 2.0 client credentials (RFC 6749 §4.4) exchanged for a JWT
// (RFC 9068 profile: typ at+jwt) signed HS256 with the newest active key in storage.
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify, type JWTHeaderParameters } from 'jose';
import type { CredentialRepo, SigningKey } from '../store/credentials.js';
import { ApiError } from './errors.js';
import { hashSecret, verifySecret } from './secret-hash.js';
import { isOperatorScope, type OperatorScope } from './scopes.js';

export const TOKEN_ISSUER = 'plugtrust';
export const TOKEN_AUDIENCE = 'plugtrust-operator-api';
const TOKEN_TYPE = 'at+jwt';
const SIGNING_KEY_BYTES = 32;

export interface OperatorIdentity {
  clientId: string;
  scopes: OperatorScope[];
}

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  scope: string;
}

export interface OperatorAuth {
  /** Throws ApiError invalid_client or invalid_scope. */
  issueToken(clientId: string, clientSecret: string, requestedScopes?: readonly string[]): Promise<IssuedToken>;
  /** Verifies a bearer token (without the "Bearer " prefix). Throws ApiError invalid_token. */
  verify(bearer: string): Promise<OperatorIdentity>;
}

export interface OperatorAuthOptions {
  credentials: Pick<CredentialRepo, 'get' | 'activeSigningKeys' | 'ensureSigningKey'>;
  tokenTtlS: number;
  now?: () => Date;
}

export function createOperatorAuth(options: OperatorAuthOptions): OperatorAuth {
  const { credentials, tokenTtlS } = options;
  const now = options.now ?? (() => new Date());
  // Unknown clients are checked against this hash, so they cost the same time as a wrong secret.
  let dummyHash: Promise<string> | undefined;
  const dummy = (): Promise<string> => (dummyHash ??= hashSecret(randomBytes(16).toString('base64url')));

  const signingKey = async (): Promise<SigningKey> => {
    const keys = await credentials.ensureSigningKey({ kid: randomUUID(), secret: randomBytes(SIGNING_KEY_BYTES) });
    const newest = keys[0];
    if (!newest) throw new Error('no active API signing key after ensureSigningKey');
    return newest;
  };

  return {
    async issueToken(clientId, clientSecret, requestedScopes) {
      // Step 1: authenticate the client; one path for unknown client, disabled client and wrong secret.
      const credential = await credentials.get(clientId);
      const matches = await verifySecret(credential?.secretHash ?? (await dummy()), clientSecret);
      if (!credential || credential.disabledAt !== null || !matches) throw new ApiError('invalid_client');

      // Step 2: the granted scope is the requested one when it is within the credential's (§3.3).
      const allowed = credential.scopes.filter(isOperatorScope);
      const requested = requestedScopes ?? allowed;
      if (requested.length === 0 || requested.some((s) => !allowed.includes(s as OperatorScope))) throw new ApiError('invalid_scope');
      const scope = requested.join(' ');

      // Step 3: sign with the newest active key (created on first use).
      const key = await signingKey();
      const iat = Math.floor(now().getTime() / 1000);
      const accessToken = await new SignJWT({ scope, client_id: clientId })
        .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: TOKEN_TYPE })
        .setIssuer(TOKEN_ISSUER)
        .setAudience(TOKEN_AUDIENCE)
        .setSubject(clientId)
        .setIssuedAt(iat)
        .setExpirationTime(iat + tokenTtlS)
        .setJti(randomUUID())
        .sign(key.secret);
      return { accessToken, tokenType: 'Bearer', expiresIn: tokenTtlS, scope };
    },

    async verify(bearer) {
      const keys = await credentials.activeSigningKeys();
      const keyFor = (header: JWTHeaderParameters): Uint8Array => {
        const key = keys.find((k) => k.kid === header.kid);
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key.secret;
      };
      let clientId: string;
      let tokenScopes: string[];
      try {
        const { payload } = await jwtVerify(bearer, keyFor, {
          algorithms: ['HS256'],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          typ: TOKEN_TYPE,
          currentDate: now(),
          requiredClaims: ['sub', 'exp', 'iat', 'jti', 'scope'],
        });
        if (typeof payload.sub !== 'string' || typeof payload.scope !== 'string') throw new ApiError('invalid_token');
        clientId = payload.sub;
        tokenScopes = payload.scope.split(' ');
      } catch (err) {
        if (err instanceof joseErrors.JOSEError || err instanceof ApiError) throw new ApiError('invalid_token');
        throw err;
      }
      // A disabled or deleted credential revokes its tokens at once; a narrowed one narrows them.
      const credential = await credentials.get(clientId);
      if (!credential || credential.disabledAt !== null) throw new ApiError('invalid_token');
      const scopes = tokenScopes.filter((s): s is OperatorScope => isOperatorScope(s) && credential.scopes.includes(s));
      return { clientId, scopes };
    },
  };
}
