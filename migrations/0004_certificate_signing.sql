-- Station certificates (OCPP 2.0.1 A02/A03): per-station settings, every SignCertificate request
-- with the registration authority's decision, the outbox of CSMS-initiated CALLs, revocations
-- scheduled for later (the certificate a newly installed one replaces), and renewal follow-up.

-- Per-station certificate settings: the SECC ID that a V2GCertificate's CN must carry
-- (OCPP 2.0.1 Appendix 3 ISO15118Ctrlr.SeccId; ISO 15118-2 Annex F Table F.2).
CREATE TABLE station_certificate_settings (
  station_id  text PRIMARY KEY REFERENCES stations(id) ON DELETE CASCADE,
  secc_id     text CHECK (secc_id IS NULL OR length(secc_id) BETWEEN 1 AND 64),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every SignCertificateRequest and what became of it. state:
--   rejected          the RA refused the CSR (reason and defects say why); nothing was issued
--   accepted          answered Accepted; the certificate is not issued yet
--   issued            issued, CertificateSigned waiting in the outbox
--   installed         the station answered CertificateSigned Accepted
--   station_rejected  the station answered Rejected; the certificate was revoked
--   expired           not delivered before expires_at (or superseded by a newer request); revoked if issued
--   failed            the CA refused to issue (reason says why)
CREATE TABLE certificate_signing_requests (
  id                     bigserial PRIMARY KEY,
  station_id             text NOT NULL,
  certificate_type       text NOT NULL CHECK (certificate_type IN ('ChargingStationCertificate', 'V2GCertificate')),
  -- Whether the request carried certificateType: CertificateSigned repeats it only then.
  type_in_request        boolean NOT NULL,
  csr                    text NOT NULL,
  -- The CN the RA required: the station identity, or the station's SECC ID for a V2GCertificate.
  identity               text,
  received_at            timestamptz NOT NULL,
  decision               text NOT NULL CHECK (decision IN ('Accepted', 'Rejected')),
  reason                 text,
  defects                jsonb,
  state                  text NOT NULL CHECK (state IN ('rejected', 'accepted', 'issued', 'installed', 'station_rejected', 'expired', 'failed')),
  expires_at             timestamptz NOT NULL,
  serial                 bytea REFERENCES certificates(serial),
  station_status         text,
  station_reason         text,
  answered_at            timestamptz,
  CHECK ((decision = 'Rejected') = (state = 'rejected'))
);
CREATE INDEX certificate_signing_requests_station ON certificate_signing_requests (station_id, certificate_type, received_at DESC);

-- CSMS-initiated CALLs that must reach a station, whether or not it is connected now, and
-- whatever restarts happen meanwhile. payload is null until it can be built (a certificate not
-- yet issued). Delivered rows keep the station's answer.
CREATE TABLE ocpp_outbox (
  id                   bigserial PRIMARY KEY,
  station_id           text NOT NULL,
  action               text NOT NULL,
  payload              jsonb,
  signing_request_id   bigint REFERENCES certificate_signing_requests(id),
  state                text NOT NULL CHECK (state IN ('pending', 'delivered', 'expired')),
  attempts             integer NOT NULL DEFAULT 0,
  next_attempt_at      timestamptz NOT NULL,
  expires_at           timestamptz NOT NULL,
  last_error           text,
  answer               jsonb,
  created_at           timestamptz NOT NULL,
  delivered_at         timestamptz
);
CREATE INDEX ocpp_outbox_pending ON ocpp_outbox (next_attempt_at) WHERE state = 'pending';

-- Revocations to run later: the certificate a newly installed one replaces, after a grace period.
CREATE TABLE scheduled_revocations (
  serial       bytea PRIMARY KEY REFERENCES certificates(serial),
  reason       text NOT NULL,
  due_at       timestamptz NOT NULL,
  requested_by text NOT NULL,
  done_at      timestamptz,
  last_error   text
);
CREATE INDEX scheduled_revocations_due ON scheduled_revocations (due_at) WHERE done_at IS NULL;

-- Renewal follow-up (A02): the certificate being renewed and the TriggerMessages sent for it.
CREATE TABLE certificate_renewals (
  station_id        text NOT NULL,
  certificate_type  text NOT NULL CHECK (certificate_type IN ('ChargingStationCertificate', 'V2GCertificate')),
  serial            bytea NOT NULL,
  triggers          integer NOT NULL DEFAULT 0,
  last_trigger_at   timestamptz,
  last_status       text,
  PRIMARY KEY (station_id, certificate_type, serial)
);
