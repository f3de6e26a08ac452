-- 0002: matters and their flow: parties, case numbers, transfers, dossier files, extensions.

-- A matter is one case as it travels across agencies. While open it has exactly one holder unit and
-- one running clock (the current stage's due date); holder_area_code and holder_league_code are
-- denormalised from the holder unit so supervision can group a million matters on an index.
CREATE TABLE matters (
  id                 INTEGER PRIMARY KEY,
  number             TEXT NOT NULL UNIQUE,
  kind               TEXT NOT NULL CHECK (kind IN ('criminal','civil','administrative','enforcement')),
  summary            TEXT NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('open','closed')),
  stage              TEXT NOT NULL,
  procedure          TEXT,
  holder_unit_id     TEXT NOT NULL REFERENCES units(id),
  holder_area_code   TEXT NOT NULL,
  holder_league_code TEXT NOT NULL,
  filed_unit_id      TEXT NOT NULL REFERENCES units(id),
  filed_at           TEXT NOT NULL,
  stage_started_on   TEXT NOT NULL,     -- YYYY-MM-DD (Asia/Shanghai)
  rule_id            TEXT,              -- time-limit rule of the stage
  due_on             TEXT,              -- YYYY-MM-DD; NULL only when closed
  extensions         INTEGER NOT NULL DEFAULT 0,
  returns            INTEGER NOT NULL DEFAULT 0, -- returns for supplementary investigation
  transfer_returns   INTEGER NOT NULL DEFAULT 0, -- transfers the receiver sent back
  green              INTEGER NOT NULL DEFAULT 0, -- green_channel or enterprise_related
  suspended_on       TEXT,              -- YYYY-MM-DD the clock stopped (中止); NULL = running
  closed_at          TEXT,
  version            INTEGER NOT NULL DEFAULT 1,
  updated_at         TEXT NOT NULL,
  CHECK ((status = 'open') = (due_on IS NOT NULL))
);
CREATE INDEX matters_holder ON matters(holder_unit_id, status, green DESC, due_on);
CREATE INDEX matters_area_due ON matters(status, holder_area_code, due_on);
CREATE INDEX matters_league_due ON matters(status, holder_league_code, due_on);
CREATE INDEX matters_due ON matters(status, due_on);
CREATE INDEX matters_filed ON matters(filed_at);

