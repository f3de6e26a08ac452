/*
 * demo.c - demo users (and later demo matters). See demo.h.
 */
#include "domain/demo.h"

#include "core/util.h"
#include "domain/assist.h"
#include "domain/auth.h"
#include "domain/control.h"
#include "domain/debtor.h"
#include "domain/flow.h"
#include "domain/ledger.h"
#include "domain/legal.h"
#include "domain/matter.h"
#include "domain/synth.h"
#include "domain/org.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *tag, *area;
} places[] = {
	{ "nmg", "150000" }, { "xlgl", "152500" }, { "zxbq", "152529" }, { "hhht", "150100" }, { "hmq", "150103" },
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
	static const char *const case_kinds[] = { "police", "procuratorate", "court", "justice_bureau" };
	static const char *const case_roles[] = { "handler", "clerk", "reviewer" };
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
	fprintf(f, "  %-28s %-14s %s\n", "username", "roles", "unit");
	for (size_t i = 0; i < n; i++) {
		const org_unit *u = org_unit_find(v[i].unit_id);
		fprintf(f, "  %-28s %-14s %s\n", v[i].username, v[i].roles, u ? u->name : v[i].unit_id);
	}
	fprintf(f,
	        "\nTry: curl -s -X POST http://127.0.0.1:8080/api/v1/session -H 'Content-Type: application/json' "
	        "-d '{\"username\":\"xlgl.committee\",\"password\":\"%s\"}'\n\n",
	        DEMO_PASSWORD);
done:
	arena_free(a);
	return rc;
}

/* ---- demo matters ---- */
static const char *const matter_areas[] = { "152529", "150103", "152502", "150102", "152527", "150104" };

static void unit_principal(const char *unit_id, principal *out)
{
	memset(out, 0, sizeof *out);
	util_strlcpy(out->username, "demo", sizeof out->username);
	util_strlcpy(out->display_name, "演示数据", sizeof out->display_name);
	util_strlcpy(out->unit_id, unit_id, sizeof out->unit_id);
	out->roles = ROLE_HANDLER | ROLE_REVIEWER | ROLE_CLERK;
}

static void date_plus(cal_date base, long days, char out[11])
{
	legal_format(cal_date_add_days(base, days), out);
}

static int add_parties(synth_rng *r, const char *kind, const char *area, matter_party_in *p, char (*names)[64],
                       char (*ids)[19], int *out_n, int *out_org)
{
	int n = 0;
	*out_org = 0;
	if (!strcmp(kind, "criminal")) {
		synth_person_name(r, names[n], 64);
		synth_resident_id(r, area, 1965, 2004, ids[n]);
		p[n] = (matter_party_in){ "person", names[n], "suspect", "resident_id", ids[n] };
		n++;
		if (synth_below(r, 2)) {
			synth_person_name(r, names[n], 64);
			synth_resident_id(r, area, 1950, 2006, ids[n]);
			p[n] = (matter_party_in){ "person", names[n], "victim", "resident_id", ids[n] };
			n++;
		}
	} else {
		const char *a = !strcmp(kind, "enforcement") ? "creditor" : "plaintiff";
		const char *b = !strcmp(kind, "enforcement") ? "debtor" : "defendant";
		for (int k = 0; k < 2; k++) {
			int org = synth_below(r, 3) == 0 || (!strcmp(kind, "administrative") && k == 1);
			if (org) {
				synth_org_name(r, names[n], 64);
				synth_credit_code(r, area, ids[n]);
				p[n] = (matter_party_in){ "organization", names[n], k ? b : a, "credit_code", ids[n] };
				*out_org = 1;
			} else {
				synth_person_name(r, names[n], 64);
				synth_resident_id(r, area, 1955, 2002, ids[n]);
				p[n] = (matter_party_in){ "person", names[n], k ? b : a, "resident_id", ids[n] };
			}
			n++;
		}
	}
	*out_n = n;
	return OK;
}

static const char *const summaries[][3] = {
	{ "criminal", "盗窃案", "涉嫌入户盗窃牲畜" },
	{ "criminal", "诈骗案", "涉嫌电信网络诈骗" },
	{ "criminal", "故意伤害案", "涉嫌酒后故意伤害他人" },
	{ "criminal", "危险驾驶案", "涉嫌醉酒驾驶机动车" },
	{ "civil", "买卖合同纠纷", "拖欠牛羊收购款" },
	{ "civil", "民间借贷纠纷", "借款到期未还" },
	{ "civil", "劳动争议", "拖欠务工人员工资" },
	{ "civil", "草原承包经营权纠纷", "草场边界争议" },
	{ "administrative", "行政处罚纠纷", "不服草原监理行政处罚" },
	{ "enforcement", "执行案", "申请执行借款纠纷生效判决" },
};

