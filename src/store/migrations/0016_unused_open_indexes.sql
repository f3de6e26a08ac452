-- 0016: two partial indexes of open matters (0007) that supervision stopped reading when the open
-- counts per unit came to be kept by triggers (0009, open_counts): no statement uses them (the plan
-- audit, bench/plan_audit.sh). Each filing wrote both, and every step that moves a matter's holder,
-- due date or returns rewrote both entries. At a million matters, alternated on one database: an
-- accept held the writer 0.250-0.259 instead of 0.270-0.278 ms, and cost 409-426 instead of 437-455 µs
-- of the server's CPU.
DROP INDEX matters_open_by_league;
DROP INDEX matters_open_by_area;
