/*
 * enforce.c - settings, the enforcement context of a matter, the query log, and the read-side views
 * (workbench, supervision, metrics) over the enforcement modules. See enforce.h.
 */
#include "domain/enforce.h"

#include "core/codec.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/auth.h"
#include "domain/assist.h"
#include "domain/audit.h"
#include "domain/calendar.h"
#include "domain/ident.h"
#include "domain/ledger.h"
#include "domain/legal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const char *const assist_kind_names[ASSIST__COUNT] = { "locate",   "consumption", "movement",
	                                               "vehicles", "detain",      "seize_vehicle" };
const char *const assist_kind_labels[ASSIST__COUNT] = { "查找下落", "高消费记录",   "活动轨迹",
	                                                "车辆信息", "协助司法拘留", "查扣车辆" };

int assist_kind_parse(const char *name)
{
	for (int i = 0; name && i < ASSIST__COUNT; i++)
		if (!strcmp(assist_kind_names[i], name))
			return i;
	return -1;
}

static int nomem(err *e)
{
	return err_set(e, E_NOMEM, NULL, "out of memory");
}

void enforce_settings_default(enforce_settings *out)
{
	config cfg;
	config_defaults(&cfg);
	enforce_settings_from_config(&cfg, out);
}

void enforce_settings_from_config(const config *cfg, enforce_settings *out)
{
	memset(out, 0, sizeof *out);
	out->assist_days[ASSIST_LOCATE] = (int)cfg->assist_locate_days;
	out->assist_days[ASSIST_CONSUMPTION] = (int)cfg->assist_consumption_days;
	out->assist_days[ASSIST_MOVEMENT] = (int)cfg->assist_movement_days;
	out->assist_days[ASSIST_VEHICLES] = (int)cfg->assist_vehicles_days;
	out->assist_days[ASSIST_DETAIN] = (int)cfg->assist_detain_days;
	out->assist_days[ASSIST_SEIZE] = (int)cfg->assist_seize_days;
	out->funds_due_days = (int)cfg->funds_due_days;
	out->debtor_grace_days = (int)cfg->debtor_grace_days;
	out->query_log_delay_days = (int)cfg->query_log_delay_days;
	out->query_code_days = (int)cfg->query_code_days;
}

const org_unit *enforce_top_unit(const char *unit_id)
{
	const org_unit *u = unit_id ? org_unit_find(unit_id) : NULL;
	for (int d = 0; u && u->parent_id[0] && d < 8; d++)
		u = org_unit_find(u->parent_id);
	return u;
}

const char *enforce_league_of(const char *area_code)
{
	const org_area *ar = org_area_find(area_code);
	if (ar && ar->level == LEVEL_COUNTY)
		return ar->parent_code;
	return area_code;
}

int enforce_day(const char *in, const char *field, char out[11], err *e)
{
	char today[11];
	legal_today(today);
	if (!in || !*in) {
		memcpy(out, today, 11);
		return OK;
	}
	cal_date d;
	int rc = cal_date_parse(in, field, &d, e);
	if (rc)
		return rc;
	if (strcmp(in, today) > 0)
		return err_set(e, E_INVALID, field, "日期 %s 晚于今天", in);
	legal_format(d, out);
	return OK;
}

void enforce_stamp(const char *day, char out[32])
{
	char today[11];
	legal_today(today);
	if (!day || !strcmp(day, today))
		util_now_iso(out, 32);
	else
		snprintf(out, 32, "%.10sT01:00:00.000Z", day);
}

void enforce_add_days(const char *day, long n, char out[11])
{
	cal_date d;
	if (cal_date_parse(day, NULL, &d, NULL) != OK) {
		util_strlcpy(out, day, 11);
		return;
	}
	legal_format(cal_date_add_days(d, n), out);
}

int enforce_change_int(json_t *payload, const char *field, const int64_t *old_value, int64_t new_value)
{
	json_t *o = old_value ? json_integer(*old_value) : NULL, *n = json_integer(new_value);
	int rc = n && (o || !old_value) ? audit_change(payload, field, o, n) : E_NOMEM;
	json_decref(o);
	json_decref(n);
	return rc;
}

/* ---- the enforcement context of a matter ---- */
int enforce_matter_load(store *db, int64_t matter_id, arena *a, enforce_matter *out, err *e)
{
	store_case_number *nums;
	size_t n;
	memset(out, 0, sizeof *out);
	int rc = store_matter_get(db, matter_id, a, &out->m, e);
	if (rc == E_NOTFOUND)
		return err_set(e, E_NOTFOUND, "matter_id", "案件不存在或无权查看");
	if (rc || (rc = store_case_number_list(db, matter_id, a, &nums, &n, e)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(nums[i].stage, "enforcement"))
			continue;
		out->case_number = nums[i].number;
		out->court = enforce_top_unit(nums[i].unit_id);
		out->filed_on = arena_strndup(a, nums[i].created_at, 10);
	}
	if (!out->court || strcmp(out->court->kind, "court"))
		return err_set(e, E_CONFLICT, "matter_id", "案件 %s 不是执行案件（没有执行案号）", out->m.number);
	if (!strcmp(out->m.kind, "enforcement"))
		out->filed_on = arena_strndup(a, out->m.filed_at, 10);
	if (!out->filed_on)
		return nomem(e);
	out->active = !strcmp(out->m.status, "open") && !strcmp(out->m.stage, "enforcement");
	return OK;
}

int enforce_matter_active(store *db, int64_t matter_id, arena *a, enforce_matter *out, err *e)
{
	int rc = enforce_matter_load(db, matter_id, a, out, e);
	if (rc == OK && !out->active)
		rc = err_set(e, E_CONFLICT, "matter_id", "案件 %s 已结案或不在执行阶段", out->m.number);
	return rc;
}

/* ---- the query log ---- */
int enforce_lookup_record(store *db, const principal *who, store_person_lookup *l, err *e)
{
	char now[32], sid[24];
	int64_t id;
	util_now_iso(now, sizeof now);
	l->at = l->at ? l->at : now;
	l->actor_user_id = who->user_id;
	l->actor_unit_id = who->unit_id[0] ? who->unit_id : NULL;
	int rc = store_person_lookup_insert(db, l, &id, e);
	if (rc)
		return rc;
	/* The event carries the full number (events are the private record, as with a matter's
	 * parties); logs and public views show it masked. */
	json_t *p = json_pack("{s:s,s:s?,s:s,s:s,s:s?,s:s}", "id_number", l->id_number, "name", l->name, "purpose",
	                      l->purpose, "what", l->what, "case_ref", l->case_ref, "basis", l->basis);
	if (!p || (l->matter_id && json_object_set_new(p, "matter_id", json_integer(l->matter_id)))) {
		json_decref(p);
		return nomem(e);
	}
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	rc = audit_record(db, who, "person_lookup", sid, "person.looked_up", p, NULL, e);
	json_decref(p);
	return rc;
}

