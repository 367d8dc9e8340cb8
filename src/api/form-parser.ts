// application/x-www-form-urlencoded bodies, as the OAuth 2.0 token endpoint requires (RFC 6749 §4.4.2).
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';
const DEFAULT_FORM_LIMIT = 8 * 1024;

/** Parses a form body into an object of strings; a repeated parameter is refused (RFC 6749 §3.2). */
export function parseForm(body: string): Record<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (values.has(name)) throw new ApiError('invalid_request', `parameter "${name.slice(0, 32)}" appears more than once`);
    values.set(name, value);
  }
  // fromEntries defines own properties, so a "__proto__" parameter is just a key.
  return Object.fromEntries(values);
}

export function registerFormParser(app: FastifyInstance, bodyLimit: number = DEFAULT_FORM_LIMIT): void {
  app.addContentTypeParser(FORM_CONTENT_TYPE, { parseAs: 'string', bodyLimit }, (_req, body, done) => {
    try {
      done(null, parseForm(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
