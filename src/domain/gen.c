/*
 * gen.c - the synthetic region for benchmarks. See gen.h.
 *
 * Each matter is filed in a county drawn by population, on a day drawn over the last `years` years
 * (slightly more in recent years: caseloads grow), then walked step by step. The walk chooses each
 * next action by weights that resemble the outcomes courts and procuratorates report (most suspects
 * indicted, a few returns for supplementary investigation, most judgments not appealed, ...), and
 * takes it after a share of the stage's statutory period: usually in time, sometimes late, now and then
 * after an approved extension. A step whose day would fall after as_of is not taken, so recent matters
 * stay open in every stage and those whose step was due before as_of are overdue, as in real life.
 */
#include "domain/gen.h"

#include "core/util.h"
#include "crypto/hash.h"
#include "domain/assist.h"
#include "domain/dossier.h"
#include "domain/enforce.h"
#include "domain/flow.h"
#include "domain/ledger.h"
#include "domain/legal.h"
#include "domain/matter.h"
#include "domain/org.h"
#include "domain/synth.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Approximate resident population of each county-level division, in 10,000s, after the 2020 (7th)
 * national census county bulletins, rounded; the league totals match the published league figures
 * within a few percent (region: about 2,405). Only the proportions matter here. */
const gen_county gen_counties[] = {
	/* 呼和浩特市 */ { "150102", 63 },
	{ "150103", 48 },
	{ "150104", 47 },
	{ "150105", 88 },
	{ "150121", 31 },
	{ "150122", 18 },
	{ "150123", 17 },
	{ "150124", 10 },
	{ "150125", 10 },
	/* 包头市 */ { "150202", 57 },
	{ "150203", 80 },
	{ "150204", 52 },
	{ "150205", 3 },
	{ "150206", 2 },
	{ "150207", 27 },
	{ "150221", 26 },
	{ "150222", 11 },
	{ "150223", 8 },
	/* 乌海市 */ { "150302", 33 },
	{ "150303", 10 },
	{ "150304", 13 },
	/* 赤峰市 */ { "150402", 62 },
	{ "150403", 29 },
	{ "150404", 60 },
	{ "150421", 23 },
	{ "150422", 27 },
	{ "150423", 15 },
	{ "150424", 18 },
	{ "150425", 20 },
	{ "150426", 38 },
	{ "150428", 26 },
	{ "150429", 45 },
	{ "150430", 41 },
	/* 通辽市 */ { "150502", 90 },
	{ "150521", 40 },
	{ "150522", 31 },
	{ "150523", 31 },
	{ "150524", 14 },
	{ "150525", 37 },
	{ "150526", 24 },
	{ "150581", 13 },
	/* 鄂尔多斯市 */ { "150602", 58 },
	{ "150603", 12 },
	{ "150621", 34 },
	{ "150622", 41 },
	{ "150623", 7 },
	{ "150624", 16 },
	{ "150625", 11 },
	{ "150626", 14 },
	{ "150627", 24 },
	/* 呼伦贝尔市 */ { "150702", 35 },
	{ "150703", 10 },
	{ "150721", 25 },
	{ "150722", 24 },
	{ "150723", 20 },
	{ "150724", 13 },
	{ "150725", 5 },
	{ "150726", 4 },
	{ "150727", 3 },
	{ "150781", 15 },
	{ "150782", 29 },
	{ "150783", 32 },
	{ "150784", 6 },
	{ "150785", 9 },
	/* 巴彦淖尔市 */ { "150802", 54 },
	{ "150821", 23 },
	{ "150822", 10 },
	{ "150823", 26 },
	{ "150824", 12 },
	{ "150825", 6 },
	{ "150826", 24 },
	/* 乌兰察布市 */ { "150902", 35 },
	{ "150921", 9 },
	{ "150922", 10 },
	{ "150923", 16 },
	{ "150924", 15 },
	{ "150925", 13 },
	{ "150926", 17 },
	{ "150927", 10 },
	{ "150928", 9 },
	{ "150929", 13 },
	{ "150981", 22 },
	/* 兴安盟 */ { "152201", 36 },
	{ "152202", 4 },
	{ "152221", 30 },
	{ "152222", 21 },
	{ "152223", 28 },
	{ "152224", 22 },
	/* 锡林郭勒盟 */ { "152501", 8 },
	{ "152502", 35 },
	{ "152522", 4 },
	{ "152523", 3 },
	{ "152524", 7 },
	{ "152525", 9 },
	{ "152526", 8 },
	{ "152527", 12 },
	{ "152528", 3 },
	{ "152529", 6 },
	{ "152530", 8 },
	{ "152531", 9 },
	/* 阿拉善盟 */ { "152921", 20 },
	{ "152922", 3 },
	{ "152923", 3 },
};
const size_t gen_n_counties = sizeof gen_counties / sizeof gen_counties[0];

