/*
 * test_tlog.c - the verifiable log over the store: appends keep the tree, verification passes on an
 * honest log, and every kind of tampering done directly in the database (editing, deleting or
 * inserting an event, a Merkle node or a signed head) or in an export is detected and named.
 */
#include "testutil.h"

#include "core/log.h"
#include "domain/audit.h"
#include "domain/tlog.h"
#include "store/store.h"

#include <sqlite3.h>

typedef struct fixture {
	char dir[64];
	char db_path[128];
	store *db;
} fixture;

static void build(fixture *f, const char *hash_alg, const char *sign_alg, int n_events)
{
	err e = { 0 };
	test_tmpdir(f->dir, sizeof f->dir);
	snprintf(f->db_path, sizeof f->db_path, "%s/casebridge.db", f->dir);
	assert_int_equal(store_open(f->db_path, &f->db, &e), OK);
	assert_int_equal(store_migrate(f->db, NULL, &e), OK);
	assert_int_equal(tlog_setup(f->dir, hash_alg, sign_alg, &e), OK);
	for (int i = 1; i <= n_events; i++) {
		char key[16], val[16];
		snprintf(key, sizeof key, "k%d", i);
		snprintf(val, sizeof val, "v%d", i);
		json_t *p = json_pack("{s:s}", "value", val);
		assert_int_equal(store_tx_begin(f->db, &e), OK);
		assert_int_equal(store_meta_set(f->db, i == 1 ? "hash_alg" : key, i == 1 ? hash_alg : val, &e), OK);
		assert_int_equal(audit_record(f->db, principal_system(), "test", key, "test.set", p, NULL, &e), OK);
		assert_int_equal(store_tx_commit(f->db, &e), OK);
		json_decref(p);
		if (i == n_events / 2 || i == n_events) {
			arena *a = arena_new();
			store_tlog_head h;
			assert_int_equal(tlog_sign_head(f->db, 0, a, &h, &e), OK);
			assert_int_equal(h.tree_size, i);
			arena_free(a);
		}
	}
}

static void destroy(fixture *f)
{
	store_close(f->db);
	tlog_free();
	test_rmdir(f->dir);
}

