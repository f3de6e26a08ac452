/*
 * assist.c - assistance requests (查人找物): sending a batch, answering item by item, views and
 * response statistics. See assist.h.
 */
#include "domain/assist.h"

#include "core/csv.h"
#include "core/json_out.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/ident.h"
#include "domain/legal.h"

#include <stdio.h>
#include <string.h>

static int nomem(err *e)
{
	return err_set(e, E_NOMEM, NULL, "out of memory");
}

/* One thing to ask, validated, before anything is written. */
typedef struct pending_item {
	int64_t party_id, order_id;
	const char *name, *id_type, *id_number;
	int kind;
	const char *field; /* where it came from, for errors */
} pending_item;

typedef struct batch {
	pending_item *v;
	size_t n, cap;
} batch;

static int batch_add(batch *b, const pending_item *it, err *e)
{
	if (b->n >= b->cap)
		return err_set(e, E_INVALID, it->field, "一次协查最多 %d 项，请分批发送", ASSIST_MAX_ITEMS);
	b->v[b->n++] = *it;
	return OK;
}

/* Check a person's identifier; id_type NULL infers it (resident ID, else credit code). Normalised
 * number into *out (arena). */
static int check_subject(const char *name, const char *id_type, const char *id_number, const char *field, arena *a,
                         const char **out_type, const char **out_number, err *e)
{
	if (!name || !*name || util_utf8_len(name) > 100)
		return err_set(e, E_INVALID, field, "请填写被查询人姓名或名称（最多 100 字）");
	if (!id_number || !*id_number)
		return err_set(e, E_INVALID, field, "请填写证件号码：协查须以证件号码确定被查询人");
	if (!id_type || !*id_type) {
		ident_person ip;
		ident_credit_code cc;
		err e2 = { 0 };
		if (ident_resident_id_check(id_number, field, &ip, e) == OK) {
			*out_type = "resident_id";
			*out_number = arena_strdup(a, ip.id);
		} else if (strlen(id_number) == 18 && !ident_resident_id_shaped(id_number) &&
		           ident_credit_code_check(id_number, field, &cc, &e2) == OK) {
			/* a credit code may be all digits (914403001922038216); a mistyped ID number stays one */
			err_clear(e);
			*out_type = "credit_code";
			*out_number = arena_strdup(a, cc.code);
		} else {
			return e->code ? e->code : err_set(e, E_INVALID, field, "证件号码无效");
		}
		return *out_number ? OK : nomem(e);
	}
	if (!strcmp(id_type, "resident_id")) {
		ident_person ip;
		int rc = ident_resident_id_check(id_number, field, &ip, e);
		if (rc)
			return rc;
		*out_number = arena_strdup(a, ip.id);
	} else if (!strcmp(id_type, "credit_code")) {
		ident_credit_code cc;
		err e2 = { 0 };
		int rc = ident_credit_code_check(id_number, field, &cc, &e2);
		if (rc)
			return err_set(e, rc, field, "%s", e2.message);
		*out_number = arena_strdup(a, cc.code);
	} else if (!strcmp(id_type, "passport")) {
		int rc = ident_passport_check(id_number, field, e);
		if (rc)
			return rc;
		*out_number = arena_strdup(a, id_number);
	} else {
		return err_set(e, E_INVALID, field, "证件类型应为 resident_id、passport 或 credit_code");
	}
	*out_type = id_type;
	return *out_number ? OK : nomem(e);
}

/* Organisations can be asked about their vehicles only. */
static int kind_fits(int kind, const char *id_type)
{
	return strcmp(id_type, "credit_code") || kind == ASSIST_VEHICLES || kind == ASSIST_SEIZE;
}