int demo_seed_matters(store *db, int n, unsigned seed, err *e)
{
	synth_rng r;
	synth_seed(&r, seed);
	cal_date today = legal_today_date();
	int rc = OK;
	for (int i = 0; i < n && rc == OK; i++) {
		uint32_t k = synth_below(&r, 100);
		const char *kind = k < 45 ? "criminal" : k < 85 ? "civil" : k < 90 ? "administrative" : "enforcement";
		const char *area = matter_areas[synth_below(&r, sizeof matter_areas / sizeof matter_areas[0])];
		const org_unit *u = org_unit_of(area, flow_filing_kind(kind));
		if (!u)
			return err_set(e, E_INTERNAL, NULL, "no unit for demo area %s", area);
		principal who;
		unit_principal(u->id, &who);
		matter_party_in parties[4];
		char names[4][64], ids[4][19], summary[200], filed[11], on[11];
		int np, has_org;
		add_parties(&r, kind, area, parties, names, ids, &np, &has_org);
		size_t si;
		do
			si = synth_below(&r, sizeof summaries / sizeof summaries[0]);
		while (strcmp(summaries[si][0], kind));
		snprintf(summary, sizeof summary, "%s%s，%s", names[0], summaries[si][1], summaries[si][2]);
		long age = 3 + (long)synth_below(&r, 200);
		cal_date cur = cal_date_add_days(today, -age);
		legal_format(cur, filed);
		const char *tags[1] = { has_org && synth_below(&r, 3) == 0 ? "enterprise_related" : "green_channel" };
		int tagged = has_org ? synth_below(&r, 3) == 0 : synth_below(&r, 15) == 0;
		matter_new in = { .kind = kind,
			          .summary = summary,
			          .tags = tags,
			          .n_tags = tagged ? 1 : 0,
			          .parties = parties,
			          .n_parties = (size_t)np,
			          .detained = !strcmp(kind, "criminal") && synth_below(&r, 3) == 0,
			          .filed_on = filed };
		int64_t id;
		if ((rc = matter_file(db, &who, &in, &id, NULL, e)))
			break;
		int steps = (int)synth_below(&r, 9);
		for (int s = 0; s < steps && rc == OK; s++) {
			arena *a = arena_new();
			store_matter m;
			if (!a)
				return err_set(e, E_NOMEM, NULL, "out of memory");
			if ((rc = store_matter_get(db, id, a, &m, e)) || strcmp(m.status, "open")) {
				arena_free(a);
				break;
			}
			const flow_step *opts[16];
			size_t no = flow_actions(m.kind, m.stage, opts, 16);
			if (!no) {
				arena_free(a);
				break;
			}
			/* prefer steps that keep the matter going */
			const flow_step *st = opts[synth_below(&r, (uint32_t)no)];
			if ((st->flags & FLOW_CLOSES) && synth_below(&r, 3))
				st = opts[0];
			long gap = 1 + (long)synth_below(&r, 30);
			if (cal_days_between(cur, today) <= gap) {
				arena_free(a);
				break;
			}
			cur = cal_date_add_days(cur, gap);
			legal_format(cur, on);
			unit_principal(m.holder_unit_id, &who);
			const char *procs[] = { "ordinary", "summary", "fast_track", "small_claims" };
			const char *proc = NULL;
			for (int t = 0; t < 8 && (st->flags & FLOW_NEEDS_PROCEDURE) && !proc; t++) {
				const char *cand = procs[synth_below(&r, 4)];
				if (flow_rule_for(st, cand))
					proc = cand;
			}
			if ((st->flags & FLOW_NEEDS_PROCEDURE) && !proc)
				proc = "ordinary";
			matter_act_in ai = {
				.note = "演示数据", .reason = "证据材料需补充", .procedure = proc, .on = on
			};
			int64_t tid = 0;
			err e2 = { 0 };
			int arc = matter_act(db, &who, id, st->action, &ai, &tid, &e2);
			arena_free(a);
			if (arc == E_CONFLICT)
				break;
			if (arc) {
				rc = err_set(e, arc, e2.field, "%s", e2.message);
				break;
			}
			if (!tid)
				continue;
			uint32_t fate = synth_below(&r, 100);
			long wait = (long)synth_below(&r, 4);
			if (fate < 8 || cal_days_between(cur, today) <= wait)
				break; /* left unanswered */
			arena *b = arena_new();
			const char *to, *from;
			int64_t mid;
			if (!b)
				return err_set(e, E_NOMEM, NULL, "out of memory");
			if ((rc = transfer_units(db, tid, b, &to, &from, &mid, e)) == OK) {
				unit_principal(to, &who);
				cur = cal_date_add_days(cur, wait);
				date_plus(cur, 0, on);
				if (fate < 14)
					rc = transfer_return(db, &who, tid, "移送材料不齐全，请补正后重新移送", e);
				else
					rc = transfer_accept(db, &who, tid, on, e);
			}
			arena_free(b);
		}
	}
	return rc;
}

