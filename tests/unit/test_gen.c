/*
 * test_gen.c - the benchmark generator: it walks matters through the real domain code, the same seed
 * gives the same matters, the log it writes verifies, and unit numbers of areas whose names share two
 * characters (科尔沁区, 科尔沁左翼中旗) do not collide (the generator found that bug).
 */
#include "testutil.h"

#include "cli/cli.h"
#include "domain/audit.h"
#include "domain/gen.h"
#include "domain/ledger.h"
#include "domain/legal.h"
#include "domain/matter.h"
#include "domain/org.h"
#include "domain/tlog.h"

#include <sqlite3.h>

typedef struct fixture {
	char dir[64];
	store *db;
} fixture;

static void open_new(fixture *f)
{
	err e = { 0 };
	test_tmpdir(f->dir, sizeof f->dir);
	char *argv[] = { "init", "--data-dir", f->dir, NULL };
	FILE *saved = stdout;
	stdout = fopen("/dev/null", "w");
	int rc = cli_init(3, argv);
	fclose(stdout);
	stdout = saved;
	assert_int_equal(rc, 0);
	assert_int_equal(cli_open_data(f->dir, &f->db, &e), OK);
}

static void close_fixture(fixture *f)
{
	store_close(f->db);
	org_cache_free();
	tlog_free();
	test_rmdir(f->dir);
}

