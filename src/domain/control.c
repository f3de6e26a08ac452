/*
 * control.c - control orders (detention, consumption and exit restriction) and the police person
 * check. See control.h.
 */
#include "domain/control.h"

#include "core/log.h"
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

static const struct {
	const char *kind, *label, *law;
} kinds[] = {
	{ "detention", "司法拘留", "民事诉讼法第118条：拘留的期限为十五日以下" },
	{ "consumption_restriction", "限制消费",
	  "最高人民法院关于限制被执行人高消费及有关消费的若干规定（法释〔2015〕17号）" },
	{ "exit_restriction", "限制出境", "民事诉讼法第266条" },
};

static int kind_index(const char *kind)
{
	for (int i = 0; kind && i < 3; i++)
		if (!strcmp(kinds[i].kind, kind))
			return i;
	return -1;
}

static int record(store *db, const principal *who, int64_t id, const char *type, json_t *p, err *e)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	return audit_record(db, who, "control_order", sid, type, p, NULL, e);
}

int control_order_issue(store *db, const principal *who, const control_new *in, int64_t *out_id, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object();
	char today[11], from[11], to[11] = "", now[32];
	if (!a || !p) {
		rc = nomem(e);
		goto done;
	}
	legal_today(today);
	util_now_iso(now, sizeof now);
	int k = kind_index(in->kind);
	if (k < 0) {
		rc = err_set(e, E_INVALID, "kind",
		             "措施类型应为 detention（司法拘留）、consumption_restriction（限制消费）或 "
		             "exit_restriction（限制出境）");
		goto done;
	}
	if (!in->basis || util_utf8_len(in->basis) < 4 || util_utf8_len(in->basis) > 120) {
		rc = err_set(e, E_INVALID, "basis", "请填写决定书文号（4 到 120 字）");
		goto done;
	}
	if (!in->reason || util_utf8_len(in->reason) < 2 || util_utf8_len(in->reason) > 500) {
		rc = err_set(e, E_INVALID, "reason", "请填写采取措施的事实和理由（2 到 500 字）");
		goto done;
	}
	cal_date df, dt;
	if (in->valid_from && *in->valid_from) {
		if ((rc = cal_date_parse(in->valid_from, "valid_from", &df, e)))
			goto done;
		legal_format(df, from);
	} else {
		memcpy(from, today, sizeof from);
		cal_date_parse(from, NULL, &df, NULL);
	}
	if (in->valid_to && *in->valid_to) {
		if ((rc = cal_date_parse(in->valid_to, "valid_to", &dt, e)))
			goto done;
		legal_format(dt, to);
		if (strcmp(to, from) < 0) {
			rc = err_set(e, E_INVALID, "valid_to", "截止日期不能早于起始日期");
			goto done;
		}
	}
	if (k == 0) {
		/* CivPL art. 118: detention of at most fifteen days, both ends counted */
		if (!to[0]) {
			rc = err_set(e, E_INVALID, "valid_to", "司法拘留须写明截止日期（拘留期限为十五日以下）");
			goto done;
		}
		if (cal_days_between(df, dt) + 1 > DETENTION_MAX_DAYS) {
			rc = err_set(e, E_INVALID, "valid_to",
			             "司法拘留期限为十五日以下（民事诉讼法第118条），%s 至 %s 为 %ld 日", from, to,
			             cal_days_between(df, dt) + 1);
			goto done;
		}
	}
	if ((rc = store_tx_begin(db, e)))
		goto done;
	enforce_matter em;
	if ((rc = enforce_matter_active(db, in->matter_id, a, &em, e)))
		goto done;
	store_control_order o = { .matter_id = in->matter_id,
		                  .court_unit_id = em.court->id,
		                  .kind = kinds[k].kind,
		                  .basis = in->basis,
		                  .reason = in->reason,
		                  .valid_from = from,
		                  .valid_to = to[0] ? to : NULL,
		                  .issued_at = now,
		                  .issued_by = who->user_id };
	if (in->party_id) {
		store_party *parties;
		size_t np, i = 0;
		if ((rc = store_party_list(db, in->matter_id, a, &parties, &np, e)))
			goto done;
		while (i < np && parties[i].id != in->party_id)
			i++;
		if (i == np) {
			rc = err_set(e, E_INVALID, "party_id", "party_id 应为本案当事人");
			goto done;
		}
		if (!parties[i].id_number) {
			rc = err_set(e, E_INVALID, "party_id", "该当事人没有登记证件号码；请以 name 和 id_number 填写");
			goto done;
		}
		o.party_id = in->party_id;
		o.subject_type = parties[i].type;
		o.name = parties[i].name;
		o.id_type = parties[i].id_type;
		o.id_number = parties[i].id_number;
	} else {
		if (!in->name || !*in->name || util_utf8_len(in->name) > 100) {
			rc = err_set(e, E_INVALID, "name", "请填写被采取措施人的姓名或名称");
			goto done;
		}
		o.name = in->name;
		const char *t = in->id_type ? in->id_type : "resident_id";
		if (!strcmp(t, "resident_id")) {
			ident_person ip;
			if ((rc = ident_resident_id_check(in->id_number ? in->id_number : "", "id_number", &ip, e)))
				goto done;
			o.id_number = arena_strdup(a, ip.id);
			o.subject_type = "person";
		} else if (!strcmp(t, "passport")) {
			if ((rc = ident_passport_check(in->id_number ? in->id_number : "", "id_number", e)))
				goto done;
			o.id_number = in->id_number;
			o.subject_type = "person";
		} else if (!strcmp(t, "credit_code")) {
			ident_credit_code cc;
			err e2 = { 0 };
			if ((rc = ident_credit_code_check(in->id_number ? in->id_number : "", "id_number", &cc, &e2))) {
				rc = err_set(e, rc, "id_number", "%s", e2.message);
				goto done;
			}
			o.id_number = arena_strdup(a, cc.code);
			o.subject_type = "organization";
		} else {
			rc = err_set(e, E_INVALID, "id_type", "证件类型应为 resident_id、passport 或 credit_code");
			goto done;
		}
		o.id_type = t;
		if (!o.id_number) {
			rc = nomem(e);
			goto done;
		}
	}
	if (k != 1 && strcmp(o.subject_type, "person")) {
		rc = err_set(e, E_INVALID, in->party_id ? "party_id" : "id_type",
		             "%s只能对自然人采取（单位可限制消费）", kinds[k].label);
		goto done;
	}
	int64_t id;
	char masked[40];
	if (!strcmp(o.id_type, "credit_code"))
		ident_mask_credit_code(o.id_number, masked, sizeof masked);
	else
		ident_mask_id(o.id_number, masked, sizeof masked);
	if ((rc = store_control_order_insert(db, &o, &id, e)))
		goto done;
	if (enforce_change_int(p, "matter_id", NULL, in->matter_id) || audit_change_str(p, "kind", NULL, o.kind) ||
	    audit_change_str(p, "name", NULL, o.name) || audit_change_str(p, "id_number", NULL, o.id_number) ||
	    audit_change_str(p, "basis", NULL, o.basis) || audit_change_str(p, "reason", NULL, o.reason) ||
	    audit_change_str(p, "valid_from", NULL, o.valid_from) ||
	    audit_change_str(p, "valid_to", NULL, o.valid_to) || audit_change_str(p, "status", NULL, "active")) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = record(db, who, id, "control.issued", p, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	log_event(LOG_INFO, "control_order_issued", "order=%lld kind=%s subject=%s", (long long)id, o.kind, masked);
	*out_id = id;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

static int end_order(store *db, const principal *who, const store_control_order *o, const char *reason, err *e)
{
	char now[32];
	util_now_iso(now, sizeof now);
	json_t *p = json_object();
	if (!p)
		return nomem(e);
	int rc = store_control_order_end(db, o->id, now, who->user_id, reason, e);
	if (rc == OK &&
	    (audit_change_str(p, "status", o->status, "revoked") || audit_change_str(p, "end_reason", NULL, reason) ||
	     json_object_set_new(p, "matter_id", json_integer(o->matter_id))))
		rc = nomem(e);
	if (rc == OK)
		rc = record(db, who, o->id, "control.revoked", p, e);
	json_decref(p);
	return rc;
}

int control_order_revoke(store *db, const principal *who, int64_t id, const char *reason, err *e)
{
	if (!reason || util_utf8_len(reason) < 2 || util_utf8_len(reason) > 500)
		return err_set(e, E_INVALID, "reason", "请填写解除理由（2 到 500 字）");
	arena *a = arena_new();
	store_control_order o;
	if (!a)
		return nomem(e);
	int rc = store_tx_begin(db, e);
	if (rc == OK && (rc = store_control_order_get(db, id, a, &o, e)) == OK) {
		if (strcmp(o.status, "active"))
			rc = err_set(e, E_CONFLICT, NULL, "该措施已解除");
		else if ((rc = end_order(db, who, &o, reason, e)) == OK)
			rc = store_tx_commit(db, e);
	}
	if (store_in_tx(db))
		store_tx_rollback(db);
	arena_free(a);
	return rc;
}

int control_order_matter(store *db, int64_t id, int64_t *out_matter_id, err *e)
{
	arena *a = arena_new();
	store_control_order o;
	if (!a)
		return nomem(e);
	int rc = store_control_order_get(db, id, a, &o, e);
	if (rc == OK)
		*out_matter_id = o.matter_id;
	arena_free(a);
	return rc;
}

int control_lift_on_performance(store *db, const principal *who, int64_t matter_id, int *out_n, err *e)
{
	arena *a = arena_new();
	store_control_order *v;
	size_t n;
	char today[11];
	legal_today(today);
	*out_n = 0;
	if (!a)
		return nomem(e);
	store_control_order_query q = { .matter_id = matter_id, .kind = "consumption_restriction", .limit = 1000 };
	int rc = store_control_order_list(db, &q, a, &v, &n, e);
	for (size_t i = 0; rc == OK && i < n; i++) {
		if (strcmp(v[i].status, "active"))
			continue;
		/* 法释〔2015〕17号 art. 9: lifted once the obligation is performed in full */
		if ((rc = end_order(
		             db, who, &v[i],
		             "被执行人已全部履行生效法律文书确定的义务，依法解除限制消费（法释〔2015〕17号第九条）",
		             e)) == OK)
			(*out_n)++;
	}
	arena_free(a);
	return rc;
}

/* ---- views ---- */
const char *control_order_state(const store_control_order *o, const char *today)
{
	if (strcmp(o->status, "active"))
		return "revoked";
	if (strcmp(o->valid_from, today) > 0)
		return "scheduled";
	if (o->valid_to && strcmp(o->valid_to, today) < 0)
		return "expired";
	return "active";
}

json_t *control_order_json(const store_control_order *o, const char *today, int full_ids)
{
	char masked[40];
	const char *id = o->id_number;
	if (!full_ids) {
		if (!strcmp(o->id_type, "credit_code"))
			ident_mask_credit_code(o->id_number, masked, sizeof masked);
		else
			ident_mask_id(o->id_number, masked, sizeof masked);
		id = masked;
	}
	int k = kind_index(o->kind);
	const org_unit *c = org_unit_find(o->court_unit_id);
	json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:s,s:s}", "id",
	                      (json_int_t)o->id, "matter_id", (json_int_t)o->matter_id, "court_unit_id",
	                      o->court_unit_id, "court_name", c ? c->name : o->court_unit_id, "kind", o->kind,
	                      "kind_label", k >= 0 ? kinds[k].label : o->kind, "law", k >= 0 ? kinds[k].law : "",
	                      "subject_type", o->subject_type, "name", o->name, "id_type", o->id_type, "id_number", id,
	                      "basis", o->basis, "valid_from", o->valid_from, "valid_to", o->valid_to, "state",
	                      control_order_state(o, today), "issued_at", o->issued_at);
	if (!j)
		return NULL;
	json_object_set_new(j, "reason", json_string(o->reason));
	json_object_set_new(j, "party_id", o->party_id ? json_integer(o->party_id) : json_null());
	json_object_set_new(j, "ended_at", o->ended_at ? json_string(o->ended_at) : json_null());
	json_object_set_new(j, "end_reason", o->end_reason ? json_string(o->end_reason) : json_null());
	return j;
}

