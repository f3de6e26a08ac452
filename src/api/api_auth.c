/*
 * api_auth.c - log in, log out, who am I.
 */
#include "api/api.h"
#include "api/jsonin.h"

#include "core/util.h"
#include "domain/auth.h"
#include "domain/org.h"

#include <string.h>

static json_t *user_json(const principal *p)
{
	const org_unit *u = org_unit_find(p->unit_id);
	const org_area *ar = u ? org_area_find(u->area_code) : NULL;
	json_t *roles = json_array();
	for (unsigned b = 1; b <= ROLE_AUDITOR; b <<= 1)
		if (p->roles & b)
			json_array_append_new(roles, json_string(role_name(b)));
	json_t *perms = json_array();
	for (int i = 0; i < PERM__COUNT; i++)
		if (authz_perm_roles(i) & p->roles)
			json_array_append_new(perms, json_string(authz_perm_name(i)));
	return json_pack("{s:I,s:s,s:s,s:o,s:o,s:{s:s,s:s,s:s,s:s,s:s}}", "id", (json_int_t)p->user_id, "username",
	                 p->username, "display_name", p->display_name, "roles", roles, "permissions", perms, "unit",
	                 "id", p->unit_id, "name", u ? u->name : "", "kind", u ? u->kind : "", "area_code",
	                 u ? u->area_code : "", "area_name", ar ? ar->name : "");
}

int api_login(req *r)
{
	static const jfield fields[] = { { "username", J_STRING, 1, 64 },
		                         { "password", J_STRING, 1, 256 },
		                         { NULL, 0, 0, 0 } };
	char token[AUTH_TOKEN_HEX + 1];
	principal p;
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	if ((rc = auth_login(r->db, jsonin_str(r->json, "username"), jsonin_str(r->json, "password"), token, &p,
	                     &r->e)))
		return rc;
	r->set_cookie = arena_printf(r->a, "cb_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", token,
	                             AUTH_ABSOLUTE_SECONDS);
	char exp[32];
	struct timespec ts = { (time_t)(util_now_sec() + AUTH_ABSOLUTE_SECONDS), 0 };
	util_time_iso(ts, exp, sizeof exp);
	r->who_buf = p;
	r->who = &r->who_buf;
	return req_reply_json(r, 201,
	                      json_pack("{s:s,s:s,s:i,s:o}", "token", token, "expires_at", exp, "idle_timeout_seconds",
	                                AUTH_IDLE_SECONDS, "user", user_json(&p)));
}

int api_logout(req *r)
{
	int rc = auth_logout(r->db, r->who, r->token, &r->e);
	if (rc)
		return rc;
	r->set_cookie = "cb_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
	r->status = 204;
	return OK;
}

int api_me(req *r)
{
	return req_reply_json(r, 200, user_json(r->who));
}
