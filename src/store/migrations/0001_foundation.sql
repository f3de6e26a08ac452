-- 0001: the foundation: meta facts, the event log, areas, units, users, roles and sessions.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Every write appends one or more events in the same transaction. seq is gapless: it is assigned as
-- max(seq)+1 under the write lock, and rows are never deleted or updated (triggers below).
CREATE TABLE events (
  seq           INTEGER PRIMARY KEY,
  at            TEXT NOT NULL,
  actor_user_id INTEGER,
  actor_unit_id TEXT,
  entity_type   TEXT NOT NULL,
  entity_id     TEXT NOT NULL,
  event_type    TEXT NOT NULL,
  payload       TEXT NOT NULL,
  leaf_hash     BLOB
);
CREATE INDEX events_entity ON events(entity_type, entity_id, seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE areas (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  parent_code TEXT REFERENCES areas(code),
  level       TEXT NOT NULL CHECK (level IN ('province','prefecture','county'))
);

CREATE TABLE units (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('committee','police','procuratorate','court','justice_bureau')),
  area_code  TEXT NOT NULL REFERENCES areas(code),
  parent_id  TEXT REFERENCES units(id),
  court_code TEXT UNIQUE
);
CREATE INDEX units_area ON units(area_code, kind);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  unit_id       TEXT NOT NULL REFERENCES units(id),
  password_hash TEXT NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  failed_count  INTEGER NOT NULL DEFAULT 0,
  locked_until  INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL
);

CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id),
  role    TEXT NOT NULL CHECK (role IN ('admin','clerk','handler','reviewer','fund_officer','supervisor','auditor')),
  PRIMARY KEY (user_id, role)
);

-- Session tokens are 256-bit random values; only their SHA-256 is stored.
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id),
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  revoked_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions(user_id);
