/*
 * authz.h - the one authorization function. Every request is decided by authz_decide from the
 * route's permission and, once the handler has loaded the object, from the object's scope. The table
 * in authz.c says which roles hold each permission and how its scope is judged:
 *
 *   AUTHZ_ROLE  the role is enough (listing the organisation, one's own session);
 *   AUTHZ_READ  the role, and the object is visible: the user's unit holds or has held it, or the user's
 *               unit is a committee whose area contains a unit that holds or held it, or the user's unit
 *               is a higher unit of the same kind as such a unit (a league court reads its county courts);
 *   AUTHZ_ACT   the role, and the user's unit (or a sub-unit of it) is the object's holder: a user acts
 *               for their own unit only;
 *   AUTHZ_AREA  the role, and the object's area lies within the user's unit's area (administration).
 *
 * Denials are logged here, so every denial is logged exactly once.
 */
#ifndef CB_AUTHZ_H
#define CB_AUTHZ_H

#include "core/err.h"
#include "domain/principal.h"

#include <stddef.h>

enum perm {
	PERM_PUBLIC = 0,        /* anyone, also anonymous */
	PERM_SESSION,           /* any signed-in user */
	PERM_ORG_READ,          /* areas and units */
	PERM_ORG_ADMIN,         /* add sub-units */
	PERM_USER_ADMIN,        /* add, disable users */
	PERM_MATTER_READ,       /* matters, history, dossiers */
	PERM_MATTER_CREATE,     /* file a new matter */
	PERM_MATTER_ACT,        /* decide, transfer, upload for a held matter */
	PERM_TRANSFER_ANSWER,   /* accept or return a transfer sent to my unit */
	PERM_REVIEW,            /* approve extensions, tags */
	PERM_SUPERVISE,         /* supervision views */
	PERM_WORKBENCH,         /* my unit's queue */
	PERM_LOG_READ,          /* log entries, all of them */
	PERM_CALENDAR_ADMIN,    /* holiday calendar */
	PERM_ENFORCE_ACT,       /* assistance requests, control orders, listings */
	PERM_POLICE_ACT,        /* answer assistance requests sent to my police unit */
	PERM_FUNDS_ACT,         /* ledger postings */
	PERM_FUNDS_APPROVE,     /* second approval of disbursements */
	PERM_RESTRICTION_CHECK, /* ask whether a person or company is restricted (other agencies) */
	PERM_PERSON_CHECK,      /* a police officer checks a person met anywhere (police units only) */
	PERM_QUERY_CODE_ISSUE,  /* give a person, identified in person, a one-time code for their query log */
	PERM__COUNT
};

enum authz_mode { AUTHZ_NONE = 0, AUTHZ_ROLE, AUTHZ_READ, AUTHZ_ACT, AUTHZ_AREA };

/* What the object is, for scope checks. All fields optional. */
typedef struct authz_scope {
	const char *holder_unit_id;  /* the unit holding it now (AUTHZ_ACT) */
	const char *const *unit_ids; /* every unit that holds or has held it (AUTHZ_READ) */
	size_t n_units;
	const char *area_code; /* its area (AUTHZ_AREA) */
	/* AUTHZ_READ of a list: the objects of the units of kind within_kind in the area within_area (a
	 * higher unit reads those of its own kind below it, a committee those of every kind) */
	const char *within_area, *within_kind;
} authz_scope;

/* Decide. who NULL = anonymous. scope NULL = the route-level check (role only; an object check
 * follows in the handler for READ/ACT/AREA permissions). OK, E_UNAUTHORIZED (anonymous where a session
 * is needed) or E_FORBIDDEN; the error message never reveals the object. */
int authz_decide(const principal *who, int perm, const authz_scope *scope, err *e);

/* A denial by a rule outside the table (such as the kind of the user's unit): logged like any other
 * with `why` as its reason. Returns E_FORBIDDEN. */
int authz_refuse(const principal *who, int perm, const char *why, err *e);
/* The same with the caller's own message (field may be NULL): a refusal that names what the user must
 * do, still logged as an access_denied line. Returns E_FORBIDDEN. */
int authz_refuse_msg(const principal *who, int perm, const char *why, err *e, const char *field, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));

/* The same decision without logging: for showing which actions a user has (buttons). 1 = allowed. */
int authz_allows(const principal *who, int perm, const authz_scope *scope);

/* What a user may see under the READ rules, as filters a search applies in the store: matters that
 * unit_id (or a sub-unit of it) holds or has held, plus matters held or once held by units of `kind`
 * (NULL = any kind: committees) whose area lies within area_code (NULL = none). */
typedef struct authz_visibility {
	const char *unit_id;
	const char *kind;
	const char *area_code;
} authz_visibility;
void authz_visibility_of(const principal *who, authz_visibility *out);

/* Name, role mask and mode of a permission (for the route table, docs and the test matrix). */
const char *authz_perm_name(int perm);
unsigned authz_perm_roles(int perm);
int authz_perm_mode(int perm);

/* 1 if who may see an object held by (or once held by) unit_id, by the READ rules. */
int authz_unit_visible(const principal *who, const char *unit_id);

#endif