-- Units that hold or have held a matter: the scope the authorization function reads.
CREATE TABLE matter_units (
  matter_id INTEGER NOT NULL REFERENCES matters(id),
  unit_id   TEXT NOT NULL REFERENCES units(id),
  since     TEXT NOT NULL,
  PRIMARY KEY (matter_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX matter_units_unit ON matter_units(unit_id, matter_id);

CREATE TABLE matter_tags (
  matter_id INTEGER NOT NULL REFERENCES matters(id),
  tag       TEXT NOT NULL CHECK (tag IN ('enterprise_related','green_channel')),
  PRIMARY KEY (matter_id, tag)
) WITHOUT ROWID;
CREATE INDEX matter_tags_tag ON matter_tags(tag, matter_id);

-- Per-area, per-year serial of the unified matter number.
CREATE TABLE matter_serials (
  area_code TEXT NOT NULL,
  year      INTEGER NOT NULL,
  last      INTEGER NOT NULL,
  PRIMARY KEY (area_code, year)
) WITHOUT ROWID;

CREATE TABLE parties (
  id          INTEGER PRIMARY KEY,
  matter_id   INTEGER NOT NULL REFERENCES matters(id),
  ord         INTEGER NOT NULL,
  type        TEXT NOT NULL CHECK (type IN ('person','organization')),
  name        TEXT NOT NULL,
  role        TEXT NOT NULL,
  id_type     TEXT CHECK (id_type IN ('resident_id','passport','credit_code')),
  id_number   TEXT,
  sex         TEXT,
  birth_date  TEXT,
  id_warning  TEXT,
  UNIQUE (matter_id, ord)
);
CREATE INDEX parties_matter ON parties(matter_id);
CREATE INDEX parties_id_number ON parties(id_number);
-- Name search: every 1- and 2-character piece of a name, so two-character Chinese names are found
-- by an index lookup (SQLite's FTS5 trigram index cannot answer queries under three characters).
CREATE TABLE party_grams (
  gram      TEXT NOT NULL,
  matter_id INTEGER NOT NULL,
  party_id  INTEGER NOT NULL,
  PRIMARY KEY (gram, matter_id, party_id)
) WITHOUT ROWID;

-- Each agency's own number for its stage. Court numbers: (年度)法院代字类型代字序号号.
CREATE TABLE case_numbers (
  id         INTEGER PRIMARY KEY,
  matter_id  INTEGER NOT NULL REFERENCES matters(id),
  unit_id    TEXT NOT NULL REFERENCES units(id),
  stage      TEXT NOT NULL,
  number     TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE INDEX case_numbers_matter ON case_numbers(matter_id);
-- Gapless serials per court (or unit), type code and year: taken under the write lock in the
-- transaction that files the case, so a rollback leaves no gap.
CREATE TABLE case_serials (
  scope     TEXT NOT NULL,   -- court code, or unit id for other agencies
  type_code TEXT NOT NULL,
  year      INTEGER NOT NULL,
  last      INTEGER NOT NULL,
  PRIMARY KEY (scope, type_code, year)
) WITHOUT ROWID;

-- Transfers (移送): the only way a matter changes hands. Every transfer ends accepted, returned or
-- withdrawn; at most one is pending per matter.
CREATE TABLE transfers (
  id           INTEGER PRIMARY KEY,
  matter_id    INTEGER NOT NULL REFERENCES matters(id),
  action       TEXT NOT NULL,
  to_stage     TEXT NOT NULL,
  rule_id      TEXT,
  procedure    TEXT,
  from_unit_id TEXT NOT NULL REFERENCES units(id),
  to_unit_id   TEXT NOT NULL REFERENCES units(id),
  to_area_code TEXT NOT NULL,
  to_league_code TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('sent','accepted','returned','withdrawn')),
  note         TEXT NOT NULL DEFAULT '',
  reason       TEXT,
  manifest     TEXT NOT NULL DEFAULT '[]',  -- JSON array of dossier file sha256
  green        INTEGER NOT NULL DEFAULT 0,
  sent_at      TEXT NOT NULL,
  sent_by      INTEGER NOT NULL,
  accept_due_on TEXT NOT NULL,
  answered_at  TEXT,
  answered_by  INTEGER
);
CREATE UNIQUE INDEX transfers_one_pending ON transfers(matter_id) WHERE status = 'sent';
CREATE INDEX transfers_to ON transfers(to_unit_id, status, green DESC, accept_due_on);
CREATE INDEX transfers_from ON transfers(from_unit_id, status);
CREATE INDEX transfers_pending_area ON transfers(status, to_area_code, accept_due_on);
CREATE INDEX transfers_pending_league ON transfers(status, to_league_code, accept_due_on);

-- Dossier files, stored once by content hash under <data-dir>/files/.
CREATE TABLE files (
  sha256     TEXT PRIMARY KEY,
  size       INTEGER NOT NULL,
  mime       TEXT NOT NULL,
  stored_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE matter_files (
  id          INTEGER PRIMARY KEY,
  matter_id   INTEGER NOT NULL REFERENCES matters(id),
  sha256      TEXT NOT NULL REFERENCES files(sha256),
  name        TEXT NOT NULL,
  unit_id     TEXT NOT NULL,
  uploaded_by INTEGER NOT NULL,
  uploaded_at TEXT NOT NULL,
  log_seq     INTEGER NOT NULL,  -- the event that registered it (evidence verification)
  UNIQUE (matter_id, sha256)
);
CREATE INDEX matter_files_sha ON matter_files(sha256);

-- Extensions of a stage's time limit: requested by the holder, decided by a reviewer.
CREATE TABLE extensions (
  id           INTEGER PRIMARY KEY,
  matter_id    INTEGER NOT NULL REFERENCES matters(id),
  stage        TEXT NOT NULL,
  rule_id      TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending','approved','refused')),
  reason       TEXT NOT NULL,
  basis        TEXT NOT NULL,
  requested_by INTEGER NOT NULL,
  requested_at TEXT NOT NULL,
  decided_by   INTEGER,
  decided_at   TEXT,
  decision_note TEXT
);
CREATE UNIQUE INDEX extensions_one_pending ON extensions(matter_id) WHERE status = 'pending';
