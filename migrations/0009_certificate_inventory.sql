-- The fleet certificate inventory (OCPP 2.0.1 Part 2 M03-M05): what each station last reported
-- in GetInstalledCertificateIds, the CA certificates we sent to stations, and the campaigns that
-- install or remove a root on many stations.

-- Every CA certificate we sent in an InstallCertificate, so that a station's report (hash data
-- only) can be shown with its subject and expiry. Keyed by the SHA-256 of its DER.
CREATE TABLE inventory_certificates (
  fingerprint   bytea PRIMARY KEY CHECK (length(fingerprint) = 32),
  der           bytea NOT NULL,
  subject       text NOT NULL,
  serial_hex    text NOT NULL,
  not_before    timestamptz NOT NULL,
  not_after     timestamptz NOT NULL,
  -- CertificateHashDataType under each hash algorithm a station may answer with (M03.FR.*).
  hash_keys     text[] NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inventory_certificates_hash_keys_idx ON inventory_certificates USING gin (hash_keys);

-- One row per certificate a station reported (M03): certificate_type is GetCertificateIdUseEnumType;
-- a V2GCertificateChain entry carries its child certificates (childCertificateHashData) as rows
-- with parent_id set.
CREATE TABLE station_certificate_inventory (
  id                 bigserial PRIMARY KEY,
  station_id         text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  certificate_type   text NOT NULL CHECK (certificate_type IN ('V2GRootCertificate', 'MORootCertificate', 'CSMSRootCertificate', 'V2GCertificateChain', 'ManufacturerRootCertificate')),
  parent_id          bigint REFERENCES station_certificate_inventory(id) ON DELETE CASCADE,
  hash_algorithm     text NOT NULL,
  issuer_name_hash   text NOT NULL,
  issuer_key_hash    text NOT NULL,
  serial_number      text NOT NULL,
  reported_at        timestamptz NOT NULL
);
CREATE INDEX station_certificate_inventory_station_idx ON station_certificate_inventory (station_id, certificate_type);

-- When a station's inventory was last read, per certificate type it was asked about.
CREATE TABLE station_certificate_inventory_reads (
  station_id        text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  certificate_type  text NOT NULL,
  read_at           timestamptz NOT NULL,
  status            text NOT NULL,
  PRIMARY KEY (station_id, certificate_type)
);

-- A campaign installs (M05) or removes (M03 + M04) one root on every targeted station.
CREATE TABLE certificate_campaigns (
  id             bigserial PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN ('install', 'remove')),
  fingerprint    bytea NOT NULL REFERENCES inventory_certificates(fingerprint),
  uses           text[] NOT NULL CHECK (cardinality(uses) > 0),
  target_filter  jsonb NOT NULL,
  state          text NOT NULL CHECK (state IN ('running', 'paused', 'completed', 'cancelled')),
  max_attempts   integer NOT NULL CHECK (max_attempts > 0),
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  completed_at   timestamptz
);

-- Per-station progress: pending -> running -> succeeded | failed | cancelled. `steps` holds the
-- answer to each use, so a retried station is not asked twice for what it already accepted.
CREATE TABLE certificate_campaign_targets (
  campaign_id      bigint NOT NULL REFERENCES certificate_campaigns(id) ON DELETE CASCADE,
  station_id       text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  state            text NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
  outcome          text,
  steps            jsonb NOT NULL DEFAULT '{}'::jsonb,
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  last_error       text,
  updated_at       timestamptz NOT NULL,
  PRIMARY KEY (campaign_id, station_id)
);
CREATE INDEX certificate_campaign_targets_due_idx ON certificate_campaign_targets (next_attempt_at) WHERE state = 'pending';
CREATE INDEX certificate_campaign_targets_station_idx ON certificate_campaign_targets (station_id) WHERE state = 'pending';

-- A station reports certificates our CA issued (its V2GCertificateChain) by serial in hex: this
-- finds them without a scan (serials are never zero, RFC 5280 4.1.2.2).
CREATE INDEX certificates_serial_hex_idx ON certificates (ltrim(encode(serial, 'hex'), '0'));
