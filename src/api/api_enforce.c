/*
 * api_enforce.c - assistance requests, control orders and the police person check, the
 * dishonest-debtor list (public query, removals, restriction check, listings), the query log, and the
 * enforcement workbench, supervision and metrics over HTTP. Each handler: strict input, load the
 * object's scope, authorize with the route's permission (api_authorize), call the domain, render JSON.
 * ID numbers travel in bodies or query strings, never in paths, so the request log never holds them.
 */
#include "api/api.h"
#include "api/jsonin.h"
#include "api/router.h"

#include "core/json_out.h"
#include "core/util.h"
#include "domain/assist.h"
#include "domain/control.h"
#include "domain/debtor.h"
#include "domain/dossier.h"
#include "domain/enforce.h"
#include "domain/legal.h"
#include "domain/matter.h"
#include "domain/org.h"

#include <stdio.h>
#include <string.h>

static int nomem(req *r)
{
	return err_set(&r->e, E_NOMEM, NULL, "out of memory");
}

static int param_id(req *r, int i, const char *name, int64_t *out)
{
	if (i >= r->n_params || util_parse_i64(r->params[i], 1, INT64_MAX, out))
		return err_set(&r->e, E_NOTFOUND, name, "编号无效：%s", i < r->n_params ? r->params[i] : "");
	return OK;
}

/* A refusal decided here rather than by the permission table: logged as a denial all the same. */
static int refuse(req *r, const char *why, const char *field, const char *message)
{
	authz_refuse(r->who, r->route->perm, why, &r->e);
	return err_set(&r->e, E_FORBIDDEN, field, "%s", message);
}

static void settings(enforce_settings *s)
{
	enforce_settings_from_config(api_config(), s);
}

/* Authorize the route's permission on a matter; unseen and absent look alike for reads. */
static int authorize_matter(req *r, int64_t id)
{
	matter_scope sc;
	int rc = matter_scope_load(r->db, id, r->a, &sc, &r->e);
	if (rc == E_NOTFOUND)
		return err_set(&r->e, E_NOTFOUND, "matter_id", "案件不存在或无权查看");
	if (rc)
		return rc;
	rc = api_authorize(r, &sc.scope);
	if (rc == E_FORBIDDEN && r->route->perm == PERM_MATTER_READ)
		return err_set(&r->e, E_NOTFOUND, "matter_id", "案件不存在或无权查看");
	return rc;
}

/* Whether who acts for the matter's holder (sees full ID numbers of its parties). */
static int acts_for_matter(req *r, int64_t matter_id)
{
	matter_scope sc;
	if (matter_scope_load(r->db, matter_id, r->a, &sc, NULL) != OK)
		return 0;
	authz_scope s = { .holder_unit_id = sc.scope.holder_unit_id };
	return authz_allows(r->who, PERM_ENFORCE_ACT, &s);
}

/* An array of strings from a JSON body field (checked), into an arena vector. */
static int str_array(req *r, const json_t *arr, const char *field, const char ***out, size_t *out_n)
{
	size_t n = json_array_size(arr);
	const char **v = arena_alloc(r->a, (n + 1) * sizeof *v);
	if (!v)
		return nomem(r);
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(arr, i);
		if (!json_is_string(x))
			return err_set(&r->e, E_INVALID, arena_printf(r->a, "%s[%zu]", field, i), "应为字符串");
		v[i] = json_string_value(x);
	}
	*out = v;
	*out_n = n;
	return OK;
}

