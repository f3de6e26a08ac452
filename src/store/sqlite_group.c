/*
 * sqlite_group.c - group commit: the server's write transactions share commits and disk syncs.
 *
 * SQLite has one writer at a time, and a durable COMMIT waits for the disk. Rather than each request's
 * transaction paying for its own sync, the server keeps one shared writer connection with a batch
 * transaction open (BEGIN IMMEDIATE). A handle's store_tx_begin takes the writer lock, borrows the
 * writer (db->c, db->h) and opens SAVEPOINT tx; its store_tx_commit releases the savepoint and gives
 * the writer back. The transaction that finds nobody else waiting for the lock (or fills the batch)
 * COMMITs the batch on behalf of everyone in it; the others wait until their batch is durable and then
 * return its result.
 *
 * Durability (synchronous=full): the writer itself runs at synchronous=NORMAL, so COMMIT only appends
 * the batch's frames to the WAL, and the syncer thread then syncs the WAL file (fdatasync) outside
 * the writer lock: the next batch is built while this one goes to disk. A sync covers every frame
 * written before it began, so "durable up to batch N" is a watermark; a transaction returns OK only
 * once the watermark has passed its batch. (A reader may see a batch in the moment between its COMMIT
 * and its sync; anything written on the strength of that is in a later batch, whose sync covers both.)
 * A failed sync means the kernel may have dropped the frames: the process stops (like PostgreSQL's
 * data_sync_retry=off), it cannot tell anyone the truth otherwise. Checkpoints run on a background
 * thread instead of inside a batch's COMMIT (see checkpointer()).
 *
 *   - one thread at a time runs a write transaction (as SQLite's write lock did before);
 *   - nothing is reported committed before its batch's COMMIT returned OK and was synced; when the
 *     COMMIT fails, or SQLite rolled the whole batch back after an I/O error, every transaction of the
 *     batch gets E_STORE;
 *   - a transaction that rolls back undoes only its savepoint.
 *
 * Reads never take the lock: they run on each thread's own connection.
 *
 * Two mutexes: the writer lock (wlock) is held for a whole transaction, from store_tx_begin to its
 * commit or rollback; the state lock (slock) guards the watermarks and outcomes and is held only for
 * a few instructions. A transaction waiting for its batch to become durable waits on slock, so when
 * the sync ends it returns at once instead of queueing behind the transaction that holds the writer;
 * and it waits on the condition variable of its own batch, so a sync wakes the transactions it made
 * durable and nobody else. Lock order: wlock before slock.
 */
#include "store/sqlite_internal.h"

#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define RESULT_RING 4096       /* outcomes of the latest batches, by generation */
#define WAIT_CVS 64            /* condition variables a waiting transaction picks by its generation */
#define CHECKPOINT_PAGES 32000 /* WAL frames (128 MB) after which the checkpointer is woken */
#define CHECKPOINT_LEFT 1000   /* frames a background pass may leave for the pass under the lock */

enum { BATCH_OPEN = 0, BATCH_COMMITTED, BATCH_FAILED };

static struct {
	int on;
	/* under wlock: the writer and the open batch */
	pthread_mutex_t wlock;
	sq_conn w;          /* the shared writer */
	int open;           /* a batch transaction is open on w */
	int n;              /* transactions released into the open batch */
	int max_batch;      /* commit when the batch holds this many */
	uint64_t gen;       /* generation of the open (or next) batch */
	atomic_int waiting; /* threads waiting to take wlock */
	atomic_int syncing; /* the syncer is in a sync (set under slock) */
	int wal_frames;     /* frames in the WAL after the last COMMIT (on_wal) */
	/* under slock: what waiting transactions, the syncer and the checkpointer look at */
	pthread_mutex_t slock;
	pthread_cond_t durable_cv[WAIT_CVS]; /* a transaction of batch g waits on [g % WAIT_CVS] */
	uint64_t durable;                    /* batches below this generation are committed and on disk (or failed) */
	struct {
		uint64_t gen;
		unsigned char state;
	} result[RESULT_RING];
	/* the WAL sync done outside the lock (synchronous=full) */
	int sync_wal;
	char wal_path[700];
	int wal_fd;
	uint64_t committed; /* batches below this generation are committed (their frames are in the WAL) */
	pthread_t sync_thread;
	pthread_cond_t sync_cv;
	int sync_stop;
	/* the background checkpointer */
	char db_path[700];
	pthread_t ckpt_thread;
	int ckpt_running, ckpt_wanted, ckpt_stop;
	pthread_cond_t ckpt_cv;
	/* counters: syncs under slock, the others under wlock */
	int64_t n_batches, n_tx, n_failed, n_syncs, n_frames, n_ckpt;
	int64_t t_locked_ns; /* when wlock was last taken */
	int64_t held_ns;     /* time transactions held the writer, commits included */
	int64_t commit_ns;   /* time in COMMIT (under wlock) */
	int64_t sync_ns;     /* time in the WAL sync (outside it) */
	int64_t ckpt_ns;     /* time the checkpointer held the writer lock */
} g = { .wlock = PTHREAD_MUTEX_INITIALIZER,
	.slock = PTHREAD_MUTEX_INITIALIZER,
	.ckpt_cv = PTHREAD_COND_INITIALIZER,
	.sync_cv = PTHREAD_COND_INITIALIZER,
	.wal_fd = -1 };

