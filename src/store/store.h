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

/* The durability of connections opened from now on: "full" (every commit is on disk before it
 * returns: the server's default, so an acknowledged transfer survives a power loss) or "normal" (WAL
 * commits reach the disk at checkpoints: an application crash loses nothing, a power loss may lose
 * the last commits). E_INVALID naming "synchronous" otherwise. Call before opening connections. */
int store_set_synchronous(const char *mode, err *e);

/* Group commit (the server). store_group_start opens one shared writer connection to path; from then
 * on every store_tx_begin in this process runs as a savepoint inside the writer's open batch, and
 * store_tx_commit returns only when the batch holding it has committed: the transactions of
 * concurrent requests share one COMMIT (one disk sync at synchronous=full) instead of one each.
 * A transaction's own rollback undoes only its savepoint; a failed batch COMMIT fails every
 * transaction in it (E_STORE), none is reported committed unless it is. The batch is committed as
 * soon as no other transaction is waiting to begin (at synchronous=full: and no WAL sync is running;
 * else the syncer commits it when its sync ends), or when it holds max_batch transactions.
 * The writer keeps a page cache of cache_mib MiB (0: the 4 MB of every connection): it is the one
 * connection whose cache survives other connections' writes, and it touches the indexes' pages.
 * store_group_stop commits what is open and closes the writer; transactions must have ended. */
int store_group_start(const char *path, int max_batch, int cache_mib, err *e);
void store_group_stop(void);
/* Counters since store_group_start. */
typedef struct store_group_counters {
	int64_t batches, transactions, failed; /* batches committed, transactions in them, batches failed */
	int64_t syncs;                         /* WAL syncs (synchronous=full) */
	int64_t frames;                        /* WAL frames (pages) the COMMITs appended */
	int64_t held_ms;                       /* transactions holding the writer, their COMMITs included */
	int64_t commit_ms;                     /* of that, in COMMIT */
	int64_t sync_ms;                       /* in WAL syncs, outside the writer's lock */
	int64_t checkpoints, checkpoint_ms;    /* WAL checkpoints, and their time holding the writer */
} store_group_counters;
void store_group_stats(store_group_counters *out);

/* Read-only snapshot for consistent multi-query reads (BEGIN DEFERRED ... COMMIT). */
int store_read_begin(store *db, err *e);
/* How many times this handle's cached statements were compiled again by SQLite since they were
 * prepared (SQLITE_STMTSTATUS_REPREPARE summed). A statement whose bound value decides its plan (a
 * partial index's WHERE against a bound status, a LIKE pattern) is recompiled on every run; the
 * read paths must not have any (test_reads.c). */
int64_t store_stat_reprepares(store *db);
void store_read_end(store *db);

/* ---- meta: key/value facts about this database (demo flag, hash algorithm, created_at) ---- */
int store_meta_get(store *db, const char *key, arena *a, char **out_value, err *e); /* E_NOTFOUND if absent */
int store_meta_set(store *db, const char *key, const char *value, err *e);          /* in a tx */

/* ---- events: the audit trail every write appends to ---- */
typedef struct store_event {
	int64_t seq;               /* gapless from 1 */
	const char *at;            /* UTC ISO-8601 with ms */
	int64_t actor_user_id;     /* 0 = system */
	const char *actor_unit_id; /* may be NULL */
	const char *entity_type;   /* "unit", "user", "matter", ... */
	const char *entity_id;
	const char *event_type; /* "matter.created", ... */
	const char *payload;    /* JSON text */
	const char *subject;    /* public subject (file SHA-256 of a registration), may be NULL */
	unsigned char leaf_hash[32];
	int has_leaf_hash;
} store_event;

/* Append ev; at is assigned when NULL. seq must be 0 (assigned here) or the next number (the log
 * computes the entry's hash with it first); another value is E_INTEGRITY. *out_seq gets the sequence. */
