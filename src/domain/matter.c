/*
 * matter.c - filing, actions, transfers, extensions, views and history of matters. See matter.h and
 * flow.h (the transition table that decides every step).
 */
#include "domain/matter.h"

#include "core/codec.h"
#include "core/json_out.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/enforce.h"
#include "domain/flow.h"
#include "domain/ident.h"
#include "domain/legal.h"
#include "domain/numbering.h"
#include "domain/org.h"

#include <stdio.h>
#include <string.h>

#define DUE_SOON_DAYS 3

/* Party roles allowed per kind of matter. */
static const struct {
	const char *kind, *role, *label;
} party_roles[] = {
	{ "criminal", "suspect", "犯罪嫌疑人" },
	{ "criminal", "defendant", "被告人" },
	{ "criminal", "victim", "被害人" },
	{ "civil", "plaintiff", "原告" },
	{ "civil", "defendant", "被告" },
	{ "civil", "third_party", "第三人" },
	{ "administrative", "plaintiff", "原告" },
	{ "administrative", "defendant", "被告" },
	{ "administrative", "third_party", "第三人" },
	{ "enforcement", "creditor", "申请执行人" },
	{ "enforcement", "debtor", "被执行人" },
	{ "civil", "creditor", "申请执行人" },
	{ "civil", "debtor", "被执行人" },
};

static const char *role_label(const char *kind, const char *role)
{
	for (size_t i = 0; i < sizeof party_roles / sizeof party_roles[0]; i++)
		if (!strcmp(party_roles[i].kind, kind) && !strcmp(party_roles[i].role, role))
			return party_roles[i].label;
	return NULL;
}

static const char *const procedures[] = { "ordinary", "summary", "fast_track", "small_claims" };

static int nomem(err *e)
{
	return err_set(e, E_NOMEM, NULL, "out of memory");
}

static void now_iso(char out[32])
{
	util_now_iso(out, 32);
}

static int year_of(const char *ymd)
{
	return (ymd[0] - '0') * 1000 + (ymd[1] - '0') * 100 + (ymd[2] - '0') * 10 + (ymd[3] - '0');
}

static const char *league_of(const char *area_code)
{
	const org_area *ar = org_area_find(area_code);
	if (!ar)
		return area_code;
	if (ar->level == LEVEL_COUNTY)
		return ar->parent_code;
	return ar->code; /* a league's own code; the region's units count under 150000 */
}

/* ---- scope ---- */
int matter_scope_load(store *db, int64_t id, arena *a, matter_scope *out, err *e)
{
	store_matter m;
	const char **units;
	size_t n;
	int rc = store_matter_get(db, id, a, &m, e);
	if (rc == OK)
		rc = store_matter_unit_list(db, id, a, &units, &n, e);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	out->id = id;
	out->status = m.status;
	out->scope.holder_unit_id = m.holder_unit_id;
	out->scope.unit_ids = units;
	out->scope.n_units = n;
	out->scope.area_code = m.holder_area_code;
	return OK;
}

/* The scope of a matter already read (matter_view reads it once, not twice). */
static int scope_of(store *db, const store_matter *m, arena *a, matter_scope *out, err *e)
{
	const char **units;
	size_t n;
	int rc = store_matter_unit_list(db, m->id, a, &units, &n, e);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	out->id = m->id;
	out->status = m->status;
	out->scope.holder_unit_id = m->holder_unit_id;
	out->scope.unit_ids = units;
	out->scope.n_units = n;
	out->scope.area_code = m->holder_area_code;
	return OK;
}

/* Everything the matter page shows, as read in one snapshot (matter_view_checked) or as a filing wrote
 * it (matter_file_view); page_json renders either the same way. */
typedef struct matter_page {
	store_matter m;
	matter_scope sc;
	store_party *parties;
	store_case_number *numbers;
	store_matter_file *files;
	store_extension *exts;
	const char **tags;
	size_t np, nn, nf, nx, nt;
	int has_pending;
	store_transfer pending;
} matter_page;

static json_t *page_json(const principal *who, const matter_page *pg, const char *today);

/* The page's reads, in the caller's read snapshot or write transaction; fn (if any) decides on the
 * matter's scope before the rest is read. Strings in a. */
static int page_read(store *db, int64_t id, matter_check_fn fn, void *ctx, arena *a, matter_page *pg, err *e)
{
	int rc;
	if ((rc = store_matter_get(db, id, a, &pg->m, e)) || (rc = scope_of(db, &pg->m, a, &pg->sc, e)) ||
	    (fn && (rc = fn(ctx, &pg->sc, e))) || (rc = store_party_list(db, id, a, &pg->parties, &pg->np, e)) ||
	    (rc = store_case_number_list(db, id, a, &pg->numbers, &pg->nn, e)) ||
	    (rc = store_matter_file_list(db, id, a, &pg->files, &pg->nf, e)) ||
	    (rc = store_extension_list(db, id, a, &pg->exts, &pg->nx, e)) ||
	    (rc = store_matter_tag_list(db, id, a, &pg->tags, &pg->nt, e)))
		return rc;
	pg->has_pending = store_transfer_pending(db, id, a, &pg->pending, NULL) == OK;
	return OK;
}

/* A write's answer: the page as its transaction leaves the matter, read on the writer before the
 * COMMIT (whose page cache holds what the write just touched; a reader's is emptied by every commit,
 * so reading after it fetched every page again), rendered after it. NULL: no answer wanted. */
typedef struct page_answer {
	arena *a;
	matter_page pg;
} page_answer;

static int page_answer_render(const principal *who, page_answer *ans, json_t **out, err *e)
{
	char today[11];
	legal_today(today);
	return (*out = page_json(who, &ans->pg, today)) ? OK : nomem(e);
}

/* ---- stage changes ---- */
static int set_deadline(store_matter *m, const char *rule_id, const char *on, arena *a, err *e)
{
	deadline d;
	char due[11];
	int rc = legal_deadline(rule_id, on, m->extensions, &d, e);
	if (rc)
		return rc;
	legal_format(d.due, due);
	m->rule_id = arena_strdup(a, rule_id);
	m->due_on = arena_strdup(a, due);
	return m->rule_id && m->due_on ? OK : nomem(e);
}

static int enter_stage(store_matter *m, const char *stage, const char *rule_id, int closes, const char *on, json_t *p,
                       arena *a, err *e)
{
	const char *old_stage = m->stage, *old_due = m->due_on, *old_status = m->status;
	m->stage = stage;
	m->stage_started_on = arena_strdup(a, on);
	m->extensions = 0;
	if (closes) {
		char now[32];
		now_iso(now);
		m->status = "closed";
		m->due_on = NULL;
		m->rule_id = NULL;
		m->closed_at = arena_strdup(a, now);
	} else {
		if (!rule_id)
			return err_set(e, E_INTERNAL, NULL, "stage %s has no time-limit rule", stage);
		int rc = set_deadline(m, rule_id, on, a, e);
		if (rc)
			return rc;
	}
	if (audit_change_str(p, "stage", old_stage, m->stage) || audit_change_str(p, "due_on", old_due, m->due_on) ||
	    audit_change_str(p, "status", old_status, m->status) ||
	    audit_change_str(p, "stage_started_on", NULL, m->stage_started_on))
		return nomem(e);
	return OK;
}

/* Record what a case-number insert wrote in *out (strings in a), for a page rendered without reading it
 * back; out may be NULL. */
static int keep_number(const store_case_number *c, arena *a, store_case_number *out, err *e)
{
	if (!out)
		return OK;
	*out = (store_case_number){ 0,
		                    c->matter_id,
		                    arena_strdup(a, c->unit_id),
		                    arena_strdup(a, c->stage),
		                    arena_strdup(a, c->number),
		                    arena_strdup(a, c->created_at) };
	return out->unit_id && out->stage && out->number && out->created_at ? OK : nomem(e);
}

static int assign_court_number(store *db, store_matter *m, const org_unit *court, const char *type_code, const char *on,
                               json_t *p, arena *oa, store_case_number *out, err *e)
{
	int64_t serial;
	char number[96], now[32];
	int year = year_of(on);
	if (!court->court_code[0]) {
		/* a court sub-unit (执行局) numbers with its court's code */
		const org_unit *top = org_unit_find(court->parent_id);
		if (!top || !top->court_code[0])
			return err_set(e, E_INTERNAL, NULL, "unit %s has no court code", court->id);
		court = top;
	}
	int rc = store_case_serial_next(db, court->court_code, type_code, year, &serial, e);
	if (rc)
		return rc;
	/* SPC 法〔2015〕137号 arts. 3-5: (年度)法院代字类型代字序号号, full-width parentheses (the pattern is data) */
	if (numbering_format(numbering_court_pattern(), "", court->court_code, type_code, year, serial, number,
	                     sizeof number) != OK)
		return err_set(e, E_INTERNAL, NULL, "the court case-number pattern cannot be filled");
	now_iso(now);
	store_case_number c = { 0, m->id, court->id, m->stage, number, now };
	if ((rc = store_case_number_insert(db, &c, e)) || (rc = keep_number(&c, oa, out, e)))
		return rc;
	json_t *cn = json_pack("{s:s,s:s,s:s}", "number", number, "unit_id", court->id, "stage", m->stage);
	if (!cn || json_object_set_new(p, "case_number", cn))
		return nomem(e);
	return OK;
}

