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
#include "domain/enforce.h"
#include "domain/gen.h"
#include "domain/ledger.h"
#include "domain/legal.h"
#include "domain/matter.h"
#include "domain/org.h"
#include "domain/supervision.h"
#include "domain/tlog.h"
#include "store/sqlite_internal.h"

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

/* A query on a connection of its own (not the store's), with up to two text parameters. */
typedef struct probe {
	sqlite3 *h;
	sqlite3_stmt *st;
} probe;

static probe probe_open(const char *sql, const char *p1, const char *p2)
{
	char path[128];
	probe q;
	snprintf(path, sizeof path, "%s/casebridge.db", F.dir);
	assert_int_equal(sqlite3_open(path, &q.h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(q.h, sql, -1, &q.st, NULL), SQLITE_OK);
	if (p1)
		sqlite3_bind_text(q.st, 1, p1, -1, SQLITE_STATIC);
	if (p2)
		sqlite3_bind_text(q.st, 2, p2, -1, SQLITE_STATIC);
	return q;
}

static void probe_close(probe *q)
{
	sqlite3_finalize(q->st);
	sqlite3_close(q->h);
}

static int64_t sql_int(const char *sql)
{
	probe q = probe_open(sql, NULL, NULL);
	assert_int_equal(sqlite3_step(q.st), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(q.st, 0);
	probe_close(&q);
	return v;
}

/* The ids (at most max) and their number. */
static size_t sql_ids(const char *sql, const char *p1, const char *p2, int64_t *out, size_t max)
{
	probe q = probe_open(sql, p1, p2);
	size_t n = 0;
	while (sqlite3_step(q.st) == SQLITE_ROW) {
		if (n < max)
			out[n] = sqlite3_column_int64(q.st, 0);
		n++;
	}
	probe_close(&q);
	return n;
}

static void sql_text(const char *sql, char *out, size_t cap)
{
	probe q = probe_open(sql, NULL, NULL);
	assert_int_equal(sqlite3_step(q.st), SQLITE_ROW);
	snprintf(out, cap, "%s", (const char *)sqlite3_column_text(q.st, 0));
	probe_close(&q);
}

/* The value of column that most rows of table have (ties: the smallest): the busiest unit or area. */
static void sql_busiest(const char *column, const char *table, char *out, size_t cap)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT %s FROM %s GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1", column, table);
	sql_text(sql, out, cap);
}

/* Whether SQLite's plan of sql (on a connection of its own) mentions needle, such as an index. */
static int plan_mentions(const char *sql, const char *needle)
{
	char eqp[4096];
	snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
	probe q = probe_open(eqp, NULL, NULL);
	int found = 0;
	while (sqlite3_step(q.st) == SQLITE_ROW)
		found |= strstr((const char *)sqlite3_column_text(q.st, 3), needle) != NULL;
	probe_close(&q);
	return found;
}

/* The largest value of SQLite's counter op (SQLITE_STMTSTATUS_*) over the store's statements whose SQL
 * contains a (and b, when given): its prepared-at-run-time ones when dyn, its static ones otherwise;
 * *n_matched says how many there were. */
static int stmt_counter(int dyn, const char *a, const char *b, int op, int *n_matched)
{
	int worst = 0, n = dyn ? F.db->own.n_dyn : F.db->own.n_cache;
	*n_matched = 0;
	for (int i = 0; i < n; i++) {
		const char *sql = dyn ? F.db->own.dyn[i].sql : F.db->own.cache[i].sql;
		sqlite3_stmt *st = dyn ? F.db->own.dyn[i].st : F.db->own.cache[i].st;
		if (!strstr(sql, a) || (b && !strstr(sql, b)))
			continue;
		(*n_matched)++;
		int v = sqlite3_stmt_status(st, op, 0);
		if (v > worst)
			worst = v;
	}
	return worst;
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
					assert_int_equal(
					        transfer_list(F.db, who, boxes[b], statuses[s], 1, a, &out, &e), OK);
					json_decref(out);
				}
		} else {
			assert_int_equal(supervision_view(F.db, who, NULL, a, &out, &e), OK);
			json_decref(out);
			static const char *const metrics[] = { "overdue", "due_soon", "unanswered_transfers",
				                               "returned_twice", "green_misses" };
			for (size_t m = 0; m < 5; m++) {
				assert_int_equal(supervision_list(F.db, who, NULL, metrics[m], NULL, 1, a, &out, &e),
				                 OK);
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
		store_matter_query q = {
			.status = "open", .due_before = "2026-11-30", .order_urgency = 1, .limit = 20
		};
		assert_int_equal(matter_search(F.db, who, &q, a, &out, &e), OK);
		json_decref(out);
		store_matter_query own = {
			.status = "open", .holder_unit_id = who->unit_id, .order_urgency = 1, .limit = 100
		};
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

/* A unit's transfer box, paged: every page in the box's order (green first, then the acceptance
 * deadline, the newest first), the total of the whole box on every page and past its end (a window
 * count gave 0 there), and with a status the page follows its index (transfers_to, transfers_from):
 * no sort of every matching row, which a window count forced (7 ms of a 10 ms workbench at a million). */
static void transfer_boxes_page_in_order_with_their_totals(void **state)
{
	(void)state;
	err e = { 0 };
	char to[96], from[96];
	sql_text("SELECT to_unit_id FROM transfers GROUP BY to_unit_id ORDER BY count(*) DESC LIMIT 1", to, sizeof to);
	sql_text("SELECT from_unit_id FROM transfers GROUP BY from_unit_id ORDER BY count(*) DESC LIMIT 1", from,
	         sizeof from);
	static const char *const statuses[] = { NULL, "sent", "accepted", "returned" };
	size_t pages_checked = 0;
	for (int side = 0; side < 2; side++)
		for (size_t k = 0; k < 4; k++) {
			const char *unit = side ? from : to, *status = statuses[k];
			char ref[300];
			snprintf(ref, sizeof ref,
			         "SELECT id FROM transfers WHERE %s=?1%s ORDER BY %sgreen DESC, accept_due_on, "
			         "id DESC",
			         side ? "from_unit_id" : "to_unit_id", status ? " AND status=?2" : "",
			         status ? "" : "status<>'sent', ");
			int64_t want[2000];
			size_t n = sql_ids(ref, unit, status, want, 2000);
			assert_true(n <= 2000);
			if (!status)
				assert_true(n >= 10); /* the generated region gives the box pages to turn */
			for (int off = 0; off <= (int)n + 7; off += 7) {
				arena *a = arena_new();
				store_transfer_query q = { .status = status, .limit = 7, .offset = off };
				if (side)
					q.from_unit_id = unit;
				else
					q.to_unit_id = unit;
				store_transfer *v;
				size_t got;
				int64_t total = -1;
				assert_int_equal(store_transfer_list(F.db, &q, a, &v, &got, &total, &e), OK);
				assert_int_equal(total, (int64_t)n);
				size_t expect = off >= (int)n ? 0 : n - (size_t)off < 7 ? n - (size_t)off : 7;
				assert_int_equal(got, expect);
				for (size_t i = 0; i < got; i++)
					assert_int_equal(v[i].id, want[(size_t)off + i]);
				arena_free(a);
				pages_checked++;
			}
		}
	assert_true(pages_checked > 8);
	/* the pages with a unit and a status sorted nothing */
	int found = 0;
	for (int i = 0; i < F.db->own.n_dyn; i++) {
		const char *sql = F.db->own.dyn[i].sql;
		if (strncmp(sql, "SELECT id,matter_id,action", 26) || !strstr(sql, "_unit_id=?") ||
		    !strstr(sql, "status='"))
			continue;
		found++;
		if (sqlite3_stmt_status(F.db->own.dyn[i].st, SQLITE_STMTSTATUS_SORT, 0) != 0)
			fail_msg("a transfer box page sorted its rows: %s", sql);
	}
	assert_true(found >= 4);
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
	assert_int_equal(sqlite3_exec(h, "CREATE INDEX t_reads_probe ON matters(summary)", NULL, NULL, NULL),
	                 SQLITE_OK);
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

/* The enforcement metrics' events (acceptances and closings) are read from the partial index made for
 * them (migration 0013), and they are exactly what the log holds: the same rows, in the same order, as
 * a query over every matter event that takes a filing's kind from its matter (how it read them before,
 * 8-17 s at a million matters). A type the index does not hold is refused rather than answered from it. */
static void metric_events_are_the_logs_from_their_own_index(void **state)
{
	(void)state;
	static const char *const accepted[] = { "matter.filed", "matter.apply_enforcement" };
	static const char *const closed[] = { "matter.close_enforced", "matter.close_settled", "matter.close_no_assets",
		                              "matter.close_terminated" };
	static const char ref[] =
	        "SELECT * FROM (SELECT CAST(e.entity_id AS INTEGER) AS mid, e.actor_unit_id,"
	        " coalesce(json_extract(e.payload,'$.changes.stage_started_on.new'), substr(e.at,1,10)) AS d,"
	        " e.event_type, json_extract(e.payload,'$.changes.manner.new'), e.seq"
	        " FROM events e NOT INDEXED JOIN matters m ON m.id=CAST(e.entity_id AS INTEGER)"
	        " WHERE e.entity_type='matter' AND e.event_type IN (?3,?4,?5,?6)"
	        " AND (e.event_type<>'matter.filed' OR m.kind='enforcement'))"
	        " WHERE (?1 IS NULL OR d>=?1) AND (?2 IS NULL OR d<=?2) ORDER BY mid, d, seq";
	struct {
		const char *const *types;
		size_t n;
		const char *from, *to;
	} cases[] = { { accepted, 2, NULL, NULL },
		      { closed, 4, NULL, NULL },
		      { closed, 4, "2025-01-01", "2026-06-30" } };
	size_t counts[3];
	for (size_t c = 0; c < 3; c++) {
		err e = { 0 };
		arena *a = arena_new();
		store_enforce_event *ev;
		size_t n;
		assert_int_equal(store_enforce_events(F.db, cases[c].types, cases[c].n, cases[c].from, cases[c].to, a,
		                                      &ev, &n, &e),
		                 OK);
		probe q = probe_open(ref, cases[c].from, cases[c].to);
		for (size_t i = 0; i < 4; i++)
			sqlite3_bind_text(q.st, (int)i + 3, i < cases[c].n ? cases[c].types[i] : NULL, -1,
			                  SQLITE_STATIC);
		size_t k = 0;
		while (sqlite3_step(q.st) == SQLITE_ROW) {
			assert_true(k < n);
			assert_int_equal(ev[k].matter_id, sqlite3_column_int64(q.st, 0));
			assert_string_equal(ev[k].unit_id, (const char *)sqlite3_column_text(q.st, 1));
			assert_string_equal(ev[k].on, (const char *)sqlite3_column_text(q.st, 2));
			assert_string_equal(ev[k].event_type, (const char *)sqlite3_column_text(q.st, 3));
			const char *manner = (const char *)sqlite3_column_text(q.st, 4);
			if (manner)
				assert_string_equal(ev[k].manner, manner);
			else
				assert_null(ev[k].manner);
			k++;
		}
		probe_close(&q);
		assert_int_equal(k, n);
		counts[c] = n;
		arena_free(a);
	}
	/* the region has both, and the period leaves some closings out */
	assert_true(counts[0] > 0);
	assert_true(counts[2] > 0 && counts[2] < counts[1]);
	/* what the index holds and nothing else: no filing of another kind */
	assert_int_equal(
	        sql_int("SELECT count(*) FROM events INDEXED BY events_enforcement WHERE entity_type = 'matter'"
	                " AND (event_type IN ('matter.apply_enforcement', 'matter.close_enforced',"
	                " 'matter.close_settled', 'matter.close_no_assets', 'matter.close_terminated')"
	                " OR (event_type = 'matter.filed' AND json_extract(payload, '$.changes.kind.new') ="
	                " 'enforcement'))"),
	        counts[0] + counts[1]);
	static const char *const other[] = { "matter.transferred" };
	err e = { 0 };
	arena *a = arena_new();
	store_enforce_event *ev;
	size_t n;
	assert_int_equal(store_enforce_events(F.db, other, 1, NULL, NULL, a, &ev, &n, &e), E_INTERNAL);
	arena_free(a);
}

/* A bank import asks, for each line it would book, whether an earlier import booked it: the receipt of
 * the posting with that idempotency key. That is two index seeks (migration 0014), not a pass over
 * every receipt while holding the writer (2.2 s for a statement of 200 lines at a million matters). */
static void a_receipt_is_found_by_its_posting_without_a_scan(void **state)
{
	(void)state;
	char key[64];
	sql_text("SELECT p.idempotency_key FROM ledger_postings p, ledger_receipts r WHERE r.posting_id=p.id"
	         " ORDER BY r.id DESC LIMIT 1",
	         key, sizeof key);
	int64_t want = sql_int("SELECT max(id) FROM ledger_receipts"), got = 0, none = -1;
	err e = { 0 };
	assert_int_equal(store_ledger_receipt_by_key(F.db, key, &got, &e), OK);
	assert_int_equal(got, want);
	assert_int_equal(store_ledger_receipt_by_key(F.db, "no-such-key", &none, &e), OK);
	assert_int_equal(none, 0);
	int seen;
	assert_int_equal(stmt_counter(0, "r.posting_id=p.id", NULL, SQLITE_STMTSTATUS_FULLSCAN_STEP, &seen), 0);
	assert_true(seen > 0);
}

/* A unit's own open matters (its workbench) are counted from open_counts, which the triggers of
 * migration 0009 keep, not by a pass over every matter the unit holds; the figure is the same. */
static void a_units_open_matters_are_counted_from_open_counts(void **state)
{
	(void)state;
	probe q = probe_open("SELECT holder_unit_id, count(*) FROM matters WHERE status='open'"
	                     " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5",
	                     NULL, NULL);
	char busiest[64] = "";
	int units = 0;
	while (sqlite3_step(q.st) == SQLITE_ROW) {
		const char *unit = (const char *)sqlite3_column_text(q.st, 0);
		int64_t want = sqlite3_column_int64(q.st, 1);
		store_matter_query mq = { .holder_unit_id = unit,
			                  .status = "open",
			                  .order_urgency = 1,
			                  .limit = 100,
			                  .vis_on = 1,
			                  .vis_unit_id = unit };
		err e = { 0 };
		arena *a = arena_new();
		store_matter *v;
		size_t n;
		int64_t total = -1;
		assert_int_equal(store_matter_search(F.db, &mq, a, &v, &n, &total, &e), OK);
		assert_int_equal(total, want);
		assert_int_equal(n, want < 100 ? want : 100);
		arena_free(a);
		if (!units++)
			snprintf(busiest, sizeof busiest, "%s", unit);
	}
	probe_close(&q);
	assert_true(units > 0);
	/* the figure is the table's: changed there (on another connection), it changes in the answer */
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE open_counts SET n=n+1000 WHERE holder_unit_id='%s'", busiest);
	probe u = probe_open(sql, NULL, NULL);
	assert_int_equal(sqlite3_step(u.st), SQLITE_DONE);
	probe_close(&u);
	store_matter_query mq = { .holder_unit_id = busiest, .status = "open", .limit = 1 };
	err e = { 0 };
	arena *a = arena_new();
	store_matter *v;
	size_t n;
	int64_t total = -1;
	assert_int_equal(store_matter_search(F.db, &mq, a, &v, &n, &total, &e), OK);
	snprintf(sql, sizeof sql, "SELECT count(*)+1000 FROM matters WHERE status='open' AND holder_unit_id='%s'",
	         busiest);
	assert_int_equal(total, sql_int(sql));
	arena_free(a);
	snprintf(sql, sizeof sql, "UPDATE open_counts SET n=n-1000 WHERE holder_unit_id='%s'", busiest);
	u = probe_open(sql, NULL, NULL);
	assert_int_equal(sqlite3_step(u.st), SQLITE_DONE);
	probe_close(&u);
}

/* With CASEBRIDGE_PLAN_LOG naming a file, each statement a connection prepares is appended to it with
 * its plan (bench/plan_audit.sh reads it); without, nothing is written. */
static void prepared_statements_are_logged_with_their_plans_when_asked(void **state)
{
	(void)state;
	char path[128], buf[8192];
	snprintf(path, sizeof path, "%s/plans.log", F.dir);
	static const char *const types[] = { "matter.close_enforced" };
	for (int on = 0; on < 2; on++) {
		if (on)
			setenv("CASEBRIDGE_PLAN_LOG", path, 1);
		store *db = NULL;
		err e = { 0 };
		assert_int_equal(cli_open_data(F.dir, &db, &e), OK); /* a new connection prepares anew */
		arena *a = arena_new();
		store_enforce_event *ev;
		size_t n;
		assert_int_equal(store_enforce_events(db, types, 1, NULL, NULL, a, &ev, &n, &e), OK);
		arena_free(a);
		store_close(db);
		unsetenv("CASEBRIDGE_PLAN_LOG");
		FILE *f = fopen(path, "r");
		if (!on) {
			assert_null(f);
			continue;
		}
		assert_non_null(f);
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[len] = 0;
		assert_non_null(strstr(buf, "SQL SELECT * FROM (SELECT CAST(entity_id AS INTEGER) AS mid"));
		assert_non_null(strstr(buf, "USING INDEX events_enforcement"));
	}
	remove(path);
}

/* Assistance requests of a unit (the police's queue, the court's sent list, each enforcement workbench)
 * and the overdue items: the same rows and totals as plain SQL (with the old substr() match of a unit
 * and its sub-units), on every page and past the end, and no statement steps through a whole table
 * (they read every request of the region before, 48-209 ms at a million matters). */
static void assistance_lists_seek_their_units(void **state)
{
	(void)state;
	char police[64], court[64];
	sql_busiest("police_unit_id", "assist_requests", police, sizeof police);
	sql_busiest("court_unit_id", "assist_requests", court, sizeof court);
	static const char ref[] =
	        "SELECT r.id FROM assist_requests r WHERE"
	        " (?1 IS NULL OR r.police_unit_id=?1 OR substr(r.police_unit_id,1,length(?1)+1)=?1||'.')"
	        " AND (?2 IS NULL OR r.court_unit_id=?2 OR substr(r.court_unit_id,1,length(?2)+1)=?2||'.')"
	        " AND (?3 IS NULL OR r.status=?3)"
	        " ORDER BY r.status<>'open', r.sent_on DESC, r.id DESC";
	const char *statuses[] = { NULL, "open", "answered" };
	int64_t want[8192], total;
	int pages = 0;
	for (int side = 0; side < 2; side++) {
		for (int k = 0; k < 3; k++) {
			probe q = probe_open(ref, side == 0 ? police : NULL, side == 1 ? court : NULL);
			if (statuses[k])
				sqlite3_bind_text(q.st, 3, statuses[k], -1, SQLITE_STATIC);
			size_t n = 0;
			while (sqlite3_step(q.st) == SQLITE_ROW && n < 8192)
				want[n++] = sqlite3_column_int64(q.st, 0);
			probe_close(&q);
			if (!statuses[k])
				assert_true(n > 0); /* the unit has requests */
			for (int off = 0; off <= (int)n; off += 2) {
				store_assist_query aq = { .police_unit_id = side == 0 ? police : NULL,
					                  .court_unit_id = side == 1 ? court : NULL,
					                  .status = statuses[k],
					                  .today = "2026-11-22",
					                  .limit = 2,
					                  .offset = off };
				err e = { 0 };
				arena *a = arena_new();
				store_assist_request *v;
				size_t got;
				assert_int_equal(store_assist_request_list(F.db, &aq, a, &v, &got, &total, &e), OK);
				assert_int_equal(total, (int64_t)n);
				for (size_t i = 0; i < got; i++)
					assert_int_equal(v[i].id, want[off + (int)i]);
				assert_int_equal(got, n - (size_t)off < 2 ? n - (size_t)off : 2);
				arena_free(a);
				pages++;
			}
		}
	}
	assert_true(pages > 6);
	/* the overdue items of the busiest police unit, as plain SQL */
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM assist_items WHERE status='pending' AND due_on<'2026-11-22'"
	         " AND (police_unit_id='%s' OR substr(police_unit_id,1,%zu)='%s.')",
	         police, strlen(police) + 1, police);
	err e = { 0 };
	arena *a = arena_new();
	store_assist_item *items;
	size_t n;
	assert_int_equal(store_assist_item_overdue(F.db, police, NULL, "2026-11-22", 100, a, &items, &n, &total, &e),
	                 OK);
	assert_int_equal(total, sql_int(sql));
	arena_free(a);
	int seen;
	assert_int_equal(stmt_counter(1, "FROM assist_", NULL, SQLITE_STMTSTATUS_FULLSCAN_STEP, &seen), 0);
	assert_true(seen > 0);
}

/* A court's receipts and disbursements (the fund officer's lists, the court's enforcement workbench):
 * the same rows and totals as the statements they replaced (every filter as "?N IS NULL OR ...", which
 * read every row of the region), page by page and past the end, and no statement steps through a whole
 * table. */
static void ledger_lists_seek_their_court(void **state)
{
	(void)state;
	char court[64];
	sql_busiest("court_unit_id", "ledger_receipts", court, sizeof court);
	static const char ref[] =
	        "SELECT id FROM ledger_receipts WHERE court_unit_id=?1 AND (?2=0 OR matter_id IS NULL)"
	        " AND (?3 IS NULL OR (matter_id IS NOT NULL AND source<>'court_fee' AND disbursed<amount AND "
	        "due_on<?3))"
	        " AND (?4=0 OR (matter_id IS NOT NULL AND source<>'court_fee' AND disbursed<amount))"
	        " AND (?5 IS NULL OR received_on>=?5) AND (?6 IS NULL OR received_on<=?6)"
	        " ORDER BY CASE WHEN ?7 THEN received_on END, CASE WHEN ?7 THEN id END, received_on DESC, id DESC";
	struct {
		int unidentified, outstanding, oldest_first;
		const char *overdue_before, *from, *to;
	} cases[] = { { 0, 0, 0, NULL, NULL, NULL },         { 0, 0, 1, NULL, NULL, NULL },
		      { 1, 0, 0, NULL, NULL, NULL },         { 0, 1, 0, NULL, NULL, NULL },
		      { 0, 0, 1, "2026-11-22", NULL, NULL }, { 0, 0, 0, NULL, "2025-01-01", "2025-12-31" } };
	int64_t want[4096];
	int nonempty = 0;
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		probe q = probe_open(ref, court, NULL);
		sqlite3_bind_int(q.st, 2, cases[c].unidentified);
		sqlite3_bind_text(q.st, 3, cases[c].overdue_before, -1, SQLITE_STATIC);
		sqlite3_bind_int(q.st, 4, cases[c].outstanding);
		sqlite3_bind_text(q.st, 5, cases[c].from, -1, SQLITE_STATIC);
		sqlite3_bind_text(q.st, 6, cases[c].to, -1, SQLITE_STATIC);
		sqlite3_bind_int(q.st, 7, cases[c].oldest_first);
		size_t n = 0;
		while (sqlite3_step(q.st) == SQLITE_ROW && n < 4096)
			want[n++] = sqlite3_column_int64(q.st, 0);
		probe_close(&q);
		nonempty += n > 0;
		for (size_t off = 0; off <= n; off += 3) {
			store_ledger_receipt_query rq = { .court_unit_id = court,
				                          .unidentified = cases[c].unidentified,
				                          .outstanding = cases[c].outstanding,
				                          .oldest_first = cases[c].oldest_first,
				                          .overdue_before = cases[c].overdue_before,
				                          .from = cases[c].from,
				                          .to = cases[c].to,
				                          .limit = 3,
				                          .offset = (int)off };
			err e = { 0 };
			arena *a = arena_new();
			store_ledger_receipt *v;
			size_t got;
			int64_t total = -1;
			assert_int_equal(store_ledger_receipt_list(F.db, &rq, a, &v, &got, &total, &e), OK);
			assert_int_equal(total, (int64_t)n);
			assert_int_equal(got, n - off < 3 ? n - off : 3);
			for (size_t i = 0; i < got; i++)
				assert_int_equal(v[i].id, want[off + i]);
			arena_free(a);
		}
	}
	assert_true(nonempty >= 3);
	/* disbursements: all of the court's (requested first), and by status */
	static const char dref[] =
	        "SELECT id FROM ledger_disbursements WHERE court_unit_id=?1 AND (?2 IS NULL OR status=?2)"
	        " ORDER BY status<>'requested', id DESC LIMIT 100";
	const char *statuses[] = { NULL, "requested", "posted" };
	for (size_t k = 0; k < 3; k++) {
		probe q = probe_open(dref, court, statuses[k]);
		size_t n = 0;
		while (sqlite3_step(q.st) == SQLITE_ROW && n < 4096)
			want[n++] = sqlite3_column_int64(q.st, 0);
		probe_close(&q);
		err e = { 0 };
		arena *a = arena_new();
		store_ledger_disbursement *v;
		size_t got;
		assert_int_equal(store_ledger_disbursement_list(F.db, court, 0, statuses[k], NULL, NULL, 0, 100, a, &v,
		                                                &got, &e),
		                 OK);
		assert_int_equal(got, n);
		for (size_t i = 0; i < got; i++)
			assert_int_equal(v[i].id, want[i]);
		arena_free(a);
		if (!statuses[k])
			assert_true(n > 0);
	}
	int seen;
	assert_int_equal(stmt_counter(1, "FROM ledger_", NULL, SQLITE_STMTSTATUS_FULLSCAN_STEP, &seen), 0);
	assert_true(seen > 0);
	/* a court's daily reconciliations, latest first, from its index without a sort: five days of two
	 * courts (one a day each, as the daily check writes them) */
	probe ins =
	        probe_open("INSERT INTO ledger_reconciliations(court_unit_id,on_date,ok,report,created_at,created_by)"
	                   " SELECT c, '2026-11-0' || d, 1, '{}', '2026-11-0' || d || 'T18:00:00Z', 1"
	                   " FROM (SELECT ?1 AS c UNION ALL SELECT ?2), (SELECT 1 AS d UNION ALL SELECT 2"
	                   " UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5)",
	                   court, "150000.court");
	assert_int_equal(sqlite3_step(ins.st), SQLITE_DONE);
	probe_close(&ins);
	err e = { 0 };
	arena *a = arena_new();
	store_ledger_reconciliation *r;
	size_t n;
	assert_int_equal(store_ledger_reconciliation_list(F.db, court, 3, a, &r, &n, &e), OK);
	assert_int_equal(n, 3);
	assert_string_equal(r[0].on_date, "2026-11-05");
	assert_string_equal(r[2].on_date, "2026-11-03");
	for (size_t i = 0; i < n; i++)
		assert_string_equal(r[i].court_unit_id, court);
	arena_free(a);
	static const char recon[] = "FROM ledger_reconciliations WHERE court_unit_id=?1";
	assert_int_equal(stmt_counter(0, recon, NULL, SQLITE_STMTSTATUS_FULLSCAN_STEP, &seen), 0);
	assert_true(seen > 0);
	assert_int_equal(stmt_counter(0, recon, NULL, SQLITE_STMTSTATUS_SORT, &seen), 0);
}

/* Supervision counts the transfers left unanswered past their deadline from the front of a covering
 * index of pending transfers in deadline order (migration 0017), at each of its three levels, not by
 * visiting every pending transfer's row. */
static void overdue_transfers_are_counted_from_a_covering_index(void **state)
{
	(void)state;
	read_round(); /* supervision of the region, a league and a county */
	int seen = 0;
	for (int i = 0; i < F.db->own.n_cache; i++) {
		const char *sql = F.db->own.cache[i].sql;
		if (!strstr(sql, "FROM transfers") || !strstr(sql, "accept_due_on<?1"))
			continue;
		if (!plan_mentions(sql, "COVERING INDEX transfers_pending_by_due"))
			fail_msg("not from the covering index: %s", sql);
		seen++;
	}
	assert_int_equal(seen, 3);
}

/* Enforcement supervision below the region (a league's or county's committee) reads only its area:
 * the assistance statistics and the courts' ledger sums of a league and of a county are exactly the
 * region's rows of the units in it, and the statistics step through no whole table (they read every
 * item of the region with its request, and the ledger every receipt, disbursement and posting). */
static void enforcement_supervision_reads_only_its_area(void **state)
{
	(void)state;
	char county[16], league[16];
	sql_busiest("police_area_code", "assist_items", county, sizeof county);
	sql_busiest("police_league_code", "assist_items", league, sizeof league);
	err e = { 0 };
	arena *a = arena_new();
	store_assist_stat *all, *part;
	size_t n_all, n_part;
	store_ledger_court_summary *lall, *lpart;
	size_t nl_all, nl_part;
	assert_int_equal(store_assist_stats(F.db, NULL, NULL, NULL, NULL, "2026-11-22", a, &all, &n_all, &e), OK);
	assert_int_equal(store_ledger_summaries(F.db, NULL, NULL, "2026-11-22", NULL, NULL, a, &lall, &nl_all, &e), OK);
	const char *areas[] = { league, county };
	for (int k = 0; k < 2; k++) {
		assert_int_equal(
		        store_assist_stats(F.db, areas[k], NULL, NULL, NULL, "2026-11-22", a, &part, &n_part, &e), OK);
		char sql[300];
		snprintf(sql, sizeof sql,
		         "SELECT count(DISTINCT police_unit_id) FROM assist_items WHERE police_area_code='%s'"
		         " OR police_league_code='%s'",
		         areas[k], areas[k]);
		assert_int_equal((int64_t)n_part, sql_int(sql));
		assert_true(n_part > 0 && n_part < n_all);
		for (size_t i = 0; i < n_part; i++) {
			size_t j = 0;
			while (j < n_all && strcmp(all[j].police_unit_id, part[i].police_unit_id))
				j++;
			assert_true(j < n_all);
			assert_int_equal(part[i].items, all[j].items);
			assert_int_equal(part[i].answered, all[j].answered);
			assert_int_equal(part[i].pending, all[j].pending);
			assert_int_equal(part[i].overdue, all[j].overdue);
			assert_int_equal(part[i].answered_late, all[j].answered_late);
			assert_int_equal(part[i].found, all[j].found);
			assert_true(part[i].avg_days == all[j].avg_days && part[i].max_days == all[j].max_days);
		}
		assert_int_equal(
		        store_ledger_summaries(F.db, areas[k], NULL, "2026-11-22", NULL, NULL, a, &lpart, &nl_part, &e),
		        OK);
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM (SELECT court_unit_id FROM ledger_postings UNION SELECT court_unit_id "
		         "FROM"
		         " ledger_receipts) c JOIN units u ON u.id=c.court_unit_id JOIN areas ar ON ar.code=u.area_code"
		         " WHERE u.area_code='%s' OR ar.parent_code='%s'",
		         areas[k], areas[k]);
		assert_int_equal((int64_t)nl_part, sql_int(sql));
		for (size_t i = 0; i < nl_part; i++) {
			size_t j = 0;
			while (j < nl_all && strcmp(lall[j].court_unit_id, lpart[i].court_unit_id))
				j++;
			assert_true(j < nl_all);
			assert_memory_equal(&lpart[i].unidentified_n, &lall[j].unidentified_n, 9 * sizeof(int64_t));
		}
	}
	arena_free(a);
	int seen;
	assert_int_equal(stmt_counter(1, "FROM assist_items i WHERE", "i.police_area_code=?1",
	                              SQLITE_STMTSTATUS_FULLSCAN_STEP, &seen),
	                 0);
	assert_true(seen > 0); /* the area's statistics are a statement of their own, with the area's index */
	/* the region's read the items' index alone (migration 0018: an item carries its request's sending
	 * time), not every item's row and its request's */
	seen = 0;
	for (int i = 0; i < F.db->own.n_dyn; i++) {
		const char *sql = F.db->own.dyn[i].sql;
		if (!strstr(sql, "FROM assist_items i WHERE 1=1 GROUP BY"))
			continue;
		assert_true(plan_mentions(sql, "COVERING INDEX assist_items_stats"));
		seen = 1;
	}
	assert_true(seen);
}

/* The courts' ledger sums (enforcement supervision, the enforcement metrics) are each table's sums per
 * court from an index that holds what they read (migration 0020), and they are the sums of the rows
 * themselves: the same as summing row by row (the statement before), for the region, a league, a county
 * and a court, with and without a date range, every sum of them non-zero somewhere. */
static void ledger_sums_are_per_court_from_covering_indexes(void **state)
{
	(void)state;
	static const char ref[] =
	        "SELECT c, sum(un), sum(ua), sum(odn), sum(oda), sum(wn), sum(wa), sum(rv), sum(ds), sum(rf) FROM ("
	        " SELECT court_unit_id AS c, (matter_id IS NULL) AS un, CASE WHEN matter_id IS NULL THEN amount"
	        "  ELSE 0 END AS ua,"
	        "  (matter_id IS NOT NULL AND source<>'court_fee' AND disbursed<amount AND due_on<?3) AS odn,"
	        "  CASE WHEN matter_id IS NOT NULL AND source<>'court_fee' AND disbursed<amount AND due_on<?3"
	        "   THEN amount-disbursed ELSE 0 END AS oda, 0 AS wn, 0 AS wa, 0 AS rv, 0 AS ds, 0 AS rf"
	        "  FROM ledger_receipts NOT INDEXED WHERE (?2 IS NULL OR court_unit_id=?2)"
	        "  AND (matter_id IS NULL OR (source<>'court_fee' AND disbursed<amount AND due_on<?3))"
	        " UNION ALL SELECT court_unit_id, 0, 0, 0, 0, 1, amount, 0, 0, 0 FROM ledger_disbursements NOT INDEXED"
	        "  WHERE status='requested' AND (?2 IS NULL OR court_unit_id=?2)"
	        " UNION ALL SELECT court_unit_id, 0, 0, 0, 0, 0, 0, CASE WHEN kind='receipt' THEN amount ELSE 0 END,"
	        "  CASE WHEN kind='disbursement' THEN amount ELSE 0 END, CASE WHEN kind='refund' THEN amount ELSE 0 END"
	        "  FROM ledger_postings NOT INDEXED WHERE (?2 IS NULL OR court_unit_id=?2)"
	        "  AND kind IN ('receipt','disbursement','refund')"
	        "  AND (?4 IS NULL OR on_date>=?4) AND (?5 IS NULL OR on_date<=?5)"
	        ") JOIN units u ON u.id=c JOIN areas ar ON ar.code=u.area_code"
	        " WHERE (?1 IS NULL OR ?1='150000' OR u.area_code=?1 OR ar.parent_code=?1) GROUP BY c ORDER BY c";
	/* an unidentified receipt and a request awaiting approval in the busiest court, so that those
	 * sums are not all zero whatever the generator wrote */
	char court[64], county[16], league[16];
	sql_busiest("court_unit_id", "ledger_receipts", court, sizeof court);
	probe q = probe_open("SELECT u.area_code, coalesce(ar.parent_code, u.area_code) FROM units u"
	                     " JOIN areas ar ON ar.code=u.area_code WHERE u.id=?1",
	                     court, NULL);
	assert_int_equal(sqlite3_step(q.st), SQLITE_ROW);
	snprintf(county, sizeof county, "%s", (const char *)sqlite3_column_text(q.st, 0));
	snprintf(league, sizeof league, "%s", (const char *)sqlite3_column_text(q.st, 1));
	probe_close(&q);
	char matter[32];
	q = probe_open("SELECT matter_id FROM ledger_accounts WHERE court_unit_id=?1 AND kind='matter'"
	               " ORDER BY matter_id LIMIT 1",
	               court, NULL);
	assert_int_equal(sqlite3_step(q.st), SQLITE_ROW);
	snprintf(matter, sizeof matter, "%s", (const char *)sqlite3_column_text(q.st, 0));
	probe_close(&q);
	enforce_settings es;
	enforce_settings_default(&es);
	principal fund = who_of(court, ROLE_FUND_OFFICER);
	ledger_receipt_in un = { .key = "sums-unidentified",
		                 .court_unit_id = court,
		                 .source = "bank_deduction",
		                 .amount = 12345,
		                 .payer = "不明",
		                 .received_on = "2026-03-02" };
	ledger_receipt_in held = { .key = "sums-held",
		                   .matter_id = atoll(matter),
		                   .source = "debtor_payment",
		                   .amount = 700,
		                   .payer = "被执行人",
		                   .received_on = "2026-02-02" };
	ledger_receipt_in recent = { .key = "sums-recent",
		                     .matter_id = held.matter_id,
		                     .source = "debtor_payment",
		                     .amount = 500,
		                     .payer = "被执行人",
		                     .received_on = "2026-11-20" }; /* not yet due */
	ledger_disbursement_in dis = { .key = "sums-requested",
		                       .matter_id = held.matter_id,
		                       .kind = "creditor",
		                       .amount = 300,
		                       .payee_name = "申请执行人",
		                       .payee_account = "6228480012345678901",
		                       .payee_bank = "中国农业银行" };
	json_t *out = NULL;
	int replayed;
	err e0 = { 0 };
	assert_int_equal(ledger_receipt(F.db, &fund, &es, &un, &out, &replayed, &e0), OK);
	json_decref(out);
	assert_int_equal(ledger_receipt(F.db, &fund, &es, &held, &out, &replayed, &e0), OK);
	json_decref(out);
	assert_int_equal(ledger_receipt(F.db, &fund, &es, &recent, &out, &replayed, &e0), OK);
	json_decref(out);
	assert_int_equal(ledger_disbursement_request(F.db, &fund, &dis, &out, &replayed, &e0), OK);
	json_decref(out);
	struct {
		const char *area, *court, *from, *to;
	} cases[] = { { NULL, NULL, NULL, NULL },         { "150000", NULL, "2025-01-01", NULL },
		      { NULL, NULL, NULL, "2025-12-31" }, { league, NULL, "2025-01-01", "2025-12-31" },
		      { county, NULL, NULL, NULL },       { NULL, court, "2024-06-01", "2026-06-30" } };
	int64_t nonzero[9] = { 0 };
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		err e = { 0 };
		arena *a = arena_new();
		store_ledger_court_summary *v;
		size_t n;
		assert_int_equal(store_ledger_summaries(F.db, cases[c].area, cases[c].court, "2026-11-22",
		                                        cases[c].from, cases[c].to, a, &v, &n, &e),
		                 OK);
		q = probe_open(ref, cases[c].area, cases[c].court);
		sqlite3_bind_text(q.st, 3, "2026-11-22", -1, SQLITE_STATIC);
		sqlite3_bind_text(q.st, 4, cases[c].from, -1, SQLITE_STATIC);
		sqlite3_bind_text(q.st, 5, cases[c].to, -1, SQLITE_STATIC);
		size_t i = 0;
		while (sqlite3_step(q.st) == SQLITE_ROW) {
			assert_true(i < n);
			assert_string_equal(v[i].court_unit_id, (const char *)sqlite3_column_text(q.st, 0));
			const int64_t *got = &v[i].unidentified_n;
			for (int k = 0; k < 9; k++) {
				assert_int_equal(got[k], sqlite3_column_int64(q.st, 1 + k));
				nonzero[k] += got[k] != 0;
			}
			i++;
		}
		probe_close(&q);
		assert_int_equal(i, n);
		assert_true(n > 0);
		arena_free(a);
	}
	for (int k = 0; k < 9; k++)
		if (k != 8) /* refunds: the generator writes none */
			assert_true(nonzero[k] > 0);
	/* each leg from its index alone, without a step through a whole table */
	int seen = 0;
	for (int i = 0; i < F.db->own.n_dyn; i++) {
		const char *sql = F.db->own.dyn[i].sql;
		if (!strstr(sql, "INDEXED BY ledger_receipts_counted"))
			continue;
		if (!plan_mentions(sql, "COVERING INDEX ledger_receipts_counted") ||
		    !plan_mentions(sql, "COVERING INDEX ledger_disbursements_requested") ||
		    !plan_mentions(sql, "COVERING INDEX ledger_postings_court"))
			fail_msg("a leg reads its table's rows: %s", sql);
		seen++;
	}
	assert_true(seen >= 5);
}

