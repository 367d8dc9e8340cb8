-- The certificate authority: issuing CAs and their protected keys, every certificate with its
-- issuance state and revocation status, published CRLs, and the hash-chained audit log.

-- Private keys, only ever encrypted (AES-256-GCM under the configured key-encryption key). A key
-- held elsewhere (HSM, KMS) is a row with external_ref and no ciphertext.
CREATE TABLE ca_keys (
  id            text PRIMARY KEY,
  algorithm     text NOT NULL,
  public_key    bytea NOT NULL,
  kek_id        text,
  iv            bytea,
  ciphertext    bytea,
  auth_tag      bytea,
  external_ref  text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((ciphertext IS NOT NULL AND iv IS NOT NULL AND auth_tag IS NOT NULL AND kek_id IS NOT NULL) <> (external_ref IS NOT NULL))
);

-- A CA we operate (generated or imported). Its certificate may be signed by a CA we do not run.
CREATE TABLE ca_issuers (
  id                  text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  profile             text NOT NULL,
  parent_id           text REFERENCES ca_issuers(id),
  certificate         bytea NOT NULL,
  subject             text NOT NULL,
  key_identifier      bytea NOT NULL,
  key_id              text REFERENCES ca_keys(id),
  -- The delegated OCSP signer (RFC 6960 4.2.2.2) for certificates this CA issues.
  ocsp_certificate    bytea,
  ocsp_key_id         text REFERENCES ca_keys(id),
  imported            boolean NOT NULL DEFAULT false,
  lab                 boolean NOT NULL DEFAULT false,
  not_before          timestamptz NOT NULL,
  not_after           timestamptz NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now()
);

-- Every certificate we issue, from serial reservation on. status: reserved (step 1) -> signing
-- (step 4, tbs stored) -> issued (step 6) | failed.
CREATE TABLE certificates (
  serial             bytea PRIMARY KEY CHECK (length(serial) BETWEEN 9 AND 20),
  issuer_id          text NOT NULL REFERENCES ca_issuers(id),
  profile            text NOT NULL,
  status             text NOT NULL CHECK (status IN ('reserved', 'signing', 'issued', 'failed')),
  subject            text,
  identity           text,
  key_sha256         bytea,
  not_before         timestamptz,
  not_after          timestamptz,
  tbs                bytea,
  der                bytea,
  requested_by       text NOT NULL,
  reserved_at        timestamptz NOT NULL DEFAULT now(),
  issued_at          timestamptz,
  revoked_at         timestamptz,
  revocation_reason  text,
  CHECK (status <> 'issued' OR der IS NOT NULL),
  CHECK (revoked_at IS NULL OR status = 'issued')
);
CREATE INDEX certificates_issuer_idx ON certificates (issuer_id, issued_at);
CREATE INDEX certificates_key_idx ON certificates (key_sha256) WHERE status = 'issued';
CREATE INDEX certificates_revoked_idx ON certificates (issuer_id) WHERE revoked_at IS NOT NULL;
CREATE INDEX certificates_identity_idx ON certificates (identity);

-- The current CRL of each issuing CA (RFC 5280 5): the number only grows.
CREATE TABLE ca_crls (
  issuer_id    text PRIMARY KEY REFERENCES ca_issuers(id),
  crl_number   bigint NOT NULL,
  this_update  timestamptz NOT NULL,
  next_update  timestamptz NOT NULL,
  der          bytea NOT NULL
);

-- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical record). `plugtrust audit
-- verify` recomputes the chain and names the first record that was removed or edited.
CREATE TABLE ca_audit_log (
  seq          bigint PRIMARY KEY,
  at           timestamptz NOT NULL,
  actor        text NOT NULL,
  action       text NOT NULL,
  decision     text NOT NULL,
  issuer_id    text,
  serial       bytea,
  profile      text,
  detail       jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash    bytea NOT NULL,
  hash         bytea NOT NULL
);

-- Keys the CSMS itself signs with (the CPS leaf for contract installations, the firmware signer,
-- the TLS server certificate) and, for lab hierarchies only, sample leaf keys for export.
CREATE TABLE ca_service_keys (
  purpose     text PRIMARY KEY,
  serial      bytea NOT NULL REFERENCES certificates(serial),
  key_id      text NOT NULL REFERENCES ca_keys(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