int store_event_append(store *db, store_event *ev, int64_t *out_seq, err *e);
int store_event_count(store *db, int64_t *out_n, err *e);
int store_event_get(store *db, int64_t seq, arena *a, store_event *out, err *e);
/* Events of one entity, oldest first (at most limit, from after_seq). */
/* A matter's history: its own events and those of the enforcement objects of the matter (assistance
 * requests, control orders, listings, its ledger accounts, receipts and disbursements), by seq. */
int store_event_list_matter(store *db, int64_t matter_id, arena *a, store_event **out, size_t *out_n, err *e);
int store_event_list_entity(store *db, const char *entity_type, const char *entity_id, int64_t after_seq, int limit,
                            arena *a, store_event **out, size_t *out_n, err *e);
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
/* Outside any transaction (it is its own, through the writer), no event: the idle clock only (see the
 * header comment). */
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
 * filed_at) and differ from was, the row as read in this transaction (NULL: all of them), and bump
 * the version; E_CONFLICT if the row's version is no longer was->version (m->version without was). */
int store_matter_update(store *db, const store_matter *was, const store_matter *m, err *e);
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
	const char *area_code;             /* holder area within (league or county code) */
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
	const char *action, *to_stage, *rule_id, *procedure, *from_unit_id, *to_unit_id, *to_area_code, *to_league_code,
	        *status, *note, *reason, *manifest, *sent_at, *accept_due_on, *answered_at;
	int green;
	int64_t sent_by, answered_by;
} store_transfer;
int store_transfer_insert(store *db, const store_transfer *t, int64_t *out_id, err *e);
int store_transfer_get(store *db, int64_t id, arena *a, store_transfer *out, err *e);
/* The matter's pending transfer, or E_NOTFOUND. */
int store_transfer_pending(store *db, int64_t matter_id, arena *a, store_transfer *out, err *e);
/* Move a transfer from 'sent' to status; E_CONFLICT if it is no longer 'sent' (someone else won). */
int store_transfer_answer(store *db, int64_t id, const char *status, const char *reason, const char *at, int64_t by,
                          err *e);
typedef struct store_transfer_query {
	const char *to_unit_id, *from_unit_id, *status;
	int64_t matter_id;
	const char *area_code;  /* receiver within */
	const char *due_before; /* accept_due_on < this (unanswered past their limit) */
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
	const char *group; /* league code, area code or unit id */
	int64_t open, overdue, due_soon, unanswered_transfers, returned_twice, green_misses;
} store_supervision_row;
/* Counts of open matters and pending transfers grouped by 'league' (holder league), 'area' (holder
 * area) or 'unit' (holder unit), restricted to holder areas within area_code (NULL = all).
 * today / soon are YYYY-MM-DD: overdue = due_on < today; due_soon = today <= due_on <= soon. */
int store_supervision_counts(store *db, const char *group_by, const char *area_code, const char *today,
                             const char *soon, arena *a, store_supervision_row **out, size_t *out_n, err *e);

/* ==== enforcement (migration 0005, sqlite_enforce.c) ==== */

/* ---- control orders: judicial detention, consumption restriction, exit restriction ---- */
typedef struct store_control_order {
	int64_t id, matter_id, party_id, issued_by, ended_by; /* party_id 0 = not a party of the matter */
	const char *court_unit_id, *kind, *subject_type, *name, *id_type, *id_number, *basis, *reason;
	const char *valid_from, *valid_to, *status, *issued_at, *ended_at,
	        *end_reason; /* valid_to NULL = until lifted */
} store_control_order;
int store_control_order_insert(store *db, const store_control_order *o, int64_t *out_id, err *e);
int store_control_order_get(store *db, int64_t id, arena *a, store_control_order *out, err *e);
typedef struct store_control_order_query {
	int64_t matter_id;     /* 0 = any */
	const char *id_number; /* the subject, exact */
	const char *kind;
	const char *in_force_on; /* YYYY-MM-DD: only active orders in force that day */
	int limit, offset;
} store_control_order_query;
int store_control_order_list(store *db, const store_control_order_query *q, arena *a, store_control_order **out,
                             size_t *out_n, err *e);
