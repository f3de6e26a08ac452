/*
 * test_group.c - group commit (src/store/sqlite_group.c): concurrent write transactions share one
 * COMMIT, each still all-or-nothing with its event; a rollback undoes only its own savepoint; a batch
 * whose COMMIT fails fails every transaction in it and leaves nothing; the writer is never lent twice
 * to one thread. Batches are orchestrated: a transaction holds the group lock while the test waits
 * until the others are queued behind it.
 */
#include "testutil.h"

#include "core/log.h"
#include "store/sqlite_internal.h"
#include "store/store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>

typedef struct fixture {
	char dir[64];
	char path[128];
	store *db;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	test_tmpdir(f->dir, sizeof f->dir);
	snprintf(f->path, sizeof f->path, "%s/casebridge.db", f->dir);
	err e = { 0 };
	if (store_open(f->path, &f->db, &e) || store_migrate(f->db, NULL, &e))
		fail_msg("open/migrate: %s", e.message);
	/* a deferred foreign key: checked only at the outermost COMMIT, so one transaction can make a
	 * whole batch's COMMIT fail */
	if (sqlite3_exec(f->db->h,
	                 "CREATE TABLE gc_parent(id INTEGER PRIMARY KEY);"
	                 "CREATE TABLE gc_child(p INTEGER REFERENCES gc_parent(id) DEFERRABLE INITIALLY DEFERRED);",
	                 NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("schema: %s", sqlite3_errmsg(f->db->h));
	if (store_group_start(f->path, 64, 0, &e))
		fail_msg("group start: %s", e.message);
	*state = f;
	return 0;
}

/* The same at synchronous=full: the syncer thread makes batches durable and wakes their transactions. */
/* A checkpoint threshold of a few hundred frames instead of 32,000. */
static int setup_small_wal(void **state)
{
	sq_group_checkpoint_pages = 200;
	return setup(state);
}

static int setup_full(void **state)
{
	err e = { 0 };
	if (store_set_synchronous("full", &e))
		fail_msg("synchronous: %s", e.message);
	return setup(state);
}

static int teardown(void **state)
{
	fixture *f = *state;
	err e = { 0 };
	store_set_synchronous("normal", &e);
	store_group_stop();
	sq_group_checkpoint_pages = 32000;
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

static int meta_exists(store *db, const char *key)
{
	arena *a = arena_new();
	char *v = NULL;
	err e = { 0 };
	int rc = store_meta_get(db, key, a, &v, &e);
	arena_free(a);
	if (rc && rc != E_NOTFOUND)
		fail_msg("meta get: %s", e.message);
	return rc == OK;
}

/* One transaction: a meta row with its event; what = 'c' commits, 'r' rolls back, 'f' also writes a
 * dangling deferred reference (the batch's COMMIT will fail). */
typedef struct member {
	const char *path;
	char key[32];
	char what;
	atomic_int began;   /* set once the transaction holds the group lock */
	atomic_int proceed; /* the test lets it finish */
	int rc;
} member;

static void sleep_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };
	nanosleep(&ts, NULL);
}

static void *run_member(void *arg)
{
	member *m = arg;
	store *db = NULL;
	err e = { 0 };
	if (store_open(m->path, &db, &e)) {
		m->rc = e.code;
		return NULL;
	}
	int rc = store_tx_begin(db, &e);
	atomic_store(&m->began, 1);
	while (rc == OK && !atomic_load(&m->proceed))
		sleep_ms(1);
	store_event ev = { .entity_type = "meta", .entity_id = m->key, .event_type = "test.written", .payload = "{}" };
	if (rc == OK)
		rc = store_meta_set(db, m->key, "v", &e);
	if (rc == OK)
		rc = store_event_append(db, &ev, NULL, &e);
	if (rc == OK && m->what == 'f' &&
	    sqlite3_exec(db->h, "INSERT INTO gc_child VALUES (42)", NULL, NULL, NULL) != SQLITE_OK)
		rc = E_STORE;
	if (rc == OK && m->what == 'r')
		store_tx_rollback(db);
	else if (rc == OK)
		rc = store_tx_commit(db, &e);
	m->rc = rc;
	store_close(db);
	return NULL;
}

/* Run members as one batch: the first takes the lock, the rest queue behind it, then all proceed. */
static void run_batch(const char *path, member *ms, int n)
{
	pthread_t t[8];
	assert_true(n <= 8);
	for (int i = 0; i < n; i++) {
		ms[i].path = path;
		atomic_store(&ms[i].began, 0);
		atomic_store(&ms[i].proceed, i > 0); /* the first waits to be let go */
		pthread_create(&t[i], NULL, run_member, &ms[i]);
		if (i == 0)
			while (!atomic_load(&ms[0].began))
				sleep_ms(1);
	}
	for (int w = 0; w < 5000 && sq_group_waiting() < n - 1; w++)
		sleep_ms(1);
	assert_int_equal(sq_group_waiting(), n - 1);
	atomic_store(&ms[0].proceed, 1);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

static void queued_transactions_share_one_commit(void **state)
{
	fixture *f = *state;
	int64_t b0, t0, f0, b1, t1, f1;
	store_group_counters c0;
	store_group_stats(&c0);
	b0 = c0.batches, t0 = c0.transactions, f0 = c0.failed;
	int64_t ev0 = event_count(f->db);
	member ms[4] = { { .key = "k1", .what = 'c' },
		         { .key = "k2", .what = 'c' },
		         { .key = "k3", .what = 'r' },
		         { .key = "k4", .what = 'c' } };
	run_batch(f->path, ms, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(ms[i].rc, OK);
	store_group_counters c1;
	store_group_stats(&c1);
	b1 = c1.batches, t1 = c1.transactions, f1 = c1.failed;
	assert_int_equal(b1 - b0, 1); /* three transactions, one COMMIT */
	assert_int_equal(t1 - t0, 3);
	assert_int_equal(f1 - f0, 0);
	assert_true(meta_exists(f->db, "k1") && meta_exists(f->db, "k2") && meta_exists(f->db, "k4"));
	assert_false(meta_exists(f->db, "k3")); /* its rollback undid only its savepoint */
	assert_int_equal(event_count(f->db) - ev0, 3);
}

static void a_failed_commit_fails_every_transaction_of_its_batch(void **state)
{
	fixture *f = *state;
	int64_t ev0 = event_count(f->db), b0, t0, f0, b1, t1, f1;
	store_group_counters c0;
	store_group_stats(&c0);
	b0 = c0.batches, t0 = c0.transactions, f0 = c0.failed;
	log_set_level(LOG_OFF); /* the failed commit is logged as an error, as it should be */
	member ms[3] = { { .key = "a1", .what = 'c' }, { .key = "a2", .what = 'f' }, { .key = "a3", .what = 'c' } };
	run_batch(f->path, ms, 3);
	log_set_level(LOG_INFO);
	for (int i = 0; i < 3; i++)
		assert_int_equal(ms[i].rc, E_STORE); /* nobody is told it committed */
	store_group_counters c1;
	store_group_stats(&c1);
	b1 = c1.batches, t1 = c1.transactions, f1 = c1.failed;
	assert_int_equal(f1 - f0, 1);
	assert_int_equal(t1 - t0, 0);
	assert_int_equal(b1 - b0, 0); /* a failed batch is not counted as committed */
	assert_false(meta_exists(f->db, "a1") || meta_exists(f->db, "a2") || meta_exists(f->db, "a3"));
	assert_int_equal(event_count(f->db), ev0);
	/* and the next batch works */
	member ok[2] = { { .key = "b1", .what = 'c' }, { .key = "b2", .what = 'c' } };
	run_batch(f->path, ok, 2);
	assert_int_equal(ok[0].rc, OK);
	assert_int_equal(ok[1].rc, OK);
	assert_true(meta_exists(f->db, "b1") && meta_exists(f->db, "b2"));
	assert_int_equal(event_count(f->db), ev0 + 2);
}

static void a_second_transaction_on_the_same_thread_is_refused_not_deadlocked(void **state)
{
	fixture *f = *state;
	store *other = NULL;
	err e = { 0 };
	assert_int_equal(store_open(f->path, &other, &e), OK);
	assert_int_equal(store_tx_begin(f->db, &e), OK);
	assert_int_equal(store_tx_begin(other, &e), E_INTERNAL);
	store_tx_rollback(f->db);
	assert_int_equal(store_tx_begin(other, &e), OK); /* the lock was given back */
	store_tx_rollback(other);
	store_close(other);
}

/* A session's idle clock is touched through the writer: it queues behind an open transaction and
 * commits right after it, instead of waiting (up to the 5 s busy timeout, then failing) for SQLite's
 * write lock, which the group writer holds while a batch is open. */
typedef struct toucher {
	const char *path;
	int rc;
} toucher;

static void *run_touch(void *arg)
{
	toucher *t = arg;
	store *db = NULL;
	err e = { 0 };
	t->rc = store_open(t->path, &db, &e);
	if (t->rc == OK)
		t->rc = store_session_touch(db, "ab12", 150, &e);
	store_close(db);
	return NULL;
}

static void a_session_touch_waits_for_the_writer_not_for_sqlites_lock(void **state)
{
	fixture *f = *state;
	if (sqlite3_exec(f->db->h,
	                 "PRAGMA foreign_keys=OFF;"
	                 "INSERT INTO sessions(token_hash,user_id,created_at,last_seen_at,expires_at) "
	                 "VALUES('ab12',1,100,100,999999);"
	                 "PRAGMA foreign_keys=ON;",
	                 NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("session: %s", sqlite3_errmsg(f->db->h));
	member holder = { .path = f->path, .key = "t1", .what = 'c' };
	pthread_t th, tt;
	pthread_create(&th, NULL, run_member, &holder);
	while (!atomic_load(&holder.began))
		sleep_ms(1);
	toucher t = { .path = f->path, .rc = -1 };
	pthread_create(&tt, NULL, run_touch, &t);
	int w = 0;
	for (; w < 2000 && sq_group_waiting() < 1; w++)
		sleep_ms(1);
	int queued = sq_group_waiting();
	atomic_store(&holder.proceed, 1);
	pthread_join(th, NULL);
	pthread_join(tt, NULL);
	assert_int_equal(queued, 1); /* it waited for the writer, in the queue */
	assert_int_equal(holder.rc, OK);
	assert_int_equal(t.rc, OK);
	arena *a = arena_new();
	store_session got;
	err e = { 0 };
	assert_int_equal(store_session_get(f->db, "ab12", a, &got, &e), OK);
	assert_int_equal(got.last_seen_at, 150);
	arena_free(a);
	assert_true(meta_exists(f->db, "t1"));
}

/* Many threads, many transactions, some rolled back: every committed one is there once with its
 * event, none of the rolled back ones, and the commits were shared. */
typedef struct worker {
	const char *path;
	int id, n, committed;
	char failure[200]; /* cmocka's asserts belong to the main thread */
} worker;

static void *run_worker(void *arg)
{
	worker *w = arg;
	store *db = NULL;
	err e = { 0 };
	if (store_open(w->path, &db, &e))
		return NULL;
	for (int i = 0; i < w->n; i++) {
		char key[32];
		snprintf(key, sizeof key, "w%d.%d", w->id, i);
		store_event ev = {
			.entity_type = "meta", .entity_id = key, .event_type = "test.written", .payload = "{}"
		};
		if (store_tx_begin(db, &e) || store_meta_set(db, key, "v", &e) ||
		    store_event_append(db, &ev, NULL, &e)) {
			snprintf(w->failure, sizeof w->failure, "write %s: %s", key, e.message);
			break;
		}
		if (i % 7 == 3) {
			store_tx_rollback(db);
			continue;
		}
		if (store_tx_commit(db, &e)) {
			snprintf(w->failure, sizeof w->failure, "commit %s: %s", key, e.message);
			break;
		}
		w->committed++;
	}
	store_close(db);
	return NULL;
}

static void concurrent_writers_commit_each_transaction_exactly_once(void **state)
{
	fixture *f = *state;
	int64_t ev0 = event_count(f->db), b0, t0, f0, b1, t1, f1;
	store_group_counters c0;
	store_group_stats(&c0);
	b0 = c0.batches, t0 = c0.transactions, f0 = c0.failed;
	enum { N_THREADS = 8, N_TX = 150 };
	pthread_t t[N_THREADS];
	worker w[N_THREADS];
	for (int i = 0; i < N_THREADS; i++) {
		w[i] = (worker){ f->path, i, N_TX, 0, "" };
		pthread_create(&t[i], NULL, run_worker, &w[i]);
	}
	int committed = 0;
	for (int i = 0; i < N_THREADS; i++) {
		pthread_join(t[i], NULL);
		if (w[i].failure[0])
			fail_msg("%s", w[i].failure);
		committed += w[i].committed;
	}
	assert_int_equal(committed, N_THREADS * (N_TX - N_TX / 7 - (N_TX % 7 > 3)));
	store_group_counters c1;
	store_group_stats(&c1);
	b1 = c1.batches, t1 = c1.transactions, f1 = c1.failed;
	assert_int_equal(t1 - t0, committed);
	assert_int_equal(f1 - f0, 0);
	assert_true(b1 - b0 <= committed);
	assert_true(c1.syncs - c0.syncs <= b1 - b0);   /* a sync covers one batch or more (none at normal) */
	assert_true(c1.frames - c0.frames >= b1 - b0); /* every COMMIT appended frames */
	assert_int_equal(event_count(f->db) - ev0, committed);
	for (int i = 0; i < N_THREADS; i++)
		for (int k = 0; k < N_TX; k++) {
			char key[32];
			snprintf(key, sizeof key, "w%d.%d", i, k);
			assert_int_equal(meta_exists(f->db, key), k % 7 != 3);
		}
}

/* Steady writes with readers alongside: the WAL is copied back and restarted again and again, so its
 * file stays near the checkpoint threshold instead of growing with everything written (a passive
 * checkpoint alone never caught up with a writer that does not pause). */
typedef struct reader {
	const char *path;
	atomic_int *stop;
	int reads;
} reader;

static void *run_reader(void *arg)
{
	reader *r = arg;
	store *db = NULL;
	err e = { 0 };
	if (store_open(r->path, &db, &e))
		return NULL;
	while (!atomic_load(r->stop)) {
		int64_t n;
		if (store_read_begin(db, &e) == OK && store_event_count(db, &n, &e) == OK)
			r->reads++;
		store_read_end(db);
	}
	store_close(db);
	return NULL;
}

static void *run_big_writer(void *arg)
{
	worker *w = arg;
	store *db = NULL;
	err e = { 0 };
	char value[4001];
	memset(value, 'x', sizeof value - 1);
	value[sizeof value - 1] = 0;
	if (store_open(w->path, &db, &e))
		return NULL;
	for (int i = 0; i < w->n; i++) {
		char key[32];
		snprintf(key, sizeof key, "big%d.%d", w->id, i);
		store_event ev = {
			.entity_type = "meta", .entity_id = key, .event_type = "test.written", .payload = "{}"
		};
		/* a value of a page or more: every transaction writes pages of its own */
		if (store_tx_begin(db, &e) || store_meta_set(db, key, value, &e) ||
		    store_event_append(db, &ev, NULL, &e) || store_tx_commit(db, &e)) {
			snprintf(w->failure, sizeof w->failure, "write %s: %s", key, e.message);
			break;
		}
		w->committed++;
	}
	store_close(db);
	return NULL;
}

static void the_wal_restarts_under_steady_writes(void **state)
{
	fixture *f = *state;
	enum { N_WRITERS = 4, N_TX = 500, N_READERS = 2 };
	pthread_t tw[N_WRITERS], tr[N_READERS];
	worker w[N_WRITERS];
	reader r[N_READERS];
	atomic_int stop = 0;
	for (int i = 0; i < N_READERS; i++) {
		r[i] = (reader){ f->path, &stop, 0 };
		pthread_create(&tr[i], NULL, run_reader, &r[i]);
	}
	for (int i = 0; i < N_WRITERS; i++) {
		w[i] = (worker){ f->path, i, N_TX, 0, "" };
		pthread_create(&tw[i], NULL, run_big_writer, &w[i]);
	}
	for (int i = 0; i < N_WRITERS; i++) {
		pthread_join(tw[i], NULL);
		if (w[i].failure[0])
			fail_msg("%s", w[i].failure);
		assert_int_equal(w[i].committed, N_TX);
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < N_READERS; i++) {
		pthread_join(tr[i], NULL);
		assert_true(r[i].reads > 0);
	}
	store_group_counters c;
	store_group_stats(&c);
	char wal[160];
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	struct stat st;
	assert_int_equal(stat(wal, &st), 0);
	int64_t wal_frames = (int64_t)st.st_size / (4096 + 24);
	assert_true(c.frames >= 2 * N_WRITERS * N_TX); /* the values alone are two pages each */
	/* The file's size is the most the WAL ever held: a part of what was written, not all of it (a WAL
	 * that never restarts holds every frame). How many thresholds it reaches depends on how fast the
	 * disk syncs the checkpoints' copies: a bound of ten thresholds failed once on a clean checkout
	 * while the disk was writing back gigabytes of another job, so the bound is the share. */
	if (wal_frames >= c.frames / 4)
		fail_msg("the WAL held %lld of the %lld frames written (threshold %d, %lld checkpoints)",
		         (long long)wal_frames, (long long)c.frames, sq_group_checkpoint_pages,
		         (long long)c.checkpoints);
	assert_true(c.checkpoints >= 2);
}

int main(void)
{
	log_set_level(LOG_WARN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(queued_transactions_share_one_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(a_failed_commit_fails_every_transaction_of_its_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(a_second_transaction_on_the_same_thread_is_refused_not_deadlocked,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_writers_commit_each_transaction_exactly_once, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(the_wal_restarts_under_steady_writes, setup_small_wal, teardown),
		cmocka_unit_test_setup_teardown(a_session_touch_waits_for_the_writer_not_for_sqlites_lock, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_session_touch_waits_for_the_writer_not_for_sqlites_lock, setup_full,
		                                teardown),
		cmocka_unit_test_setup_teardown(queued_transactions_share_one_commit, setup_full, teardown),
		cmocka_unit_test_setup_teardown(a_failed_commit_fails_every_transaction_of_its_batch, setup_full,
		                                teardown),
		cmocka_unit_test_setup_teardown(concurrent_writers_commit_each_transaction_exactly_once, setup_full,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
