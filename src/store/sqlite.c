/*
 * sqlite.c - the SQLite back end's connection, statement cache, transactions, migrations and meta.
 *
 * Each connection runs in WAL mode with foreign keys on, the process's synchronous setting (FULL in
 * the server: a commit is on disk before it returns; NORMAL for tools: durable at checkpoints, never
 * corrupt; see docs/architecture.md) and a 5 s busy timeout. Write transactions are BEGIN IMMEDIATE
 * so writers queue instead of failing at commit; in the server they are savepoints in a shared batch
 * (group commit, sqlite_group.c). Migrations are the
 * embedded files src/store/migrations/NNNN_name.sql, applied in order, each recorded in
 * schema_migrations.
 */
#include "store/sqlite_internal.h"

#include "core/embedded.h"
#include "core/log.h"
#include "core/util.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int sq_fail(store *db, err *e, const char *what)
{
	int code = sqlite3_extended_errcode(db->h);
	int prim = code & 0xff;
	if (prim == SQLITE_CONSTRAINT)
		return err_set(e, E_CONFLICT, NULL, "%s: 违反唯一性或引用约束 (%s)", what, sqlite3_errmsg(db->h));
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return err_set(e, E_BUSY, NULL, "%s: 数据库繁忙，请稍后重试", what);
	log_event(LOG_ERROR, "store_error", "what=\"%s\" code=%d msg=\"%s\"", what, code, sqlite3_errmsg(db->h));
	return err_set(e, E_STORE, NULL, "%s: 数据库错误", what);
}

/* The plan audit (bench/plan_audit.sh): with CASEBRIDGE_PLAN_LOG naming a file, every statement a
 * connection prepares is appended to it with SQLite's plan, in one write() so that threads do not
 * interleave. It lists the indexes no statement uses and the statements that scan a table; off, it
 * costs one getenv per statement prepared (each connection prepares each statement once). */
static void plan_log(sqlite3 *h, const char *sql)
{
	const char *path = getenv("CASEBRIDGE_PLAN_LOG");
	if (!path || !*path || strlen(sql) > 8000)
		return;
	char q[8200], out[16384];
	snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, q, -1, &st, NULL) != SQLITE_OK)
		return; /* not a statement that has a plan (PRAGMA, SAVEPOINT, ...) */
	size_t n = (size_t)snprintf(out, sizeof out, "SQL %s\n", sql);
	while (n < sizeof out && sqlite3_step(st) == SQLITE_ROW)
		n += (size_t)snprintf(out + n, sizeof out - n, "  %s\n", (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	if (n >= sizeof out)
		n = sizeof out - 1;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, out, n) < 0) {
		/* a diagnostic: a lost line is not an error of the request */
	}
	close(fd);
}

int sq_prepare(store *db, const char *sql, sqlite3_stmt **out, err *e)
{
	for (int i = 0; i < db->c->n_cache; i++) {
		if (db->c->cache[i].sql == sql) {
			sqlite3_reset(db->c->cache[i].st);
			sqlite3_clear_bindings(db->c->cache[i].st);
			*out = db->c->cache[i].st;
			return OK;
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return sq_fail(db, e, "prepare");
	plan_log(db->h, sql);
	if (db->c->n_cache < STMT_CACHE_MAX) {
		db->c->cache[db->c->n_cache].sql = sql;
		db->c->cache[db->c->n_cache].st = st;
		db->c->n_cache++;
	} else {
		/* Cache full: should not happen with static SQL; keep working, leak-free. */
		log_event(LOG_WARN, "store_stmt_cache_full", "n=%d", db->c->n_cache);
		sqlite3_finalize(db->c->cache[STMT_CACHE_MAX - 1].st);
		db->c->cache[STMT_CACHE_MAX - 1].sql = sql;
		db->c->cache[STMT_CACHE_MAX - 1].st = st;
	}
	*out = st;
	return OK;
}

int64_t store_stat_reprepares(store *db)
{
	int64_t n = 0;
	for (int i = 0; i < db->own.n_cache; i++)
		n += sqlite3_stmt_status(db->own.cache[i].st, SQLITE_STMTSTATUS_REPREPARE, 0);
	for (int i = 0; i < db->own.n_dyn; i++)
		n += sqlite3_stmt_status(db->own.dyn[i].st, SQLITE_STMTSTATUS_REPREPARE, 0);
	return n;
}

int sq_prepare_text(store *db, const char *sql, sqlite3_stmt **out, err *e)
{
	for (int i = 0; i < db->c->n_dyn; i++) {
		if (strcmp(db->c->dyn[i].sql, sql) == 0) {
			sqlite3_reset(db->c->dyn[i].st);
			sqlite3_clear_bindings(db->c->dyn[i].st);
			*out = db->c->dyn[i].st;
			return OK;
		}
	}
	sqlite3_stmt *st = NULL;
	char *copy = mem_strdup(sql);
	if (!copy)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		mem_free(copy);
		return sq_fail(db, e, "prepare");
	}
	plan_log(db->h, sql);
	int slot = db->c->n_dyn < DYN_CACHE_MAX ? db->c->n_dyn++ : db->c->next_dyn++ % DYN_CACHE_MAX;
	if (db->c->dyn[slot].st) {
		sqlite3_finalize(db->c->dyn[slot].st);
		mem_free(db->c->dyn[slot].sql);
	}
	db->c->dyn[slot].sql = copy;
	db->c->dyn[slot].st = st;
	*out = st;
	return OK;
}

int sq_note_write(store *db, err *e)
{
	if (!db->in_tx)
		return err_set(e, E_INTERNAL, NULL, "write outside a transaction");
	db->n_writes++;
	return OK;
}

int sq_begin_write(store *db, const char *sql, sqlite3_stmt **out, err *e)
{
	int rc = sq_note_write(db, e);
	return rc ? rc : sq_prepare(db, sql, out, e);
}

int sq_step_done(store *db, sqlite3_stmt *st, err *e, const char *what)
{
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (s != SQLITE_DONE) {
		int rc = sq_fail(db, e, what);
		sqlite3_reset(st);
		return rc;
	}
	sqlite3_reset(st);
	return OK;
}

int sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

const char *sq_col_text(sqlite3_stmt *st, int i, arena *a)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	if (!t)
		return NULL;
	return arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(st, i));
}

