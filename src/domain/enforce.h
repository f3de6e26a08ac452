/*
 * enforce.h - what the enforcement modules share: their settings (time limits of assistance requests,
 * the funds limit, the publication grace of the dishonest-debtor list, the query-log delay), the
 * enforcement context of a matter (which court enforces it, under which 执 case number), the query
 * log of person lookups, and the read-side views built over all of them: the workbench, the
 * supervision counts and the metrics.
 *
 * The modules: assist (查人找物 requests to the police), control (detention, consumption and exit
 * restriction orders, and the police person check), debtor (the dishonest-debtor list, its public
 * query and the restriction check) and ledger (case funds). Each write runs in one store transaction
 * with its events (audit.h); every lookup of a person's data is a row in person_lookups and an event.
 *
 * A matter is an enforcement matter when it has a court case number of the enforcement stage: filed
 * directly as kind "enforcement", or a civil or administrative matter that entered the stage
 * "enforcement" (flow.c). It may act (requests, orders, listings) while it is open in that stage.
 */
#ifndef CB_ENFORCE_H
#define CB_ENFORCE_H

#include "core/config.h"
#include "core/err.h"
#include "core/mem.h"
#include "domain/org.h"
#include "domain/principal.h"
#include "store/store.h"

#include <jansson.h>

/* The kinds of assistance a court asks of the police, in this order everywhere. */
enum assist_kind {
	ASSIST_LOCATE,
	ASSIST_CONSUMPTION,
	ASSIST_MOVEMENT,
	ASSIST_VEHICLES,
	ASSIST_DETAIN,
	ASSIST_SEIZE,
	ASSIST__COUNT
};
extern const char *const assist_kind_names[ASSIST__COUNT];  /* "locate", ... */
extern const char *const assist_kind_labels[ASSIST__COUNT]; /* zh-CN */
/* The kind's index, or -1. */
int assist_kind_parse(const char *name);

typedef struct enforce_settings {
	int assist_days[ASSIST__COUNT]; /* working days to answer; 0 = the same day */
	int funds_due_days;             /* calendar days from arrival to disbursement */
	int debtor_grace_days;          /* days from the notice to publication */
	int query_log_delay_days;       /* days before a lookup shows in the person's query log */
	int query_code_days;            /* days a one-time query-log code is valid */
} enforce_settings;
/* The defaults: 5 working days (detention the same day; data/time_limit_rules.csv assistance_request and
 * assistance_detention), 30 days for funds (funds_disbursement), 3 days grace, 30 days delay. */
void enforce_settings_default(enforce_settings *out);
void enforce_settings_from_config(const config *cfg, enforce_settings *out);

/* The enforcement context of a matter. Strings live in the arena. */
typedef struct enforce_matter {
	store_matter m;
	const org_unit *court; /* the enforcing court (the top court that gave the 执 number) */
	const char *case_number;
	const char *filed_on; /* the enforcement case's filing day */
	int active;           /* open and in the enforcement stage */
} enforce_matter;
/* E_NOTFOUND if there is no such matter, E_CONFLICT if it is not an enforcement matter. */
int enforce_matter_load(store *db, int64_t matter_id, arena *a, enforce_matter *out, err *e);
/* The same, and E_CONFLICT unless it is open in the enforcement stage. */
int enforce_matter_active(store *db, int64_t matter_id, arena *a, enforce_matter *out, err *e);

/* The unit itself or, for a sub-unit (执行局), the top unit above it; NULL if unknown. */
const org_unit *enforce_top_unit(const char *unit_id);
/* The league (prefecture) of an area: itself for a league or the region. */
const char *enforce_league_of(const char *area_code);

/* A business day: in (YYYY-MM-DD, checked; not after today) or today when in is NULL. */
int enforce_day(const char *in, const char *field, char out[11], err *e);
/* The time stamp of a step on a business day: now for today, 09:00 Beijing time for a past day
 * (back-dated entries such as the demo data). out: 32 bytes. */
void enforce_stamp(const char *day, char out[32]);
/* day + n calendar days (YYYY-MM-DD). */
void enforce_add_days(const char *day, long n, char out[11]);

