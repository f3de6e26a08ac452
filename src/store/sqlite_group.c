/*
 * sqlite_group.c - group commit: the server's write transactions share commits.
 *
 * SQLite has one writer at a time, and at synchronous=FULL every COMMIT waits for the disk. Rather than
 * each request's transaction paying for its own sync, the server keeps one shared writer connection
 * with a batch transaction open (BEGIN IMMEDIATE). A handle's store_tx_begin takes the group lock,
 * borrows the writer (db->c, db->h) and opens SAVEPOINT tx; its store_tx_commit releases the savepoint
 * and gives the writer back. The transaction that finds nobody else waiting for the lock (or fills the
 * batch) COMMITs it, on behalf of everyone in it, and wakes them; the others wait on a condition
 * variable until their batch's generation has finished, and then return that batch's result. So:
 *
 *   - one thread at a time runs a write transaction (as SQLite's write lock did before);
 *   - while one batch syncs, the next queues on the lock and then goes in as one batch;
 *   - nothing is reported committed before the COMMIT that contains it returned OK; when that COMMIT
 *     fails, or SQLite rolled the whole batch back after an I/O error (autocommit again), every
 *     transaction of the batch gets E_STORE;
 *   - a transaction that rolls back undoes only its savepoint.
 *
 * Reads never take the lock: they run on each thread's own connection and see committed batches.
 */
#include "store/sqlite_internal.h"

#include "core/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define RESULT_RING 4096 /* results of the last finished batches, by generation */

static struct {
	int on;
	pthread_mutex_t lock;
	pthread_cond_t finished_cv;
	sq_conn w;                         /* the shared writer */
	int open;                          /* a batch transaction is open on w */
	int n;                             /* transactions released into the open batch */
	int max_batch;                     /* commit when the batch holds this many */
	uint64_t gen;                      /* generation of the open (or next) batch */
	uint64_t finished;                 /* generations below this one have finished */
	atomic_int waiting;                /* threads waiting to take the lock */
	unsigned char result[RESULT_RING]; /* per generation: 0 committed, 1 failed */
	int64_t n_batches, n_tx, n_failed;
} g = { .lock = PTHREAD_MUTEX_INITIALIZER, .finished_cv = PTHREAD_COND_INITIALIZER };

int sq_group_on(void)
{
	return g.on;
}

int sq_group_waiting(void)
{
	return atomic_load(&g.waiting);
}

/* Finish the open batch with its outcome (0 committed, 1 failed) and wake its transactions. */
static void batch_finish(int failed)
{
	g.result[g.gen % RESULT_RING] = (unsigned char)failed;
	if (failed)
		g.n_failed++;
	else if (g.n) {
		g.n_batches++;
		g.n_tx += g.n;
	}
	g.open = 0;
	g.n = 0;
	g.gen++;
	g.finished = g.gen;
	pthread_cond_broadcast(&g.finished_cv);
}

static int w_exec(const char *sql)
{
	return sqlite3_exec(g.w.h, sql, NULL, NULL, NULL) == SQLITE_OK ? OK : E_STORE;
}

/* Commit the open batch (caller holds the lock). */
static void batch_commit(void)
{
	if (!g.open)
		return;
	if (g.n == 0) { /* only rollbacks in it: nothing to sync */
		w_exec("ROLLBACK");
		batch_finish(0);
		return;
	}
	if (sqlite3_get_autocommit(g.w.h) || w_exec("COMMIT") != OK) {
		log_event(LOG_ERROR, "group_commit_failed", "n=%d msg=\"%s\"", g.n, sqlite3_errmsg(g.w.h));
		if (!sqlite3_get_autocommit(g.w.h))
			w_exec("ROLLBACK");
		batch_finish(1);
		return;
	}
	batch_finish(0);
}

static void lend(store *db)
{
	db->c = &g.w;
	db->h = g.w.h;
	db->in_group = 1;
}

static void give_back(store *db)
{
	db->c = &db->own;
	db->h = db->own.h;
	db->in_group = 0;
}

