/*
 * control.h - coercive orders a court issues in an enforcement matter against a person or organisation:
 * judicial detention (CivPL art. 118: at most 15 days), consumption restriction (法释〔2015〕17号) and
 * exit restriction (CivPL art. 266), each with its decision number (basis) and validity. Revocation
 * ends an order (an event); expiry ends it by date (valid_to passed: read as expired, no job needed).
 *
 * The police person check: an officer who meets a person in daily work gives the ID number, the
 * purpose and the basis (and the matter or own case reference when there is one) and gets the orders in
 * force. Every check is a lookup in the query log with its event; the server log shows the ID masked.
 */
#ifndef CB_CONTROL_H
#define CB_CONTROL_H

#include "domain/enforce.h"

#define DETENTION_MAX_DAYS 15

typedef struct control_new {
	int64_t matter_id;
	const char *kind; /* detention | consumption_restriction | exit_restriction */
	int64_t party_id; /* a party of the matter; or 0 with name, id_type, id_number */
	const char *name, *id_type, *id_number;
	const char *basis; /* the decision's number, e.g. （2026）内2529执123号之一 */
	const char *reason;
	const char *valid_from; /* default today */
	const char *valid_to;   /* detention: required, at most 15 days in all; restrictions: NULL = until lifted */
} control_new;

int control_order_issue(store *db, const principal *who, const control_new *in, int64_t *out_id, err *e);
/* Revoke (lift) an active order with a reason. */
int control_order_revoke(store *db, const principal *who, int64_t id, const char *reason, err *e);
/* The order's matter, for authorization. */
int control_order_matter(store *db, int64_t id, int64_t *out_matter_id, err *e);

/* "active", "scheduled" (starts later), "expired" or "revoked" on today. */
const char *control_order_state(const store_control_order *o, const char *today);
json_t *control_order_json(const store_control_order *o, const char *today, int full_ids);
int control_order_view(store *db, int64_t id, int full_ids, arena *a, json_t **out, err *e);
int control_order_list_json(store *db, int64_t matter_id, int full_ids, arena *a, json_t **out, err *e);

typedef struct control_check_in {
	const char *id_number;
	const char *purpose;  /* why the officer checks: 盘查, 交通检查, 协查 ... */
	const char *basis;    /* on what basis */
	int64_t matter_id;    /* the matter, when there is one */
	const char *case_ref; /* the officer's own case reference, otherwise */
} control_check_in;
/* The police person check (who's unit must be a police unit). Logs the lookup (row and event) and
 * returns the orders in force today and whether the person is on the dishonest-debtor list. */
int control_person_check(store *db, const principal *who, const control_check_in *in, arena *a, json_t **out, err *e);

/* In the caller's transaction: lift the matter's consumption restrictions because the debt has been
 * paid (法释〔2015〕17号 art. 9). *out_n counts them. */
int control_lift_on_performance(store *db, const principal *who, int64_t matter_id, int *out_n, err *e);

#endif