static const char *const kinds[4] = { "criminal", "civil", "administrative", "enforcement" };
/* Shares of new matters on a cross-agency platform, per mille: criminal matters involve every agency,
 * civil and administrative ones start at the courts, enforcement of arbitral awards and notarised
 * debts is filed directly. */
static const int kind_weight[4] = { 450, 380, 30, 140 };

/* Outcome weights per stage; procedures by weight where the step asks for one. */
static const struct {
	const char *kind, *stage, *action;
	int weight;
} policy[] = {
	{ "criminal", "investigation", "request_arrest", 35 },
	{ "criminal", "investigation", "transfer_for_prosecution", 65 },
	{ "criminal", "arrest_review", "approve_arrest", 85 },
	{ "criminal", "arrest_review", "refuse_arrest", 15 },
	{ "criminal", "investigation_arrested", "transfer_for_prosecution", 100 },
	{ "criminal", "prosecution_review", "indict", 80 },
	{ "criminal", "prosecution_review", "return_supplementary", 12 },
	{ "criminal", "prosecution_review", "decline_prosecution", 8 },
	{ "criminal", "supplementary_investigation", "retransfer_for_prosecution", 100 },
	{ "criminal", "first_instance", "judge", 100 },
	{ "criminal", "appeal_window", "make_effective", 88 },
	{ "criminal", "appeal_window", "appeal", 12 },
	{ "criminal", "second_instance", "judge_second", 100 },
	{ "criminal", "effective", "record_prison", 65 },
	{ "criminal", "effective", "hand_to_correction", 35 },
	{ "criminal", "community_correction", "register_correction", 100 },
	{ "civil", "filing_review", "accept_case", 68 },
	{ "civil", "filing_review", "refer_mediation", 28 },
	{ "civil", "filing_review", "reject_filing", 4 },
	{ "civil", "pre_suit_mediation", "mediation_succeeded", 55 },
	{ "civil", "pre_suit_mediation", "mediation_failed", 45 },
	{ "civil", "first_instance", "judge", 55 },
	{ "civil", "first_instance", "mediate", 30 },
	{ "civil", "first_instance", "withdraw_suit", 15 },
	{ "civil", "appeal_window", "make_effective", 85 },
	{ "civil", "appeal_window", "appeal", 15 },
	{ "civil", "second_instance", "judge_second", 100 },
	{ "civil", "effective", "close", 62 },
	{ "civil", "effective", "apply_enforcement", 38 },
	{ "civil", "enforcement", "close_enforced", 60 },
	{ "civil", "enforcement", "close_no_assets", 40 },
	{ "administrative", "filing_review", "accept_case", 85 },
	{ "administrative", "filing_review", "reject_filing", 15 },
	{ "administrative", "first_instance", "judge", 70 },
	{ "administrative", "first_instance", "withdraw_suit", 30 },
	{ "administrative", "appeal_window", "make_effective", 70 },
	{ "administrative", "appeal_window", "appeal", 30 },
	{ "administrative", "second_instance", "judge_second", 100 },
	{ "administrative", "effective", "close", 100 },
	{ "enforcement", "enforcement", "close_enforced", 55 },
	{ "enforcement", "enforcement", "close_no_assets", 45 },
};

