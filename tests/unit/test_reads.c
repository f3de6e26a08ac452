/*
 * test_reads.c - the read paths of the benchmark (workbench, matter page, searches, supervision,
 * transfer boxes) run on cached statements that SQLite does not compile again on every request.
 *
 * SQLite recompiles a prepared statement whenever a parameter that its plan depended on is bound
 * anew: a bound status compared against a partial index's "WHERE status='open'", or a bound LIKE
 * pattern. Such a statement is parsed and planned on every request (it was 12 % of the workbench's
 * time at a million matters). Each read here runs twice; the second round must recompile nothing.
 */
#include "testutil.h"

#include "cli/cli.h"
#include "domain/gen.h"
#include "domain/legal.h"
#include "domain/matter.h"
#include "domain/org.h"
#include "domain/supervision.h"
#include "domain/tlog.h"

#include <sqlite3.h>

typedef struct fixture {
	char dir[64];
	store *db;
} fixture;

static fixture F;

static int setup(void **state)
{
	(void)state;
	err e = { 0 };
	test_tmpdir(F.dir, sizeof F.dir);
	char *argv[] = { "init", "--data-dir", F.dir, NULL };
	FILE *saved = stdout;
	stdout = fopen("/dev/null", "w");
	int rc = cli_init(3, argv);
	fclose(stdout);
	stdout = saved;
	if (rc != 0 || cli_open_data(F.dir, &F.db, &e) != OK)
		return -1;
	gen_stats st;
	gen_opts o = { .n_matters = 400, .seed = 5, .as_of = "2026-11-22", .batch = 200 };
	return gen_region(F.db, &o, &st, &e) == OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	store_close(F.db);
	org_cache_free();
	tlog_free();
	test_rmdir(F.dir);
	return 0;
}

static principal who_of(const char *unit_id, int roles)
{
	principal p = { 0 };
	p.user_id = 1;
	snprintf(p.unit_id, sizeof p.unit_id, "%s", unit_id);
	p.roles = roles;
	return p;
}

