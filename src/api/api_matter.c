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

#include <stdio.h>
#include <string.h>

static int param_id(req *r, int i, const char *name, int64_t *out)
{
	if (i >= r->n_params || util_parse_i64(r->params[i], 1, INT64_MAX, out))
		return err_set(&r->e, E_NOTFOUND, name, "编号无效：%s", i < r->n_params ? r->params[i] : "");
	return OK;
}

/* Load the matter's scope and authorize the route's permission on it. Not found and not visible look
 * the same to the caller. */
static int authorize_matter(req *r, int64_t id, matter_scope *sc)
{
	int rc = matter_scope_load(r->db, id, r->a, sc, &r->e);
	if (rc)
		return rc;
	rc = api_authorize(r, &sc->scope);
	if (rc == E_FORBIDDEN && r->route->perm == PERM_MATTER_READ)
		return err_set(&r->e, E_NOTFOUND, "id", "案件不存在或无权查看");
	return rc;
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
	static const jfield fields[] = {{"kind", J_STRING, 1, 32},	   {"summary", J_STRING, 1, 2000},
					{"tags", J_ARRAY, 0, 2},	   {"parties", J_ARRAY, 1, 50},
					{"detained", J_BOOL, 0, 0},	   {"unit_number", J_STRING, 0, 120},
					{NULL, 0, 0, 0}};
	static const jfield pfields[] = {{"type", J_STRING, 1, 16},	 {"name", J_STRING, 1, 300},
					 {"role", J_STRING, 1, 32},	 {"id_type", J_STRING, 0, 16},
					 {"id_number", J_STRING, 0, 32}, {NULL, 0, 0, 0}};
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
		pin[i] = (matter_party_in){jsonin_str(p, "type"), jsonin_str(p, "name"), jsonin_str(p, "role"),
					   jsonin_str(p, "id_type"), jsonin_str(p, "id_number")};
	}
	for (size_t i = 0; i < nt; i++) {
		json_t *t = json_array_get(tags, i);
		if (!json_is_string(t))
			return err_set(&r->e, E_INVALID, arena_printf(r->a, "tags[%zu]", i), "标签应为字符串");
		tin[i] = json_string_value(t);
	}
	matter_new in = {.kind = jsonin_str(r->json, "kind"),
			 .summary = jsonin_str(r->json, "summary"),
			 .tags = tin,
			 .n_tags = nt,
			 .parties = pin,
			 .n_parties = np,
			 .detained = jsonin_bool(r->json, "detained", 0),
			 .unit_number = jsonin_str(r->json, "unit_number")};
	int64_t id;
	json_t *warnings = NULL;
	if ((rc = matter_file(r->db, r->who, &in, &id, &warnings, &r->e)))
		return rc;
	json_t *v;
	if ((rc = matter_view(r->db, r->who, id, r->a, &v, &r->e))) {
		json_decref(warnings);
		return rc;
	}
	json_object_set_new(v, "warnings", warnings ? warnings : json_array());
	return req_reply_json(r, 201, v);
}

int api_matter_get(req *r)
{
	int64_t id;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = authorize_matter(r, id, &sc)))
		return rc;
	return reply_matter(r, 200, id);
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
	if ((rc = req_query_int(r, "page", 1, 1, 100000, &page)) || (rc = req_query_int(r, "per_page", 20, 1, 100, &per)))
		return rc;
	store_matter_query q = {0};
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
	const char *const *strs[] = {&q.number, &q.party, &q.id_number, &q.unit_id, &q.stage,
				     &q.status, &q.kind,  &q.tag,	&q.filed_from, &q.filed_to};
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
	static const jfield fields[] = {{"action", J_STRING, 1, 64},	  {"note", J_STRING, 0, 2000},
					{"reason", J_STRING, 0, 2000},	  {"procedure", J_STRING, 0, 32},
					{"to_unit_id", J_STRING, 0, 95}, {"manifest", J_ARRAY, 0, 1000},
					{NULL, 0, 0, 0}};
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
				return err_set(&r->e, E_INVALID, arena_printf(r->a, "manifest[%zu]", i), "应为文件的 SHA-256（64 位十六进制）");
			mv[i] = json_string_value(x);
		}
	}
	matter_act_in in = {.note = jsonin_str(r->json, "note"),
			    .reason = jsonin_str(r->json, "reason"),
			    .procedure = jsonin_str(r->json, "procedure"),
			    .to_unit_id = jsonin_str(r->json, "to_unit_id"),
			    .manifest = mv,
			    .n_manifest = nm};
	if ((rc = matter_act(r->db, r->who, id, jsonin_str(r->json, "action"), &in, &tid, &r->e)))
		return rc;
	return reply_matter(r, 200, id);
}