/* active -> revoked with who, when and why; E_CONFLICT if it is no longer active. */
int store_control_order_end(store *db, int64_t id, const char *at, int64_t by, const char *reason, err *e);

/* ---- assistance requests (查人找物) ---- */
typedef struct store_assist_request {
	int64_t id, matter_id, sent_by;
	const char *court_unit_id, *court_area_code, *court_league_code, *police_unit_id, *police_area_code,
	        *police_league_code, *basis, *note, *status, *sent_on, *sent_at, *answered_at;
	int64_t n_items, n_answered, n_overdue; /* read: its items, answered, pending past due (as of `today`) */
} store_assist_request;
typedef struct store_assist_item {
	int64_t id, request_id, party_id, order_id, answered_by; /* 0 = none */
	int ord, found;                                          /* found: -1 while pending */
	const char *name, *id_type, *id_number, *kind, *police_unit_id, *police_area_code, *police_league_code;
	const char *sent_on, *due_on, *status, *findings, *action_taken, *attachments, *answered_on, *answered_at;
} store_assist_item;
int store_assist_request_insert(store *db, const store_assist_request *r, int64_t *out_id, err *e);
/* The request with its item counts; today (YYYY-MM-DD) decides n_overdue. */
int store_assist_request_get(store *db, int64_t id, const char *today, arena *a, store_assist_request *out, err *e);
/* open -> answered (all items answered); no-op when already answered. */
int store_assist_request_close(store *db, int64_t id, const char *at, err *e);
typedef struct store_assist_query {
	const char *unit_id;                        /* requests sent or received by this unit or its sub-units */
	const char *police_unit_id, *court_unit_id; /* exact, with sub-units */
	const char *area_code; /* police or court area within (league or county code; 150000 = all) */
	const char *police_area_code, *court_area_code; /* that side's unit within the area */
	int64_t matter_id;
	const char *status; /* open | answered */
	const char *today;  /* for n_overdue and overdue_only */
	int overdue_only;   /* only requests with pending items past due */
	int limit, offset;
} store_assist_query;
int store_assist_request_list(store *db, const store_assist_query *q, arena *a, store_assist_request **out,
                              size_t *out_n, int64_t *out_total, err *e);
int store_assist_item_insert(store *db, const store_assist_item *it, int64_t *out_id, err *e);
int store_assist_item_get(store *db, int64_t id, arena *a, store_assist_item *out, err *e);
int store_assist_item_list(store *db, int64_t request_id, arena *a, store_assist_item **out, size_t *out_n, err *e);
/* pending -> answered; E_CONFLICT when it was answered already (concurrent answers: one wins). */
int store_assist_item_answer(store *db, const store_assist_item *it, err *e);
/* Pending items past due (due_on < today) of a police unit (with sub-units) or within an area. */
int store_assist_item_overdue(store *db, const char *police_unit_id, const char *area_code, const char *today,
                              int limit, arena *a, store_assist_item **out, size_t *out_n, int64_t *out_total, err *e);
/* Response statistics per police unit, for units within area_code (NULL = all) or one unit. */
typedef struct store_assist_stat {
	const char *police_unit_id;
	int64_t items, answered, pending, overdue, answered_late, found;
	double avg_days, max_days; /* answered items: days from sending to answering (fractional) */
} store_assist_stat;
int store_assist_stats(store *db, const char *area_code, const char *police_unit_id, const char *from, const char *to,
                       const char *today, arena *a, store_assist_stat **out, size_t *out_n, err *e);

/* ---- the query log: lookups of a person's data ---- */
typedef struct store_person_lookup {
	int64_t id, matter_id, actor_user_id; /* matter_id 0 = none */
	const char *id_number, *name, *purpose, *what, *case_ref, *basis, *actor_unit_id, *at;
} store_person_lookup;
int store_person_lookup_insert(store *db, const store_person_lookup *l, int64_t *out_id, err *e);
/* Lookups of id_number at or before `until` (ISO time; NULL = all), newest first. */
int store_person_lookup_list(store *db, const char *id_number, const char *until, int limit, arena *a,
                             store_person_lookup **out, size_t *out_n, err *e);

