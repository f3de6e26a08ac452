/*
 * sqlite_internal.h - what the SQLite back end's files share: the connection struct, the prepared
 * statement cache and the bookkeeping that enforces "no write without its event". Not for domain code.
 */
#ifndef CB_SQLITE_INTERNAL_H
#define CB_SQLITE_INTERNAL_H

#include "store/store.h"

#include <sqlite3.h>

#define STMT_CACHE_MAX 256
#define DYN_CACHE_MAX 64

/* A SQLite connection with its statement caches. Each store handle owns one; while a handle's
 * transaction runs in the server's group commit it borrows the shared writer's (sqlite_group.c). */
typedef struct sq_conn {
	sqlite3 *h;
	struct {
		const char *sql; /* static string: identity by pointer */
		sqlite3_stmt *st;
	} cache[STMT_CACHE_MAX];
	int n_cache;
	struct {
		char *sql; /* heap copy: identity by text */
		sqlite3_stmt *st;
	} dyn[DYN_CACHE_MAX];
	int n_dyn, next_dyn;
	int in_read;  /* a read snapshot is open */
	int in_batch; /* a batch is open: transactions are savepoints */
} sq_conn;

struct store {
	sqlite3 *h;    /* c->h: the connection statements run on now */
	sq_conn *c;    /* &own, or the group writer while a group transaction is open */
	sq_conn own;   /* this handle's own connection */
	int in_tx;     /* an audited write transaction is open */
	int in_group;  /* that transaction is a savepoint in the group commit's batch */
	long n_writes; /* writes in the open transaction */
	long n_events; /* events appended in the open transaction */
};

/* A cached, reset statement for a static SQL string; E_STORE on failure. */
int sq_prepare(store *db, const char *sql, sqlite3_stmt **out, err *e);
/* The same for SQL assembled at run time from constant fragments (searches with optional filters):
 * cached by text, so each combination of filters is prepared once per connection. */
int sq_prepare_text(store *db, const char *sql, sqlite3_stmt **out, err *e);
/* A list's WHERE clause from the fragments of the filters that are set (each " AND ..." with fixed
 * parameter numbers, values bound, never spliced): only then can SQLite use the index of a filter;
 * the "?1 IS NULL OR col=?1" form reads the whole table. E_INTERNAL when it does not fit. */
int sq_where(char *out, size_t cap, const char *const *frags, size_t n, err *e);
/* The total of a list: sql (a count(*) over the same WHERE) run with bind(st, ctx) for its values. */
int sq_count(store *db, const char *sql, void (*bind)(sqlite3_stmt *, const void *), const void *ctx,
             int64_t *out_total, err *e);
/* Record a write; refuses (E_INTERNAL) outside a transaction. */
int sq_note_write(store *db, err *e);
/* Map the connection's last error to E_STORE / E_CONFLICT (constraint) / E_BUSY. */
int sq_fail(store *db, err *e, const char *what);
/* The start of every write: record it (refused outside a transaction) and prepare its statement. */
int sq_begin_write(store *db, const char *sql, sqlite3_stmt **out, err *e);
/* Run a statement to completion expecting no rows (or ignoring them). */
int sq_step_done(store *db, sqlite3_stmt *st, err *e, const char *what);

/* Bind helpers: NULL strings bind SQL NULL. */
int sq_bind_text(sqlite3_stmt *st, int i, const char *s);
/* A column as an arena string (NULL for SQL NULL). */
const char *sq_col_text(sqlite3_stmt *st, int i, arena *a);

/* Step st to the end, decoding each row with fn into a growing arena array of elem-sized items (at most
 * limit when limit > 0); when total_col >= 0 that column of the first row is *out_total. Resets st. */
typedef int (*sq_row_fn)(sqlite3_stmt *st, arena *a, void *out);
int sq_rows(store *db, sqlite3_stmt *st, arena *a, size_t elem, int limit, sq_row_fn fn, void **out, size_t *out_n,
            int total_col, int64_t *out_total, err *e);
/* The row with id (the first parameter of sql) decoded by fn; E_NOTFOUND with msg when absent. */
int sq_one_row(store *db, const char *sql, int64_t id, arena *a, sq_row_fn fn, void *out, const char *msg, err *e);
/* Bind an id: 0 binds SQL NULL. */
int sq_bind_id(sqlite3_stmt *st, int i, int64_t id);
/* A column as int64, 0 for SQL NULL. */
int64_t sq_col_id(sqlite3_stmt *st, int i);

/* Connections: open with the process's durability setting, close (rolling back what is open). */
int sq_conn_open(const char *path, sq_conn *c, err *e);
void sq_conn_close(sq_conn *c);
/* Run one cached statement that returns no rows (BEGIN, SAVEPOINT, COMMIT, ...). */
int sq_exec_cached(store *db, const char *sql, err *e);

/* Group commit (sqlite_group.c): 1 while the server's shared writer is running. */
int sq_group_on(void);
/* Begin db's transaction as a savepoint in the open batch (opening one), lending db the writer. */
int sq_group_begin(store *db, err *e);
/* Release db's savepoint and return once the batch that holds it is durable (or failed). */
int sq_group_commit(store *db, err *e);
/* Roll back db's savepoint; the batch goes on for the others. */
void sq_group_rollback(store *db);
/* Threads waiting to begin a group transaction now (tests orchestrate batches with it). */
int sq_group_waiting(void);
/* WAL frames after which the group's checkpointer copies the WAL back and restarts it (tests lower
 * it before store_group_start). */
extern int sq_group_checkpoint_pages;

#endif
