-- 0010: name grams by area, so a committee's or unit's party search reads only the candidates of its
-- own area. party_grams finds a name region-wide (about 900 matters for a common two-character name
-- at a million), and each candidate's visibility was then checked on matter_units, units and areas:
-- a random read of each for every candidate (docs/benchmarks.md).
--
-- A matter's scopes are the areas of its units (matter_units) below the province. A viewer whose area
-- is V passes the area condition of the search's visibility check (authz_visibility_of) for exactly
-- the matters with a scope that is V or a county of V. Kept by triggers in the transaction that adds a
-- unit or a gram to a matter; parties, party_grams and matter_units are never updated or deleted, and
-- units never change area.
CREATE TABLE matter_scopes (
  matter_id INTEGER NOT NULL,
  scope     TEXT NOT NULL,
  PRIMARY KEY (matter_id, scope)
) WITHOUT ROWID;

-- Every two-character gram (the one a search of two or more characters looks up) once per scope of its
-- matter: a search below the region reads the entries of its area and counties only. One-character
-- grams are not repeated here (more than half of all grams, and each costs a write in a random place
-- of the index); a one-character search checks matter_scopes per candidate instead.
CREATE TABLE gram_scopes (
  gram      TEXT NOT NULL,
  scope     TEXT NOT NULL,
  matter_id INTEGER NOT NULL,
  PRIMARY KEY (gram, scope, matter_id)
) WITHOUT ROWID;

-- The two-character grams a matter already has, for a unit in an area new to the matter.
CREATE INDEX party_grams_matter ON party_grams(matter_id, gram) WHERE length(gram) = 2;

CREATE TRIGGER party_grams_scope_insert AFTER INSERT ON party_grams WHEN length(new.gram) = 2 BEGIN
  INSERT OR IGNORE INTO gram_scopes(gram, scope, matter_id)
    SELECT new.gram, scope, new.matter_id FROM matter_scopes WHERE matter_id = new.matter_id;
END;

-- Only a unit in an area the matter has not been in (not a transfer within a county) brings a scope.
CREATE TRIGGER matter_units_scope_insert AFTER INSERT ON matter_units
  WHEN NOT EXISTS (SELECT 1 FROM units u JOIN matter_scopes ms ON ms.matter_id = new.matter_id AND ms.scope = u.area_code
                   WHERE u.id = new.unit_id)
   AND NOT EXISTS (SELECT 1 FROM units u JOIN areas ar ON ar.code = u.area_code
                   WHERE u.id = new.unit_id AND ar.level = 'province') BEGIN
  INSERT OR IGNORE INTO gram_scopes(gram, scope, matter_id)
    SELECT g.gram, u.area_code, new.matter_id FROM units u JOIN party_grams g
      ON g.matter_id = new.matter_id AND length(g.gram) = 2 WHERE u.id = new.unit_id;
  INSERT OR IGNORE INTO matter_scopes(matter_id, scope)
    SELECT new.matter_id, area_code FROM units WHERE id = new.unit_id;
END;

-- Backfill in key order: one sort, then appends (unsorted, the inserts land all over the index and
-- take three times as long). OR IGNORE drops a gram two parties of a matter share.
INSERT OR IGNORE INTO matter_scopes(matter_id, scope)
  SELECT mu.matter_id, u.area_code FROM matter_units mu JOIN units u ON u.id = mu.unit_id
    JOIN areas ar ON ar.code = u.area_code WHERE ar.level <> 'province'
  ORDER BY 1, 2;

INSERT OR IGNORE INTO gram_scopes(gram, scope, matter_id)
  SELECT g.gram, ms.scope, g.matter_id FROM matter_scopes ms
    JOIN party_grams g ON g.matter_id = ms.matter_id AND length(g.gram) = 2
  ORDER BY 1, 2, 3;
