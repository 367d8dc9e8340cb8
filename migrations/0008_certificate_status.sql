-- Authorization decisions (OCPP 2.0.1 C07 Authorize; plain idTokens too): every AuthorizeRequest
-- and what the CSMS answered, with the reason. evidence: one JSON object per certificate checked
-- ({ what, serial, source: ours|foreign|chain, status, fromCache, reason }), so that a refusal can
-- be explained afterwards. No foreign key to stations: a decision outlives a deleted station.
CREATE TABLE authorization_decisions (
  id                  bigserial PRIMARY KEY,
  station_id          text NOT NULL,
  id_token            text NOT NULL,
  id_token_type       text NOT NULL,
  received_at         timestamptz NOT NULL,
  -- What the request carried: a certificate chain, hash data entries.
  had_certificate     boolean NOT NULL,
  hash_data_count     integer NOT NULL CHECK (hash_data_count BETWEEN 0 AND 4),
  status              text NOT NULL CHECK (status IN ('Accepted', 'Blocked', 'ConcurrentTx', 'Expired', 'Invalid', 'NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime', 'Unknown')),
  certificate_status  text CHECK (certificate_status IN ('Accepted', 'SignatureError', 'CertificateExpired', 'CertificateRevoked', 'NoCertificateAvailable', 'CertChainError', 'ContractCancelled')),
  reason              text NOT NULL,
  contract_id         text REFERENCES contracts(id),
  evidence            jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX authorization_decisions_station_idx ON authorization_decisions (station_id, received_at);
CREATE INDEX authorization_decisions_token_idx ON authorization_decisions (id_token, received_at);