/* ---- the dishonest-debtor list ---- */
typedef struct store_listing {
	int64_t id, matter_id, party_id, created_by, removed_by;
	int age, years; /* -1 = none (organisations; no fixed term) */
	const char *court_unit_id, *subject_type, *name, *id_type, *id_number, *sex, *legal_representative;
	const char *court_name, *province, *case_number, *filed_on, *source_doc_number, *source_doc_issuer;
	const char *obligation, *ground, *conduct, *decided_on, *expires_on, *notified_on, *notice_method;
	const char *publish_on, *status, *removed_on, *removal_reason, *removal_note, *created_at, *removed_at;
} store_listing;
int store_listing_insert(store *db, const store_listing *l, int64_t *out_id, err *e);
int store_listing_get(store *db, int64_t id, arena *a, store_listing *out, err *e);
typedef struct store_listing_query {
	int64_t matter_id;
	const char *court_unit_id;    /* with sub-units */
	const char *id_number, *name; /* exact */
	const char *status;           /* listed | removed */
	const char *live_on;          /* YYYY-MM-DD: listed and not expired that day */
	const char *published_on;     /* YYYY-MM-DD: published by that day (publish_on <= day) */
	int limit, offset;
} store_listing_query;
int store_listing_list(store *db, const store_listing_query *q, arena *a, store_listing **out, size_t *out_n,
                       int64_t *out_total, err *e);
/* Record the notice (once): E_CONFLICT when notified already or removed. */
int store_listing_notice(store *db, int64_t id, const char *notified_on, const char *method, const char *publish_on,
                         err *e);
/* listed -> removed; E_CONFLICT when it is not listed. */
int store_listing_remove(store *db, int64_t id, const char *on, const char *reason, const char *note, const char *at,
                         int64_t by, err *e);
/* Published listings that ended (removed, or expired before today), newest end first. */
int store_listing_ended(store *db, const char *today, const char *since, int limit, arena *a, store_listing **out,
                        size_t *out_n, err *e);

/* ---- migration 0008 ---- */
/* For the conditions of 终本: consumption-restriction orders ever issued in the matter, and assistance
 * items answered in it. */
int store_enforce_matter_facts(store *db, int64_t matter_id, int64_t *out_consumption_orders,
                               int64_t *out_answered_items, err *e);
/* Active orders whose last day is before today and whose expiry has no event yet (at most limit). */
int store_control_order_to_expire(store *db, const char *today, int limit, arena *a, store_control_order **out,
                                  size_t *out_n, err *e);
/* Note that the expiry event was written; E_CONFLICT when it was already. */
int store_control_order_mark_expired(store *db, int64_t id, const char *at, err *e);
/* Listed entries whose publication day has come (publication 1) or whose last day has passed
 * (publication 0) without the event yet. */
int store_listing_to_sweep(store *db, int publication, const char *today, int limit, arena *a, store_listing **out,
                           size_t *out_n, err *e);
/* Note that the publication (1) or expiry (0) event was written; E_CONFLICT when it was already. */
int store_listing_mark_swept(store *db, int64_t id, int publication, const char *at, err *e);

/* One-time query-log codes; only the hash is stored. */
typedef struct store_query_code {
	int64_t id, issued_by;
	const char *id_number, *code_hash, *reason, *issued_at, *issued_unit_id, *expires_at, *used_at;
} store_query_code;
int store_query_code_insert(store *db, const store_query_code *c, int64_t *out_id, err *e);
/* E_NOTFOUND (field "code") when no code has this hash. */
int store_query_code_find(store *db, const char *code_hash, arena *a, store_query_code *out, err *e);
/* Mark used (once); E_CONFLICT when it was used already. */
int store_query_code_use(store *db, int64_t id, const char *at, err *e);
/* Wrong codes per ID number (0, 0 when none). */
int store_query_code_failures(store *db, const char *id_number, int *out_failed, int64_t *out_locked_until, err *e);
int store_query_code_failures_set(store *db, const char *id_number, int failed, int64_t locked_until, err *e);