static int add_kinds(batch *b, const pending_item *base, const char *const *kinds, size_t n_kinds, const char *field,
                     arena *a, err *e)
{
	if (n_kinds == 0)
		return err_set(e, E_INVALID, field,
		               "请选择协查事项：locate、consumption、movement、vehicles、detain 或 seize_vehicle");
	unsigned seen = 0;
	for (size_t k = 0; k < n_kinds; k++) {
		const char *f = arena_printf(a, "%s[%zu]", field, k);
		int kind = assist_kind_parse(kinds[k]);
		if (kind < 0)
			return err_set(e, E_INVALID, f,
			               "协查事项 %s 无效：应为 locate、consumption、movement、vehicles、detain 或 "
			               "seize_vehicle",
			               kinds[k] ? kinds[k] : "");
		if (seen & (1u << kind))
			return err_set(e, E_INVALID, f, "协查事项 %s 重复", kinds[k]);
		seen |= 1u << kind;
		if (!kind_fits(kind, base->id_type))
			return err_set(e, E_INVALID, f, "单位只能查询车辆或查扣车辆");
		if (kind == ASSIST_DETAIN && !base->order_id)
			return err_set(e, E_INVALID, f, "协助司法拘留须注明拘留决定（order_id）");
		pending_item it = *base;
		it.kind = kind;
		it.field = f;
		int rc = batch_add(b, &it, e);
		if (rc)
			return rc;
	}
	if (base->order_id && !(seen & (1u << ASSIST_DETAIN)))
		return err_set(e, E_INVALID, field, "注明了拘留决定（order_id）但未请求协助司法拘留（detain）");
	return OK;
}

/* The kinds of a CSV row: "locate;vehicles" (also '|' or '、' between them). */
static int split_kinds(const char *s, arena *a, const char ***out, size_t *out_n)
{
	char *copy = arena_strdup(a, s);
	const char **v = arena_alloc(a, ASSIST__COUNT * 2 * sizeof *v);
	size_t n = 0;
	if (!copy || !v)
		return E_NOMEM;
	char *p = copy;
	while (*p) {
		while (*p == ';' || *p == '|' || *p == ' ')
			p++;
		if (!*p)
			break;
		char *start = p;
		while (*p && *p != ';' && *p != '|' && *p != ' ')
			p++;
		if (*p)
			*p++ = 0;
		if (n < ASSIST__COUNT * 2)
			v[n++] = start;
	}
	*out = v;
	*out_n = n;
	return OK;
}

static int read_csv(batch *b, const assist_new *in, arena *a, err *e)
{
	csv_reader r;
	csv_record *rec = arena_alloc(a, sizeof *rec);
	if (!rec)
		return nomem(e);
	csv_reader_init(&r, in->csv, strlen(in->csv));
	int rc = csv_read_record(&r, rec, e);
	if (rc || rec->n_fields == 0)
		return rc ? err_set(e, rc, "csv", "%s", e->message) : err_set(e, E_INVALID, "csv", "名单为空");
	int c_name = csv_field_index(rec, "name"), c_id = csv_field_index(rec, "id_number");
	int c_type = csv_field_index(rec, "id_type"), c_kinds = csv_field_index(rec, "kinds");
	if (c_name < 0 || c_id < 0)
		return err_set(e, E_INVALID, "csv",
		               "名单第1行应为表头，至少含 name,id_number 两列（可选 id_type、kinds）");
	int rows = 0;
	for (;;) {
		if ((rc = csv_read_record(&r, rec, e)))
			return err_set(e, rc, "csv", "%s", e->message);
		if (rec->n_fields == 0)
			break;
		rows++;
		const char *field = arena_printf(a, "csv 第%d行", rec->line);
		if (!field)
			return nomem(e);
		const char *name = c_name < rec->n_fields ? rec->fields[c_name] : "";
		const char *id = c_id < rec->n_fields ? rec->fields[c_id] : "";
		const char *type =
		        c_type >= 0 && c_type < rec->n_fields && rec->fields[c_type][0] ? rec->fields[c_type] : NULL;
		pending_item base = { 0 };
		if ((rc = check_subject(name, type, id, field, a, &base.id_type, &base.id_number, e)))
			return rc;
		if (!(base.name = arena_strdup(a, name)))
			return nomem(e);
		const char **kinds = (const char **)in->csv_kinds;
		size_t nk = in->n_csv_kinds;
		if (c_kinds >= 0 && c_kinds < rec->n_fields && rec->fields[c_kinds][0] &&
		    split_kinds(rec->fields[c_kinds], a, &kinds, &nk))
			return nomem(e);
		if (nk == 0)
			return err_set(e, E_INVALID, field,
			               "名单没有 kinds 列，请用 csv_kinds 注明对名单中人员的协查事项");
		if ((rc = add_kinds(b, &base, kinds, nk, field, a, e)))
			return rc;
	}
	if (rows == 0)
		return err_set(e, E_INVALID, "csv", "名单只有表头，没有人员");
	return OK;
}

