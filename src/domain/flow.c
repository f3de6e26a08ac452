/*
 * flow.c - the transition table. See flow.h. Articles are cited beside the rows; the time limits
 * themselves (and their articles) are in data/time_limit_rules.csv.
 */
#include "domain/flow.h"

#include <string.h>

#define R FLOW_NEEDS_REASON
#define C FLOW_CLOSES
#define P FLOW_NEEDS_PROCEDURE
#define N FLOW_COURT_NUMBER
#define M FLOW_NEEDS_MANNER

const flow_stage flow_stages[] = {
	/* criminal */
	{ "criminal", "investigation", "侦查", "police" },
	{ "criminal", "arrest_review", "审查批准逮捕", "procuratorate" },
	{ "criminal", "investigation_arrested", "逮捕后侦查羁押", "police" },
	{ "criminal", "prosecution_review", "审查起诉", "procuratorate" },
	{ "criminal", "supplementary_investigation", "退回补充侦查", "police" },
	{ "criminal", "first_instance", "一审", "court" },
	{ "criminal", "appeal_window", "上诉期", "court" },
	{ "criminal", "second_instance", "二审", "court" },
	{ "criminal", "effective", "判决生效待交付执行", "court" },
	{ "criminal", "community_correction", "社区矫正", "justice_bureau" },
	{ "criminal", "closed", "已结案", "" },
	/* civil */
	{ "civil", "filing_review", "立案审查", "court" },
	{ "civil", "pre_suit_mediation", "诉前调解", "court" },
	{ "civil", "first_instance", "一审", "court" },
	{ "civil", "appeal_window", "上诉期", "court" },
	{ "civil", "second_instance", "二审", "court" },
	{ "civil", "effective", "裁判生效", "court" },
	{ "civil", "enforcement", "执行", "court" },
	{ "civil", "closed", "已结案", "" },
	/* administrative */
	{ "administrative", "filing_review", "立案审查", "court" },
	{ "administrative", "first_instance", "一审", "court" },
	{ "administrative", "appeal_window", "上诉期", "court" },
	{ "administrative", "second_instance", "二审", "court" },
	{ "administrative", "effective", "裁判生效", "court" },
	{ "administrative", "closed", "已结案", "" },
	/* enforcement filed directly (arbitral awards, notarised debts, ...) */
	{ "enforcement", "enforcement", "执行", "court" },
	{ "enforcement", "closed", "已结案", "" },
};
const size_t flow_n_stages = sizeof flow_stages / sizeof flow_stages[0];