/* ---- assistance requests ---- */
int api_assist_create(req *r)
{
	static const jfield fields[] = { { "matter_id", J_INT, 1, 0 },   { "police_unit_id", J_STRING, 1, 95 },
		                         { "basis", J_STRING, 1, 1000 }, { "note", J_STRING, 0, 4000 },
		                         { "debtors", J_ARRAY, 0, 200 }, { "csv", J_STRING, 0, 256 * 1024 },
		                         { "csv_kinds", J_ARRAY, 0, 6 }, { NULL, 0, 0, 0 } };
	static const jfield dfields[] = { { "party_id", J_INT, 0, 0 },
		                          { "name", J_STRING, 0, 300 },
		                          { "id_type", J_STRING, 0, 16 },
		                          { "id_number", J_STRING, 0, 32 },
		                          { "kinds", J_ARRAY, 1, 6 },
		                          { "order_id", J_INT, 0, 0 },
		                          { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	int64_t matter_id = jsonin_int(r->json, "matter_id", 0);
	if ((rc = authorize_matter(r, matter_id)))
		return rc;
	json_t *debtors = json_object_get(r->json, "debtors");
	size_t nd = json_array_size(debtors);
	assist_debtor_in *din = arena_alloc(r->a, (nd + 1) * sizeof *din);
	if (!din)
		return nomem(r);
	for (size_t i = 0; i < nd; i++) {
		json_t *d = json_array_get(debtors, i);
		const char *prefix = arena_printf(r->a, "debtors[%zu]", i);
		if ((rc = jsonin_check(d, dfields, prefix, &r->e)))
			return rc;
		const char **kinds;
		size_t nk;
		if ((rc = str_array(r, json_object_get(d, "kinds"), arena_printf(r->a, "%s.kinds", prefix), &kinds,
		                    &nk)))
			return rc;
		din[i] = (assist_debtor_in){ .party_id = jsonin_int(d, "party_id", 0),
			                     .name = jsonin_str(d, "name"),
			                     .id_type = jsonin_str(d, "id_type"),
			                     .id_number = jsonin_str(d, "id_number"),
			                     .kinds = kinds,
			                     .n_kinds = nk,
			                     .order_id = jsonin_int(d, "order_id", 0) };
	}
	const char **csv_kinds = NULL;
	size_t nck = 0;
	if (json_object_get(r->json, "csv_kinds") &&
	    (rc = str_array(r, json_object_get(r->json, "csv_kinds"), "csv_kinds", &csv_kinds, &nck)))
		return rc;
	enforce_settings s;
	settings(&s);
	assist_new in = { .matter_id = matter_id,
		          .police_unit_id = jsonin_str(r->json, "police_unit_id"),
		          .basis = jsonin_str(r->json, "basis"),
		          .note = jsonin_str(r->json, "note"),
		          .debtors = din,
		          .n_debtors = nd,
		          .csv = jsonin_str(r->json, "csv"),
		          .csv_kinds = csv_kinds,
		          .n_csv_kinds = nck };
	int64_t id;
	json_t *v;
	if ((rc = assist_request_create(r->db, r->who, &s, &in, &id, &r->e)) ||
	    (rc = assist_request_view(r->db, id, 1, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 201, v);
}

/* Authorize on a request: the police unit answers (holder = police unit); reads see either side. */
static int authorize_request(req *r, int64_t id, int *out_full)
{
	const char *court, *police;
	int64_t matter_id;
	int rc = assist_request_units(r->db, id, r->a, &court, &police, &matter_id, &r->e);
	if (rc)
		return rc;
	if (r->route->perm == PERM_MATTER_READ) {
		const char *units[2] = { court, police };
		authz_scope sc = { .unit_ids = units, .n_units = 2 };
		if ((rc = api_authorize(r, &sc)))
			return rc == E_FORBIDDEN ? err_set(&r->e, E_NOTFOUND, "id", "协查请求不存在或无权查看") : rc;
	} else {
		authz_scope sc = { .holder_unit_id = police };
		if ((rc = api_authorize(r, &sc)))
			return rc;
	}
	if (out_full) {
		authz_scope ps = { .holder_unit_id = police };
		*out_full = authz_allows(r->who, PERM_POLICE_ACT, &ps) || acts_for_matter(r, matter_id);
	}
	return OK;
}

int api_assist_get(req *r)
{
	int64_t id;
	int full = 0;
	json_t *v;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = authorize_request(r, id, &full)) ||
	    (rc = assist_request_view(r->db, id, full, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_assist_list(req *r)
{
	const char *box = req_query(r, "box"), *status = req_query(r, "status"), *area = req_query(r, "area");
	const char *overdue = req_query(r, "overdue");
	int64_t page, matter_id;
	int rc;
	if ((rc = req_query_int(r, "page", 1, 1, 100000, &page)) ||
	    (rc = req_query_int(r, "matter_id", 0, 0, INT64_MAX, &matter_id)))
		return rc;
	if (box && *box && strcmp(box, "inbox") && strcmp(box, "outbox"))
		return err_set(&r->e, E_INVALID, "box", "box 应为 inbox（本单位收到的）或 outbox（本单位发出的）");
	if (status && *status && strcmp(status, "open") && strcmp(status, "answered"))
		return err_set(&r->e, E_INVALID, "status", "status 应为 open 或 answered");
	const org_unit *mine = org_unit_find(r->who->unit_id);
	if (!mine)
		return refuse(r, "no_unit", NULL, "无权执行此操作");
	store_assist_query q = { .status = status && *status ? status : NULL,
		                 .matter_id = matter_id,
		                 .overdue_only = overdue && (!strcmp(overdue, "1") || !strcmp(overdue, "true")),
		                 .limit = 50,
		                 .offset = (int)((page - 1) * 50) };
	if (area && *area) {
		/* the requests of the units below: a committee's area, or a higher police unit (court) the
		 * requests its counties' police units received (courts sent); authz_decide says who may */
		if (!org_area_find(area))
			return err_set(&r->e, E_INVALID, "area", "区划代码 %s 不存在", area);
		authz_scope ps = { .within_area = area, .within_kind = "police" };
		authz_scope cs = { .within_area = area, .within_kind = "court" };
		int police_side = authz_allows(r->who, r->route->perm, &ps);
		int court_side = authz_allows(r->who, r->route->perm, &cs);
		if (police_side && court_side)
			q.area_code = area; /* a committee: either side */
		else if (police_side)
			q.police_area_code = area;
		else if (court_side)
			q.court_area_code = area;
		else
			return api_authorize(r, &ps); /* the refusal, logged */
	} else if (!strcmp(mine->kind, "committee")) {
		q.area_code = mine->area_code; /* a committee sees its area and below */
	} else if (box && !strcmp(box, "inbox")) {
		q.police_unit_id = r->who->unit_id;
	} else if (box && !strcmp(box, "outbox")) {
		q.court_unit_id = r->who->unit_id;
	} else {
		q.unit_id = r->who->unit_id;
	}
	json_t *v;
	if ((rc = assist_request_list(r->db, &q, r->a, &v, &r->e)))
		return rc;
	json_object_set_new(v, "page", json_integer(page));
	return req_reply_json(r, 200, v);
}

int api_assist_answer(req *r)
{
	static const jfield fields[] = { { "answers", J_ARRAY, 1, ASSIST_MAX_ITEMS }, { NULL, 0, 0, 0 } };
	static const jfield afields[] = { { "item_id", J_INT, 1, 0 },        { "found", J_BOOL, 1, 0 },
		                          { "findings", J_OBJECT, 0, 0 },    { "action_taken", J_STRING, 0, 4000 },
		                          { "attachments", J_ARRAY, 0, 20 }, { NULL, 0, 0, 0 } };
	int64_t id;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_request(r, id, NULL)))
		return rc;
	json_t *answers = json_object_get(r->json, "answers");
	size_t n = json_array_size(answers);
	assist_answer_in *v = arena_alloc(r->a, (n + 1) * sizeof *v);
	if (!v)
		return nomem(r);
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(answers, i);
		const char *prefix = arena_printf(r->a, "answers[%zu]", i);
		if ((rc = jsonin_check(x, afields, prefix, &r->e)))
			return rc;
		const char **att = NULL;
		size_t na = 0;
		if (json_object_get(x, "attachments") &&
		    (rc = str_array(r, json_object_get(x, "attachments"), arena_printf(r->a, "%s.attachments", prefix),
		                    &att, &na)))
			return rc;
		v[i] = (assist_answer_in){ .item_id = jsonin_int(x, "item_id", 0),
			                   .found = jsonin_bool(x, "found", 0),
			                   .findings = json_object_get(x, "findings"),
			                   .action_taken = jsonin_str(x, "action_taken"),
			                   .attachments = att,
			                   .n_attachments = na };
		if (json_is_null(v[i].findings))
			v[i].findings = NULL;
		if (v[i].findings) {
			char *s = json_out_compact(v[i].findings, 0, NULL);
			size_t len = s ? strlen(s) : 0;
			free(s);
			if (len > 16384)
				return err_set(&r->e, E_INVALID, arena_printf(r->a, "%s.findings", prefix),
				               "查询结果过大（最多 16 KB）");
		}
	}
	json_t *out;
	if ((rc = assist_answer(r->db, r->who, id, v, n, NULL, &r->e)) ||
	    (rc = assist_request_view(r->db, id, 1, r->a, &out, &r->e)))
		return rc;
	return req_reply_json(r, 200, out);
}

int api_assist_file(req *r)
{
	int64_t id, matter_id, seq;
	const char *court, *police;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = authorize_request(r, id, NULL)) ||
	    (rc = assist_request_units(r->db, id, r->a, &court, &police, &matter_id, &r->e)))
		return rc;
	/* the police unit's attachment goes into the matter's dossier (stored once, registered with its event) */
	dossier_upload up = { .tmp_path = r->upload_path,
		              .sha256 = r->upload_sha256,
		              .size = r->upload_len,
		              .head = r->upload_head,
		              .head_len = r->upload_head_len,
		              .name = req_query(r, "name") };
	if ((rc = dossier_add(r->db, r->who, api_config()->data_dir, matter_id, &up, &seq, &r->e)))
		return rc;
	char hex[65];
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = hx[r->upload_sha256[i] >> 4];
		hex[2 * i + 1] = hx[r->upload_sha256[i] & 15];
	}
	hex[64] = 0;
	return req_reply_json(r, 201,
	                      json_pack("{s:s,s:I,s:I,s:I}", "sha256", hex, "size", (json_int_t)r->upload_len,
	                                "matter_id", (json_int_t)matter_id, "log_index", (json_int_t)(seq - 1)));
}

