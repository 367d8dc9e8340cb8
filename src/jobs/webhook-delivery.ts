// Delivers contract events to eMSP webhooks: in order per webhook, at least once. Each request is
// a JSON POST signed with HMAC-SHA256 over "<timestamp>.<body>" under the webhook's secret:
//   Plugtrust-Signature: t=<unix seconds>,v1=<hex>
// (the receiver recomputes it and rejects old timestamps to stop replays). A 2xx answer settles
// the event; anything else (status, timeout, network error) is retried with exponential back-off
// (base, 2x base, 4x base ... at most an hour) until the attempts are spent, then the event is
// marked failed and the next one goes out. Every attempt's outcome is stored.
import { createHmac } from 'node:crypto';
import type { Webhooks } from '../contracts/webhooks.js';
import type { Logger } from '../log.js';
import type { ContractEventRow } from '../store/contracts.js';
import type { Db } from '../store/db.js';
import type { EmspApiRepo, WebhookRow } from '../store/emsp-api.js';

export const SIGNATURE_HEADER = 'plugtrust-signature';
const MAX_BACKOFF_MS = 3_600_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** Events one webhook may send per pass, so that one busy eMSP does not hold up the others. */
const EVENTS_PER_PASS = 50;

export interface WebhookDeliveryDeps {
  db: Pick<Db, 'withTransaction'>;
  repo: Pick<EmspApiRepo, 'activeWebhooks' | 'nextEvent' | 'getDelivery' | 'recordAttempt'>;
  webhooks: Pick<Webhooks, 'secretOf'>;
  log: Logger;
  pollMs: number;
  retryBaseMs: number;
  maxAttempts: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

export interface WebhookDelivery {
  /** Look for work now (an event was just recorded). */
  nudge(): void;
  /** One pass over every webhook; resolves when it is done. */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

/** The signature header value for a body sent at `at` (RFC 2104 HMAC, SHA-256). */
export function signWebhook(secret: string, at: Date, body: string): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

export function webhookBody(e: ContractEventRow): string {
  return JSON.stringify({ id: e.id, kind: e.kind, emspId: e.emspId, contractId: e.contractId, at: e.at.toISOString(), stationId: e.stationId, detail: e.detail });
}

export function backoffMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

export function startWebhookDelivery(deps: WebhookDeliveryDeps): WebhookDelivery {
  const now = deps.now ?? (() => new Date());
  const send = deps.fetch ?? fetch;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function attempt(w: WebhookRow, e: ContractEventRow): Promise<{ ok: boolean; status: number | null; error: string | null }> {
    const body = webhookBody(e);
    const secret = deps.webhooks.secretOf(w);
    const key = secret.toString('base64url');
    secret.fill(0);
    try {
      const res = await send(w.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        headers: { 'content-type': 'application/json', 'user-agent': 'plugtrust-webhooks', 'plugtrust-event-id': e.id, 'plugtrust-webhook-id': w.id, [SIGNATURE_HEADER]: signWebhook(key, now(), body) },
        body,
      });
      await res.body?.cancel();
      return { ok: res.status >= 200 && res.status < 300, status: res.status, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` };
    } catch (err) {
      return { ok: false, status: null, error: (err as Error).name === 'TimeoutError' ? 'timeout' : `network: ${(err as Error).message}`.slice(0, 300) };
    }
  }

  async function drain(w: WebhookRow): Promise<void> {
    let through = w.deliveredThrough;
    for (let n = 0; n < EVENTS_PER_PASS && !stopped; n++) {
      const e = await deps.repo.nextEvent({ ...w, deliveredThrough: through });
      if (!e) return;
      const prior = await deps.repo.getDelivery(w.id, e.id);
      if (prior?.state === 'pending' && prior.nextAttemptAt && prior.nextAttemptAt.getTime() > now().getTime()) return;
      const r = await attempt(w, e);
      const attempts = (prior?.attempts ?? 0) + 1;
      const at = now();
      const state = r.ok ? 'delivered' : attempts >= deps.maxAttempts ? 'failed' : 'pending';
      const nextAttemptAt = state === 'pending' ? new Date(at.getTime() + backoffMs(attempts, deps.retryBaseMs)) : null;
      await deps.db.withTransaction((tx) => deps.repo.recordAttempt(tx, { webhookId: w.id, eventId: e.id, state, attempts, nextAttemptAt, lastStatus: r.status, lastError: r.error, at }, state !== 'pending'));
      if (state === 'pending') {
        deps.log.info({ webhookId: w.id, eventId: e.id, attempts, error: r.error }, 'webhook delivery failed; will retry');
        return;
      }
      if (state === 'failed') deps.log.warn({ webhookId: w.id, eventId: e.id, attempts, error: r.error }, 'webhook delivery given up');
      through = e.id;
    }
    again = true;
  }

  async function pass(): Promise<void> {
    do {
      again = false;
      let hooks: WebhookRow[];
      try {
        hooks = await deps.repo.activeWebhooks();
      } catch (err) {
        deps.log.error({ err }, 'webhook delivery cannot read its work');
        return;
      }
      await Promise.all(
        hooks.map((w) =>
          drain(w).catch((err: unknown) => {
            deps.log.error({ err, webhookId: w.id }, 'webhook delivery failed');
          }),
        ),
      );
    } while (again && !stopped);
  }

  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = pass().finally(() => (running = null));
    return running;
  };

  const timer = setInterval(() => void run(), deps.pollMs);
  timer.unref();

  return {
    nudge: () => void run(),
    runOnce: run,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