static const char *purpose_label(const char *p)
{
	if (!strcmp(p, "assistance_request"))
		return "法院发起协查";
	if (!strcmp(p, "assistance_answer"))
		return "公安机关协查查询";
	if (!strcmp(p, "person_check"))
		return "公安机关核查强制措施";
	if (!strcmp(p, "restriction_check"))
		return "限制措施核查";
	return p;
}

static const char *case_number_of(store *db, int64_t matter_id, arena *a)
{
	store_case_number *nums;
	size_t n;
	if (!matter_id || store_case_number_list(db, matter_id, a, &nums, &n, NULL) != OK || n == 0)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(nums[i].stage, "enforcement"))
			return nums[i].number;
	return nums[n - 1].number;
}

/* ---- query codes ---- */
#define CODE_ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" /* 32 symbols, no 0/O or 1/I */
#define CODE_SYMBOLS 12                                  /* 60 bits */

/* The code without separators, upper case; 0 when it is not CODE_SYMBOLS symbols of the alphabet. */
static int code_normalize(const char *in, char out[CODE_SYMBOLS + 1])
{
	size_t n = 0;
	for (const char *p = in; p && *p; p++) {
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		if (c == '-' || c == ' ')
			continue;
		if (n >= CODE_SYMBOLS || !strchr(CODE_ALPHABET, c) || !c)
			return 0;
		out[n++] = c;
	}
	out[n] = 0;
	return n == CODE_SYMBOLS;
}

/* hex SHA-256 of "id_number:code": the only form stored */
static int code_hash(const char *id_number, const char *code, char out[65])
{
	char buf[80];
	uint8_t h[HASH_LEN];
	int n = snprintf(buf, sizeof buf, "%s:%s", id_number, code);
	if (n < 0 || (size_t)n >= sizeof buf || hash_digest(HASH_SHA256, buf, (size_t)n, h) != OK)
		return E_INTERNAL;
	codec_hex_encode(h, HASH_LEN, out);
	out[64] = 0;
	return OK;
}

int enforce_query_code_issue(store *db, const principal *who, const enforce_settings *s, const char *id_number,
                             const char *name, const char *reason, arena *a, json_t **out, err *e)
{
	ident_person ip;
	uint8_t rnd[CODE_SYMBOLS];
	char code[CODE_SYMBOLS + 1], shown[CODE_SYMBOLS + 3], hash[65], now[32], expires[32], sid[24], masked[32];
	int64_t id;
	json_t *p = NULL;
	int rc = ident_resident_id_check(id_number, "id_number", &ip, e);
	if (rc)
		return rc;
	if (!name || util_utf8_len(name) < 2 || util_utf8_len(name) > 100)
		return err_set(e, E_INVALID, "name", "请填写本人姓名（与身份证件一致）");
	if (!reason || util_utf8_len(reason) < 2 || util_utf8_len(reason) > 500)
		return err_set(e, E_INVALID, "reason",
		               "请写明当面核验身份的情况（2 到 500 字，如“当面核验居民身份证原件”）");
	if (util_random(rnd, sizeof rnd))
		return err_set(e, E_INTERNAL, NULL, "random source failed");
	for (size_t i = 0; i < CODE_SYMBOLS; i++)
		code[i] = CODE_ALPHABET[rnd[i] & 31];
	code[CODE_SYMBOLS] = 0;
	snprintf(shown, sizeof shown, "%.4s-%.4s-%.4s", code, code + 4, code + 8);
	if (code_hash(ip.id, code, hash))
		return err_set(e, E_INTERNAL, NULL, "hash failed");
	util_now_iso(now, sizeof now);
	int64_t exp = util_now_sec() + (int64_t)s->query_code_days * 86400;
	struct tm tm;
	time_t t = (time_t)exp;
	gmtime_r(&t, &tm);
	strftime(expires, sizeof expires, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	store_query_code c = { .id_number = ip.id,
		               .code_hash = hash,
		               .reason = reason,
		               .issued_at = now,
		               .issued_by = who->user_id,
		               .issued_unit_id = who->unit_id[0] ? who->unit_id : NULL,
		               .expires_at = expires };
	if ((rc = store_tx_begin(db, e)) || (rc = store_query_code_insert(db, &c, &id, e)))
		goto done;
	/* the event is the private record: the full number, never the code */
	p = json_pack("{s:s,s:s,s:s,s:s}", "id_number", ip.id, "name", name, "reason", reason, "expires_at", expires);
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	if (!p) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = audit_record(db, who, "query_code", sid, "query_code.issued", p, NULL, e)) ||
	    (rc = store_tx_commit(db, e)))
		goto done;
	ident_mask_id(ip.id, masked, sizeof masked);
	*out = json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)id, "code", shown, "expires_at", expires,
	                 "id_number", masked, "note", "查询码只显示这一次，仅可使用一次；请交本人妥善保管");
	if (!*out)
		rc = nomem(e);
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	(void)a;
	return rc;
}

/* A wrong code: counted per ID number like a wrong password, with its event; returns the refusal. */
static int code_refused(store *db, const char *id_number, int failed, const char *why, err *e)
{
	int64_t lock = failed + 1 >= AUTH_MAX_FAILURES ? util_now_sec() + AUTH_LOCK_SECONDS : 0;
	char masked[32];
	ident_mask_id(id_number, masked, sizeof masked);
	json_t *p = json_pack("{s:s,s:i,s:s}", "id_number", id_number, "failed_count", failed + 1, "why", why);
	if (!p)
		return nomem(e);
	if (lock)
		json_object_set_new(p, "locked_until", json_integer(lock));
	int rc = store_tx_begin(db, e);
	if (rc == OK && (rc = store_query_code_failures_set(db, id_number, lock ? 0 : failed + 1, lock, e)) == OK &&
	    (rc = audit_record(db, principal_system(), "query_log", masked,
	                       lock ? "query_code.locked" : "query_code.failed", p, NULL, e)) == OK)
		rc = store_tx_commit(db, e);
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	if (rc)
		return rc;
	log_event(LOG_WARN, "query_code_failed", "id_number=%s failed=%d locked=%d", masked, failed + 1, lock ? 1 : 0);
	if (lock)
		return err_set(e, E_LOCKED, "code", "连续 %d 次查询码错误，该证件号码的查询已锁定 15 分钟",
		               AUTH_MAX_FAILURES);
	return err_set(e, E_FORBIDDEN, "code", "%s", why);
}

