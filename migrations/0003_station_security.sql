-- HTTP Basic passwords of stations at security profiles 1 and 2 (OCPP 2.0.1 Part 2 A00), only as
-- scrypt hashes. During a password rotation (A01) the previous hash keeps admitting the station
-- until it has connected once with the new password.

CREATE TABLE station_passwords (
  station_id     text PRIMARY KEY REFERENCES stations(id) ON DELETE CASCADE,
  hash           text NOT NULL,
  previous_hash  text,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
