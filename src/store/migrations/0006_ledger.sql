-- 0006: case funds (一案一账户) in a double-entry ledger; amounts are integer fen. See docs/ledger.md.
--
-- Accounts: each court has one bank account (asset) and one unidentified-receipts account (不明款,
-- liability); each enforcement matter has a case-funds account (liability to its creditors) and a
-- court-fee account (fees held for refund, liability). A posting is a balanced set of entries written
-- with its event; running totals on the account row are updated in the same statement batch, and the
-- CHECK below refuses any balance below zero, whatever the code above does.
CREATE TABLE ledger_accounts (
  id             INTEGER PRIMARY KEY,
  court_unit_id  TEXT NOT NULL REFERENCES units(id),
  kind           TEXT NOT NULL CHECK (kind IN ('bank','unidentified','matter','fees')),
  matter_id      INTEGER REFERENCES matters(id),
  amount_applied INTEGER CHECK (amount_applied IS NULL OR amount_applied >= 0), -- 申请执行标的 (fen)
  debit_total    INTEGER NOT NULL DEFAULT 0 CHECK (debit_total >= 0),
  credit_total   INTEGER NOT NULL DEFAULT 0 CHECK (credit_total >= 0),
  opened_at      TEXT NOT NULL,
  CHECK ((kind IN ('matter','fees')) = (matter_id IS NOT NULL)),
  CHECK (CASE kind WHEN 'bank' THEN debit_total >= credit_total ELSE credit_total >= debit_total END)
);
CREATE UNIQUE INDEX ledger_accounts_court ON ledger_accounts(court_unit_id, kind) WHERE matter_id IS NULL;
CREATE UNIQUE INDEX ledger_accounts_matter ON ledger_accounts(matter_id, kind) WHERE matter_id IS NOT NULL;