static const struct {
	const char *kind, *procedure;
	int weight;
} procedures[] = {
	{ "criminal", "ordinary", 40 },       { "criminal", "summary", 35 },       { "criminal", "fast_track", 25 },
	{ "civil", "ordinary", 35 },          { "civil", "summary", 50 },          { "civil", "small_claims", 15 },
	{ "administrative", "ordinary", 80 }, { "administrative", "summary", 20 },
};

static const char *const summaries[][3] = {
	{ "criminal", "盗窃案", "涉嫌入户盗窃牲畜" },
	{ "criminal", "盗窃案", "涉嫌盗窃电动车" },
	{ "criminal", "诈骗案", "涉嫌电信网络诈骗" },
	{ "criminal", "故意伤害案", "涉嫌酒后故意伤害他人" },
	{ "criminal", "危险驾驶案", "涉嫌醉酒驾驶机动车" },
	{ "criminal", "非法占用农用地案", "涉嫌非法开垦草原" },
	{ "criminal", "寻衅滋事案", "涉嫌在公共场所寻衅滋事" },
	{ "criminal", "帮助信息网络犯罪活动案", "涉嫌出售银行卡" },
	{ "civil", "买卖合同纠纷", "拖欠牛羊收购款" },
	{ "civil", "民间借贷纠纷", "借款到期未还" },
	{ "civil", "劳动争议", "拖欠务工人员工资" },
	{ "civil", "草原承包经营权纠纷", "草场边界争议" },
	{ "civil", "离婚纠纷", "夫妻感情破裂请求离婚" },
	{ "civil", "机动车交通事故责任纠纷", "交通事故损害赔偿" },
	{ "civil", "物业服务合同纠纷", "拖欠物业费" },
	{ "civil", "金融借款合同纠纷", "信用卡透支未还" },
	{ "administrative", "行政处罚纠纷", "不服草原监理行政处罚" },
	{ "administrative", "行政强制纠纷", "不服拆除违法建筑决定" },
	{ "administrative", "政府信息公开纠纷", "申请公开征地补偿信息" },
	{ "enforcement", "执行案", "申请执行仲裁裁决" },
	{ "enforcement", "执行案", "申请执行公证债权文书" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void unit_principal(const char *unit_id, principal *out)
{
	memset(out, 0, sizeof *out);
	util_strlcpy(out->username, "gen", sizeof out->username);
	util_strlcpy(out->display_name, "合成数据", sizeof out->display_name);
	util_strlcpy(out->unit_id, unit_id, sizeof out->unit_id);
	out->roles = ROLE_HANDLER | ROLE_REVIEWER | ROLE_CLERK;
}

/* A named officer of a unit: the four-eyes rules of case funds tell people apart by user id. */
static void officer_principal(const char *unit_id, int64_t user_id, int roles, principal *out)
{
	unit_principal(unit_id, out);
	out->user_id = user_id;
	out->roles = roles;
}

static double unit_rand(synth_rng *r)
{
	return (double)synth_next(r) / 4294967296.0;
}

static const char *pick_action(synth_rng *r, const char *kind, const char *stage, int returns)
{
	int total = 0;
	for (size_t i = 0; i < NELEM(policy); i++)
		if (!strcmp(policy[i].kind, kind) && !strcmp(policy[i].stage, stage) &&
		    !(returns >= 2 && !strcmp(policy[i].action, "return_supplementary")))
			total += policy[i].weight;
	if (!total)
		return NULL;
	int x = (int)synth_below(r, (uint32_t)total);
	for (size_t i = 0; i < NELEM(policy); i++) {
		if (strcmp(policy[i].kind, kind) || strcmp(policy[i].stage, stage) ||
		    (returns >= 2 && !strcmp(policy[i].action, "return_supplementary")))
			continue;
		if (x < policy[i].weight)
			return policy[i].action;
		x -= policy[i].weight;
	}
	return NULL;
}

static const char *pick_procedure(synth_rng *r, const char *kind)
{
	int total = 0;
	for (size_t i = 0; i < NELEM(procedures); i++)
		if (!strcmp(procedures[i].kind, kind))
			total += procedures[i].weight;
	int x = (int)synth_below(r, (uint32_t)(total ? total : 1));
	for (size_t i = 0; i < NELEM(procedures); i++) {
		if (strcmp(procedures[i].kind, kind))
			continue;
		if (x < procedures[i].weight)
			return procedures[i].procedure;
		x -= procedures[i].weight;
	}
	return "ordinary";
}

static int add_parties(synth_rng *r, const char *kind, const char *area, matter_party_in *p, char (*names)[64],
                       char (*ids)[19], int *out_org)
{
	int n = 0;
	*out_org = 0;
	if (!strcmp(kind, "criminal")) {
		int suspects = synth_below(r, 10) == 0 ? 2 : 1; /* a few joint offences */
		for (int k = 0; k < suspects; k++, n++) {
			synth_person_name(r, names[n], 64);
			synth_resident_id(r, area, 1960, 2006, ids[n]);
			p[n] = (matter_party_in){ "person", names[n], "suspect", "resident_id", ids[n] };
		}
		if (synth_below(r, 2)) {
			synth_person_name(r, names[n], 64);
			synth_resident_id(r, area, 1945, 2010, ids[n]);
			p[n] = (matter_party_in){ "person", names[n], "victim", "resident_id", ids[n] };
			n++;
		}
		return n;
	}
	const char *a = !strcmp(kind, "enforcement") ? "creditor" : "plaintiff";
	const char *b = !strcmp(kind, "enforcement") ? "debtor" : "defendant";
	for (int k = 0; k < 2; k++, n++) {
		int org = synth_below(r, 4) == 0 || (!strcmp(kind, "administrative") && k == 1);
		if (org) {
			synth_org_name(r, names[n], 64);
			synth_credit_code(r, area, ids[n]);
			p[n] = (matter_party_in){ "organization", names[n], k ? b : a, "credit_code", ids[n] };
			*out_org = 1;
		} else {
			synth_person_name(r, names[n], 64);
			synth_resident_id(r, area, 1950, 2004, ids[n]);
			p[n] = (matter_party_in){ "person", names[n], k ? b : a, "resident_id", ids[n] };
		}
	}
	return n;
}

/* Days a holder takes for a stage whose period is `period` days: mostly within it, some late. */
static long step_gap(synth_rng *r, long period, const char *kind, const char *stage, double *out_u)
{
	double u, x = unit_rand(r);
	if (x < 0.82)
		u = 0.1 + 0.85 * unit_rand(r);
	else if (x < 0.90)
		u = 0.95 + 0.05 * unit_rand(r);
	else
		u = 1.02 + 1.0 * unit_rand(r); /* late, up to twice the period */
	*out_u = u;
	/* windows that are not working periods: the next step comes soon after the judgment is final */
	if (!strcmp(stage, "effective") && strcmp(kind, "criminal") && period > 90)
		period = 90;
	long g = lround((double)period * u);
	return g < 1 ? 1 : g;
}

struct walk {
	store *db;
	synth_rng *r;
	const char *data_dir; /* NULL: no documents */
	enforce_settings es;
	cal_date today;
	long span_days;
	const long *cum; /* cumulative county weights */
	long cum_total;
	gen_stats *st;
};

/* A document registered in the matter's dossier, as the holder does when it files, judges or hands the
 * matter on (电子卷宗随案流转): through dossier_add, with its registration event. The content is a
 * small stand-in PDF per title and position in the dossier, so the region's file store holds a few
 * hundred files however many registrations point at them (content is stored once by hash). */
static int add_document(struct walk *w, const principal *who, int64_t matter_id, const char *title, int *nth, err *e)
{
	if (!w->data_dir)
		return OK;
	/* a dossier holds each content once: the n-th document of a matter is its own stand-in */
	int k = ++*nth;
	char body[320], name[160], tmp[700];
	int n = snprintf(body, sizeof body,
	                 "%%PDF-1.4\n%% CaseBridge synthetic document (casebridge gen): %s, no. %d\n%%%%EOF\n", title,
	                 k);
	snprintf(name, sizeof name, "%s.pdf", title);
	snprintf(tmp, sizeof tmp, "%s/tmp", w->data_dir);
	mkdir(tmp, 0700);
	snprintf(tmp, sizeof tmp, "%s/tmp/gen-document", w->data_dir);
	uint8_t sha[HASH_LEN];
	char hex[65], stored[800];
	struct stat sb;
	if (hash_digest(HASH_SHA256, body, (size_t)n, sha))
		return err_set(e, E_INTERNAL, NULL, "sha256 failed");
	for (int i = 0; i < HASH_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", sha[i]);
	dossier_path(w->data_dir, hex, stored, sizeof stored);
	if (stat(stored, &sb) != 0) { /* first time: the upload's temporary file, as the server streams it */
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0 || write(fd, body, (size_t)n) != n) {
			if (fd >= 0)
				close(fd);
			return err_set(e, E_IO, NULL, "cannot write %s", tmp);
		}
		close(fd);
	} /* else the content is stored already and dossier_add has nothing to move */
	dossier_upload up = { .tmp_path = tmp,
		              .sha256 = sha,
		              .size = (uint64_t)n,
		              .head = (const unsigned char *)body,
		              .head_len = (size_t)n,
		              .name = name };
	return dossier_add(w->db, who, w->data_dir, matter_id, &up, NULL, e);
}

/* The document a step produces or hands on (the judgment of a judging step, the indictment, the
 * opinion that goes with a transfer for prosecution, ...); NULL for the others. */
static const char *step_document(const flow_step *s)
{
	if (!strcmp(s->action, "judge") || !strcmp(s->action, "judge_second"))
		return "判决书";
	if (!strcmp(s->action, "mediate"))
		return "调解书";
	if (!strcmp(s->action, "indict"))
		return "起诉书";
	if (!strcmp(s->action, "transfer_for_prosecution") || !strcmp(s->action, "retransfer_for_prosecution"))
		return "起诉意见书";
	if (!strcmp(s->action, "request_arrest"))
		return "提请批准逮捕书";
	if (!strcmp(s->action, "appeal"))
		return "上诉状";
	return NULL;
}

/* An enforcement matter's work besides its steps, as courts do it: on entering the stage the case-funds
 * account is opened and the county police are asked to locate the debtor and list vehicles; they
 * answer within days. Each call writes through the real domain functions, with their events. */
static int enforce_begin(struct walk *w, const store_matter *m, cal_date started, const matter_party_in *debtor, err *e)
{
	synth_rng *r = w->r;
	principal handler, police;
	unit_principal(m->holder_unit_id, &handler);
	arena *a = arena_new();
	json_t *out = NULL;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	int64_t applied = 100000 * (int64_t)(10 + synth_below(r, 4990)); /* 1,000 to 500,000 yuan */
	int rc = ledger_account_open(w->db, &handler, m->id, applied, a, &out, e);
	json_decref(out);
	cal_date sent = cal_date_add_days(started, 1 + (long)synth_below(r, 5));
	const org_unit *pu = org_unit_of(m->holder_area_code, "police");
	if (rc || !pu || strcmp(debtor->type, "person") || cal_date_cmp(sent, w->today) > 0)
		goto done;
	char on[11], answered_on[11];
	legal_format(sent, on);
	static const char *const asked[] = { "locate", "vehicles" };
	assist_debtor_in d = { .name = debtor->name,
		               .id_type = debtor->id_type,
		               .id_number = debtor->id_number,
		               .kinds = asked,
		               .n_kinds = 2 };
	assist_new req = { .matter_id = m->id,
		           .police_unit_id = pu->id,
		           .basis = "执行裁定书、协助执行通知书",
		           .note = "请协助查找被执行人下落及名下车辆",
		           .debtors = &d,
		           .n_debtors = 1,
		           .on = on };
	int64_t req_id;
	if ((rc = assist_request_create(w->db, &handler, &w->es, &req, &req_id, e)))
		goto done;
	cal_date when = cal_date_add_days(sent, (long)synth_below(r, 9)); /* mostly within 5 working days */
	if (cal_date_cmp(when, w->today) > 0)
		goto done;
	legal_format(when, answered_on);
	store_assist_item *items;
	size_t ni;
	if ((rc = store_assist_item_list(w->db, req_id, a, &items, &ni, e)) || ni < 2)
		goto done;
	json_t *found = json_pack("{s:s}", "address", "户籍地居住");
	json_t *none = json_object();
	assist_answer_in ans[2] = { { .item_id = items[0].id, .found = 1, .findings = found },
		                    { .item_id = items[1].id, .found = 0, .findings = none } };
	officer_principal(pu->id, -1, ROLE_HANDLER, &police);
	rc = found && none ? assist_answer(w->db, &police, req_id, ans, 2, answered_on, e)
	                   : err_set(e, E_NOMEM, NULL, "out of memory");
	json_decref(found);
	json_decref(none);
done:
	arena_free(a);
	return rc;
}

/* Before a matter closes as performed (执行完毕): the money comes in and, approved by a second person,
 * goes out to the creditor. A 终本 closing may first see part of it. */
static int enforce_funds(struct walk *w, const store_matter *m, const char *action, cal_date on_day, err *e)
{
	int performed = !strcmp(action, "close_enforced");
	if (!performed && synth_below(w->r, 3))
		return OK;
	arena *a = arena_new();
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	int64_t applied = 0, received = 0;
	int rc = ledger_matter_performance(w->db, m->id, &applied, &received, e);
	if (rc || applied <= 0)
		goto done;
	int64_t amount = performed ? applied : applied / (2 + (int64_t)synth_below(w->r, 8));
	char on[11], key[40], ref[40];
	legal_format(on_day, on);
	principal fund, reviewer;
	officer_principal(m->holder_unit_id, -2, ROLE_FUND_OFFICER, &fund);
	officer_principal(m->holder_unit_id, -3, ROLE_REVIEWER | ROLE_FUND_OFFICER, &reviewer);
	snprintf(key, sizeof key, "gen-receipt-%lld", (long long)m->id);
	snprintf(ref, sizeof ref, "GEN-%lld", (long long)m->id);
	ledger_receipt_in in = { .key = key,
		                 .matter_id = m->id,
		                 .source = performed ? "debtor_payment" : "bank_deduction",
		                 .amount = amount,
		                 .payer = performed ? "被执行人交款" : "银行扣划",
		                 .reference = ref,
		                 .received_on = on };
	json_t *out = NULL;
	int replayed;
	if ((rc = ledger_receipt(w->db, &fund, &w->es, &in, &out, &replayed, e)))
		goto done;
	json_decref(out);
	out = NULL;
	snprintf(key, sizeof key, "gen-disburse-%lld", (long long)m->id);
	ledger_disbursement_in dis = { .key = key,
		                       .matter_id = m->id,
		                       .kind = "creditor",
		                       .amount = amount,
		                       .payee_name = "申请执行人",
		                       .payee_account = "6228480012345678901",
		                       .payee_bank = "中国农业银行" };
	if ((rc = ledger_disbursement_request(w->db, &fund, &dis, &out, &replayed, e)))
		goto done;
	int64_t id = json_integer_value(json_object_get(out, "id"));
	json_decref(out);
	out = NULL;
	snprintf(key, sizeof key, "gen-approve-%lld", (long long)m->id);
	rc = ledger_disbursement_approve(w->db, &reviewer, key, id, "核对无误", on, &out, &replayed, e);
	json_decref(out);
done:
	arena_free(a);
	return rc;
}

static int one_matter(struct walk *w, err *e)
{
	synth_rng *r = w->r;
	long x = (long)synth_below(r, (uint32_t)w->cum_total);
	size_t ci = 0;
	while (ci + 1 < gen_n_counties && w->cum[ci] <= x)
		ci++;
	const char *area = gen_counties[ci].code;
	int kx = (int)synth_below(r, 1000), ki = 0;
	while (ki < 3 && kx >= kind_weight[ki])
		kx -= kind_weight[ki++];
	const char *kind = kinds[ki];
	const org_unit *u = org_unit_of(area, flow_filing_kind(kind));
	if (!u)
		return err_set(e, E_INTERNAL, NULL, "no %s unit in %s", flow_filing_kind(kind), area);
	/* filing day: density rising by half over the span (inverse CDF of 1 + t/2 on [0,1]) */
	double t = 2.0 * (sqrt(1.0 + 1.25 * unit_rand(r)) - 1.0);
	long age = (long)((1.0 - t) * (double)w->span_days);
	cal_date cur = cal_date_add_days(w->today, -age);
	char filed[11], on[11], summary[240];
	legal_format(cur, filed);
	principal who;
	unit_principal(u->id, &who);
	matter_party_in parties[4];
	char names[4][64], ids[4][19];
	int has_org;
	int np = add_parties(r, kind, area, parties, names, ids, &has_org);
	size_t si;
	do
		si = synth_below(r, NELEM(summaries));
	while (strcmp(summaries[si][0], kind));
	snprintf(summary, sizeof summary, "%s%s，%s", names[0], summaries[si][1], summaries[si][2]);
	const char *tags[1] = { has_org && synth_below(r, 2) ? "enterprise_related" : "green_channel" };
	int tagged = has_org ? synth_below(r, 4) == 0 : synth_below(r, 40) == 0;
	matter_new in = { .kind = kind,
		          .summary = summary,
		          .tags = tags,
		          .n_tags = tagged ? 1 : 0,
		          .parties = parties,
		          .n_parties = (size_t)np,
		          .detained = !strcmp(kind, "criminal") && synth_below(r, 3) == 0,
		          .filed_on = filed };
	int64_t id;
	int rc = matter_file(w->db, &who, &in, &id, NULL, e);
	if (rc)
		return rc;
	static const char *const filing_documents[4] = { "立案决定书", "民事起诉状", "行政起诉状", "执行申请书" };
	int n_docs = 0;
	if ((rc = add_document(w, &who, id, filing_documents[ki], &n_docs, e)))
		return rc;
	w->st->by_kind[ki]++;
	int open = 1, pending = 0, enforcing = 0;
	store_matter m;
	arena *a = arena_new();
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	for (int step = 0; step < 24 && rc == OK; step++) {
		arena_free(a);
		if (!(a = arena_new()))
			return err_set(e, E_NOMEM, NULL, "out of memory");
		if ((rc = store_matter_get(w->db, id, a, &m, e)))
			break;
		if (strcmp(m.status, "open")) {
			open = 0;
			break;
		}
		const char *action = pick_action(r, m.kind, m.stage, m.returns);
		const flow_step *s = action ? flow_find(m.kind, m.stage, action) : NULL;
		if (!s)
			break;
		cal_date started, due;
		cal_date_parse(m.stage_started_on, NULL, &started, NULL);
		cal_date_parse(m.due_on, NULL, &due, NULL);
		if (!strcmp(m.stage, "enforcement") && !enforcing++ &&
		    (rc = enforce_begin(w, &m, started, &parties[np > 1 ? 1 : 0], e)))
			break;
		double share;
		long period = cal_days_between(started, due);
		long gap = step_gap(r, period > 0 ? period : 1, m.kind, m.stage, &share);
		cal_date next = cal_date_add_days(started, gap);
		if (cal_date_cmp(next, cur) < 0)
			next = cur;
		unit_principal(m.holder_unit_id, &who);
		/* a late holder sometimes asks for the extension the law allows, and gets it */
		const deadline_rule *rule = m.rule_id ? legal_rule(m.rule_id) : NULL;
		if (share > 0.95 && rule && m.extensions < rule->max_extensions && synth_below(r, 2) &&
		    cal_date_cmp(cal_date_add_days(started, lround((double)period * 0.9)), w->today) <= 0) {
			int64_t xid;
			if ((rc = matter_extension_request(w->db, &who, id, "案情复杂，需要延长办理期限", NULL, &xid,
			                                   e)) ||
			    (rc = matter_extension_decide(w->db, &who, xid, 1, "同意延长", e)))
				break;
			continue; /* re-read: the due date moved */
		}
		if (cal_date_cmp(next, w->today) > 0)
			break; /* not yet: the matter is open in this stage */
		cur = next;
		legal_format(cur, on);
		if (!strcmp(m.stage, "enforcement") && (rc = enforce_funds(w, &m, s->action, cur, e)))
			break;
		const char *doc = step_document(s);
		if (doc && (rc = add_document(w, &who, id, doc, &n_docs, e)))
			break;
		const char *proc = (s->flags & FLOW_NEEDS_PROCEDURE) ? pick_procedure(r, m.kind) : NULL;
		matter_act_in ai = { .note = "", .reason = "证据不足，需补充材料", .procedure = proc, .on = on };
		int64_t tid = 0;
		if ((rc = matter_act(w->db, &who, id, s->action, &ai, &tid, e)))
			break;
		if (!tid)
			continue;
		/* the receiver signs within the platform's 3 working days, mostly at once */
		long wait = synth_below(r, 3) ? 0 : 1 + (long)synth_below(r, 4);
		cal_date when = cal_date_add_days(cur, wait);
		if (cal_date_cmp(when, w->today) > 0) {
			pending = 1;
			break;
		}
		const char *to, *from;
		int64_t mid;
		if ((rc = transfer_units(w->db, tid, a, &to, &from, &mid, e)))
			break;
		unit_principal(to, &who);
		if (synth_below(r, 100) < 3) {
			rc = transfer_return(w->db, &who, tid, "移送材料不齐全，请补正后重新移送", e);
			continue;
		}
		cur = when;
		legal_format(cur, on);
		rc = transfer_accept(w->db, &who, tid, on, e);
	}
	if (rc == OK && open && (rc = store_matter_get(w->db, id, a, &m, e)) == OK) {
		open = !strcmp(m.status, "open");
		if (open) {
			char today[11];
			legal_format(w->today, today);
			w->st->open++;
			w->st->overdue += strcmp(m.due_on, today) < 0;
			w->st->pending_transfers += pending;
		}
	}
	arena_free(a);
	return rc;
}

int gen_region(store *db, const gen_opts *o, gen_stats *out, err *e)
{
	long cum[sizeof gen_counties / sizeof gen_counties[0]];
	long total = 0;
	for (size_t i = 0; i < gen_n_counties; i++)
		cum[i] = (total += gen_counties[i].pop);
	gen_stats st = { 0 };
	synth_rng r;
	synth_seed(&r, o->seed);
	cal_date today = legal_today_date();
	if (o->as_of && cal_date_parse(o->as_of, "as-of", &today, e))
		return e->code;
	struct walk w = { .db = db,
		          .r = &r,
		          .data_dir = o->data_dir,
		          .today = today,
		          .span_days = 365L * (o->years > 0 ? o->years : 10),
		          .cum = cum,
		          .cum_total = total,
		          .st = &st };
	enforce_settings_default(&w.es);
	int batch = o->batch > 0 ? o->batch : 500;
	int64_t ev0 = 0, ev = 0;
	int rc = store_event_count(db, &ev0, e);
	for (long i = 0; rc == OK && i < o->n_matters;) {
		if ((rc = store_batch_begin(db, e)))
			break;
		for (int k = 0; rc == OK && k < batch && i < o->n_matters; k++, i++)
			rc = one_matter(&w, e);
		if (rc) {
			store_batch_rollback(db);
			break;
		}
		if ((rc = store_batch_commit(db, e)) || (rc = store_event_count(db, &ev, e)))
			break;
		st.matters = i;
		st.events = ev - ev0;
		if (o->progress)
			o->progress(o->progress_ctx, i, o->n_matters, ev - ev0);
	}
	if (out)
		*out = st;
	return rc;
}
