#!/bin/sh
# bench/plans.sh DB - EXPLAIN QUERY PLAN of the hot read queries, as the store issues them (supervision
# counts at the three levels, the workbench's transfer lists and urgency list, party search below
# the region and region-wide). Run against the benchmark region: sh bench/plans.sh bench/out/run/casebridge.db
set -eu
DB=$1
VIS_UNIT="EXISTS (SELECT 1 FROM matter_units mu JOIN units u ON u.id=mu.unit_id JOIN areas ar ON ar.code=u.area_code WHERE mu.matter_id=m.id AND (u.id='150103.police' OR (u.id>'150103.police.' AND u.id<'150103.police/') OR (('police' IS NULL OR u.kind='police') AND (u.area_code='150103' OR ar.parent_code='150103' OR '150103'='150000'))))"
VIS_LEAGUE="EXISTS (SELECT 1 FROM matter_units mu JOIN units u ON u.id=mu.unit_id JOIN areas ar ON ar.code=u.area_code WHERE mu.matter_id=m.id AND (u.id='152500.committee' OR (u.id>'152500.committee.' AND u.id<'152500.committee/') OR ((NULL IS NULL OR u.kind=NULL) AND (u.area_code='152500' OR ar.parent_code='152500' OR '152500'='150000'))))"
CONFIRM="EXISTS (SELECT 1 FROM party_grams pg JOIN parties p ON p.id=pg.party_id WHERE pg.gram='王伟' AND pg.matter_id=m.id AND instr(p.name, '王伟明')>0)"
plan() {
	printf '\n-- %s\n' "$1"
	sqlite3 "$DB" "EXPLAIN QUERY PLAN $2"
}
plan "supervision, region: open per league (open_counts, migration 0009)" "SELECT holder_league_code, sum(n) FROM open_counts WHERE n>0 GROUP BY 1"
plan "supervision, region: overdue per league" "SELECT holder_league_code, count(*), sum(green<>0) FROM matters INDEXED BY matters_open_by_due WHERE status='open' AND due_on<'2026-11-22' GROUP BY 1"
plan "supervision, region: due soon per league" "SELECT holder_league_code, count(*) FROM matters INDEXED BY matters_open_by_due WHERE status='open' AND due_on>='2026-11-22' AND due_on<='2026-11-25' GROUP BY 1"
plan "supervision, region: returned twice per league" "SELECT holder_league_code, count(*) FROM matters INDEXED BY matters_open_returned WHERE status='open' AND (returns>=2 OR transfer_returns>=2) GROUP BY 1"
plan "supervision, league: open per county" "SELECT holder_area_code, sum(n) FROM open_counts WHERE n>0 AND holder_league_code='152500' GROUP BY 1"
plan "supervision, county: open per unit" "SELECT holder_unit_id, n FROM open_counts WHERE n>0 AND holder_area_code='152502' ORDER BY 1"
plan "supervision, unanswered transfers by league (migration 0017)" "SELECT to_league_code, count(*), sum(green) FROM transfers INDEXED BY transfers_pending_by_due WHERE status='sent' AND accept_due_on<'2026-11-22' GROUP BY 1"
plan "workbench, transfers to accept: count" "SELECT count(*) FROM transfers WHERE 1=1 AND to_unit_id='150103.police' AND status='sent'"
plan "workbench, transfers to accept: page" "SELECT id,matter_id,status,note FROM transfers WHERE 1=1 AND to_unit_id='150103.police' AND status='sent' ORDER BY green DESC, accept_due_on, id DESC LIMIT 100 OFFSET 0"
plan "workbench, transfers sent: page" "SELECT id,matter_id,status,note FROM transfers WHERE 1=1 AND from_unit_id='150103.police' AND status='sent' ORDER BY green DESC, accept_due_on, id DESC LIMIT 100 OFFSET 0"
# the workbench lists the viewer's own matters: no visibility check (store_matter_search)
plan "workbench, my open matters by urgency (count, open_counts)" "SELECT coalesce((SELECT n FROM open_counts WHERE holder_unit_id='150103.police'), 0)"
plan "workbench, my open matters by urgency (page)" "SELECT m.id FROM matters m WHERE 1=1 AND m.status='open' AND m.holder_unit_id='150103.police' ORDER BY m.green DESC, m.due_on, m.id LIMIT 100 OFFSET 0"
plan "county police lists open matters it may see, overdue first (page)" "SELECT m.id FROM matters m WHERE 1=1 AND m.status='open' AND $VIS_UNIT ORDER BY m.green DESC, m.due_on, m.id LIMIT 20 OFFSET 0"
# party search below the region (migration 0010): a two-character gram's entries in gram_scopes for the
# viewer's area and its counties; a committee's candidates are what it sees, a unit's keep the EXISTS
# check; the page walks the candidates' ids from the top (NOT INDEXED: no other index drives)
AREAS="SELECT code FROM areas WHERE code='152500' OR parent_code='152500'"
plan "search by a two-character party name, league committee (count)" "SELECT count(*) FROM (SELECT DISTINCT matter_id AS id FROM gram_scopes WHERE gram='王伟' AND scope IN ($AREAS)) m WHERE 1=1"
plan "search by a two-character party name, league committee (page)" "SELECT m.id FROM matters m NOT INDEXED WHERE m.id IN (SELECT s.matter_id FROM gram_scopes s WHERE s.gram='王伟' AND s.scope IN ($AREAS)) ORDER BY m.id DESC LIMIT 20 OFFSET 0"
plan "search by a two-character party name and status, league committee (page)" "SELECT m.id FROM matters m NOT INDEXED WHERE m.id IN (SELECT s.matter_id FROM gram_scopes s WHERE s.gram='王伟' AND s.scope IN ($AREAS)) AND m.status='open' ORDER BY m.id DESC LIMIT 20 OFFSET 0"
plan "search by a three-character party name, county police (page)" "SELECT m.id FROM matters m NOT INDEXED WHERE m.id IN (SELECT s.matter_id FROM gram_scopes s WHERE s.gram='王伟' AND s.scope IN (SELECT code FROM areas WHERE code='150103' OR parent_code='150103')) AND $CONFIRM AND $VIS_UNIT ORDER BY m.id DESC LIMIT 20 OFFSET 0"
plan "search by a one-character party name, league committee (count)" "SELECT count(*) FROM (SELECT DISTINCT matter_id AS id FROM party_grams WHERE gram='王') m WHERE EXISTS (SELECT 1 FROM matter_scopes ms WHERE ms.matter_id=m.id AND ms.scope IN ($AREAS))"
# region-wide: the gram's entries in party_grams, counted from the index, the page by id from the top
plan "search by a two-character party name, region committee (count)" "SELECT count(*) FROM (SELECT DISTINCT matter_id AS id FROM party_grams WHERE gram='王伟') m WHERE 1=1"
plan "search by a two-character party name, region committee (page)" "SELECT m.id FROM matters m NOT INDEXED WHERE m.id IN (SELECT g.matter_id FROM party_grams g WHERE g.gram='王伟') ORDER BY m.id DESC LIMIT 20 OFFSET 0"
plan "matter page: extensions of a matter" "SELECT id FROM extensions WHERE matter_id=123456 ORDER BY id"
plan "matter page: case numbers of a matter (migration 0011)" "SELECT id,matter_id,unit_id,stage,number,created_at FROM case_numbers WHERE matter_id=123456 ORDER BY id"
plan "matter page: dossier of a matter (migration 0011)" "SELECT mf.id,mf.matter_id,mf.sha256,mf.name,mf.unit_id,mf.uploaded_by,mf.uploaded_at,mf.log_seq,f.mime,f.size FROM matter_files mf JOIN files f ON f.sha256=mf.sha256 WHERE mf.matter_id=123456 ORDER BY mf.id"
plan "matter page: parties of a matter" "SELECT id,matter_id,ord,type,name,role,id_type,id_number,sex,birth_date,id_warning FROM parties WHERE matter_id=123456 ORDER BY ord"
