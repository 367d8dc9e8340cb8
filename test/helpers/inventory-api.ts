// The operator API as a client sees it: a bearer token from /api/v1/auth/token, JSON over fetch.
import type { TestCsms } from './csms.js';

export interface ApiClient {
  token: string;
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; text: string; headers: Headers }>;
}

export async function operatorClient(csms: TestCsms, scope?: string): Promise<ApiClient> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'operator', client_secret: csms.operatorSecret, ...(scope ? { scope } : {}) });
  const res = await fetch(`${csms.httpUrl}/api/v1/auth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  const token = ((await res.json()) as { access_token: string }).access_token;
  return {
    token,
    async call(method, path, body, headers = {}) {
      const r = await fetch(`${csms.httpUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await r.text();
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
      return { status: r.status, body: parsed as never, text, headers: r.headers };
    },
  };
}

/** Polls `read` until `done` holds, or fails after `timeoutMs` with the last value. */
export async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
