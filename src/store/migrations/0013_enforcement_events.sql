-- 0013: the enforcement metrics (GET /api/v1/enforcement/metrics) read their events from an index of
-- their own. They are computed from the log: every acceptance (an enforcement matter filed, or an
-- application for enforcement) and every closing of an enforcement case. The query had found them
-- through events_entity (entity_type='matter'), that is by reading every matter event and, for each
-- filing, the matter's row for its kind: 8-17 s at a million matters (11 million events), for about
-- 460,000 events that count. This index holds only those events, with what the metrics read of them
-- (the matter, the acting unit, the business date, the manner), so the query reads the index alone:
-- 0.1 s at a million. A filing's kind is taken from its own payload (a matter's kind never changes).
-- store_enforce_events repeats the WHERE clause word for word (SQLite uses a partial index only for a
-- query whose WHERE contains the index's) and names the index, so a difference fails at prepare.
CREATE INDEX events_enforcement ON events(
  event_type,
  CAST(entity_id AS INTEGER),
  actor_unit_id,
  coalesce(json_extract(payload, '$.changes.stage_started_on.new'), substr(at, 1, 10)),
  json_extract(payload, '$.changes.manner.new'))
  WHERE entity_type = 'matter'
    AND (event_type IN ('matter.apply_enforcement', 'matter.close_enforced', 'matter.close_settled',
                        'matter.close_no_assets', 'matter.close_terminated')
         OR (event_type = 'matter.filed' AND json_extract(payload, '$.changes.kind.new') = 'enforcement'));

-- Written with every event and read by no statement: the metrics it was made for (0005) did not use it.
DROP INDEX events_type_at;
