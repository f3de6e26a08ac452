/*
 * api_matter.c - matters, transfers, dossiers, extensions, workbench and supervision over HTTP.
 * Each handler: parse and check input, load the object's scope, authorize with the route's
 * permission (api_authorize), call the domain, render JSON.
 */
#include "api/api.h"
#include "api/jsonin.h"
#include "api/router.h"

#include "core/util.h"
#include "domain/dossier.h"
#include "domain/flow.h"
#include "domain/legal.h"
#include "domain/matter.h"
#include "domain/org.h"
#include "domain/supervision.h"

#include <stdio.h>
#include <string.h>

static int param_id(req *r, int i, const char *name, int64_t *out)
{
	if (i >= r->n_params || util_parse_i64(r->params[i], 1, INT64_MAX, out))
		return err_set(&r->e, E_NOTFOUND, name, "编号无效：%s", i < r->n_params ? r->params[i] : "");
	return OK;
}

/* The route's permission on a matter's scope, by the one authorization function. Not found and not
 * visible look the same to the caller. */
static int check_matter(void *ctx, const matter_scope *sc, err *e)
{
	req *r = ctx;
	(void)e; /* api_authorize sets r->e, which is e */
	int rc = api_authorize(r, &sc->scope);
	if (rc == E_FORBIDDEN && r->route->perm == PERM_MATTER_READ)
		return err_set(&r->e, E_NOTFOUND, "id", "案件不存在或无权查看");
	return rc;
}

/* Load the matter's scope and authorize the route's permission on it. */
static int authorize_matter(req *r, int64_t id, matter_scope *sc)
{
	int rc = matter_scope_load(r->db, id, r->a, sc, &r->e);
	return rc ? rc : check_matter(r, sc, &r->e);
}

static int reply_matter(req *r, int status, int64_t id)
{
	json_t *v;
	int rc = matter_view(r->db, r->who, id, r->a, &v, &r->e);
	if (rc)
		return rc;
	return req_reply_json(r, status, v);
}

