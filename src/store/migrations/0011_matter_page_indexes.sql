-- 0011: a matter page reads its case numbers and dossier from one index leaf each. Both are added to
-- over the matter's life (a number per stage, a document per step), so their rows lie on as many
-- table pages as the matter had steps: at a million matters, each a random read of a cold page (a
-- quarter of a matter page's time was the dossier list). The indexes below hold every column the page
-- shows, in the page's order. parties_matter goes: the UNIQUE (matter_id, ord) index answers every
-- query it did, and each filing wrote both.
DROP INDEX parties_matter;
DROP INDEX case_numbers_matter;
CREATE INDEX case_numbers_matter ON case_numbers(matter_id, id, unit_id, stage, number, created_at);
CREATE INDEX matter_files_matter ON matter_files(matter_id, id, sha256, name, unit_id, uploaded_by, uploaded_at,
                                                log_seq);
