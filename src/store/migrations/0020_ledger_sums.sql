-- 0020: the courts' ledger sums (enforcement supervision and the enforcement metrics) from indexes that
-- hold what they read. The region's sums read every posting's row, every receipt's row and every
-- disbursement's index entry, and joined each of the 480,000 rows with its court's unit and area before
-- grouping: 0.45-0.48 s at a million matters, half of the region's enforcement supervision and of its
-- metrics. Now each table is summed per court first, from:
--   postings: the court's index with the kind and amount (same leading columns, so it still serves the
--     court's postings by date);
--   receipts: only those still counted, the unidentified and those whose case funds are not all paid out
--     (every column the sum or its WHERE reads is in the index: SQLite 3.40 reads the row to test a term
--     on a column the index lacks, even the partial index's own);
--   disbursements: only those awaiting approval.
DROP INDEX ledger_postings_court;
CREATE INDEX ledger_postings_court ON ledger_postings(court_unit_id, on_date, kind, amount);
CREATE INDEX ledger_receipts_counted ON ledger_receipts(court_unit_id, matter_id, source, amount, disbursed, due_on)
  WHERE matter_id IS NULL OR (source <> 'court_fee' AND disbursed < amount);
CREATE INDEX ledger_disbursements_requested ON ledger_disbursements(court_unit_id, amount, status)
  WHERE status = 'requested';
