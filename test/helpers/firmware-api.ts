// Operator API calls of the firmware tests, over real HTTP.
import { toPem } from '../../pki/certificate/parse-certificate.js';
import type { TestCsms } from './csms.js';

export interface FirmwareApi {
  token: string;
  json(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  upload(bytes: Uint8Array, query: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  rootPem(id?: string): Promise<string>;
  /** Polls `path` until `done` holds for its body. */
  until(path: string, done: (body: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
}

export async function firmwareApi(csms: TestCsms): Promise<FirmwareApi> {
  const res = await fetch(`${csms.httpUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'operator', client_secret: csms.operatorSecret }),
  });
  const token = ((await res.json()) as { access_token: string }).access_token;
  const auth = { authorization: `Bearer ${token}` };
  const api: FirmwareApi = {
    token,
    async json(method, path, body) {
      const r = await fetch(`${csms.httpUrl}${path}`, { method, headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    },
    async upload(bytes, query) {
      const r = await fetch(`${csms.httpUrl}/api/v1/firmware/images?${new URLSearchParams(query).toString()}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: bytes });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    },
    async rootPem(id = 'csms-root') {
      return toPem((await csms.ca.issuers.get(id)).row.certificate, 'CERTIFICATE');
    },
    async until(path, done, ms = 20_000) {
      const end = Date.now() + ms;
      for (;;) {
        const r = await api.json('GET', path);
        if (done(r.body)) return r.body;
        if (Date.now() > end) throw new Error(`timed out waiting on ${path}: ${JSON.stringify(r.body)}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    },
  };
  return api;
}
