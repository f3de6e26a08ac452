/*
 * matter.h - matters and their flow: filing with parties, actions from the transition table (flow.h),
 * transfers that the receiver accepts or returns, case numbers, time limits and their extensions,
 * tags, views and history. Every write runs in one transaction with its events (audit.h); every
 * open matter has exactly one holder and one running clock.
 *
 * Authorization is not decided here: the API loads a matter's scope (matter_scope), asks
 * authz_decide, and then calls these functions, which re-check the state inside their transaction
 * (a concurrent change answers E_CONFLICT).
 */
#ifndef CB_MATTER_H
#define CB_MATTER_H

#include "core/err.h"
#include "core/mem.h"
#include "domain/authz.h"
#include "domain/principal.h"
#include "store/store.h"

#include <jansson.h>

typedef struct matter_party_in {
	const char *type; /* person | organization */
	const char *name;
	const char *role;    /* suspect, defendant, victim, plaintiff, third_party, creditor, debtor */
	const char *id_type; /* resident_id | passport | credit_code | NULL */
	const char *id_number;
} matter_party_in;

typedef struct matter_new {
	const char *kind; /* criminal | civil | administrative | enforcement */
	const char *summary;
	const char *const *tags; /* enterprise_related, green_channel */
	size_t n_tags;
	const matter_party_in *parties;
	size_t n_parties;
	int detained;            /* criminal: the suspect is detained (arrest request clock) */
	const char *unit_number; /* the filing unit's own number, entered (else generated) */
	const char *filed_on;    /* YYYY-MM-DD, default today (demo data files in the past) */
} matter_new;

typedef struct matter_act_in {
	const char *note;
	const char *reason;
	const char *procedure;       /* ordinary | summary | fast_track | small_claims */
	const char *to_unit_id;      /* receiver; default the counterpart the table names */
	const char *const *manifest; /* dossier sha256s that travel; NULL = all */
	size_t n_manifest;
	const char *on;     /* YYYY-MM-DD the step happened, default today (demo data) */
	const char *manner; /* how a closing step ended it (flow_manners), for FLOW_NEEDS_MANNER steps */
} matter_act_in;

/* The scope of a matter for authz_decide; strings live in arena. Also reports the version. */
typedef struct matter_scope {
	authz_scope scope;
	int64_t id;
	const char *status;
} matter_scope;

int matter_scope_load(store *db, int64_t id, arena *a, matter_scope *out, err *e);

/* File a new matter at who's unit. Parties are validated (resident ID check incl. birth date; a failed
 * credit-code check only warns: *out_warnings gets a JSON array, may be NULL). */
int matter_file(store *db, const principal *who, const matter_new *in, int64_t *out_id, json_t **out_warnings, err *e);
/* The same, and *out_view the matter's page for who as matter_view renders it, from what the filing
 * wrote (not read back): the state its commit left, which a matter_view right after returns too.
 * Strings in a; the caller owns *out_view. */
int matter_file_view(store *db, const principal *who, const matter_new *in, arena *a, int64_t *out_id,
                     json_t **out_view, json_t **out_warnings, err *e);

/* Take an action from the transition table. A step that hands the matter to another unit creates a
 * transfer (*out_transfer_id); others change the stage at once. E_CONFLICT lists the allowed steps. */
int matter_act(store *db, const principal *who, int64_t id, const char *action, const matter_act_in *in,
               int64_t *out_transfer_id, err *e);
/* The same, and *out_view the matter's page for who as matter_view renders it, read inside the write
 * transaction before its commit: the state the commit leaves. Strings in a; the caller owns *out_view. */
int matter_act_view(store *db, const principal *who, int64_t id, const char *action, const matter_act_in *in,
                    int64_t *out_transfer_id, arena *a, json_t **out_view, err *e);

/* Transfers: the receiver accepts or returns (with a reason); the sender may withdraw. */
int transfer_accept(store *db, const principal *who, int64_t transfer_id, const char *on, err *e);
int transfer_return(store *db, const principal *who, int64_t transfer_id, const char *reason, err *e);
int transfer_withdraw(store *db, const principal *who, int64_t transfer_id, err *e);
/* One of the three (status "accepted", "returned" or "withdrawn"), and *out_view the matter's page as in
 * matter_act_view. */
int transfer_answer_view(store *db, const principal *who, int64_t transfer_id, const char *status, const char *reason,
                         arena *a, json_t **out_view, err *e);
/* The transfer's receiving and sending units, for authorization. */
int transfer_units(store *db, int64_t transfer_id, arena *a, const char **out_to, const char **out_from,
                   int64_t *out_matter_id, err *e);

/* Extensions: the holder asks, a reviewer of the holder decides. */
int matter_extension_request(store *db, const principal *who, int64_t id, const char *reason, const char *basis,
                             int64_t *out_id, err *e);
int matter_extension_decide(store *db, const principal *who, int64_t extension_id, int approve, const char *note,
                            err *e);
int matter_extension_matter(store *db, int64_t extension_id, int64_t *out_matter_id, err *e);

/* Suspend (中止) the running stage's clock with a reason and its legal basis, or resume it: the due
 * date moves by the days the clock stood still. Both are events; a suspended matter takes no steps. */
int matter_suspend(store *db, const principal *who, int64_t id, const char *reason, const char *basis, err *e);
int matter_resume(store *db, const principal *who, int64_t id, err *e);

/* Set or clear a tag (enterprise_related, green_channel) after filing (reviewer). */
int matter_tag(store *db, const principal *who, int64_t id, const char *tag, int on, err *e);

/* The matter as JSON for this viewer: parties (ID numbers masked unless the viewer's role needs
 * them), stage, deadline with basis, case numbers, pending transfer, files, and the actions the viewer
 * may take now. */
int matter_view(store *db, const principal *who, int64_t id, arena *a, json_t **out, err *e);
/* The same, deciding access in the same read: fn gets the matter's scope once it is read (and before
 * anything else is) and returns OK to go on, or the code to return (its own error already set in e).
 * The matter page reads the matter once instead of once for authorization and once for the page. */
typedef int (*matter_check_fn)(void *ctx, const matter_scope *scope, err *e);
int matter_view_checked(store *db, const principal *who, int64_t id, matter_check_fn fn, void *ctx, arena *a,
                        json_t **out, err *e);
/* A short JSON row for lists (no parties). */
json_t *matter_row_json(const store_matter *m, const char *today);

/* Every event of the matter with who, unit, when and the field changes; with as_of (ISO time) the
 * state the matter had then, rebuilt from the changes. */
int matter_history(store *db, int64_t id, const char *as_of, arena *a, json_t **out, err *e);

/* Search within what who may see. */
int matter_search(store *db, const principal *who, store_matter_query *q, arena *a, json_t **out, err *e);

#endif