/* ---- enforcement demo data ---- */
static int demo_user(store *db, const char *username, arena *a, principal *out, err *e)
{
	store_user u;
	char bad[32];
	int rc = store_user_get_by_name(db, username, a, &u, e);
	if (rc)
		return rc;
	memset(out, 0, sizeof *out);
	out->user_id = u.id;
	util_strlcpy(out->username, u.username, sizeof out->username);
	util_strlcpy(out->display_name, u.display_name, sizeof out->display_name);
	util_strlcpy(out->unit_id, u.unit_id, sizeof out->unit_id);
	out->roles = role_parse_list(u.roles, bad, sizeof bad);
	return OK;
}

/* A demo enforcement matter at the court: a person creditor and a debtor (person or company). */
static int demo_enforcement_matter(store *db, const principal *court, synth_rng *r, const char *filed, int org,
                                   const char *summary, int64_t *out_id, int64_t *out_debtor, err *e)
{
	char cname[64], dname[64], cid[19], did[19], text[200];
	synth_person_name(r, cname, sizeof cname);
	synth_resident_id(r, "152529", 1960, 1995, cid);
	if (org) {
		synth_org_name(r, dname, sizeof dname);
		synth_credit_code(r, "152529", did);
	} else {
		synth_person_name(r, dname, sizeof dname);
		synth_resident_id(r, "152529", 1965, 1998, did);
	}
	matter_party_in parties[2] = { { "person", cname, "creditor", "resident_id", cid },
		                       { org ? "organization" : "person", dname, "debtor",
		                         org ? "credit_code" : "resident_id", did } };
	snprintf(text, sizeof text, "%s申请执行%s%s", cname, dname, summary);
	matter_new in = {
		.kind = "enforcement", .summary = text, .parties = parties, .n_parties = 2, .filed_on = filed
	};
	int rc = matter_file(db, court, &in, out_id, NULL, e);
	if (rc)
		return rc;
	arena *a = arena_new();
	store_party *pv;
	size_t np;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if ((rc = store_party_list(db, *out_id, a, &pv, &np, e)) == OK)
		for (size_t i = 0; i < np; i++)
			if (!strcmp(pv[i].role, "debtor"))
				*out_debtor = pv[i].id;
	arena_free(a);
	return rc;
}

static int demo_receipt(store *db, const principal *fund, const enforce_settings *s, const char *key, int64_t matter,
                        const char *source, int64_t amount, const char *payer, const char *ref, const char *on, err *e)
{
	json_t *out = NULL;
	int replayed;
	ledger_receipt_in in = { .key = key,
		                 .court_unit_id = "152529.court",
		                 .matter_id = matter,
		                 .source = source,
		                 .amount = amount,
		                 .payer = payer,
		                 .reference = ref,
		                 .received_on = on };
	int rc = ledger_receipt(db, fund, s, &in, &out, &replayed, e);
	json_decref(out);
	return rc;
}

