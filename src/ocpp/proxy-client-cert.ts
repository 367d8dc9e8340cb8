// Behind a TLS-terminating proxy (nginx, HAProxy): the proxy passes the station's client
// certificate in a header, URL-encoded PEM as nginx's $ssl_client_escaped_cert sends it, and the
// scheme in X-Forwarded-Proto. Both are believed only from a configured trusted proxy address;
// from anyone else the headers are ignored, so a station cannot claim a certificate it does not hold.
import type { IncomingMessage } from 'node:http';

export interface ProxyTrust {
  /** Header carrying the URL-encoded PEM client certificate (lower case), or undefined. */
  clientCertHeader: string | undefined;
  /** Peer addresses of trusted proxies, as node reports them (IPv4-mapped forms are accepted). */
  trustedProxies: ReadonlySet<string>;
}

/** Parses `--trusted-proxies 10.0.0.1,10.0.0.2`. */
export function parseTrustedProxies(list: string | undefined): Set<string> {
  return new Set((list ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0));
}

export function isTrustedProxy(trust: ProxyTrust, address: string | undefined): boolean {
  if (!address || trust.trustedProxies.size === 0) return false;
  return trust.trustedProxies.has(address) || (address.startsWith('::ffff:') && trust.trustedProxies.has(address.slice(7)));
}

const MAX_HEADER_CERTS = 4;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+?)-----END CERTIFICATE-----/g;

/**
 * The certificates in the proxy's header (leaf first): undefined when the header is absent or
 * empty (no certificate), null when it is present but unreadable.
 */
export function certificatesFromHeader(req: IncomingMessage, header: string): Uint8Array[] | null | undefined {
  const raw = req.headers[header];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === '' || value === '(null)') return undefined;
  if (value.length > 64 * 1024) return null;
  let pem: string;
  try {
    pem = decodeURIComponent(value);
  } catch {
    return null;
  }
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    if (out.length >= MAX_HEADER_CERTS) break;
    out.push(new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')));
  }
  return out.length > 0 ? out : null;
}

/** X-Forwarded-Proto from a trusted proxy: did the station reach the proxy over TLS? */
export function forwardedTls(req: IncomingMessage): boolean {
  const raw = req.headers['x-forwarded-proto'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.split(',')[0]?.trim().toLowerCase();
  return value === 'https' || value === 'wss';
}

/**
 * The station's address as the trusted proxy saw it: the last X-Forwarded-For entry (the one the
 * proxy appended; earlier entries come from the client and may be forged). Undefined without one.
 */
export function forwardedFor(req: IncomingMessage): string | undefined {
  const raw = req.headers['x-forwarded-for'];
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  const last = value?.split(',').at(-1)?.trim();
  return last && last.length <= 64 ? last : undefined;
}
