/*
 * test_store.c - the SQLite store: migrations, the audited transaction (no write commits without its
 * event), the gapless append-only event table, conflicts and the per-thread connection. Each test
 * gets a fresh database in a temporary directory. The SQLite back end's own header is included to
 * reach the raw connection, so that the table's triggers can be tried with SQL that no store
 * function would send.
 */
#include "testutil.h"

#include "core/embedded.h"

#include "core/log.h"
#include "core/util.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

#include <pthread.h>

typedef struct fixture {
	char dir[64];
	char path[128];
	store *db;
} fixture;

/* The number of the newest embedded migration (src/store/migrations/NNNN_name.sql). */
static int latest_migration(void)
{
	int v = 0;
	for (const embedded_file *f = embedded_files; f->path; f++)
		if (!strncmp(f->path, "src/store/migrations/", 21)) {
			int n = (int)strtol(f->path + 21, NULL, 10);
			v = n > v ? n : v;
		}
	return v;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	test_tmpdir(f->dir, sizeof f->dir);
	snprintf(f->path, sizeof f->path, "%s/casebridge.db", f->dir);
	err e = { 0 };
	int v = -1;
	if (store_open(f->path, &f->db, &e) || store_migrate(f->db, &v, &e))
		fail_msg("open/migrate: %s", e.message);
	if (v != latest_migration())
		fail_msg("schema version %d, newest migration %d", v, latest_migration());
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	store_close(f->db);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t event_count(store *db)
{
	int64_t n = -1;
	err e = { 0 };
	if (store_event_count(db, &n, &e))
		fail_msg("event count: %s", e.message);
	return n;
}

static int append(store *db, const char *type, const char *id, int64_t *out_seq, err *e)
{
	store_event ev = { .entity_type = type, .entity_id = id, .event_type = "test.written", .payload = "{\"k\":1}" };
	return store_event_append(db, &ev, out_seq, e);
}

/* One committed meta write with its event: a helper for tests that need rows. */
static void commit_meta(store *db, const char *key, const char *value)
{
	err e = { 0 };
	if (store_tx_begin(db, &e) || store_meta_set(db, key, value, &e) || append(db, "meta", key, NULL, &e) ||
	    store_tx_commit(db, &e))
		fail_msg("commit_meta: %s", e.message);
}

static void store_migrate_is_idempotent(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	int v = 0;
	assert_int_equal(store_migrate(f->db, &v, &e), OK);
	assert_int_equal(v, latest_migration());
	assert_int_equal(store_schema_version(f->db, &v, &e), OK);
	assert_int_equal(v, latest_migration());
	assert_int_equal(event_count(f->db), 0); /* migrations are schema, not records */
}

static void store_open_refuses_a_path_it_cannot_create(void **state)
{
	(void)state;
	store *db = NULL;
	err e = { 0 };
	assert_int_equal(store_open("/nonexistent-dir/sub/casebridge.db", &db, &e), E_STORE);
	assert_null(db);
	assert_string_equal(e.field, "data_dir");
}

static void tx_with_write_but_no_event_is_refused_at_commit_and_leaves_nothing(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	arena *a = arena_new();
	char *v = NULL;
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_meta_set(f->db, "orphan", "1", &e), OK);
	assert_int_equal(store_tx_commit(f->db, &e), E_INTEGRITY);
	assert_non_null(strstr(e.message, "without its event"));
	assert_false(store_in_tx(f->db));
	assert_int_equal(store_meta_get(f->db, "orphan", a, &v, &e), E_NOTFOUND);
	assert_int_equal(event_count(f->db), 0);
	/* The connection is usable afterwards. */
	commit_meta(f->db, "after", "1");
	assert_int_equal(store_meta_get(f->db, "after", a, &v, &e), OK);
	assert_string_equal(v, "1");
	arena_free(a);
}