int api_matter_create(req *r)
{
	static const jfield fields[] = { { "kind", J_STRING, 1, 32 },
		                         { "summary", J_STRING, 1, 2000 },
		                         { "tags", J_ARRAY, 0, 2 },
		                         { "parties", J_ARRAY, 1, 50 },
		                         { "detained", J_BOOL, 0, 0 },
		                         { "unit_number", J_STRING, 0, 120 },
		                         { NULL, 0, 0, 0 } };
	static const jfield pfields[] = { { "type", J_STRING, 1, 16 },      { "name", J_STRING, 1, 300 },
		                          { "role", J_STRING, 1, 32 },      { "id_type", J_STRING, 0, 16 },
		                          { "id_number", J_STRING, 0, 32 }, { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	json_t *parties = json_object_get(r->json, "parties"), *tags = json_object_get(r->json, "tags");
	size_t np = json_array_size(parties), nt = json_array_size(tags);
	matter_party_in *pin = arena_alloc(r->a, (np + 1) * sizeof *pin);
	const char **tin = arena_alloc(r->a, (nt + 1) * sizeof *tin);
	if (!pin || !tin)
		return err_set(&r->e, E_NOMEM, NULL, "out of memory");
	for (size_t i = 0; i < np; i++) {
		json_t *p = json_array_get(parties, i);
		if ((rc = jsonin_check(p, pfields, arena_printf(r->a, "parties[%zu]", i), &r->e)))
			return rc;
		pin[i] = (matter_party_in){ jsonin_str(p, "type"), jsonin_str(p, "name"), jsonin_str(p, "role"),
			                    jsonin_str(p, "id_type"), jsonin_str(p, "id_number") };
	}
	for (size_t i = 0; i < nt; i++) {
		json_t *t = json_array_get(tags, i);
		if (!json_is_string(t))
			return err_set(&r->e, E_INVALID, arena_printf(r->a, "tags[%zu]", i), "标签应为字符串");
		tin[i] = json_string_value(t);
	}
	matter_new in = { .kind = jsonin_str(r->json, "kind"),
		          .summary = jsonin_str(r->json, "summary"),
		          .tags = tin,
		          .n_tags = nt,
		          .parties = pin,
		          .n_parties = np,
		          .detained = jsonin_bool(r->json, "detained", 0),
		          .unit_number = jsonin_str(r->json, "unit_number") };
	int64_t id;
	json_t *v, *warnings = NULL;
	if ((rc = matter_file_view(r->db, r->who, &in, r->a, &id, &v, &warnings, &r->e)))
		return rc;
	json_object_set_new(v, "warnings", warnings ? warnings : json_array());
	return req_reply_json(r, 201, v);
}

int api_matter_get(req *r)
{
	int64_t id;
	json_t *v;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = matter_view_checked(r->db, r->who, id, check_matter, r, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_matter_history(req *r)
{
	int64_t id;
	matter_scope sc;
	json_t *v;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = authorize_matter(r, id, &sc)))
		return rc;
	const char *as_of = req_query(r, "as_of");
	if (as_of && *as_of && util_iso_to_sec(as_of) < 0)
		return err_set(&r->e, E_INVALID, "as_of", "as_of 应为时间，如 2026-11-22T08:00:00Z");
	if ((rc = matter_history(r->db, id, as_of && *as_of ? as_of : NULL, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_matter_search(req *r)
{
	int64_t page, per;
	int rc;
	if ((rc = req_query_int(r, "page", 1, 1, 100000, &page)) ||
	    (rc = req_query_int(r, "per_page", 20, 1, 100, &per)))
		return rc;
	store_matter_query q = { 0 };
	q.number = req_query(r, "number");
	q.party = req_query(r, "party");
	q.id_number = req_query(r, "id_number");
	q.unit_id = req_query(r, "unit");
	q.stage = req_query(r, "stage");
	q.status = req_query(r, "status");
	q.kind = req_query(r, "kind");
	q.tag = req_query(r, "tag");
	q.filed_from = req_query(r, "from");
	q.filed_to = req_query(r, "to");
	const char *const *strs[] = { &q.number, &q.party, &q.id_number, &q.unit_id,    &q.stage,
		                      &q.status, &q.kind,  &q.tag,       &q.filed_from, &q.filed_to };
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (*strs[i] && !**strs[i])
			*(const char **)strs[i] = NULL;
	if (q.status && strcmp(q.status, "open") && strcmp(q.status, "closed"))
		return err_set(&r->e, E_INVALID, "status", "status 应为 open 或 closed");
	if (q.kind && !flow_kind_valid(q.kind))
		return err_set(&r->e, E_INVALID, "kind", "kind 应为 criminal、civil、administrative 或 enforcement");
	cal_date d;
	if (q.filed_from && cal_date_parse(q.filed_from, "from", &d, &r->e))
		return r->e.code;
	if (q.filed_to && cal_date_parse(q.filed_to, "to", &d, &r->e))
		return r->e.code;
	if (q.party && util_utf8_len(q.party) > 50)
		return err_set(&r->e, E_INVALID, "party", "姓名最多 50 字");
	q.order_urgency = req_query(r, "order") && !strcmp(req_query(r, "order"), "urgency");
	q.limit = (int)per;
	q.offset = (int)((page - 1) * per);
	json_t *v;
	if ((rc = matter_search(r->db, r->who, &q, r->a, &v, &r->e)))
		return rc;
	json_object_set_new(v, "page", json_integer(page));
	json_object_set_new(v, "per_page", json_integer(per));
	return req_reply_json(r, 200, v);
}

int api_matter_act(req *r)
{
	static const jfield fields[] = { { "action", J_STRING, 1, 64 },    { "note", J_STRING, 0, 2000 },
		                         { "reason", J_STRING, 0, 2000 },  { "procedure", J_STRING, 0, 32 },
		                         { "manner", J_STRING, 0, 32 },    { "to_unit_id", J_STRING, 0, 95 },
		                         { "manifest", J_ARRAY, 0, 1000 }, { NULL, 0, 0, 0 } };
	int64_t id, tid = 0;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_matter(r, id, &sc)))
		return rc;
	json_t *man = json_object_get(r->json, "manifest");
	size_t nm = json_array_size(man);
	const char **mv = NULL;
	if (man && !json_is_null(man)) {
		mv = arena_alloc(r->a, (nm + 1) * sizeof *mv);
		if (!mv)
			return err_set(&r->e, E_NOMEM, NULL, "out of memory");
		for (size_t i = 0; i < nm; i++) {
			json_t *x = json_array_get(man, i);
			if (!json_is_string(x) || json_string_length(x) != 64)
				return err_set(&r->e, E_INVALID, arena_printf(r->a, "manifest[%zu]", i),
				               "应为文件的 SHA-256（64 位十六进制）");
			mv[i] = json_string_value(x);
		}
	}
	matter_act_in in = { .note = jsonin_str(r->json, "note"),
		             .reason = jsonin_str(r->json, "reason"),
		             .procedure = jsonin_str(r->json, "procedure"),
		             .manner = jsonin_str(r->json, "manner"),
		             .to_unit_id = jsonin_str(r->json, "to_unit_id"),
		             .manifest = mv,
		             .n_manifest = nm };
	json_t *v;
	if ((rc = matter_act_view(r->db, r->who, id, jsonin_str(r->json, "action"), &in, &tid, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

static int authorize_transfer(req *r, int64_t tid, int as_sender, int64_t *out_matter)
{
	const char *to, *from;
	int rc = transfer_units(r->db, tid, r->a, &to, &from, out_matter, &r->e);
	if (rc)
		return rc;
	authz_scope sc = { .holder_unit_id = as_sender ? from : to };
	return api_authorize(r, &sc);
}

int api_transfer_accept(req *r)
{
	int64_t tid, mid;
	json_t *v;
	int rc = param_id(r, 0, "id", &tid);
	if (rc || (rc = authorize_transfer(r, tid, 0, &mid)) ||
	    (rc = transfer_answer_view(r->db, r->who, tid, "accepted", NULL, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_transfer_return(req *r)
{
	static const jfield fields[] = { { "reason", J_STRING, 1, 2000 }, { NULL, 0, 0, 0 } };
	int64_t tid, mid;
	int rc = param_id(r, 0, "id", &tid);
	json_t *v;
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_transfer(r, tid, 0, &mid)) ||
	    (rc = transfer_answer_view(r->db, r->who, tid, "returned", jsonin_str(r->json, "reason"), r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_transfer_withdraw(req *r)
{
	int64_t tid, mid;
	int rc = param_id(r, 0, "id", &tid);
	json_t *v;
	if (rc || (rc = authorize_transfer(r, tid, 1, &mid)) ||
	    (rc = transfer_answer_view(r->db, r->who, tid, "withdrawn", NULL, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_transfer_list(req *r)
{
	int64_t page;
	json_t *v;
	int rc = req_query_int(r, "page", 1, 1, 100000, &page);
	if (rc ||
	    (rc = transfer_list(r->db, r->who, req_query(r, "box"), req_query(r, "status"), page, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_workbench(req *r)
{
	json_t *v;
	int rc = workbench_view(r->db, r->who, r->a, &v, &r->e);
	return rc ? rc : req_reply_json(r, 200, v);
}

int api_supervision(req *r)
{
	json_t *v;
	int rc = supervision_view(r->db, r->who, req_query(r, "area"), r->a, &v, &r->e);
	return rc ? rc : req_reply_json(r, 200, v);
}

int api_supervision_list(req *r)
{
	int64_t page;
	json_t *v;
	int rc = req_query_int(r, "page", 1, 1, 100000, &page);
	if (rc || (rc = supervision_list(r->db, r->who, req_query(r, "area"), req_query(r, "metric"),
	                                 req_query(r, "unit"), page, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_extension_request(req *r)
{
	static const jfield fields[] = { { "reason", J_STRING, 1, 2000 },
		                         { "basis", J_STRING, 0, 300 },
		                         { NULL, 0, 0, 0 } };
	int64_t id, xid;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_matter(r, id, &sc)) ||
	    (rc = matter_extension_request(r->db, r->who, id, jsonin_str(r->json, "reason"),
	                                   jsonin_str(r->json, "basis"), &xid, &r->e)))
		return rc;
	return reply_matter(r, 201, id);
}

static int decide(req *r, int approve)
{
	static const jfield fields[] = { { "note", J_STRING, 0, 2000 }, { NULL, 0, 0, 0 } };
	int64_t xid, mid;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &xid);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) ||
	    (rc = matter_extension_matter(r->db, xid, &mid, &r->e)) || (rc = authorize_matter(r, mid, &sc)) ||
	    (rc = matter_extension_decide(r->db, r->who, xid, approve, jsonin_str(r->json, "note"), &r->e)))
		return rc;
	return reply_matter(r, 200, mid);
}

int api_extension_approve(req *r)
{
	return decide(r, 1);
}
int api_extension_refuse(req *r)
{
	return decide(r, 0);
}

int api_matter_tag(req *r)
{
	static const jfield fields[] = { { "tag", J_STRING, 1, 32 }, { "on", J_BOOL, 1, 0 }, { NULL, 0, 0, 0 } };
	int64_t id;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_matter(r, id, &sc)) ||
	    (rc = matter_tag(r->db, r->who, id, jsonin_str(r->json, "tag"), jsonin_bool(r->json, "on", 1), &r->e)))
		return rc;
	return reply_matter(r, 200, id);
}

int api_matter_suspend(req *r)
{
	static const jfield fields[] = { { "reason", J_STRING, 1, 2000 },
		                         { "basis", J_STRING, 1, 600 },
		                         { NULL, 0, 0, 0 } };
	int64_t id;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_matter(r, id, &sc)) ||
	    (rc = matter_suspend(r->db, r->who, id, jsonin_str(r->json, "reason"), jsonin_str(r->json, "basis"),
	                         &r->e)))
		return rc;
	return reply_matter(r, 200, id);
}

int api_matter_resume(req *r)
{
	int64_t id;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = authorize_matter(r, id, &sc)) || (rc = matter_resume(r->db, r->who, id, &r->e)))
		return rc;
	return reply_matter(r, 200, id);
}

int api_file_upload(req *r)
{
	int64_t id, seq;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = authorize_matter(r, id, &sc)))
		return rc;
	const char *name = req_query(r, "name");
	dossier_upload up = { .tmp_path = r->upload_path,
		              .sha256 = r->upload_sha256,
		              .size = r->upload_len,
		              .head = r->upload_head,
		              .head_len = r->upload_head_len,
		              .name = name };
	if ((rc = dossier_add(r->db, r->who, api_config()->data_dir, id, &up, &seq, &r->e)))
		return rc;
	return reply_matter(r, 201, id);
}

int api_file_download(req *r)
{
	int64_t id;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = authorize_matter(r, id, &sc)))
		return rc;
	const char *sha = r->params[1], *name, *mime;
	if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
		return err_set(&r->e, E_NOTFOUND, "sha256", "文件不存在");
	if ((rc = dossier_find(r->db, id, sha, r->a, &name, &mime, &r->e)))
		return rc;
	char *path = arena_alloc(r->a, 800);
	if (!path)
		return err_set(&r->e, E_NOMEM, NULL, "out of memory");
	dossier_path(api_config()->data_dir, sha, path, 800);
	r->out_file = path;
	r->out_type = mime;
	/* RFC 6266 filename*: percent-encode everything but unreserved characters */
	char enc[800];
	size_t o = 0;
	for (const unsigned char *s = (const unsigned char *)name; *s && o + 4 < sizeof enc; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    strchr("-._~", *s))
			enc[o++] = (char)*s;
		else
			o += (size_t)snprintf(enc + o, sizeof enc - o, "%%%02X", *s);
	}
	enc[o] = 0;
	r->out_disposition = arena_printf(r->a, "attachment; filename*=UTF-8''%s", enc);
	r->status = 200;
	return OK;
}

/* ---- the period calculator (public) ---- */
int api_calendar_due(req *r)
{
	const char *start = req_query(r, "start");
	int64_t days, months, wdays;
	cal_date s;
	int rc;
	if (!start || cal_date_parse(start, "start", &s, &r->e))
		return start ? r->e.code : err_set(&r->e, E_INVALID, "start", "缺少起算日 start（YYYY-MM-DD）");
	if ((rc = req_query_int(r, "days", 0, 0, 36600, &days)) ||
	    (rc = req_query_int(r, "months", 0, 0, 1200, &months)) ||
	    (rc = req_query_int(r, "working_days", 0, 0, 3660, &wdays)))
		return rc;
	const char *cr = req_query(r, "criminal"), *cu = req_query(r, "custody");
	due_spec spec = { .months = (int)months,
		          .days = (int)days,
		          .working_days = (int)wdays,
		          .criminal = cr && (!strcmp(cr, "1") || !strcmp(cr, "true")),
		          .custody = cu && (!strcmp(cu, "1") || !strcmp(cu, "true")) };
	if (!months && !days && !wdays)
		return err_set(&r->e, E_INVALID, "days", "请给出期间：days、months 或 working_days");
	if (wdays && (months || days))
		return err_set(&r->e, E_INVALID, "working_days", "工作日期间不能与日、月同时使用");
	due_result res;
	legal_refresh(r->db, NULL);
	if ((rc = legal_due(s, &spec, &res, &r->e)))
		return rc;
	char due[11];
	legal_format(res.due, due);
	json_t *steps = json_array();
	for (int i = 0; i < res.n_steps; i++)
		json_array_append_new(steps, json_string(res.steps[i]));
	return req_reply_json(r, 200,
	                      json_pack("{s:s,s:s,s:s,s:o,s:b,s:i}", "start", start, "due", due, "explanation",
	                                res.summary, "steps", steps, "beyond_calendar", res.beyond_calendar,
	                                "extended_days", res.extended_days));
}

/* ---- the holiday calendar ---- */
int api_calendar_holidays(req *r)
{
	json_t *v;
	int rc = legal_holidays(r->db, r->a, &v, &r->e);
	return rc ? rc : req_reply_json(r, 200, v);
}

int api_calendar_import(req *r)
{
	static const jfield fields[] = { { "csv", J_STRING, 1, 1 << 20 }, { NULL, 0, 0, 0 } };
	int added, changed;
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc || (rc = legal_import_holidays(r->db, r->who, jsonin_str(r->json, "csv"), &added, &changed, &r->e)))
		return rc;
	int first, last;
	legal_calendar_years(&first, &last);
	return req_reply_json(r, 200,
	                      json_pack("{s:i,s:i,s:i,s:i}", "added", added, "changed", changed, "first_year", first,
	                                "last_year", last));
}