/* audit_change for integers: old NULL = no old value. OK or E_NOMEM. (audit_change borrows its
 * values, so a fresh json_integer passed to it would leak.) */
int enforce_change_int(json_t *payload, const char *field, const int64_t *old_value, int64_t new_value);

/* Record a lookup of a person's data (row and event person.looked_up) in the caller's transaction.
 * l->actor_* and l->at are filled from who. */
int enforce_lookup_record(store *db, const principal *who, store_person_lookup *l, err *e);

/* The events of one enforcement object (entity type and id), oldest first, with who, when and the
 * changed fields: its trace. Never NULL unless out of memory. */
json_t *enforce_trace_json(store *db, const char *entity_type, int64_t id, arena *a);

/* A one-time code for the query log, issued by an officer who has checked the person's identity
 * document in person (reason says how): valid s->query_code_days, stored hashed, shown once. *out:
 * {id, code, expires_at, id_number (masked)}. Writes query_code.issued. */
int enforce_query_code_issue(store *db, const principal *who, const enforce_settings *s, const char *id_number,
                             const char *name, const char *reason, arena *a, json_t **out, err *e);
/* The query log as the person sees it, for the ID number and one of its codes (used up by this call):
 * lookups older than the delay, with the unit, purpose, matter's case number and basis, not the
 * officer. A wrong, used or expired code is E_FORBIDDEN (field "code") and counts like a wrong
 * password: AUTH_MAX_FAILURES of them lock the ID number for AUTH_LOCK_SECONDS (E_LOCKED). */
int enforce_query_log(store *db, const enforce_settings *s, const char *id_number, const char *code, arena *a,
                      json_t **out, err *e);
/* Every lookup of an ID number, with the officer, for auditors. */
int enforce_lookup_list(store *db, const char *id_number, arena *a, json_t **out, err *e);

/* The enforcement part of a unit's workbench: for police, the assistance items to answer (overdue
 * first); for courts, requests sent with overdue items, unidentified and overdue funds, disbursements
 * awaiting approval. */
int enforce_workbench(store *db, const principal *who, arena *a, json_t **out, err *e);
/* Counts per unit within an area (police: assistance pending and overdue, response statistics;
 * courts: orders in force, live listings, unidentified and overdue funds). */
int enforce_supervision(store *db, const char *area_code, arena *a, json_t **out, err *e);
/* Metrics per court within an area (or one court) for [from, to], from the events and the ledger. */
int enforce_metrics(store *db, const char *area_code, const char *court_unit_id, const char *from, const char *to,
                    arena *a, json_t **out, err *e);

/* The zh-CN label of an enforcement event type (assist.*, control.*, debtor.*, ledger.*,
 * query_code.*), or NULL when it is not one. */
const char *enforce_event_label(const char *event_type);

/* The conditions of a closing step (flow_step.precondition; "no_assets": 法〔2016〕373号 art. 1, not
 * before three months from filing, a consumption-restriction order issued in the matter, at least one
 * assistance item answered), checked as of today in the caller's transaction. OK, or E_CONFLICT with
 * field naming the first condition missing and a message listing every one. */
int enforce_close_check(store *db, int64_t matter_id, const char *precondition, const char *today, arena *a, err *e);

/* What a sweep wrote. */
typedef struct enforce_sweep_result {
	int orders_expired, listings_expired, listings_published;
} enforce_sweep_result;
/* Write, once each, the events of what the calendar did by today (YYYY-MM-DD): control orders past
 * their last day (control.expired), listings past theirs (debtor.expired) and listings whose grace
 * after notice has ended (debtor.published). Each in its own transaction with its event, by the system;
 * a second sweep, or two at once, write nothing twice. Reads do not wait for it: they judge by dates. */
int enforce_sweep(store *db, const char *today, enforce_sweep_result *out, err *e);
/* The server's background sweeper: a thread with its own connection to db_path that sweeps at start
 * and then every interval_seconds (config enforce-sweep-interval). Stop joins it. */
int enforce_sweeper_start(const char *db_path, int interval_seconds, err *e);
void enforce_sweeper_stop(void);

#endif
