-- 0012: a unit's transfer lists (the workbench's "to accept" and "sent", GET /transfers) page through an
-- index in the order they show (green first, then the acceptance deadline, the newest first) and stop
-- at the page: the list counted its rows with a window function, which made SQLite read and sort every
-- matching transfer row first (7 ms of a 10 ms workbench for a unit with 2,400 transfers awaiting
-- acceptance at a million matters). The total is now counted from the same index alone.
DROP INDEX transfers_to;
DROP INDEX transfers_from;
CREATE INDEX transfers_to ON transfers(to_unit_id, status, green DESC, accept_due_on, id DESC);
CREATE INDEX transfers_from ON transfers(from_unit_id, status, green DESC, accept_due_on, id DESC);
