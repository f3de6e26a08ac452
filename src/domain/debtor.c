/*
 * debtor.c - the dishonest-debtor list: listing, notice and publication, removal, the public query and
 * the restriction check. See debtor.h.
 */
#include "domain/debtor.h"

#include "core/log.h"
#include "core/util.h"
#include "domain/audit.h"
#include "domain/control.h"
#include "domain/ident.h"
#include "domain/ledger.h"
#include "domain/legal.h"

#include <stdio.h>
#include <string.h>

#define PROVINCE "内蒙古自治区"

/* 法释〔2017〕7号 art. 1 (grounds), art. 2 (terms). */
const debtor_ground debtor_grounds[DEBTOR_GROUNDS] = {
	{ "refuses_despite_ability", "有履行能力而拒不履行生效法律文书确定义务", "法释〔2017〕7号第一条第一项", 0 },
	{ "obstructs_by_violence", "以伪造证据、暴力、威胁等方法妨碍、抗拒执行", "法释〔2017〕7号第一条第二项", 1 },
	{ "evades_by_sham", "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行", "法释〔2017〕7号第一条第三项",
	  1 },
	{ "breaches_asset_report", "违反财产报告制度", "法释〔2017〕7号第一条第四项", 1 },
	{ "breaches_consumption_restriction", "违反限制消费令", "法释〔2017〕7号第一条第五项", 1 },
	{ "breaches_settlement", "无正当理由拒不履行执行和解协议", "法释〔2017〕7号第一条第六项", 1 },
};

const debtor_ground *debtor_ground_find(const char *code)
{
	for (int i = 0; code && i < DEBTOR_GROUNDS; i++)
		if (!strcmp(debtor_grounds[i].code, code))
			return &debtor_grounds[i];
	return NULL;
}

/* 法释〔2015〕17号 art. 3 (consumption), CivPL art. 266 (exit). */
static const struct {
	const char *name, *label;
	int exit; /* 1: only an exit restriction order restricts it */
} restrictions[] = {
	{ "flights", "乘坐飞机", 0 },
	{ "soft_sleeper", "乘坐列车软卧、轮船二等以上舱位", 0 },
	{ "high_speed_rail", "乘坐G字头动车组列车全部座位、其他动车组列车一等以上座位", 0 },
	{ "star_hotels", "在星级以上宾馆、酒店、夜总会、高尔夫球场等场所高消费", 0 },
	{ "property_purchase", "购买不动产或者新建、扩建、高档装修房屋", 0 },
	{ "office_rent", "租赁高档写字楼、宾馆、公寓等场所办公", 0 },
	{ "vehicles", "购买非经营必需车辆", 0 },
	{ "tourism", "旅游、度假", 0 },
	{ "private_schools", "子女就读高收费私立学校", 0 },
	{ "insurance", "支付高额保费购买保险理财产品", 0 },
	{ "exit", "出境", 1 },
};
#define N_RESTRICTIONS (sizeof restrictions / sizeof restrictions[0])
const char *const debtor_restriction_names[] = {
	"flights", "soft_sleeper",    "high_speed_rail", "star_hotels", "property_purchase", "office_rent", "vehicles",
	"tourism", "private_schools", "insurance",       "exit"
};
const size_t debtor_n_restrictions = N_RESTRICTIONS;

static int nomem(err *e)
{
	return err_set(e, E_NOMEM, NULL, "out of memory");
}

static int record(store *db, const principal *who, int64_t id, const char *type, json_t *p, err *e)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	return audit_record(db, who, "debtor_listing", sid, type, p, NULL, e);
}

static const char *mask(const char *id_type, const char *id, char *buf, size_t cap)
{
	if (!strcmp(id_type, "credit_code"))
		ident_mask_credit_code(id, buf, cap);
	else
		ident_mask_id(id, buf, cap);
	return buf;
}

static int text_ok(const char *s, size_t lo, size_t hi)
{
	return s && util_utf8_len(s) >= lo && util_utf8_len(s) <= hi;
}

