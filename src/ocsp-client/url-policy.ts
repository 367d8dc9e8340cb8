// Which responder URLs we fetch from. responderURL comes from a charger (OCPP OCSPRequestDataType),
// so an unguarded fetch would let any station make the CSMS send requests into its own network
// (SSRF). The policy, checked before connecting and again on every address DNS returns:
// 1. Only absolute http: and https: URLs without credentials (RFC 6960 A.1 is HTTP).
// 2. With an allowlist (--ocsp-fetch-allow), only the listed hosts ("host" or "host:port"); the
//    operator vouches for them, so they may be private addresses (a lab responder, a proxy).
// 3. Without one, any host whose addresses are public: loopback, private, link-local (cloud
//    metadata), CGNAT, unique-local, multicast and reserved ranges are refused. The check runs on
//    the resolved address the socket connects to, so DNS rebinding does not get around it.
// Redirects are never followed (the fetch does not follow them).
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../config.js';
import { OcspClientError } from './ocsp-client-error.js';

export interface UrlPolicy {
  /** The URL to fetch, or OcspClientError URL_INVALID / URL_REFUSED. */
  check(raw: string): URL;
  /** Whether a resolved address may be connected to for this URL's host. */
  addressAllowed(host: string, address: string, family: 4 | 6): boolean;
}

const NON_PUBLIC_V4: readonly [string, number][] = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const NON_PUBLIC_V6: readonly [string, number][] = [
  // IPv4-mapped addresses (::ffff:a.b.c.d) need no rule: BlockList checks them against the IPv4 rules.
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
];

function nonPublic(): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of NON_PUBLIC_V4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of NON_PUBLIC_V6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

/** Host as URL.hostname gives it, without IPv6 brackets, lower case. */
const bareHost = (u: URL): string => u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
const defaultPort = (u: URL): string => u.port || (u.protocol === 'https:' ? '443' : '80');

/** `allow`: comma-separated "host" or "host:port" entries (IPv6 in brackets with a port); empty = public addresses only. */
export function createUrlPolicy(allow: string | undefined): UrlPolicy {
  const entries = (allow ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
  const allowed = entries.map((e) => {
    let u: URL;
    try {
      u = new URL(`http://${e}`);
    } catch {
      throw new ConfigError('CONFIG_INVALID', [`ocspFetchAllow: ${e} is not a host or host:port`]);
    }
    if (u.pathname !== '/' || u.search || u.username) throw new ConfigError('CONFIG_INVALID', [`ocspFetchAllow: ${e} is not a host or host:port`]);
    return { host: bareHost(u), port: u.port || null };
  });
  const blocked = nonPublic();
  return {
    check(raw) {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new OcspClientError('URL_INVALID', 'responderURL is not an absolute URL');
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new OcspClientError('URL_INVALID', `responderURL scheme ${u.protocol} is not http or https`);
      if (u.username || u.password) throw new OcspClientError('URL_INVALID', 'responderURL must not carry credentials');
      const host = bareHost(u);
      if (allowed.length > 0) {
        const port = defaultPort(u);
        if (!allowed.some((a) => a.host === host && (a.port === null || a.port === port))) throw new OcspClientError('URL_REFUSED', `responder host ${host}:${port} is not in the allowlist`);
        return u;
      }
      const family = isIP(host);
      if (family !== 0 && blocked.check(host, family === 4 ? 'ipv4' : 'ipv6')) throw new OcspClientError('URL_REFUSED', `responder address ${host} is not public`);
      if (host === 'localhost' || host.endsWith('.localhost')) throw new OcspClientError('URL_REFUSED', 'responder host is localhost');
      return u;
    },
    addressAllowed(host, address, family) {
      if (allowed.length > 0) return allowed.some((a) => a.host === host.toLowerCase());
      return !blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