/* The detention order must be in force on the day for the same person in the same matter. */
static int check_order(store *db, const pending_item *it, int64_t matter_id, const char *on, arena *a, err *e)
{
	store_control_order o;
	int rc = store_control_order_get(db, it->order_id, a, &o, e);
	if (rc == E_NOTFOUND)
		return err_set(e, E_INVALID, it->field, "拘留决定 %lld 不存在", (long long)it->order_id);
	if (rc)
		return rc;
	if (o.matter_id != matter_id || strcmp(o.kind, "detention"))
		return err_set(e, E_INVALID, it->field, "order_id 应为本案的司法拘留决定");
	if (strcmp(o.id_number, it->id_number))
		return err_set(e, E_INVALID, it->field, "拘留决定针对的不是此人");
	if (strcmp(o.status, "active") || strcmp(o.valid_from, on) > 0 || (o.valid_to && strcmp(o.valid_to, on) < 0))
		return err_set(e, E_CONFLICT, it->field, "拘留决定在 %s 不在有效期内（%s 至 %s）或已撤销", on,
		               o.valid_from, o.valid_to ? o.valid_to : "");
	return OK;
}

static int item_due(const enforce_settings *s, int kind, const char *on, char out[11], err *e)
{
	cal_date start;
	due_result r;
	int rc = cal_date_parse(on, "on", &start, e);
	if (rc)
		return rc;
	due_spec spec = { .working_days = s->assist_days[kind] };
	if ((rc = legal_due(start, &spec, &r, e)))
		return rc;
	legal_format(r.due, out);
	return OK;
}

static const char *id_masked(const char *id_type, const char *id, char *buf, size_t cap)
{
	if (!strcmp(id_type, "credit_code"))
		ident_mask_credit_code(id, buf, cap);
	else
		ident_mask_id(id, buf, cap);
	return buf;
}