/* The thread holding the group lock: a second transaction begun on it (on another handle) would wait
 * for itself. */
static _Thread_local int t_holding;

int sq_group_begin(store *db, err *e)
{
	if (t_holding)
		return err_set(e, E_INTERNAL, NULL, "a transaction is already open on this thread");
	atomic_fetch_add(&g.waiting, 1);
	pthread_mutex_lock(&g.lock);
	atomic_fetch_sub(&g.waiting, 1);
	int rc = OK;
	if (g.open && sqlite3_get_autocommit(g.w.h)) {
		/* SQLite rolled the batch back (an I/O error in an earlier statement): it has failed. */
		log_event(LOG_ERROR, "group_batch_lost", "n=%d", g.n);
		batch_finish(1);
	}
	if (!g.open) {
		if (w_exec("BEGIN IMMEDIATE") != OK) {
			lend(db);
			rc = sq_fail(db, e, "begin");
			give_back(db);
			goto done;
		}
		g.open = 1;
		g.n = 0;
	}
	lend(db);
	if ((rc = sq_exec_cached(db, "SAVEPOINT tx", e))) {
		give_back(db);
		goto done;
	}
	t_holding = 1;
	return OK; /* the lock stays with db until its commit or rollback */
done:
	if (g.open && atomic_load(&g.waiting) == 0)
		batch_commit();
	pthread_mutex_unlock(&g.lock);
	return rc;
}

/* After db's savepoint ended: commit the batch if nobody is queued behind (or it is full), then wait
 * for the batch holding my_gen when counted. Called with the lock held; returns with it released. */
static int leave(int counted, uint64_t my_gen, err *e)
{
	t_holding = 0;
	if (g.open && (atomic_load(&g.waiting) == 0 || g.n >= g.max_batch))
		batch_commit();
	int rc = OK;
	if (counted) {
		while (g.finished <= my_gen)
			pthread_cond_wait(&g.finished_cv, &g.lock);
		if (g.result[my_gen % RESULT_RING])
			rc = err_set(e, E_STORE, NULL, "commit: 数据库写入失败，本次操作未保存，请重试");
	}
	pthread_mutex_unlock(&g.lock);
	return rc;
}

int sq_group_commit(store *db, err *e)
{
	int rc = sq_exec_cached(db, "RELEASE tx", e);
	if (rc) {
		sqlite3_exec(db->h, "ROLLBACK TO tx; RELEASE tx", NULL, NULL, NULL);
		give_back(db);
		leave(0, 0, NULL);
		return rc;
	}
	give_back(db);
	g.n++;
	return leave(1, g.gen, e);
}

void sq_group_rollback(store *db)
{
	sqlite3_exec(db->h, "ROLLBACK TO tx; RELEASE tx", NULL, NULL, NULL);
	give_back(db);
	leave(0, 0, NULL);
}

int store_group_start(const char *path, int max_batch, err *e)
{
	pthread_mutex_lock(&g.lock);
	int rc = OK;
	if (g.on) {
		rc = err_set(e, E_INTERNAL, NULL, "group commit already started");
		goto done;
	}
	if ((rc = sq_conn_open(path, &g.w, e)))
		goto done;
	g.max_batch = max_batch > 0 ? max_batch : 1;
	g.open = g.n = 0;
	g.n_batches = g.n_tx = g.n_failed = 0;
	g.on = 1;
done:
	pthread_mutex_unlock(&g.lock);
	return rc;
}

void store_group_stop(void)
{
	pthread_mutex_lock(&g.lock);
	if (g.on) {
		batch_commit();
		sq_conn_close(&g.w);
		g.on = 0;
	}
	pthread_mutex_unlock(&g.lock);
}

void store_group_stats(int64_t *out_batches, int64_t *out_tx, int64_t *out_failed)
{
	pthread_mutex_lock(&g.lock);
	*out_batches = g.n_batches;
	*out_tx = g.n_tx;
	*out_failed = g.n_failed;
	pthread_mutex_unlock(&g.lock);
}