/* A row names its basis and precondition only when it has them (the trailing fields default to NULL). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
const flow_step flow_steps[] = {
	/* ---- criminal: police → procuratorate → court → justice bureau ---- */
	/* CPL art. 87, 91: request for arrest approval; the procuratorate decides within 7 days */
	{ "criminal", "investigation", "request_arrest", "提请批准逮捕", "police", TARGET_SAME_AREA, "procuratorate",
	  "arrest_review", "arrest_review", NULL, 0 },
	{ "criminal", "arrest_review", "approve_arrest", "批准逮捕", "procuratorate", TARGET_SAME_AREA, "police",
	  "investigation_arrested", "investigation_custody", NULL, 0 },
	{ "criminal", "arrest_review", "refuse_arrest", "不批准逮捕", "procuratorate", TARGET_SAME_AREA, "police",
	  "investigation", "bail_investigation", NULL, R },
	/* CPL art. 162: transfer for prosecution review (art. 172: 1 month, +15 days) */
	{ "criminal", "investigation", "transfer_for_prosecution", "移送审查起诉", "police", TARGET_SAME_AREA,
	  "procuratorate", "prosecution_review", "prosecution_review", NULL, 0 },
	{ "criminal", "investigation_arrested", "transfer_for_prosecution", "移送审查起诉", "police", TARGET_SAME_AREA,
	  "procuratorate", "prosecution_review", "prosecution_review", NULL, 0 },
	/* CPL art. 175: return for supplementary investigation, 1 month each, at most twice; the review
	 * clock restarts when the matter comes back */
	{ "criminal", "prosecution_review", "return_supplementary", "退回补充侦查", "procuratorate", TARGET_SAME_AREA,
	  "police", "supplementary_investigation", "supplementary_investigation", NULL, R | FLOW_COUNTS_RETURN },
	{ "criminal", "supplementary_investigation", "retransfer_for_prosecution", "补充侦查完毕重新移送", "police",
	  TARGET_SAME_AREA, "procuratorate", "prosecution_review", "prosecution_review", NULL, 0 },
	/* CPL art. 176, 177: indict, or decline to prosecute */
	{ "criminal", "prosecution_review", "indict", "提起公诉", "procuratorate", TARGET_SAME_AREA, "court",
	  "first_instance", "", "刑初", P | N },
	{ "criminal", "prosecution_review", "decline_prosecution", "不起诉", "procuratorate", TARGET_NONE, NULL,
	  "closed", NULL, NULL, R | C },
	/* CPL art. 208, 220, 225: first instance; art. 230: appeal window of 10 days */
	{ "criminal", "first_instance", "judge", "宣判", "court", TARGET_NONE, NULL, "appeal_window",
	  "criminal_appeal_judgment", NULL, 0 },
	{ "criminal", "appeal_window", "appeal", "上诉/抗诉", "court", TARGET_UP, "court", "second_instance",
	  "criminal_second", "刑终", N },
	{ "criminal", "appeal_window", "make_effective", "判决生效", "court", TARGET_NONE, NULL, "effective",
	  "judgment_handover", NULL, 0 },
	/* CPL art. 243: second instance, 2 months; its judgment is final (art. 244) */
	{ "criminal", "second_instance", "judge_second", "二审宣判", "court", TARGET_NONE, NULL, "effective",
	  "judgment_handover", NULL, 0 },
	/* 社区矫正法 art. 20: hand over to community correction; or record delivery to prison (CPL art. 264) */
	{ "criminal", "effective", "hand_to_correction", "交付社区矫正", "court", TARGET_ORIGIN, "justice_bureau",
	  "community_correction", "correction_report", NULL, 0 },
	{ "criminal", "effective", "record_prison", "送监执行", "court", TARGET_NONE, NULL, "closed", NULL, NULL, C },
	{ "criminal", "community_correction", "register_correction", "社区矫正报到登记", "justice_bureau", TARGET_NONE,
	  NULL, "closed", NULL, NULL, C },

	/* ---- civil ---- */
	/* CivPL art. 126: filing decision within 7 days */
	{ "civil", "filing_review", "accept_case", "立案受理", "court", TARGET_NONE, NULL, "first_instance", "", "民初",
	  P | N },
	{ "civil", "filing_review", "refer_mediation", "诉前调解", "court", TARGET_NONE, NULL, "pre_suit_mediation",
	  "pre_suit_mediation", NULL, 0 },
	{ "civil", "filing_review", "reject_filing", "不予受理", "court", TARGET_NONE, NULL, "closed", NULL, NULL,
	  R | C },
	{ "civil", "pre_suit_mediation", "mediation_succeeded", "调解成功", "court", TARGET_NONE, NULL, "closed", NULL,
	  NULL, C },
	{ "civil", "pre_suit_mediation", "mediation_failed", "调解不成立案", "court", TARGET_NONE, NULL,
	  "first_instance", "", "民初", P | N },
	/* CivPL art. 152, 164, 168: first instance; art. 171: appeal window of 15 days */
	{ "civil", "first_instance", "judge", "宣判", "court", TARGET_NONE, NULL, "appeal_window",
	  "civil_appeal_judgment", NULL, 0 },
	{ "civil", "first_instance", "mediate", "调解结案", "court", TARGET_NONE, NULL, "effective",
	  "enforcement_application", NULL, 0 },
	{ "civil", "first_instance", "withdraw_suit", "撤诉", "court", TARGET_NONE, NULL, "closed", NULL, NULL, C },
	{ "civil", "appeal_window", "appeal", "上诉", "court", TARGET_UP, "court", "second_instance", "civil_second",
	  "民终", N },
	{ "civil", "appeal_window", "make_effective", "判决生效", "court", TARGET_NONE, NULL, "effective",
	  "enforcement_application", NULL, 0 },
	/* CivPL art. 183: second instance, 3 months; the judgment is final */
	{ "civil", "second_instance", "judge_second", "二审宣判", "court", TARGET_NONE, NULL, "effective",
	  "enforcement_application", NULL, 0 },
	/* CivPL art. 250: application for enforcement within 2 years; SPC 2000 rules art. 5: 6 months */
	{ "civil", "effective", "apply_enforcement", "申请执行", "court", TARGET_NONE, NULL, "enforcement",
	  "enforcement", "执", N },
	{ "civil", "effective", "close", "结案归档", "court", TARGET_NONE, NULL, "closed", NULL, NULL, C },
	/* Enforcement closes four ways (SPC 执行案件立案、结案若干问题的意见 (法发〔2014〕26号) art. 14);
	 * 实际执行率 counts the first two (by compulsory enforcement or voluntary performance, and by a
	 * performed settlement), so the table says which was which. */
	{ "civil", "enforcement", "close_enforced", "执行完毕", "court", TARGET_NONE, NULL, "closed", NULL, NULL, C | M,
	  "法发〔2014〕26号第十五条" },
	{ "civil", "enforcement", "close_settled", "执行和解履行完毕", "court", TARGET_NONE, NULL, "closed", NULL, NULL,
	  C, "法释〔2018〕3号" },
	/* 法〔2016〕373号 art. 1: closing this round without assets, only when its conditions hold */
	{ "civil", "enforcement", "close_no_assets", "终结本次执行", "court", TARGET_NONE, NULL, "closed", NULL, NULL,
	  R | C, "法〔2016〕373号第一条", "no_assets" },
	{ "civil", "enforcement", "close_terminated", "终结执行", "court", TARGET_NONE, NULL, "closed", NULL, NULL,
	  R | C, "民事诉讼法（2023）第二百六十八条" },

	/* ---- administrative ---- */
	/* ALL art. 51: filing within 7 days; art. 81, 83: first instance 6 months, summary 45 days */
	{ "administrative", "filing_review", "accept_case", "立案受理", "court", TARGET_NONE, NULL, "first_instance",
	  "", "行初", P | N },
	{ "administrative", "filing_review", "reject_filing", "不予立案", "court", TARGET_NONE, NULL, "closed", NULL,
	  NULL, R | C },
	{ "administrative", "first_instance", "judge", "宣判", "court", TARGET_NONE, NULL, "appeal_window",
	  "admin_appeal_judgment", NULL, 0 },
	{ "administrative", "first_instance", "withdraw_suit", "撤诉", "court", TARGET_NONE, NULL, "closed", NULL, NULL,
	  C },
	/* ALL art. 85, 88: appeal within 15 days; second instance 3 months */
	{ "administrative", "appeal_window", "appeal", "上诉", "court", TARGET_UP, "court", "second_instance",
	  "admin_second", "行终", N },
	{ "administrative", "appeal_window", "make_effective", "判决生效", "court", TARGET_NONE, NULL, "effective",
	  "enforcement_application", NULL, 0 },
	{ "administrative", "second_instance", "judge_second", "二审宣判", "court", TARGET_NONE, NULL, "effective",
	  "enforcement_application", NULL, 0 },
	{ "administrative", "effective", "close", "结案归档", "court", TARGET_NONE, NULL, "closed", NULL, NULL, C },

	/* ---- enforcement filed directly ---- */
	{ "enforcement", "enforcement", "close_enforced", "执行完毕", "court", TARGET_NONE, NULL, "closed", NULL, NULL,
	  C | M, "法发〔2014〕26号第十五条" },
	{ "enforcement", "enforcement", "close_settled", "执行和解履行完毕", "court", TARGET_NONE, NULL, "closed", NULL,
	  NULL, C, "法释〔2018〕3号" },
	{ "enforcement", "enforcement", "close_no_assets", "终结本次执行", "court", TARGET_NONE, NULL, "closed", NULL,
	  NULL, R | C, "法〔2016〕373号第一条", "no_assets" },
	{ "enforcement", "enforcement", "close_terminated", "终结执行", "court", TARGET_NONE, NULL, "closed", NULL,
	  NULL, R | C, "民事诉讼法（2023）第二百六十八条" },
};
#pragma GCC diagnostic pop
const size_t flow_n_steps = sizeof flow_steps / sizeof flow_steps[0];