/* The unit's own number for the stage m has entered. filing: m was just filed and has no number yet;
 * out (may be NULL) gets the number inserted, if one was (else its number stays NULL). */
static int assign_unit_number(store *db, store_matter *m, const org_unit *u, const char *on, json_t *p, int filing,
                              arena *oa, store_case_number *out, err *e)
{
	const char *pattern = NULL;
	const char *type = numbering_unit_type(m->stage, &pattern); /* data/case_number_patterns.csv */
	if (out)
		memset(out, 0, sizeof *out);
	if (!type)
		return OK;
	/* a matter coming back to the same unit and stage (review after supplementary investigation)
	 * keeps the number it had */
	if (!filing) {
		store_case_number *have;
		size_t n_have;
		arena *tmp = arena_new();
		if (!tmp)
			return nomem(e);
		int rc0 = store_case_number_list(db, m->id, tmp, &have, &n_have, e);
		for (size_t i = 0; rc0 == OK && i < n_have; i++)
			if (!strcmp(have[i].unit_id, u->id) && !strcmp(have[i].stage, m->stage))
				rc0 = -1;
		arena_free(tmp);
		if (rc0)
			return rc0 < 0 ? OK : rc0;
	}
	int64_t serial;
	char abbr[48], number[160], now[32];
	int year = year_of(on);
	/* a sub-unit (交警大队) numbers in its organ's series: the text carries no unit, so one series */
	const org_unit *organ = u;
	for (int d = 0; organ->parent_id[0] && d < 8; d++) {
		const org_unit *up = org_unit_find(organ->parent_id);
		if (!up)
			break;
		organ = up;
	}
	int rc = store_case_serial_next(db, organ->id, type, year, &serial, e);
	if (rc)
		return rc;
	org_area_abbr(u->area_code, abbr, sizeof abbr);
	if (numbering_format(pattern, abbr, "", type, year, serial, number, sizeof number) != OK)
		return err_set(e, E_INTERNAL, NULL, "case-number pattern of %s cannot be filled", m->stage);
	now_iso(now);
	store_case_number c = { 0, m->id, u->id, m->stage, number, now };
	if ((rc = store_case_number_insert(db, &c, e)) || (rc = keep_number(&c, oa, out, e)))
		return rc;
	json_t *cn = json_pack("{s:s,s:s,s:s}", "number", number, "unit_id", u->id, "stage", m->stage);
	if (!cn || json_object_set_new(p, "case_number", cn))
		return nomem(e);
	return OK;
}

static int record(store *db, const principal *who, int64_t id, const char *type, json_t *p, int64_t *out_seq, err *e)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	return audit_record(db, who, "matter", sid, type, p, out_seq, e);
}

/* ---- filing ---- */
static int check_party(const char *kind, const matter_party_in *in, size_t i, store_party *out, json_t *warnings,
                       arena *a, err *e)
{
	char f[ERR_FIELD_MAX];
	memset(out, 0, sizeof *out);
	snprintf(f, sizeof f, "parties[%zu].type", i);
	if (!in->type || (strcmp(in->type, "person") && strcmp(in->type, "organization")))
		return err_set(e, E_INVALID, f, "当事人类型应为 person（自然人）或 organization（单位）");
	snprintf(f, sizeof f, "parties[%zu].name", i);
	if (!in->name || !*in->name || util_utf8_len(in->name) > 100)
		return err_set(e, E_INVALID, f, "请填写当事人姓名或名称（最多 100 字）");
	snprintf(f, sizeof f, "parties[%zu].role", i);
	if (!in->role || !role_label(kind, in->role))
		return err_set(e, E_INVALID, f, "当事人角色 %s 不适用于%s案件", in->role ? in->role : "",
		               flow_kind_label(kind));
	out->type = in->type;
	out->name = in->name;
	out->role = in->role;
	snprintf(f, sizeof f, "parties[%zu].id_number", i);
	const char *t = in->id_type;
	if (!t || !*t) {
		if (in->id_number && *in->id_number)
			return err_set(e, E_INVALID, f, "请同时注明证件类型 id_type");
		return OK;
	}
	if (!in->id_number || !*in->id_number)
		return err_set(e, E_INVALID, f, "请填写证件号码");
	if (!strcmp(t, "resident_id")) {
		ident_person ip;
		if (strcmp(in->type, "person"))
			return err_set(e, E_INVALID, f, "单位不能使用居民身份证号，请使用统一社会信用代码");
		int rc = ident_resident_id_check(in->id_number, f, &ip, e);
		if (rc)
			return rc;
		char bd[11];
		legal_format(ip.birth, bd);
		out->id_number = arena_strdup(a, ip.id);
		out->birth_date = arena_strdup(a, bd);
		out->sex = ip.sex == 'M' ? "M" : "F";
	} else if (!strcmp(t, "passport")) {
		if (strcmp(in->type, "person"))
			return err_set(e, E_INVALID, f, "单位不能使用护照号");
		int rc = ident_passport_check(in->id_number, f, e);
		if (rc)
			return rc;
		out->id_number = in->id_number;
	} else if (!strcmp(t, "credit_code")) {
		ident_credit_code cc;
		if (strcmp(in->type, "organization"))
			return err_set(e, E_INVALID, f, "自然人请使用居民身份证号或护照号");
		int rc = ident_credit_code_check(in->id_number, f, &cc, e);
		if (rc)
			return rc;
		out->id_number = arena_strdup(a, cc.code);
		if (!cc.check_ok) {
			out->id_warning = arena_printf(a, "统一社会信用代码校验位应为 %c，请核对（已按原样保存）",
			                               cc.expected_check);
			json_array_append_new(warnings, json_pack("{s:s,s:s}", "field", f, "message", out->id_warning));
		}
	} else {
		snprintf(f, sizeof f, "parties[%zu].id_type", i);
		return err_set(e, E_INVALID, f, "证件类型应为 resident_id、passport 或 credit_code");
	}
	out->id_type = t;
	return out->id_number ? OK : nomem(e);
}

static int valid_unit_number(const char *s)
{
	size_t n = strlen(s);
	return n >= 8 && n <= 120 && util_utf8_valid(s, n) && strstr(s, "〔") && strstr(s, "〕") && n >= 3 &&
	       strcmp(s + n - 3, "号") == 0;
}

static int page_of_filing(const store_matter *m, const store_party *parties, size_t np,
                          const store_case_number *numbers, size_t nn, const matter_new *in, arena *a, matter_page *out,
                          err *e);