static int authorize_transfer(req *r, int64_t tid, int as_sender, int64_t *out_matter)
{
	const char *to, *from;
	int rc = transfer_units(r->db, tid, r->a, &to, &from, out_matter, &r->e);
	if (rc)
		return rc;
	authz_scope sc = {.holder_unit_id = as_sender ? from : to};
	return api_authorize(r, &sc);
}

int api_transfer_accept(req *r)
{
	int64_t tid, mid;
	int rc = param_id(r, 0, "id", &tid);
	if (rc || (rc = authorize_transfer(r, tid, 0, &mid)) || (rc = transfer_accept(r->db, r->who, tid, NULL, &r->e)))
		return rc;
	return reply_matter(r, 200, mid);
}

int api_transfer_return(req *r)
{
	static const jfield fields[] = {{"reason", J_STRING, 1, 2000}, {NULL, 0, 0, 0}};
	int64_t tid, mid;
	int rc = param_id(r, 0, "id", &tid);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_transfer(r, tid, 0, &mid)) ||
	    (rc = transfer_return(r->db, r->who, tid, jsonin_str(r->json, "reason"), &r->e)))
		return rc;
	return reply_matter(r, 200, mid);
}

int api_transfer_withdraw(req *r)
{
	int64_t tid, mid;
	int rc = param_id(r, 0, "id", &tid);
	if (rc || (rc = authorize_transfer(r, tid, 1, &mid)) || (rc = transfer_withdraw(r->db, r->who, tid, &r->e)))
		return rc;
	return reply_matter(r, 200, mid);
}

static json_t *transfer_json(const store_transfer *t, arena *a)
{
	(void)a;
	const org_unit *to = org_unit_find(t->to_unit_id), *from = org_unit_find(t->from_unit_id);
	char today[11];
	legal_today(today);
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s?,s:b,s:b}", "id", (json_int_t)t->id,
			 "matter_id", (json_int_t)t->matter_id, "action", t->action, "to_stage", t->to_stage,
			 "from_unit_id", t->from_unit_id, "from_unit_name", from ? from->name : "", "to_unit_id",
			 t->to_unit_id, "to_unit_name", to ? to->name : "", "status", t->status, "sent_at", t->sent_at,
			 "accept_due_on", t->accept_due_on, "reason", t->reason, "answered_at", t->answered_at, "green",
			 t->green, "overdue", !strcmp(t->status, "sent") && strcmp(t->accept_due_on, today) < 0);
}

int api_transfer_list(req *r)
{
	const char *box = req_query(r, "box"), *status = req_query(r, "status");
	int64_t page;
	int rc = req_query_int(r, "page", 1, 1, 100000, &page);
	if (rc)
		return rc;
	if (box && strcmp(box, "inbox") && strcmp(box, "outbox"))
		return err_set(&r->e, E_INVALID, "box", "box 应为 inbox（待我签收）或 outbox（我发出的）");
	if (status && *status && strcmp(status, "sent") && strcmp(status, "accepted") && strcmp(status, "returned") &&
	    strcmp(status, "withdrawn"))
		return err_set(&r->e, E_INVALID, "status", "status 应为 sent、accepted、returned 或 withdrawn");
	store_transfer_query q = {.status = status && *status ? status : NULL, .limit = 50, .offset = (int)((page - 1) * 50)};
	if (box && !strcmp(box, "outbox"))
		q.from_unit_id = r->who->unit_id;
	else
		q.to_unit_id = r->who->unit_id;
	store_transfer *v;
	size_t n;
	int64_t total;
	if ((rc = store_transfer_list(r->db, &q, r->a, &v, &n, &total, &r->e)))
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, transfer_json(&v[i], r->a));
	return req_reply_json(r, 200, json_pack("{s:o,s:I}", "transfers", arr, "total", (json_int_t)total));
}

