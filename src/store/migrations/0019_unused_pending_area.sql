-- 0019: transfers_pending_area served only supervision's count of overdue transfers per unit of a
-- county, which reads transfers_pending_by_due since 0017; no other statement uses it (the plan audit,
-- bench/plan_audit.sh). Every transfer wrote it and every answer rewrote it.
DROP INDEX transfers_pending_area;
