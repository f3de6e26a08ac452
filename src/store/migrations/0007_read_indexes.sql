-- 0007: indexes for reads at scale, measured at one million matters (docs/benchmarks.md). Numbered 7:
-- 5 and 6 are taken by the enforcement and ledger migrations developed beside this one.

-- A matter page lists the matter's extensions; without this index every page read the whole table.
CREATE INDEX extensions_matter ON extensions(matter_id);

-- Supervision counts group the open matters by league, county or unit and sum a few flags. These
-- partial indexes hold only open matters, with every column the counts read (status too, or SQLite
-- would not treat them as covering), so a count walks a small ordered index and visits no table row.
CREATE INDEX matters_open_by_league ON matters(holder_league_code, holder_area_code, due_on, green, returns,
                                               transfer_returns, suspended_on, status) WHERE status = 'open';
CREATE INDEX matters_open_by_area ON matters(holder_area_code, holder_unit_id, due_on, green, returns,
                                             transfer_returns, suspended_on, status) WHERE status = 'open';
-- Overdue and due-soon counts are ranges of due dates among the open matters, and matters returned
-- twice or more are few: these two let the counts read only those entries.
CREATE INDEX matters_open_by_due ON matters(due_on, holder_league_code, holder_area_code, holder_unit_id, green,
                                            suspended_on, status) WHERE status = 'open';
CREATE INDEX matters_open_returned ON matters(holder_league_code, holder_area_code, holder_unit_id, status, returns,
                                              transfer_returns) WHERE status = 'open' AND (returns >= 2 OR
                                                                                           transfer_returns >= 2);