int api_workbench(req *r)
{
	store_transfer_query tq = {.to_unit_id = r->who->unit_id, .status = "sent", .limit = 100};
	store_transfer *tv;
	size_t tn;
	int64_t ttotal;
	int rc = store_transfer_list(r->db, &tq, r->a, &tv, &tn, &ttotal, &r->e);
	if (rc)
		return rc;
	json_t *inbox = json_array();
	for (size_t i = 0; inbox && i < tn; i++) {
		json_t *t = transfer_json(&tv[i], r->a);
		store_matter m;
		char today[11];
		legal_today(today);
		if (store_matter_get(r->db, tv[i].matter_id, r->a, &m, NULL) == OK)
			json_object_set_new(t, "matter", matter_row_json(&m, today));
		json_array_append_new(inbox, t);
	}
	store_matter_query mq = {.holder_unit_id = r->who->unit_id, .status = "open", .order_urgency = 1, .limit = 100};
	json_t *mine;
	if ((rc = matter_search(r->db, r->who, &mq, r->a, &mine, &r->e))) {
		json_decref(inbox);
		return rc;
	}
	store_transfer_query oq = {.from_unit_id = r->who->unit_id, .status = "sent", .limit = 100};
	if ((rc = store_transfer_list(r->db, &oq, r->a, &tv, &tn, &ttotal, &r->e))) {
		json_decref(inbox);
		json_decref(mine);
		return rc;
	}
	json_t *outbox = json_array();
	for (size_t i = 0; outbox && i < tn; i++)
		json_array_append_new(outbox, transfer_json(&tv[i], r->a));
	const org_unit *u = org_unit_find(r->who->unit_id);
	return req_reply_json(r, 200,
			      json_pack("{s:{s:s,s:s},s:o,s:o,s:o}", "unit", "id", r->who->unit_id, "name", u ? u->name : "",
					"transfers_to_accept", inbox, "my_matters", mine, "transfers_sent", outbox));
}

int api_extension_request(req *r)
{
	static const jfield fields[] = {{"reason", J_STRING, 1, 2000}, {"basis", J_STRING, 0, 300}, {NULL, 0, 0, 0}};
	int64_t id, xid;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_matter(r, id, &sc)) ||
	    (rc = matter_extension_request(r->db, r->who, id, jsonin_str(r->json, "reason"), jsonin_str(r->json, "basis"),
					   &xid, &r->e)))
		return rc;
	return reply_matter(r, 201, id);
}

static int decide(req *r, int approve)
{
	static const jfield fields[] = {{"note", J_STRING, 0, 2000}, {NULL, 0, 0, 0}};
	int64_t xid, mid;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &xid);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) ||
	    (rc = matter_extension_matter(r->db, xid, &mid, &r->e)) || (rc = authorize_matter(r, mid, &sc)) ||
	    (rc = matter_extension_decide(r->db, r->who, xid, approve, jsonin_str(r->json, "note"), &r->e)))
		return rc;
	return reply_matter(r, 200, mid);
}

int api_extension_approve(req *r) { return decide(r, 1); }
int api_extension_refuse(req *r) { return decide(r, 0); }

