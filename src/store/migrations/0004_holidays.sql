-- 0004: the official holiday calendar as data an administrator maintains (State Council notices).
CREATE TABLE holidays (
  date   TEXT PRIMARY KEY,             -- YYYY-MM-DD
  kind   TEXT NOT NULL CHECK (kind IN ('holiday','workday')),
  name   TEXT NOT NULL,
  source TEXT NOT NULL
) WITHOUT ROWID;