/* ---- enforcement counts for supervision (per court or police unit within an area) ---- */
typedef struct store_enforce_count {
	const char *unit_id;
	int64_t assist_pending, assist_overdue, orders_active, listings_live;
} store_enforce_count;
int store_enforce_counts(store *db, const char *area_code, const char *today, arena *a, store_enforce_count **out,
                         size_t *out_n, err *e);
/* Matter events of the given types in [from, to] (business dates from the payload), one row per event,
 * ordered by matter, date and log order: the matter, the acting unit, the date, the type. A
 * matter.filed event counts only for matters of kind enforcement. For the metrics; read from their
 * index alone (events_enforcement, migration 0013), so a type it does not hold is E_INTERNAL. */
typedef struct store_enforce_event {
	int64_t matter_id;
	const char *unit_id, *on, *event_type;
	const char *manner; /* how a closing step ended it (NULL when not recorded) */
} store_enforce_event;
int store_enforce_events(store *db, const char *const *event_types, size_t n_types, const char *from, const char *to,
                         arena *a, store_enforce_event **out, size_t *out_n, err *e);

/* ==== case funds (migration 0006, sqlite_ledger.c); amounts in fen ==== */
typedef struct store_ledger_account {
	int64_t id, matter_id, amount_applied, debit_total, credit_total; /* amount_applied -1 = not set */
	const char *court_unit_id, *kind, *opened_at;                     /* kind: bank|unidentified|matter|fees */
} store_ledger_account;
/* The court's account of a kind (matter_id 0) or a matter's; E_NOTFOUND when not opened. */
int store_ledger_account_find(store *db, const char *court_unit_id, const char *kind, int64_t matter_id, arena *a,
                              store_ledger_account *out, err *e);
int store_ledger_account_get(store *db, int64_t id, arena *a, store_ledger_account *out, err *e);
/* A matter's case-funds account in two numbers, for reads that ask it of many matters (the metrics
 * ask it of every closed case): the amount applied for (-1 when not registered) and the credits.
 * E_NOTFOUND when the matter has no account. Copies nothing, so it needs no arena. */
int store_ledger_matter_amounts(store *db, int64_t matter_id, int64_t *out_applied, int64_t *out_credited, err *e);
/* The same of every matter that has an account, ordered by matter: one pass, for a read that would
 * otherwise ask it of most of them (the region's metrics of all time). */
typedef struct store_matter_amounts {
	int64_t matter_id, applied, credited; /* applied -1 = not registered */
} store_matter_amounts;
int store_ledger_matter_amounts_all(store *db, arena *a, store_matter_amounts **out, size_t *out_n, err *e);
int store_ledger_account_insert(store *db, const store_ledger_account *acc, int64_t *out_id, err *e);
int store_ledger_account_set_applied(store *db, int64_t id, int64_t amount_applied, err *e);
/* Accounts of a court (NULL = all) and/or a matter (0 = all). */
int store_ledger_account_list(store *db, const char *court_unit_id, int64_t matter_id, arena *a,
                              store_ledger_account **out, size_t *out_n, err *e);
/* Add debit and credit to an account's running totals; E_CONFLICT (nothing changed) when its balance
 * would fall below zero. */
int store_ledger_account_apply(store *db, int64_t id, int64_t debit, int64_t credit, err *e);

typedef struct store_ledger_posting {
	int64_t id, matter_id, amount, by_user;
	const char *court_unit_id, *kind, *idempotency_key, *on_date, *at, *memo;
} store_ledger_posting;
typedef struct store_ledger_entry {
	int64_t id, posting_id, account_id, debit, credit;
} store_ledger_entry;
/* E_CONFLICT when the idempotency key was used by another posting. */
int store_ledger_posting_insert(store *db, const store_ledger_posting *p, int64_t *out_id, err *e);
int store_ledger_entry_insert(store *db, const store_ledger_entry *en, err *e);
/* Postings of a court and/or matter and/or touching an account, newest first. */
int store_ledger_posting_list(store *db, const char *court_unit_id, int64_t matter_id, int64_t account_id, int limit,
                              int offset, arena *a, store_ledger_posting **out, size_t *out_n, err *e);
