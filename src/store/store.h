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

/* Batched generation (casebridge gen, not the server): one outer write transaction carries many
 * domain transactions. Inside a batch store_tx_begin opens a SAVEPOINT and store_tx_commit releases it,
 * with the same "no write without its event" check; store_tx_rollback undoes only its savepoint. The
 * batch holds the write lock until store_batch_commit. */
int store_batch_begin(store *db, err *e);
int store_batch_commit(store *db, err *e);
void store_batch_rollback(store *db);
/* Durability and page cache of this connection, for generators and benchmarks only: synchronous is
 * "off" (bulk generation: a power loss may corrupt the file), "normal" (the default: durable at
 * checkpoints) or "full" (every commit synced); cache_mib 0 restores the default cache. */
int store_tune(store *db, const char *synchronous, int cache_mib, err *e);

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
	const char *subject;     /* public subject (file SHA-256 of a registration), may be NULL */
	unsigned char leaf_hash[32];
	int has_leaf_hash;
} store_event;

/* Append ev; at is assigned when NULL. seq must be 0 (assigned here) or the next number (the log
 * computes the entry's hash with it first); another value is E_INTEGRITY. *out_seq gets the sequence. */
int store_event_append(store *db, store_event *ev, int64_t *out_seq, err *e);
int store_event_count(store *db, int64_t *out_n, err *e);
int store_event_get(store *db, int64_t seq, arena *a, store_event *out, err *e);
/* Events of one entity, oldest first (at most limit, from after_seq). */
int store_event_list_entity(store *db, const char *entity_type, const char *entity_id, int64_t after_seq,
			    int limit, arena *a, store_event **out, size_t *out_n, err *e);
/* Events with seq in [first, last], oldest first. */
int store_event_range(store *db, int64_t first, int64_t last, arena *a, store_event **out, size_t *out_n, err *e);

/* ---- the verifiable log: Merkle nodes and signed tree heads ---- */
int store_tlog_node_get(store *db, unsigned level, uint64_t index, unsigned char out[32], err *e);
/* In the caller's audited transaction (nodes commit with their event). */
int store_tlog_node_put(store *db, unsigned level, uint64_t index, const unsigned char h[32], err *e);
int store_tlog_node_count(store *db, int64_t *out_n, err *e);

typedef struct store_tlog_head {
	int64_t tree_size, timestamp_ms;
	unsigned char root[32];
	const char *hash_alg, *sign_alg, *key_id;
	unsigned char signature[128];
	size_t signature_len;
} store_tlog_head;
/* Signed heads are commitments to the log, not records in it: written in their own transaction,
 * without an event (the second exemption, see store_session_touch). */
int store_tlog_head_insert(store *db, const store_tlog_head *h, err *e);
/* The latest head (E_NOTFOUND if none), or the head of one size. */
int store_tlog_head_latest(store *db, arena *a, store_tlog_head *out, err *e);
int store_tlog_head_get(store *db, int64_t tree_size, arena *a, store_tlog_head *out, err *e);
int store_tlog_head_list(store *db, arena *a, store_tlog_head **out, size_t *out_n, err *e);
/* The event with this leaf hash, or E_NOTFOUND. */
int store_event_by_leaf(store *db, const unsigned char leaf[32], arena *a, store_event *out, err *e);
/* The first event with this subject, or E_NOTFOUND. */
int store_event_by_subject(store *db, const char *subject, arena *a, store_event *out, err *e);

/* ---- the holiday calendar ---- */
typedef struct store_holiday {
	const char *date, *kind, *name, *source;
} store_holiday;
/* Insert or replace one day; *out_changed = 0 unchanged, 1 added, 2 replaced. */
int store_holiday_put(store *db, const store_holiday *h, int *out_changed, err *e);
int store_holiday_list(store *db, arena *a, store_holiday **out, size_t *out_n, err *e);

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

/* ---- matters ---- */
typedef struct store_matter {
	int64_t id;
	const char *number, *kind, *summary, *status, *stage, *procedure;
	const char *holder_unit_id, *holder_area_code, *holder_league_code, *filed_unit_id, *filed_at;
	const char *stage_started_on, *rule_id, *due_on, *closed_at, *updated_at;
	const char *suspended_on; /* the clock is stopped since this day; NULL = running */
	int extensions, returns, transfer_returns, green;
	int64_t version; /* optimistic concurrency: update succeeds only if unchanged */
} store_matter;

int store_matter_next_serial(store *db, const char *area_code, int year, int64_t *out, err *e);
int store_matter_insert(store *db, const store_matter *m, int64_t *out_id, err *e);
int store_matter_get(store *db, int64_t id, arena *a, store_matter *out, err *e);
/* Write the columns of m that change after filing (not number, kind, summary, filed_unit_id,
 * filed_at); E_CONFLICT if the row's version is no longer m->version. */
int store_matter_update(store *db, const store_matter *m, err *e);
int store_matter_unit_add(store *db, int64_t matter_id, const char *unit_id, const char *since, err *e);
int store_matter_unit_list(store *db, int64_t matter_id, arena *a, const char ***out, size_t *out_n, err *e);
int store_matter_tag_set(store *db, int64_t matter_id, const char *tag, int on, err *e);
int store_matter_tag_list(store *db, int64_t matter_id, arena *a, const char ***out, size_t *out_n, err *e);