int enforce_query_log(store *db, const enforce_settings *s, const char *id_number, const char *code, arena *a,
                      json_t **out, err *e)
{
	store_person_lookup *v;
	store_query_code qc;
	size_t n;
	char until[32], today[11], cut[11], norm[CODE_SYMBOLS + 1], hash[65], now[32], sid[24];
	ident_person ip;
	int failed;
	int64_t locked_until;
	int rc = ident_resident_id_check(id_number, "id_number", &ip, e);
	if (rc)
		return rc;
	if (!code || !*code)
		return err_set(e, E_INVALID, "code", "请填写查询码（本人持身份证件到法院或公安机关窗口申领）");
	if ((rc = store_query_code_failures(db, ip.id, &failed, &locked_until, e)))
		return rc;
	if (locked_until > util_now_sec()) {
		time_t t = (time_t)(locked_until + 8 * 3600);
		struct tm tm;
		gmtime_r(&t, &tm);
		return err_set(e, E_LOCKED, "code",
		               "查询码连续错误次数过多，该证件号码的查询已锁定，请于 %02d:%02d 后重试", tm.tm_hour,
		               tm.tm_min);
	}
	if (locked_until)
		failed = 0; /* the lock has run out: a fresh count */
	if (!code_normalize(code, norm) || code_hash(ip.id, norm, hash))
		return code_refused(db, ip.id, failed, "查询码不正确", e);
	err fe = { 0 };
	rc = store_query_code_find(db, hash, a, &qc, &fe);
	if (rc == E_NOTFOUND)
		return code_refused(db, ip.id, failed, "查询码不正确", e);
	if (rc)
		return err_set(e, rc, fe.field, "%s", fe.message);
	util_now_iso(now, sizeof now);
	if (qc.used_at)
		return code_refused(db, ip.id, failed, "查询码已使用过，请重新申领", e);
	if (strcmp(qc.expires_at, now) < 0)
		return code_refused(db, ip.id, failed, "查询码已过期，请重新申领", e);
	/* the code is used up with its event, and the count of wrong codes starts again */
	json_t *p = json_pack("{s:s}", "id_number", ip.id);
	snprintf(sid, sizeof sid, "%lld", (long long)qc.id);
	if (!p)
		return nomem(e);
	rc = store_tx_begin(db, e);
	if (rc == OK && (rc = store_query_code_use(db, qc.id, now, e)) == OK &&
	    (!failed || (rc = store_query_code_failures_set(db, ip.id, 0, 0, e)) == OK) &&
	    (rc = audit_record(db, principal_system(), "query_code", sid, "query_code.used", p, NULL, e)) == OK)
		rc = store_tx_commit(db, e);
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	if (rc)
		return rc;
	legal_today(today);
	/* visible: lookups made on or before the cut day, Beijing time (the day ends at 16:00 UTC) */
	enforce_add_days(today, -(long)s->query_log_delay_days, cut);
	snprintf(until, sizeof until, "%sT16:00:00.000Z", cut);
	if ((rc = store_person_lookup_list(db, ip.id, NULL, 1000, a, &v, &n, e)))
		return rc;
	json_t *arr = json_array();
	if (!arr)
		return nomem(e);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].at, until) >= 0)
			continue;
		const org_unit *u = v[i].actor_unit_id ? org_unit_find(v[i].actor_unit_id) : NULL;
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s?,s:s}", "at", v[i].at, "unit",
		                                     u ? u->name : "系统", "purpose", v[i].purpose, "purpose_label",
		                                     purpose_label(v[i].purpose), "case_number",
		                                     case_number_of(db, v[i].matter_id, a), "case_ref", v[i].case_ref,
		                                     "basis", v[i].basis));
	}
	char masked[32];
	ident_mask_id(ip.id, masked, sizeof masked);
	*out = json_pack("{s:s,s:o,s:i,s:s}", "id_number", masked, "lookups", arr, "delay_days",
	                 s->query_log_delay_days, "note", "为不影响正在进行的执行工作，查询记录在一定期限后方可查看");
	return *out ? OK : nomem(e);
}

int enforce_lookup_list(store *db, const char *id_number, arena *a, json_t **out, err *e)
{
	store_person_lookup *v;
	size_t n;
	int rc = store_person_lookup_list(db, id_number, NULL, 1000, a, &v, &n, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		const org_unit *u = v[i].actor_unit_id ? org_unit_find(v[i].actor_unit_id) : NULL;
		json_t *j =
		        json_pack("{s:I,s:s,s:I,s:s?,s:s?,s:s,s:s,s:s,s:s?,s:s?,s:s}", "id", (json_int_t)v[i].id, "at",
		                  v[i].at, "user_id", (json_int_t)v[i].actor_user_id, "unit_id", v[i].actor_unit_id,
		                  "unit_name", u ? u->name : NULL, "purpose", v[i].purpose, "what", v[i].what, "basis",
		                  v[i].basis, "case_ref", v[i].case_ref, "name", v[i].name, "case_number", "");
		if (j) {
			const char *cn = case_number_of(db, v[i].matter_id, a);
			json_object_set_new(j, "case_number", cn ? json_string(cn) : json_null());
			json_object_set_new(j, "matter_id",
			                    v[i].matter_id ? json_integer(v[i].matter_id) : json_null());
		}
		json_array_append_new(arr, j);
	}
	*out = json_pack("{s:o}", "lookups", arr);
	return *out ? OK : nomem(e);
}

/* The events of one enforcement object, oldest first: its trace. */
json_t *enforce_trace_json(store *db, const char *entity_type, int64_t id, arena *a)
{
	store_event *ev;
	size_t n;
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	json_t *arr = json_array();
	if (!arr || store_event_list_entity(db, entity_type, sid, 0, 1000, a, &ev, &n, NULL) != OK)
		return arr;
	for (size_t i = 0; i < n; i++) {
		const org_unit *u = ev[i].actor_unit_id ? org_unit_find(ev[i].actor_unit_id) : NULL;
		json_t *payload = json_loads(ev[i].payload, 0, NULL);
		json_t *changes = payload ? json_incref(json_object_get(payload, "changes")) : NULL;
		json_decref(payload);
		json_array_append_new(arr, json_pack("{s:I,s:s,s:s,s:I,s:s?,s:s?,s:o}", "seq", (json_int_t)ev[i].seq,
		                                     "at", ev[i].at, "type", ev[i].event_type, "user_id",
		                                     (json_int_t)ev[i].actor_user_id, "unit_id", ev[i].actor_unit_id,
		                                     "unit_name", u ? u->name : NULL, "changes",
		                                     changes ? changes : json_object()));
	}
	return arr;
}

