// The eMSP API's own tables: API clients bound to an eMSP, webhook subscriptions (HMAC secret
// sealed under the KEK; opened by the caller) and the delivery state of events to webhooks.
import type { ContractEventKind, ContractEventRow } from './contracts.js';
import type { Queryable } from './db.js';
import { hasNul } from './text.js';

export interface EmspClient {
  clientId: string;
  emspId: string;
  secretHash: string;
  scopes: string[];
  createdAt: Date;
  disabledAt: Date | null;
}

export interface Sealed {
  kekId: string;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  authTag: Uint8Array;
}

export interface WebhookRow {
  id: string;
  emspId: string;
  url: string;
  /** Event kinds delivered; empty: all. */
  kinds: ContractEventKind[];
  secret: Sealed;
  deliveredThrough: string;
  createdAt: Date;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  webhookId: string;
  eventId: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  updatedAt: Date;
}

export interface EmspApiRepo {
  getClient(clientId: string): Promise<EmspClient | null>;
  /** Inserts unless a client with that id exists; true when inserted. */
  insertClient(c: { clientId: string; emspId: string; secretHash: string; scopes: readonly string[] }): Promise<boolean>;
  /** Disables a client of this eMSP: its tokens stop working at once. False when none was live. */
  disableClient(clientId: string, emspId: string, at: Date): Promise<boolean>;
  insertWebhook(w: { id: string; emspId: string; url: string; kinds: readonly ContractEventKind[]; secret: Sealed; deliveredThrough: string; createdAt: Date }): Promise<void>;
  listWebhooks(emspId: string): Promise<WebhookRow[]>;
  /** Every live webhook (the delivery job's work list). */
  activeWebhooks(): Promise<WebhookRow[]>;
  /** Soft delete; false when it does not exist for that eMSP. */
  deleteWebhook(id: string, emspId: string, at: Date): Promise<boolean>;
  /** The newest event id of an eMSP ('0' when none): a new webhook starts after it. */
  lastEventId(emspId: string): Promise<string>;
  /** The webhook's next undelivered event (after delivered_through), if any. */
  nextEvent(w: Pick<WebhookRow, 'emspId' | 'deliveredThrough' | 'kinds'>): Promise<ContractEventRow | null>;
  getDelivery(webhookId: string, eventId: string): Promise<DeliveryRow | null>;
  /** Records an attempt; when `settled` the webhook's cursor moves past the event in the same transaction. */
  recordAttempt(tx: Queryable, d: Omit<DeliveryRow, 'updatedAt'> & { at: Date }, settled: boolean): Promise<void>;
  listDeliveries(webhookId: string, limit: number): Promise<DeliveryRow[]>;
}

interface WebhookDbRow {
  id: string;
  emsp_id: string;
  url: string;
  kinds: ContractEventKind[];
  kek_id: string;
  iv: Buffer;
  ciphertext: Buffer;
  auth_tag: Buffer;
  delivered_through: string;
  created_at: Date;
}

interface DeliveryDbRow {
  webhook_id: string;
  event_id: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  updated_at: Date;
}

const WEBHOOK_COLUMNS = 'id, emsp_id, url, kinds, kek_id, iv, ciphertext, auth_tag, delivered_through, created_at';
const DELIVERY_COLUMNS = 'webhook_id, event_id, state, attempts, next_attempt_at, last_status, last_error, updated_at';

const toWebhook = (r: WebhookDbRow): WebhookRow => ({
  id: r.id,
  emspId: r.emsp_id,
  url: r.url,
  kinds: r.kinds,
  secret: { kekId: r.kek_id, iv: new Uint8Array(r.iv), ciphertext: new Uint8Array(r.ciphertext), authTag: new Uint8Array(r.auth_tag) },
  deliveredThrough: String(r.delivered_through),
  createdAt: r.created_at,
});

const toDelivery = (r: DeliveryDbRow): DeliveryRow => ({
  webhookId: r.webhook_id,
  eventId: String(r.event_id),
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  updatedAt: r.updated_at,
});

