/*
 * debtor.h - the dishonest-debtor list (失信被执行人名单, 法释〔2017〕7号).
 *
 * A court lists a debtor of an enforcement matter on one of the six grounds of art. 1. Minors are never
 * listed (art. 4; the age comes from the resident ID number on the day of the decision,
 * ident_is_minor_at). Grounds 2-6 list for 2 years, extended by 1-3 years for violent obstruction or
 * several kinds of conduct (art. 2); ground 1 (able to pay but refuses) has no fixed term and ends when
 * the debtor performs (art. 10). The notice to the debtor is recorded; publication follows after a grace
 * period (enforce_settings). Restrictions apply from the decision (art. 5: effective when made), so the
 * restriction check sees a listing before it is public.
 *
 * Removal: on full performance (automatically, when the matter's ledger account shows the amount
 * applied for received, for listings without a fixed term; art. 10(1)), on expiry (by date), or by the
 * court (revoked: wrongly listed; early: art. 2 para. 3). Removals are published as well.
 *
 * Public views show only the SPC's public fields with the ID number or credit code masked.
 */
#ifndef CB_DEBTOR_H
#define CB_DEBTOR_H

#include "domain/enforce.h"

#define DEBTOR_GROUNDS 6
typedef struct debtor_ground {
	const char *code, *label, *article;
	int fixed_term; /* 1: 2 years (+1-3); 0: until performance */
} debtor_ground;
extern const debtor_ground debtor_grounds[DEBTOR_GROUNDS];
const debtor_ground *debtor_ground_find(const char *code);

typedef struct debtor_listing_new {
	int64_t matter_id, party_id;
	const char *ground, *conduct, *obligation;
	const char *source_doc_number, *source_doc_issuer; /* the enforcement basis (执行依据) and who issued it */
	const char *legal_representative;                  /* organisations */
	int extra_years;                                   /* 0-3, with extra_reason */
	const char *extra_reason;
	const char *decided_on; /* default today */
} debtor_listing_new;

int debtor_list(store *db, const principal *who, const debtor_listing_new *in, int64_t *out_id, err *e);
/* Record that the debtor was notified (once); publication follows after the grace period. */
int debtor_notice(store *db, const principal *who, const enforce_settings *s, int64_t id, const char *notified_on,
                  const char *method, err *e);
/* Remove by the court: reason "revoked" (wrongly listed) or "early" (early removal after performance or
 * correction, art. 2 para. 3), with a note. */
int debtor_remove(store *db, const principal *who, int64_t id, const char *reason, const char *note, err *e);
int debtor_listing_matter(store *db, int64_t id, int64_t *out_matter_id, err *e);

/* In the caller's transaction: the matter's debt is paid. Removes its live listings without a fixed
 * term (reason performed) and lifts its consumption restrictions. *out_n counts removed listings. */
int debtor_on_performed(store *db, const principal *who, int64_t matter_id, const char *on, int *out_n, err *e);

/* "unpublished" (decided, not yet public), "published", "expired" or "removed" on today. */
const char *debtor_listing_state(const store_listing *l, const char *today);
/* The full record for staff. */
int debtor_listing_view(store *db, int64_t id, arena *a, json_t **out, err *e);
int debtor_listing_list_json(store *db, store_listing_query *q, arena *a, json_t **out, err *e);

/* Public: published listings by name, ID number or credit code (at least one), SPC public fields with
 * the identifier masked; ended ones are shown with their removal. */
int debtor_public_query(store *db, const char *name, const char *id_number, arena *a, json_t **out, err *e);
/* Public: listings removed or expired since a day (default 30 days ago), newest first. */
int debtor_public_removals(store *db, const char *since, arena *a, json_t **out, err *e);

typedef struct debtor_check_in {
	const char *id_number;       /* resident ID or credit code */
	const char *category;        /* one restriction (flights, high_speed_rail, ...) or NULL for all */
	const char *purpose, *basis; /* why the agency asks */
} debtor_check_in;
/* The restriction check for other agencies: is the person or organisation restricted (from the
 * category), on what basis, since when. Logged as a lookup. */
int debtor_restriction_check(store *db, const principal *who, const debtor_check_in *in, arena *a, json_t **out,
                             err *e);
/* The restriction categories (法释〔2015〕17号 art. 3, and exit). */
extern const char *const debtor_restriction_names[];
extern const size_t debtor_n_restrictions;

#endif