int sq_rows(store *db, sqlite3_stmt *st, arena *a, size_t elem, int limit, sq_row_fn fn, void **out, size_t *out_n,
            int total_col, int64_t *out_total, err *e)
{
	size_t cap = limit > 0 && limit < 64 ? (size_t)limit : 64, n = 0;
	char *v = arena_alloc(a, cap * elem);
	int s = SQLITE_DONE, rc = OK;
	if (out_total)
		*out_total = 0;
	while (v && (limit <= 0 || n < (size_t)limit) && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			char *nv = arena_alloc(a, 2 * cap * elem);
			if (!nv) {
				v = NULL;
				break;
			}
			memcpy(nv, v, cap * elem);
			v = nv;
			cap *= 2;
		}
		if (n == 0 && total_col >= 0 && out_total)
			*out_total = sqlite3_column_int64(st, total_col);
		if (fn(st, a, v + n * elem)) {
			v = NULL;
			break;
		}
		n++;
	}
	if (!v)
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
	else if (s != SQLITE_ROW && s != SQLITE_DONE)
		rc = sq_fail(db, e, "query");
	sqlite3_reset(st);
	if (rc)
		return rc;
	*out = v;
	*out_n = n;
	return OK;
}

int sq_where(char *out, size_t cap, const char *const *frags, size_t n, err *e)
{
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t fl = strlen(frags[i]);
		if (len + fl + 1 > cap)
			return err_set(e, E_INTERNAL, NULL, "query too long");
		memcpy(out + len, frags[i], fl + 1);
		len += fl;
	}
	return OK;
}

int sq_count(store *db, const char *sql, void (*bind)(sqlite3_stmt *, const void *), const void *ctx,
             int64_t *out_total, err *e)
{
	sqlite3_stmt *st;
	int rc = sq_prepare_text(db, sql, &st, e);
	if (rc)
		return rc;
	bind(st, ctx);
	int s = sqlite3_step(st);
	*out_total = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return s == SQLITE_ROW ? OK : sq_fail(db, e, "count");
}

int sq_one_row(store *db, const char *sql, int64_t id, arena *a, sq_row_fn fn, void *out, const char *msg, err *e)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = fn(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "id", "%s", msg);
	else
		rc = sq_fail(db, e, "get");
	sqlite3_reset(st);
	return rc;
}

static int exec(store *db, const char *sql, err *e)
{
	char *msg = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = err_set(e, E_STORE, NULL, "SQL failed: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return rc;
	}
	return OK;
}

