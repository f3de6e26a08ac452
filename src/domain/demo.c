/*
 * demo.c - demo users (and later demo matters). See demo.h.
 */
#include "domain/demo.h"

#include "domain/auth.h"
#include "domain/org.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *tag, *area;
} places[] = {
	{"nmg", "150000"}, {"xlgl", "152500"}, {"zxbq", "152529"}, {"hhht", "150100"}, {"hmq", "150103"},
};

static const char *role_label(const char *roles)
{
	if (!strcmp(roles, "supervisor"))
		return "督导员";
	if (!strcmp(roles, "admin"))
		return "管理员";
	if (!strcmp(roles, "auditor"))
		return "审计员";
	if (!strcmp(roles, "clerk"))
		return "内勤";
	if (!strcmp(roles, "handler"))
		return "承办人";
	if (!strcmp(roles, "reviewer"))
		return "审核人";
	if (!strcmp(roles, "fund_officer"))
		return "案款专员";
	return "用户";
}

static int add(store *db, const char *hash, const char *username, const org_unit *u, const char *roles, err *e)
{
	const org_area *ar = org_area_find(u->area_code);
	char name[96];
	snprintf(name, sizeof name, "%s%s%s", ar ? ar->name : "", org_kind_label(u->kind), role_label(roles));
	return auth_user_add_hashed(db, principal_system(), username, name, u->id, roles, hash, NULL, e);
}

int demo_seed(store *db, err *e)
{
	char hash[128];
	int rc = auth_password_hash(DEMO_PASSWORD, hash, sizeof hash, e);
	static const char *const case_kinds[] = {"police", "procuratorate", "court", "justice_bureau"};
	static const char *const case_roles[] = {"handler", "clerk", "reviewer"};
	for (size_t i = 0; rc == OK && i < sizeof places / sizeof places[0]; i++) {
		char un[64];
		const org_unit *committee = org_unit_of(places[i].area, "committee");
		if (!committee)
			return err_set(e, E_INTERNAL, NULL, "no committee in %s", places[i].area);
		snprintf(un, sizeof un, "%s.committee", places[i].tag);
		if ((rc = add(db, hash, un, committee, "supervisor", e)))
			break;
		snprintf(un, sizeof un, "%s.admin", places[i].tag);
		if ((rc = add(db, hash, un, committee, "admin", e)))
			break;
		for (size_t k = 0; rc == OK && k < 4; k++) {
			const org_unit *u = org_unit_of(places[i].area, case_kinds[k]);
			for (size_t j = 0; rc == OK && u && j < 3; j++) {
				snprintf(un, sizeof un, "%s.%s.%s", places[i].tag, case_kinds[k], case_roles[j]);
				rc = add(db, hash, un, u, case_roles[j], e);
			}
			if (rc == OK && u && !strcmp(case_kinds[k], "court")) {
				snprintf(un, sizeof un, "%s.court.fund", places[i].tag);
				rc = add(db, hash, un, u, "fund_officer", e);
			}
		}
	}
	if (rc == OK)
		rc = add(db, hash, "nmg.auditor", org_unit_of("150000", "committee"), "auditor", e);
	return rc;
}

int demo_print_logins(store *db, FILE *f, err *e)
{
	arena *a = arena_new();
	store_user *v;
	size_t n;
	char *demo = NULL;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	int rc = store_meta_get(db, "demo", a, &demo, e);
	if (rc == E_NOTFOUND || (rc == OK && strcmp(demo, "1") != 0)) {
		rc = err_set(e, E_INVALID, "data_dir", "this database was not created with init --demo");
		goto done;
	}
	if (rc || (rc = auth_user_list(db, a, &v, &n, e)))
		goto done;
	fprintf(f, "\nDemo logins (password for all: %s)\n", DEMO_PASSWORD);
	fprintf(f, "  %-26s %-14s %s\n", "username", "roles", "unit");
	for (size_t i = 0; i < n; i++) {
		const org_unit *u = org_unit_find(v[i].unit_id);
		fprintf(f, "  %-26s %-14s %s\n", v[i].username, v[i].roles, u ? u->name : v[i].unit_id);
	}
	fprintf(f, "\nTry: curl -s -X POST http://127.0.0.1:8080/api/v1/session -H 'Content-Type: application/json' "
		   "-d '{\"username\":\"xlgl.committee\",\"password\":\"%s\"}'\n\n",
		DEMO_PASSWORD);
done:
	arena_free(a);
	return rc;
}