/* How 执行完毕 came about (法发〔2014〕26号 art. 15): by compulsory measures, or the debtor performed. */
const flow_manner flow_manners[] = {
	{ "close_enforced", "compulsory", "强制执行" },
	{ "close_enforced", "voluntary", "自动履行" },
};
const size_t flow_n_manners = sizeof flow_manners / sizeof flow_manners[0];

const flow_manner *flow_manner_find(const char *action, const char *manner)
{
	for (size_t i = 0; action && manner && i < flow_n_manners; i++)
		if (!strcmp(flow_manners[i].action, action) && !strcmp(flow_manners[i].manner, manner))
			return &flow_manners[i];
	return NULL;
}

/* Procedure-dependent rules of the steps with rule_id "" (the procedure is chosen by the actor). */
static const struct {
	const char *kind, *to_stage, *procedure, *rule_id;
} by_procedure[] = {
	{ "criminal", "first_instance", "ordinary", "criminal_first_ordinary" },
	{ "criminal", "first_instance", "summary", "criminal_first_summary" },
	{ "criminal", "first_instance", "fast_track", "criminal_first_fast" },
	{ "civil", "first_instance", "ordinary", "civil_first_ordinary" },
	{ "civil", "first_instance", "summary", "civil_first_summary" },
	{ "civil", "first_instance", "small_claims", "civil_first_small" },
	{ "administrative", "first_instance", "ordinary", "admin_first" },
	{ "administrative", "first_instance", "summary", "admin_first_summary" },
};