static pthread_once_t cv_once = PTHREAD_ONCE_INIT;
static void cv_init(void)
{
	for (int i = 0; i < WAIT_CVS; i++)
		pthread_cond_init(&g.durable_cv[i], NULL);
}

/* Wake the transactions of batches [from, to) (slock held). */
static void wake(uint64_t from, uint64_t to)
{
	if (to - from > WAIT_CVS)
		from = to - WAIT_CVS;
	for (uint64_t k = from; k < to; k++)
		pthread_cond_broadcast(&g.durable_cv[k % WAIT_CVS]);
}

int sq_group_checkpoint_pages = CHECKPOINT_PAGES;

int sq_group_on(void)
{
	return g.on;
}

int sq_group_waiting(void)
{
	return atomic_load(&g.waiting);
}

static int w_exec(const char *sql)
{
	return sqlite3_exec(g.w.h, sql, NULL, NULL, NULL) == SQLITE_OK ? OK : E_STORE;
}

static void batch_commit(void);

/* The syncer: one WAL sync in flight at a time, each covering every batch committed before it began.
 * While a sync runs the open batch is not committed (leave()): the transactions that arrive meanwhile
 * could not be synced before the next sync anyway, and one COMMIT for all of them writes the pages
 * they share (the tails of the tables and indexes, the serials, the Merkle nodes) once instead of
 * once per COMMIT. When the sync is done the syncer commits that batch itself, unless a batch was
 * committed meanwhile (full) and is to be synced first. A failure stops the process (see the top). */
static void *syncer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&g.slock);
	for (;;) {
		while (g.committed <= g.durable && !g.sync_stop)
			pthread_cond_wait(&g.sync_cv, &g.slock);
		if (g.committed <= g.durable && g.sync_stop)
			break;
		uint64_t target = g.committed;
		atomic_store(&g.syncing, 1);
		pthread_mutex_unlock(&g.slock);
		int64_t t0 = now_ns();
		if (g.wal_fd < 0) {
			/* opened on first use: the WAL exists once the writer has written; it is never deleted while
			 * the writer stays open, and a checkpoint rewrites it in place */
			g.wal_fd = open(g.wal_path, O_RDONLY | O_CLOEXEC);
			if (g.wal_fd < 0) {
				log_event(LOG_ERROR, "wal_sync_failed", "step=open errno=%d", errno);
				abort();
			}
		}
		if (fdatasync(g.wal_fd) != 0) {
			log_event(LOG_ERROR, "wal_sync_failed", "step=fdatasync errno=%d", errno);
			abort();
		}
		int64_t dt = now_ns() - t0;
		pthread_mutex_lock(&g.slock);
		g.sync_ns += dt;
		g.n_syncs++;
		if (g.durable < target) {
			wake(g.durable, target);
			g.durable = target;
		}
		if (g.committed > g.durable)
			continue; /* still syncing */
		atomic_store(&g.syncing, 0);
		pthread_mutex_unlock(&g.slock);
		/* a transaction that leaves from now on commits the batch itself (syncing is 0); one that left
		 * before did not, and this does */
		pthread_mutex_lock(&g.wlock);
		if (g.on && g.open)
			batch_commit(); /* one of only rollbacks ends too: it holds SQLite's write lock */
		pthread_mutex_unlock(&g.wlock);
		pthread_mutex_lock(&g.slock);
	}
	pthread_mutex_unlock(&g.slock);
	return NULL;
}

/* The checkpointer's busy handler: wait up to about 20 ms for readers of older snapshots (a read
 * takes well under a millisecond), never the connection's 5 s, since the writer lock is held. */