/* ---- workbench ---- */
int enforce_workbench(store *db, const principal *who, arena *a, json_t **out, err *e)
{
	char today[11];
	legal_today(today);
	const org_unit *u = org_unit_find(who->unit_id), *top = enforce_top_unit(who->unit_id);
	if (!u || !top)
		return err_set(e, E_FORBIDDEN, NULL, "只有单位用户有工作台");
	int rc = OK;
	json_t *v = json_pack("{s:s,s:s,s:s}", "unit_id", u->id, "unit_name", u->name, "today", today);
	if (!v)
		return nomem(e);
	if (!strcmp(top->kind, "police")) {
		/* the queue: pending items, overdue first */
		store_assist_query q = {
			.police_unit_id = who->unit_id, .status = "open", .today = today, .limit = 100
		};
		json_t *reqs = NULL, *over = NULL;
		store_assist_item *items;
		size_t n;
		int64_t total;
		if ((rc = assist_request_list(db, &q, a, &reqs, e)) ||
		    (rc = store_assist_item_overdue(db, who->unit_id, NULL, today, 100, a, &items, &n, &total, e))) {
			json_decref(reqs);
			goto done;
		}
		over = json_array();
		for (size_t i = 0; over && i < n; i++)
			json_array_append_new(over, assist_item_json(&items[i], today, 1));
		json_object_set_new(v, "assistance_to_answer", reqs);
		json_object_set_new(v, "assistance_overdue",
		                    json_pack("{s:o,s:I}", "items", over, "total", (json_int_t)total));
	} else if (!strcmp(top->kind, "court")) {
		store_assist_query q = {
			.court_unit_id = who->unit_id, .status = "open", .today = today, .limit = 100
		};
		store_assist_query lq = q;
		lq.overdue_only = 1;
		json_t *reqs = NULL, *late = NULL, *unid = NULL, *overdue = NULL, *awaiting = NULL;
		if ((rc = assist_request_list(db, &q, a, &reqs, e)))
			goto done;
		json_object_set_new(v, "assistance_sent", reqs);
		/* requests the police have not answered in time, for the court to chase */
		if ((rc = assist_request_list(db, &lq, a, &late, e)))
			goto done;
		json_object_set_new(v, "assistance_overdue", late);
		store_ledger_receipt_query uq = { .court_unit_id = top->id, .unidentified = 1, .limit = 100 };
		store_ledger_receipt_query oq = {
			.court_unit_id = top->id, .overdue_before = today, .oldest_first = 1, .limit = 100
		};
		if ((rc = ledger_receipts_json(db, &uq, a, &unid, e)) ||
		    (rc = ledger_receipts_json(db, &oq, a, &overdue, e)) ||
		    (rc = ledger_disbursements_json(db, top->id, 0, "requested", a, &awaiting, e))) {
			json_decref(unid);
			json_decref(overdue);
			goto done;
		}
		json_object_set_new(v, "funds_unidentified", unid);
		json_object_set_new(v, "funds_overdue", overdue);
		json_object_set_new(v, "disbursements_awaiting_approval", awaiting);
	}
done:
	if (rc) {
		json_decref(v);
		return rc;
	}
	*out = v;
	return OK;
}

/* ---- supervision ---- */
/* The row of a unit in the supervision table (created with zeros on first use). */
static json_t *sup_row(json_t *units, const char *id)
{
	json_t *r = json_object_get(units, id);
	if (r)
		return r;
	const org_unit *u = org_unit_find(id);
	r = json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "unit_id", id, "unit_name", u ? u->name : id,
	              "kind", u ? u->kind : "", "assist_pending", (json_int_t)0, "assist_overdue", (json_int_t)0,
	              "orders_active", (json_int_t)0, "listings_live", (json_int_t)0, "funds_unidentified_n",
	              (json_int_t)0, "funds_unidentified_amount", (json_int_t)0, "funds_overdue_n", (json_int_t)0,
	              "funds_overdue_amount", (json_int_t)0);
	json_object_set_new(units, id, r ? r : json_object());
	return json_object_get(units, id);
}

int enforce_supervision(store *db, const char *area_code, arena *a, json_t **out, err *e)
{
	char today[11];
	legal_today(today);
	store_enforce_count *c;
	store_ledger_court_summary *ls;
	size_t nc, nl;
	store_assist_item *late;
	size_t nlate;
	int64_t late_total;
	json_t *stats = NULL;
	int rc = store_enforce_counts(db, area_code, today, a, &c, &nc, e);
	if (rc || (rc = store_ledger_summaries(db, area_code, NULL, today, NULL, NULL, a, &ls, &nl, e)) ||
	    (rc = store_assist_item_overdue(db, NULL, area_code, today, 100, a, &late, &nlate, &late_total, e)) ||
	    (rc = assist_stats_json(db, area_code, NULL, NULL, NULL, a, &stats, e)))
		return rc;
	/* the overdue items themselves, oldest due first, so the committee can name what is late and
	 * where (ID numbers masked: supervision reads, it does not look people up) */
	json_t *over = json_array();
	for (size_t i = 0; over && i < nlate; i++)
		json_array_append_new(over, assist_item_json(&late[i], today, 0));
	json_t *units = json_object(), *rows = json_array();
	json_t *tot = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "assist_pending", (json_int_t)0, "assist_overdue",
	                        (json_int_t)0, "orders_active", (json_int_t)0, "listings_live", (json_int_t)0,
	                        "funds_unidentified_n", (json_int_t)0, "funds_unidentified_amount", (json_int_t)0,
	                        "funds_overdue_n", (json_int_t)0, "funds_overdue_amount", (json_int_t)0);
	if (!units || !rows || !tot || !over) {
		json_decref(units);
		json_decref(rows);
		json_decref(tot);
		json_decref(stats);
		json_decref(over);
		return nomem(e);
	}
	for (size_t i = 0; i < nc; i++) {
		json_t *r = sup_row(units, c[i].unit_id);
		json_object_set_new(r, "assist_pending", json_integer(c[i].assist_pending));
		json_object_set_new(r, "assist_overdue", json_integer(c[i].assist_overdue));
		json_object_set_new(r, "orders_active", json_integer(c[i].orders_active));
		json_object_set_new(r, "listings_live", json_integer(c[i].listings_live));
	}
	for (size_t i = 0; i < nl; i++) {
		json_t *r = sup_row(units, ls[i].court_unit_id);
		json_object_set_new(r, "funds_unidentified_n", json_integer(ls[i].unidentified_n));
		json_object_set_new(r, "funds_unidentified_amount", json_integer(ls[i].unidentified_amount));
		json_object_set_new(r, "funds_overdue_n", json_integer(ls[i].overdue_n));
		json_object_set_new(r, "funds_overdue_amount", json_integer(ls[i].overdue_amount));
	}
	const char *k;
	json_t *r;
	static const char *const keys[] = { "assist_pending",  "assist_overdue",       "orders_active",
		                            "listings_live",   "funds_unidentified_n", "funds_unidentified_amount",
		                            "funds_overdue_n", "funds_overdue_amount" };
	json_object_foreach(units, k, r)
	{
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			json_object_set_new(tot, keys[i],
			                    json_integer(json_integer_value(json_object_get(tot, keys[i])) +
			                                 json_integer_value(json_object_get(r, keys[i]))));
		json_array_append(rows, r);
	}
	json_decref(units);
	*out = json_pack("{s:s,s:s,s:o,s:o,s:o,s:{s:o,s:I}}", "area_code", area_code ? area_code : "150000", "today",
	                 today, "units", rows, "totals", tot, "assistance_response", stats, "assistance_overdue",
	                 "items", over, "total", (json_int_t)late_total);
	return *out ? OK : nomem(e);
}