int assist_request_create(store *db, const principal *who, const enforce_settings *s, const assist_new *in,
                          int64_t *out_id, err *e)
{
	legal_refresh(db, NULL);
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object(), *items = json_array();
	char on[11], at[32], due[ASSIST__COUNT][11];
	batch b = { 0 };
	if (!a || !p || !items) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = enforce_day(in->on, "on", on, e)))
		goto done;
	enforce_stamp(on, at);
	const org_unit *police = in->police_unit_id ? org_unit_find(in->police_unit_id) : NULL;
	const org_unit *ptop = police ? enforce_top_unit(police->id) : NULL;
	if (!police || !ptop || strcmp(ptop->kind, "police")) {
		rc = err_set(e, E_INVALID, "police_unit_id", "请选择协查的公安机关（如 152529.police）");
		goto done;
	}
	if (!in->basis || util_utf8_len(in->basis) < 2 || util_utf8_len(in->basis) > 300) {
		rc = err_set(e, E_INVALID, "basis", "请填写协查依据（执行裁定书、协助执行通知书文号等，2 到 300 字）");
		goto done;
	}
	if (in->note && util_utf8_len(in->note) > 1000) {
		rc = err_set(e, E_INVALID, "note", "附言最多 1000 字");
		goto done;
	}
	if (in->n_debtors == 0 && (!in->csv || !*in->csv)) {
		rc = err_set(e, E_INVALID, "debtors", "请选择被执行人或导入名单（csv）");
		goto done;
	}
	b.cap = ASSIST_MAX_ITEMS;
	if (!(b.v = arena_alloc(a, b.cap * sizeof *b.v))) {
		rc = nomem(e);
		goto done;
	}
	for (int k = 0; k < ASSIST__COUNT; k++)
		if ((rc = item_due(s, k, on, due[k], e)))
			goto done;
	if ((rc = store_tx_begin(db, e)))
		goto done;
	enforce_matter em;
	store_party *parties;
	size_t np;
	if ((rc = enforce_matter_active(db, in->matter_id, a, &em, e)) ||
	    (rc = store_party_list(db, in->matter_id, a, &parties, &np, e)))
		goto done;
	for (size_t i = 0; i < in->n_debtors; i++) {
		const assist_debtor_in *d = &in->debtors[i];
		const char *field = arena_printf(a, "debtors[%zu]", i);
		pending_item base = { .order_id = d->order_id, .field = field };
		if (!field) {
			rc = nomem(e);
			goto done;
		}
		if (d->party_id) {
			size_t k = 0;
			while (k < np && parties[k].id != d->party_id)
				k++;
			if (k == np || strcmp(parties[k].role, "debtor")) {
				rc = err_set(e, E_INVALID, arena_printf(a, "%s.party_id", field),
				             "party_id 应为本案的被执行人");
				goto done;
			}
			if (!parties[k].id_number) {
				rc = err_set(e, E_INVALID, arena_printf(a, "%s.party_id", field),
				             "该被执行人没有登记证件号码，无法协查；请以 name 和 id_number 填写");
				goto done;
			}
			base.party_id = d->party_id;
			base.name = parties[k].name;
			base.id_type = parties[k].id_type;
			base.id_number = parties[k].id_number;
		} else if ((rc = check_subject(d->name, d->id_type, d->id_number, field, a, &base.id_type,
		                               &base.id_number, e))) {
			goto done;
		} else {
			base.name = d->name;
		}
		if ((rc = add_kinds(&b, &base, d->kinds, d->n_kinds, arena_printf(a, "%s.kinds", field), a, e)))
			goto done;
	}
	if (in->csv && *in->csv && (rc = read_csv(&b, in, a, e)))
		goto done;
	for (size_t i = 0; i < b.n; i++)
		if (b.v[i].kind == ASSIST_DETAIN && (rc = check_order(db, &b.v[i], in->matter_id, on, a, e)))
			goto done;
	/* the same person asked the same thing twice in one batch is a mistake */
	for (size_t i = 0; i < b.n; i++)
		for (size_t k = i + 1; k < b.n; k++)
			if (b.v[i].kind == b.v[k].kind && !strcmp(b.v[i].id_number, b.v[k].id_number)) {
				rc = err_set(e, E_INVALID, b.v[k].field, "同一人的同一协查事项重复（%s）",
				             assist_kind_labels[b.v[k].kind]);
				goto done;
			}
	const org_unit *holder = org_unit_find(em.m.holder_unit_id);
	store_assist_request r = { .matter_id = in->matter_id,
		                   .court_unit_id = em.m.holder_unit_id,
		                   .court_area_code = holder ? holder->area_code : em.court->area_code,
		                   .court_league_code =
		                           enforce_league_of(holder ? holder->area_code : em.court->area_code),
		                   .police_unit_id = police->id,
		                   .police_area_code = police->area_code,
		                   .police_league_code = enforce_league_of(police->area_code),
		                   .basis = in->basis,
		                   .note = in->note,
		                   .sent_on = on,
		                   .sent_at = at,
		                   .sent_by = who->user_id };
	int64_t rid;
	if ((rc = store_assist_request_insert(db, &r, &rid, e)))
		goto done;
	for (size_t i = 0; i < b.n; i++) {
		pending_item *it = &b.v[i];
		store_assist_item si = { .request_id = rid,
			                 .ord = (int)i + 1,
			                 .party_id = it->party_id,
			                 .name = it->name,
			                 .id_type = it->id_type,
			                 .id_number = it->id_number,
			                 .kind = assist_kind_names[it->kind],
			                 .order_id = it->kind == ASSIST_DETAIN ? it->order_id : 0,
			                 .police_unit_id = police->id,
			                 .police_area_code = police->area_code,
			                 .police_league_code = r.police_league_code,
			                 .sent_on = on,
			                 .due_on = due[it->kind] };
		int64_t iid;
		char masked[40];
		if ((rc = store_assist_item_insert(db, &si, &iid, e)))
			goto done;
		json_array_append_new(items, json_pack("{s:I,s:i,s:s,s:s,s:s,s:s}", "item_id", (json_int_t)iid, "ord",
		                                       si.ord, "name", si.name, "id_number",
		                                       id_masked(si.id_type, si.id_number, masked, sizeof masked),
		                                       "kind", si.kind, "due_on", si.due_on));
	}
	/* one lookup per person asked about, naming everything asked */
	for (size_t i = 0; i < b.n; i++) {
		size_t first = 0;
		while (strcmp(b.v[first].id_number, b.v[i].id_number))
			first++;
		if (first != i)
			continue;
		char what[160] = "";
		size_t o = 0;
		for (size_t k = i; k < b.n; k++)
			if (!strcmp(b.v[k].id_number, b.v[i].id_number))
				o += (size_t)snprintf(what + o, sizeof what - o, "%s%s", o ? "," : "",
				                      assist_kind_names[b.v[k].kind]);
		store_person_lookup l = { .id_number = b.v[i].id_number,
			                  .name = b.v[i].name,
			                  .purpose = "assistance_request",
			                  .what = what,
			                  .matter_id = in->matter_id,
			                  .basis = in->basis,
			                  .at = at };
		if ((rc = enforce_lookup_record(db, who, &l, e)))
			goto done;
	}
	if (enforce_change_int(p, "matter_id", NULL, in->matter_id) ||
	    audit_change_str(p, "police_unit_id", NULL, police->id) || audit_change_str(p, "basis", NULL, in->basis) ||
	    audit_change_str(p, "status", NULL, "open") || audit_change_str(p, "sent_on", NULL, on) ||
	    (in->note && *in->note && audit_change_str(p, "note", NULL, in->note)) ||
	    json_object_set(p, "items", items)) {
		rc = nomem(e);
		goto done;
	}
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)rid);
	if ((rc = audit_record(db, who, "assist_request", sid, "assist.requested", p, NULL, e)) ||
	    (rc = store_tx_commit(db, e)))
		goto done;
	*out_id = rid;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	json_decref(items);
	arena_free(a);
	return rc;
}

