-- Contracts (ISO 15118-2 contract certificates) and the mobility operators (eMSPs) they belong
-- to. A contract's private key lives in ca_keys (encrypted under the KEK like a CA key); this
-- table holds only its id. Every change to a contract is an event its eMSP can poll or receive.

-- eMSPs: tenants of the eMSP API; each sees and changes only its own contracts.
CREATE TABLE emsps (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A contract certificate with its key, bound to the PCIDs (provisioning certificate ids of EVs)
-- it may be installed into. origin: 'issued' by our MO CA (serial references certificates) or
-- 'uploaded' by the eMSP (issued elsewhere, chain validated against the configured MO roots).
-- chain: the contract certificate's sub-CAs, its issuer first, without the MO root; mo_root: the
-- MO root it chains to (matched against the EV's ListOfRootCertificateIDs).
CREATE TABLE contracts (
  id                 text PRIMARY KEY,
  emsp_id            text NOT NULL REFERENCES emsps(id),
  emaid              text NOT NULL CHECK (emaid ~ '^[A-Z0-9]{14,15}$'),
  pcids              text[] NOT NULL DEFAULT '{}',
  origin             text NOT NULL CHECK (origin IN ('issued', 'uploaded')),
  certificate        bytea NOT NULL,
  chain              bytea[] NOT NULL,
  mo_root            bytea NOT NULL,
  serial             bytea REFERENCES certificates(serial),
  key_id             text NOT NULL REFERENCES ca_keys(id),
  not_before         timestamptz NOT NULL,
  not_after          timestamptz NOT NULL,
  created_at         timestamptz NOT NULL,
  revoked_at         timestamptz,
  revocation_reason  text,
  deleted_at         timestamptz,
  CHECK ((origin = 'issued') = (serial IS NOT NULL))
);
CREATE INDEX contracts_emsp_idx ON contracts (emsp_id, created_at);
-- eMAIDs are looked up with or without their check digit (the 15th character; ISO 15118-2 Annex H).
CREATE INDEX contracts_emaid_idx ON contracts (left(emaid, 14));
CREATE INDEX contracts_pcids_idx ON contracts USING gin (pcids);

-- What happened to contracts, in order: the eMSP's event feed (poll by id, or webhooks).
CREATE TABLE contract_events (
  id           bigserial PRIMARY KEY,
  emsp_id      text NOT NULL REFERENCES emsps(id),
  contract_id  text REFERENCES contracts(id),
  kind         text NOT NULL CHECK (kind IN ('created', 'installed', 'installation_failed', 'revoked', 'deleted')),
  at           timestamptz NOT NULL,
  station_id   text,
  detail       jsonb
);
CREATE INDEX contract_events_emsp_idx ON contract_events (emsp_id, id);