static void tx_with_write_and_event_commits_both(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	arena *a = arena_new();
	char *v = NULL;
	int64_t seq = 0;
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_true(store_in_tx(f->db));
	assert_int_equal(store_meta_set(f->db, "k", "v", &e), OK);
	assert_int_equal(append(f->db, "meta", "k", &seq, &e), OK);
	assert_int_equal(seq, 1);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	assert_int_equal(store_meta_get(f->db, "k", a, &v, &e), OK);
	assert_string_equal(v, "v");
	assert_int_equal(event_count(f->db), 1);
	/* A transaction with no write at all commits, and so does an event alone. */
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(append(f->db, "x", "1", NULL, &e), OK);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	assert_int_equal(event_count(f->db), 2);
	arena_free(a);
}

static void write_outside_a_transaction_is_refused(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	arena *a = arena_new();
	char *v = NULL;
	assert_int_equal(store_meta_set(f->db, "loose", "1", &e), E_INTERNAL);
	assert_int_equal(append(f->db, "x", "1", NULL, &e), E_INTERNAL);
	assert_int_equal(store_meta_get(f->db, "loose", a, &v, &e), E_NOTFOUND);
	assert_int_equal(event_count(f->db), 0);
	assert_int_equal(store_tx_commit(f->db, &e), E_INTERNAL); /* nothing to commit */
	arena_free(a);
}

static void nested_begin_is_refused(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_tx_begin(f->db, &e), E_INTERNAL);
	store_tx_rollback(f->db);
	assert_false(store_in_tx(f->db));
	store_tx_rollback(f->db); /* harmless when none is open */
}

static void events_are_gapless_across_rollbacks(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	int64_t seq = 0;
	for (int i = 0; i < 3; i++)
		commit_meta(f->db, i == 0 ? "a" : i == 1 ? "b" : "c", "1");
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(append(f->db, "x", "rolled-back", &seq, &e), OK);
	assert_int_equal(seq, 4);
	store_tx_rollback(f->db);
	assert_int_equal(event_count(f->db), 3);
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(append(f->db, "x", "kept", &seq, &e), OK);
	assert_int_equal(append(f->db, "x", "kept2", &seq, &e), OK);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	assert_int_equal(seq, 5);

	arena *a = arena_new();
	store_event *v = NULL;
	size_t n = 0;
	assert_int_equal(store_event_range(f->db, 1, 100, a, &v, &n, &e), OK);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		if (v[i].seq != (int64_t)i + 1)
			fail_msg("event %zu has seq %lld: the sequence has a gap", i, (long long)v[i].seq);
		if (!strcmp(v[i].entity_id, "rolled-back"))
			fail_msg("a rolled-back event survived");
	}
	arena_free(a);
}

static void event_append_assigns_time_and_reads_back(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	arena *a = arena_new();
	store_event ev = { .actor_user_id = 7,
		           .actor_unit_id = "152529.court",
		           .entity_type = "unit",
		           .entity_id = "152529.court.zxj",
		           .event_type = "unit.created",
		           .payload = "{\"name\":\"执行局\"}" };
	memset(ev.leaf_hash, 0xab, 32);
	ev.has_leaf_hash = 1;
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_event_append(f->db, &ev, NULL, &e), OK);
	store_event sys = { .entity_type = "unit", .entity_id = "other", .event_type = "unit.created" };
	assert_int_equal(store_event_append(f->db, &sys, NULL, &e), OK);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	assert_int_equal(ev.seq, 1);
	assert_null(ev.at); /* the assigned time lived on append's stack: not handed back */

	store_event got;
	assert_int_equal(store_event_get(f->db, 1, a, &got, &e), OK);
	assert_int_equal(got.seq, 1);
	assert_int_equal(strlen(got.at), 24);
	assert_true(util_iso_to_sec(got.at) > 0);
	assert_int_equal(got.actor_user_id, 7);
	assert_string_equal(got.actor_unit_id, "152529.court");
	assert_string_equal(got.entity_id, "152529.court.zxj");
	assert_string_equal(got.payload, "{\"name\":\"执行局\"}");
	assert_true(got.has_leaf_hash);
	assert_int_equal(got.leaf_hash[31], 0xab);

	assert_int_equal(store_event_get(f->db, 2, a, &got, &e), OK);
	assert_int_equal(got.actor_user_id, 0); /* the system */
	assert_null(got.actor_unit_id);
	assert_string_equal(got.payload, "{}");
	assert_false(got.has_leaf_hash);

	assert_int_equal(store_event_get(f->db, 3, a, &got, &e), E_NOTFOUND);
	assert_string_equal(e.field, "seq");

	store_event *list = NULL;
	size_t n = 0;
	assert_int_equal(store_event_list_entity(f->db, "unit", "other", 0, 10, a, &list, &n, &e), OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].seq, 2);
	assert_int_equal(store_event_list_entity(f->db, "unit", "other", 2, 10, a, &list, &n, &e), OK);
	assert_int_equal(n, 0);
	arena_free(a);
}

