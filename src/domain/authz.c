/*
 * authz.c - permissions, their roles, and the decision. See authz.h.
 */
#include "domain/authz.h"

#include "core/log.h"
#include "domain/org.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define R_ALL ROLE_ALL
#define R_CASE (ROLE_CLERK | ROLE_HANDLER | ROLE_REVIEWER | ROLE_SUPERVISOR | ROLE_FUND_OFFICER | ROLE_AUDITOR)

static const struct {
	const char *name;
	unsigned roles;
	int mode;
} perms[PERM__COUNT] = {
	[PERM_PUBLIC] = { "public", 0, AUTHZ_NONE },
	[PERM_SESSION] = { "session", R_ALL, AUTHZ_ROLE },
	[PERM_ORG_READ] = { "org.read", R_ALL, AUTHZ_ROLE },
	[PERM_ORG_ADMIN] = { "org.admin", ROLE_ADMIN, AUTHZ_AREA },
	[PERM_USER_ADMIN] = { "user.admin", ROLE_ADMIN, AUTHZ_AREA },
	[PERM_MATTER_READ] = { "matter.read", R_CASE, AUTHZ_READ },
	[PERM_MATTER_CREATE] = { "matter.create", ROLE_CLERK | ROLE_HANDLER, AUTHZ_ROLE },
	[PERM_MATTER_ACT] = { "matter.act", ROLE_CLERK | ROLE_HANDLER | ROLE_REVIEWER, AUTHZ_ACT },
	[PERM_TRANSFER_ANSWER] = { "transfer.answer", ROLE_CLERK | ROLE_HANDLER | ROLE_REVIEWER, AUTHZ_ACT },
	[PERM_REVIEW] = { "review", ROLE_REVIEWER, AUTHZ_ACT },
	[PERM_SUPERVISE] = { "supervise", ROLE_SUPERVISOR | ROLE_REVIEWER | ROLE_AUDITOR, AUTHZ_ROLE },
	[PERM_WORKBENCH] = { "workbench", ROLE_CLERK | ROLE_HANDLER | ROLE_REVIEWER | ROLE_FUND_OFFICER, AUTHZ_ROLE },
	[PERM_LOG_READ] = { "log.read", ROLE_AUDITOR, AUTHZ_ROLE },
	[PERM_CALENDAR_ADMIN] = { "calendar.admin", ROLE_ADMIN, AUTHZ_ROLE },
	[PERM_ENFORCE_ACT] = { "enforce.act", ROLE_HANDLER | ROLE_REVIEWER, AUTHZ_ACT },
	[PERM_POLICE_ACT] = { "police.act", ROLE_HANDLER | ROLE_CLERK, AUTHZ_ACT },
	[PERM_FUNDS_ACT] = { "funds.act", ROLE_FUND_OFFICER, AUTHZ_ACT },
	[PERM_FUNDS_APPROVE] = { "funds.approve", ROLE_REVIEWER, AUTHZ_ACT },
	[PERM_RESTRICTION_CHECK] = { "restriction.check", ROLE_CLERK | ROLE_HANDLER | ROLE_REVIEWER | ROLE_SUPERVISOR,
	                             AUTHZ_ROLE },
	[PERM_PERSON_CHECK] = { "person.check", ROLE_HANDLER | ROLE_CLERK, AUTHZ_ROLE },
	/* the counter staff of any unit that checks an identity document face to face */
	[PERM_QUERY_CODE_ISSUE] = { "query_code.issue", ROLE_HANDLER | ROLE_CLERK, AUTHZ_ROLE },
};

const char *authz_perm_name(int perm)
{
	return perm >= 0 && perm < PERM__COUNT ? perms[perm].name : "?";
}
unsigned authz_perm_roles(int perm)
{
	return perm >= 0 && perm < PERM__COUNT ? perms[perm].roles : 0;
}
int authz_perm_mode(int perm)
{
	return perm >= 0 && perm < PERM__COUNT ? perms[perm].mode : AUTHZ_NONE;
}

/* The user's unit, or the top unit it is a sub-unit of, is unit_id or unit_id's ancestor. */
static int unit_is_or_under(const char *unit_id, const char *ancestor_id)
{
	for (int depth = 0; unit_id && *unit_id && depth < 8; depth++) {
		if (strcmp(unit_id, ancestor_id) == 0)
			return 1;
		const org_unit *u = org_unit_find(unit_id);
		if (!u)
			return 0;
		unit_id = u->parent_id;
	}
	return 0;
}