/* Run raw SQL on the database file behind the store's back, as an attacker with file access would. */
static void tamper(fixture *f, const char *sql)
{
	sqlite3 *h;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(f->db_path, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("tamper SQL failed: %s", msg);
	sqlite3_close(h);
}

static void expect_detected(fixture *f, const char *needle)
{
	err e = { 0 };
	FILE *devnull = fopen("/dev/null", "w");
	int rc = tlog_verify_store(f->db, f->dir, devnull, &e);
	fclose(devnull);
	if (rc != E_INTEGRITY)
		fail_msg("tampering not detected (rc=%d, %s)", rc, e.message);
	if (needle && !strstr(e.message, needle))
		fail_msg("report '%s' does not name '%s'", e.message, needle);
}

static void tlog_honest_log_verifies(void **state)
{
	(void)state;
	fixture f;
	err e = { 0 };
	build(&f, "sha256", "ed25519", 40);
	assert_int_equal(tlog_verify_store(f.db, f.dir, NULL, &e), OK);
	int64_t nodes;
	assert_int_equal(store_tlog_node_count(f.db, &nodes, &e), OK);
	assert_int_equal(nodes, 2 * 40 - 2); /* 2n - popcount(n) complete subtrees; popcount(40) = 2 */
	destroy(&f);
}

static void tlog_sm3_and_sm2_log_verifies(void **state)
{
	(void)state;
	fixture f;
	err e = { 0 };
	build(&f, "sm3", "sm2", 17);
	assert_int_equal(tlog_hash_alg(), 2);
	assert_int_equal(tlog_verify_store(f.db, f.dir, NULL, &e), OK);
	destroy(&f);
}

static void tlog_edited_event_is_named(void **state)
{
	(void)state;
	fixture f;
	build(&f, "sha256", "ed25519", 30);
	tamper(&f, "DROP TRIGGER events_no_update; UPDATE events SET payload='{\"value\":\"forged\"}' WHERE seq=7;");
	expect_detected(&f, "entry 7 ");
	destroy(&f);
}

static void tlog_edited_time_is_named(void **state)
{
	(void)state;
	fixture f;
	build(&f, "sha256", "ed25519", 12);
	tamper(&f, "DROP TRIGGER events_no_update; UPDATE events SET at='2020-01-01T00:00:00.000Z' WHERE seq=3;");
	expect_detected(&f, "entry 3 ");
	destroy(&f);
}

static void tlog_deleted_event_is_detected(void **state)
{
	(void)state;
	fixture f;
	build(&f, "sha256", "ed25519", 30);
	tamper(&f, "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq=11;");
	expect_detected(&f, "entry 11 is missing");
	destroy(&f);
}

static void tlog_deleted_last_event_is_detected(void **state)
{
	(void)state;
	fixture f;
	build(&f, "sha256", "ed25519", 30);
	tamper(&f, "DROP TRIGGER events_no_delete; DELETE FROM events WHERE seq=30;");
	expect_detected(&f, NULL);
	destroy(&f);
}

static void tlog_inserted_event_is_detected(void **state)
{
	(void)state;
	fixture f;
	build(&f, "sha256", "ed25519", 30);
	/* a forged 31st event with a plausible leaf hash but no tree behind it */
	tamper(&f, "INSERT INTO events(seq,at,entity_type,entity_id,event_type,payload,leaf_hash) "
	           "SELECT 31, at, entity_type, entity_id, event_type, payload, leaf_hash FROM events WHERE seq=30;");
	expect_detected(&f, NULL);
	destroy(&f);
}

static void tlog_edited_node_is_detected(void **state)
{
	(void)state;
	fixture f;
	build(&f, "sha256", "ed25519", 30);
	tamper(&f,
	       "DROP TRIGGER tlog_nodes_no_update; UPDATE tlog_nodes SET hash=zeroblob(32) WHERE level=2 AND idx=1;");
	expect_detected(&f, "level 2, index 1");
	destroy(&f);
}

static void tlog_inserted_node_is_detected(void **state)
{
	(void)state;
	fixture f;
	build(&f, "sha256", "ed25519", 30);
	tamper(&f, "INSERT INTO tlog_nodes(level,idx,hash) VALUES(0,999,zeroblob(32));");
	expect_detected(&f, "inserted");
	destroy(&f);
}

static void tlog_edited_head_root_is_detected(void **state)
{
	(void)state;
	fixture f;
	build(&f, "sha256", "ed25519", 30);
	tamper(&f, "DROP TRIGGER tlog_heads_no_update; UPDATE tlog_heads SET root=zeroblob(32) WHERE tree_size=15;");
	expect_detected(&f, "size 15");
	destroy(&f);
}

static void tlog_forged_head_signature_is_detected(void **state)
{
	(void)state;
	fixture f;
	build(&f, "sha256", "ed25519", 30);
	/* flip one bit of the signature of the size-30 head */
	tamper(&f, "DROP TRIGGER tlog_heads_no_update; UPDATE tlog_heads SET signature="
	           "substr(signature,1,10) || x'ff' || substr(signature,12) WHERE tree_size=30;");
	expect_detected(&f, "signature");
	destroy(&f);
}

static void tlog_export_verifies_offline_and_detects_edits(void **state)
{
	(void)state;
	fixture f;
	err e = { 0 };
	char out[128], cmd[512];
	build(&f, "sha256", "ed25519", 25);
	snprintf(out, sizeof out, "%s/export", f.dir);
	assert_int_equal(tlog_export(f.db, out, NULL, &e), OK);
	store_close(f.db);
	f.db = NULL;
	tlog_free();
	/* no database, no server: only the files */
	assert_int_equal(tlog_verify_export(out, NULL, &e), OK);
	snprintf(cmd, sizeof cmd, "sed -i '5s/v5/v6/' %s/events.jsonl", out);
	assert_int_equal(system(cmd), 0);
	err e2 = { 0 };
	assert_int_equal(tlog_verify_export(out, NULL, &e2), E_INTEGRITY);
	assert_non_null(strstr(e2.message, "entry 5 "));
	assert_int_equal(store_open(f.db_path, &f.db, &e), OK);
	destroy(&f);
}

static void tlog_head_timestamps_strictly_increase(void **state)
{
	(void)state;
	fixture f;
	err e = { 0 };
	build(&f, "sha256", "ed25519", 4);
	arena *a = arena_new();
	store_tlog_head prev, h;
	assert_int_equal(store_tlog_head_latest(f.db, a, &prev, &e), OK);
	for (int i = 0; i < 5; i++) {
		json_t *p = json_object();
		assert_int_equal(store_tx_begin(f.db, &e), OK);
		assert_int_equal(store_meta_set(f.db, "x", "y", &e), OK);
		assert_int_equal(audit_record(f.db, principal_system(), "test", "x", "test.set", p, NULL, &e), OK);
		assert_int_equal(store_tx_commit(f.db, &e), OK);
		json_decref(p);
		assert_int_equal(tlog_sign_head(f.db, 0, a, &h, &e), OK);
		assert_true(h.timestamp_ms > prev.timestamp_ms);
		assert_int_equal(h.tree_size, prev.tree_size + 1);
		prev = h;
	}
	/* no growth: no new head */
	assert_int_equal(tlog_sign_head(f.db, 0, a, &h, &e), OK);
	assert_int_equal(h.tree_size, prev.tree_size);
	assert_int_equal(h.timestamp_ms, prev.timestamp_ms);
	arena_free(a);
	destroy(&f);
}

int main(void)
{
	log_set_level(LOG_WARN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tlog_honest_log_verifies),
		cmocka_unit_test(tlog_sm3_and_sm2_log_verifies),
		cmocka_unit_test(tlog_edited_event_is_named),
		cmocka_unit_test(tlog_edited_time_is_named),
		cmocka_unit_test(tlog_deleted_event_is_detected),
		cmocka_unit_test(tlog_deleted_last_event_is_detected),
		cmocka_unit_test(tlog_inserted_event_is_detected),
		cmocka_unit_test(tlog_edited_node_is_detected),
		cmocka_unit_test(tlog_inserted_node_is_detected),
		cmocka_unit_test(tlog_edited_head_root_is_detected),
		cmocka_unit_test(tlog_forged_head_signature_is_detected),
		cmocka_unit_test(tlog_export_verifies_offline_and_detects_edits),
		cmocka_unit_test(tlog_head_timestamps_strictly_increase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