static int is_sha256(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

int assist_answer(store *db, const principal *who, int64_t request_id, const assist_answer_in *answers, size_t n,
                  const char *on, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object(), *done_items = json_array();
	char day[11], at[32], sid[24];
	if (!a || !p || !done_items) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = enforce_day(on, "on", day, e)))
		goto done;
	enforce_stamp(day, at);
	if (n == 0 || n > ASSIST_MAX_ITEMS) {
		rc = err_set(e, E_INVALID, "answers", "请至少回复一项（最多 %d 项）", ASSIST_MAX_ITEMS);
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const assist_answer_in *x = &answers[i];
		const char *f = arena_printf(a, "answers[%zu]", i);
		if (!f) {
			rc = nomem(e);
			goto done;
		}
		for (size_t k = 0; k < i; k++)
			if (answers[k].item_id == x->item_id) {
				rc = err_set(e, E_INVALID, arena_printf(a, "%s.item_id", f),
				             "同一事项在一次回复中出现两次");
				goto done;
			}
		if (x->findings && !json_is_object(x->findings)) {
			rc = err_set(e, E_INVALID, arena_printf(a, "%s.findings", f),
			             "查询结果（findings）应为 JSON 对象");
			goto done;
		}
		if (x->found && (!x->findings || json_object_size(x->findings) == 0)) {
			rc = err_set(e, E_INVALID, arena_printf(a, "%s.findings", f),
			             "查找到结果时请填写结构化的查询结果（findings）");
			goto done;
		}
		if (x->action_taken && util_utf8_len(x->action_taken) > 1000) {
			rc = err_set(e, E_INVALID, arena_printf(a, "%s.action_taken", f), "采取措施最多 1000 字");
			goto done;
		}
		if (x->n_attachments > 20) {
			rc = err_set(e, E_INVALID, arena_printf(a, "%s.attachments", f), "附件最多 20 个");
			goto done;
		}
		for (size_t k = 0; k < x->n_attachments; k++)
			if (!is_sha256(x->attachments[k])) {
				rc = err_set(e, E_INVALID, arena_printf(a, "%s.attachments[%zu]", f, k),
				             "附件应为已上传文件的 SHA-256（64 位小写十六进制）");
				goto done;
			}
	}
	if ((rc = store_tx_begin(db, e)))
		goto done;
	store_assist_request r;
	store_assist_item *items;
	store_matter_file *files;
	size_t ni, nf;
	if ((rc = store_assist_request_get(db, request_id, day, a, &r, e)) ||
	    (rc = store_assist_item_list(db, request_id, a, &items, &ni, e)) ||
	    (rc = store_matter_file_list(db, r.matter_id, a, &files, &nf, e)))
		goto done;
	for (size_t i = 0; i < n; i++) {
		const assist_answer_in *x = &answers[i];
		const char *f = arena_printf(a, "answers[%zu]", i);
		size_t k = 0;
		while (k < ni && items[k].id != x->item_id)
			k++;
		if (k == ni) {
			rc = err_set(e, E_INVALID, arena_printf(a, "%s.item_id", f), "事项 %lld 不属于此协查请求",
			             (long long)x->item_id);
			goto done;
		}
		store_assist_item *it = &items[k];
		if (strcmp(it->status, "pending")) {
			rc = err_set(e, E_CONFLICT, arena_printf(a, "%s.item_id", f), "事项 %lld 已经回复",
			             (long long)x->item_id);
			goto done;
		}
		if (x->found && !strcmp(it->kind, "detain") && (!x->action_taken || !*x->action_taken)) {
			rc = err_set(e, E_INVALID, arena_printf(a, "%s.action_taken", f),
			             "已执行拘留的，请填写采取的措施（送押场所、时间）");
			goto done;
		}
		json_t *att = json_array();
		for (size_t m = 0; att && m < x->n_attachments; m++) {
			size_t q = 0;
			while (q < nf && strcmp(files[q].sha256, x->attachments[m]))
				q++;
			if (q == nf) {
				json_decref(att);
				rc = err_set(e, E_INVALID, arena_printf(a, "%s.attachments[%zu]", f, m),
				             "附件须先上传到本案卷宗（POST /api/v1/assistance-requests/%lld/files）",
				             (long long)request_id);
				goto done;
			}
			json_array_append_new(att, json_string(x->attachments[m]));
		}
		char *att_s = att ? json_out_compact(att, 0, NULL) : NULL;
		char *find_s = x->findings ? json_out_compact(x->findings, 1, NULL) : NULL;
		json_decref(att);
		it->found = x->found;
		it->findings = find_s ? arena_strdup(a, find_s) : "{}";
		it->attachments = att_s ? arena_strdup(a, att_s) : NULL;
		it->action_taken = x->action_taken ? x->action_taken : "";
		it->answered_on = day;
		it->answered_at = at;
		it->answered_by = who->user_id;
		free(att_s);
		free(find_s);
		if (!it->findings || !it->attachments) {
			rc = nomem(e);
			goto done;
		}
		if ((rc = store_assist_item_answer(db, it, e)))
			goto done;
		it->status = "answered";
		json_t *j = json_pack("{s:I,s:s,s:b,s:b,s:{s:{s:s,s:s}}}", "item_id", (json_int_t)it->id, "kind",
		                      it->kind, "found", x->found, "late", strcmp(day, it->due_on) > 0, "changes",
		                      "status", "old", "pending", "new", "answered");
		if (!j || json_array_append_new(done_items, j)) {
			rc = nomem(e);
			goto done;
		}
		json_object_set_new(j, "findings", json_loads(it->findings, 0, NULL));
		if (x->action_taken && *x->action_taken)
			json_object_set_new(j, "action_taken", json_string(x->action_taken));
		if (x->n_attachments)
			json_object_set_new(j, "attachments", json_loads(it->attachments, 0, NULL));
	}
	/* one lookup per person the officer looked into */
	for (size_t i = 0; i < n; i++) {
		store_assist_item *it = NULL;
		for (size_t k = 0; k < ni; k++)
			if (items[k].id == answers[i].item_id)
				it = &items[k];
		int first = 1;
		for (size_t j = 0; j < i && first; j++)
			for (size_t k = 0; k < ni; k++)
				if (items[k].id == answers[j].item_id && !strcmp(items[k].id_number, it->id_number))
					first = 0;
		if (!first)
			continue;
		char what[160] = "";
		size_t o = 0;
		for (size_t j = i; j < n; j++)
			for (size_t k = 0; k < ni; k++)
				if (items[k].id == answers[j].item_id && !strcmp(items[k].id_number, it->id_number))
					o += (size_t)snprintf(what + o, sizeof what - o, "%s%s", o ? "," : "",
					                      items[k].kind);
		store_person_lookup l = { .id_number = it->id_number,
			                  .name = it->name,
			                  .purpose = "assistance_answer",
			                  .what = what,
			                  .matter_id = r.matter_id,
			                  .basis = r.basis,
			                  .at = at };
		if ((rc = enforce_lookup_record(db, who, &l, e)))
			goto done;
	}
	size_t pending = 0;
	for (size_t k = 0; k < ni; k++)
		pending += !strcmp(items[k].status, "pending");
	if (pending == 0) {
		if ((rc = store_assist_request_close(db, request_id, at, e)) ||
		    audit_change_str(p, "status", r.status, "answered")) {
			rc = rc ? rc : nomem(e);
			goto done;
		}
	}
	if (json_object_set(p, "items", done_items) ||
	    json_object_set_new(p, "pending_items", json_integer((json_int_t)pending))) {
		rc = nomem(e);
		goto done;
	}
	snprintf(sid, sizeof sid, "%lld", (long long)request_id);
	if ((rc = audit_record(db, who, "assist_request", sid, "assist.answered", p, NULL, e)) ||
	    (rc = store_tx_commit(db, e)))
		goto done;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	json_decref(done_items);
	arena_free(a);
	return rc;
}