int authz_unit_visible(const principal *who, const char *unit_id)
{
	if (!who || !who->unit_id[0] || !unit_id)
		return 0;
	/* holds or has held: the same unit, or a unit related as parent/sub-unit */
	if (unit_is_or_under(unit_id, who->unit_id) || unit_is_or_under(who->unit_id, unit_id))
		return 1;
	const org_unit *mine = org_unit_find(who->unit_id);
	const org_unit *their = org_unit_find(unit_id);
	if (!mine || !their)
		return 0;
	/* a committee sees everything in its area and below */
	if (strcmp(mine->kind, "committee") == 0)
		return org_area_within(their->area_code, mine->area_code);
	/* a higher unit of the same kind reads the units below it */
	if (strcmp(mine->kind, their->kind) == 0)
		return org_area_within(their->area_code, mine->area_code);
	return 0;
}

static _Thread_local int quiet;

static int deny(const principal *who, int perm, int code, const char *why, err *e)
{
	if (quiet)
		return code;
	log_event(LOG_WARN, "access_denied", "user=%s unit=%s perm=%s reason=%s", who ? who->username : "-",
	          who && who->unit_id[0] ? who->unit_id : "-", authz_perm_name(perm), why);
	if (code == E_UNAUTHORIZED)
		return err_set(e, code, NULL, "请先登录");
	return err_set(e, code, NULL, "无权执行此操作");
}

int authz_decide(const principal *who, int perm, const authz_scope *scope, err *e)
{
	if (perm < 0 || perm >= PERM__COUNT)
		return deny(who, perm, E_FORBIDDEN, "unknown_permission", e);
	int mode = perms[perm].mode;
	if (mode == AUTHZ_NONE)
		return OK;
	if (!who)
		return deny(who, perm, E_UNAUTHORIZED, "anonymous", e);
	if (!(who->roles & perms[perm].roles))
		return deny(who, perm, E_FORBIDDEN, "role", e);
	if (!scope || mode == AUTHZ_ROLE)
		return OK;
	if (who->user_id == 0)
		return OK; /* the system principal (command line) */
	switch (mode) {
	case AUTHZ_ACT:
		if (scope->holder_unit_id && unit_is_or_under(who->unit_id, scope->holder_unit_id))
			return OK;
		return deny(who, perm, E_FORBIDDEN, "not_holder", e);
	case AUTHZ_READ:
		if (scope->within_area) {
			/* mirrors authz_unit_visible for every unit of a kind in an area at once */
			const org_unit *mine = org_unit_find(who->unit_id);
			if (mine && org_area_within(scope->within_area, mine->area_code) &&
			    (!strcmp(mine->kind, "committee") ||
			     (scope->within_kind && !strcmp(mine->kind, scope->within_kind))))
				return OK;
			return deny(who, perm, E_FORBIDDEN, "outside_area", e);
		}
		if (scope->holder_unit_id && authz_unit_visible(who, scope->holder_unit_id))
			return OK;
		for (size_t i = 0; i < scope->n_units; i++)
			if (authz_unit_visible(who, scope->unit_ids[i]))
				return OK;
		return deny(who, perm, E_FORBIDDEN, "not_visible", e);
	case AUTHZ_AREA: {
		const org_unit *mine = org_unit_find(who->unit_id);
		if (mine && scope->area_code && org_area_within(scope->area_code, mine->area_code))
			return OK;
		return deny(who, perm, E_FORBIDDEN, "outside_area", e);
	}
	}
	return deny(who, perm, E_FORBIDDEN, "mode", e);
}

int authz_refuse(const principal *who, int perm, const char *why, err *e)
{
	return deny(who, perm, E_FORBIDDEN, why, e);
}

int authz_refuse_msg(const principal *who, int perm, const char *why, err *e, const char *field, const char *fmt, ...)
{
	deny(who, perm, E_FORBIDDEN, why, NULL);
	if (!e)
		return E_FORBIDDEN;
	va_list ap;
	va_start(ap, fmt);
	e->code = E_FORBIDDEN;
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return E_FORBIDDEN;
}

int authz_allows(const principal *who, int perm, const authz_scope *scope)
{
	quiet = 1;
	int rc = authz_decide(who, perm, scope, NULL);
	quiet = 0;
	return rc == OK;
}

void authz_visibility_of(const principal *who, authz_visibility *out)
{
	memset(out, 0, sizeof *out);
	if (!who || !who->unit_id[0])
		return;
	out->unit_id = who->unit_id;
	const org_unit *mine = org_unit_find(who->unit_id);
	if (!mine)
		return;
	/* mirrors authz_unit_visible: a committee sees its area and below, whatever the kind; a unit
	 * sees units of its own kind in the areas below its own */
	out->area_code = mine->area_code;
	out->kind = strcmp(mine->kind, "committee") == 0 ? NULL : mine->kind;
}