static int64_t sql_int(const char *sql)
{
	char path[128];
	sqlite3 *h;
	sqlite3_stmt *st;
	snprintf(path, sizeof path, "%s/casebridge.db", F.dir);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

/* One round of the benchmark's reads (and their neighbours), each expected to succeed. */
static void read_round(void)
{
	err e = { 0 };
	principal handler = who_of("150103.police", ROLE_HANDLER);
	principal court = who_of("150103.court", ROLE_HANDLER);
	principal region = who_of("150000.committee", ROLE_SUPERVISOR);
	principal league = who_of("152500.committee", ROLE_SUPERVISOR);
	principal county = who_of("150103.committee", ROLE_SUPERVISOR);
	int64_t some = sql_int("SELECT id FROM matters ORDER BY id LIMIT 1 OFFSET 200");
	int64_t open = sql_int("SELECT id FROM matters WHERE status='open' ORDER BY id LIMIT 1");
	const principal *viewers[] = { &handler, &court, &region, &league, &county };
	for (size_t i = 0; i < sizeof viewers / sizeof *viewers; i++) {
		const principal *who = viewers[i];
		arena *a = arena_new();
		json_t *out = NULL;
		if (who->roles & ROLE_HANDLER) {
			assert_int_equal(workbench_view(F.db, who, a, &out, &e), OK);
			json_decref(out);
			static const char *const boxes[] = { "inbox", "outbox" };
			static const char *const statuses[] = { NULL, "sent", "accepted", "returned" };
			for (size_t b = 0; b < 2; b++)
				for (size_t s = 0; s < 4; s++) {
					assert_int_equal(transfer_list(F.db, who, boxes[b], statuses[s], 1, a, &out, &e), OK);
					json_decref(out);
				}
		} else {
			assert_int_equal(supervision_view(F.db, who, NULL, a, &out, &e), OK);
			json_decref(out);
			static const char *const metrics[] = { "overdue", "due_soon", "unanswered_transfers",
				                               "returned_twice", "green_misses" };
			for (size_t m = 0; m < 5; m++) {
				assert_int_equal(supervision_list(F.db, who, NULL, metrics[m], NULL, 1, a, &out, &e), OK);
				json_decref(out);
			}
		}
		int rc = matter_view(F.db, who, some, a, &out, &e);
		assert_true(rc == OK || rc == E_FORBIDDEN || rc == E_NOTFOUND);
		if (rc == OK)
			json_decref(out);
		rc = matter_view(F.db, who, open, a, &out, &e);
		assert_true(rc == OK || rc == E_FORBIDDEN || rc == E_NOTFOUND);
		if (rc == OK)
			json_decref(out);
		static const char *const parties[] = { "王", "王伟", "王伟明", "巴特" };
		static const char *const statuses[] = { NULL, "open", "closed" };
		for (size_t p = 0; p < 4; p++)
			for (size_t s = 0; s < 3; s++) {
				store_matter_query q = { .party = parties[p], .status = statuses[s], .limit = 20 };
				assert_int_equal(matter_search(F.db, who, &q, a, &out, &e), OK);
				json_decref(out);
			}
		store_matter_query q = { .status = "open", .due_before = "2026-11-30", .order_urgency = 1, .limit = 20 };
		assert_int_equal(matter_search(F.db, who, &q, a, &out, &e), OK);
		json_decref(out);
		store_matter_query own = { .status = "open", .holder_unit_id = who->unit_id, .order_urgency = 1,
			                   .limit = 100 };
		assert_int_equal(matter_search(F.db, who, &own, a, &out, &e), OK);
		json_decref(out);
		arena_free(a);
	}
}

static void reads_recompile_no_statement(void **state)
{
	(void)state;
	read_round();
	int64_t before = store_stat_reprepares(F.db);
	read_round();
	int64_t again = store_stat_reprepares(F.db) - before;
	if (again != 0)
		fail_msg("the second round of reads recompiled %lld statements (a bound value decides a plan)",
		         (long long)again);
}

/* The counter counts: a schema change made by another connection recompiles the cached statements. */
static void a_schema_change_is_counted(void **state)
{
	(void)state;
	read_round();
	int64_t before = store_stat_reprepares(F.db);
	char path[128];
	sqlite3 *h;
	snprintf(path, sizeof path, "%s/casebridge.db", F.dir);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE INDEX t_reads_probe ON matters(summary)", NULL, NULL, NULL), SQLITE_OK);
	read_round();
	assert_int_equal(sqlite3_exec(h, "DROP INDEX t_reads_probe", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_true(store_stat_reprepares(F.db) > before);
}

/* A remembered deadline brief is what legal_deadline says, and a holiday import (a new calendar)
 * makes it be computed again. */
static void a_remembered_deadline_follows_a_new_calendar(void **state)
{
	(void)state;
	err e = { 0 };
	legal_deadline_brief b1, b2, b3;
	deadline d;
	/* 1 month from 2026-11-11: Friday 2026-12-11 */
	assert_int_equal(legal_deadline_brief_of("prosecution_review", "2026-11-11", 0, &b1, &e), OK);
	assert_int_equal(legal_deadline_brief_of("prosecution_review", "2026-11-11", 0, &b2, &e), OK);
	assert_int_equal(legal_deadline("prosecution_review", "2026-11-11", 0, &d, &e), OK);
	assert_string_equal(b1.summary, d.calc.summary);
	assert_string_equal(b2.summary, d.calc.summary);
	assert_string_equal(b1.basis, d.basis);
	assert_string_equal(b1.period, d.period);
	assert_non_null(strstr(b1.summary, "2026-12-11"));
	int added = 0, changed = 0;
	assert_int_equal(legal_import_holidays(F.db, principal_system(),
	                                       "date,kind,name,source\n2026-12-11,holiday,测试假日,测试\n", &added,
	                                       &changed, &e),
	                 OK);
	assert_int_equal(legal_deadline_brief_of("prosecution_review", "2026-11-11", 0, &b3, &e), OK);
	assert_int_equal(legal_deadline("prosecution_review", "2026-11-11", 0, &d, &e), OK);
	assert_string_equal(b3.summary, d.calc.summary);
	assert_string_not_equal(b3.summary, b1.summary);
	assert_non_null(strstr(b3.summary, "2026-12-14"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_recompile_no_statement),
		cmocka_unit_test(a_schema_change_is_counted),
		cmocka_unit_test(a_remembered_deadline_follows_a_new_calendar),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