int assist_request_units(store *db, int64_t id, arena *a, const char **out_court_unit, const char **out_police_unit,
                         int64_t *out_matter_id, err *e)
{
	store_assist_request r;
	int rc = store_assist_request_get(db, id, NULL, a, &r, e);
	if (rc)
		return rc;
	*out_court_unit = r.court_unit_id;
	*out_police_unit = r.police_unit_id;
	*out_matter_id = r.matter_id;
	return OK;
}

/* ---- views ---- */
json_t *assist_item_json(const store_assist_item *it, const char *today, int full_ids)
{
	char masked[40];
	int k = assist_kind_parse(it->kind);
	int pending = !strcmp(it->status, "pending");
	json_t *j = json_pack(
	        "{s:I,s:I,s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b}", "id", (json_int_t)it->id, "request_id",
	        (json_int_t)it->request_id, "ord", it->ord, "name", it->name, "id_type", it->id_type, "id_number",
	        full_ids ? it->id_number : id_masked(it->id_type, it->id_number, masked, sizeof masked), "kind",
	        it->kind, "kind_label", k >= 0 ? assist_kind_labels[k] : it->kind, "sent_on", it->sent_on, "due_on",
	        it->due_on, "status", it->status, "overdue", pending && strcmp(it->due_on, today) < 0, "late",
	        !pending && it->answered_on && strcmp(it->answered_on, it->due_on) > 0);
	if (!j)
		return NULL;
	json_object_set_new(j, "party_id", it->party_id ? json_integer(it->party_id) : json_null());
	json_object_set_new(j, "order_id", it->order_id ? json_integer(it->order_id) : json_null());
	json_object_set_new(j, "police_unit_id", json_string(it->police_unit_id));
	json_object_set_new(j, "found", it->found < 0 ? json_null() : json_boolean(it->found));
	json_object_set_new(j, "findings", it->findings ? json_loads(it->findings, 0, NULL) : json_null());
	json_object_set_new(j, "action_taken", it->action_taken ? json_string(it->action_taken) : json_null());
	json_object_set_new(j, "attachments", it->attachments ? json_loads(it->attachments, 0, NULL) : json_array());
	json_object_set_new(j, "answered_on", it->answered_on ? json_string(it->answered_on) : json_null());
	json_object_set_new(j, "answered_at", it->answered_at ? json_string(it->answered_at) : json_null());
	return j;
}

