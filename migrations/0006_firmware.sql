-- Signed firmware (OCPP 2.0.1 L01-L04): uploaded images and their verified signatures, the
-- expiring download links that serve them, per-station update jobs driven by
-- FirmwareStatusNotification, roll-out campaigns, the per-station permission for unsecured
-- updates (L02), and publications on local controllers (L03/L04).

-- OCPP requestId of UpdateFirmware and PublishFirmware: one integer sequence, within int32.
CREATE SEQUENCE firmware_request_id_seq AS integer MINVALUE 1 MAXVALUE 2147483647 CYCLE;

-- An image as uploaded (streamed to <data-dir>/firmware/<id>.bin). It may be sent to a station
-- only once signature_state is 'verified': signed by our firmware-signer key, or a manufacturer's
-- signature and certificate verified against the configured manufacturer roots.
CREATE TABLE firmware_images (
  id                  uuid PRIMARY KEY,
  vendor              text NOT NULL CHECK (length(vendor) BETWEEN 1 AND 50),
  models              text[] NOT NULL,
  version             text NOT NULL CHECK (length(version) BETWEEN 1 AND 50),
  file_name           text NOT NULL,
  size_bytes          bigint NOT NULL CHECK (size_bytes > 0),
  sha256              bytea NOT NULL,
  md5                 bytea NOT NULL,
  signature_state     text NOT NULL CHECK (signature_state IN ('unsigned', 'verified', 'tampered')),
  signature_source    text CHECK (signature_source IN ('csms', 'manufacturer')),
  -- DER signature (ECDSA Ecdsa-Sig-Value or RSA) over the whole file.
  signature           bytea,
  signature_hash      text CHECK (signature_hash IN ('sha256', 'sha384')),
  -- PEM signing certificate as UpdateFirmware carries it, then any intermediates.
  signing_certificate text,
  signing_chain       text,
  signed_at           timestamptz,
  signed_by           text,
  tamper_reason       text,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL,
  CHECK ((signature_state = 'verified') = (signature IS NOT NULL AND signing_certificate IS NOT NULL) OR signature_state = 'tampered')
);
CREATE INDEX firmware_images_vendor ON firmware_images (vendor, created_at DESC);

-- Who may receive an unsigned UpdateFirmware (L02): only stations the operator allows.
CREATE TABLE firmware_station_policy (
  station_id        text PRIMARY KEY REFERENCES stations(id) ON DELETE CASCADE,
  allow_unsecured   boolean NOT NULL,
  updated_at        timestamptz NOT NULL,
  updated_by        text NOT NULL
);

-- Roll-outs. state: running | paused | aborted | completed. Failure ratio is measured since the
-- last resume (failed_baseline, launched_baseline).
CREATE TABLE firmware_campaigns (
  id                 uuid PRIMARY KEY,
  image_id           uuid NOT NULL REFERENCES firmware_images(id),
  filter             jsonb NOT NULL,
  options            jsonb NOT NULL,
  wave_size          integer NOT NULL CHECK (wave_size >= 1),
  max_in_flight      integer NOT NULL CHECK (max_in_flight >= 1),
  max_failure_ratio  double precision NOT NULL CHECK (max_failure_ratio >= 0 AND max_failure_ratio <= 1),
  state              text NOT NULL CHECK (state IN ('running', 'paused', 'aborted', 'completed')),
  state_reason       text,
  current_wave       integer NOT NULL DEFAULT 0,
  failed_baseline    integer NOT NULL DEFAULT 0,
  launched_baseline  integer NOT NULL DEFAULT 0,
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);

-- One UpdateFirmware for one station. state:
--   planned      part of a campaign, not launched yet
--   queued       to be sent (when the station is connected)
--   accepted     the station accepted UpdateFirmware
--   in_progress  FirmwareStatusNotification reported progress
--   installed    Installed reported; closed when the station boots with the expected version
--   completed    the station reported the image's version (BootNotification) after Installed
--   failed       refused or failed (failure says which: InvalidCertificate, InvalidSignature, ...)
--   canceled     not sent (campaign aborted) or replaced by a newer update (AcceptedCanceled)
CREATE TABLE firmware_jobs (
  id               bigserial PRIMARY KEY,
  station_id       text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  image_id         uuid NOT NULL REFERENCES firmware_images(id),
  campaign_id      uuid REFERENCES firmware_campaigns(id),
  wave             integer,
  request_id       integer NOT NULL DEFAULT nextval('firmware_request_id_seq'),
  secure           boolean NOT NULL,
  state            text NOT NULL CHECK (state IN ('planned', 'queued', 'accepted', 'in_progress', 'installed', 'completed', 'failed', 'canceled')),
  last_status      text,
  failure          text,
  failure_detail   text,
  retrieve_at      timestamptz,
  install_at       timestamptz,
  retries          integer,
  retry_interval   integer,
  send_attempts    integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  version_reported boolean NOT NULL DEFAULT false,
  deadline_at      timestamptz,
  created_by       text NOT NULL,
  created_at       timestamptz NOT NULL,
  sent_at          timestamptz,
  finished_at      timestamptz
);
CREATE INDEX firmware_jobs_station ON firmware_jobs (station_id, created_at DESC);
CREATE INDEX firmware_jobs_request ON firmware_jobs (station_id, request_id);
CREATE INDEX firmware_jobs_campaign ON firmware_jobs (campaign_id, state);
CREATE INDEX firmware_jobs_active ON firmware_jobs (state) WHERE state IN ('queued', 'accepted', 'in_progress', 'installed');

-- Every status a job went through, for the operator.
CREATE TABLE firmware_job_events (
  id          bigserial PRIMARY KEY,
  job_id      bigint NOT NULL REFERENCES firmware_jobs(id) ON DELETE CASCADE,
  at          timestamptz NOT NULL,
  status      text NOT NULL,
  detail      text
);
CREATE INDEX firmware_job_events_job ON firmware_job_events (job_id, id);

-- Publications of an image on a local controller (L03/L04). state:
--   accepted | rejected | in_progress | published | failed | unpublished
CREATE TABLE firmware_publications (
  id              bigserial PRIMARY KEY,
  station_id      text NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
  image_id        uuid NOT NULL REFERENCES firmware_images(id),
  request_id      integer NOT NULL DEFAULT nextval('firmware_request_id_seq'),
  state           text NOT NULL CHECK (state IN ('accepted', 'rejected', 'in_progress', 'published', 'failed', 'unpublished')),
  last_status     text,
  locations       text[],
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX firmware_publications_station ON firmware_publications (station_id, request_id);

-- Unguessable, expiring download URLs: only the SHA-256 of the token is stored. Bytes served and
-- completed downloads are the visible download progress.
CREATE TABLE firmware_links (
  token_hash          bytea PRIMARY KEY,
  image_id            uuid NOT NULL REFERENCES firmware_images(id),
  job_id              bigint REFERENCES firmware_jobs(id) ON DELETE CASCADE,
  publication_id      bigint REFERENCES firmware_publications(id) ON DELETE CASCADE,
  expires_at          timestamptz NOT NULL,
  bytes_served        bigint NOT NULL DEFAULT 0,
  completed_downloads integer NOT NULL DEFAULT 0,
  last_access_at      timestamptz,
  created_at          timestamptz NOT NULL
);
CREATE INDEX firmware_links_job ON firmware_links (job_id);