/* The events table refuses UPDATE and DELETE even from raw SQL (triggers), inside or outside a
 * transaction, and the row stays as it was. */
static void events_table_refuses_update_and_delete(void **state)
{
	fixture *f = *state;
	commit_meta(f->db, "k", "v");
	static const char *const attacks[] = {
		"UPDATE events SET payload='{\"forged\":1}' WHERE seq=1",
		"UPDATE events SET seq=9 WHERE seq=1",
		"DELETE FROM events WHERE seq=1",
		"DELETE FROM events",
	};
	for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		char *msg = NULL;
		int rc = sqlite3_exec(f->db->h, attacks[i], NULL, NULL, &msg);
		if (rc == SQLITE_OK)
			fail_msg("row %zu: '%s' was allowed", i + 1, attacks[i]);
		if (!msg || !strstr(msg, "append-only"))
			fail_msg("row %zu: refused for the wrong reason: %s", i + 1, msg ? msg : "?");
		sqlite3_free(msg);
	}
	arena *a = arena_new();
	store_event got;
	err e = { 0 };
	assert_int_equal(store_event_get(f->db, 1, a, &got, &e), OK);
	assert_string_equal(got.payload, "{\"k\":1}");
	assert_int_equal(event_count(f->db), 1);
	arena_free(a);
}

static void seed_unit(store *db)
{
	err e = { 0 };
	store_area ar = { "150000", "内蒙古自治区", NULL, "province" };
	store_unit u = { "150000.committee", "内蒙古自治区党委政法委", "committee", "150000", NULL, NULL };
	if (store_tx_begin(db, &e) || store_area_insert(db, &ar, &e) || store_unit_insert(db, &u, &e) ||
	    append(db, "unit", u.id, NULL, &e) || store_tx_commit(db, &e))
		fail_msg("seed: %s", e.message);
}

static void unique_and_reference_violations_are_conflicts(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	seed_unit(f->db);
	int64_t before = event_count(f->db);
	store_user u = { .username = "a.user",
		         .display_name = "甲",
		         .unit_id = "150000.committee",
		         .password_hash = "$argon2id$x",
		         .created_at = "2026-01-01T00:00:00.000Z" };
	int64_t id = 0;
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_user_insert(f->db, &u, &id, &e), OK);
	assert_int_equal(store_user_insert(f->db, &u, &id, &e), E_CONFLICT);
	assert_string_equal(e.field, "username");
	store_tx_rollback(f->db);

	store_user ghost = u;
	ghost.username = "b.user";
	ghost.unit_id = "no.such.unit";
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_user_insert(f->db, &ghost, &id, &e), E_CONFLICT); /* foreign key */
	store_tx_rollback(f->db);

	store_unit bad_kind = { "150000.army", "军", "army", "150000", NULL, NULL };
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_unit_insert(f->db, &bad_kind, &e), E_CONFLICT); /* CHECK constraint */
	store_tx_rollback(f->db);
	assert_int_equal(event_count(f->db), before);
}

/* The UPDATE names only the columns that changed (every index on a named column is rewritten, changed
 * or not): a step that changes nothing indexed, like a transfer, rewrites no index entry. */
static char last_update[600];
static int trace_update(unsigned type, void *ctx, void *p, void *x)
{
	(void)type;
	(void)ctx;
	(void)x;
	const char *sql = sqlite3_sql(p);
	if (sql && !strncmp(sql, "UPDATE matters", 14))
		util_strlcpy(last_update, sql, sizeof last_update);
	return 0;
}

