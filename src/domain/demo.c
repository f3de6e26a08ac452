/*
 * demo.c - demo users (and later demo matters). See demo.h.
 */
#include "domain/demo.h"

#include "core/util.h"
#include "domain/auth.h"
#include "domain/flow.h"
#include "domain/legal.h"
#include "domain/matter.h"
#include "domain/synth.h"
#include "domain/org.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *tag, *area;
} places[] = {
	{"nmg", "150000"}, {"xlgl", "152500"}, {"zxbq", "152529"}, {"hhht", "150100"}, {"hmq", "150103"},
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
	static const char *const case_kinds[] = {"police", "procuratorate", "court", "justice_bureau"};
	static const char *const case_roles[] = {"handler", "clerk", "reviewer"};
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
	fprintf(f, "\nTry: curl -s -X POST http://127.0.0.1:8080/api/v1/session -H 'Content-Type: application/json' "
		   "-d '{\"username\":\"xlgl.committee\",\"password\":\"%s\"}'\n\n",
		DEMO_PASSWORD);
done:
	arena_free(a);
	return rc;
}

/* ---- demo matters ---- */
static const char *const matter_areas[] = {"152529", "150103", "152502", "150102", "152527", "150104"};

static void unit_principal(const char *unit_id, principal *out)
{
	memset(out, 0, sizeof *out);
	util_strlcpy(out->username, "demo", sizeof out->username);
	util_strlcpy(out->display_name, "演示数据", sizeof out->display_name);
	util_strlcpy(out->unit_id, unit_id, sizeof out->unit_id);
	out->roles = ROLE_HANDLER | ROLE_REVIEWER | ROLE_CLERK;
}

static void date_plus(cal_date base, long days, char out[11]) { legal_format(cal_date_add_days(base, days), out); }

static int add_parties(synth_rng *r, const char *kind, const char *area, matter_party_in *p, char (*names)[64],
		       char (*ids)[19], int *out_n, int *out_org)
{
	int n = 0;
	*out_org = 0;
	if (!strcmp(kind, "criminal")) {
		synth_person_name(r, names[n], 64);
		synth_resident_id(r, area, 1965, 2004, ids[n]);
		p[n] = (matter_party_in){"person", names[n], "suspect", "resident_id", ids[n]};
		n++;
		if (synth_below(r, 2)) {
			synth_person_name(r, names[n], 64);
			synth_resident_id(r, area, 1950, 2006, ids[n]);
			p[n] = (matter_party_in){"person", names[n], "victim", "resident_id", ids[n]};
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
				p[n] = (matter_party_in){"organization", names[n], k ? b : a, "credit_code", ids[n]};
				*out_org = 1;
			} else {
				synth_person_name(r, names[n], 64);
				synth_resident_id(r, area, 1955, 2002, ids[n]);
				p[n] = (matter_party_in){"person", names[n], k ? b : a, "resident_id", ids[n]};
			}
			n++;
		}
	}
	*out_n = n;
	return OK;
}

static const char *const summaries[][3] = {
	{"criminal", "盗窃案", "涉嫌入户盗窃牲畜"},
	{"criminal", "诈骗案", "涉嫌电信网络诈骗"},
	{"criminal", "故意伤害案", "涉嫌酒后故意伤害他人"},
	{"criminal", "危险驾驶案", "涉嫌醉酒驾驶机动车"},
	{"civil", "买卖合同纠纷", "拖欠牛羊收购款"},
	{"civil", "民间借贷纠纷", "借款到期未还"},
	{"civil", "劳动争议", "拖欠务工人员工资"},
	{"civil", "草原承包经营权纠纷", "草场边界争议"},
	{"administrative", "行政处罚纠纷", "不服草原监理行政处罚"},
	{"enforcement", "执行案", "申请执行借款纠纷生效判决"},
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
		const char *tags[1] = {has_org && synth_below(&r, 3) == 0 ? "enterprise_related" : "green_channel"};
		int tagged = has_org ? synth_below(&r, 3) == 0 : synth_below(&r, 15) == 0;
		matter_new in = {.kind = kind,
				 .summary = summary,
				 .tags = tags,
				 .n_tags = tagged ? 1 : 0,
				 .parties = parties,
				 .n_parties = (size_t)np,
				 .detained = !strcmp(kind, "criminal") && synth_below(&r, 3) == 0,
				 .filed_on = filed};
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
			const char *procs[] = {"ordinary", "summary", "fast_track", "small_claims"};
			const char *proc = NULL;
			for (int t = 0; t < 8 && (st->flags & FLOW_NEEDS_PROCEDURE) && !proc; t++) {
				const char *cand = procs[synth_below(&r, 4)];
				if (flow_rule_for(st, cand))
					proc = cand;
			}
			if ((st->flags & FLOW_NEEDS_PROCEDURE) && !proc)
				proc = "ordinary";
			matter_act_in ai = {.note = "演示数据", .reason = "证据材料需补充", .procedure = proc, .on = on};
			int64_t tid = 0;
			err e2 = {0};
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