static json_t *request_json(const store_assist_request *r)
{
	const org_unit *c = org_unit_find(r->court_unit_id), *p = org_unit_find(r->police_unit_id);
	return json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:I,s:I,s:I,s:I}", "id", (json_int_t)r->id,
	                 "matter_id", (json_int_t)r->matter_id, "court_unit_id", r->court_unit_id, "court_unit_name",
	                 c ? c->name : r->court_unit_id, "police_unit_id", r->police_unit_id, "police_unit_name",
	                 p ? p->name : r->police_unit_id, "basis", r->basis, "note", r->note, "status", r->status,
	                 "sent_on", r->sent_on, "sent_at", r->sent_at, "answered_at", r->answered_at, "n_items",
	                 (json_int_t)r->n_items, "n_answered", (json_int_t)r->n_answered, "n_pending",
	                 (json_int_t)(r->n_items - r->n_answered), "n_overdue", (json_int_t)r->n_overdue);
}

int assist_request_view(store *db, int64_t id, int full_ids, arena *a, json_t **out, err *e)
{
	store_assist_request r;
	store_assist_item *items;
	size_t n;
	char today[11];
	legal_today(today);
	int rc = store_read_begin(db, e);
	if (rc)
		return rc;
	if ((rc = store_assist_request_get(db, id, today, a, &r, e)) ||
	    (rc = store_assist_item_list(db, id, a, &items, &n, e)))
		goto done;
	json_t *v = request_json(&r), *arr = json_array();
	if (!v || !arr) {
		json_decref(v);
		json_decref(arr);
		rc = nomem(e);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, assist_item_json(&items[i], today, full_ids));
	json_object_set_new(v, "items", arr);
	json_object_set_new(v, "trace", enforce_trace_json(db, "assist_request", id, a));
	store_matter m;
	if (store_matter_get(db, r.matter_id, a, &m, NULL) == OK)
		json_object_set_new(v, "matter_number", json_string(m.number));
	*out = v;
done:
	store_read_end(db);
	return rc;
}

