-- 0009: the number of open matters each unit holds, kept by triggers in the transaction that changes
-- a matter. Supervision's "open" column is the sum of these rows per league, county or unit: a few
-- hundred rows instead of a pass over the 63,000 entries of an index at a million matters (the region's
-- count was 4.8 ms, most of a supervision request; docs/benchmarks.md). The other columns (overdue,
-- due soon, returned twice) depend on today's date and stay ranges of the partial indexes of 0007.
CREATE TABLE open_counts (
  holder_unit_id     TEXT PRIMARY KEY,
  holder_area_code   TEXT NOT NULL,
  holder_league_code TEXT NOT NULL,
  n                  INTEGER NOT NULL CHECK (n >= 0)
) WITHOUT ROWID;

INSERT INTO open_counts(holder_unit_id, holder_area_code, holder_league_code, n)
  SELECT holder_unit_id, holder_area_code, holder_league_code, count(*) FROM matters
  WHERE status = 'open' GROUP BY holder_unit_id;

CREATE TRIGGER matters_open_count_insert AFTER INSERT ON matters WHEN new.status = 'open' BEGIN
  INSERT INTO open_counts(holder_unit_id, holder_area_code, holder_league_code, n)
    VALUES (new.holder_unit_id, new.holder_area_code, new.holder_league_code, 1)
    ON CONFLICT(holder_unit_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER matters_open_count_update AFTER UPDATE OF status, holder_unit_id ON matters
  WHEN (old.status = 'open') <> (new.status = 'open')
    OR (new.status = 'open' AND old.holder_unit_id IS NOT new.holder_unit_id) BEGIN
  UPDATE open_counts SET n = n - 1 WHERE old.status = 'open' AND holder_unit_id = old.holder_unit_id;
  INSERT INTO open_counts(holder_unit_id, holder_area_code, holder_league_code, n)
    SELECT new.holder_unit_id, new.holder_area_code, new.holder_league_code, 1 WHERE new.status = 'open'
    ON CONFLICT(holder_unit_id) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER matters_open_count_delete AFTER DELETE ON matters WHEN old.status = 'open' BEGIN
  UPDATE open_counts SET n = n - 1 WHERE holder_unit_id = old.holder_unit_id;
END;
