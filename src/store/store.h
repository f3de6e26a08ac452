/*
 * store.h - the storage interface: everything the domain modules may ask of the database, and
 * nothing about business rules. The embedded back end implements it on SQLite (src/store/sqlite*.c);
 * a PostgreSQL back end implements the same functions (chosen at build time) without touching domain
 * code. No SQL appears above this header.
 *
 * Connections are not shared between threads: the server opens one per worker thread
 * (store_thread_get). Writes happen only inside store_tx_begin/store_tx_commit, and a transaction that
 * wrote anything must also have appended an event (store_event_append), or store_tx_commit refuses
 * with E_INTEGRITY and rolls back: there is no write path without its event. The one exemption is
 * store_session_touch (a session's idle clock), which is bookkeeping, not a record.
 *
 * Strings in returned rows are allocated from the arena the caller passes and die with it.
 */
#ifndef CB_STORE_H
#define CB_STORE_H

#include "core/err.h"
#include "core/mem.h"

#include <stddef.h>
#include <stdint.h>

typedef struct store store;

/* Open (creating if needed) the database file at path with WAL, foreign keys and a busy timeout.
 * *out is heap-owned: store_close it. */
int store_open(const char *path, store **out, err *e);
void store_close(store *db);

/* The calling thread's connection to path, opened on first use and closed at thread exit. */
int store_thread_get(const char *path, store **out, err *e);

/* Apply every embedded migration newer than the recorded schema version, each in its own
 * transaction. *out_version gets the version now in force. */
int store_migrate(store *db, int *out_version, err *e);
int store_schema_version(store *db, int *out_version, err *e);

/* Transactions. begin takes the write lock at once (BEGIN IMMEDIATE) so concurrent writers queue on
 * the busy timeout instead of failing at commit. commit refuses a transaction with writes but no event. */
int store_tx_begin(store *db, err *e);
int store_tx_commit(store *db, err *e);
void store_tx_rollback(store *db);
int store_in_tx(const store *db);

/* Read-only snapshot for consistent multi-query reads (BEGIN DEFERRED ... COMMIT). */
int store_read_begin(store *db, err *e);
void store_read_end(store *db);

/* ---- meta: key/value facts about this database (demo flag, hash algorithm, created_at) ---- */
int store_meta_get(store *db, const char *key, arena *a, char **out_value, err *e); /* E_NOTFOUND if absent */
int store_meta_set(store *db, const char *key, const char *value, err *e);          /* in a tx */

/* ---- events: the audit trail every write appends to ---- */
typedef struct store_event {
	int64_t seq;             /* gapless from 1 */
	const char *at;          /* UTC ISO-8601 with ms */
	int64_t actor_user_id;   /* 0 = system */
	const char *actor_unit_id; /* may be NULL */
	const char *entity_type; /* "unit", "user", "matter", ... */
	const char *entity_id;
	const char *event_type;  /* "matter.created", ... */
	const char *payload;     /* JSON text */
	unsigned char leaf_hash[32];
	int has_leaf_hash;
} store_event;

/* Append ev (seq and at are assigned here when seq == 0 / at == NULL); *out_seq gets the sequence. */
int store_event_append(store *db, store_event *ev, int64_t *out_seq, err *e);
int store_event_count(store *db, int64_t *out_n, err *e);
int store_event_get(store *db, int64_t seq, arena *a, store_event *out, err *e);
/* Events of one entity, oldest first (at most limit, from after_seq). */
int store_event_list_entity(store *db, const char *entity_type, const char *entity_id, int64_t after_seq,
			    int limit, arena *a, store_event **out, size_t *out_n, err *e);
/* Events with seq in [first, last], oldest first. */
int store_event_range(store *db, int64_t first, int64_t last, arena *a, store_event **out, size_t *out_n, err *e);

/* ---- areas and units ---- */
typedef struct store_area {
	const char *code, *name, *parent_code, *level; /* level: province | prefecture | county */
} store_area;

typedef struct store_unit {
	const char *id, *name, *kind, *area_code, *parent_id, *court_code; /* parent_id, court_code may be NULL */
} store_unit;

int store_area_insert(store *db, const store_area *a, err *e);
int store_area_list(store *db, arena *a, store_area **out, size_t *out_n, err *e);
int store_unit_insert(store *db, const store_unit *u, err *e);
int store_unit_list(store *db, arena *a, store_unit **out, size_t *out_n, err *e);

/* ---- users, roles, sessions ---- */
typedef struct store_user {
	int64_t id;
	const char *username, *display_name, *unit_id, *password_hash;
	const char *roles; /* comma-separated, sorted */
	int disabled;
	int failed_count;
	int64_t locked_until; /* epoch seconds, 0 = not locked */
	const char *created_at;
} store_user;

int store_user_insert(store *db, const store_user *u, int64_t *out_id, err *e);
int store_user_get_by_name(store *db, const char *username, arena *a, store_user *out, err *e);
int store_user_get(store *db, int64_t id, arena *a, store_user *out, err *e);
int store_user_list(store *db, arena *a, store_user **out, size_t *out_n, err *e);
int store_user_set_password(store *db, int64_t id, const char *password_hash, err *e);
int store_user_set_disabled(store *db, int64_t id, int disabled, err *e);
int store_user_set_login_state(store *db, int64_t id, int failed_count, int64_t locked_until, err *e);
int store_user_set_roles(store *db, int64_t id, const char *const *roles, size_t n_roles, err *e);

typedef struct store_session {
	const char *token_hash;
	int64_t user_id;
	int64_t created_at, last_seen_at, expires_at, revoked_at; /* epoch seconds; revoked_at 0 = live */
} store_session;

int store_session_insert(store *db, const store_session *s, err *e);
int store_session_get(store *db, const char *token_hash, arena *a, store_session *out, err *e);
int store_session_revoke(store *db, const char *token_hash, int64_t at, err *e);
int store_session_revoke_user(store *db, int64_t user_id, int64_t at, err *e);
/* Outside any transaction, no event: the idle clock only (see the header comment). */
int store_session_touch(store *db, const char *token_hash, int64_t at, err *e);

#endif