/* ---- metrics ---- */
/* The closing steps (flow.c) and what each counts towards, by /work/shared/domain/README.md ("Court
 * quality metrics"): 执行完毕率 counts 执行完毕; 实际执行率 counts 执行完毕 (by compulsory enforcement
 * or voluntary performance) and a performed settlement. */
static const struct {
	const char *event_type;
	int completed, actual;
} closings[] = {
	{ "matter.close_enforced", 1, 1 },
	{ "matter.close_settled", 0, 1 },
	{ "matter.close_no_assets", 0, 0 },
	{ "matter.close_terminated", 0, 0 },
};
#define N_CLOSINGS (sizeof closings / sizeof closings[0])

typedef struct court_metrics {
	const char *court_id;
	int64_t accepted, closed, by_closing[N_CLOSINGS], compulsory, voluntary, actual, closed_applied,
	        closed_recovered, closed_without_amount, days_sum, days_n;
	int64_t received, disbursed, refunded, overdue_n, overdue_amount, unidentified_n, unidentified_amount;
} court_metrics;

static court_metrics *metrics_for(court_metrics *m, size_t *n, size_t cap, const char *court_id)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(m[i].court_id, court_id))
			return &m[i];
	if (*n >= cap)
		return NULL;
	memset(&m[*n], 0, sizeof m[*n]);
	m[*n].court_id = court_id;
	return &m[(*n)++];
}

static int court_in_scope(const org_unit *court, const char *area_code, const char *court_unit_id)
{
	if (!court || strcmp(court->kind, "court"))
		return 0;
	if (court_unit_id)
		return !strcmp(court->id, court_unit_id);
	return !area_code || org_area_within(court->area_code, area_code);
}

/* The courts' rows of one metrics request and, per acting unit, the row its events count towards:
 * the events name their unit, and resolving a unit to its court and the court to the scope costs a
 * few searches of the unit and area tables, so each unit is resolved once (a region's metrics read
 * over a million events of a few hundred units). */
#define UNIT_MEMO 2048 /* a power of two, well above the number of units */
typedef struct metrics_rows {
	court_metrics *m;
	size_t n, cap;
	const char *area_code, *court_unit_id;
	struct {
		const char *unit_id;
		int row; /* index in m, or -1: not a court in scope */
	} memo[UNIT_MEMO];
} metrics_rows;

static court_metrics *metrics_resolve_unit(metrics_rows *x, const char *unit_id)
{
	const org_unit *c = enforce_top_unit(unit_id);
	return court_in_scope(c, x->area_code, x->court_unit_id) ? metrics_for(x->m, &x->n, x->cap, c->id) : NULL;
}

static court_metrics *metrics_of_unit(metrics_rows *x, const char *unit_id)
{
	if (!unit_id)
		return NULL;
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)unit_id; *p; p++)
		h = (h ^ *p) * 16777619u;
	for (size_t step = 0; step < UNIT_MEMO; step++) {
		size_t i = (h + step) & (UNIT_MEMO - 1);
		if (x->memo[i].unit_id && strcmp(x->memo[i].unit_id, unit_id))
			continue;
		if (x->memo[i].unit_id)
			return x->memo[i].row < 0 ? NULL : &x->m[x->memo[i].row];
		court_metrics *cm = metrics_resolve_unit(x, unit_id);
		x->memo[i].unit_id = unit_id;
		x->memo[i].row = cm ? (int)(cm - x->m) : -1;
		return cm;
	}
	return metrics_resolve_unit(x, unit_id); /* the memo is full: more units than it was made for */
}

static void add_metrics(court_metrics *t, const court_metrics *m)
{
	t->accepted += m->accepted;
	t->closed += m->closed;
	for (size_t k = 0; k < N_CLOSINGS; k++)
		t->by_closing[k] += m->by_closing[k];
	t->compulsory += m->compulsory;
	t->voluntary += m->voluntary;
	t->actual += m->actual;
	t->closed_applied += m->closed_applied;
	t->closed_recovered += m->closed_recovered;
	t->closed_without_amount += m->closed_without_amount;
	t->days_sum += m->days_sum;
	t->days_n += m->days_n;
	t->received += m->received;
	t->disbursed += m->disbursed;
	t->refunded += m->refunded;
	t->overdue_n += m->overdue_n;
	t->overdue_amount += m->overdue_amount;
	t->unidentified_n += m->unidentified_n;
	t->unidentified_amount += m->unidentified_amount;
}

/* A ratio, or null when there is nothing to divide by (no closed case is not a rate of 0). */
static json_t *ratio(int64_t num, int64_t den)
{
	return den ? json_real((double)num / (double)den) : json_null();
}