static int ckpt_busy(void *arg, int n)
{
	(void)arg;
	if (n >= 100)
		return 0;
	struct timespec ts = { 0, 200 * 1000 };
	nanosleep(&ts, NULL);
	return 1;
}

/* The checkpointer: when the WAL has passed sq_group_checkpoint_pages frames, copy it into the database in
 * the background (PASSIVE: it never blocks writers or readers), then catch up with the few frames
 * committed meanwhile while holding the writer lock, and wait for the readers of older snapshots
 * (RESTART), so that the next batch writes the WAL from its beginning again.
 *
 * Without the second step the WAL never restarted under a steady stream of writes (a passive
 * checkpoint never catches up with a writer that does not pause): it grew by hundreds of megabytes,
 * each COMMIT found it above the threshold and woke the checkpointer again, and every frame was
 * copied in passes of a few frames each, each pass syncing the database file. */
static void *checkpointer(void *arg)
{
	(void)arg;
	sq_conn c;
	err e = { 0 };
	if (sq_conn_open(g.db_path, &c, &e)) {
		log_event(LOG_ERROR, "checkpointer_failed", "msg=\"%s\"", e.message);
		return NULL;
	}
	sqlite3_busy_handler(c.h, ckpt_busy, NULL);
	int db_fd = open(g.db_path, O_RDONLY | O_CLOEXEC);
	pthread_mutex_lock(&g.slock);
	for (;;) {
		while (!g.ckpt_wanted && !g.ckpt_stop)
			pthread_cond_wait(&g.ckpt_cv, &g.slock);
		if (g.ckpt_stop)
			break;
		pthread_mutex_unlock(&g.slock);
		/* passes in the background until one found little new to copy: the frames committed during
		 * a pass are what the next one copies, and what is left for the pass under the writer lock */
		int n_log = 0, n_done = 0, before = 0;
		for (int pass = 0; pass < 4; pass++) {
			if (sqlite3_wal_checkpoint_v2(c.h, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, &n_done) !=
			    SQLITE_OK) {
				log_event(LOG_WARN, "checkpoint_failed", "msg=\"%s\"", sqlite3_errmsg(c.h));
				break;
			}
			if (n_log - before < CHECKPOINT_LEFT)
				break;
			before = n_done;
		}
		/* A pass that did not finish (frames kept coming) left the database file unsynced; SQLite
		 * syncs it at the end of a complete checkpoint, which would then be the one under the lock,
		 * with everything the passes wrote (40-50 ms at 100,000 matters instead of a few). */
		if (db_fd >= 0 && fdatasync(db_fd) != 0)
			log_event(LOG_WARN, "checkpoint_sync_failed", "errno=%d", errno);
		pthread_mutex_lock(&g.wlock);
		if (g.on) {
			int64_t t0 = now_ns();
			batch_commit(); /* an open batch would hold SQLite's write lock */
			int rc = sqlite3_wal_checkpoint_v2(c.h, NULL, SQLITE_CHECKPOINT_RESTART, &n_log, &n_done);
			if (rc != SQLITE_OK && rc != SQLITE_BUSY)
				log_event(LOG_WARN, "checkpoint_failed", "msg=\"%s\"", sqlite3_errmsg(c.h));
			g.n_ckpt++;
			g.ckpt_ns += now_ns() - t0;
		}
		pthread_mutex_lock(&g.slock);
		g.ckpt_wanted = 0; /* what the COMMITs asked for meanwhile is done; a WAL that did not restart
		                    * asks again at the next COMMIT */
		pthread_mutex_unlock(&g.wlock);
	}
	pthread_mutex_unlock(&g.slock);
	if (db_fd >= 0)
		close(db_fd);
	sq_conn_close(&c);
	return NULL;
}

/* After each COMMIT on the writer (wlock held): count the frames it appended, and wake the
 * checkpointer once the WAL has grown. */
static int on_wal(void *arg, sqlite3 *h, const char *name, int n_frames)
{
	(void)arg;
	(void)h;
	(void)name;
	/* a smaller count means the WAL was restarted from its beginning by this COMMIT */
	g.n_frames += n_frames >= g.wal_frames ? n_frames - g.wal_frames : n_frames;
	g.wal_frames = n_frames;
	if (n_frames >= sq_group_checkpoint_pages && g.ckpt_running) {
		pthread_mutex_lock(&g.slock);
		g.ckpt_wanted = 1;
		pthread_cond_signal(&g.ckpt_cv);
		pthread_mutex_unlock(&g.slock);
	}
	return SQLITE_OK;
}