int control_order_view(store *db, int64_t id, int full_ids, arena *a, json_t **out, err *e)
{
	store_control_order o;
	char today[11];
	legal_today(today);
	int rc = store_control_order_get(db, id, a, &o, e);
	if (rc)
		return rc;
	json_t *v = control_order_json(&o, today, full_ids);
	if (!v)
		return nomem(e);
	json_object_set_new(v, "trace", enforce_trace_json(db, "control_order", id, a));
	*out = v;
	return OK;
}

int control_order_list_json(store *db, int64_t matter_id, int full_ids, arena *a, json_t **out, err *e)
{
	store_control_order *v;
	size_t n;
	char today[11];
	legal_today(today);
	store_control_order_query q = { .matter_id = matter_id, .limit = 500 };
	int rc = store_control_order_list(db, &q, a, &v, &n, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, control_order_json(&v[i], today, full_ids));
	*out = json_pack("{s:o}", "orders", arr ? arr : json_array());
	return *out ? OK : nomem(e);
}

/* ---- the police person check ---- */
int control_person_check(store *db, const principal *who, const control_check_in *in, arena *a, json_t **out, err *e)
{
	const org_unit *top = enforce_top_unit(who->unit_id);
	if (!top || strcmp(top->kind, "police"))
		return err_set(e, E_FORBIDDEN, NULL, "人员核查仅供公安机关使用");
	const char *id = NULL;
	ident_person ip;
	if (!in->id_number || !*in->id_number)
		return err_set(e, E_INVALID, "id_number", "请填写身份证件号码");
	if (ident_resident_id_check(in->id_number, "id_number", &ip, e) == OK) {
		id = arena_strdup(a, ip.id);
	} else if (strspn(in->id_number, "0123456789Xx") != strlen(in->id_number) &&
	           ident_passport_check(in->id_number, "id_number", NULL) == OK) {
		err_clear(e);
		id = in->id_number;
	} else {
		return e->code ? e->code : err_set(e, E_INVALID, "id_number", "证件号码无效");
	}
	if (!id)
		return nomem(e);
	if (!in->purpose || util_utf8_len(in->purpose) < 2 || util_utf8_len(in->purpose) > 100)
		return err_set(e, E_INVALID, "purpose", "请填写核查事由（如 盘查、交通检查，2 到 100 字）");
	if (!in->basis || util_utf8_len(in->basis) < 2 || util_utf8_len(in->basis) > 300)
		return err_set(e, E_INVALID, "basis", "请填写核查依据（2 到 300 字）");
	if (in->case_ref && util_utf8_len(in->case_ref) > 100)
		return err_set(e, E_INVALID, "case_ref", "案件编号最多 100 字");
	char today[11], masked[40];
	legal_today(today);
	ident_mask_id(id, masked, sizeof masked);
	store_control_order *orders;
	store_listing *listings;
	size_t no, nl;
	int64_t total;
	int rc = store_tx_begin(db, e);
	if (rc)
		return rc;
	if (in->matter_id) {
		store_matter m;
		if ((rc = store_matter_get(db, in->matter_id, a, &m, e))) {
			rc = rc == E_NOTFOUND
			             ? err_set(e, E_INVALID, "matter_id", "案件 %lld 不存在", (long long)in->matter_id)
			             : rc;
			goto done;
		}
	}
	store_control_order_query q = { .id_number = id, .in_force_on = today, .limit = 100 };
	store_listing_query lq = { .id_number = id, .live_on = today, .limit = 20 };
	if ((rc = store_control_order_list(db, &q, a, &orders, &no, e)) ||
	    (rc = store_listing_list(db, &lq, a, &listings, &nl, &total, e)))
		goto done;
	char what[64];
	snprintf(what, sizeof what, "control_orders,dishonest_list");
	char purpose[400];
	snprintf(purpose, sizeof purpose, "%s", in->purpose);
	store_person_lookup l = { .id_number = id,
		                  .purpose = "person_check",
		                  .what = what,
		                  .matter_id = in->matter_id,
		                  .case_ref = in->case_ref,
		                  .basis = arena_printf(a, "%s：%s", purpose, in->basis) };
	if (!l.basis) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = enforce_lookup_record(db, who, &l, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	log_event(LOG_INFO, "person_check", "user=%s unit=%s subject=%s matter=%lld orders=%zu listed=%d",
	          who->username, who->unit_id, masked, (long long)in->matter_id, no, nl > 0);
	json_t *arr = json_array(), *la = json_array();
	int detention = 0;
	for (size_t i = 0; arr && i < no; i++) {
		json_array_append_new(arr, control_order_json(&orders[i], today, 0));
		detention |= !strcmp(orders[i].kind, "detention");
	}
	for (size_t i = 0; la && i < nl; i++)
		json_array_append_new(la,
		                      json_pack("{s:s,s:s,s:s}", "court_name", listings[i].court_name, "case_number",
		                                listings[i].case_number, "since", listings[i].decided_on));
	*out = json_pack("{s:s,s:s,s:o,s:b,s:o,s:s}", "id_number", masked, "checked_on", today, "orders",
	                 arr ? arr : json_array(), "on_dishonest_list", nl > 0, "listings", la ? la : json_array(),
	                 "advice",
	                 detention ? "此人有正在生效的司法拘留决定：请依法控制并立即联系作出决定的法院"
	                 : no ? "此人有正在生效的限制措施：请告知其限制内容；如有妨碍执行情形请联系作出决定的法院"
	                      : "未发现正在生效的法院强制措施");
	if (!*out)
		rc = nomem(e);
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	return rc;
}