/* The fields of a court's metrics row that are figures (not its id and name) are equal in a and b. */
static void metrics_rows_equal(json_t *a, json_t *b, const char *court)
{
	const char *k;
	json_t *v;
	assert_non_null(a);
	assert_non_null(b);
	json_object_foreach(a, k, v)
	{
		if (!strcmp(k, "court_unit_id") || !strcmp(k, "court_name"))
			continue;
		if (!json_equal(v, json_object_get(b, k)))
			fail_msg("%s: %s differs between scopes", court, k);
	}
	assert_int_equal(json_object_size(a), json_object_size(b));
}

static json_t *metrics_row_of(json_t *answer, const char *court)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(answer, "courts"), i, r)
	{
		if (!strcmp(json_string_value(json_object_get(r, "court_unit_id")), court))
			return r;
	}
	return NULL;
}

/* The enforcement metrics resolve each acting unit to its court once, and take the closed cases' amounts
 * by a seek each or, when the closings in scope are many, by one pass over every account: a court's row
 * is the same whichever scope asked (the region, its league, the court alone) and so whichever way its
 * amounts were read, both ways ran, and the region's amounts of closed cases are the accounts' own. */
static void metrics_of_a_court_are_the_same_in_every_scope(void **state)
{
	(void)state;
	static const char pass_sql[] = "credit_total FROM ledger_accounts WHERE matter_id IS NOT NULL";
	static const char seek_sql[] = "credit_total FROM ledger_accounts WHERE matter_id=?1";
	err e = { 0 };
	arena *a = arena_new();
	int seen;
	int passes = stmt_counter(0, pass_sql, NULL, SQLITE_STMTSTATUS_RUN, &seen);
	int seeks = stmt_counter(0, seek_sql, NULL, SQLITE_STMTSTATUS_RUN, &seen);
	json_t *region, *league, *one;
	assert_int_equal(enforce_metrics(F.db, NULL, NULL, NULL, NULL, a, &region, &e), OK);
	assert_true(stmt_counter(0, pass_sql, NULL, SQLITE_STMTSTATUS_RUN, &seen) == passes + 1);
	/* the closed cases joined with their accounts, row by row */
	probe q = probe_open(
	        "SELECT count(*), coalesce(sum(CASE WHEN a.amount_applied>0 THEN a.amount_applied END),0),"
	        " coalesce(sum(CASE WHEN a.amount_applied>0 THEN min(a.credit_total,a.amount_applied) END),0),"
	        " coalesce(sum(a.amount_applied IS NULL OR a.amount_applied<=0),0)"
	        " FROM events e NOT INDEXED LEFT JOIN ledger_accounts a"
	        " ON a.matter_id=CAST(e.entity_id AS INTEGER) AND a.kind='matter'"
	        " WHERE e.entity_type='matter' AND e.event_type IN ('matter.close_enforced','matter.close_settled',"
	        " 'matter.close_no_assets','matter.close_terminated')",
	        NULL, NULL);
	assert_int_equal(sqlite3_step(q.st), SQLITE_ROW);
	json_t *t = json_object_get(region, "totals");
	assert_true(sqlite3_column_int64(q.st, 1) > 0 && sqlite3_column_int64(q.st, 2) > 0);
	assert_int_equal(json_integer_value(json_object_get(t, "closed")), sqlite3_column_int64(q.st, 0));
	assert_int_equal(json_integer_value(json_object_get(t, "amount_applied_closed")),
	                 sqlite3_column_int64(q.st, 1));
	assert_int_equal(json_integer_value(json_object_get(t, "amount_recovered_closed")),
	                 sqlite3_column_int64(q.st, 2));
	assert_int_equal(json_integer_value(json_object_get(t, "closed_without_amount")),
	                 sqlite3_column_int64(q.st, 3));
	probe_close(&q);
	/* every court alone, and the courts of the busiest court's league */
	size_t i, n_courts = json_array_size(json_object_get(region, "courts"));
	json_t *r;
	assert_true(n_courts > 10);
	json_array_foreach(json_object_get(region, "courts"), i, r)
	{
		const char *court = json_string_value(json_object_get(r, "court_unit_id"));
		assert_int_equal(enforce_metrics(F.db, NULL, court, NULL, NULL, a, &one, &e), OK);
		metrics_rows_equal(r, json_object_get(one, "totals"), court);
		json_decref(one);
	}
	assert_true(stmt_counter(0, seek_sql, NULL, SQLITE_STMTSTATUS_RUN, &seen) > seeks);
	char court[64], league_code[16];
	sql_busiest("court_unit_id", "ledger_accounts WHERE kind='matter'", court, sizeof court);
	q = probe_open("SELECT coalesce(ar.parent_code, u.area_code) FROM units u JOIN areas ar ON ar.code=u.area_code"
	               " WHERE u.id=?1",
	               court, NULL);
	assert_int_equal(sqlite3_step(q.st), SQLITE_ROW);
	snprintf(league_code, sizeof league_code, "%s", (const char *)sqlite3_column_text(q.st, 0));
	probe_close(&q);
	assert_int_equal(enforce_metrics(F.db, league_code, NULL, NULL, NULL, a, &league, &e), OK);
	assert_true(json_array_size(json_object_get(league, "courts")) > 1);
	json_array_foreach(json_object_get(league, "courts"), i, r)
	{
		const char *c = json_string_value(json_object_get(r, "court_unit_id"));
		metrics_rows_equal(r, metrics_row_of(region, c), c);
	}
	json_decref(league);
	json_decref(region);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_recompile_no_statement),
		cmocka_unit_test(a_schema_change_is_counted),
		cmocka_unit_test(transfer_boxes_page_in_order_with_their_totals),
		cmocka_unit_test(a_remembered_deadline_follows_a_new_calendar),
		cmocka_unit_test(metric_events_are_the_logs_from_their_own_index),
		cmocka_unit_test(a_receipt_is_found_by_its_posting_without_a_scan),
		cmocka_unit_test(a_units_open_matters_are_counted_from_open_counts),
		cmocka_unit_test(prepared_statements_are_logged_with_their_plans_when_asked),
		cmocka_unit_test(assistance_lists_seek_their_units),
		cmocka_unit_test(ledger_lists_seek_their_court),
		cmocka_unit_test(overdue_transfers_are_counted_from_a_covering_index),
		cmocka_unit_test(enforcement_supervision_reads_only_its_area),
		cmocka_unit_test(ledger_sums_are_per_court_from_covering_indexes),
		cmocka_unit_test(metrics_of_a_court_are_the_same_in_every_scope),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