static json_t *metrics_json(const court_metrics *m, const char *name)
{
	json_t *j = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "court_unit_id", m->court_id, "court_name",
	                      name, "accepted", (json_int_t)m->accepted, "closed", (json_int_t)m->closed,
	                      "closed_enforced", (json_int_t)m->by_closing[0], "closed_enforced_compulsory",
	                      (json_int_t)m->compulsory, "closed_enforced_voluntary", (json_int_t)m->voluntary,
	                      "closed_settled", (json_int_t)m->by_closing[1], "closed_no_assets",
	                      (json_int_t)m->by_closing[2], "closed_terminated", (json_int_t)m->by_closing[3]);
	if (!j)
		return NULL;
	json_object_set_new(j, "completion_rate", ratio(m->by_closing[0], m->closed));
	json_object_set_new(j, "actual_enforcement_rate", ratio(m->actual, m->closed));
	json_object_set_new(j, "recovery_rate", ratio(m->closed_recovered, m->closed_applied));
	json_object_set_new(j, "amount_applied_closed", json_integer(m->closed_applied));
	json_object_set_new(j, "amount_recovered_closed", json_integer(m->closed_recovered));
	json_object_set_new(j, "closed_without_amount", json_integer(m->closed_without_amount));
	json_object_set_new(j, "avg_days_to_close",
	                    m->days_n ? json_real((double)m->days_sum / (double)m->days_n) : json_null());
	json_object_set_new(j, "funds_received", json_integer(m->received));
	json_object_set_new(j, "funds_disbursed", json_integer(m->disbursed));
	json_object_set_new(j, "fees_refunded", json_integer(m->refunded));
	json_object_set_new(j, "funds_overdue_n", json_integer(m->overdue_n));
	json_object_set_new(j, "funds_overdue_amount", json_integer(m->overdue_amount));
	json_object_set_new(j, "funds_unidentified_n", json_integer(m->unidentified_n));
	json_object_set_new(j, "funds_unidentified_amount", json_integer(m->unidentified_amount));
	return j;
}

/* What one seek of a matter's account costs in rows of a pass over all of them (measured at a million
 * matters: 0.56 µs a seek, 0.15 µs a row; docs/benchmarks.md). */
#define METRICS_SEEK_ROWS 4

int enforce_metrics(store *db, const char *area_code, const char *court_unit_id, const char *from, const char *to,
                    arena *a, json_t **out, err *e)
{
	static const char *const accept_types[] = { "matter.filed", "matter.apply_enforcement" };
	const char *close_types[N_CLOSINGS];
	for (size_t k = 0; k < N_CLOSINGS; k++)
		close_types[k] = closings[k].event_type;
	store_enforce_event *acc, *cls;
	store_ledger_court_summary *ls;
	size_t nacc, ncls, nl;
	char today[11];
	legal_today(today);
	int rc = store_read_begin(db, e);
	if (rc)
		return rc;
	/* acceptances of all time (a case closed in the period may have been accepted before it) */
	if ((rc = store_enforce_events(db, accept_types, 2, NULL, NULL, a, &acc, &nacc, e)) ||
	    (rc = store_enforce_events(db, close_types, N_CLOSINGS, from, to, a, &cls, &ncls, e)) ||
	    (rc = store_ledger_summaries(db, area_code, court_unit_id, today, from, to, a, &ls, &nl, e)))
		goto done;
	metrics_rows *x = arena_alloc(a, sizeof *x);
	court_metrics *m = x ? arena_alloc(a, (64 + nl) * sizeof *m) : NULL;
	if (!m) {
		rc = nomem(e);
		goto done;
	}
	memset(x, 0, sizeof *x);
	x->m = m;
	x->cap = 64 + nl;
	x->area_code = area_code;
	x->court_unit_id = court_unit_id;
	/* acceptances: filed as enforcement, or applied for enforcement (the store keeps only those) */
	for (size_t i = 0; i < nacc; i++) {
		if ((from && strcmp(acc[i].on, from) < 0) || (to && strcmp(acc[i].on, to) > 0))
			continue;
		court_metrics *cm = metrics_of_unit(x, acc[i].unit_id);
		if (cm)
			cm->accepted++;
	}
	/* the closed cases' accounts: a seek each, or one pass over every matter's account when the closings
	 * in scope are many against the accounts, which the acceptances stand for (an account is opened for
	 * an accepted case) */
	size_t in_scope = 0, j = 0, nam = 0;
	for (size_t i = 0; i < ncls; i++)
		in_scope += metrics_of_unit(x, cls[i].unit_id) != NULL;
	store_matter_amounts *am = NULL;
	int one_pass = in_scope * METRICS_SEEK_ROWS >= nacc;
	if (one_pass && (rc = store_ledger_matter_amounts_all(db, a, &am, &nam, e)))
		goto done;
	for (size_t i = 0; i < ncls; i++) {
		court_metrics *cm = metrics_of_unit(x, cls[i].unit_id);
		if (!cm)
			continue;
		size_t k = 0;
		while (k < N_CLOSINGS && strcmp(closings[k].event_type, cls[i].event_type))
			k++;
		if (k == N_CLOSINGS)
			continue;
		cm->closed++;
		cm->by_closing[k]++;
		cm->actual += closings[k].actual;
		/* 执行完毕 closed before the manner was recorded counts as 执行完毕 all the same */
		if (closings[k].completed && cls[i].manner && !strcmp(cls[i].manner, "compulsory"))
			cm->compulsory++;
		else if (closings[k].completed && cls[i].manner && !strcmp(cls[i].manner, "voluntary"))
			cm->voluntary++;
		/* 执行到位率 over the closed cases whose amount applied for is known (the matter's account) */
		int64_t applied = -1, received = 0;
		if (one_pass) {
			while (j < nam && am[j].matter_id < cls[i].matter_id) /* both ordered by matter */
				j++;
			if (j < nam && am[j].matter_id == cls[i].matter_id) {
				applied = am[j].applied;
				received = am[j].credited; /* only receipts and matches credit it */
			}
		} else if ((rc = ledger_matter_performance(db, cls[i].matter_id, &applied, &received, e))) {
			goto done;
		}
		if (applied > 0) {
			cm->closed_applied += applied;
			cm->closed_recovered += received < applied ? received : applied;
		} else {
			cm->closed_without_amount++;
		}
		/* days from acceptance (the latest before closing) to closing; acceptances are sorted by
		 * matter, so a binary search finds the matter's */
		const char *accepted = NULL;
		size_t lo = 0, hi = nacc;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (acc[mid].matter_id < cls[i].matter_id)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t q = lo; q < nacc && acc[q].matter_id == cls[i].matter_id; q++)
			if (strcmp(acc[q].on, cls[i].on) <= 0)
				accepted = acc[q].on;
		cal_date d0, d1;
		if (accepted && cal_date_parse(accepted, NULL, &d0, NULL) == OK &&
		    cal_date_parse(cls[i].on, NULL, &d1, NULL) == OK) {
			cm->days_sum += cal_days_between(d0, d1);
			cm->days_n++;
		}
	}
	for (size_t i = 0; i < nl; i++) {
		const org_unit *c = org_unit_find(ls[i].court_unit_id);
		if (!court_in_scope(c, area_code, court_unit_id))
			continue;
		court_metrics *cm = metrics_for(m, &x->n, x->cap, c->id);
		if (!cm)
			continue;
		cm->received = ls[i].received;
		cm->disbursed = ls[i].disbursed;
		cm->refunded = ls[i].refunded;
		cm->overdue_n = ls[i].overdue_n;
		cm->overdue_amount = ls[i].overdue_amount;
		cm->unidentified_n = ls[i].unidentified_n;
		cm->unidentified_amount = ls[i].unidentified_amount;
	}
	court_metrics total = { .court_id = "total" };
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < x->n; i++) {
		const org_unit *c = org_unit_find(m[i].court_id);
		json_array_append_new(rows, metrics_json(&m[i], c ? c->name : m[i].court_id));
		add_metrics(&total, &m[i]);
	}
	json_t *tj = metrics_json(&total, "合计");
	*out = json_pack("{s:s?,s:s?,s:s?,s:s?,s:o,s:o,s:s}", "area_code", area_code, "court_unit_id", court_unit_id,
	                 "from", from, "to", to, "courts", rows ? rows : json_array(), "totals",
	                 tj ? tj : json_object(), "definitions",
	                 "执行完毕率 = 以“执行完毕”方式结案数 ÷ 结案数；"
	                 "实际执行率 = （执行完毕〔强制执行或自动履行〕+ 执行和解履行完毕）结案数 ÷ 结案数；"
	                 "执行到位率 = 结案案件实际到位金额 ÷ 申请执行标的额，以案款账户登记的申请执行标的额为准，"
	                 "未登记标的额的结案案件不计入（另列件数）；到位金额以标的额为限；"
	                 "平均结案天数 = 立案（或申请执行）至结案的自然日；结案方式和日期均取自案件事件；"
	                 "案款数据按入账日期统计。各院数据按院排列，不作排名。");
	if (!*out)
		rc = nomem(e);
