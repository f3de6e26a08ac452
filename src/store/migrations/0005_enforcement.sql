-- 0005: enforcement: control orders (judicial detention, consumption and exit restriction), assistance
-- requests to the police (查人找物) item by item, the query log of every lookup of a person's data,
-- and the dishonest-debtor list (失信被执行人名单). Expiry is a date, not a job: an order or listing
-- whose last day has passed is read as expired; the decision that set the date is in the log.

-- Coercive orders of a court against a person or organisation in an enforcement matter.
-- CivPL art. 118: judicial detention is at most 15 days; 法释〔2015〕17号: consumption restriction;
-- CivPL art. 266: exit restriction. Restrictions last until lifted (valid_to NULL) or a set day.
CREATE TABLE control_orders (
  id            INTEGER PRIMARY KEY,
  matter_id     INTEGER NOT NULL REFERENCES matters(id),
  court_unit_id TEXT NOT NULL REFERENCES units(id),
  kind          TEXT NOT NULL CHECK (kind IN ('detention','consumption_restriction','exit_restriction')),
  party_id      INTEGER REFERENCES parties(id),
  subject_type  TEXT NOT NULL CHECK (subject_type IN ('person','organization')),
  name          TEXT NOT NULL,
  id_type       TEXT NOT NULL CHECK (id_type IN ('resident_id','passport','credit_code')),
  id_number     TEXT NOT NULL,
  basis         TEXT NOT NULL,   -- the decision's document number (决定书文号)
  reason        TEXT NOT NULL,
  valid_from    TEXT NOT NULL,   -- YYYY-MM-DD
  valid_to      TEXT,            -- last day in force; NULL = until lifted
  status        TEXT NOT NULL CHECK (status IN ('active','revoked')),
  issued_at     TEXT NOT NULL,
  issued_by     INTEGER NOT NULL,
  ended_at      TEXT,
  ended_by      INTEGER,
  end_reason    TEXT,
  CHECK (valid_to IS NULL OR valid_to >= valid_from),
  CHECK (kind <> 'detention' OR (valid_to IS NOT NULL AND julianday(valid_to) - julianday(valid_from) <= 14)),
  CHECK ((status = 'revoked') = (ended_at IS NOT NULL))
);
CREATE INDEX control_orders_subject ON control_orders(id_number, status);
CREATE INDEX control_orders_matter ON control_orders(matter_id);

-- A batch request from the court holding an enforcement matter to a police unit.
CREATE TABLE assist_requests (
  id                 INTEGER PRIMARY KEY,
  matter_id          INTEGER NOT NULL REFERENCES matters(id),
  court_unit_id      TEXT NOT NULL REFERENCES units(id),
  court_area_code    TEXT NOT NULL,
  court_league_code  TEXT NOT NULL,
  police_unit_id     TEXT NOT NULL REFERENCES units(id),
  police_area_code   TEXT NOT NULL,
  police_league_code TEXT NOT NULL,
  basis              TEXT NOT NULL,  -- the enforcement document the request rests on
  note               TEXT NOT NULL DEFAULT '',
  status             TEXT NOT NULL CHECK (status IN ('open','answered')),
  sent_on            TEXT NOT NULL,  -- YYYY-MM-DD, the clock starts
  sent_at            TEXT NOT NULL,
  sent_by            INTEGER NOT NULL,
  answered_at        TEXT            -- when its last item was answered
);
CREATE INDEX assist_requests_police ON assist_requests(police_unit_id, status, sent_on);
CREATE INDEX assist_requests_court ON assist_requests(court_unit_id, status, sent_on);
CREATE INDEX assist_requests_matter ON assist_requests(matter_id);

-- One thing asked about one person; answered once, with or without a finding. The police unit and its
-- area are copied from the request so queues, overdue lists and statistics read one index.
CREATE TABLE assist_items (
  id                 INTEGER PRIMARY KEY,
  request_id         INTEGER NOT NULL REFERENCES assist_requests(id),
  ord                INTEGER NOT NULL,
  party_id           INTEGER REFERENCES parties(id),   -- NULL when imported from a list
  name               TEXT NOT NULL,
  id_type            TEXT NOT NULL CHECK (id_type IN ('resident_id','passport','credit_code')),
  id_number          TEXT NOT NULL,
  kind               TEXT NOT NULL CHECK (kind IN ('locate','consumption','movement','vehicles','detain','seize_vehicle')),
  order_id           INTEGER REFERENCES control_orders(id),
  police_unit_id     TEXT NOT NULL,
  police_area_code   TEXT NOT NULL,
  police_league_code TEXT NOT NULL,
  sent_on            TEXT NOT NULL,
  due_on             TEXT NOT NULL,
  status             TEXT NOT NULL CHECK (status IN ('pending','answered')),
  found              INTEGER,
  findings           TEXT,           -- JSON object
  action_taken       TEXT,
  attachments        TEXT,           -- JSON array of dossier file SHA-256s
  answered_on        TEXT,
  answered_at        TEXT,
  answered_by        INTEGER,
  UNIQUE (request_id, ord),
  CHECK (kind <> 'detain' OR order_id IS NOT NULL),
  CHECK ((status = 'answered') = (answered_at IS NOT NULL))
);
CREATE INDEX assist_items_request ON assist_items(request_id);
CREATE INDEX assist_items_unit ON assist_items(police_unit_id, status, due_on);
CREATE INDEX assist_items_area ON assist_items(police_area_code, status, due_on);
CREATE INDEX assist_items_league ON assist_items(police_league_code, status, due_on);