/* Filing; with pa and out_page, also the matter's page as it was written (strings in pa). */
static int file_matter(store *db, const principal *who, const matter_new *in, int64_t *out_id, json_t **out_warnings,
                       arena *pa, matter_page *out_page, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object(), *warnings = json_array();
	store_party *parties = NULL;
	char today[11], now[32];
	if (!a || !p || !warnings) {
		rc = nomem(e);
		goto done;
	}
	const org_unit *unit = org_unit_find(who->unit_id);
	if (!unit) {
		rc = authz_refuse_msg(who, PERM_MATTER_CREATE, "no_unit", e, NULL, "只有单位用户可以立案");
		goto done;
	}
	if (!in->kind || !flow_kind_valid(in->kind)) {
		rc = err_set(e, E_INVALID, "kind", "案件类型应为 criminal、civil、administrative 或 enforcement");
		goto done;
	}
	if (strcmp(unit->kind, flow_filing_kind(in->kind)) != 0) {
		rc = authz_refuse_msg(who, PERM_MATTER_CREATE, "filing_unit_kind", e, "kind",
		                      "%s案件由%s立案，本单位不能立此类案件", flow_kind_label(in->kind),
		                      org_kind_label(flow_filing_kind(in->kind)));
		goto done;
	}
	if (!in->summary || util_utf8_len(in->summary) < 4 || util_utf8_len(in->summary) > 500) {
		rc = err_set(e, E_INVALID, "summary", "请填写案情摘要（4 到 500 字）");
		goto done;
	}
	if (in->n_parties == 0) {
		rc = err_set(e, E_INVALID, "parties", "至少需要一名当事人");
		goto done;
	}
	int green = 0;
	for (size_t i = 0; i < in->n_tags; i++) {
		if (strcmp(in->tags[i], "enterprise_related") && strcmp(in->tags[i], "green_channel")) {
			rc = err_set(e, E_INVALID, arena_printf(a, "tags[%zu]", i),
			             "标签应为 enterprise_related（涉企）或 green_channel（绿色通道）");
			goto done;
		}
		green = 1;
	}
	if (in->unit_number && *in->unit_number && !valid_unit_number(in->unit_number)) {
		rc = err_set(e, E_INVALID, "unit_number",
		             "文书号格式应如 “正镶公刑立字〔2024〕12号”：含〔年度〕并以“号”结尾");
		goto done;
	}
	parties = arena_alloc(a, in->n_parties * sizeof *parties);
	if (!parties) {
		rc = nomem(e);
		goto done;
	}
	for (size_t i = 0; i < in->n_parties; i++)
		if ((rc = check_party(in->kind, &in->parties[i], i, &parties[i], warnings, a, e)))
			goto done;
	if (in->filed_on) {
		cal_date d;
		if ((rc = cal_date_parse(in->filed_on, "filed_on", &d, e)))
			goto done;
		util_strlcpy(today, in->filed_on, sizeof today);
	} else {
		legal_today(today);
	}
	now_iso(now);
	const char *stage = flow_initial_stage(in->kind, in->detained);
	const char *rule = flow_initial_rule(in->kind, in->detained);
	store_matter m = { .kind = in->kind,
		           .summary = in->summary,
		           .status = "open",
		           .stage = stage,
		           .holder_unit_id = unit->id,
		           .holder_area_code = unit->area_code,
		           .holder_league_code = league_of(unit->area_code),
		           .filed_unit_id = unit->id,
		           .filed_at = in->filed_on ? arena_printf(a, "%sT00:00:00.000Z", in->filed_on) : now,
		           .stage_started_on = today,
		           .updated_at = now,
		           .green = green };
	/* The event's payload, but for the numbers and the due date, is built before the writer is taken. */
	json_t *pj = json_array();
	if (!pj || json_object_set_new(p, "parties", pj)) {
		rc = nomem(e);
		goto done;
	}
	for (size_t i = 0; i < in->n_parties; i++)
		json_array_append_new(pj, json_pack("{s:s,s:s,s:s,s:s?,s:s?}", "type", parties[i].type, "name",
		                                    parties[i].name, "role", parties[i].role, "id_type",
		                                    parties[i].id_type, "id_number", parties[i].id_number));
	if (audit_change_str(p, "kind", NULL, m.kind) || audit_change_str(p, "summary", NULL, m.summary) ||
	    audit_change_str(p, "stage", NULL, m.stage) || audit_change_str(p, "status", NULL, "open") ||
	    audit_change_str(p, "holder_unit_id", NULL, unit->id) ||
	    audit_change_str(p, "stage_started_on", NULL, today) ||
	    audit_change(p, "green", NULL, json_boolean(green))) {
		rc = nomem(e);
		goto done;
	}
	if (in->n_tags) {
		json_t *tags = json_array();
		for (size_t i = 0; tags && i < in->n_tags; i++)
			json_array_append_new(tags, json_string(in->tags[i]));
		if (!tags || audit_change(p, "tags", NULL, tags)) {
			json_decref(tags);
			rc = nomem(e);
			goto done;
		}
		json_decref(tags);
	}
	/* holidays another process imported are read in the transaction, on the writer (whose cache
	 * has the page), rather than in a read of its own on this thread's connection */
	if ((rc = store_tx_begin(db, e)))
		goto done;
	legal_refresh(db, NULL);
	if ((rc = set_deadline(&m, rule, today, a, e)))
		goto done;
	if (audit_change_str(p, "due_on", NULL, m.due_on)) {
		rc = nomem(e);
		goto done;
	}
	int64_t serial, id;
	char number[48];
	if ((rc = store_matter_next_serial(db, unit->area_code, year_of(today), &serial, e)))
		goto done;
	snprintf(number, sizeof number, "NM-%s-%d-%06lld", unit->area_code, year_of(today), (long long)serial);
	m.number = number;
	if ((rc = store_matter_insert(db, &m, &id, e)) || (rc = store_matter_unit_add(db, id, unit->id, now, e)))
		goto done;
	m.id = id;
	for (size_t i = 0; i < in->n_tags; i++)
		if ((rc = store_matter_tag_set(db, id, in->tags[i], 1, e)))
			goto done;
	for (size_t i = 0; i < in->n_parties; i++) {
		parties[i].matter_id = id;
		parties[i].ord = (int)i + 1;
		if ((rc = store_party_insert(db, &parties[i], &parties[i].id, e)))
			goto done;
	}
	if (audit_change_str(p, "number", NULL, number)) {
		rc = nomem(e);
		goto done;
	}
	/* the filing unit's own number: entered, or generated from its pattern; an enforcement court's
	 * case number after it */
	store_case_number numbers[2];
	size_t nn = 0;
	if (in->unit_number && *in->unit_number) {
		store_case_number c = { 0, id, unit->id, m.stage, in->unit_number, now };
		if ((rc = store_case_number_insert(db, &c, e)) || (rc = keep_number(&c, a, &numbers[nn++], e)))
			goto done;
		json_object_set_new(
		        p, "case_number",
		        json_pack("{s:s,s:s,s:s}", "number", in->unit_number, "unit_id", unit->id, "stage", m.stage));
	} else if ((rc = assign_unit_number(db, &m, unit, today, p, 1, a, &numbers[nn], e))) {
		goto done;
	} else if (numbers[nn].number) {
		nn++;
	}
	if (!strcmp(in->kind, "enforcement") &&
	    (rc = assign_court_number(db, &m, unit, "执", today, p, a, &numbers[nn++], e)))
		goto done;
	if ((rc = record(db, who, id, "matter.filed", p, NULL, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	*out_id = id;
	if (out_page) {
		m.version = 1; /* the column's default */
		if ((rc = page_of_filing(&m, parties, in->n_parties, numbers, nn, in, pa, out_page, e)))
			goto done;
	}
	if (out_warnings) {
		*out_warnings = warnings;
		warnings = NULL;
	}
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	json_decref(warnings);
	arena_free(a);
	return rc;
}

int matter_file(store *db, const principal *who, const matter_new *in, int64_t *out_id, json_t **out_warnings, err *e)
{
	return file_matter(db, who, in, out_id, out_warnings, NULL, NULL, e);
}

int matter_file_view(store *db, const principal *who, const matter_new *in, arena *a, int64_t *out_id,
                     json_t **out_view, json_t **out_warnings, err *e)
{
	matter_page pg;
	char today[11];
	int rc = file_matter(db, who, in, out_id, out_warnings, a, &pg, e);
	if (rc)
		return rc;
	legal_today(today);
	if (!(*out_view = page_json(who, &pg, today))) {
		if (out_warnings) {
			json_decref(*out_warnings);
			*out_warnings = NULL;
		}
		return nomem(e);
	}
	return OK;
}

static const char *dup(arena *a, const char *s, int *bad)
{
	const char *d = s ? arena_strdup(a, s) : NULL;
	if (s && !d)
		*bad = 1;
	return d;
}

static int tag_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The page of a matter just filed, from what the filing wrote, as page_load would read it: the one
 * holder row, the parties in their order with their new ids, the numbers in the order inserted, the
 * tags once each in text order (ORDER BY tag), no files, extensions or transfer. */
static int page_of_filing(const store_matter *m, const store_party *parties, size_t np,
                          const store_case_number *numbers, size_t nn, const matter_new *in, arena *a, matter_page *out,
                          err *e)
{
	int bad = 0;
	memset(out, 0, sizeof *out);
	store_matter *c = &out->m;
	*c = *m;
	const char **strs[] = { &c->number,
		                &c->kind,
		                &c->summary,
		                &c->status,
		                &c->stage,
		                &c->procedure,
		                &c->holder_unit_id,
		                &c->holder_area_code,
		                &c->holder_league_code,
		                &c->filed_unit_id,
		                &c->filed_at,
		                &c->stage_started_on,
		                &c->rule_id,
		                &c->due_on,
		                &c->closed_at,
		                &c->updated_at,
		                &c->suspended_on };
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		*strs[i] = dup(a, *strs[i], &bad);
	const char **units = arena_alloc(a, 2 * sizeof *units);
	out->parties = arena_alloc(a, (np + 1) * sizeof *out->parties);
	out->numbers = arena_alloc(a, (nn + 1) * sizeof *out->numbers);
	out->tags = arena_alloc(a, (in->n_tags + 1) * sizeof *out->tags);
	if (bad || !units || !out->parties || !out->numbers || !out->tags)
		return nomem(e);
	units[0] = c->holder_unit_id;
	units[1] = NULL;
	out->sc = (matter_scope){ .scope = { .holder_unit_id = c->holder_unit_id,
		                             .unit_ids = units,
		                             .n_units = 1,
		                             .area_code = c->holder_area_code },
		                  .id = c->id,
		                  .status = c->status };
	for (size_t i = 0; i < np; i++) {
		store_party *q = &out->parties[i];
		*q = parties[i];
		const char **ps[] = { &q->type,      &q->name, &q->role,       &q->id_type,
			              &q->id_number, &q->sex,  &q->birth_date, &q->id_warning };
		for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++)
			*ps[k] = dup(a, *ps[k], &bad);
	}
	out->np = np;
	for (size_t i = 0; i < nn; i++) {
		store_case_number *q = &out->numbers[i];
		*q = numbers[i];
		q->unit_id = dup(a, q->unit_id, &bad);
		q->stage = dup(a, q->stage, &bad);
		q->number = dup(a, q->number, &bad);
		q->created_at = dup(a, q->created_at, &bad);
	}
	out->nn = nn;
	for (size_t i = 0; i < in->n_tags; i++) {
		size_t k = 0;
		while (k < out->nt && strcmp(out->tags[k], in->tags[i]))
			k++;
		if (k == out->nt && !(out->tags[out->nt++] = dup(a, in->tags[i], &bad)))
			break;
	}
	qsort(out->tags, out->nt, sizeof *out->tags, tag_cmp);
	out->tags[out->nt] = NULL;
	return bad ? nomem(e) : OK;
}

/* ---- actions ---- */
static int conflict_with_allowed(const store_matter *m, const char *action, err *e)
{
	const flow_step *steps[16];
	size_t n = flow_actions(m->kind, m->stage, steps, 16);
	char list[ERR_MESSAGE_MAX] = "";
	size_t o = 0;
	for (size_t i = 0; i < n && i < 16; i++)
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s(%s)", i ? "、" : "", steps[i]->label,
		                      steps[i]->action);
	const flow_stage *st = flow_stage_find(m->kind, m->stage);
	return err_set(e, E_CONFLICT, "action", "当前阶段（%s）不能执行 %s；可执行：%s", st ? st->label : m->stage,
	               action, n ? list : "无（已结案）");
}

static const org_unit *default_receiver(const flow_step *s, const org_unit *holder, const store_matter *m)
{
	const char *area = holder->area_code;
	if (s->target == TARGET_ORIGIN) {
		const org_unit *filed = org_unit_find(m->filed_unit_id);
		if (filed)
			area = filed->area_code;
	}
	if (s->target == TARGET_UP) {
		const org_area *ar = org_area_find(area);
		if (!ar || !ar->parent_code[0])
			return NULL;
		area = ar->parent_code;
	}
	return org_unit_of(area, s->to_kind);
}

/* A receiver is right when it is the default one or one of its sub-units. */
static int receiver_ok(const org_unit *to, const org_unit *def)
{
	for (int d = 0; to && d < 8; d++) {
		if (!strcmp(to->id, def->id))
			return 1;
		to = to->parent_id[0] ? org_unit_find(to->parent_id) : NULL;
	}
	return 0;
}

static int manifest_json(store *db, int64_t id, const matter_act_in *in, arena *a, char **out, err *e)
{
	store_matter_file *files;
	size_t n;
	int rc = store_matter_file_list(db, id, a, &files, &n, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	if (!arr)
		return nomem(e);
	if (in && in->manifest) {
		for (size_t i = 0; i < in->n_manifest; i++) {
			size_t k = 0;
			while (k < n && strcmp(files[k].sha256, in->manifest[i]) != 0)
				k++;
			if (k == n) {
				json_decref(arr);
				return err_set(e, E_INVALID, arena_printf(a, "manifest[%zu]", i),
				               "卷宗中没有文件 %.16s…", in->manifest[i]);
			}
			json_array_append_new(arr, json_string(in->manifest[i]));
		}
	} else {
		for (size_t k = 0; k < n; k++)
			json_array_append_new(arr, json_string(files[k].sha256));
	}
	char *s = json_out_compact(arr, 0, NULL);
	json_decref(arr);
	*out = s ? arena_strdup(a, s) : NULL;
	free(s);
	return *out ? OK : nomem(e);
}

static int accept_due(int green, const char *today, arena *a, const char **out, err *e)
{
	deadline d;
	char due[11];
	int rc = legal_deadline(green ? "transfer_acceptance_green" : "transfer_acceptance", today, 0, &d, e);
	if (rc)
		return rc;
	legal_format(d.due, due);
	*out = arena_strdup(a, due);
	return *out ? OK : nomem(e);
}

/* A missing or unknown manner: the error lists the choices the table gives the step. */
static int manner_invalid(const flow_step *s, const char *manner, err *e)
{
	char choices[200] = "";
	size_t o = 0;
	for (size_t i = 0; i < flow_n_manners; i++)
		if (!strcmp(flow_manners[i].action, s->action) && o < sizeof choices)
			o += (size_t)snprintf(choices + o, sizeof choices - o, "%s%s（%s）", o ? "、" : "",
			                      flow_manners[i].manner, flow_manners[i].label);
	if (manner)
		return err_set(e, E_INVALID, "manner", "“%s”的结案方式 %s 无效，应为 %s", s->label, manner, choices);
	return err_set(e, E_INVALID, "manner", "请选择“%s”的结案方式 manner：%s", s->label, choices);
}

static int act(store *db, const principal *who, int64_t id, const char *action, const matter_act_in *in,
               int64_t *out_transfer_id, page_answer *ans, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object();
	store_matter m;
	char today[11], now[32];
	if (!a || !p) {
		rc = nomem(e);
		goto done;
	}
	if (in && in->on) {
		cal_date d;
		if ((rc = cal_date_parse(in->on, "on", &d, e)))
			goto done;
		util_strlcpy(today, in->on, sizeof today);
	} else {
		legal_today(today);
	}
	now_iso(now);
	if ((rc = store_tx_begin(db, e)))
		goto done;
	legal_refresh(db, NULL); /* holidays imported by another process */
	if ((rc = store_matter_get(db, id, a, &m, e)))
		goto done;
	const store_matter was = m; /* as read: store_matter_update writes what differs */
	if (strcmp(m.status, "open") != 0) {
		rc = err_set(e, E_CONFLICT, "action", "案件已结案，不能再执行操作");
		goto done;
	}
	if (m.suspended_on) {
		rc = err_set(e, E_CONFLICT, "action", "案件自 %s 起中止审理（办理），请先恢复", m.suspended_on);
		goto done;
	}
	const flow_step *s = action ? flow_find(m.kind, m.stage, action) : NULL;
	if (!s) {
		rc = conflict_with_allowed(&m, action ? action : "", e);
		goto done;
	}
	const org_unit *holder = org_unit_find(m.holder_unit_id);
	if (!holder || strcmp(holder->kind, s->actor_kind) != 0) {
		rc = err_set(e, E_CONFLICT, "action", "此步骤应由%s执行", org_kind_label(s->actor_kind));
		goto done;
	}
	if ((s->flags & FLOW_REVIEWER) && !(who->roles & ROLE_REVIEWER)) {
		rc = authz_refuse_msg(who, PERM_MATTER_ACT, "not_reviewer", e, "action", "此步骤需要审核人执行");
		goto done;
	}
	store_transfer pending;
	if ((rc = store_transfer_pending(db, id, a, &pending, e)) == OK) {
		rc = err_set(e, E_CONFLICT, "action", "案件有一笔待签收的移送（%s），请等待对方处理或先撤回",
		             pending.to_unit_id);
		goto done;
	} else if (rc != E_NOTFOUND) {
		goto done;
	}
	err_clear(e);
	rc = OK;
	const char *reason = in && in->reason && *in->reason ? in->reason : NULL;
	if ((s->flags & FLOW_NEEDS_REASON) && (!reason || util_utf8_len(reason) < 2)) {
		rc = err_set(e, E_INVALID, "reason", "请填写理由");
		goto done;
	}
	if (reason && util_utf8_len(reason) > 500) {
		rc = err_set(e, E_INVALID, "reason", "理由最多 500 字");
		goto done;
	}
	const char *procedure = in ? in->procedure : NULL;
	const char *rule = flow_rule_for(s, procedure);
	if ((s->flags & FLOW_NEEDS_PROCEDURE) && !rule) {
		rc = err_set(e, E_INVALID, "procedure", "请选择适用程序（ordinary 普通、summary 简易、%s）",
		             !strcmp(m.kind, "criminal") ? "fast_track 速裁" : "small_claims 小额诉讼");
		goto done;
	}
	if (s->flags & FLOW_COUNTS_RETURN) {
		const deadline_rule *r = legal_rule(rule);
		if (r && r->max_rounds && m.returns >= r->max_rounds) {
			rc = err_set(e, E_CONFLICT, "action", "退回补充侦查以 %d 次为限（%s%s），已退回 %d 次",
			             r->max_rounds, r->law, r->article, m.returns);
			goto done;
		}
	}
	if (procedure && !(s->flags & FLOW_NEEDS_PROCEDURE))
		procedure = NULL;
	/* The system principal (user 0, the command line) back-fills history: imports and generated
	 * data whose supporting records (orders, answered requests, the manner) predate the platform.
	 * It may leave the manner out and is not held to the conditions checked against the records here;
	 * every person is. The metrics count a 执行完毕 without a manner as 执行完毕 all the same. */
	int backfill = who->user_id == 0;
	const char *manner = in && in->manner && *in->manner ? in->manner : NULL;
	if ((s->flags & FLOW_NEEDS_MANNER) && !flow_manner_find(s->action, manner) && (manner || !backfill)) {
		rc = manner_invalid(s, manner, e);
		goto done;
	}
	if (!(s->flags & FLOW_NEEDS_MANNER))
		manner = NULL;
	if (s->precondition && !backfill && (rc = enforce_close_check(db, id, s->precondition, today, a, e)))
		goto done;
	if (audit_change_str(p, "action", NULL, s->action) || (reason && audit_change_str(p, "reason", NULL, reason)) ||
	    (manner && audit_change_str(p, "manner", NULL, manner)) ||
	    (s->basis && audit_change_str(p, "basis", NULL, s->basis)) ||
	    (in && in->note && *in->note && audit_change_str(p, "note", NULL, in->note))) {
		rc = nomem(e);
		goto done;
	}
	if (s->target != TARGET_NONE) {
		const org_unit *def = default_receiver(s, holder, &m), *to = def;
		if (!def) {
			rc = err_set(e, E_CONFLICT, "to_unit_id", "没有可接收此移送的上级单位");
			goto done;
		}
		if (in && in->to_unit_id && *in->to_unit_id) {
			to = org_unit_find(in->to_unit_id);
			if (!to || !receiver_ok(to, def)) {
				rc = err_set(e, E_INVALID, "to_unit_id",
				             "接收单位不正确：此步骤应移送%s（或其内设机构）", def->name);
				goto done;
			}
		}
		store_transfer t = { .matter_id = id,
			             .action = s->action,
			             .to_stage = s->to_stage,
			             .rule_id = rule,
			             .procedure = procedure,
			             .from_unit_id = holder->id,
			             .to_unit_id = to->id,
			             .to_area_code = to->area_code,
			             .to_league_code = league_of(to->area_code),
			             .note = in && in->note ? in->note : "",
			             .green = m.green,
			             /* a step recorded for an earlier day (demo data, late entry) was sent that day */
			             .sent_at = in && in->on ? arena_printf(a, "%sT%s", in->on, now + 11) : now,
			             .sent_by = who->user_id };
		char *manifest;
		int64_t tid;
		if ((rc = manifest_json(db, id, in, a, &manifest, e)) ||
		    (rc = accept_due(m.green, today, a, &t.accept_due_on, e)))
			goto done;
		t.manifest = manifest;
		if ((rc = store_transfer_insert(db, &t, &tid, e)))
			goto done;
		json_t *tj = json_pack("{s:I,s:s,s:s,s:s,s:s,s:o}", "transfer_id", (json_int_t)tid, "from_unit_id",
		                       holder->id, "to_unit_id", to->id, "to_stage", s->to_stage, "accept_due_on",
		                       t.accept_due_on, "manifest", json_loads(manifest, 0, NULL));
		if (!tj || json_object_set_new(p, "transfer", tj)) {
			rc = nomem(e);
			goto done;
		}
		m.updated_at = now;
		if ((rc = store_matter_update(db, &was, &m, e)) ||
		    (rc = record(db, who, id, "transfer.sent", p, NULL, e)))
			goto done;
		if (out_transfer_id)
			*out_transfer_id = tid;
	} else {
		const char *old_proc = m.procedure;
		if ((rc = enter_stage(&m, s->to_stage, rule, s->flags & FLOW_CLOSES, today, p, a, e)))
			goto done;
		if (procedure) {
			m.procedure = procedure;
			if (audit_change_str(p, "procedure", old_proc, procedure)) {
				rc = nomem(e);
				goto done;
			}
		}
		if ((s->flags & FLOW_COURT_NUMBER) &&
		    (rc = assign_court_number(db, &m, holder, s->type_code, today, p, NULL, NULL, e)))
			goto done;
		m.updated_at = now;
		char type[64];
		snprintf(type, sizeof type, "matter.%s", s->action);
		if ((rc = store_matter_update(db, &was, &m, e)) || (rc = record(db, who, id, type, p, NULL, e)))
			goto done;
		if (out_transfer_id)
			*out_transfer_id = 0;
	}
	if (ans && (rc = page_read(db, id, NULL, NULL, ans->a, &ans->pg, e)))
		goto done;
	rc = store_tx_commit(db, e);
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

int matter_act(store *db, const principal *who, int64_t id, const char *action, const matter_act_in *in,
               int64_t *out_transfer_id, err *e)
{
	return act(db, who, id, action, in, out_transfer_id, NULL, e);
}

int matter_act_view(store *db, const principal *who, int64_t id, const char *action, const matter_act_in *in,
                    int64_t *out_transfer_id, arena *a, json_t **out_view, err *e)
{
	page_answer ans = { .a = a };
	int rc = act(db, who, id, action, in, out_transfer_id, &ans, e);
	return rc ? rc : page_answer_render(who, &ans, out_view, e);
}

int transfer_units(store *db, int64_t transfer_id, arena *a, const char **out_to, const char **out_from,
                   int64_t *out_matter_id, err *e)
{
	store_transfer t;
	int rc = store_transfer_get(db, transfer_id, a, &t, e);
	if (rc)
		return rc;
	*out_to = t.to_unit_id;
	*out_from = t.from_unit_id;
	*out_matter_id = t.matter_id;
	return OK;
}

static int answer(store *db, const principal *who, int64_t transfer_id, const char *status, const char *reason,
                  const char *on, page_answer *ans, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object();
	store_transfer t;
	store_matter m;
	char now[32], today[11];
	if (!a || !p) {
		rc = nomem(e);
		goto done;
	}
	now_iso(now);
	if (on) {
		cal_date d;
		if ((rc = cal_date_parse(on, "on", &d, e)))
			goto done;
		util_strlcpy(today, on, sizeof today);
	} else {
		legal_today(today);
	}
	if (!strcmp(status, "returned") && (!reason || util_utf8_len(reason) < 2 || util_utf8_len(reason) > 500)) {
		rc = err_set(e, E_INVALID, "reason", "退回须填写理由（2 到 500 字）");
		goto done;
	}
	if ((rc = store_tx_begin(db, e)))
		goto done;
	legal_refresh(db, NULL); /* holidays imported by another process */
	if ((rc = store_transfer_get(db, transfer_id, a, &t, e)))
		goto done;
	if (strcmp(t.status, "sent") != 0) {
		rc = err_set(e, E_CONFLICT, NULL, "该移送已%s，不能再处理",
		             !strcmp(t.status, "accepted")   ? "签收"
		             : !strcmp(t.status, "returned") ? "退回"
		                                             : "撤回");
		goto done;
	}
	if ((rc = store_transfer_answer(db, transfer_id, status, reason, now, who->user_id, e)) ||
	    (rc = store_matter_get(db, t.matter_id, a, &m, e)))
		goto done;
	const store_matter was = m;
	json_t *tj = json_pack("{s:I,s:s,s:s,s:s}", "transfer_id", (json_int_t)t.id, "action", t.action, "from_unit_id",
	                       t.from_unit_id, "to_unit_id", t.to_unit_id);
	if (!tj || json_object_set_new(p, "transfer", tj)) {
		rc = nomem(e);
		goto done;
	}
	const char *type = "transfer.withdrawn";
	if (!strcmp(status, "accepted")) {
		type = "transfer.accepted";
		const org_unit *to = org_unit_find(t.to_unit_id);
		const flow_step *s = flow_find(m.kind, m.stage, t.action);
		if (!to || !s) {
			rc = err_set(e, E_CONFLICT, NULL, "案件阶段已变化，此移送无法签收，请退回");
			goto done;
		}
		const char *old_holder = m.holder_unit_id;
		m.holder_unit_id = to->id;
		m.holder_area_code = to->area_code;
		m.holder_league_code = league_of(to->area_code);
		if (audit_change_str(p, "holder_unit_id", old_holder, to->id)) {
			rc = nomem(e);
			goto done;
		}
		if (s->flags & FLOW_COUNTS_RETURN) {
			m.returns++;
			if (audit_change_int(p, "returns", m.returns - 1, m.returns)) {
				rc = nomem(e);
				goto done;
			}
		}
		if ((rc = enter_stage(&m, t.to_stage, t.rule_id, 0, today, p, a, e)))
			goto done;
		if (t.procedure) {
			if (audit_change_str(p, "procedure", m.procedure, t.procedure)) {
				rc = nomem(e);
				goto done;
			}
			m.procedure = t.procedure;
		}
		if ((rc = store_matter_unit_add(db, m.id, to->id, now, e)))
			goto done;
		if (s->flags & FLOW_COURT_NUMBER)
			rc = assign_court_number(db, &m, to, s->type_code, today, p, NULL, NULL, e);
		else
			rc = assign_unit_number(db, &m, to, today, p, 0, NULL, NULL, e);
		if (rc)
			goto done;
	} else if (!strcmp(status, "returned")) {
		type = "transfer.returned";
		m.transfer_returns++;
		if (audit_change_str(p, "reason", NULL, reason) ||
		    audit_change_int(p, "transfer_returns", m.transfer_returns - 1, m.transfer_returns)) {
			rc = nomem(e);
			goto done;
		}
	}
	m.updated_at = now;
	if ((rc = store_matter_update(db, &was, &m, e)) || (rc = record(db, who, m.id, type, p, NULL, e)) ||
	    (ans && (rc = page_read(db, m.id, NULL, NULL, ans->a, &ans->pg, e))) || (rc = store_tx_commit(db, e)))
		goto done;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

int transfer_accept(store *db, const principal *who, int64_t transfer_id, const char *on, err *e)
{
	return answer(db, who, transfer_id, "accepted", NULL, on, NULL, e);
}

int transfer_return(store *db, const principal *who, int64_t transfer_id, const char *reason, err *e)
{
	return answer(db, who, transfer_id, "returned", reason, NULL, NULL, e);
}

int transfer_withdraw(store *db, const principal *who, int64_t transfer_id, err *e)
{
	return answer(db, who, transfer_id, "withdrawn", NULL, NULL, NULL, e);
}

int transfer_answer_view(store *db, const principal *who, int64_t transfer_id, const char *status, const char *reason,
                         arena *a, json_t **out_view, err *e)
{
	if (strcmp(status, "accepted") && strcmp(status, "returned") && strcmp(status, "withdrawn"))
		return err_set(e, E_INTERNAL, NULL, "unknown transfer answer %s", status);
	page_answer ans = { .a = a };
	int rc = answer(db, who, transfer_id, status, reason, NULL, &ans, e);
	return rc ? rc : page_answer_render(who, &ans, out_view, e);
}

/* ---- extensions and tags ---- */
int matter_extension_matter(store *db, int64_t extension_id, int64_t *out_matter_id, err *e)
{
	arena *a = arena_new();
	store_extension x;
	if (!a)
		return nomem(e);
	int rc = store_extension_get(db, extension_id, a, &x, e);
	if (rc == OK)
		*out_matter_id = x.matter_id;
	arena_free(a);
	return rc;
}

int matter_extension_request(store *db, const principal *who, int64_t id, const char *reason, const char *basis,
                             int64_t *out_id, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	json_t *p = NULL;
	store_matter m;
	char now[32];
	if (!a)
		return nomem(e);
	if (!reason || util_utf8_len(reason) < 2 || util_utf8_len(reason) > 500) {
		rc = err_set(e, E_INVALID, "reason", "请填写延期理由（2 到 500 字）");
		goto done;
	}
	if ((rc = store_tx_begin(db, e)) || (rc = store_matter_get(db, id, a, &m, e)))
		goto done;
	const deadline_rule *r = m.rule_id ? legal_rule(m.rule_id) : NULL;
	if (strcmp(m.status, "open") || !r) {
		rc = err_set(e, E_CONFLICT, NULL, "案件已结案，不能申请延期");
		goto done;
	}
	if (m.extensions >= r->max_extensions) {
		rc = err_set(e, E_CONFLICT, NULL, "%s 的期限%s", r->stage,
		             r->max_extensions ? "已达到可延长的次数上限" : "依法不能延长");
		goto done;
	}
	char def_basis[DEADLINE_BASIS_MAX];
	snprintf(def_basis, sizeof def_basis, "%s%s", r->law, r->article);
	now_iso(now);
	store_extension x = { .matter_id = id,
		              .stage = m.stage,
		              .rule_id = m.rule_id,
		              .reason = reason,
		              .basis = basis && *basis ? basis : def_basis,
		              .requested_by = who->user_id,
		              .requested_at = now };
	int64_t xid;
	if ((rc = store_extension_insert(db, &x, &xid, e)))
		goto done;
	p = json_pack("{s:I,s:s,s:s,s:s}", "extension_id", (json_int_t)xid, "reason", reason, "basis", x.basis, "stage",
	              m.stage);
	if (!p) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = record(db, who, id, "extension.requested", p, NULL, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	if (out_id)
		*out_id = xid;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

int matter_extension_decide(store *db, const principal *who, int64_t extension_id, int approve, const char *note,
                            err *e)
{
	legal_refresh(db, NULL); /* holidays imported by another process */
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object();
	store_extension x;
	store_matter m;
	char now[32];
	if (!a || !p) {
		rc = nomem(e);
		goto done;
	}
	now_iso(now);
	if ((rc = store_tx_begin(db, e)) || (rc = store_extension_get(db, extension_id, a, &x, e)) ||
	    (rc = store_matter_get(db, x.matter_id, a, &m, e)))
		goto done;
	const store_matter was = m;
	if (strcmp(x.status, "pending")) {
		rc = err_set(e, E_CONFLICT, NULL, "该延期申请已审批");
		goto done;
	}
	if (approve &&
	    (strcmp(m.status, "open") || strcmp(m.stage, x.stage) || !m.rule_id || strcmp(m.rule_id, x.rule_id))) {
		rc = err_set(e, E_CONFLICT, NULL, "案件已进入其他阶段，此延期申请不再适用，请驳回");
		goto done;
	}
	if ((rc = store_extension_decide(db, extension_id, approve ? "approved" : "refused", who->user_id, now, note,
	                                 e)))
		goto done;
	if (json_object_set_new(p, "extension_id", json_integer(extension_id)) ||
	    json_object_set_new(p, "decision", json_string(approve ? "approved" : "refused")) ||
	    (note && json_object_set_new(p, "note", json_string(note)))) {
		rc = nomem(e);
		goto done;
	}
	if (approve) {
		const char *old_due = m.due_on;
		m.extensions++;
		if ((rc = set_deadline(&m, m.rule_id, m.stage_started_on, a, e)))
			goto done;
		if (audit_change_str(p, "due_on", old_due, m.due_on) ||
		    audit_change_int(p, "extensions", m.extensions - 1, m.extensions)) {
			rc = nomem(e);
			goto done;
		}
		m.updated_at = now;
		if ((rc = store_matter_update(db, &was, &m, e)))
			goto done;
	}
	if ((rc = record(db, who, m.id, approve ? "extension.approved" : "extension.refused", p, NULL, e)) ||
	    (rc = store_tx_commit(db, e)))
		goto done;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

static int suspension(store *db, const principal *who, int64_t id, int suspend, const char *reason, const char *basis,
                      err *e)
{
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object();
	store_matter m;
	char today[11], now[32];
	if (!a || !p) {
		rc = nomem(e);
		goto done;
	}
	if (suspend && (!reason || util_utf8_len(reason) < 2 || util_utf8_len(reason) > 500)) {
		rc = err_set(e, E_INVALID, "reason", "请填写中止理由（2 到 500 字）");
		goto done;
	}
	if (suspend && (!basis || util_utf8_len(basis) < 2 || util_utf8_len(basis) > 200)) {
		rc = err_set(e, E_INVALID, "basis", "请填写中止的法律依据，如“民事诉讼法第153条”");
		goto done;
	}
	legal_today(today);
	now_iso(now);
	if ((rc = store_tx_begin(db, e)) || (rc = store_matter_get(db, id, a, &m, e)))
		goto done;
	const store_matter was = m;
	if (strcmp(m.status, "open")) {
		rc = err_set(e, E_CONFLICT, NULL, "案件已结案");
		goto done;
	}
	if (suspend == (m.suspended_on != NULL)) {
		rc = err_set(e, E_CONFLICT, NULL, suspend ? "案件已处于中止状态" : "案件没有中止，无需恢复");
		goto done;
	}
	const char *old_due = m.due_on;
	if (suspend) {
		m.suspended_on = today;
		if (audit_change_str(p, "suspended_on", NULL, today) || audit_change_str(p, "reason", NULL, reason) ||
		    audit_change_str(p, "basis", NULL, basis)) {
			rc = nomem(e);
			goto done;
		}
	} else {
		/* the clock stood still from suspended_on to today: the due date moves by those days */
		cal_date from, to, due;
		char nd[11];
		cal_date_parse(m.suspended_on, NULL, &from, NULL);
		cal_date_parse(today, NULL, &to, NULL);
		cal_date_parse(m.due_on, NULL, &due, NULL);
		long days = cal_days_between(from, to);
		legal_format(cal_date_add_days(due, days), nd);
		if (audit_change_str(p, "suspended_on", m.suspended_on, NULL) ||
		    audit_change_str(p, "due_on", old_due, nd) || audit_change_int(p, "days_suspended", 0, days)) {
			rc = nomem(e);
			goto done;
		}
		m.due_on = arena_strdup(a, nd);
		m.suspended_on = NULL;
	}
	m.updated_at = now;
	if ((rc = store_matter_update(db, &was, &m, e)) ||
	    (rc = record(db, who, id, suspend ? "matter.suspended" : "matter.resumed", p, NULL, e)) ||
	    (rc = store_tx_commit(db, e)))
		goto done;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

int matter_suspend(store *db, const principal *who, int64_t id, const char *reason, const char *basis, err *e)
{
	return suspension(db, who, id, 1, reason, basis, e);
}

int matter_resume(store *db, const principal *who, int64_t id, err *e)
{
	return suspension(db, who, id, 0, NULL, NULL, e);
}

int matter_tag(store *db, const principal *who, int64_t id, const char *tag, int on, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object();
	store_matter m;
	const char **tags;
	size_t n;
	char now[32];
	if (!a || !p) {
		rc = nomem(e);
		goto done;
	}
	if (!tag || (strcmp(tag, "enterprise_related") && strcmp(tag, "green_channel"))) {
		rc = err_set(e, E_INVALID, "tag", "标签应为 enterprise_related（涉企）或 green_channel（绿色通道）");
		goto done;
	}
	now_iso(now);
	if ((rc = store_tx_begin(db, e)) || (rc = store_matter_get(db, id, a, &m, e)) ||
	    (rc = store_matter_tag_set(db, id, tag, on, e)) || (rc = store_matter_tag_list(db, id, a, &tags, &n, e)))
		goto done;
	const store_matter was = m;
	int green = n > 0;
	if (audit_change(p, arena_printf(a, "tags.%s", tag), NULL, json_boolean(on)) ||
	    audit_change(p, "green", json_boolean(m.green), json_boolean(green))) {
		rc = nomem(e);
		goto done;
	}
	m.green = green;
	m.updated_at = now;
	if ((rc = store_matter_update(db, &was, &m, e)) ||
	    (rc = record(db, who, id, on ? "matter.tagged" : "matter.untagged", p, NULL, e)) ||
	    (rc = store_tx_commit(db, e)))
		goto done;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

/* ---- views ---- */
/* One member of a list row: json_pack's "s" (a NULL value fails the row), "s?" (NULL is null), "i",
 * "b", "o", without parsing a format string for each of the hundred rows of a list. */
static int row_s(json_t *o, const char *k, const char *v)
{
	json_t *j = v ? json_string(v) : NULL;
	return j ? json_object_set_new_nocheck(o, k, j) : -1;
}
static int row_sn(json_t *o, const char *k, const char *v)
{
	return json_object_set_new_nocheck(o, k, v ? json_string(v) : json_null());
}
static int row_i(json_t *o, const char *k, json_int_t v)
{
	return json_object_set_new_nocheck(o, k, json_integer(v));
}
static int row_b(json_t *o, const char *k, int v)
{
	return json_object_set_new_nocheck(o, k, json_boolean(v));
}
static json_t *row_done(json_t *o, int failed)
{
	if (failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *deadline_json(const store_matter *m, const char *today)
{
	if (!m->rule_id || !m->due_on)
		return json_null();
	legal_deadline_brief d;
	err e = { 0 };
	if (legal_deadline_brief_of(m->rule_id, m->stage_started_on, m->extensions, &d, &e) != OK)
		return json_pack("{s:s,s:s}", "due", m->due_on, "error", e.message);
	cal_date due, t;
	long left = 0;
	cal_date_parse(m->due_on, NULL, &due, NULL);
	cal_date_parse(today, NULL, &t, NULL);
	deadline_state st = deadline_status(due, t, DUE_SOON_DAYS, &left);
	const deadline_rule *r = legal_rule(m->rule_id);
	json_t *o = json_object();
	if (!o)
		return NULL;
	/* one statement each: the members' order is the order of the calls */
	int f = row_s(o, "rule_id", m->rule_id);
	f |= row_s(o, "due", m->due_on);
	f |= row_i(o, "days_left", (int)left);
	f |= row_s(o, "status", m->suspended_on ? "suspended" : deadline_state_name(st));
	f |= row_s(o, "basis", d.basis);
	f |= row_s(o, "period", d.period);
	f |= row_s(o, "explanation", d.summary);
	f |= row_s(o, "started_on", m->stage_started_on);
	f |= row_i(o, "extensions", m->extensions);
	f |= row_i(o, "max_extensions", r ? r->max_extensions : 0);
	f |= row_b(o, "beyond_calendar", d.beyond_calendar);
	f |= row_sn(o, "suspended_on", m->suspended_on);
	return row_done(o, f);
}

json_t *matter_row_json(const store_matter *m, const char *today)
{
	const org_unit *h = org_unit_find(m->holder_unit_id);
	const flow_stage *st = flow_stage_find(m->kind, m->stage);
	json_t *o = json_object(), *holder = json_object(), *dl = deadline_json(m, today);
	if (!o || !holder || !dl) {
		json_decref(o);
		json_decref(holder);
		json_decref(dl);
		return NULL;
	}
	int f = row_s(holder, "id", m->holder_unit_id);
	f |= row_s(holder, "name", h ? h->name : m->holder_unit_id);
	f |= row_s(holder, "kind", h ? h->kind : "");
	f |= row_i(o, "id", (json_int_t)m->id);
	f |= row_s(o, "number", m->number);
	f |= row_s(o, "kind", m->kind);
	f |= row_s(o, "kind_label", flow_kind_label(m->kind));
	f |= row_s(o, "summary", m->summary);
	f |= row_s(o, "status", m->status);
	f |= row_s(o, "stage", m->stage);
	f |= row_s(o, "stage_label", st ? st->label : m->stage);
	f |= json_object_set_new_nocheck(o, "holder", holder);
	f |= row_b(o, "green", m->green);
	f |= row_s(o, "filed_at", m->filed_at);
	f |= json_object_set_new_nocheck(o, "deadline", dl);
	return row_done(o, f);
}

static int sees_full_ids(const principal *who, const matter_scope *sc)
{
	if (!(who->roles & (ROLE_HANDLER | ROLE_CLERK | ROLE_REVIEWER | ROLE_FUND_OFFICER)))
		return 0;
	for (size_t i = 0; i < sc->scope.n_units; i++) {
		const char *u = sc->scope.unit_ids[i];
		size_t n = strlen(u);
		if (!strcmp(who->unit_id, u) || (!strncmp(who->unit_id, u, n) && who->unit_id[n] == '.'))
			return 1;
	}
	return 0;
}

int matter_view(store *db, const principal *who, int64_t id, arena *a, json_t **out, err *e)
{
	return matter_view_checked(db, who, id, NULL, NULL, a, out, e);
}

int matter_view_checked(store *db, const principal *who, int64_t id, matter_check_fn fn, void *ctx, arena *a,
                        json_t **out, err *e)
{
	matter_page pg = { 0 };
	char today[11];
	int rc;
	legal_today(today);
	if ((rc = store_read_begin(db, e)))
		return rc;
	if ((rc = page_read(db, id, fn, ctx, a, &pg, e)))
		goto done;
	if (!(*out = page_json(who, &pg, today)))
		rc = nomem(e);
done:
	store_read_end(db);
	return rc;
}

static json_t *page_json(const principal *who, const matter_page *pg, const char *today)
{
	const store_matter m = pg->m;
	const matter_scope sc = pg->sc;
	const store_party *parties = pg->parties;
	const store_case_number *numbers = pg->numbers;
	const store_matter_file *files = pg->files;
	const store_extension *exts = pg->exts;
	const char *const *tags = pg->tags;
	size_t np = pg->np, nn = pg->nn, nf = pg->nf, nx = pg->nx, nt = pg->nt;
	int has_pending = pg->has_pending;
	const store_transfer pending = pg->pending;
	json_t *v = matter_row_json(&m, today);
	if (!v)
		return NULL;
	int full = sees_full_ids(who, &sc);
	json_t *pj = json_array(), *cj = json_array(), *fj = json_array(), *xj = json_array(), *tj = json_array(),
	       *uj = json_array(), *aj = json_array();
	for (size_t i = 0; i < np; i++) {
		char masked[40] = "";
		if (parties[i].id_number) {
			if (full)
				util_strlcpy(masked, parties[i].id_number, sizeof masked);
			else if (!strcmp(parties[i].id_type, "credit_code"))
				ident_mask_credit_code(parties[i].id_number, masked, sizeof masked);
			else
				ident_mask_id(parties[i].id_number, masked, sizeof masked);
		}
		json_array_append_new(pj, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:b}", "id",
		                                    (json_int_t)parties[i].id, "type", parties[i].type, "name",
		                                    parties[i].name, "role", parties[i].role, "role_label",
		                                    role_label(m.kind, parties[i].role), "id_type", parties[i].id_type,
		                                    "id_number", masked[0] ? masked : NULL, "sex", parties[i].sex,
		                                    "birth_date", full ? parties[i].birth_date : NULL, "id_warning",
		                                    parties[i].id_warning, "id_masked", !full));
	}
	for (size_t i = 0; i < nn; i++) {
		const org_unit *u = org_unit_find(numbers[i].unit_id);
		json_array_append_new(cj, json_pack("{s:s,s:s,s:s,s:s,s:s}", "number", numbers[i].number, "unit_id",
		                                    numbers[i].unit_id, "unit_name", u ? u->name : "", "stage",
		                                    numbers[i].stage, "created_at", numbers[i].created_at));
	}
	for (size_t i = 0; i < nf; i++)
		json_array_append_new(fj,
		                      json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:I}", "sha256", files[i].sha256, "name",
		                                files[i].name, "mime", files[i].mime, "size", (json_int_t)files[i].size,
		                                "unit_id", files[i].unit_id, "uploaded_at", files[i].uploaded_at,
		                                "log_index", (json_int_t)(files[i].log_seq - 1)));
	for (size_t i = 0; i < nx; i++)
		json_array_append_new(xj, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s?}", "id", (json_int_t)exts[i].id,
		                                    "stage", exts[i].stage, "status", exts[i].status, "reason",
		                                    exts[i].reason, "basis", exts[i].basis, "requested_at",
		                                    exts[i].requested_at, "decided_at", exts[i].decided_at));
	for (size_t i = 0; i < nt; i++)
		json_array_append_new(tj, json_string(tags[i]));
	for (size_t i = 0; i < sc.scope.n_units; i++) {
		const org_unit *u = org_unit_find(sc.scope.unit_ids[i]);
		json_array_append_new(uj, json_pack("{s:s,s:s}", "id", sc.scope.unit_ids[i], "name", u ? u->name : ""));
	}
	/* what this viewer may do now */
	int holder_acts = authz_allows(who, PERM_MATTER_ACT, &sc.scope) && !strcmp(m.status, "open");
	if (holder_acts && !has_pending) {
		const flow_step *steps[16];
		size_t n = flow_actions(m.kind, m.stage, steps, 16);
		const org_unit *holder = org_unit_find(m.holder_unit_id);
		for (size_t i = 0; i < n && i < 16; i++) {
			const flow_step *s = steps[i];
			const org_unit *def =
			        s->target != TARGET_NONE && holder ? default_receiver(s, holder, &m) : NULL;
			json_t *procs = json_array();
			if (s->flags & FLOW_NEEDS_PROCEDURE)
				for (size_t k = 0; k < 4; k++) {
					flow_step probe = *s;
					if (flow_rule_for(&probe, procedures[k]))
						json_array_append_new(procs, json_string(procedures[k]));
				}
			json_t *manners = json_array();
			for (size_t k = 0; (s->flags & FLOW_NEEDS_MANNER) && k < flow_n_manners; k++)
				if (!strcmp(flow_manners[k].action, s->action))
					json_array_append_new(manners,
					                      json_pack("{s:s,s:s}", "manner", flow_manners[k].manner,
					                                "label", flow_manners[k].label));
			json_array_append_new(
			        aj, json_pack("{s:s,s:s,s:b,s:o,s:s?,s:s?,s:b,s:o,s:s?}", "action", s->action, "label",
			                      s->label, "needs_reason", (s->flags & FLOW_NEEDS_REASON) != 0,
			                      "procedures", procs, "to_unit_id", def ? def->id : NULL, "to_unit_name",
			                      def ? def->name : NULL, "closes", (s->flags & FLOW_CLOSES) != 0,
			                      "manners", manners, "basis", s->basis));
		}
	}
	json_t *pt = json_null();
	if (has_pending) {
		const org_unit *to = org_unit_find(pending.to_unit_id), *from = org_unit_find(pending.from_unit_id);
		authz_scope ts = { .holder_unit_id = pending.to_unit_id };
		authz_scope fs = { .holder_unit_id = pending.from_unit_id };
		pt = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:b,s:b}", "id", (json_int_t)pending.id,
		               "action", pending.action, "to_stage", pending.to_stage, "from_unit_id",
		               pending.from_unit_id, "from_unit_name", from ? from->name : "", "to_unit_id",
		               pending.to_unit_id, "to_unit_name", to ? to->name : "", "sent_at", pending.sent_at,
		               "accept_due_on", pending.accept_due_on, "manifest",
		               json_loads(pending.manifest, 0, NULL), "can_answer",
		               authz_allows(who, PERM_TRANSFER_ANSWER, &ts), "can_withdraw",
		               authz_allows(who, PERM_MATTER_ACT, &fs));
	}
	const deadline_rule *r = m.rule_id ? legal_rule(m.rule_id) : NULL;
	int pending_ext = 0;
	for (size_t i = 0; i < nx; i++)
		pending_ext |= !strcmp(exts[i].status, "pending");
	json_object_set_new(v, "procedure", m.procedure ? json_string(m.procedure) : json_null());
	json_object_set_new(v, "tags", tj);
	json_object_set_new(v, "parties", pj);
	json_object_set_new(v, "case_numbers", cj);
	json_object_set_new(v, "files", fj);
	json_object_set_new(v, "extensions", xj);
	json_object_set_new(v, "units", uj);
	json_object_set_new(v, "actions", aj);
	json_object_set_new(v, "pending_transfer", pt);
	json_object_set_new(v, "returns", json_integer(m.returns));
	json_object_set_new(v, "transfer_returns", json_integer(m.transfer_returns));
	json_object_set_new(v, "version", json_integer(m.version));
	json_object_set_new(v, "closed_at", m.closed_at ? json_string(m.closed_at) : json_null());
	int reviewer = authz_allows(who, PERM_REVIEW, &sc.scope) && !strcmp(m.status, "open");
	if (m.suspended_on)
		json_array_clear(aj); /* a suspended matter takes no steps until resumed */
	json_object_set_new(v, "can",
	                    json_pack("{s:b,s:b,s:b,s:b,s:b,s:b}", "suspend",
	                              reviewer && !m.suspended_on && !has_pending, "resume",
	                              reviewer && m.suspended_on != NULL, "upload", holder_acts, "request_extension",
	                              holder_acts && r && m.extensions < r->max_extensions && !pending_ext,
	                              "decide_extension", pending_ext && authz_allows(who, PERM_REVIEW, &sc.scope),
	                              "tag", authz_allows(who, PERM_REVIEW, &sc.scope) && !strcmp(m.status, "open")));
	return v;
}

/* ---- history ---- */
static const struct {
	const char *type, *label;
} history_labels[] = {
	{ "matter.filed", "立案" },
	{ "transfer.sent", "移送" },
	{ "transfer.accepted", "签收" },
	{ "transfer.returned", "退回移送" },
	{ "transfer.withdrawn", "撤回移送" },
	{ "dossier.file_added", "上传卷宗文件" },
	{ "extension.requested", "申请延长期限" },
	{ "extension.approved", "批准延长期限" },
	{ "extension.refused", "不批准延长期限" },
	{ "matter.suspended", "中止计算期限" },
	{ "matter.resumed", "恢复计算期限" },
	{ "matter.tagged", "设置标识" },
	{ "matter.untagged", "取消标识" },
};

/* The zh-CN label of a history event: the table above, a step of the flow table (matter.<action>),
 * or an enforcement event; the type itself otherwise. */
static const char *history_label(const char *type)
{
	for (size_t i = 0; i < sizeof history_labels / sizeof history_labels[0]; i++)
		if (!strcmp(history_labels[i].type, type))
			return history_labels[i].label;
	if (!strncmp(type, "matter.", 7))
		for (size_t i = 0; i < flow_n_steps; i++)
			if (!strcmp(flow_steps[i].action, type + 7))
				return flow_steps[i].label;
	const char *l = enforce_event_label(type);
	return l ? l : type;
}

int matter_history(store *db, int64_t id, const char *as_of, arena *a, json_t **out, err *e)
{
	store_event *ev;
	size_t n;
	int rc = store_event_list_matter(db, id, a, &ev, &n, e);
	if (rc)
		return rc;
	if (n == 0)
		return err_set(e, E_NOTFOUND, "id", "案件不存在或无权查看");
	json_t *events = json_array(), *state = json_object();
	if (!events || !state) {
		json_decref(events);
		json_decref(state);
		return nomem(e);
	}
	for (size_t i = 0; i < n; i++) {
		if (as_of && strcmp(ev[i].at, as_of) > 0)
			break;
		json_t *payload = json_loads(ev[i].payload, 0, NULL);
		const org_unit *u = ev[i].actor_unit_id ? org_unit_find(ev[i].actor_unit_id) : NULL;
		json_t *changes = payload ? json_object_get(payload, "changes") : NULL;
		const char *k;
		json_t *c;
		/* the state is the matter's own; enforcement objects' changes are theirs */
		if (!strcmp(ev[i].entity_type, "matter"))
			json_object_foreach(changes, k, c) json_object_set(state, k, json_object_get(c, "new"));
		/* who: the user's display name (a user never deleted; 0 is the system) */
		const char *user_name = NULL;
		store_user su;
		err ue = { 0 };
		if (ev[i].actor_user_id > 0 && store_user_get(db, ev[i].actor_user_id, a, &su, &ue) == OK)
			user_name = su.display_name;
		char leaf[65];
		codec_hex_encode(ev[i].leaf_hash, 32, leaf);
		leaf[64] = 0;
		json_array_append_new(events,
		                      json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:{s:I,s:s?,s:s?,s:s?},s:o}", "seq",
		                                (json_int_t)ev[i].seq, "log_index", (json_int_t)(ev[i].seq - 1),
		                                "leaf_hash", leaf, "at", ev[i].at, "type", ev[i].event_type, "label",
		                                history_label(ev[i].event_type), "entity_type", ev[i].entity_type,
		                                "entity_id", ev[i].entity_id, "actor", "user_id",
		                                (json_int_t)ev[i].actor_user_id, "user_name", user_name, "unit_id",
		                                ev[i].actor_unit_id, "unit_name", u ? u->name : NULL, "payload",
		                                payload ? payload : json_object()));
	}
	*out = json_pack("{s:o,s:o,s:s?}", "events", events, "state", state, "as_of", as_of);
	return *out ? OK : nomem(e);
}

int matter_search(store *db, const principal *who, store_matter_query *q, arena *a, json_t **out, err *e)
{
	authz_visibility vis;
	authz_visibility_of(who, &vis);
	q->vis_on = 1;
	q->vis_unit_id = vis.unit_id;
	q->vis_kind = vis.kind;
	q->vis_area_code = vis.area_code;
	store_matter *v;
	size_t n;
	int64_t total;
	char today[11];
	legal_today(today);
	int rc = store_matter_search(db, q, a, &v, &n, &total, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, matter_row_json(&v[i], today));
	*out = json_pack("{s:o,s:I}", "matters", arr, "total", (json_int_t)total);
	return *out ? OK : nomem(e);
}