/* SQLite's memory statistics take a global mutex on every allocation; CaseBridge never reads them. */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static void config_sqlite(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* The durability of every connection opened from now on ("NORMAL" until the server chooses). */
static const char *g_synchronous = "NORMAL";

int store_set_synchronous(const char *mode, err *e)
{
	if (!strcmp(mode, "full"))
		g_synchronous = "FULL";
	else if (!strcmp(mode, "normal"))
		g_synchronous = "NORMAL";
	else
		return err_set(e, E_INVALID, "synchronous", "synchronous 应为 full 或 normal");
	return OK;
}

int sq_conn_open(const char *path, sq_conn *c, err *e)
{
	pthread_once(&config_once, config_sqlite);
	memset(c, 0, sizeof *c);
	if (sqlite3_open_v2(path, &c->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		int rc = err_set(e, E_STORE, "data_dir", "无法打开数据库 %s: %s", path,
		                 c->h ? sqlite3_errmsg(c->h) : "?");
		sq_conn_close(c);
		return rc;
	}
	sqlite3_busy_timeout(c->h, 5000);
	char sql[200];
	snprintf(sql, sizeof sql,
	         "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
	         "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-4000;",
	         g_synchronous);
	char *msg = NULL;
	if (sqlite3_exec(c->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = err_set(e, E_STORE, "data_dir", "无法打开数据库 %s: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		sq_conn_close(c);
		return rc;
	}
	return OK;
}

void sq_conn_close(sq_conn *c)
{
	if (!c->h)
		return;
	for (int i = 0; i < c->n_cache; i++)
		sqlite3_finalize(c->cache[i].st);
	for (int i = 0; i < c->n_dyn; i++) {
		sqlite3_finalize(c->dyn[i].st);
		mem_free(c->dyn[i].sql);
	}
	if (!sqlite3_get_autocommit(c->h))
		sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(c->h);
	memset(c, 0, sizeof *c);
}

int store_open(const char *path, store **out, err *e)
{
	store *db = mem_calloc(1, sizeof *db);
	if (!db)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	int rc = sq_conn_open(path, &db->own, e);
	if (rc) {
		mem_free(db);
		return rc;
	}
	db->c = &db->own;
	db->h = db->own.h;
	*out = db;
	return OK;
}

void store_close(store *db)
{
	if (!db)
		return;
	if (db->in_tx)
		store_tx_rollback(db); /* returns a borrowed writer */
	sq_conn_close(&db->own);
	mem_free(db);
}

/* ---- per-thread connections ---- */
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

static void thread_close(void *p)
{
	store_close(p);
}
static void thread_init(void)
{
	pthread_key_create(&thread_key, thread_close);
}

int store_thread_get(const char *path, store **out, err *e)
{
	pthread_once(&thread_once, thread_init);
	store *db = pthread_getspecific(thread_key);
	if (db) {
		*out = db;
		return OK;
	}
	int rc = store_open(path, &db, e);
	if (rc)
		return rc;
	pthread_setspecific(thread_key, db);
	*out = db;
	return OK;
}

/* ---- transactions ---- */
int sq_exec_cached(store *db, const char *sql, err *e)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	rc = sqlite3_step(st) == SQLITE_DONE ? OK : sq_fail(db, e, sql);
	sqlite3_reset(st);
	return rc;
}

int store_tx_begin(store *db, err *e)
{
	if (db->in_tx)
		return err_set(e, E_INTERNAL, NULL, "nested transaction");
	if (db->c->in_read)
		store_read_end(db);
	int rc;
	if (!db->c->in_batch && sq_group_on()) {
		if ((rc = sq_group_begin(db, e)))
			return rc;
	} else if ((rc = sq_exec_cached(db, db->c->in_batch ? "SAVEPOINT tx" : "BEGIN IMMEDIATE", e))) {
		return rc;
	}
	db->in_tx = 1;
	db->n_writes = db->n_events = 0;
	return OK;
}

void store_tx_rollback(store *db)
{
	if (!db->in_tx)
		return;
	db->in_tx = 0;
	if (db->in_group) {
		sq_group_rollback(db);
		return;
	}
	sqlite3_exec(db->h, db->c->in_batch ? "ROLLBACK TO tx; RELEASE tx" : "ROLLBACK", NULL, NULL, NULL);
}

int store_tx_commit(store *db, err *e)
{
	if (!db->in_tx)
		return err_set(e, E_INTERNAL, NULL, "commit without transaction");
	if (db->n_writes > 0 && db->n_events == 0) {
		store_tx_rollback(db);
		return err_set(e, E_INTEGRITY, NULL, "a write without its event was refused");
	}
	if (db->in_group) {
		db->in_tx = 0;
		return sq_group_commit(db, e);
	}
	int rc = sq_exec_cached(db, db->c->in_batch ? "RELEASE tx" : "COMMIT", e);
	if (rc) {
		store_tx_rollback(db);
		return rc;
	}
	db->in_tx = 0;
	return OK;
}

int store_in_tx(const store *db)
{
	return db->in_tx;
}

int store_batch_begin(store *db, err *e)
{
	if (db->in_tx || db->c->in_batch)
		return err_set(e, E_INTERNAL, NULL, "a batch must start outside any transaction");
	if (db->c->in_read)
		store_read_end(db);
	int rc = exec(db, "BEGIN IMMEDIATE", e);
	if (rc == OK)
		db->c->in_batch = 1;
	return rc;
}

int store_batch_commit(store *db, err *e)
{
	if (!db->c->in_batch || db->in_tx)
		return err_set(e, E_INTERNAL, NULL, "no batch to commit, or a transaction is still open");
	db->c->in_batch = 0;
	int rc = exec(db, "COMMIT", e);
	if (rc)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

void store_batch_rollback(store *db)
{
	if (!db->c->in_batch)
		return;
	if (db->in_tx)
		store_tx_rollback(db);
	sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->c->in_batch = 0;
}

int store_tune(store *db, const char *synchronous, int cache_mib, err *e)
{
	char sql[128];
	const char *mode = !strcmp(synchronous, "off") ? "OFF" : !strcmp(synchronous, "full") ? "FULL" : "NORMAL";
	snprintf(sql, sizeof sql, "PRAGMA synchronous=%s; PRAGMA cache_size=%d;", mode,
	         cache_mib > 0 ? -1024 * cache_mib : -4000);
	return exec(db, sql, e);
}

/* BEGIN and COMMIT of read snapshots are cached statements: every matter page opens one, and
 * sqlite3_exec parsed the text each time. */
int store_read_begin(store *db, err *e)
{
	if (db->in_tx || db->c->in_read || db->c->in_batch)
		return OK;
	int rc = sq_exec_cached(db, "BEGIN", e);
	if (rc == OK)
		db->c->in_read = 1;
	return rc;
}

void store_read_end(store *db)
{
	if (!db->c->in_read)
		return;
	if (sq_exec_cached(db, "COMMIT", NULL) != OK)
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->c->in_read = 0;
}

/* ---- migrations ---- */
static int migration_version(const char *path, const char **out_name)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	int v = 0;
	const char *p = base;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	if (p == base || *p != '_')
		return -1;
	*out_name = p + 1;
	return v;
}

int store_schema_version(store *db, int *out_version, err *e)
{
	sqlite3_stmt *st = NULL;
	*out_version = 0;
	if (sqlite3_prepare_v2(db->h, "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'",
	                       -1, &st, NULL) != SQLITE_OK)
		return sq_fail(db, e, "schema version");
	int exists = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!exists)
		return OK;
	if (sqlite3_prepare_v2(db->h, "SELECT coalesce(max(version),0) FROM schema_migrations", -1, &st, NULL) !=
	    SQLITE_OK)
		return sq_fail(db, e, "schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		*out_version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return OK;
}

int store_migrate(store *db, int *out_version, err *e)
{
	int rc = OK, current = 0;
	rc = exec(db,
	          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	          " applied_at TEXT NOT NULL)",
	          e);
	if (rc)
		return rc;
	rc = store_schema_version(db, &current, e);
	if (rc)
		return rc;
	/* Embedded files are sorted by path, so migrations come in version order. */
	for (const embedded_file *f = embedded_files; f->path; f++) {
		if (strncmp(f->path, "src/store/migrations/", 21) != 0)
			continue;
		const char *name = "";
		int v = migration_version(f->path, &name);
		if (v <= current)
			continue;
		rc = exec(db, "BEGIN IMMEDIATE", e);
		if (rc)
			return rc;
		rc = exec(db, f->data, e);
		if (rc == OK) {
			sqlite3_stmt *st = NULL;
			char now[32];
			util_now_iso(now, sizeof now);
			if (sqlite3_prepare_v2(db->h, "INSERT INTO schema_migrations VALUES (?,?,?)", -1, &st, NULL) !=
			    SQLITE_OK) {
				rc = sq_fail(db, e, "migrate");
			} else {
				sqlite3_bind_int(st, 1, v);
				sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
				if (sqlite3_step(st) != SQLITE_DONE)
					rc = sq_fail(db, e, "migrate");
				sqlite3_finalize(st);
			}
		}
		if (rc) {
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
			log_event(LOG_ERROR, "migration_failed", "version=%d name=%s", v, name);
			return rc;
		}
		rc = exec(db, "COMMIT", e);
		if (rc)
			return rc;
		log_event(LOG_INFO, "migration_applied", "version=%d name=%s", v, name);
		current = v;
	}
	if (out_version)
		*out_version = current;
	return OK;
}

/* ---- meta ---- */
int store_meta_get(store *db, const char *key, arena *a, char **out_value, err *e)
{
	static const char sql[] = "SELECT value FROM meta WHERE key=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*out_value = (char *)sq_col_text(st, 0, a);
		rc = *out_value ? OK : err_set(e, E_NOMEM, NULL, "out of memory");
	} else if (s == SQLITE_DONE) {
		rc = err_set(e, E_NOTFOUND, key, "no meta value %s", key);
	} else {
		rc = sq_fail(db, e, "meta get");
	}
	sqlite3_reset(st);
	return rc;
}

int store_meta_set(store *db, const char *key, const char *value, err *e)
{
	static const char sql[] =
	        "INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value";
	sqlite3_stmt *st;
	int rc = sq_note_write(db, e);
	if (rc == OK)
		rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return sq_step_done(db, st, e, "meta set");
}