int store_ledger_entry_list(store *db, int64_t posting_id, arena *a, store_ledger_entry **out, size_t *out_n, err *e);
/* Checks: postings after after_id whose entries do not balance (or have fewer than two entries);
 * accounts whose running totals differ from the sum of their entries. */
int store_ledger_unbalanced(store *db, int64_t after_id, int64_t *out_n, err *e);
int store_ledger_drift(store *db, int64_t *out_n, err *e);
int store_ledger_posting_max(store *db, int64_t *out_id, err *e);

/* Idempotency keys. get: E_NOTFOUND when the key is new. */
typedef struct store_ledger_request {
	const char *key, *court_unit_id, *op, *fingerprint, *response, *created_at;
	int64_t created_by;
} store_ledger_request;
int store_ledger_request_get(store *db, const char *key, arena *a, store_ledger_request *out, err *e);
int store_ledger_request_insert(store *db, const store_ledger_request *r, err *e);

typedef struct store_ledger_receipt {
	int64_t id, matter_id, amount, disbursed, posting_id, match_posting_id, bank_line_id; /* 0 = none */
	const char *court_unit_id, *source, *payer, *reference, *received_on, *due_on, *matched_on, *created_at;
} store_ledger_receipt;
int store_ledger_receipt_insert(store *db, const store_ledger_receipt *r, int64_t *out_id, err *e);
int store_ledger_receipt_get(store *db, int64_t id, arena *a, store_ledger_receipt *out, err *e);
typedef struct store_ledger_receipt_query {
	const char *court_unit_id;
	int64_t matter_id;
	int unidentified;           /* only receipts not yet matched to a matter */
	const char *overdue_before; /* case funds still held after their due day: due_on < this */
	int outstanding;            /* only case funds not fully disbursed */
	const char *from, *to;      /* received_on within */
	int bank_unmatched;         /* not yet matched to a bank statement line */
	int oldest_first;
	int limit, offset;
} store_ledger_receipt_query;
int store_ledger_receipt_list(store *db, const store_ledger_receipt_query *q, arena *a, store_ledger_receipt **out,
                              size_t *out_n, int64_t *out_total, err *e);
/* The matter's case-funds receipts still (partly) held, oldest first (disbursement allocation). */
int store_ledger_receipt_held(store *db, int64_t matter_id, int limit, arena *a, store_ledger_receipt **out,
                              size_t *out_n, err *e);
/* Unidentified -> matter; E_CONFLICT when it was matched already. */
int store_ledger_receipt_match(store *db, int64_t id, int64_t matter_id, int64_t posting_id, const char *on, err *e);
int store_ledger_receipt_add_disbursed(store *db, int64_t id, int64_t amount, err *e);
int store_ledger_receipt_set_bank_line(store *db, int64_t id, int64_t line_id, err *e);
/* The receipt posted under an idempotency key (0 when none). */
int store_ledger_receipt_by_key(store *db, const char *key, int64_t *out_id, err *e);

typedef struct store_ledger_disbursement {
	int64_t id, matter_id, amount, requested_by, decided_by, posting_id, bank_line_id; /* 0 = none */
	const char *court_unit_id, *kind, *payee_name, *payee_account, *payee_bank, *note, *status;
	const char *requested_at, *decided_at, *decision_note, *on_date;
} store_ledger_disbursement;
int store_ledger_disbursement_insert(store *db, const store_ledger_disbursement *d, int64_t *out_id, err *e);
int store_ledger_disbursement_get(store *db, int64_t id, arena *a, store_ledger_disbursement *out, err *e);
int store_ledger_disbursement_list(store *db, const char *court_unit_id, int64_t matter_id, const char *status,
                                   const char *from, const char *to, int bank_unmatched, int limit, arena *a,
                                   store_ledger_disbursement **out, size_t *out_n, err *e);
