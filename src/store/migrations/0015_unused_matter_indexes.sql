-- 0015: two indexes of 0002 that no statement uses. Supervision reads the partial indexes of open
-- matters (0007, 0009), and a search's area filter (holder area or league, or the region) is an OR
-- that no index on (status, area, due date) serves. Every filing wrote both and every step that moves
-- a matter's holder or due date rewrote them. Found by logging the plan of every statement that the
-- unit and API tests prepare (docs/benchmarks.md); at a million matters filings went 1,852-2,046 →
-- 1,960-2,145 a second without them, alternated on the same database.
DROP INDEX matters_area_due;
DROP INDEX matters_league_due;
