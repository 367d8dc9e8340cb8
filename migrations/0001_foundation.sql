-- Stations, their connectors, events and the frame log; operator credentials and API keys.

CREATE TABLE stations (
  id                   text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 48 AND position(':' IN id) = 0),
  registration_status  text NOT NULL DEFAULT 'Accepted' CHECK (registration_status IN ('Accepted', 'Pending', 'Rejected')),
  security_profile     smallint NOT NULL DEFAULT 1 CHECK (security_profile BETWEEN 1 AND 3),
  auto_registered      boolean NOT NULL DEFAULT false,
  description          text,
  vendor_name          text,
  model                text,
  serial_number        text,
  firmware_version     text,
  modem_iccid          text,
  modem_imsi           text,
  last_boot_at         timestamptz,
  last_boot_reason     text,
  last_seen_at         timestamptz,
  connected            boolean NOT NULL DEFAULT false,
  connected_at         timestamptz,
  disconnected_at      timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE connector_status (
  station_id     text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  evse_id        integer NOT NULL,
  connector_id   integer NOT NULL,
  status         text NOT NULL,
  reported_at    timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, evse_id, connector_id)
);

CREATE TABLE station_events (
  id              bigserial PRIMARY KEY,
  station_id      text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  generated_at    timestamptz NOT NULL,
  seq_no          integer NOT NULL,
  tbc             boolean NOT NULL DEFAULT false,
  event_id        integer NOT NULL,
  event_at        timestamptz NOT NULL,
  trigger         text NOT NULL,
  cause           integer,
  actual_value    text NOT NULL,
  tech_code       text,
  tech_info       text,
  cleared         boolean,
  transaction_id  text,
  variable_monitoring_id integer,
  event_notification_type text NOT NULL,
  component       jsonb NOT NULL,
  variable        jsonb NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX station_events_station ON station_events (station_id, event_at DESC);

-- Security events reported by stations (SecurityEventNotification) and raised by the CSMS
-- itself (source = 'csms'), e.g. a replaced connection or a refused upgrade.
CREATE TABLE security_events (
  id           bigserial PRIMARY KEY,
  station_id   text NOT NULL,
  source       text NOT NULL CHECK (source IN ('station', 'csms')),
  type         text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  tech_info    text,
  remote_addr  text,
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX security_events_station ON security_events (station_id, occurred_at DESC);

-- Every frame in and out: who, which way, which action, which message id, the outcome and
-- (optionally) the payload. Written as chunks: one row per station per flush, its frames as one
-- JSON array, so that tens of thousands of frames a second cost a few hundred rows.
CREATE TABLE frame_chunks (
  id           bigserial PRIMARY KEY,
  station_id   text NOT NULL,
  first_at     timestamptz NOT NULL,
  last_at      timestamptz NOT NULL,
  frame_count  integer NOT NULL,
  frames       text NOT NULL
);
-- Written once, read rarely: skip compression on the hot path.
ALTER TABLE frame_chunks ALTER COLUMN frames SET STORAGE EXTERNAL;
CREATE INDEX frame_chunks_station ON frame_chunks (station_id, last_at DESC);
CREATE INDEX frame_chunks_last_at ON frame_chunks (last_at);

CREATE TABLE operator_credentials (
  client_id    text PRIMARY KEY,
  secret_hash  text NOT NULL,
  scopes       text[] NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  disabled_at  timestamptz
);

-- Symmetric keys that sign operator API tokens; the newest active one signs, all active verify.
CREATE TABLE api_signing_keys (
  kid          text PRIMARY KEY,
  secret       bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  retired_at   timestamptz
);
