/*
 * api_org.c - areas, units and users (administration).
 */
#include "api/api.h"
#include "api/jsonin.h"

#include "domain/auth.h"
#include "domain/org.h"

#include <string.h>

static const char *level_name(int level)
{
	return level == LEVEL_PROVINCE ? "province" : level == LEVEL_PREFECTURE ? "prefecture" : "county";
}

int api_areas(req *r)
{
	org_area *v;
	size_t n;
	int rc = org_area_list(r->a, &v, &n, &r->e);
	if (rc)
		return rc;
	/* Areas come sorted by code, parents before children: build the tree in one pass. */
	json_t **nodes = arena_alloc(r->a, (n + 1) * sizeof *nodes);
	json_t *roots = json_array();
	if (!nodes || !roots) {
		json_decref(roots);
		return err_set(&r->e, E_NOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		nodes[i] = json_pack("{s:s,s:s,s:s,s:[]}", "code", v[i].code, "name", v[i].name, "level",
		                     level_name(v[i].level), "children");
		if (!nodes[i]) {
			json_decref(roots);
			return err_set(&r->e, E_NOMEM, NULL, "out of memory");
		}
		json_t *parent = NULL;
		for (size_t k = 0; k < i && v[i].parent_code[0]; k++)
			if (strcmp(v[k].code, v[i].parent_code) == 0)
				parent = json_object_get(nodes[k], "children");
		json_array_append_new(parent ? parent : roots, nodes[i]);
	}
	return req_reply_json(r, 200, json_pack("{s:o}", "areas", roots));
}

static json_t *unit_json(const org_unit *u)
{
	const org_area *ar = org_area_find(u->area_code);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?}", "id", u->id, "name", u->name, "kind", u->kind,
	                 "kind_label", org_kind_label(u->kind), "area_code", u->area_code, "area_name",
	                 ar ? ar->name : "", "parent_id", u->parent_id[0] ? u->parent_id : NULL, "court_code",
	                 u->court_code[0] ? u->court_code : NULL);
}

int api_units(req *r)
{
	const char *area = req_query(r, "area"), *kind = req_query(r, "kind"), *below = req_query(r, "below");
	if (area && *area && !org_area_find(area))
		return err_set(&r->e, E_INVALID, "area", "区划代码 %s 不存在", area);
	if (kind && *kind && !org_kind_valid(kind))
		return err_set(&r->e, E_INVALID, "kind",
		               "单位类型应为 committee, police, procuratorate, court 或 justice_bureau");
	int include_below = below && (!strcmp(below, "1") || !strcmp(below, "true"));
	org_unit *v;
	size_t n;
	int rc = org_unit_list(area && *area ? area : NULL, kind && *kind ? kind : NULL, include_below, r->a, &v, &n,
	                       &r->e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, unit_json(&v[i]))) {
			json_decref(arr);
			arr = NULL;
		}
	if (!arr)
		return err_set(&r->e, E_NOMEM, NULL, "out of memory");
	return req_reply_json(r, 200, json_pack("{s:o,s:I}", "units", arr, "total", (json_int_t)n));
}

int api_unit_create(req *r)
{
	static const jfield fields[] = { { "parent_id", J_STRING, 1, 95 },
		                         { "suffix", J_STRING, 1, 32 },
		                         { "name", J_STRING, 1, 150 },
		                         { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	const org_unit *parent = org_unit_find(jsonin_str(r->json, "parent_id"));
	if (!parent)
		return err_set(&r->e, E_INVALID, "parent_id", "上级单位 %s 不存在", jsonin_str(r->json, "parent_id"));
	authz_scope scope = { .area_code = parent->area_code };
	if ((rc = api_authorize(r, &scope)))
		return rc;
	org_unit u;
	if ((rc = org_unit_add(r->db, r->who, parent->id, jsonin_str(r->json, "suffix"), jsonin_str(r->json, "name"),
	                       &u, &r->e)))
		return rc;
	return req_reply_json(r, 201, unit_json(&u));
}

int api_user_create(req *r)
{
	static const jfield fields[] = { { "username", J_STRING, 1, 32 },  { "display_name", J_STRING, 1, 90 },
		                         { "unit_id", J_STRING, 1, 95 },   { "roles", J_ARRAY, 1, 7 },
		                         { "password", J_STRING, 1, 256 }, { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	const org_unit *unit = org_unit_find(jsonin_str(r->json, "unit_id"));
	if (!unit)
		return err_set(&r->e, E_INVALID, "unit_id", "单位 %s 不存在", jsonin_str(r->json, "unit_id"));
	authz_scope scope = { .area_code = unit->area_code };
	if ((rc = api_authorize(r, &scope)))
		return rc;
	json_t *roles = json_object_get(r->json, "roles");
	char csv[128] = "";
	size_t o = 0, i;
	json_t *x;
	json_array_foreach(roles, i, x)
	{
		if (!json_is_string(x) || json_string_length(x) > 16)
			return err_set(&r->e, E_INVALID, arena_printf(r->a, "roles[%zu]", i), "角色应为字符串");
		o += (size_t)snprintf(csv + o, sizeof csv - o, "%s%s", o ? "," : "", json_string_value(x));
	}
	int64_t id;
	if ((rc = auth_user_add(r->db, r->who, jsonin_str(r->json, "username"), jsonin_str(r->json, "display_name"),
	                        unit->id, csv, jsonin_str(r->json, "password"), &id, &r->e)))
		return rc;
	return req_reply_json(r, 201,
	                      json_pack("{s:I,s:s,s:s,s:o}", "id", (json_int_t)id, "username",
	                                jsonin_str(r->json, "username"), "unit_id", unit->id, "roles",
	                                json_deep_copy(roles)));
}

int api_user_list(req *r)
{
	store_user *v;
	size_t n;
	int rc = auth_user_list_visible(r->db, r->who, r->a, &v, &n, &r->e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)v[i].id, "username",
		                                     v[i].username, "display_name", v[i].display_name, "unit_id",
		                                     v[i].unit_id, "roles", v[i].roles, "disabled", v[i].disabled));
	}
	if (!arr)
		return err_set(&r->e, E_NOMEM, NULL, "out of memory");
	return req_reply_json(r, 200, json_pack("{s:o}", "users", arr));
}