CREATE TABLE ledger_postings (
  id              INTEGER PRIMARY KEY,
  court_unit_id   TEXT NOT NULL,
  kind            TEXT NOT NULL CHECK (kind IN ('receipt','fee_receipt','match','disbursement','refund')),
  idempotency_key TEXT NOT NULL UNIQUE,
  matter_id       INTEGER,
  amount          INTEGER NOT NULL CHECK (amount > 0),
  on_date         TEXT NOT NULL,   -- value date, YYYY-MM-DD (Asia/Shanghai)
  at              TEXT NOT NULL,
  by_user         INTEGER NOT NULL,
  memo            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ledger_postings_court ON ledger_postings(court_unit_id, on_date);
CREATE INDEX ledger_postings_matter ON ledger_postings(matter_id);

CREATE TABLE ledger_entries (
  id         INTEGER PRIMARY KEY,
  posting_id INTEGER NOT NULL REFERENCES ledger_postings(id),
  account_id INTEGER NOT NULL REFERENCES ledger_accounts(id),
  debit      INTEGER NOT NULL DEFAULT 0 CHECK (debit >= 0),
  credit     INTEGER NOT NULL DEFAULT 0 CHECK (credit >= 0),
  CHECK ((debit > 0) <> (credit > 0))
);
CREATE INDEX ledger_entries_posting ON ledger_entries(posting_id);
CREATE INDEX ledger_entries_account ON ledger_entries(account_id, posting_id);
-- Postings and entries are never changed: a correction is a new posting.
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings BEGIN SELECT RAISE(ABORT, 'ledger postings are append-only'); END;
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings BEGIN SELECT RAISE(ABORT, 'ledger postings are append-only'); END;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only'); END;

-- Money that arrived. matter_id is NULL while unidentified; `disbursed` is how much of it has been paid
-- out (disbursements are allocated to a matter's receipts oldest first), so a receipt is overdue when
-- part of it is still held after due_on.
CREATE TABLE ledger_receipts (
  id               INTEGER PRIMARY KEY,
  court_unit_id    TEXT NOT NULL,
  matter_id        INTEGER REFERENCES matters(id),
  source           TEXT NOT NULL CHECK (source IN ('debtor_payment','bank_deduction','auction_proceeds','court_fee')),
  amount           INTEGER NOT NULL CHECK (amount > 0),
  disbursed        INTEGER NOT NULL DEFAULT 0 CHECK (disbursed >= 0 AND disbursed <= amount),
  payer            TEXT NOT NULL DEFAULT '',
  reference        TEXT NOT NULL DEFAULT '',
  received_on      TEXT NOT NULL,
  due_on           TEXT NOT NULL,
  posting_id       INTEGER NOT NULL REFERENCES ledger_postings(id),
  match_posting_id INTEGER REFERENCES ledger_postings(id),
  matched_on       TEXT,
  bank_line_id     INTEGER,
  created_at       TEXT NOT NULL,
  CHECK (source <> 'court_fee' OR matter_id IS NOT NULL)
);
CREATE INDEX ledger_receipts_court ON ledger_receipts(court_unit_id, received_on);
CREATE INDEX ledger_receipts_matter ON ledger_receipts(matter_id, received_on);
CREATE INDEX ledger_receipts_unidentified ON ledger_receipts(court_unit_id) WHERE matter_id IS NULL;
-- case funds still (partly) held, oldest first: where a disbursement is allocated
CREATE INDEX ledger_receipts_held ON ledger_receipts(matter_id, received_on, id)
  WHERE disbursed < amount AND source <> 'court_fee';

-- Payments out: requested by a fund officer, approved by a reviewer of the same court who is not the
-- requester (the CHECK holds that even against a bug), and posted at approval.
CREATE TABLE ledger_disbursements (
  id            INTEGER PRIMARY KEY,
  court_unit_id TEXT NOT NULL,
  matter_id     INTEGER NOT NULL REFERENCES matters(id),
  kind          TEXT NOT NULL CHECK (kind IN ('creditor','fee_refund')),
  amount        INTEGER NOT NULL CHECK (amount > 0),
  payee_name    TEXT NOT NULL,
  payee_account TEXT NOT NULL,
  payee_bank    TEXT NOT NULL,
  note          TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL CHECK (status IN ('requested','posted','refused')),
  requested_by  INTEGER NOT NULL,
  requested_at  TEXT NOT NULL,
  decided_by    INTEGER,
  decided_at    TEXT,
  decision_note TEXT,
  posting_id    INTEGER REFERENCES ledger_postings(id),
  on_date       TEXT,
  bank_line_id  INTEGER,
  CHECK (decided_by IS NULL OR decided_by <> requested_by),
  CHECK ((status = 'posted') = (posting_id IS NOT NULL)),
  CHECK ((status = 'requested') = (decided_by IS NULL))
);
CREATE INDEX ledger_disbursements_court ON ledger_disbursements(court_unit_id, status);
CREATE INDEX ledger_disbursements_matter ON ledger_disbursements(matter_id, status);

-- Client-supplied idempotency keys: a repeat of the same request returns `response`, the first
-- result, and writes nothing; the same key with another request is refused.
CREATE TABLE ledger_requests (
  key           TEXT PRIMARY KEY,
  court_unit_id TEXT NOT NULL,
  op            TEXT NOT NULL,
  fingerprint   TEXT NOT NULL,
  response      TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  created_by    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ledger_bank_imports (
  id             INTEGER PRIMARY KEY,
  court_unit_id  TEXT NOT NULL,
  first_on       TEXT,
  last_on        TEXT,
  n_lines        INTEGER NOT NULL,
  n_matched      INTEGER NOT NULL,
  report         TEXT NOT NULL,  -- JSON: matches and every difference
  imported_at    TEXT NOT NULL,
  imported_by    INTEGER NOT NULL
);
CREATE TABLE ledger_bank_lines (
  id              INTEGER PRIMARY KEY,
  import_id       INTEGER NOT NULL REFERENCES ledger_bank_imports(id),
  line_no         INTEGER NOT NULL,
  on_date         TEXT NOT NULL,
  amount          INTEGER NOT NULL CHECK (amount <> 0),  -- fen; negative = paid out
  reference       TEXT NOT NULL,
  payer           TEXT NOT NULL,
  receipt_id      INTEGER REFERENCES ledger_receipts(id),
  disbursement_id INTEGER REFERENCES ledger_disbursements(id),
  match_rule      TEXT CHECK (match_rule IN ('reference','amount_date'))
);
CREATE INDEX ledger_bank_lines_import ON ledger_bank_lines(import_id);

CREATE TABLE ledger_reconciliations (
  id            INTEGER PRIMARY KEY,
  court_unit_id TEXT NOT NULL,
  on_date       TEXT NOT NULL,
  ok            INTEGER NOT NULL,
  report        TEXT NOT NULL,  -- JSON: per account opening, in, out, closing; totals; differences
  created_at    TEXT NOT NULL,
  created_by    INTEGER NOT NULL
);
CREATE INDEX ledger_reconciliations_court ON ledger_reconciliations(court_unit_id, on_date);
