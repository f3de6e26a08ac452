-- 0008: the enforcement gaps of issue #5. Reads still judge expiry and publication by their dates (an
-- order past valid_to is expired whether or not anything ran); the sweep (enforce_sweep) writes each of
-- those moments once as an event, and these columns say that it has, so a second sweep writes nothing.
ALTER TABLE control_orders ADD COLUMN expiry_recorded_at TEXT;
ALTER TABLE debtor_listings ADD COLUMN expiry_recorded_at TEXT;
ALTER TABLE debtor_listings ADD COLUMN publication_recorded_at TEXT;
-- What the sweep still has to record: small partial indexes, empty once it has run.
CREATE INDEX control_orders_to_expire ON control_orders(valid_to)
  WHERE status = 'active' AND valid_to IS NOT NULL AND expiry_recorded_at IS NULL;
CREATE INDEX debtor_listings_to_expire ON debtor_listings(expires_on)
  WHERE status = 'listed' AND expires_on IS NOT NULL AND expiry_recorded_at IS NULL;
CREATE INDEX debtor_listings_to_publish ON debtor_listings(publish_on)
  WHERE status = 'listed' AND publish_on IS NOT NULL AND publication_recorded_at IS NULL;
-- One-time codes for the query log (who looked me up). An officer who has checked the person's identity
-- in person issues one; only its SHA-256 is kept; it works once, until expires_at.
CREATE TABLE query_codes (
  id             INTEGER PRIMARY KEY,
  id_number      TEXT NOT NULL,
  code_hash      TEXT NOT NULL UNIQUE,  -- hex SHA-256 of id_number ':' code
  reason         TEXT NOT NULL,
  issued_at      TEXT NOT NULL,
  issued_by      INTEGER NOT NULL,
  issued_unit_id TEXT,
  expires_at     TEXT NOT NULL,
  used_at        TEXT
);
CREATE INDEX query_codes_subject ON query_codes(id_number);
-- Wrong codes per ID number, counted like wrong passwords (auth.h): five lock the number for 15 minutes.
CREATE TABLE query_code_failures (
  id_number    TEXT PRIMARY KEY,
  failed_count INTEGER NOT NULL,
  locked_until INTEGER NOT NULL DEFAULT 0   -- Unix seconds
) WITHOUT ROWID;
