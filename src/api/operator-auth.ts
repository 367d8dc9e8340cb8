// Operator API access tokens: OAuth 2.0 client credentials (RFC 6749 §4.4) exchanged for a JWT
// (RFC 9068 profile: typ at+jwt) signed HS256 with the newest active key in storage (access-tokens.ts).
import { errors as joseErrors } from 'jose';
import type { CredentialRepo } from '../store/credentials.js';
import { createTokenIssuer, verifyOwnToken, type IssuedToken } from './access-tokens.js';
import { ApiError } from './errors.js';
import { isOperatorScope, type OperatorScope } from './scopes.js';

export { TOKEN_ISSUER, type IssuedToken } from './access-tokens.js';
export const TOKEN_AUDIENCE = 'plugtrust-operator-api';

export interface OperatorIdentity {
  clientId: string;
  scopes: OperatorScope[];
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

  return {
    issueToken: createTokenIssuer({ credentials, getClient: (clientId) => credentials.get(clientId), isScope: isOperatorScope, audience: TOKEN_AUDIENCE, tokenTtlS, now }),

    async verify(bearer) {
      let clientId: string;
      let tokenScopes: string[];
      try {
        const payload = await verifyOwnToken(bearer, { credentials, audience: TOKEN_AUDIENCE, now });
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