-- The query log: every lookup of a person's data, who asked, in which matter, on what basis. Each
-- row is written with its event; the person sees their rows after a delay (query-log-delay-days).
CREATE TABLE person_lookups (
  id            INTEGER PRIMARY KEY,
  id_number     TEXT NOT NULL,
  name          TEXT,
  purpose       TEXT NOT NULL CHECK (purpose IN ('assistance_request','assistance_answer','person_check','restriction_check')),
  what          TEXT NOT NULL,
  matter_id     INTEGER REFERENCES matters(id),
  case_ref      TEXT,
  basis         TEXT NOT NULL,
  actor_user_id INTEGER NOT NULL,
  actor_unit_id TEXT,
  at            TEXT NOT NULL
);
CREATE INDEX person_lookups_subject ON person_lookups(id_number, at);

-- The dishonest-debtor list (法释〔2017〕7号). Public fields are copied at the decision, as the SPC list
-- shows them. Grounds 2-6 list for `years` (2, plus 1-3 when extended, art. 2); ground 1 (able to pay
-- but refuses) has no fixed term and ends with performance (art. 10).
CREATE TABLE debtor_listings (
  id                   INTEGER PRIMARY KEY,
  matter_id            INTEGER NOT NULL REFERENCES matters(id),
  court_unit_id        TEXT NOT NULL REFERENCES units(id),
  party_id             INTEGER NOT NULL REFERENCES parties(id),
  subject_type         TEXT NOT NULL CHECK (subject_type IN ('person','organization')),
  name                 TEXT NOT NULL,
  id_type              TEXT NOT NULL CHECK (id_type IN ('resident_id','credit_code')),
  id_number            TEXT NOT NULL,
  sex                  TEXT,
  age                  INTEGER,
  legal_representative TEXT,
  court_name           TEXT NOT NULL,
  province             TEXT NOT NULL,
  case_number          TEXT NOT NULL,
  filed_on             TEXT NOT NULL,
  source_doc_number    TEXT NOT NULL,
  source_doc_issuer    TEXT NOT NULL,
  obligation           TEXT NOT NULL,
  ground               TEXT NOT NULL CHECK (ground IN ('refuses_despite_ability','obstructs_by_violence',
                         'evades_by_sham','breaches_asset_report','breaches_consumption_restriction',
                         'breaches_settlement')),
  conduct              TEXT NOT NULL,
  decided_on           TEXT NOT NULL,
  years                INTEGER CHECK (years IS NULL OR years BETWEEN 2 AND 5),
  expires_on           TEXT,          -- last day listed; NULL = until removed
  notified_on          TEXT,
  notice_method        TEXT,
  publish_on           TEXT,          -- notified_on + grace; public from this day
  status               TEXT NOT NULL CHECK (status IN ('listed','removed')),
  removed_on           TEXT,
  removal_reason       TEXT CHECK (removal_reason IN ('performed','revoked','expired','early')),
  removal_note         TEXT,
  created_at           TEXT NOT NULL,
  created_by           INTEGER NOT NULL,
  removed_at           TEXT,
  removed_by           INTEGER,
  CHECK ((status = 'removed') = (removed_on IS NOT NULL AND removal_reason IS NOT NULL)),
  CHECK ((notified_on IS NULL) = (publish_on IS NULL))
);
CREATE INDEX debtor_listings_subject ON debtor_listings(id_number);
CREATE INDEX debtor_listings_name ON debtor_listings(name);
CREATE INDEX debtor_listings_matter ON debtor_listings(matter_id);
CREATE INDEX debtor_listings_removed ON debtor_listings(status, removed_on);
CREATE UNIQUE INDEX debtor_listings_one_live ON debtor_listings(matter_id, party_id) WHERE status = 'listed';

-- Enforcement metrics are read from the events by type and time.
CREATE INDEX events_type_at ON events(event_type, at);