/* requested -> posted|refused; E_CONFLICT when decided already. */
int store_ledger_disbursement_decide(store *db, const store_ledger_disbursement *d, err *e);
/* Sum of requested (not yet decided) disbursements of a matter's account kind. */
int store_ledger_disbursement_pending(store *db, int64_t matter_id, const char *kind, int64_t *out_sum, err *e);
int store_ledger_disbursement_set_bank_line(store *db, int64_t id, int64_t line_id, err *e);

typedef struct store_ledger_bank_line {
	int64_t id, import_id, amount, receipt_id, disbursement_id;
	int line_no;
	const char *on_date, *reference, *payer, *match_rule;
} store_ledger_bank_line;
typedef struct store_ledger_bank_import {
	int64_t id, n_lines, n_matched, imported_by;
	const char *court_unit_id, *first_on, *last_on, *report, *imported_at;
} store_ledger_bank_import;
int store_ledger_bank_import_insert(store *db, const store_ledger_bank_import *im, int64_t *out_id, err *e);
int store_ledger_bank_import_set_report(store *db, int64_t id, int64_t n_matched, const char *report, err *e);
int store_ledger_bank_import_get(store *db, int64_t id, arena *a, store_ledger_bank_import *out, err *e);
int store_ledger_bank_import_list(store *db, const char *court_unit_id, int limit, arena *a,
                                  store_ledger_bank_import **out, size_t *out_n, err *e);
int store_ledger_bank_line_insert(store *db, const store_ledger_bank_line *l, int64_t *out_id, err *e);

/* Reconciliation: for every account of a court, totals before the day and on the day (by value date). */
typedef struct store_ledger_day_row {
	int64_t account_id, matter_id;
	const char *kind;
	int64_t debit_before, credit_before, debit_on, credit_on, debit_total, credit_total;
} store_ledger_day_row;
int store_ledger_day_totals(store *db, const char *court_unit_id, const char *on_date, arena *a,
                            store_ledger_day_row **out, size_t *out_n, err *e);
typedef struct store_ledger_reconciliation {
	int64_t id, created_by;
	int ok;
	const char *court_unit_id, *on_date, *report, *created_at;
} store_ledger_reconciliation;
int store_ledger_reconciliation_insert(store *db, const store_ledger_reconciliation *r, int64_t *out_id, err *e);
int store_ledger_reconciliation_list(store *db, const char *court_unit_id, int limit, arena *a,
                                     store_ledger_reconciliation **out, size_t *out_n, err *e);

/* What the receipts say each account should hold: case funds still held per matter (amount -
 * disbursed), court fees (fee receipts - posted fee refunds) and unidentified receipts, per court. */
typedef struct store_ledger_held {
	int64_t matter_id; /* 0 for the unidentified account */
	const char *kind;  /* matter | fees | unidentified */
	int64_t held;
} store_ledger_held;
int store_ledger_held_list(store *db, const char *court_unit_id, arena *a, store_ledger_held **out, size_t *out_n,
                           err *e);
/* Courts that have ledger accounts. */
int store_ledger_courts(store *db, arena *a, const char ***out, size_t *out_n, err *e);

/* Per court within an area: unidentified and overdue case funds (as of today), requests awaiting
 * approval, and the funds received and disbursed in [from, to] (value dates). */
typedef struct store_ledger_summary {
	const char *court_unit_id;
	int64_t unidentified_n, unidentified_amount, overdue_n, overdue_amount, awaiting_n, awaiting_amount;
	int64_t received, disbursed, refunded;
} store_ledger_court_summary;
int store_ledger_summaries(store *db, const char *area_code, const char *court_unit_id, const char *today,
                           const char *from, const char *to, arena *a, store_ledger_court_summary **out, size_t *out_n,
                           err *e);

#endif