static char *digest(fixture *f)
{
	char path[128];
	sqlite3 *h;
	sqlite3_stmt *st;
	snprintf(path, sizeof path, "%s/casebridge.db", f->dir);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(
	        sqlite3_prepare_v2(h,
	                           "SELECT group_concat(x, ';') FROM (SELECT m.number||m.kind||m.stage||m.status||"
	                           "coalesce(m.due_on,'')||m.holder_unit_id||m.filed_at||(SELECT group_concat("
	                           "p.name||coalesce(p.id_number,''),',') FROM parties p WHERE p.matter_id=m.id) AS x"
	                           " FROM matters m ORDER BY m.id)",
	                           -1, &st, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *s = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return s;
}

static void gen_same_seed_gives_same_matters(void **state)
{
	(void)state;
	fixture a, b;
	err e = { 0 };
	gen_stats st;
	gen_opts o = { .n_matters = 120, .seed = 5, .as_of = "2026-06-30", .batch = 50 };
	open_new(&a);
	assert_int_equal(gen_region(a.db, &o, &st, &e), OK);
	assert_int_equal(st.matters, 120);
	char *da = digest(&a);
	close_fixture(&a);
	open_new(&b);
	assert_int_equal(gen_region(b.db, &o, &st, &e), OK);
	char *db = digest(&b);
	close_fixture(&b);
	assert_string_equal(da, db);
	free(da);
	free(db);
}

static int64_t count_sql(fixture *f, const char *sql);

static void gen_log_of_generated_region_verifies(void **state)
{
	(void)state;
	fixture f;
	err e = { 0 };
	gen_stats st;
	open_new(&f);
	gen_opts o = { .n_matters = 200, .seed = 11, .batch = 64, .data_dir = f.dir };
	assert_int_equal(gen_region(f.db, &o, &st, &e), OK);
	assert_true(st.events >= 3 * st.matters); /* filing plus steps, each with its event */
	assert_true(st.by_kind[0] > 0 && st.by_kind[1] > 0);
	/* every matter's dossier has its filing document; judgments, indictments ... are registered too,
	 * and the file store keeps each stand-in content once */
	assert_int_equal(count_sql(&f, "SELECT count(DISTINCT matter_id) FROM matter_files"), 200);
	assert_true(count_sql(&f, "SELECT count(*) FROM events WHERE event_type='dossier.file_added'") > 300);
	assert_true(count_sql(&f, "SELECT count(*) FROM matter_files WHERE name='判决书.pdf'") > 0);
	assert_true(count_sql(&f, "SELECT count(*) FROM files") < 80);
	FILE *devnull = fopen("/dev/null", "w");
	int rc = tlog_verify_store(f.db, f.dir, devnull, &e);
	fclose(devnull);
	if (rc != OK)
		fail_msg("generated log does not verify: %s", e.message);
	close_fixture(&f);
}

static int64_t count_sql(fixture *f, const char *sql)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	char path[300];
	snprintf(path, sizeof path, "%s/casebridge.db", f->dir);
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		fail_msg("%s: %s", sql, sqlite3_errmsg(h));
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

/* Enforcement matters carry their case funds and assistance requests: accounts opened, money received
 * and disbursed with a second person's approval, the police asked and answering; the ledger's
 * invariants hold, and every matter closed as performed received what was applied for. */
static void gen_enforcement_matters_have_funds_and_assistance(void **state)
{
	(void)state;
	fixture f;
	err e = { 0 };
	gen_stats st;
	gen_opts o = { .n_matters = 600, .seed = 5, .batch = 100 };
	open_new(&f);
	assert_int_equal(gen_region(f.db, &o, &st, &e), OK);
	if (ledger_check_all(f.db, &e) != OK)
		fail_msg("ledger invariants: %s", e.message);
	assert_true(count_sql(&f, "SELECT count(*) FROM events WHERE event_type='ledger.account_opened'") > 0);
	int64_t received = count_sql(&f, "SELECT count(*) FROM events WHERE event_type='ledger.received'");
	assert_true(received > 0);
	assert_int_equal(count_sql(&f, "SELECT count(*) FROM events WHERE event_type='ledger.disbursement_posted'"),
	                 received);
	assert_true(count_sql(&f, "SELECT count(*) FROM events WHERE event_type='assist.requested'") > 0);
	assert_true(count_sql(&f, "SELECT count(*) FROM events WHERE event_type='assist.answered'") > 0);
	/* performed closings are backed by the money: no 执行完毕 without a receipt of the full amount */
	assert_int_equal(count_sql(&f, "SELECT count(*) FROM events ev WHERE ev.event_type='matter.close_enforced'"
	                               " AND NOT EXISTS (SELECT 1 FROM ledger_receipts r, ledger_accounts ac"
	                               " WHERE r.matter_id=CAST(ev.entity_id AS INTEGER) AND ac.matter_id=r.matter_id"
	                               " AND r.amount=ac.amount_applied)"),
	                 0);
	close_fixture(&f);
}

/* The open-matter counters (migration 0009's triggers) agree with the matters after a region's filings,
 * transfers, returns and closings, unit by unit: none missing, none extra, none off by one. */
static void gen_open_counts_match_the_open_matters(void **state)
{
	(void)state;
	fixture f;
	err e = { 0 };
	gen_stats st;
	gen_opts o = { .n_matters = 800, .seed = 3, .batch = 100 };
	open_new(&f);
	assert_int_equal(gen_region(f.db, &o, &st, &e), OK);
	assert_true(st.open > 0);
	static const char diff[] =
	        "SELECT count(*) FROM ("
	        " SELECT holder_unit_id, holder_area_code, holder_league_code, count(*) FROM matters WHERE "
	        "status='open'"
	        " GROUP BY 1 EXCEPT SELECT holder_unit_id, holder_area_code, holder_league_code, n FROM open_counts"
	        " UNION ALL"
	        " SELECT holder_unit_id, holder_area_code, holder_league_code, n FROM open_counts WHERE n>0 EXCEPT"
	        " SELECT holder_unit_id, holder_area_code, holder_league_code, count(*) FROM matters WHERE "
	        "status='open'"
	        " GROUP BY 1)";
	assert_int_equal(count_sql(&f, diff), 0);
	assert_int_equal(count_sql(&f, "SELECT sum(n) FROM open_counts"), st.open);
	close_fixture(&f);
}

static void gen_unit_numbers_of_areas_sharing_a_prefix_differ(void **state)
{
	(void)state;
	fixture f;
	err e = { 0 };
	char abbr[48];
	open_new(&f);
	static const struct {
		const char *code, *abbr;
	} rows[] = {
		{ "152529", "正镶" },     { "150502", "科尔沁区" }, { "150521", "科尔沁左翼中" },
		{ "150624", "鄂托克旗" }, { "150623", "鄂托克前" }, { "152502", "锡林浩" },
		{ "152500", "锡林郭" },   { "999999", "内蒙" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		org_area_abbr(rows[i].code, abbr, sizeof abbr);
		if (strcmp(abbr, rows[i].abbr))
			fail_msg("row %zu: %s abbreviates to %s, want %s", i + 1, rows[i].code, abbr, rows[i].abbr);
	}
	/* the first criminal filing of the year in two such counties: both get their own number */
	const char *areas[] = { "150502", "150521" };
	for (int k = 0; k < 2; k++) {
		principal who = { 0 };
		const org_unit *u = org_unit_of(areas[k], "police");
		assert_non_null(u);
		snprintf(who.unit_id, sizeof who.unit_id, "%s", u->id);
		who.roles = ROLE_HANDLER;
		matter_party_in p = { "person", "王伟", "suspect", NULL, NULL };
		matter_new in = {
			.kind = "criminal", .summary = "王伟盗窃案，涉嫌盗窃", .parties = &p, .n_parties = 1
		};
		int64_t id;
		if (matter_file(f.db, &who, &in, &id, NULL, &e) != OK)
			fail_msg("filing in %s failed: %s", areas[k], e.message);
	}
	close_fixture(&f);
}

static int64_t sql_int(fixture *f, const char *sql)
{
	char path[128];
	sqlite3 *h;
	sqlite3_stmt *st;
	snprintf(path, sizeof path, "%s/casebridge.db", f->dir);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* A committee (no unit kind) below the region searches its own area: the bench found that one
 * missing bind shifted every later parameter, so such searches returned nothing. */
static void gen_committee_search_sees_its_league(void **state)
{
	(void)state;
	fixture f;
	err e = { 0 };
	gen_stats st;
	gen_opts o = { .n_matters = 300, .seed = 3, .as_of = "2026-11-22", .batch = 100 };
	open_new(&f);
	assert_int_equal(gen_region(f.db, &o, &st, &e), OK);
	static const char *const leagues[] = { "150100", "150400", "150500" };
	for (size_t i = 0; i < 3; i++) {
		char sql[256], uid[32];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM matters WHERE status='open' AND holder_league_code='%s' AND "
		         "due_on<'2026-11-30'",
		         leagues[i]);
		int64_t want = sql_int(&f, sql);
		principal who = { 0 };
		snprintf(uid, sizeof uid, "%s.committee", leagues[i]);
		snprintf(who.unit_id, sizeof who.unit_id, "%s", uid);
		who.roles = ROLE_SUPERVISOR;
		store_matter_query q = {
			.status = "open", .area_code = leagues[i], .due_before = "2026-11-30", .limit = 5
		};
		arena *a = arena_new();
		json_t *out = NULL;
		assert_int_equal(matter_search(f.db, &who, &q, a, &out, &e), OK);
		int64_t got = json_integer_value(json_object_get(out, "total"));
		if (got != want)
			fail_msg("row %zu: committee of %s sees %lld open matters due before 2026-11-30, want %lld",
			         i + 1, leagues[i], (long long)got, (long long)want);
		json_decref(out);
		arena_free(a);
	}
	close_fixture(&f);
}

/* Inside a store batch each domain transaction is a savepoint: a write without its event is still
 * refused, and a rolled-back one leaves the others of the batch in place. */
static void gen_batch_keeps_the_event_rule_per_transaction(void **state)
{
	(void)state;
	fixture f;
	err e = { 0 };
	int64_t before = 0, after = 0;
	open_new(&f);
	assert_int_equal(store_event_count(f.db, &before, &e), OK);
	assert_int_equal(store_batch_begin(f.db, &e), OK);
	/* 1: a write with its event */
	assert_int_equal(store_tx_begin(f.db, &e), OK);
	assert_int_equal(store_meta_set(f.db, "k1", "v1", &e), OK);
	assert_int_equal(audit_record(f.db, principal_system(), "test", "k1", "test.set", NULL, NULL, &e), OK);
	assert_int_equal(store_tx_commit(f.db, &e), OK);
	/* 2: a write without its event: refused and undone */
	assert_int_equal(store_tx_begin(f.db, &e), OK);
	assert_int_equal(store_meta_set(f.db, "k2", "v2", &e), OK);
	assert_int_equal(store_tx_commit(f.db, &e), E_INTEGRITY);
	err_clear(&e);
	/* 3: rolled back by its caller */
	assert_int_equal(store_tx_begin(f.db, &e), OK);
	assert_int_equal(store_meta_set(f.db, "k3", "v3", &e), OK);
	assert_int_equal(audit_record(f.db, principal_system(), "test", "k3", "test.set", NULL, NULL, &e), OK);
	store_tx_rollback(f.db);
	assert_int_equal(store_batch_commit(f.db, &e), OK);
	arena *a = arena_new();
	char *v = NULL;
	assert_int_equal(store_meta_get(f.db, "k1", a, &v, &e), OK);
	assert_string_equal(v, "v1");
	assert_int_equal(store_meta_get(f.db, "k2", a, &v, &e), E_NOTFOUND);
	assert_int_equal(store_meta_get(f.db, "k3", a, &v, &e), E_NOTFOUND);
	arena_free(a);
	assert_int_equal(store_event_count(f.db, &after, &e), OK);
	assert_int_equal(after, before + 1);
	FILE *devnull = fopen("/dev/null", "w");
	assert_int_equal(tlog_verify_store(f.db, f.dir, devnull, &e), OK);
	fclose(devnull);
	close_fixture(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gen_same_seed_gives_same_matters),
		cmocka_unit_test(gen_log_of_generated_region_verifies),
		cmocka_unit_test(gen_enforcement_matters_have_funds_and_assistance),
		cmocka_unit_test(gen_open_counts_match_the_open_matters),
		cmocka_unit_test(gen_unit_numbers_of_areas_sharing_a_prefix_differ),
		cmocka_unit_test(gen_committee_search_sees_its_league),
		cmocka_unit_test(gen_batch_keeps_the_event_rule_per_transaction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
