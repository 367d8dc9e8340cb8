// Station identity in the connection URL (OCPP 2.0.1 Part 4 §3.1.1 and §3.2): the last path
// segment of ws(s)://HOST:PORT/ocpp/<identity>, percent-decoded, at most 48 characters, no ':'
// (the Basic-auth username is the identity and may not contain a colon).

export const MAX_IDENTITY_LENGTH = 48;
export const OCPP_PATH_PREFIX = '/ocpp/';

export type IdentityResult = { ok: true; identity: string } | { ok: false; status: 400 | 404; reason: 'not-ocpp-path' | 'identity-invalid' };

// Printable ASCII without ':' and without characters that break URLs, logs or the Basic header.
const IDENTITY_PATTERN = /^[\x21-\x7e]+$/;

export function isValidIdentity(id: string): boolean {
  return id.length > 0 && id.length <= MAX_IDENTITY_LENGTH && !id.includes(':') && !id.includes('/') && IDENTITY_PATTERN.test(id);
}

export function parseStationPath(url: string | undefined): IdentityResult {
  if (!url) return { ok: false, status: 404, reason: 'not-ocpp-path' };
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.startsWith(OCPP_PATH_PREFIX)) return { ok: false, status: 404, reason: 'not-ocpp-path' };
  const raw = path.slice(OCPP_PATH_PREFIX.length);
  if (raw.length === 0 || raw.includes('/')) return { ok: false, status: 404, reason: 'not-ocpp-path' };
  let identity: string;
  try {
    identity = decodeURIComponent(raw);
  } catch {
    return { ok: false, status: 400, reason: 'identity-invalid' };
  }
  return isValidIdentity(identity) ? { ok: true, identity } : { ok: false, status: 400, reason: 'identity-invalid' };
}
