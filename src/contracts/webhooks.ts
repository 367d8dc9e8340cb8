// Webhook subscriptions of eMSPs: the URL, the event kinds and an HMAC secret generated here,
// shown once at creation and kept sealed under the KEK (the webhook id bound as additional data).
// A new subscription starts after the eMSP's newest event: history is for polling.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Kek } from '../ca/key-vault.js';
import type { ContractEventKind } from '../store/contracts.js';
import type { EmspApiRepo, WebhookRow } from '../store/emsp-api.js';
import { ContractError } from './contract-error.js';

export const EVENT_KINDS: readonly ContractEventKind[] = ['created', 'installed', 'installation_failed', 'revoked', 'deleted'];
export const MAX_WEBHOOKS_PER_EMSP = 10;

export interface Webhooks {
  subscribe(emspId: string, input: { url: string; kinds?: readonly string[] | undefined }): Promise<{ webhook: WebhookRow; secret: string }>;
  list(emspId: string): Promise<WebhookRow[]>;
  remove(emspId: string, id: string): Promise<void>;
  /** The HMAC secret of a webhook (for the delivery job). */
  secretOf(w: WebhookRow): Buffer;
}

/** http or https, no user info, no fragment. */
export function checkWebhookUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ContractError('WEBHOOK_INVALID', 'the webhook URL is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ContractError('WEBHOOK_INVALID', 'the webhook URL must be http or https');
  if (url.username || url.password) throw new ContractError('WEBHOOK_INVALID', 'the webhook URL must not carry credentials: requests are signed');
  if (url.hash) throw new ContractError('WEBHOOK_INVALID', 'the webhook URL must not have a fragment');
  return url.toString();
}

export function createWebhooks(deps: { repo: Pick<EmspApiRepo, 'insertWebhook' | 'listWebhooks' | 'deleteWebhook' | 'lastEventId'>; kek: () => Kek; now?: () => Date }): Webhooks {
  const now = deps.now ?? (() => new Date());
  return {
    async subscribe(emspId, input) {
      const url = checkWebhookUrl(input.url);
      const kinds = [...new Set(input.kinds ?? [])];
      const unknown = kinds.filter((k) => !(EVENT_KINDS as readonly string[]).includes(k));
      if (unknown.length > 0) throw new ContractError('WEBHOOK_INVALID', `unknown event kinds: ${unknown.slice(0, 5).join(', ')}`);
      if ((await deps.repo.listWebhooks(emspId)).length >= MAX_WEBHOOKS_PER_EMSP) throw new ContractError('WEBHOOK_INVALID', `an eMSP has at most ${MAX_WEBHOOKS_PER_EMSP} webhooks`);
      const id = randomUUID();
      const secret = randomBytes(32);
      const sealed = deps.kek().encrypt(`webhook:${id}`, secret);
      const row = { id, emspId, url, kinds: kinds as ContractEventKind[], secret: sealed, deliveredThrough: await deps.repo.lastEventId(emspId), createdAt: now() };
      await deps.repo.insertWebhook(row);
      const shown = secret.toString('base64url');
      secret.fill(0);
      return { webhook: row, secret: shown };
    },
    list: (emspId) => deps.repo.listWebhooks(emspId),
    async remove(emspId, id) {
      if (!(await deps.repo.deleteWebhook(id, emspId, now()))) throw new ContractError('WEBHOOK_NOT_FOUND', `no webhook ${JSON.stringify(id.slice(0, 64))}`);
    },
    secretOf: (w) => deps.kek().decrypt(`webhook:${w.id}`, w.secret),
  };
}