int api_matter_tag(req *r)
{
	static const jfield fields[] = {{"tag", J_STRING, 1, 32}, {"on", J_BOOL, 1, 0}, {NULL, 0, 0, 0}};
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
	static const jfield fields[] = {{"reason", J_STRING, 1, 2000}, {"basis", J_STRING, 1, 600}, {NULL, 0, 0, 0}};
	int64_t id;
	matter_scope sc;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) || (rc = authorize_matter(r, id, &sc)) ||
	    (rc = matter_suspend(r->db, r->who, id, jsonin_str(r->json, "reason"), jsonin_str(r->json, "basis"), &r->e)))
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
	dossier_upload up = {.tmp_path = r->upload_path,
			     .sha256 = r->upload_sha256,
			     .size = r->upload_len,
			     .head = r->upload_head,
			     .head_len = r->upload_head_len,
			     .name = name};
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
	const char *sha = r->params[1];
	store_matter_file *files;
	size_t n;
	if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
		return err_set(&r->e, E_NOTFOUND, "sha256", "文件不存在");
	if ((rc = store_matter_file_list(r->db, id, r->a, &files, &n, &r->e)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(files[i].sha256, sha))
			continue;
		char *path = arena_alloc(r->a, 800);
		if (!path)
			return err_set(&r->e, E_NOMEM, NULL, "out of memory");
		dossier_path(api_config()->data_dir, sha, path, 800);
		r->out_file = path;
		r->out_type = files[i].mime;
		/* RFC 6266 filename*: percent-encode everything but unreserved characters */
		char enc[800];
		size_t o = 0;
		for (const unsigned char *s = (const unsigned char *)files[i].name; *s && o + 4 < sizeof enc; s++) {
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
	return err_set(&r->e, E_NOTFOUND, "sha256", "本案卷宗中没有这个文件");
}

/* ---- supervision ---- */
static const char *const metrics[] = {"overdue", "due_soon", "unanswered_transfers", "returned_twice", "green_misses"};

int api_supervision(req *r)
{
	const org_unit *mine = org_unit_find(r->who->unit_id);
	if (!mine)
		return err_set(&r->e, E_FORBIDDEN, NULL, "无权执行此操作");
	const char *area = req_query(r, "area");
	if (!area || !*area)
		area = mine->area_code;
	const org_area *ar = org_area_find(area);
	if (!ar)
		return err_set(&r->e, E_INVALID, "area", "区划代码 %s 不存在", area);
	authz_scope sc = {.area_code = area};
	if (!org_area_within(area, mine->area_code))
		return err_set(&r->e, E_FORBIDDEN, "area", "只能查看本辖区（%s）及下级", org_area_find(mine->area_code)->name);
	(void)sc;
	const char *group = ar->level == LEVEL_PROVINCE ? "league" : ar->level == LEVEL_PREFECTURE ? "area" : "unit";
	char today[11], soon[11];
	legal_today(today);
	cal_date t = legal_today_date();
	legal_format(cal_date_add_days(t, 3), soon);
	store_supervision_row *rows;
	size_t n;
	int rc = store_supervision_counts(r->db, group, ar->level == LEVEL_PROVINCE ? NULL : area, today, soon, r->a,
					  &rows, &n, &r->e);
	if (rc)
		return rc;
	/* every child (area or unit) gets a row, also with zeros */
	json_t *out = json_array(), *totals = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "open", 0, "overdue", 0, "due_soon",
							0, "unanswered_transfers", 0, "returned_twice", 0, "green_misses", 0);
	org_area *areas;
	org_unit *units;
	size_t na = 0, nu = 0;
	if (!strcmp(group, "unit")) {
		if ((rc = org_unit_list(area, NULL, 0, r->a, &units, &nu, &r->e)))
			return rc;
	} else if ((rc = org_area_list(r->a, &areas, &na, &r->e))) {
		return rc;
	}
	size_t count = !strcmp(group, "unit") ? nu : na;
	/* rows: the children, then the area's own level (本级: units of the league or region itself) */
	for (size_t i = 0; i <= count; i++) {
		const char *code, *name;
		if (i == count) {
			if (!strcmp(group, "unit"))
				break;
			code = area;
			name = "本级";
		} else if (!strcmp(group, "unit")) {
			code = units[i].id;
			name = units[i].name;
		} else {
			if (strcmp(areas[i].parent_code, area))
				continue;
			code = areas[i].code;
			name = areas[i].name;
		}
		store_supervision_row z = {0};
		const store_supervision_row *row = &z;
		for (size_t k = 0; k < n; k++)
			if (rows[k].group && !strcmp(rows[k].group, code))
				row = &rows[k];
		int64_t vals[6] = {row->open, row->overdue, row->due_soon, row->unanswered_transfers, row->returned_twice,
				   row->green_misses};
		const char *keys[6] = {"open", "overdue", "due_soon", "unanswered_transfers", "returned_twice", "green_misses"};
		json_t *j = json_pack("{s:s,s:s,s:s}", group[0] == 'u' ? "unit_id" : "area_code", code,
				      group[0] == 'u' ? "unit_name" : "area_name", name, "level", group);
		for (int k = 0; k < 6; k++) {
			json_object_set_new(j, keys[k], json_integer(vals[k]));
			json_object_set_new(totals, keys[k],
					    json_integer(json_integer_value(json_object_get(totals, keys[k])) + vals[k]));
		}
		json_array_append_new(out, j);
	}
	/* the region's own units hold matters too: counted in totals via their own rows at unit level */
	return req_reply_json(r, 200, json_pack("{s:{s:s,s:s,s:s},s:s,s:o,s:o,s:s}", "area", "code", ar->code, "name",
						ar->name, "level", group, "today", today, "rows", out, "totals", totals,
						"group_by", group));
}

