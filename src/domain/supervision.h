/*
 * supervision.h - the views over many matters: my unit's workbench (transfers to accept, my matters by
 * urgency, transfers I sent), transfer boxes, and the supervision counts per league, county and unit
 * with the lists behind every number. Everything a user sees here passes the READ rules of authz.
 */
#ifndef CB_SUPERVISION_H
#define CB_SUPERVISION_H

#include "core/err.h"
#include "core/mem.h"
#include "domain/principal.h"
#include "store/store.h"

#include <jansson.h>

json_t *transfer_json(const store_transfer *t);
/* box: "inbox" (default) or "outbox"; status: NULL or sent|accepted|returned|withdrawn. */
int transfer_list(store *db, const principal *who, const char *box, const char *status, int64_t page, arena *a,
                  json_t **out, err *e);
int workbench_view(store *db, const principal *who, arena *a, json_t **out, err *e);
/* Counts for the children of area (default: the user's own area), which must lie within the user's. */
int supervision_view(store *db, const principal *who, const char *area, arena *a, json_t **out, err *e);
/* The matters (or transfers) behind one count: metric overdue | due_soon | unanswered_transfers |
 * returned_twice | green_misses. */
int supervision_list(store *db, const principal *who, const char *area, const char *metric, const char *unit,
                     int64_t page, arena *a, json_t **out, err *e);

#endif
