-- The eMSP API: which MO sub-CA issues an eMSP's contract certificates, the eMSPs' API clients,
-- their webhook subscriptions and the delivery state of each event to each webhook.

-- The CA that issues this eMSP's contract certificates; NULL: the configured default.
ALTER TABLE emsps ADD COLUMN issuer_id text REFERENCES ca_issuers(id);

-- Client credentials of the eMSP API (OAuth 2.0 client credentials, RFC 6749 4.4), each bound to
-- one eMSP: the tokens it obtains carry that eMSP as their tenant.
CREATE TABLE emsp_clients (
  client_id    text PRIMARY KEY CHECK (client_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
  emsp_id      text NOT NULL REFERENCES emsps(id),
  secret_hash  text NOT NULL,
  scopes       text[] NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  disabled_at  timestamptz
);
CREATE INDEX emsp_clients_emsp_idx ON emsp_clients (emsp_id);

-- Webhook subscriptions. The HMAC secret is encrypted under the KEK (AES-256-GCM, the webhook id
-- as additional data) like CA keys. kinds: the event kinds delivered (empty: all). Events are
-- delivered in order; delivered_through is the id of the last event settled (delivered, or given
-- up after the last attempt).
CREATE TABLE emsp_webhooks (
  id                 text PRIMARY KEY,
  emsp_id            text NOT NULL REFERENCES emsps(id),
  url                text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
  kinds              text[] NOT NULL DEFAULT '{}',
  kek_id             text NOT NULL,
  iv                 bytea NOT NULL,
  ciphertext         bytea NOT NULL,
  auth_tag           bytea NOT NULL,
  delivered_through  bigint NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL,
  deleted_at         timestamptz
);
CREATE INDEX emsp_webhooks_emsp_idx ON emsp_webhooks (emsp_id) WHERE deleted_at IS NULL;

-- One row per (webhook, event) once a delivery was attempted. state: pending (to retry at
-- next_attempt_at), delivered, failed (attempts exhausted).
CREATE TABLE emsp_webhook_deliveries (
  webhook_id       text NOT NULL REFERENCES emsp_webhooks(id),
  event_id         bigint NOT NULL REFERENCES contract_events(id),
  state            text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL,
  next_attempt_at  timestamptz,
  last_status      integer,
  last_error       text,
  updated_at       timestamptz NOT NULL,
  PRIMARY KEY (webhook_id, event_id)
);