int api_supervision_list(req *r)
{
	const org_unit *mine = org_unit_find(r->who->unit_id);
	const char *area = req_query(r, "area"), *metric = req_query(r, "metric"), *unit = req_query(r, "unit");
	int64_t page;
	int rc = req_query_int(r, "page", 1, 1, 100000, &page);
	if (rc)
		return rc;
	if (!mine)
		return err_set(&r->e, E_FORBIDDEN, NULL, "无权执行此操作");
	if (!area || !*area)
		area = mine->area_code;
	if (!org_area_find(area))
		return err_set(&r->e, E_INVALID, "area", "区划代码 %s 不存在", area);
	if (!org_area_within(area, mine->area_code))
		return err_set(&r->e, E_FORBIDDEN, "area", "只能查看本辖区及下级");
	size_t mi = 0;
	while (metric && mi < 5 && strcmp(metrics[mi], metric))
		mi++;
	if (!metric || mi == 5)
		return err_set(&r->e, E_INVALID, "metric",
			       "metric 应为 overdue、due_soon、unanswered_transfers、returned_twice 或 green_misses");
	char today[11], soon[11];
	legal_today(today);
	legal_format(cal_date_add_days(legal_today_date(), 3), soon);
	if (mi == 2) {
		store_transfer_query q = {.status = "sent", .area_code = area, .due_before = today, .to_unit_id = unit && *unit ? unit : NULL,
					  .limit = 50, .offset = (int)((page - 1) * 50)};
		store_transfer *v;
		size_t n;
		int64_t total;
		if ((rc = store_transfer_list(r->db, &q, r->a, &v, &n, &total, &r->e)))
			return rc;
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < n; i++)
			json_array_append_new(arr, transfer_json(&v[i], r->a));
		return req_reply_json(r, 200, json_pack("{s:s,s:o,s:I}", "metric", metric, "transfers", arr, "total", (json_int_t)total));
	}
	store_matter_query q = {.status = "open", .area_code = area, .holder_unit_id = unit && *unit ? unit : NULL,
				.order_urgency = 1, .limit = 50, .offset = (int)((page - 1) * 50)};
	if (mi == 0)
		q.due_before = today;
	else if (mi == 1) {
		q.due_from = today;
		q.due_to = soon;
	} else if (mi == 4) {
		q.due_before = today;
		q.tag = NULL;
	}
	json_t *v;
	if ((rc = matter_search(r->db, r->who, &q, r->a, &v, &r->e)))
		return rc;
	if (mi == 3 || mi == 4) {
		/* returned twice / green misses: filter the page by the flag (the store has no index for
		 * these rare conditions) */
		json_t *arr = json_object_get(v, "matters"), *keep = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(arr, i, x)
		{
			if (mi == 4 && !json_is_true(json_object_get(x, "green")))
				continue;
			json_array_append(keep, x);
		}
		if (mi == 4)
			json_object_set_new(v, "matters", keep);
		else
			json_decref(keep);
	}
	json_object_set_new(v, "metric", json_string(metric));
	return req_reply_json(r, 200, v);
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
	if ((rc = req_query_int(r, "days", 0, 0, 36600, &days)) || (rc = req_query_int(r, "months", 0, 0, 1200, &months)) ||
	    (rc = req_query_int(r, "working_days", 0, 0, 3660, &wdays)))
		return rc;
	const char *cr = req_query(r, "criminal"), *cu = req_query(r, "custody");
	due_spec spec = {.months = (int)months,
			 .days = (int)days,
			 .working_days = (int)wdays,
			 .criminal = cr && (!strcmp(cr, "1") || !strcmp(cr, "true")),
			 .custody = cu && (!strcmp(cu, "1") || !strcmp(cu, "true"))};
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
	return req_reply_json(r, 200, json_pack("{s:s,s:s,s:s,s:o,s:b,s:i}", "start", start, "due", due, "explanation",
						res.summary, "steps", steps, "beyond_calendar", res.beyond_calendar,
						"extended_days", res.extended_days));
}

/* ---- the holiday calendar ---- */
int api_calendar_holidays(req *r)
{
	store_holiday *v;
	size_t n;
	int first, last;
	int rc = legal_refresh(r->db, &r->e);
	if (rc || (rc = store_holiday_list(r->db, r->a, &v, &n, &r->e)))
		return rc;
	legal_calendar_years(&first, &last);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s}", "date", v[i].date, "kind", v[i].kind, "name",
						     v[i].name, "source", v[i].source));
	return req_reply_json(r, 200, json_pack("{s:o,s:i,s:i}", "days", arr, "first_year", first, "last_year", last));
}

int api_calendar_import(req *r)
{
	static const jfield fields[] = {{"csv", J_STRING, 1, 1 << 20}, {NULL, 0, 0, 0}};
	int added, changed;
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc || (rc = legal_import_holidays(r->db, r->who, jsonin_str(r->json, "csv"), &added, &changed, &r->e)))
		return rc;
	int first, last;
	legal_calendar_years(&first, &last);
	return req_reply_json(r, 200, json_pack("{s:i,s:i,s:i,s:i}", "added", added, "changed", changed, "first_year",
						first, "last_year", last));
}