static void matter_update_sets_only_what_changed(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	arena *a = arena_new();
	seed_unit(f->db);
	store_matter m = { .number = "NM-150000-2026-000001",
		           .kind = "criminal",
		           .summary = "测试案件摘要",
		           .status = "open",
		           .stage = "investigation",
		           .holder_unit_id = "150000.committee",
		           .holder_area_code = "150000",
		           .holder_league_code = "150000",
		           .filed_unit_id = "150000.committee",
		           .filed_at = "2026-01-05T00:00:00.000Z",
		           .stage_started_on = "2026-01-05",
		           .rule_id = "criminal_investigation",
		           .due_on = "2026-03-05",
		           .updated_at = "2026-01-05T00:00:00.000Z" };
	int64_t id = 0;
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_matter_insert(f->db, &m, &id, &e), OK);
	assert_int_equal(append(f->db, "matter", "1", NULL, &e), OK);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	sqlite3_trace_v2(f->db->h, SQLITE_TRACE_STMT, trace_update, NULL);

	/* 1: only updated_at changes */
	store_matter was, now, got;
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_matter_get(f->db, id, a, &was, &e), OK);
	now = was;
	now.updated_at = "2026-01-06T08:00:00.000Z";
	assert_int_equal(store_matter_update(f->db, &was, &now, &e), OK);
	assert_int_equal(append(f->db, "matter", "1", NULL, &e), OK);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	assert_string_equal(last_update,
	                    "UPDATE matters SET updated_at=?16,version=version+1 WHERE id=?22 AND version=?23");
	assert_int_equal(store_matter_get(f->db, id, a, &got, &e), OK);
	assert_string_equal(got.updated_at, "2026-01-06T08:00:00.000Z");
	assert_int_equal(got.version, was.version + 1);
	assert_string_equal(got.holder_unit_id, "150000.committee");
	assert_string_equal(got.due_on, "2026-03-05");

	/* 2: a new stage and due date (equal strings elsewhere, even in new memory, are not changes) */
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_matter_get(f->db, id, a, &was, &e), OK);
	now = was;
	now.stage = "review_prosecution";
	now.due_on = "2026-02-20";
	now.returns = 1;
	now.holder_unit_id = arena_strdup(a, was.holder_unit_id);
	now.updated_at = "2026-01-07T08:00:00.000Z";
	assert_int_equal(store_matter_update(f->db, &was, &now, &e), OK);
	assert_int_equal(append(f->db, "matter", "1", NULL, &e), OK);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	assert_string_equal(last_update, "UPDATE matters SET stage=?5,due_on=?14,updated_at=?16,returns=?18,"
	                                 "version=version+1 WHERE id=?22 AND version=?23");
	assert_int_equal(store_matter_get(f->db, id, a, &got, &e), OK);
	assert_string_equal(got.stage, "review_prosecution");
	assert_string_equal(got.due_on, "2026-02-20");
	assert_int_equal(got.returns, 1);
	assert_int_equal(got.version, was.version + 1);

	/* 3: a row changed since it was read is a conflict, whatever the columns */
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	now = was; /* the version of case 2's read: one behind */
	now.updated_at = "2026-01-08T08:00:00.000Z";
	assert_int_equal(store_matter_update(f->db, &was, &now, &e), E_CONFLICT);
	store_tx_rollback(f->db);
	sqlite3_trace_v2(f->db->h, 0, NULL, NULL);
	arena_free(a);
}

static void user_roles_and_login_state_round_trip(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	arena *a = arena_new();
	seed_unit(f->db);
	store_user u = { .username = "c.user",
		         .display_name = "丙",
		         .unit_id = "150000.committee",
		         .password_hash = "$argon2id$x",
		         .created_at = "2026-01-01T00:00:00.000Z" };
	int64_t id = 0;
	const char *roles[] = { "reviewer", "admin" };
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_user_insert(f->db, &u, &id, &e), OK);
	assert_int_equal(store_user_set_roles(f->db, id, roles, 2, &e), OK);
	assert_int_equal(store_user_set_login_state(f->db, id, 3, 12345, &e), OK);
	assert_int_equal(append(f->db, "user", "c", NULL, &e), OK);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	store_user got;
	assert_int_equal(store_user_get_by_name(f->db, "c.user", a, &got, &e), OK);
	assert_int_equal(got.id, id);
	assert_string_equal(got.roles, "admin,reviewer"); /* sorted */
	assert_int_equal(got.failed_count, 3);
	assert_int_equal(got.locked_until, 12345);
	assert_int_equal(store_user_get(f->db, id + 100, a, &got, &e), E_NOTFOUND);

	const char *bad[] = { "judge" };
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_user_set_roles(f->db, id, bad, 1, &e), E_INVALID);
	assert_string_equal(e.field, "roles");
	assert_int_equal(store_user_set_disabled(f->db, id + 100, 1, &e), E_NOTFOUND);
	store_tx_rollback(f->db);
	arena_free(a);
}