int demo_seed_enforcement(store *db, err *e)
{
	arena *a = arena_new();
	principal handler, fund, reviewer, police;
	enforce_settings s;
	synth_rng r;
	char d[8][11];
	int rc;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	enforce_settings_default(&s);
	synth_seed(&r, 152529);
	cal_date today = legal_today_date();
	static const long back[8] = { 60, 40, 35, 20, 12, 8, 3, 0 };
	for (int i = 0; i < 8; i++)
		date_plus(today, -back[i], d[i]);
	int64_t ma, mb, mc, da, db_, dc, req_id, order_id, lid;
	json_t *out = NULL;
	int replayed;
	if ((rc = demo_user(db, "zxbq.court.handler", a, &handler, e)) ||
	    (rc = demo_user(db, "zxbq.court.fund", a, &fund, e)) ||
	    (rc = demo_user(db, "zxbq.court.reviewer", a, &reviewer, e)) ||
	    (rc = demo_user(db, "zxbq.police.handler", a, &police, e)))
		goto done;
	/* A: a loan judgment; money partly in, one receipt held too long, the debtor listed and published */
	if ((rc = demo_enforcement_matter(db, &handler, &r, d[0], 0, "民间借贷纠纷一案生效判决", &ma, &da, e)) ||
	    (rc = ledger_account_open(db, &handler, ma, 5000000, a, &out, e)))
		goto done;
	json_decref(out);
	out = NULL;
	if ((rc = demo_receipt(db, &fund, &s, "demo-receipt-a1", ma, "debtor_payment", 2000000, "被执行人交款",
	                       "ZXBQ-REF-0001", d[2], e)) ||
	    (rc = demo_receipt(db, &fund, &s, "demo-receipt-a2", ma, "bank_deduction", 1000000, "银行扣划",
	                       "ZXBQ-REF-0002", d[3], e)) ||
	    (rc = demo_receipt(db, &fund, &s, "demo-fee-a", ma, "court_fee", 50000, "申请执行费预交", "ZXBQ-FEE-0001",
	                       d[1], e)))
		goto done;
	ledger_disbursement_in dis = { .key = "demo-disb-a1",
		                       .matter_id = ma,
		                       .kind = "creditor",
		                       .amount = 1000000,
		                       .payee_name = "申请执行人",
		                       .payee_account = "6228480012345678901",
		                       .payee_bank = "中国农业银行正镶白旗支行" };
	if ((rc = ledger_disbursement_request(db, &fund, &dis, &out, &replayed, e)))
		goto done;
	int64_t disb_id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	out = NULL;
	if ((rc = ledger_disbursement_approve(db, &reviewer, "demo-approve-a1", disb_id, "核对无误", d[5], &out,
	                                      &replayed, e)))
		goto done;
	json_decref(out);
	out = NULL;
	/* the police asked to locate the debtor, list vehicles and consumption; two answered (one late), one overdue */
	const char *kinds_a[] = { "locate", "vehicles", "consumption" };
	assist_debtor_in deb_a = { .party_id = da, .kinds = kinds_a, .n_kinds = 3 };
	assist_new req_a = { .matter_id = ma,
		             .police_unit_id = "152529.police",
		             .basis = "（2026）执行裁定书、协助执行通知书",
		             .note = "被执行人下落不明，请协助查找",
		             .debtors = &deb_a,
		             .n_debtors = 1,
		             .on = d[4] };
	if ((rc = assist_request_create(db, &handler, &s, &req_a, &req_id, e)))
		goto done;
	{
		store_assist_item *items;
		size_t ni;
		if ((rc = store_assist_item_list(db, req_id, a, &items, &ni, e)))
			goto done;
		json_t *f1 = json_pack("{s:s,s:s}", "address", "正镶白旗明安图镇某嘎查", "seen_on", d[5]);
		json_t *f2 = json_pack("{s:[{s:s,s:s,s:s}]}", "records", "date", d[4], "merchant", "锡林浩特某酒店",
		                       "kind", "住宿");
		assist_answer_in ans1 = { .item_id = items[0].id, .found = 1, .findings = f1 };
		assist_answer_in ans2 = { .item_id = items[2].id, .found = 1, .findings = f2 };
		rc = assist_answer(db, &police, req_id, &ans1, 1, d[5], e);
		if (rc == OK)
			rc = assist_answer(db, &police, req_id, &ans2, 1, d[7], e);
		json_decref(f1);
		json_decref(f2);
		if (rc)
			goto done;
	}
	debtor_listing_new la = { .matter_id = ma,
		                  .party_id = da,
		                  .ground = "refuses_despite_ability",
		                  .conduct = "有履行能力而拒不履行生效判决确定的还款义务",
		                  .obligation = "偿还借款本金及利息",
		                  .source_doc_number = "（2025）内2529民初88号",
		                  .source_doc_issuer = "正镶白旗人民法院",
		                  .decided_on = d[5] };
	if ((rc = debtor_list(db, &handler, &la, &lid, e)) ||
	    (rc = debtor_notice(db, &handler, &s, lid, d[5], "直接送达", e)))
		goto done;
	/* B: obstruction; detention in force, consumption restriction, listed for two years, notice just served */
	if ((rc = demo_enforcement_matter(db, &handler, &r, d[1], 0, "买卖合同纠纷一案生效判决", &mb, &db_, e)))
		goto done;
	control_new det = { .matter_id = mb,
		            .kind = "detention",
		            .party_id = db_,
		            .basis = "（2026）内2529司惩1号",
		            .reason = "以暴力方法阻碍执行人员执行职务",
		            .valid_from = d[6] };
	char until[11];
	date_plus(today, 11, until);
	det.valid_to = until;
	control_new cons = { .matter_id = mb,
		             .kind = "consumption_restriction",
		             .party_id = db_,
		             .basis = "（2026）内2529执限1号",
		             .reason = "未按执行通知履行义务",
		             .valid_from = d[3] };
	int64_t cons_id;
	if ((rc = control_order_issue(db, &handler, &det, &order_id, e)) ||
	    (rc = control_order_issue(db, &handler, &cons, &cons_id, e)))
		goto done;
	const char *kinds_b[] = { "locate", "detain" };
	assist_debtor_in deb_b = { .party_id = db_, .kinds = kinds_b, .n_kinds = 2, .order_id = order_id };
	assist_new req_b = { .matter_id = mb,
		             .police_unit_id = "152529.police",
		             .basis = "（2026）内2529司惩1号拘留决定书",
		             .debtors = &deb_b,
		             .n_debtors = 1,
		             .on = d[7] };
	if ((rc = assist_request_create(db, &handler, &s, &req_b, &req_id, e)))
		goto done;
	debtor_listing_new lb = { .matter_id = mb,
		                  .party_id = db_,
		                  .ground = "obstructs_by_violence",
		                  .conduct = "以暴力方法阻碍执行人员查封财产",
		                  .obligation = "支付货款及违约金",
		                  .source_doc_number = "（2025）内2529民初102号",
		                  .source_doc_issuer = "正镶白旗人民法院",
		                  .extra_years = 1,
		                  .extra_reason = "以暴力方法妨碍执行，情节严重",
		                  .decided_on = d[6] };
	if ((rc = debtor_list(db, &handler, &lb, &lid, e)) ||
	    (rc = debtor_notice(db, &handler, &s, lid, d[7], "直接送达", e)))
		goto done;
	/* C: a company paid in full; the disbursement waits for the reviewer */
	if ((rc = demo_enforcement_matter(db, &handler, &r, d[4], 1, "拖欠牧民草场流转费一案仲裁裁决", &mc, &dc, e)) ||
	    (rc = ledger_account_open(db, &handler, mc, 800000, a, &out, e)))
		goto done;
	json_decref(out);
	out = NULL;
	if ((rc = demo_receipt(db, &fund, &s, "demo-receipt-c1", mc, "debtor_payment", 800000, "被执行单位转账",
	                       "ZXBQ-REF-0003", d[6], e)))
		goto done;
	ledger_disbursement_in dis_c = { .key = "demo-disb-c1",
		                         .matter_id = mc,
		                         .kind = "creditor",
		                         .amount = 800000,
		                         .payee_name = "申请执行人",
		                         .payee_account = "6217000012345678",
		                         .payee_bank = "中国建设银行正镶白旗支行" };
	if ((rc = ledger_disbursement_request(db, &fund, &dis_c, &out, &replayed, e)))
		goto done;
	json_decref(out);
	out = NULL;
	const char *kinds_c[] = { "vehicles" };
	assist_debtor_in deb_c = { .party_id = dc, .kinds = kinds_c, .n_kinds = 1 };
	assist_new req_c = { .matter_id = mc,
		             .police_unit_id = "152529.police",
		             .basis = "（2026）执行裁定书",
		             .debtors = &deb_c,
		             .n_debtors = 1,
		             .on = d[4] };
	if ((rc = assist_request_create(db, &handler, &s, &req_c, &req_id, e)))
		goto done;
	{
		store_assist_item *items;
		size_t ni;
		if ((rc = store_assist_item_list(db, req_id, a, &items, &ni, e)))
			goto done;
		json_t *f = json_pack("{s:[{s:s,s:s}]}", "vehicles", "plate", "蒙H·A1234", "model", "重型半挂牵引车");
		assist_answer_in ans = { .item_id = items[0].id, .found = 1, .findings = f };
		rc = assist_answer(db, &police, req_id, &ans, 1, d[5], e);
		json_decref(f);
		if (rc)
			goto done;
	}
	/* money that came in without a case: unidentified until someone matches it */
	if ((rc = demo_receipt(db, &fund, &s, "demo-unidentified-1", 0, "debtor_payment", 300000, "王某某",
	                       "ZXBQ-REF-0004", d[6], e)))
		goto done;
done:
	json_decref(out);
	arena_free(a);
	return rc;
}