int api_assist_stats(req *r)
{
	const org_unit *mine = org_unit_find(r->who->unit_id);
	const char *area = req_query(r, "area"), *unit = req_query(r, "unit"), *from = req_query(r, "from"),
	           *to = req_query(r, "to");
	if (!mine)
		return refuse(r, "no_unit", NULL, "无权执行此操作");
	if (!area || !*area)
		area = mine->area_code;
	if (!org_area_find(area))
		return err_set(&r->e, E_INVALID, "area", "区划代码 %s 不存在", area);
	if (!org_area_within(area, mine->area_code))
		return refuse(r, "outside_area", "area", "只能查看本辖区及下级");
	cal_date d;
	if (from && *from && cal_date_parse(from, "from", &d, &r->e))
		return r->e.code;
	if (to && *to && cal_date_parse(to, "to", &d, &r->e))
		return r->e.code;
	json_t *v;
	int rc = assist_stats_json(r->db, area, unit && *unit ? unit : NULL, from && *from ? from : NULL,
	                           to && *to ? to : NULL, r->a, &v, &r->e);
	if (rc)
		return rc;
	json_object_set_new(v, "area_code", json_string(area));
	return req_reply_json(r, 200, v);
}

/* ---- control orders ---- */
int api_control_create(req *r)
{
	static const jfield fields[] = { { "matter_id", J_INT, 1, 0 },
		                         { "kind", J_STRING, 1, 32 },
		                         { "party_id", J_INT, 0, 0 },
		                         { "name", J_STRING, 0, 300 },
		                         { "id_type", J_STRING, 0, 16 },
		                         { "id_number", J_STRING, 0, 32 },
		                         { "basis", J_STRING, 1, 400 },
		                         { "reason", J_STRING, 1, 2000 },
		                         { "valid_from", J_STRING, 0, 10 },
		                         { "valid_to", J_STRING, 0, 10 },
		                         { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	int64_t matter_id = jsonin_int(r->json, "matter_id", 0), id;
	if ((rc = authorize_matter(r, matter_id)))
		return rc;
	control_new in = { .matter_id = matter_id,
		           .kind = jsonin_str(r->json, "kind"),
		           .party_id = jsonin_int(r->json, "party_id", 0),
		           .name = jsonin_str(r->json, "name"),
		           .id_type = jsonin_str(r->json, "id_type"),
		           .id_number = jsonin_str(r->json, "id_number"),
		           .basis = jsonin_str(r->json, "basis"),
		           .reason = jsonin_str(r->json, "reason"),
		           .valid_from = jsonin_str(r->json, "valid_from"),
		           .valid_to = jsonin_str(r->json, "valid_to") };
	json_t *v;
	if ((rc = control_order_issue(r->db, r->who, &in, &id, &r->e)) ||
	    (rc = control_order_view(r->db, id, 1, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 201, v);
}

static int authorize_order(req *r, int64_t id, int *out_full)
{
	int64_t matter_id;
	int rc = control_order_matter(r->db, id, &matter_id, &r->e);
	if (rc || (rc = authorize_matter(r, matter_id)))
		return rc == E_NOTFOUND ? err_set(&r->e, E_NOTFOUND, "id", "强制措施不存在或无权查看") : rc;
	if (out_full)
		*out_full = acts_for_matter(r, matter_id);
	return OK;
}

int api_control_get(req *r)
{
	int64_t id;
	int full = 0;
	json_t *v;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = authorize_order(r, id, &full)) || (rc = control_order_view(r->db, id, full, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_control_list(req *r)
{
	int64_t matter_id;
	int rc = req_query_int(r, "matter_id", 0, 0, INT64_MAX, &matter_id);
	if (rc)
		return rc;
	if (!matter_id)
		return err_set(&r->e, E_INVALID, "matter_id", "请注明案件 matter_id");
	json_t *v;
	if ((rc = authorize_matter(r, matter_id)) ||
	    (rc = control_order_list_json(r->db, matter_id, acts_for_matter(r, matter_id), r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_control_revoke(req *r)
{
	static const jfield fields[] = { { "reason", J_STRING, 1, 2000 }, { NULL, 0, 0, 0 } };
	int64_t id;
	json_t *v;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_order(r, id, NULL)) ||
	    (rc = control_order_revoke(r->db, r->who, id, jsonin_str(r->json, "reason"), &r->e)) ||
	    (rc = control_order_view(r->db, id, 1, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_person_check(req *r)
{
	static const jfield fields[] = { { "id_number", J_STRING, 1, 32 }, { "purpose", J_STRING, 1, 400 },
		                         { "basis", J_STRING, 1, 1000 },   { "matter_id", J_INT, 0, 0 },
		                         { "case_ref", J_STRING, 0, 400 }, { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	/* any police officer checks a person met anywhere; other units with the role may not */
	const org_unit *top = enforce_top_unit(r->who->unit_id);
	if (!top || strcmp(top->kind, "police")) {
		return refuse(r, "not_police", NULL, "人员核查仅供公安机关使用");
	}
	control_check_in in = { .id_number = jsonin_str(r->json, "id_number"),
		                .purpose = jsonin_str(r->json, "purpose"),
		                .basis = jsonin_str(r->json, "basis"),
		                .matter_id = jsonin_int(r->json, "matter_id", 0),
		                .case_ref = jsonin_str(r->json, "case_ref") };
	json_t *v;
	if ((rc = control_person_check(r->db, r->who, &in, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

/* ---- the dishonest-debtor list ---- */
int api_debtor_public(req *r)
{
	json_t *v;
	int rc = debtor_public_query(r->db, req_query(r, "name"), req_query(r, "id_number"), r->a, &v, &r->e);
	if (rc)
		return rc;
	return req_reply_json(r, 200, v);
}

int api_debtor_removals(req *r)
{
	json_t *v;
	int rc = debtor_public_removals(r->db, req_query(r, "since"), r->a, &v, &r->e);
	if (rc)
		return rc;
	return req_reply_json(r, 200, v);
}

int api_restriction_check(req *r)
{
	static const jfield fields[] = { { "id_number", J_STRING, 1, 32 },
		                         { "category", J_STRING, 0, 32 },
		                         { "purpose", J_STRING, 1, 400 },
		                         { "basis", J_STRING, 1, 1000 },
		                         { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	debtor_check_in in = { .id_number = jsonin_str(r->json, "id_number"),
		               .category = jsonin_str(r->json, "category"),
		               .purpose = jsonin_str(r->json, "purpose"),
		               .basis = jsonin_str(r->json, "basis") };
	json_t *v;
	if ((rc = debtor_restriction_check(r->db, r->who, &in, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_listing_create(req *r)
{
	static const jfield fields[] = { { "matter_id", J_INT, 1, 0 },
		                         { "party_id", J_INT, 1, 0 },
		                         { "ground", J_STRING, 1, 64 },
		                         { "conduct", J_STRING, 1, 2000 },
		                         { "obligation", J_STRING, 1, 2000 },
		                         { "source_doc_number", J_STRING, 1, 400 },
		                         { "source_doc_issuer", J_STRING, 1, 400 },
		                         { "legal_representative", J_STRING, 0, 200 },
		                         { "extra_years", J_INT, 0, 0 },
		                         { "extra_reason", J_STRING, 0, 1000 },
		                         { "decided_on", J_STRING, 0, 10 },
		                         { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	int64_t matter_id = jsonin_int(r->json, "matter_id", 0), id;
	if ((rc = authorize_matter(r, matter_id)))
		return rc;
	int64_t extra = jsonin_int(r->json, "extra_years", 0);
	debtor_listing_new in = { .matter_id = matter_id,
		                  .party_id = jsonin_int(r->json, "party_id", 0),
		                  .ground = jsonin_str(r->json, "ground"),
		                  .conduct = jsonin_str(r->json, "conduct"),
		                  .obligation = jsonin_str(r->json, "obligation"),
		                  .source_doc_number = jsonin_str(r->json, "source_doc_number"),
		                  .source_doc_issuer = jsonin_str(r->json, "source_doc_issuer"),
		                  .legal_representative = jsonin_str(r->json, "legal_representative"),
		                  .extra_years = extra < 0 || extra > 3 ? -1 : (int)extra,
		                  .extra_reason = jsonin_str(r->json, "extra_reason"),
		                  .decided_on = jsonin_str(r->json, "decided_on") };
	json_t *v;
	if ((rc = debtor_list(r->db, r->who, &in, &id, &r->e)) ||
	    (rc = debtor_listing_view(r->db, id, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 201, v);
}

static int authorize_listing(req *r, int64_t id)
{
	int64_t matter_id;
	int rc = debtor_listing_matter(r->db, id, &matter_id, &r->e);
	if (rc || (rc = authorize_matter(r, matter_id)))
		return rc == E_NOTFOUND ? err_set(&r->e, E_NOTFOUND, "id", "失信名单记录不存在或无权查看") : rc;
	return OK;
}

int api_listing_get(req *r)
{
	int64_t id;
	json_t *v;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = authorize_listing(r, id)) || (rc = debtor_listing_view(r->db, id, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_listing_list(req *r)
{
	int64_t matter_id, page;
	int rc;
	if ((rc = req_query_int(r, "matter_id", 0, 0, INT64_MAX, &matter_id)) ||
	    (rc = req_query_int(r, "page", 1, 1, 100000, &page)))
		return rc;
	const char *status = req_query(r, "status");
	if (status && *status && strcmp(status, "listed") && strcmp(status, "removed"))
		return err_set(&r->e, E_INVALID, "status", "status 应为 listed 或 removed");
	store_listing_query q = { .matter_id = matter_id,
		                  .status = status && *status ? status : NULL,
		                  .limit = 50,
		                  .offset = (int)((page - 1) * 50) };
	if (matter_id) {
		if ((rc = authorize_matter(r, matter_id)))
			return rc;
	} else {
		/* the court's own listings */
		const org_unit *court = enforce_top_unit(r->who->unit_id);
		if (!court || strcmp(court->kind, "court"))
			return err_set(&r->e, E_INVALID, "matter_id",
			               "请注明案件 matter_id（法院用户可省略以查看本院名单）");
		q.court_unit_id = court->id;
	}
	json_t *v;
	if ((rc = debtor_listing_list_json(r->db, &q, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_listing_notice(req *r)
{
	static const jfield fields[] = { { "notified_on", J_STRING, 0, 10 },
		                         { "method", J_STRING, 1, 200 },
		                         { NULL, 0, 0, 0 } };
	int64_t id;
	json_t *v;
	enforce_settings s;
	settings(&s);
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_listing(r, id)) ||
	    (rc = debtor_notice(r->db, r->who, &s, id, jsonin_str(r->json, "notified_on"),
	                        jsonin_str(r->json, "method"), &r->e)) ||
	    (rc = debtor_listing_view(r->db, id, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_listing_remove(req *r)
{
	static const jfield fields[] = { { "reason", J_STRING, 1, 32 },
		                         { "note", J_STRING, 1, 2000 },
		                         { NULL, 0, 0, 0 } };
	int64_t id;
	json_t *v;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_listing(r, id)) ||
	    (rc = debtor_remove(r->db, r->who, id, jsonin_str(r->json, "reason"), jsonin_str(r->json, "note"),
	                        &r->e)) ||
	    (rc = debtor_listing_view(r->db, id, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

/* ---- the query log ---- */
int api_query_log(req *r)
{
	static const jfield fields[] = { { "id_number", J_STRING, 1, 32 },
		                         { "code", J_STRING, 1, 32 },
		                         { NULL, 0, 0, 0 } };
	enforce_settings s;
	settings(&s);
	json_t *v;
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc || (rc = enforce_query_log(r->db, &s, jsonin_str(r->json, "id_number"), jsonin_str(r->json, "code"),
	                                  r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_query_code_issue(req *r)
{
	static const jfield fields[] = { { "id_number", J_STRING, 1, 32 },
		                         { "name", J_STRING, 1, 300 },
		                         { "reason", J_STRING, 1, 2000 },
		                         { NULL, 0, 0, 0 } };
	enforce_settings s;
	settings(&s);
	json_t *v;
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc || (rc = enforce_query_code_issue(r->db, r->who, &s, jsonin_str(r->json, "id_number"),
	                                         jsonin_str(r->json, "name"), jsonin_str(r->json, "reason"), r->a, &v,
	                                         &r->e)))
		return rc;
	return req_reply_json(r, 201, v);
}

int api_person_lookups(req *r)
{
	const char *id = req_query(r, "id_number");
	if (!id || !*id || strlen(id) > 32)
		return err_set(&r->e, E_INVALID, "id_number", "请注明证件号码 id_number");
	json_t *v;
	int rc = enforce_lookup_list(r->db, id, r->a, &v, &r->e);
	if (rc)
		return rc;
	return req_reply_json(r, 200, v);
}

/* ---- workbench, supervision, metrics ---- */
int api_enforce_workbench(req *r)
{
	json_t *v;
	int rc = enforce_workbench(r->db, r->who, r->a, &v, &r->e);
	if (rc)
		return rc;
	return req_reply_json(r, 200, v);
}

/* The area a supervisor asks about: default their own; never outside it. */
static int supervised_area(req *r, const char **out)
{
	const org_unit *mine = org_unit_find(r->who->unit_id);
	const char *area = req_query(r, "area");
	if (!mine)
		return refuse(r, "no_unit", NULL, "无权执行此操作");
	if (!area || !*area)
		area = mine->area_code;
	if (!org_area_find(area))
		return err_set(&r->e, E_INVALID, "area", "区划代码 %s 不存在", area);
	if (!org_area_within(area, mine->area_code))
		return refuse(r, "outside_area", "area", "只能查看本辖区及下级");
	*out = area;
	return OK;
}

int api_enforce_supervision(req *r)
{
	const char *area;
	json_t *v;
	int rc = supervised_area(r, &area);
	if (rc || (rc = enforce_supervision(r->db, area, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_enforce_metrics(req *r)
{
	const char *area, *court = req_query(r, "court"), *from = req_query(r, "from"), *to = req_query(r, "to");
	int rc = supervised_area(r, &area);
	if (rc)
		return rc;
	cal_date d;
	if (from && *from && cal_date_parse(from, "from", &d, &r->e))
		return r->e.code;
	if (to && *to && cal_date_parse(to, "to", &d, &r->e))
		return r->e.code;
	if (court && *court) {
		const org_unit *c = org_unit_find(court);
		if (!c || strcmp(c->kind, "court"))
			return err_set(&r->e, E_INVALID, "court", "court 应为法院单位编号，如 152529.court");
		if (!authz_unit_visible(r->who, c->id))
			return refuse(r, "outside_area", "court", "只能查看本辖区的法院");
	}
	json_t *v;
	if ((rc = enforce_metrics(r->db, court && *court ? NULL : area, court && *court ? court : NULL,
	                          from && *from ? from : NULL, to && *to ? to : NULL, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}