/* Remove one listing in the caller's transaction, with its event. */
static int remove_listing(store *db, const principal *who, const store_listing *l, const char *on, const char *reason,
                          const char *note, err *e)
{
	char now[32];
	util_now_iso(now, sizeof now);
	json_t *p = json_object();
	if (!p)
		return nomem(e);
	int rc = store_listing_remove(db, l->id, on, reason, note, now, who->user_id, e);
	if (rc == OK &&
	    (audit_change_str(p, "status", l->status, "removed") || audit_change_str(p, "removed_on", NULL, on) ||
	     audit_change_str(p, "removal_reason", NULL, reason) ||
	     (note && audit_change_str(p, "removal_note", NULL, note)) ||
	     json_object_set_new(p, "matter_id", json_integer(l->matter_id))))
		rc = nomem(e);
	if (rc == OK)
		rc = record(db, who, l->id, "debtor.removed", p, e);
	json_decref(p);
	return rc;
}

int debtor_list(store *db, const principal *who, const debtor_listing_new *in, int64_t *out_id, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	json_t *p = json_object();
	char today[11], decided[11], now[32], expires[11] = "";
	if (!a || !p) {
		rc = nomem(e);
		goto done;
	}
	legal_today(today);
	util_now_iso(now, sizeof now);
	const debtor_ground *g = debtor_ground_find(in->ground);
	if (!g) {
		rc = err_set(e, E_INVALID, "ground",
		             "纳入事由应为法释〔2017〕7号第一条六项之一：refuses_despite_ability、"
		             "obstructs_by_violence、evades_by_sham、breaches_asset_report、"
		             "breaches_consumption_restriction、breaches_settlement");
		goto done;
	}
	if (!text_ok(in->conduct, 2, 500)) {
		rc = err_set(e, E_INVALID, "conduct", "请写明失信行为的具体情形（2 到 500 字）");
		goto done;
	}
	if (!text_ok(in->obligation, 2, 500)) {
		rc = err_set(e, E_INVALID, "obligation", "请写明生效法律文书确定的义务（2 到 500 字）");
		goto done;
	}
	if (!text_ok(in->source_doc_number, 4, 120) || !text_ok(in->source_doc_issuer, 2, 120)) {
		rc = err_set(e, !text_ok(in->source_doc_number, 4, 120) ? E_INVALID : E_INVALID,
		             !text_ok(in->source_doc_number, 4, 120) ? "source_doc_number" : "source_doc_issuer",
		             "请填写执行依据文号及作出执行依据的单位");
		goto done;
	}
	if (in->extra_years < 0 || in->extra_years > 3) {
		rc = err_set(e, E_INVALID, "extra_years", "延长期限为一至三年（法释〔2017〕7号第二条）");
		goto done;
	}
	if (in->extra_years && !g->fixed_term) {
		rc = err_set(e, E_INVALID, "extra_years",
		             "以“有履行能力而拒不履行”纳入的没有固定期限，履行后删除，不适用延长");
		goto done;
	}
	if (in->extra_years && !text_ok(in->extra_reason, 2, 300)) {
		rc = err_set(e, E_INVALID, "extra_reason",
		             "延长纳入期限须写明理由：以暴力、威胁方法妨碍、抗拒执行情节严重或具有多项失信行为");
		goto done;
	}
	if ((rc = enforce_day(in->decided_on, "decided_on", decided, e)))
		goto done;
	cal_date dd;
	cal_date_parse(decided, NULL, &dd, NULL);
	int years = g->fixed_term ? 2 + in->extra_years : -1;
	if (years > 0)
		legal_format(cal_date_add_days(cal_date_add_months(dd, 12 * years, 0), -1), expires);
	if ((rc = store_tx_begin(db, e)))
		goto done;
	enforce_matter em;
	store_party *parties;
	size_t np, i = 0;
	if ((rc = enforce_matter_active(db, in->matter_id, a, &em, e)) ||
	    (rc = store_party_list(db, in->matter_id, a, &parties, &np, e)))
		goto done;
	while (i < np && parties[i].id != in->party_id)
		i++;
	if (i == np || strcmp(parties[i].role, "debtor")) {
		rc = err_set(e, E_INVALID, "party_id", "party_id 应为本案的被执行人");
		goto done;
	}
	const store_party *pt = &parties[i];
	store_listing l = { .matter_id = in->matter_id,
		            .court_unit_id = em.court->id,
		            .party_id = pt->id,
		            .subject_type = pt->type,
		            .name = pt->name,
		            .id_type = pt->id_type,
		            .id_number = pt->id_number,
		            .age = -1,
		            .years = years,
		            .court_name = em.court->name,
		            .province = PROVINCE,
		            .case_number = em.case_number,
		            .filed_on = em.filed_on,
		            .source_doc_number = in->source_doc_number,
		            .source_doc_issuer = in->source_doc_issuer,
		            .obligation = in->obligation,
		            .ground = g->code,
		            .conduct = in->conduct,
		            .decided_on = decided,
		            .expires_on = expires[0] ? expires : NULL,
		            .created_at = now,
		            .created_by = who->user_id };
	if (!strcmp(pt->type, "person")) {
		ident_person ip;
		if (!pt->id_type || strcmp(pt->id_type, "resident_id") ||
		    ident_resident_id_check(pt->id_number, "party_id", &ip, NULL) != OK) {
			rc = err_set(e, E_CONFLICT, "party_id",
			             "纳入失信名单须以居民身份证号核验年龄，该被执行人没有有效的居民身份证号");
			goto done;
		}
		/* 法释〔2017〕7号 art. 4: minors are never listed; the age is the one on the decision day */
		if (ident_is_minor_at(ip.birth, dd)) {
			rc = err_set(e, E_CONFLICT, "party_id",
			             "被执行人在 %s 为未成年人，不得纳入失信被执行人名单（法释〔2017〕7号第四条）",
			             decided);
			goto done;
		}
		l.age = ident_age_at(ip.birth, dd);
		l.sex = ip.sex == 'M' ? "男" : "女";
	} else {
		if (!pt->id_type || strcmp(pt->id_type, "credit_code")) {
			rc = err_set(e, E_CONFLICT, "party_id", "单位纳入失信名单须有统一社会信用代码");
			goto done;
		}
		if (!text_ok(in->legal_representative, 2, 50)) {
			rc = err_set(e, E_INVALID, "legal_representative", "单位须填写法定代表人或负责人姓名");
			goto done;
		}
		l.legal_representative = in->legal_representative;
	}
	int64_t applied, received;
	if ((rc = ledger_matter_performance(db, in->matter_id, &applied, &received, e)))
		goto done;
	if (applied > 0 && received >= applied) {
		rc = err_set(e, E_CONFLICT, "matter_id", "本案款项已全部到账，被执行人已履行义务，不应纳入失信名单");
		goto done;
	}
	/* an earlier listing of the same debtor in this matter that has run out ends now, with its event */
	store_listing *prev;
	size_t nprev;
	int64_t total;
	store_listing_query pq = { .matter_id = in->matter_id, .status = "listed", .limit = 100 };
	if ((rc = store_listing_list(db, &pq, a, &prev, &nprev, &total, e)))
		goto done;
	for (size_t k = 0; k < nprev; k++) {
		if (prev[k].party_id != pt->id)
			continue;
		if (prev[k].expires_on && strcmp(prev[k].expires_on, today) < 0) {
			char ended[11];
			enforce_add_days(prev[k].expires_on, 1, ended);
			if ((rc = remove_listing(db, who, &prev[k], ended, "expired", "纳入期限届满", e)))
				goto done;
		} else {
			rc = err_set(e, E_CONFLICT, "party_id", "该被执行人在本案中已被纳入失信名单（记录 %lld）",
			             (long long)prev[k].id);
			goto done;
		}
	}
	int64_t id;
	char masked[40];
	if ((rc = store_listing_insert(db, &l, &id, e)))
		goto done;
	if (enforce_change_int(p, "matter_id", NULL, in->matter_id) ||
	    enforce_change_int(p, "party_id", NULL, pt->id) || audit_change_str(p, "name", NULL, l.name) ||
	    audit_change_str(p, "id_number", NULL, l.id_number) || audit_change_str(p, "ground", NULL, l.ground) ||
	    audit_change_str(p, "conduct", NULL, l.conduct) || audit_change_str(p, "obligation", NULL, l.obligation) ||
	    audit_change_str(p, "source_doc_number", NULL, l.source_doc_number) ||
	    audit_change_str(p, "decided_on", NULL, decided) || audit_change_str(p, "expires_on", NULL, l.expires_on) ||
	    audit_change_str(p, "status", NULL, "listed") ||
	    (in->extra_years && (enforce_change_int(p, "years", NULL, years) ||
	                         audit_change_str(p, "extra_reason", NULL, in->extra_reason)))) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = record(db, who, id, "debtor.listed", p, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	log_event(LOG_INFO, "debtor_listed", "listing=%lld subject=%s ground=%s", (long long)id,
	          mask(l.id_type, l.id_number, masked, sizeof masked), l.ground);
	*out_id = id;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

int debtor_notice(store *db, const principal *who, const enforce_settings *s, int64_t id, const char *notified_on,
                  const char *method, err *e)
{
	char day[11], publish[11];
	int rc = enforce_day(notified_on, "notified_on", day, e);
	if (rc)
		return rc;
	if (!text_ok(method, 2, 50))
		return err_set(e, E_INVALID, "method", "请填写告知方式（如 直接送达、邮寄送达、电子送达，2 到 50 字）");
	arena *a = arena_new();
	json_t *p = json_object();
	store_listing l;
	if (!a || !p) {
		rc = nomem(e);
		goto done;
	}
	enforce_add_days(day, s->debtor_grace_days, publish);
	if ((rc = store_tx_begin(db, e)) || (rc = store_listing_get(db, id, a, &l, e)))
		goto done;
	if (strcmp(day, l.decided_on) < 0) {
		rc = err_set(e, E_INVALID, "notified_on", "告知日期不能早于纳入决定日期 %s", l.decided_on);
		goto done;
	}
	if ((rc = store_listing_notice(db, id, day, method, publish, e)))
		goto done;
	if (audit_change_str(p, "notified_on", NULL, day) || audit_change_str(p, "notice_method", NULL, method) ||
	    audit_change_str(p, "publish_on", NULL, publish) ||
	    json_object_set_new(p, "matter_id", json_integer(l.matter_id))) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = record(db, who, id, "debtor.notified", p, e)) || (rc = store_tx_commit(db, e)))
		goto done;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

int debtor_remove(store *db, const principal *who, int64_t id, const char *reason, const char *note, err *e)
{
	if (!reason || (strcmp(reason, "revoked") && strcmp(reason, "early")))
		return err_set(e, E_INVALID, "reason",
		               "删除原因应为 revoked（撤销：不应纳入）或 early（提前删除：已履行或纠正失信行为）");
	if (!text_ok(note, 2, 500))
		return err_set(e, E_INVALID, "note", "请写明删除的事实和理由（2 到 500 字）");
	arena *a = arena_new();
	store_listing l;
	char today[11];
	legal_today(today);
	if (!a)
		return nomem(e);
	int rc = store_tx_begin(db, e);
	if (rc == OK && (rc = store_listing_get(db, id, a, &l, e)) == OK) {
		if (strcmp(l.status, "listed"))
			rc = err_set(e, E_CONFLICT, NULL, "该失信记录已删除");
		else if ((rc = remove_listing(db, who, &l, today, reason, note, e)) == OK)
			rc = store_tx_commit(db, e);
	}
	if (store_in_tx(db))
		store_tx_rollback(db);
	arena_free(a);
	return rc;
}

int debtor_listing_matter(store *db, int64_t id, int64_t *out_matter_id, err *e)
{
	arena *a = arena_new();
	store_listing l;
	if (!a)
		return nomem(e);
	int rc = store_listing_get(db, id, a, &l, e);
	if (rc == OK)
		*out_matter_id = l.matter_id;
	arena_free(a);
	return rc;
}

int debtor_on_performed(store *db, const principal *who, int64_t matter_id, const char *on, int *out_n, err *e)
{
	arena *a = arena_new();
	store_listing *v;
	size_t n;
	int64_t total;
	char today[11];
	legal_today(today);
	*out_n = 0;
	if (!a)
		return nomem(e);
	store_listing_query q = { .matter_id = matter_id, .live_on = today, .limit = 1000 };
	int rc = store_listing_list(db, &q, a, &v, &n, &total, e);
	for (size_t i = 0; rc == OK && i < n; i++) {
		const debtor_ground *g = debtor_ground_find(v[i].ground);
		/* art. 10(1): deleted on performance; listings with a fixed term run it out (art. 10 para. 2) */
		if (!g || g->fixed_term)
			continue;
		if ((rc = remove_listing(db, who, &v[i], on, "performed",
		                         "案款账户显示申请执行标的已全部到账，被执行人已履行生效法律文书确定的义务（法"
		                         "释〔2017〕7号第十条第一项）",
		                         e)) == OK)
			(*out_n)++;
	}
	int lifted = 0;
	if (rc == OK)
		rc = control_lift_on_performance(db, who, matter_id, &lifted, e);
	arena_free(a);
	return rc;
}

/* ---- views ---- */
const char *debtor_listing_state(const store_listing *l, const char *today)
{
	if (strcmp(l->status, "listed"))
		return "removed";
	if (l->expires_on && strcmp(l->expires_on, today) < 0)
		return "expired";
	if (l->publish_on && strcmp(l->publish_on, today) <= 0)
		return "published";
	return "unpublished";
}

static const char *removal_label(const char *r)
{
	if (!r)
		return NULL;
	if (!strcmp(r, "performed"))
		return "已履行";
	if (!strcmp(r, "revoked"))
		return "撤销";
	if (!strcmp(r, "expired"))
		return "期限届满";
	if (!strcmp(r, "early"))
		return "提前删除";
	return r;
}

/* SPC public fields: performance status from the matter's account. */
static json_t *public_json(store *db, const store_listing *l, const char *today)
{
	char masked[40], yuan_done[32], yuan_left[32];
	const debtor_ground *g = debtor_ground_find(l->ground);
	int64_t applied = -1, received = 0;
	ledger_matter_performance(db, l->matter_id, &applied, &received, NULL);
	int64_t done_fen = applied > 0 && received > applied ? applied : received;
	int64_t left_fen = applied > 0 ? applied - done_fen : -1;
	ledger_format_fen(done_fen, yuan_done, sizeof yuan_done);
	ledger_format_fen(left_fen > 0 ? left_fen : 0, yuan_left, sizeof yuan_left);
	const char *status = applied < 0     ? "不详"
	                     : left_fen == 0 ? "全部履行"
	                     : done_fen > 0  ? "部分未履行"
	                                     : "全部未履行";
	const char *state = debtor_listing_state(l, today);
	char ended[11] = "";
	if (!strcmp(state, "expired"))
		enforce_add_days(l->expires_on, 1, ended);
	json_t *j = json_pack(
	        "{s:s,s:s,s:s?,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s?,s:s?},s:s,s:s,s:s?,s:s}", "name", l->name,
	        "subject_type", l->subject_type, "sex", l->sex, "id_number",
	        mask(l->id_type, l->id_number, masked, sizeof masked), "court", l->court_name, "province", l->province,
	        "case_number", l->case_number, "filed_on", l->filed_on, "source_doc_number", l->source_doc_number,
	        "source_doc_issuer", l->source_doc_issuer, "obligation", l->obligation, "performance", "status", status,
	        "performed", applied >= 0 ? yuan_done : NULL, "unperformed", applied >= 0 ? yuan_left : NULL, "conduct",
	        g ? g->label : l->ground, "conduct_detail", l->conduct, "published_on", l->publish_on, "state", state);
	if (!j)
		return NULL;
	json_object_set_new(j, "age", l->age >= 0 ? json_integer(l->age) : json_null());
	json_object_set_new(j, "legal_representative",
	                    l->legal_representative ? json_string(l->legal_representative) : json_null());
	if (strcmp(state, "published")) {
		json_object_set_new(j, "removed_on", json_string(l->removed_on ? l->removed_on : ended));
		json_object_set_new(j, "removal_reason",
		                    json_string(l->removal_reason ? removal_label(l->removal_reason) : "期限届满"));
	}
	return j;
}

static json_t *staff_json(store *db, const store_listing *l, const char *today)
{
	json_t *j = public_json(db, l, today);
	if (!j)
		return NULL;
	const debtor_ground *g = debtor_ground_find(l->ground);
	json_object_set_new(j, "id", json_integer(l->id));
	json_object_set_new(j, "matter_id", json_integer(l->matter_id));
	json_object_set_new(j, "party_id", json_integer(l->party_id));
	json_object_set_new(j, "court_unit_id", json_string(l->court_unit_id));
	json_object_set_new(j, "id_number", json_string(l->id_number));
	json_object_set_new(j, "ground", json_string(l->ground));
	json_object_set_new(j, "article", json_string(g ? g->article : ""));
	json_object_set_new(j, "decided_on", json_string(l->decided_on));
	json_object_set_new(j, "years", l->years >= 0 ? json_integer(l->years) : json_null());
	json_object_set_new(j, "expires_on", l->expires_on ? json_string(l->expires_on) : json_null());
	json_object_set_new(j, "notified_on", l->notified_on ? json_string(l->notified_on) : json_null());
	json_object_set_new(j, "notice_method", l->notice_method ? json_string(l->notice_method) : json_null());
	json_object_set_new(j, "publish_on", l->publish_on ? json_string(l->publish_on) : json_null());
	json_object_set_new(j, "status", json_string(l->status));
	json_object_set_new(j, "removed_on", l->removed_on ? json_string(l->removed_on) : json_null());
	json_object_set_new(j, "removal_reason", l->removal_reason ? json_string(l->removal_reason) : json_null());
	json_object_set_new(j, "removal_note", l->removal_note ? json_string(l->removal_note) : json_null());
	return j;
}

int debtor_listing_view(store *db, int64_t id, arena *a, json_t **out, err *e)
{
	store_listing l;
	char today[11];
	legal_today(today);
	int rc = store_listing_get(db, id, a, &l, e);
	if (rc)
		return rc;
	json_t *v = staff_json(db, &l, today);
	if (!v)
		return nomem(e);
	json_object_set_new(v, "trace", enforce_trace_json(db, "debtor_listing", id, a));
	*out = v;
	return OK;
}

int debtor_listing_list_json(store *db, store_listing_query *q, arena *a, json_t **out, err *e)
{
	store_listing *v;
	size_t n;
	int64_t total;
	char today[11];
	legal_today(today);
	int rc = store_listing_list(db, q, a, &v, &n, &total, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, staff_json(db, &v[i], today));
	*out = json_pack("{s:o,s:I}", "listings", arr ? arr : json_array(), "total", (json_int_t)total);
	return *out ? OK : nomem(e);
}

/* A resident ID or a credit code, normalised; *out_org says which. E_INVALID otherwise. A credit code
 * may be all digits (914403001922038216); an ID number with a wrong check character stays an ID number
 * (ident_resident_id_shaped). */
static int subject_id(const char *s, const char *field, char out[24], int *out_org, err *e)
{
	ident_person ip;
	ident_credit_code cc;
	err e2 = { 0 };
	if (ident_resident_id_check(s, field, &ip, &e2) == OK) {
		util_strlcpy(out, ip.id, 24);
		*out_org = 0;
		return OK;
	}
	if (strlen(s) == 18 && !ident_resident_id_shaped(s) && ident_credit_code_check(s, field, &cc, NULL) == OK) {
		util_strlcpy(out, cc.code, 24);
		*out_org = 1;
		return OK;
	}
	return err_set(e, E_INVALID, field, "请填写有效的居民身份证号或统一社会信用代码（%s）", e2.message);
}

int debtor_public_query(store *db, const char *name, const char *id_number, arena *a, json_t **out, err *e)
{
	char today[11], id[24] = "";
	legal_today(today);
	if ((!name || !*name) && (!id_number || !*id_number))
		return err_set(e, E_INVALID, "name", "请输入被执行人姓名（名称）或身份证号（统一社会信用代码）");
	if (name && *name && util_utf8_len(name) > 100)
		return err_set(e, E_INVALID, "name", "姓名或名称最多 100 字");
	int is_org;
	if (id_number && *id_number && subject_id(id_number, "id_number", id, &is_org, e))
		return e->code;
	store_listing_query q = { .id_number = id[0] ? id : NULL,
		                  .name = name && *name ? name : NULL,
		                  .live_on = today,
		                  .published_on = today,
		                  .limit = 50 };
	store_listing *v;
	size_t n;
	int64_t total;
	int rc = store_listing_list(db, &q, a, &v, &n, &total, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, public_json(db, &v[i], today));
	*out = json_pack("{s:o,s:I,s:s,s:s}", "results", arr ? arr : json_array(), "total", (json_int_t)total, "as_of",
	                 today, "source", "失信被执行人名单（内蒙古自治区各级人民法院）");
	return *out ? OK : nomem(e);
}

int debtor_public_removals(store *db, const char *since, arena *a, json_t **out, err *e)
{
	char today[11], from[11];
	legal_today(today);
	if (since && *since) {
		cal_date d;
		int rc = cal_date_parse(since, "since", &d, e);
		if (rc)
			return rc;
		legal_format(d, from);
	} else {
		enforce_add_days(today, -30, from);
	}
	store_listing *v;
	size_t n;
	int rc = store_listing_ended(db, today, from, 200, a, &v, &n, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, public_json(db, &v[i], today));
	*out = json_pack("{s:o,s:s,s:s}", "removals", arr ? arr : json_array(), "since", from, "as_of", today);
	return *out ? OK : nomem(e);
}

/* ---- the restriction check ---- */
int debtor_restriction_check(store *db, const principal *who, const debtor_check_in *in, arena *a, json_t **out, err *e)
{
	char today[11], id[24], masked[40];
	legal_today(today);
	int is_org;
	if (!in->id_number || subject_id(in->id_number, "id_number", id, &is_org, e))
		return in->id_number ? e->code
		                     : err_set(e, E_INVALID, "id_number", "请填写居民身份证号或统一社会信用代码");
	int cat = -1;
	if (in->category && *in->category) {
		for (size_t i = 0; i < N_RESTRICTIONS; i++)
			if (!strcmp(restrictions[i].name, in->category))
				cat = (int)i;
		if (cat < 0)
			return err_set(e, E_INVALID, "category",
			               "限制事项应为 flights、soft_sleeper、high_speed_rail、star_hotels、"
			               "property_purchase、office_rent、vehicles、tourism、private_schools、insurance "
			               "或 exit");
	}
	if (!text_ok(in->purpose, 2, 100))
		return err_set(e, E_INVALID, "purpose", "请填写查询事由（如 购票核验、不动产登记，2 到 100 字）");
	if (!text_ok(in->basis, 2, 300))
		return err_set(e, E_INVALID, "basis", "请填写查询依据（2 到 300 字）");
	mask(is_org ? "credit_code" : "resident_id", id, masked, sizeof masked);
	store_listing *ls;
	store_control_order *os;
	size_t nl, no;
	int64_t total;
	int rc = store_tx_begin(db, e);
	if (rc)
		return rc;
	store_listing_query lq = { .id_number = id, .live_on = today, .limit = 50 };
	store_control_order_query oq = { .id_number = id, .in_force_on = today, .limit = 100 };
	if ((rc = store_listing_list(db, &lq, a, &ls, &nl, &total, e)) ||
	    (rc = store_control_order_list(db, &oq, a, &os, &no, e)))
		goto done;
	store_person_lookup l = { .id_number = id,
		                  .purpose = "restriction_check",
		                  .what = cat >= 0 ? restrictions[cat].name : "restrictions",
		                  .basis = arena_printf(a, "%s：%s", in->purpose, in->basis) };
	if (!l.basis) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = enforce_lookup_record(db, who, &l, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	json_t *cats = json_array();
	int any = 0;
	for (size_t i = 0; cats && i < N_RESTRICTIONS; i++) {
		if (cat >= 0 && (int)i != cat)
			continue;
		json_t *src = json_array();
		for (size_t k = 0; src && k < nl && !restrictions[i].exit; k++)
			json_array_append_new(src,
			                      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?}", "source", "dishonest_debtor_list",
			                                "basis", "法释〔2017〕7号、法释〔2015〕17号第一条", "court",
			                                ls[k].court_name, "case_number", ls[k].case_number, "since",
			                                ls[k].decided_on, "until", ls[k].expires_on));
		for (size_t k = 0; src && k < no; k++) {
			int applies = restrictions[i].exit ? !strcmp(os[k].kind, "exit_restriction")
			                                   : !strcmp(os[k].kind, "consumption_restriction");
			if (!applies)
				continue;
			const org_unit *c = org_unit_find(os[k].court_unit_id);
			json_array_append_new(src, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s?}", "source", os[k].kind,
			                                     "basis", os[k].basis, "court",
			                                     c ? c->name : os[k].court_unit_id, "case_number", "",
			                                     "since", os[k].valid_from, "until", os[k].valid_to));
		}
		int restricted = json_array_size(src) > 0;
		any |= restricted;
		json_array_append_new(cats, json_pack("{s:s,s:s,s:b,s:o}", "category", restrictions[i].name, "label",
		                                      restrictions[i].label, "restricted", restricted, "sources",
		                                      src ? src : json_array()));
	}
	log_event(LOG_INFO, "restriction_check", "user=%s unit=%s subject=%s restricted=%d", who->username,
	          who->unit_id[0] ? who->unit_id : "-", masked, any);
	*out = json_pack("{s:s,s:s,s:b,s:o}", "id_number", masked, "checked_on", today, "restricted", any, "categories",
	                 cats ? cats : json_array());
	if (!*out)
		rc = nomem(e);
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	return rc;
}
