// The outbound half of RFC 6960 A.1: POST an OCSPRequest to a responder and read the answer,
// guarded: the URL policy (no SSRF), a timeout over the whole exchange, a size limit, no
// redirects, and one retry of a transport failure.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isRetryable, OcspClientError } from './ocsp-client-error.js';
import type { UrlPolicy } from './url-policy.js';

export interface OcspFetchOptions {
  policy: UrlPolicy;
  /** Whole exchange, per attempt. */
  timeoutMs: number;
  /** Largest answer read; a larger one is abandoned (TOO_LARGE). */
  maxResponseBytes: number;
}

export type OcspFetch = (url: string, requestDer: Uint8Array) => Promise<Uint8Array>;

/** A lookup that resolves as usual, then refuses the addresses the policy forbids for this host. */
function guardedLookup(policy: UrlPolicy, host: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4);
      const ok = addresses.filter((a) => policy.addressAllowed(host, a.address, a.family === 6 ? 6 : 4));
      if (ok.length === 0) return callback(new OcspClientError('URL_REFUSED', `responder host ${hostname} resolves to no public address`), '', 4);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, ok);
      const first = ok[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

function postOnce(opts: OcspFetchOptions, url: URL, body: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (err: OcspClientError | null, value?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(value as Uint8Array);
    };
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response', 'content-length': body.length },
        lookup: guardedLookup(opts.policy, host),
        agent: false,
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          return finish(new OcspClientError('UNREACHABLE', `responder answered HTTP ${status}`));
        }
        const declared = Number(res.headers['content-length'] ?? NaN);
        if (declared > opts.maxResponseBytes) return finish(new OcspClientError('TOO_LARGE', `responder answer of ${declared} bytes exceeds ${opts.maxResponseBytes}`));
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > opts.maxResponseBytes) return finish(new OcspClientError('TOO_LARGE', `responder answer exceeds ${opts.maxResponseBytes} bytes`));
          chunks.push(c);
        });
        res.on('end', () => finish(null, new Uint8Array(Buffer.concat(chunks))));
        res.on('error', (e) => finish(new OcspClientError('UNREACHABLE', `reading the answer failed: ${e.message}`)));
      },
    );
    const timer = setTimeout(() => finish(new OcspClientError('UNREACHABLE', `no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
    req.on('error', (e) => finish(e instanceof OcspClientError ? e : new OcspClientError('UNREACHABLE', `connection failed: ${e.message}`)));
    req.end(body);
  });
}

export function createOcspFetch(opts: OcspFetchOptions): OcspFetch {
  return async (raw, body) => {
    const url = opts.policy.check(raw);
    try {
      return await postOnce(opts, url, body);
    } catch (err) {
      // One retry of a transport failure (the issue: timeout, one retry); refusals are final.
      if (!isRetryable(err)) throw err;
      return postOnce(opts, url, body);
    }
  };
}