int assist_request_list(store *db, store_assist_query *q, arena *a, json_t **out, err *e)
{
	store_assist_request *v;
	size_t n;
	int64_t total;
	char today[11];
	legal_today(today);
	if (!q->today)
		q->today = today;
	int rc = store_assist_request_list(db, q, a, &v, &n, &total, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, request_json(&v[i]));
	*out = json_pack("{s:o,s:I}", "requests", arr ? arr : json_array(), "total", (json_int_t)total);
	return *out ? OK : nomem(e);
}

/* One row of the statistics. The rate and the days are over the answered items: null, not 0, when
 * nothing was answered (as the metrics: a unit that has not answered is not "0% on time"). */
static json_t *stat_json(const store_assist_stat *v, const char *name, double avg_days)
{
	json_t *j = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "unit_id", v->police_unit_id, "unit_name", name,
	                      "items", (json_int_t)v->items, "answered", (json_int_t)v->answered, "pending",
	                      (json_int_t)v->pending, "overdue", (json_int_t)v->overdue, "answered_late",
	                      (json_int_t)v->answered_late, "found", (json_int_t)v->found);
	if (!j)
		return json_object();
	int any = v->answered > 0;
	json_object_set_new(j, "on_time_rate",
	                    any ? json_real((double)(v->answered - v->answered_late) / (double)v->answered)
	                        : json_null());
	json_object_set_new(j, "avg_days", any ? json_real(avg_days) : json_null());
	json_object_set_new(j, "max_days", any ? json_real(v->max_days) : json_null());
	return j;
}

int assist_stats_json(store *db, const char *area_code, const char *police_unit_id, const char *from, const char *to,
                      arena *a, json_t **out, err *e)
{
	store_assist_stat *v;
	size_t n;
	char today[11];
	legal_today(today);
	int rc = store_assist_stats(db, area_code, police_unit_id, from, to, today, a, &v, &n, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	store_assist_stat t = { 0 };
	double days_sum = 0;
	for (size_t i = 0; arr && i < n; i++) {
		const org_unit *u = org_unit_find(v[i].police_unit_id);
		json_array_append_new(arr, stat_json(&v[i], u ? u->name : v[i].police_unit_id, v[i].avg_days));
		t.items += v[i].items;
		t.answered += v[i].answered;
		t.pending += v[i].pending;
		t.overdue += v[i].overdue;
		t.answered_late += v[i].answered_late;
		t.found += v[i].found;
		days_sum += v[i].avg_days * (double)v[i].answered;
		if (v[i].max_days > t.max_days)
			t.max_days = v[i].max_days;
	}
	t.police_unit_id = "total";
	*out = json_pack("{s:o,s:o}", "units", arr ? arr : json_array(), "totals",
	                 stat_json(&t, "合计", t.answered ? days_sum / (double)t.answered : 0.0));
	return *out ? OK : nomem(e);
}