/* Close the open batch (caller holds wlock); the syncer makes it durable. */
static void batch_commit(void)
{
	if (!g.open)
		return;
	uint64_t my = g.gen;
	int failed = 0;
	if (g.n == 0) { /* only rollbacks in it: nothing to write */
		w_exec("ROLLBACK");
	} else {
		int64_t t0 = now_ns();
		failed = sqlite3_get_autocommit(g.w.h) || w_exec("COMMIT") != OK;
		g.commit_ns += now_ns() - t0;
		if (failed) {
			log_event(LOG_ERROR, "group_commit_failed", "n=%d msg=\"%s\"", g.n, sqlite3_errmsg(g.w.h));
			if (!sqlite3_get_autocommit(g.w.h))
				w_exec("ROLLBACK");
			g.n_failed++;
		} else {
			g.n_batches++;
			g.n_tx += g.n;
		}
	}
	g.open = 0;
	g.n = 0;
	g.gen++;
	pthread_mutex_lock(&g.slock);
	g.result[my % RESULT_RING].gen = my;
	g.result[my % RESULT_RING].state = failed ? BATCH_FAILED : BATCH_COMMITTED;
	if (!failed && g.sync_wal) {
		g.committed = my + 1;
		pthread_cond_signal(&g.sync_cv); /* the syncer wakes the batch's transactions */
	} else {
		if (!failed && g.durable < my + 1)
			g.durable = my + 1; /* synchronous=normal: committed is as durable as it gets */
		wake(my, my + 1);
	}
	pthread_mutex_unlock(&g.slock);
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

/* Commit the batch if nobody is queued behind and no sync is running (see syncer()), or when it is
 * full; then wait for my_gen to be durable when counted. Called with wlock held; returns with it
 * released. */
static int leave(int counted, uint64_t my_gen, err *e)
{
	t_holding = 0;
	if (g.open && ((atomic_load(&g.waiting) == 0 && !atomic_load(&g.syncing)) || g.n >= g.max_batch))
		batch_commit();
	g.held_ns += now_ns() - g.t_locked_ns;
	pthread_mutex_unlock(&g.wlock);
	int rc = OK;
	if (counted) {
		pthread_mutex_lock(&g.slock);
		for (;;) {
			if (g.result[my_gen % RESULT_RING].gen == my_gen &&
			    g.result[my_gen % RESULT_RING].state == BATCH_FAILED) {
				rc = err_set(e, E_STORE, NULL, "commit: 数据库写入失败，本次操作未保存，请重试");
				break;
			}
			if (g.durable > my_gen)
				break;
			pthread_cond_wait(&g.durable_cv[my_gen % WAIT_CVS], &g.slock);
		}
		pthread_mutex_unlock(&g.slock);
	}
	return rc;
}

int sq_group_begin(store *db, err *e)
{
	if (t_holding)
		return err_set(e, E_INTERNAL, NULL, "a transaction is already open on this thread");
	atomic_fetch_add(&g.waiting, 1);
	pthread_mutex_lock(&g.wlock);
	atomic_fetch_sub(&g.waiting, 1);
	g.t_locked_ns = now_ns();
	int rc = OK;
	if (g.open && sqlite3_get_autocommit(g.w.h)) {
		/* SQLite rolled the batch back (an I/O error in an earlier statement): it has failed */
		log_event(LOG_ERROR, "group_batch_lost", "n=%d", g.n);
		g.n = 1; /* make batch_commit see it as failed, not as empty */
		batch_commit();
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
		pthread_mutex_lock(&g.slock);
		g.result[g.gen % RESULT_RING].gen = g.gen;
		g.result[g.gen % RESULT_RING].state = BATCH_OPEN;
		pthread_mutex_unlock(&g.slock);
	}
	lend(db);
	if ((rc = sq_exec_cached(db, "SAVEPOINT tx", e))) {
		give_back(db);
		goto done;
	}
	t_holding = 1;
	return OK; /* the writer stays with db until its commit or rollback */
done:
	leave(0, 0, NULL);
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

int store_group_start(const char *path, int max_batch, int cache_mib, err *e)
{
	pthread_once(&cv_once, cv_init);
	pthread_mutex_lock(&g.wlock);
	int rc = OK;
	if (g.on) {
		rc = err_set(e, E_INTERNAL, NULL, "group commit already started");
		goto done;
	}
	if ((rc = sq_conn_open(path, &g.w, e)))
		goto done;
	char mode[16] = "";
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(g.w.h, "PRAGMA synchronous", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		snprintf(mode, sizeof mode, "%d", sqlite3_column_int(st, 0));
	sqlite3_finalize(st);
	g.sync_wal = !strcmp(mode, "2"); /* FULL: the group syncs the WAL itself, outside the lock */
	if (g.sync_wal && w_exec("PRAGMA synchronous=NORMAL") != OK) {
		rc = err_set(e, E_STORE, NULL, "group commit: %s", sqlite3_errmsg(g.w.h));
		sq_conn_close(&g.w);
		goto done;
	}
	if (cache_mib > 0) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size=%d", -1024 * cache_mib);
		if (w_exec(sql) != OK) {
			rc = err_set(e, E_STORE, NULL, "group commit: %s", sqlite3_errmsg(g.w.h));
			sq_conn_close(&g.w);
			goto done;
		}
	}
	snprintf(g.wal_path, sizeof g.wal_path, "%s-wal", path);
	snprintf(g.db_path, sizeof g.db_path, "%s", path);
	g.wal_fd = -1;
	g.max_batch = max_batch > 0 ? max_batch : 1;
	g.open = g.n = g.wal_frames = 0;
	g.durable = g.committed = g.gen; /* no thread of the group runs yet: slock is not needed */
	g.n_batches = g.n_tx = g.n_failed = g.n_syncs = g.n_frames = g.n_ckpt = 0;
	g.held_ns = g.commit_ns = g.sync_ns = g.ckpt_ns = 0;
	g.sync_stop = 0;
	atomic_store(&g.syncing, 0);
	if (g.sync_wal && pthread_create(&g.sync_thread, NULL, syncer, NULL) != 0) {
		rc = err_set(e, E_NOMEM, NULL, "group commit: cannot start the syncer thread");
		sq_conn_close(&g.w);
		goto done;
	}
	/* checkpoints move to their own thread */
	sqlite3_wal_autocheckpoint(g.w.h, 0);
	sqlite3_wal_hook(g.w.h, on_wal, NULL);
	g.ckpt_stop = g.ckpt_wanted = 0;
	g.ckpt_running = pthread_create(&g.ckpt_thread, NULL, checkpointer, NULL) == 0;
	if (!g.ckpt_running)
		sqlite3_wal_autocheckpoint(g.w.h, 1000);
	g.on = 1;
done:
	pthread_mutex_unlock(&g.wlock);
	return rc;
}

void store_group_stop(void)
{
	pthread_mutex_lock(&g.wlock);
	if (!g.on) {
		pthread_mutex_unlock(&g.wlock);
		return;
	}
	batch_commit();
	g.on = 0;
	int ckpt = g.ckpt_running;
	g.ckpt_running = 0;
	pthread_mutex_lock(&g.slock);
	g.ckpt_stop = g.sync_stop = 1;
	pthread_cond_signal(&g.ckpt_cv);
	pthread_cond_signal(&g.sync_cv);
	pthread_mutex_unlock(&g.slock);
	pthread_mutex_unlock(&g.wlock);
	if (g.sync_wal)
		pthread_join(g.sync_thread, NULL); /* after its last sync */
	if (ckpt)
		pthread_join(g.ckpt_thread, NULL);
	pthread_mutex_lock(&g.wlock);
	sq_conn_close(&g.w); /* the last connection's close checkpoints the WAL */
	if (g.wal_fd >= 0)
		close(g.wal_fd);
	g.wal_fd = -1;
	pthread_mutex_unlock(&g.wlock);
}

void store_group_stats(store_group_counters *out)
{
	pthread_mutex_lock(&g.wlock);
	pthread_mutex_lock(&g.slock);
	*out = (store_group_counters){ .batches = g.n_batches,
		                       .transactions = g.n_tx,
		                       .failed = g.n_failed,
		                       .syncs = g.n_syncs,
		                       .frames = g.n_frames,
		                       .held_ms = g.held_ns / 1000000,
		                       .commit_ms = g.commit_ns / 1000000,
		                       .sync_ms = g.sync_ns / 1000000,
		                       .checkpoints = g.n_ckpt,
		                       .checkpoint_ms = g.ckpt_ns / 1000000 };
	pthread_mutex_unlock(&g.slock);
	pthread_mutex_unlock(&g.wlock);
}