export function emspApiRepo(db: Queryable): EmspApiRepo {
  return {
    async getClient(clientId) {
      if (hasNul(clientId)) return null;
      const { rows } = await db.query<{ client_id: string; emsp_id: string; secret_hash: string; scopes: string[]; created_at: Date; disabled_at: Date | null }>(
        'SELECT client_id, emsp_id, secret_hash, scopes, created_at, disabled_at FROM emsp_clients WHERE client_id = $1',
        [clientId],
      );
      const r = rows[0];
      return r ? { clientId: r.client_id, emspId: r.emsp_id, secretHash: r.secret_hash, scopes: r.scopes, createdAt: r.created_at, disabledAt: r.disabled_at } : null;
    },
    async insertClient(c) {
      const r = await db.query('INSERT INTO emsp_clients (client_id, emsp_id, secret_hash, scopes) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [c.clientId, c.emspId, c.secretHash, [...c.scopes]]);
      return r.rowCount === 1;
    },
    async disableClient(clientId, emspId, at) {
      if (hasNul(clientId)) return false;
      const r = await db.query('UPDATE emsp_clients SET disabled_at = $3 WHERE client_id = $1 AND emsp_id = $2 AND disabled_at IS NULL', [clientId, emspId, at]);
      return r.rowCount === 1;
    },
    async insertWebhook(w) {
      await db.query(
        'INSERT INTO emsp_webhooks (id, emsp_id, url, kinds, kek_id, iv, ciphertext, auth_tag, delivered_through, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
        [w.id, w.emspId, w.url, [...w.kinds], w.secret.kekId, Buffer.from(w.secret.iv), Buffer.from(w.secret.ciphertext), Buffer.from(w.secret.authTag), w.deliveredThrough, w.createdAt],
      );
    },
    async listWebhooks(emspId) {
      const { rows } = await db.query<WebhookDbRow>(`SELECT ${WEBHOOK_COLUMNS} FROM emsp_webhooks WHERE emsp_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`, [emspId]);
      return rows.map(toWebhook);
    },
    async activeWebhooks() {
      const { rows } = await db.query<WebhookDbRow>(`SELECT ${WEBHOOK_COLUMNS} FROM emsp_webhooks WHERE deleted_at IS NULL ORDER BY created_at, id`);
      return rows.map(toWebhook);
    },
    async deleteWebhook(id, emspId, at) {
      if (hasNul(id)) return false;
      const r = await db.query('UPDATE emsp_webhooks SET deleted_at = $3 WHERE id = $1 AND emsp_id = $2 AND deleted_at IS NULL', [id, emspId, at]);
      return r.rowCount === 1;
    },
    async lastEventId(emspId) {
      const { rows } = await db.query<{ id: string | null }>('SELECT max(id) AS id FROM contract_events WHERE emsp_id = $1', [emspId]);
      return String(rows[0]?.id ?? '0');
    },
    async nextEvent(w) {
      const { rows } = await db.query<{ id: string; emsp_id: string; contract_id: string | null; kind: ContractEventKind; at: Date; station_id: string | null; detail: Record<string, unknown> | null }>(
        `SELECT id, emsp_id, contract_id, kind, at, station_id, detail FROM contract_events
         WHERE emsp_id = $1 AND id > $2 AND (cardinality($3::text[]) = 0 OR kind = ANY($3::text[])) ORDER BY id LIMIT 1`,
        [w.emspId, w.deliveredThrough, [...w.kinds]],
      );
      const r = rows[0];
      return r ? { id: String(r.id), emspId: r.emsp_id, contractId: r.contract_id, kind: r.kind, at: r.at, stationId: r.station_id, detail: r.detail } : null;
    },
    async getDelivery(webhookId, eventId) {
      const { rows } = await db.query<DeliveryDbRow>(`SELECT ${DELIVERY_COLUMNS} FROM emsp_webhook_deliveries WHERE webhook_id = $1 AND event_id = $2`, [webhookId, eventId]);
      return rows[0] ? toDelivery(rows[0]) : null;
    },
    async recordAttempt(tx, d, settled) {
      await tx.query(
        `INSERT INTO emsp_webhook_deliveries (${DELIVERY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (webhook_id, event_id) DO UPDATE SET state = EXCLUDED.state, attempts = EXCLUDED.attempts, next_attempt_at = EXCLUDED.next_attempt_at,
           last_status = EXCLUDED.last_status, last_error = EXCLUDED.last_error, updated_at = EXCLUDED.updated_at`,
        [d.webhookId, d.eventId, d.state, d.attempts, d.nextAttemptAt, d.lastStatus, d.lastError, d.at],
      );
      if (settled) await tx.query('UPDATE emsp_webhooks SET delivered_through = GREATEST(delivered_through, $2) WHERE id = $1', [d.webhookId, d.eventId]);
    },
    async listDeliveries(webhookId, limit) {
      const { rows } = await db.query<DeliveryDbRow>(`SELECT ${DELIVERY_COLUMNS} FROM emsp_webhook_deliveries WHERE webhook_id = $1 ORDER BY event_id DESC LIMIT $2`, [webhookId, limit]);
      return rows.map(toDelivery);
    },
  };
}