typedef struct store_matter_query {
	const char *number;    /* matter number or any case number, exact */
	const char *party;     /* party name, substring (1+ characters) */
	const char *id_number; /* party identifier, exact */
	const char *unit_id;   /* held or has held */
	const char *holder_unit_id;
	const char *stage, *status, *kind, *tag;
	const char *area_code; /* holder area within (league or county code) */
	const char *filed_from, *filed_to; /* YYYY-MM-DD inclusive */
	const char *due_before;            /* open matters due before (overdue lists) */
	const char *due_from, *due_to;     /* open matters due within [from,to] */
	int order_urgency;                 /* green first, then due date */
	int returned_twice;                /* returned (supplementary or transfer) twice or more */
	int green_only;                    /* green-channel matters only */
	/* visibility (authz_visibility_of): when vis_on, only matters held or once held by vis_unit_id or
	 * its sub-units, or by units of vis_kind (NULL = any) whose area is within vis_area_code */
	int vis_on;
	const char *vis_unit_id, *vis_kind, *vis_area_code;
	int limit, offset;
} store_matter_query;
int store_matter_search(store *db, const store_matter_query *q, arena *a, store_matter **out, size_t *out_n,
			int64_t *out_total, err *e);

typedef struct store_party {
	int64_t id, matter_id;
	int ord;
	const char *type, *name, *role, *id_type, *id_number, *sex, *birth_date, *id_warning;
} store_party;
int store_party_insert(store *db, const store_party *p, int64_t *out_id, err *e);
int store_party_list(store *db, int64_t matter_id, arena *a, store_party **out, size_t *out_n, err *e);

typedef struct store_case_number {
	int64_t id, matter_id;
	const char *unit_id, *stage, *number, *created_at;
} store_case_number;
/* The next gapless serial for (scope, type_code, year), inside the caller's transaction. */
int store_case_serial_next(store *db, const char *scope, const char *type_code, int year, int64_t *out, err *e);
int store_case_number_insert(store *db, const store_case_number *c, err *e);
int store_case_number_list(store *db, int64_t matter_id, arena *a, store_case_number **out, size_t *out_n, err *e);

/* ---- transfers ---- */
typedef struct store_transfer {
	int64_t id, matter_id;
	const char *action, *to_stage, *rule_id, *procedure, *from_unit_id, *to_unit_id, *to_area_code,
		*to_league_code, *status, *note, *reason, *manifest, *sent_at, *accept_due_on, *answered_at;
	int green;
	int64_t sent_by, answered_by;
} store_transfer;
int store_transfer_insert(store *db, const store_transfer *t, int64_t *out_id, err *e);
int store_transfer_get(store *db, int64_t id, arena *a, store_transfer *out, err *e);
/* The matter's pending transfer, or E_NOTFOUND. */
int store_transfer_pending(store *db, int64_t matter_id, arena *a, store_transfer *out, err *e);
/* Move a transfer from 'sent' to status; E_CONFLICT if it is no longer 'sent' (someone else won). */
int store_transfer_answer(store *db, int64_t id, const char *status, const char *reason, const char *at,
			  int64_t by, err *e);
typedef struct store_transfer_query {
	const char *to_unit_id, *from_unit_id, *status;
	int64_t matter_id;
	const char *area_code;       /* receiver within */
	const char *due_before;      /* accept_due_on < this (unanswered past their limit) */
	int limit, offset;
} store_transfer_query;
int store_transfer_list(store *db, const store_transfer_query *q, arena *a, store_transfer **out, size_t *out_n,
			int64_t *out_total, err *e);

/* ---- dossier files ---- */
typedef struct store_file {
	const char *sha256, *mime, *stored_at;
	int64_t size;
} store_file;
typedef struct store_matter_file {
	int64_t id, matter_id, uploaded_by, log_seq;
	const char *sha256, *name, *unit_id, *uploaded_at, *mime;
	int64_t size;
} store_matter_file;
int store_file_get(store *db, const char *sha256, arena *a, store_file *out, err *e);
int store_file_insert(store *db, const store_file *f, err *e);
int store_matter_file_insert(store *db, const store_matter_file *f, int64_t *out_id, err *e);
int store_matter_file_list(store *db, int64_t matter_id, arena *a, store_matter_file **out, size_t *out_n, err *e);
/* The first registration of a file (any matter), or E_NOTFOUND. */
int store_matter_file_first(store *db, const char *sha256, arena *a, store_matter_file *out, err *e);

/* ---- extensions ---- */
typedef struct store_extension {
	int64_t id, matter_id, requested_by, decided_by;
	const char *stage, *rule_id, *status, *reason, *basis, *requested_at, *decided_at, *decision_note;
} store_extension;
int store_extension_insert(store *db, const store_extension *x, int64_t *out_id, err *e);
int store_extension_get(store *db, int64_t id, arena *a, store_extension *out, err *e);
int store_extension_list(store *db, int64_t matter_id, arena *a, store_extension **out, size_t *out_n, err *e);
/* pending -> approved|refused; E_CONFLICT if already decided. */
int store_extension_decide(store *db, int64_t id, const char *status, int64_t by, const char *at, const char *note,
			   err *e);

/* ---- supervision counts ---- */
typedef struct store_supervision_row {
	const char *group;  /* league code, area code or unit id */
	int64_t open, overdue, due_soon, unanswered_transfers, returned_twice, green_misses;
} store_supervision_row;
/* Counts of open matters and pending transfers grouped by 'league' (holder league), 'area' (holder
 * area) or 'unit' (holder unit), restricted to holder areas within area_code (NULL = all).
 * today / soon are YYYY-MM-DD: overdue = due_on < today; due_soon = today <= due_on <= soon. */
int store_supervision_counts(store *db, const char *group_by, const char *area_code, const char *today,
			     const char *soon, arena *a, store_supervision_row **out, size_t *out_n, err *e);

#endif