/* Touching a session's idle clock is the one write allowed without a transaction and event. */
static void session_touch_is_the_one_write_without_an_event(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	arena *a = arena_new();
	seed_unit(f->db);
	store_user u = { .username = "d.user",
		         .display_name = "丁",
		         .unit_id = "150000.committee",
		         .password_hash = "$argon2id$x",
		         .created_at = "2026-01-01T00:00:00.000Z" };
	int64_t id = 0;
	store_session s = { "ab12", 0, 100, 100, 200, 0 };
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_user_insert(f->db, &u, &id, &e), OK);
	s.user_id = id;
	assert_int_equal(store_session_insert(f->db, &s, &e), OK);
	assert_int_equal(append(f->db, "user", "d", NULL, &e), OK);
	assert_int_equal(store_tx_commit(f->db, &e), OK);
	int64_t before = event_count(f->db);
	assert_int_equal(store_session_touch(f->db, "ab12", 150, &e), OK);
	store_session got;
	assert_int_equal(store_session_get(f->db, "ab12", a, &got, &e), OK);
	assert_int_equal(got.last_seen_at, 150);
	assert_int_equal(got.revoked_at, 0);
	assert_int_equal(event_count(f->db), before);
	/* Revoking is a record: outside a transaction it is refused. */
	assert_int_equal(store_session_revoke(f->db, "ab12", 160, &e), E_INTERNAL);
	assert_int_equal(store_session_get(f->db, "nope", a, &got, &e), E_UNAUTHORIZED);
	arena_free(a);
}

static void *thread_conn(void *arg)
{
	const char *path = arg;
	store *a = NULL, *b = NULL;
	err e = { 0 };
	if (store_thread_get(path, &a, &e) || store_thread_get(path, &b, &e) || a != b)
		return NULL;
	return a; /* closed by the thread-exit destructor; only compared */
}

static void each_thread_gets_its_own_connection(void **state)
{
	fixture *f = *state;
	pthread_t t1, t2;
	void *r1 = NULL, *r2 = NULL;
	assert_int_equal(pthread_create(&t1, NULL, thread_conn, f->path), 0);
	assert_int_equal(pthread_join(t1, &r1), 0);
	assert_int_equal(pthread_create(&t2, NULL, thread_conn, f->path), 0);
	assert_int_equal(pthread_join(t2, &r2), 0);
	assert_non_null(r1); /* the same connection twice in one thread */
	assert_non_null(r2);
}

int main(void)
{
	log_set_level(LOG_WARN); /* no migration chatter */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(store_migrate_is_idempotent, setup, teardown),
		cmocka_unit_test(store_open_refuses_a_path_it_cannot_create),
		cmocka_unit_test_setup_teardown(tx_with_write_but_no_event_is_refused_at_commit_and_leaves_nothing,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(tx_with_write_and_event_commits_both, setup, teardown),
		cmocka_unit_test_setup_teardown(write_outside_a_transaction_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(nested_begin_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(events_are_gapless_across_rollbacks, setup, teardown),
		cmocka_unit_test_setup_teardown(event_append_assigns_time_and_reads_back, setup, teardown),
		cmocka_unit_test_setup_teardown(events_table_refuses_update_and_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(unique_and_reference_violations_are_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(matter_update_sets_only_what_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(user_roles_and_login_state_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(session_touch_is_the_one_write_without_an_event, setup, teardown),
		cmocka_unit_test_setup_teardown(each_thread_gets_its_own_connection, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
