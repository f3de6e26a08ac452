-- 0017: supervision's count of transfers left unanswered past their acceptance deadline, per league,
-- county or unit, from the pending transfers in deadline order: the overdue ones are a short range at
-- the front, and the index holds what the count reads. It had walked transfers_pending_league over
-- every pending transfer and read each one's row for its green flag: after the benchmark's write runs,
-- 15,717 pending (9 of them overdue) made the region's supervision 2.4-2.6 ms instead of 0.9.
CREATE INDEX transfers_pending_by_due ON transfers(accept_due_on, to_league_code, to_area_code, to_unit_id, green,
                                                  status)
  WHERE status = 'sent';
-- (status is a column too, though every entry's is 'sent': SQLite 3.40 reads the row to test a WHERE
-- term on a column the index lacks, even the partial index's own.)