static const struct {
	const char *kind, *label, *filing_kind, *stage, *rule, *stage_detained, *rule_detained;
} kinds[] = {
	/* CPL art. 82, 91: a detained suspect needs an arrest request within 3 days; otherwise the
	 * investigation runs under bail (CPL art. 79: at most 12 months) */
	{ "criminal", "刑事", "police", "investigation", "bail_investigation", "investigation", "arrest_request" },
	{ "civil", "民事", "court", "filing_review", "civil_filing", NULL, NULL },
	{ "administrative", "行政", "court", "filing_review", "admin_filing", NULL, NULL },
	{ "enforcement", "执行", "court", "enforcement", "enforcement", NULL, NULL },
};

const flow_step *flow_find(const char *kind, const char *stage, const char *action)
{
	for (size_t i = 0; i < flow_n_steps; i++)
		if (!strcmp(flow_steps[i].kind, kind) && !strcmp(flow_steps[i].from_stage, stage) &&
		    !strcmp(flow_steps[i].action, action))
			return &flow_steps[i];
	return NULL;
}

size_t flow_actions(const char *kind, const char *stage, const flow_step **out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < flow_n_steps; i++)
		if (!strcmp(flow_steps[i].kind, kind) && !strcmp(flow_steps[i].from_stage, stage)) {
			if (n < cap)
				out[n] = &flow_steps[i];
			n++;
		}
	return n;
}

const flow_stage *flow_stage_find(const char *kind, const char *stage)
{
	for (size_t i = 0; i < flow_n_stages; i++)
		if (!strcmp(flow_stages[i].kind, kind) && !strcmp(flow_stages[i].stage, stage))
			return &flow_stages[i];
	return NULL;
}

static int kind_index(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kinds[i].kind, kind))
			return (int)i;
	return -1;
}

int flow_kind_valid(const char *kind)
{
	return kind_index(kind) >= 0;
}

const char *flow_kind_label(const char *kind)
{
	int i = kind_index(kind);
	return i < 0 ? "?" : kinds[i].label;
}

const char *flow_initial_stage(const char *kind, int detained)
{
	int i = kind_index(kind);
	if (i < 0)
		return NULL;
	return detained && kinds[i].stage_detained ? kinds[i].stage_detained : kinds[i].stage;
}

const char *flow_initial_rule(const char *kind, int detained)
{
	int i = kind_index(kind);
	if (i < 0)
		return NULL;
	return detained && kinds[i].rule_detained ? kinds[i].rule_detained : kinds[i].rule;
}

const char *flow_filing_kind(const char *kind)
{
	int i = kind_index(kind);
	return i < 0 ? NULL : kinds[i].filing_kind;
}

const char *flow_rule_for(const flow_step *s, const char *procedure)
{
	if (!s->rule_id)
		return NULL;
	if (s->rule_id[0])
		return s->rule_id;
	for (size_t i = 0; i < sizeof by_procedure / sizeof by_procedure[0]; i++)
		if (!strcmp(by_procedure[i].kind, s->kind) && !strcmp(by_procedure[i].to_stage, s->to_stage) &&
		    procedure && !strcmp(by_procedure[i].procedure, procedure))
			return by_procedure[i].rule_id;
	return NULL;
}
