/*
 * assist.h - assistance requests (查人找物): the court holding an enforcement matter asks a police unit,
 * in one batch, about its debtors (parties of the matter, or a list of names and ID numbers imported
 * from CSV): locate them, their consumption records, their movement track, their vehicles, detain them
 * under a judicial detention order (control.h), seize a vehicle. Every item has its own time limit
 * (enforce_settings: 5 working days, detention the same day) counted from the day it is sent. The
 * police unit answers item by item (found or not, structured findings, attachments from the matter's
 * dossier, action taken); partial answers are allowed and each item is answered once.
 *
 * Sending records, for each person asked about, a lookup in the query log on the court's behalf;
 * answering records one on the police officer's behalf (enforce_lookup_record).
 *
 * Authorization is the API's (authz_decide with the matter's scope to send, with the request's police
 * unit as holder to answer); these functions re-check state inside their transaction.
 */
#ifndef CB_ASSIST_H
#define CB_ASSIST_H

#include "domain/enforce.h"

typedef struct assist_debtor_in {
	int64_t party_id; /* a debtor of the matter; or 0 with name, id_type and id_number */
	const char *name, *id_type, *id_number;
	const char *const *kinds; /* assist_kind_names */
	size_t n_kinds;
	int64_t order_id; /* detain: the detention order (control.h) against this person */
} assist_debtor_in;

typedef struct assist_new {
	int64_t matter_id;
	const char *police_unit_id, *basis, *note;
	const assist_debtor_in *debtors;
	size_t n_debtors;
	const char *csv; /* header "name,id_number" (+ optional "id_type", "kinds" with ';' between kinds) */
	const char *const *csv_kinds; /* kinds for CSV rows without a kinds column */
	size_t n_csv_kinds;
	const char *on; /* the day it is sent (back-dated demo data); NULL = today */
} assist_new;

#define ASSIST_MAX_ITEMS 600

/* Send a request. Validates every debtor (ID check, kinds, detention order in force for the same
 * person and matter) before writing anything; E_INVALID names the offending field (debtors[2].kinds[0],
 * csv line 4). */
int assist_request_create(store *db, const principal *who, const enforce_settings *s, const assist_new *in,
                          int64_t *out_id, err *e);

typedef struct assist_answer_in {
	int64_t item_id;
	int found;
	const json_t *findings;         /* a JSON object (borrowed); required when found */
	const char *action_taken;       /* required for a detention that was carried out */
	const char *const *attachments; /* SHA-256s of files in the matter's dossier */
	size_t n_attachments;
} assist_answer_in;

/* Answer some items of a request (one transaction); E_CONFLICT when one was answered already. on: the
 * day of the answer (back-dated demo data), NULL = today. */
int assist_answer(store *db, const principal *who, int64_t request_id, const assist_answer_in *answers, size_t n,
                  const char *on, err *e);

/* The request's units and matter, for authorization. */
int assist_request_units(store *db, int64_t id, arena *a, const char **out_court_unit, const char **out_police_unit,
                         int64_t *out_matter_id, err *e);

/* The request with its items (ID numbers shown in full only when full_ids). */
int assist_request_view(store *db, int64_t id, int full_ids, arena *a, json_t **out, err *e);
/* Requests by query, newest first, with item counts; {"requests":[...],"total":n}. */
int assist_request_list(store *db, store_assist_query *q, arena *a, json_t **out, err *e);
/* Response statistics per police unit; {"units":[...],"totals":{...}}. */
int assist_stats_json(store *db, const char *area_code, const char *police_unit_id, const char *from, const char *to,
                      arena *a, json_t **out, err *e);
json_t *assist_item_json(const store_assist_item *it, const char *today, int full_ids);

#endif