done:
	store_read_end(db);
	return rc;
}

/* ---- event labels (a matter's history shows them) ---- */
static const struct {
	const char *type, *label;
} event_labels[] = {
	{ "assist.requested", "发出协查请求" },
	{ "assist.answered", "公安机关答复协查" },
	{ "control.issued", "发出强制措施决定" },
	{ "control.revoked", "解除强制措施" },
	{ "control.expired", "强制措施期限届满" },
	{ "debtor.listed", "纳入失信被执行人名单" },
	{ "debtor.notified", "告知被执行人纳入失信名单" },
	{ "debtor.published", "失信信息公布" },
	{ "debtor.expired", "失信名单纳入期限届满" },
	{ "debtor.removed", "删除失信信息" },
	{ "ledger.account_opened", "开立案款账户" },
	{ "ledger.account_updated", "变更申请执行标的额" },
	{ "ledger.received", "案款到账" },
	{ "ledger.received_unidentified", "不明款到账" },
	{ "ledger.matched", "不明款认领入案" },
	{ "ledger.disbursement_requested", "申请发放案款" },
	{ "ledger.disbursement_posted", "案款发放（已审批）" },
	{ "ledger.disbursement_refused", "案款发放未获批准" },
	{ "query_code.issued", "发放查询码" },
	{ "query_code.used", "使用查询码" },
	{ "person.looked_up", "查询个人信息" },
};

const char *enforce_event_label(const char *event_type)
{
	for (size_t i = 0; event_type && i < sizeof event_labels / sizeof event_labels[0]; i++)
		if (!strcmp(event_labels[i].type, event_type))
			return event_labels[i].label;
	return NULL;
}

/* ---- the conditions of closing steps ---- */
enum { PRE_MONTHS_FROM_FILING, PRE_CONSUMPTION_ORDER, PRE_ASSIST_ANSWERED };

/* 法〔2016〕373号 (最高人民法院关于严格规范终结本次执行程序的规定（试行）) art. 1: each condition the
 * platform can see, with its item. The others (notices, the asset report order, searches outside the
 * platform) stay with the judge. */
static const struct {
	const char *set;
	int check, n;
	const char *field, *item, *missing;
} preconditions[] = {
	{ "no_assets", PRE_MONTHS_FROM_FILING, 3, "filed_on", "第四项", "自立案之日起未满三个月" },
	{ "no_assets", PRE_CONSUMPTION_ORDER, 1, "control_orders", "第二项", "未发出限制消费令" },
	{ "no_assets", PRE_ASSIST_ANSWERED, 1, "assistance_requests", "第三项", "没有已答复的协查（财产调查）" },
};
#define PRECONDITION_BASIS "法〔2016〕373号第一条"

int enforce_close_check(store *db, int64_t matter_id, const char *precondition, const char *today, arena *a, err *e)
{
	enforce_matter em;
	int64_t orders = 0, answered = 0;
	int rc = enforce_matter_load(db, matter_id, a, &em, e);
	if (rc || (rc = store_enforce_matter_facts(db, matter_id, &orders, &answered, e)))
		return rc;
	char msg[ERR_MESSAGE_MAX];
	const char *first = NULL;
	size_t o = 0;
	msg[0] = 0;
	for (size_t i = 0; i < sizeof preconditions / sizeof preconditions[0]; i++) {
		if (strcmp(preconditions[i].set, precondition))
			continue;
		int ok = 0;
		char detail[80] = "";
		if (preconditions[i].check == PRE_MONTHS_FROM_FILING) {
			cal_date d;
			char from[11];
			if (cal_date_parse(em.filed_on, NULL, &d, NULL) != OK)
				return err_set(e, E_INTEGRITY, "filed_on", "立案日期无效：%s", em.filed_on);
			legal_format(cal_date_add_months(d, preconditions[i].n, 0), from);
			ok = strcmp(today, from) >= 0;
			snprintf(detail, sizeof detail, "（%s 立案，%s 起方可）", em.filed_on, from);
		} else if (preconditions[i].check == PRE_CONSUMPTION_ORDER) {
			ok = orders >= preconditions[i].n;
		} else {
			ok = answered >= preconditions[i].n;
		}
		if (ok)
			continue;
		if (!first)
			first = preconditions[i].field;
		if (o < sizeof msg)
			o += (size_t)snprintf(msg + o, sizeof msg - o, "%s%s%s，%s", o ? "；" : "",
			                      preconditions[i].missing, detail, preconditions[i].item);
	}
	if (!first)
		return OK;
	return err_set(e, E_CONFLICT, first, "不符合终结本次执行的条件（" PRECONDITION_BASIS "）：%s", msg);
}

/* ---- the sweep ---- */
static int sweep_order(store *db, const store_control_order *o, err *e)
{
	char now[32], sid[24], ended[11];
	util_now_iso(now, sizeof now);
	enforce_add_days(o->valid_to, 1, ended);
	snprintf(sid, sizeof sid, "%lld", (long long)o->id);
	json_t *p = json_pack("{s:I,s:s,s:s,s:s}", "matter_id", (json_int_t)o->matter_id, "kind", o->kind, "valid_to",
	                      o->valid_to, "ended_on", ended);
	if (!p)
		return nomem(e);
	int rc = store_tx_begin(db, e);
	if (rc == OK && (rc = store_control_order_mark_expired(db, o->id, now, e)) == OK &&
	    (rc = audit_record(db, principal_system(), "control_order", sid, "control.expired", p, NULL, e)) == OK)
		rc = store_tx_commit(db, e);
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	return rc;
}

static int sweep_listing(store *db, const store_listing *l, int publication, err *e)
{
	char now[32], sid[24], ended[11] = "";
	util_now_iso(now, sizeof now);
	if (!publication)
		enforce_add_days(l->expires_on, 1, ended);
	snprintf(sid, sizeof sid, "%lld", (long long)l->id);
	json_t *p = publication ? json_pack("{s:I,s:s,s:s?}", "matter_id", (json_int_t)l->matter_id, "publish_on",
	                                    l->publish_on, "notified_on", l->notified_on)
	                        : json_pack("{s:I,s:s,s:s}", "matter_id", (json_int_t)l->matter_id, "expires_on",
	                                    l->expires_on, "ended_on", ended);
	if (!p)
		return nomem(e);
	int rc = store_tx_begin(db, e);
	if (rc == OK && (rc = store_listing_mark_swept(db, l->id, publication, now, e)) == OK &&
	    (rc = audit_record(db, principal_system(), "debtor_listing", sid,
	                       publication ? "debtor.published" : "debtor.expired", p, NULL, e)) == OK)
		rc = store_tx_commit(db, e);
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	return rc;
}

int enforce_sweep(store *db, const char *today, enforce_sweep_result *out, err *e)
{
	int rc = OK;
	memset(out, 0, sizeof *out);
	cal_date d;
	if ((rc = cal_date_parse(today, "today", &d, e)))
		return rc;
	/* in batches, until nothing is left; a row another sweep recorded first is skipped (E_CONFLICT) */
	for (int pass = 0; pass < 3 && rc == OK; pass++) {
		for (;;) {
			arena *a = arena_new();
			size_t n = 0, done = 0;
			if (!a)
				return nomem(e);
			if (pass == 0) {
				store_control_order *v;
				if ((rc = store_control_order_to_expire(db, today, 200, a, &v, &n, e)) == OK)
					for (size_t i = 0; i < n && rc == OK; i++) {
						err ie = { 0 };
						int r = sweep_order(db, &v[i], &ie);
						if (r == OK)
							out->orders_expired++, done++;
						else if (r != E_CONFLICT)
							rc = err_set(e, r, ie.field, "%s", ie.message);
					}
			} else {
				store_listing *v;
				int publication = pass == 2;
				if ((rc = store_listing_to_sweep(db, publication, today, 200, a, &v, &n, e)) == OK)
					for (size_t i = 0; i < n && rc == OK; i++) {
						err ie = { 0 };
						int r = sweep_listing(db, &v[i], publication, &ie);
						if (r == OK) {
							done++;
							if (publication)
								out->listings_published++;
							else
								out->listings_expired++;
						} else if (r != E_CONFLICT) {
							rc = err_set(e, r, ie.field, "%s", ie.message);
						}
					}
			}
			arena_free(a);
			if (rc || n < 200 || !done)
				break;
		}
	}
	if (rc == OK && (out->orders_expired || out->listings_expired || out->listings_published))
		log_event(LOG_INFO, "enforce_sweep",
		          "today=%s orders_expired=%d listings_expired=%d listings_published=%d", today,
		          out->orders_expired, out->listings_expired, out->listings_published);
	return rc;
}

/* ---- the background sweeper (like the tree-head signer in tlog.c) ---- */
static pthread_t sweeper;
static int sweeper_running, sweeper_stop_flag, sweeper_interval;
static pthread_mutex_t sweeper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sweeper_cond = PTHREAD_COND_INITIALIZER;
static char sweeper_db[700];

static void *sweeper_main(void *arg)
{
	(void)arg;
	store *db = NULL;
	err e = { 0 };
	if (store_open(sweeper_db, &db, &e)) {
		log_event(LOG_ERROR, "enforce_sweep", "msg=\"%s\"", e.message);
		return NULL;
	}
	pthread_mutex_lock(&sweeper_lock);
	while (!sweeper_stop_flag) {
		pthread_mutex_unlock(&sweeper_lock);
		char today[11];
		enforce_sweep_result r;
		err se = { 0 };
		legal_today(today);
		if (enforce_sweep(db, today, &r, &se) != OK)
			log_event(LOG_WARN, "enforce_sweep", "msg=\"%s\"", se.message);
		pthread_mutex_lock(&sweeper_lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += sweeper_interval;
		while (!sweeper_stop_flag && pthread_cond_timedwait(&sweeper_cond, &sweeper_lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&sweeper_lock);
	store_close(db);
	return NULL;
}

int enforce_sweeper_start(const char *db_path, int interval_seconds, err *e)
{
	util_strlcpy(sweeper_db, db_path, sizeof sweeper_db);
	sweeper_interval = interval_seconds > 0 ? interval_seconds : 3600;
	sweeper_stop_flag = 0;
	if (pthread_create(&sweeper, NULL, sweeper_main, NULL) != 0)
		return err_set(e, E_INTERNAL, NULL, "cannot start the enforcement sweeper");
	sweeper_running = 1;
	return OK;
}

void enforce_sweeper_stop(void)
{
	if (!sweeper_running)
		return;
	pthread_mutex_lock(&sweeper_lock);
	sweeper_stop_flag = 1;
	pthread_cond_signal(&sweeper_cond);
	pthread_mutex_unlock(&sweeper_lock);
	pthread_join(sweeper, NULL);
	sweeper_running = 0;
}
