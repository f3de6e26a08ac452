/*
 * test_deadline.c - the time-limit rules table and due dates computed from it. The numbered cases were
 * worked out by hand from the statutes, data/time_limit_rules.csv and data/holidays_cn.csv (weekdays
 * checked against an independent calendar); a failure names its row.
 */
#include "testutil.h"

#include "core/err.h"
#include "core/mem.h"
#include "domain/calendar.h"
#include "domain/deadline.h"

static calendar *cal;
static deadline_rules *rules;

static int setup(void **state)
{
	(void)state;
	err e;
	if (calendar_load_default(&cal, &e) != OK)
		return -1;
	return deadline_rules_load_default(&rules, &e) == OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	deadline_rules_free(rules);
	calendar_free(cal);
	return 0;
}

static cal_date D(const char *s)
{
	cal_date d = { 0, 0, 0 };
	err e;
	if (cal_date_parse(s, "test", &d, &e) != OK)
		fail_msg("bad date in test table: %s", s);
	return d;
}

typedef struct rule_case {
	int no;
	const char *rule;
	const char *start;
	int n_extensions;
	int want_rc;
	const char *want_due; /* when want_rc is OK */
	int want_beyond;
	const char *why;
} rule_case;

static const rule_case cases[] = {
	{ 1, "arrest_request", "2024-09-27", 0, OK, "2024-09-30", 0, "3 days, Mon" },
	{ 2, "arrest_request", "2024-09-27", 1, OK, "2024-10-04", 0, "7 days, custody: 国庆节 not extended" },
	{ 3, "arrest_review", "2025-01-21", 0, OK, "2025-01-28", 0, "7 days, custody: 春节 not extended" },
	{ 4, "arrest_request_major", "2024-01-05", 0, OK, "2024-02-04", 0, "30 days, custody" },
	{ 5, "investigation_custody", "2024-06-30", 0, OK, "2024-08-31", 0, "2 months from month end, custody Sat" },
	{ 6, "investigation_custody", "2024-06-30", 1, OK, "2024-09-30", 0, "+1 month (art. 156)" },
	{ 7, "investigation_custody_158", "2024-09-30", 0, OK, "2024-11-30", 0,
	  "+2 months from month end, custody Sat" },
	{ 8, "prosecution_review", "2024-04-30", 0, OK, "2024-05-31", 0, "README criminal month-end" },
	{ 9, "prosecution_review", "2024-04-30", 1, OK, "2024-06-17", 0, "+15 days: Sat 06-15 -> Mon" },
	{ 10, "prosecution_review", "2024-04-30", 2, E_INVALID, NULL, 0, "only one extension" },
	{ 11, "prosecution_review_fast", "2024-09-20", 0, OK, "2024-09-30", 0, "10 days" },
	{ 12, "prosecution_review_fast", "2024-09-20", 1, OK, "2024-10-08", 0, "to 15 days: 10-05 国庆节" },
	{ 13, "supplementary_investigation", "2025-01-03", 0, OK, "2025-02-05", 0, "1 month: 02-03 春节" },
	{ 14, "supplementary_investigation", "2025-01-03", 1, E_INVALID, NULL, 0, "no extension" },
	{ 15, "criminal_first_ordinary", "2024-12-31", 0, OK, "2025-02-28", 0, "2 months from month end" },
	{ 16, "criminal_first_ordinary", "2024-12-31", 1, OK, "2025-03-31", 0, "at most 3 months" },
	{ 17, "criminal_first_summary", "2025-03-20", 0, OK, "2025-04-09", 0, "20 days" },
	{ 18, "criminal_first_summary", "2025-03-20", 1, OK, "2025-05-06", 0, "to 1.5 months: 05-05 劳动节" },
	{ 19, "criminal_first_fast", "2025-09-24", 0, OK, "2025-10-09", 0, "10 days: 10-04 国庆 to 10-08" },
	{ 20, "criminal_first_fast", "2025-09-24", 1, OK, "2025-10-09", 0, "to 15 days: Thu 10-09" },
	{ 21, "criminal_appeal_judgment", "2026-02-10", 0, OK, "2026-02-24", 0, "10 days: 02-20 春节" },
	{ 22, "criminal_appeal_ruling", "2026-02-10", 0, OK, "2026-02-24", 0, "5 days: 02-15 春节" },
	{ 23, "criminal_second", "2024-02-29", 1, OK, "2024-07-01", 0, "4 months from Feb 29: Sun 06-30" },
	{ 24, "civil_filing", "2024-09-27", 0, OK, "2024-10-08", 0, "README: 10-04 国庆节" },
	{ 25, "civil_first_ordinary", "2024-08-31", 0, OK, "2025-02-28", 0, "6 months, no Feb 31" },
	{ 26, "civil_first_ordinary", "2024-08-31", 1, OK, "2025-09-01", 0, "12 months: Sun 08-31" },
	{ 27, "civil_first_summary", "2024-01-31", 1, OK, "2024-05-31", 0, "3+1 months" },
	{ 28, "civil_first_small", "2024-02-29", 0, OK, "2024-04-29", 0, "civil: corresponding day" },
	{ 29, "civil_appeal_judgment", "2024-03-11", 0, OK, "2024-03-26", 0, "README: 15 days" },
	{ 30, "civil_appeal_ruling", "2024-04-25", 0, OK, "2024-05-06", 0, "10 days: 05-05 劳动节" },
	{ 31, "civil_second", "2014-05-28", 0, OK, "2014-08-28", 1, "SPC notice 2014-12-12 example; 2014 not loaded" },
	{ 32, "civil_second_ruling", "2025-09-08", 0, OK, "2025-10-09", 0, "30 days: 10-08 国庆" },
	{ 33, "admin_filing", "2026-09-30", 0, OK, "2026-10-08", 0, "7 days: 10-07 国庆" },
	{ 34, "admin_first", "2025-10-31", 0, OK, "2026-04-30", 0, "6 months, no Apr 31" },
	{ 35, "admin_first_summary", "2026-03-20", 0, OK, "2026-05-06", 0, "45 days: 05-04 劳动节" },
	{ 36, "admin_second", "2024-11-30", 0, OK, "2025-02-28", 0, "3 months, no Feb 30" },
	{ 37, "enforcement", "2025-08-04", 0, OK, "2026-02-04", 0, "6 months" },
	{ 38, "enforcement", "2025-08-04", 1, OK, "2026-05-06", 0, "9 months: 05-04 劳动节" },
	{ 39, "enforcement_objection", "2024-12-17", 0, OK, "2025-01-02", 0, "15 days: 元旦" },
	{ 40, "transfer_acceptance", "2025-01-24", 0, OK, "2025-02-05", 0, "3 working days over 春节" },
	{ 41, "transfer_acceptance", "2026-02-13", 0, OK, "2026-02-25", 0, "3 working days over 春节 2026" },
	{ 42, "transfer_acceptance_green", "2024-10-01", 0, OK, "2024-10-01", 0, "same day, holiday or not" },
	{ 43, "assistance_request", "2024-09-27", 0, OK, "2024-10-10", 0, "5 working days over 国庆" },
	{ 44, "assistance_detention", "2025-05-03", 0, OK, "2025-05-03", 0, "same day" },
	{ 45, "funds_disbursement", "2026-12-15", 0, OK, "2027-01-14", 1, "30 days into 2027" },
	{ 46, "funds_disbursement", "2024-09-01", 0, OK, "2024-10-08", 0, "30 days: 10-01 国庆" },
	{ 47, "no_such_rule", "2024-09-01", 0, E_NOTFOUND, NULL, 0, "unknown rule" },
	{ 48, "arrest_request", "2024-09-01", -1, E_INVALID, NULL, 0, "negative extensions" },
};

static void deadline_table_cases(void **state)
{
	(void)state;
	int failures = 0;
	char got[CAL_DATE_TEXT];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const rule_case *c = &cases[i];
		deadline d;
		err e;
		err_clear(&e);
		int rc = deadline_compute(rules, cal, c->rule, D(c->start), c->n_extensions, &d, &e);
		if (rc != c->want_rc) {
			print_error("case %d (%s %s): rc %d, want %d: %s\n", c->no, c->rule, c->why, rc, c->want_rc,
			            e.message);
			failures++;
			continue;
		}
		if (rc != OK) {
			if (!e.message[0]) {
				print_error("case %d (%s): error without a message\n", c->no, c->why);
				failures++;
			}
			continue;
		}
		cal_date_format(d.due, got);
		if (strcmp(got, c->want_due) != 0 || d.beyond_calendar != c->want_beyond ||
		    cal_date_cmp(d.due, d.calc.due) != 0 || strcmp(d.rule_id, c->rule) != 0 || !d.basis[0] ||
		    !strstr(d.calc.steps[0], d.basis)) {
			print_error("case %d (%s %s): start %s +%d ext: want %s beyond %d, got %s beyond %d\n  %s\n",
			            c->no, c->rule, c->why, c->start, c->n_extensions, c->want_due, c->want_beyond, got,
			            d.beyond_calendar, d.calc.summary);
			failures++;
		}
	}
	assert_true(sizeof cases / sizeof cases[0] >= 30);
	assert_int_equal(failures, 0);
}

static void deadline_gives_basis_and_period(void **state)
{
	(void)state;
	deadline d;
	err e;
	assert_int_equal(deadline_compute(rules, cal, "prosecution_review", D("2024-04-30"), 1, &d, &e), OK);
	assert_string_equal(d.basis, "刑事诉讼法(2018)第172条");
	assert_string_equal(d.period, "1个月15日");
	assert_int_equal(d.n_extensions, 1);
	assert_non_null(strstr(d.calc.steps[0], "审查起诉"));
	assert_non_null(strstr(d.calc.steps[0], "经1次延长"));
	assert_string_equal(d.calc.summary, "2024-06-15 是星期六 → 顺延至 2024-06-17");

	assert_int_equal(deadline_compute(rules, cal, "arrest_review", D("2025-01-21"), 0, &d, &e), OK);
	assert_string_equal(d.basis, "刑事诉讼法(2018)第91条第3款");
	assert_non_null(strstr(d.calc.summary, "羁押期限不顺延"));

	assert_int_equal(deadline_compute(rules, cal, "criminal_first_summary", D("2025-03-20"), 1, &d, &e), OK);
	assert_string_equal(d.period, "1个月15日");
	assert_int_equal(deadline_compute(rules, cal, "transfer_acceptance", D("2025-01-24"), 0, &d, &e), OK);
	assert_string_equal(d.period, "3个工作日");
	assert_string_equal(d.basis, "平台规则（非法定期限，可配置）");
	assert_int_equal(deadline_compute(rules, cal, "transfer_acceptance_green", D("2025-01-24"), 0, &d, &e), OK);
	assert_string_equal(d.period, "当日");

	assert_int_equal(deadline_compute(rules, cal, "supplementary_investigation", D("2025-01-03"), 1, &d, &e),
	                 E_INVALID);
	assert_string_equal(e.field, "n_extensions");
	assert_non_null(strstr(e.message, "不能延长"));
	assert_int_equal(deadline_compute(rules, cal, "prosecution_review", D("2025-01-03"), 2, &d, &e), E_INVALID);
	assert_non_null(strstr(e.message, "最多延长1次"));
	assert_int_equal(deadline_compute(rules, cal, "nope", D("2025-01-03"), 0, &d, &e), E_NOTFOUND);
	assert_string_equal(e.field, "rule_id");
	assert_int_equal(deadline_compute(rules, cal, NULL, D("2025-01-03"), 0, &d, &e), E_NOTFOUND);
	assert_int_equal(deadline_compute(rules, cal, "civil_filing", (cal_date){ 2025, 2, 29 }, 0, &d, &e), E_INVALID);
}

/* ---- status -------------------------------------------------------------------------------------- */

typedef struct status_case {
	int no;
	const char *due, *today;
	int soon;
	deadline_state want;
	long want_left;
} status_case;

static void deadline_status_transitions(void **state)
{
	(void)state;
	static const status_case sc[] = {
		{ 1, "2024-10-08", "2024-10-01", 3, DEADLINE_NORMAL, 7 },
		{ 2, "2024-10-08", "2024-10-04", 3, DEADLINE_NORMAL, 4 },
		{ 3, "2024-10-08", "2024-10-05", 3, DEADLINE_DUE_SOON, 3 },
		{ 4, "2024-10-08", "2024-10-08", 3, DEADLINE_DUE_SOON, 0 },
		{ 5, "2024-10-08", "2024-10-09", 3, DEADLINE_OVERDUE, -1 },
		{ 6, "2024-10-08", "2025-10-08", 3, DEADLINE_OVERDUE, -365 },
		{ 7, "2024-10-08", "2024-10-07", 0, DEADLINE_NORMAL, 1 },
		{ 8, "2024-10-08", "2024-10-08", 0, DEADLINE_DUE_SOON, 0 },
		{ 9, "2024-10-08", "2024-10-07", -5, DEADLINE_NORMAL, 1 },
		{ 10, "2025-01-02", "2024-12-31", 1, DEADLINE_NORMAL, 2 },
		{ 11, "2025-01-02", "2025-01-01", 1, DEADLINE_DUE_SOON, 1 },
		{ 12, "2024-03-01", "2024-02-28", 1, DEADLINE_NORMAL, 2 }, /* leap day in between */
	};
	int failures = 0;
	for (size_t i = 0; i < sizeof sc / sizeof sc[0]; i++) {
		long left = 12345;
		deadline_state st = deadline_status(D(sc[i].due), D(sc[i].today), sc[i].soon, &left);
		if (st != sc[i].want || left != sc[i].want_left) {
			print_error("status case %d: due %s today %s soon %d: want %s %ld, got %s %ld\n", sc[i].no,
			            sc[i].due, sc[i].today, sc[i].soon, deadline_state_name(sc[i].want),
			            sc[i].want_left, deadline_state_name(st), left);
			failures++;
		}
	}
	assert_int_equal(deadline_status(D("2024-10-08"), D("2024-10-09"), 3, NULL), DEADLINE_OVERDUE);
	assert_string_equal(deadline_state_name(DEADLINE_NORMAL), "normal");
	assert_string_equal(deadline_state_name(DEADLINE_DUE_SOON), "due_soon");
	assert_string_equal(deadline_state_name(DEADLINE_OVERDUE), "overdue");
	assert_int_equal(failures, 0);
}

/* ---- the table ----------------------------------------------------------------------------------- */

static void default_rules_cover_the_case_flow(void **state)
{
	(void)state;
	static const char *const ids[] = {
		"arrest_request",
		"arrest_review",
		"investigation_custody",
		"prosecution_review",
		"prosecution_review_fast",
		"supplementary_investigation",
		"criminal_first_ordinary",
		"criminal_first_summary",
		"criminal_first_fast",
		"criminal_appeal_judgment",
		"criminal_appeal_ruling",
		"criminal_second",
		"civil_filing",
		"civil_first_ordinary",
		"civil_first_summary",
		"civil_first_small",
		"civil_appeal_judgment",
		"civil_appeal_ruling",
		"civil_second",
		"admin_filing",
		"admin_first",
		"admin_first_summary",
		"admin_second",
		"enforcement",
		"transfer_acceptance",
		"transfer_acceptance_green",
		"assistance_request",
		"assistance_detention",
		"funds_disbursement",
	};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		const deadline_rule *r = deadline_rule_find(rules, ids[i]);
		if (!r)
			fail_msg("rule %s missing", ids[i]);
		if (!r->law[0] || !r->stage[0])
			fail_msg("rule %s without law or stage", ids[i]);
		/* Statutory rules cite an article; platform rules say they are platform rules. */
		if (strcmp(r->kind, "platform") == 0 ? !strstr(r->law, "平台规则")
		                                     : !r->article[0] && !strstr(r->law, "法发"))
			fail_msg("rule %s: basis incomplete", ids[i]);
	}
	const deadline_rule *r = deadline_rule_find(rules, "supplementary_investigation");
	assert_int_equal(r->max_rounds, 2);
	assert_int_equal(r->base_months, 1);
	r = deadline_rule_find(rules, "investigation_custody");
	assert_true(r->custody && r->criminal);
	r = deadline_rule_find(rules, "civil_filing");
	assert_false(r->custody || r->criminal);
	r = deadline_rule_find(rules, "criminal_first_summary");
	assert_true(r->ext_mode_to);
	assert_true(deadline_rules_count(rules) >= sizeof ids / sizeof ids[0]);
	assert_string_equal(deadline_rules_at(rules, 0)->id, "arrest_request");
	assert_null(deadline_rules_at(rules, deadline_rules_count(rules)));
	assert_null(deadline_rule_find(rules, "ARREST_REQUEST"));
	assert_null(deadline_rule_find(NULL, "arrest_request"));

	due_spec s;
	err e;
	assert_int_equal(deadline_rule_spec(deadline_rule_find(rules, "criminal_first_summary"), 1, &s, &e), OK);
	assert_int_equal(s.months, 1);
	assert_int_equal(s.days, 15);
	assert_int_equal(s.criminal, 1);
	assert_int_equal(deadline_rule_spec(deadline_rule_find(rules, "civil_first_ordinary"), 1, &s, &e), OK);
	assert_int_equal(s.months, 12);
	assert_int_equal(s.days, 0);
}

static const char hdr[] = "rule_id,kind,agency,stage,base_months,base_days,working_days,ext_months,ext_days,ext_mode,"
                          "max_extensions,max_rounds,criminal,custody,law,article,clock_starts,note\n";

static void load_expect(const char *rows, int want_rc, const char *want_field, const char *want_in_message)
{
	char text[4096];
	deadline_rules *t = (deadline_rules *)&text; /* must stay untouched on error */
	err e;
	snprintf(text, sizeof text, "%s%s", hdr, rows);
	err_clear(&e);
	int rc = deadline_rules_load_csv(text, &t, &e);
	if (rc != want_rc)
		fail_msg("rows \"%s\": rc %d want %d: %s", rows, rc, want_rc, e.message);
	if (rc != OK) {
		assert_ptr_equal(t, (deadline_rules *)&text);
		if (want_field && strcmp(e.field, want_field) != 0)
			fail_msg("rows \"%s\": field \"%s\" want \"%s\"", rows, e.field, want_field);
		if (want_in_message && !strstr(e.message, want_in_message))
			fail_msg("rows \"%s\": message \"%s\" lacks \"%s\"", rows, e.message, want_in_message);
	} else {
		deadline_rules_free(t);
	}
}

static void rules_load_rejects_bad_rows(void **state)
{
	(void)state;
	load_expect("a,civil,court,甲,0,7,0,0,0,add,0,0,0,0,法,第1条,,\n", OK, NULL, NULL);
	load_expect("a,civil,court,甲,0,7,0,0,0,add,0,0,0,0,法,第1条,,\na,civil,court,乙,0,7,0,0,0,add,0,0,0,0,法,,,\n",
	            E_INVALID, "rule_id", "第3行");
	load_expect("A-1,civil,court,甲,0,7,0,0,0,add,0,0,0,0,法,,,\n", E_INVALID, "rule_id", "第2行");
	load_expect("a,tax,court,甲,0,7,0,0,0,add,0,0,0,0,法,,,\n", E_INVALID, "kind", NULL);
	load_expect("a,civil,army,甲,0,7,0,0,0,add,0,0,0,0,法,,,\n", E_INVALID, "agency", NULL);
	load_expect("a,civil,court,甲,0,7x,0,0,0,add,0,0,0,0,法,,,\n", E_INVALID, "base_days", "0到36600");
	load_expect("a,civil,court,甲,0,-7,0,0,0,add,0,0,0,0,法,,,\n", E_INVALID, "base_days", NULL);
	load_expect("a,civil,court,甲,0,,0,0,0,add,0,0,0,0,法,,,\n", E_INVALID, "base_days", NULL);
	load_expect("a,civil,court,甲,0,7,0,0,0,add,0,0,2,0,法,,,\n", E_INVALID, "criminal", NULL);
	load_expect("a,civil,court,甲,0,7,0,0,0,plus,0,0,0,0,法,,,\n", E_INVALID, "ext_mode", NULL);
	load_expect("a,civil,court,甲,0,7,0,0,5,add,0,0,0,0,法,,,\n", E_INVALID, "max_extensions", NULL);
	load_expect("a,civil,court,甲,0,7,0,0,0,add,1,0,0,0,法,,,\n", E_INVALID, "ext_days", NULL);
	load_expect("a,civil,court,甲,0,7,0,0,15,to,2,0,0,0,法,,,\n", E_INVALID, "max_extensions", "延长至");
	load_expect("a,civil,court,甲,1,0,3,0,0,add,0,0,0,0,法,,,\n", E_INVALID, "working_days", NULL);
	load_expect("a,civil,court,甲,0,7,0,0,0,add,0,0,0,0,,,,\n", E_INVALID, "law", NULL);
	load_expect("a,civil,court,,0,7,0,0,0,add,0,0,0,0,法,,,\n", E_INVALID, "stage", NULL);
	load_expect("a,civil,court,甲,0,7,0,0,0,add,0,0,0,0,法,,\n", E_INVALID, NULL, "应有18列");
	load_expect("a,civil,court,甲,0,7,0,1200,0,add,1,0,0,0,法,,,\n", OK, NULL, NULL);
	load_expect("a,civil,court,甲,1,7,0,1200,0,add,1,0,0,0,法,,,\n", E_INVALID, "ext_days", "过长");

	deadline_rules *t = NULL;
	err e;
	assert_int_equal(deadline_rules_load_csv("rule_id,kind\na,civil\n", &t, &e), E_INVALID);
	assert_null(t);
	assert_string_equal(e.field, "agency");
	assert_int_equal(deadline_rules_load_csv("", &t, &e), E_INVALID);
}

static void rules_override_replaces_and_adds_or_changes_nothing(void **state)
{
	(void)state;
	deadline_rules *t = NULL;
	err e;
	char text[2048];
	deadline d;

	assert_int_equal(deadline_rules_load_default(&t, &e), OK);
	size_t n = deadline_rules_count(t);

	/* A deployment gives transfers 5 working days and adds a local rule. */
	snprintf(text, sizeof text, "%s%s", hdr,
	         "transfer_acceptance,platform,any,跨部门移送签收,0,0,5,0,0,add,0,0,0,0,平台规则（本地配置）,,移送之日,"
	         "\n"
	         "local_review,platform,court,本地审查,0,10,0,0,0,add,0,0,0,0,平台规则（本地配置）,,,\n");
	assert_int_equal(deadline_rules_override_csv(t, text, &e), OK);
	assert_int_equal(deadline_rules_count(t), n + 1);
	assert_int_equal(deadline_rule_find(t, "transfer_acceptance")->working_days, 5);
	assert_int_equal(deadline_compute(t, cal, "transfer_acceptance", D("2024-03-11"), 0, &d, &e), OK);
	assert_string_equal(cal_date_format(d.due, (char[CAL_DATE_TEXT]){ 0 }), "2024-03-18");
	assert_non_null(deadline_rule_find(t, "local_review"));

	/* A bad override changes nothing. */
	snprintf(text, sizeof text, "%s%s", hdr,
	         "transfer_acceptance,platform,any,跨部门移送签收,0,0,9,0,0,add,0,0,0,0,平台规则,,,\n"
	         "broken,platform,any,坏,0,x,0,0,0,add,0,0,0,0,平台规则,,,\n");
	assert_int_equal(deadline_rules_override_csv(t, text, &e), E_INVALID);
	assert_non_null(strstr(e.message, "第3行"));
	assert_int_equal(deadline_rule_find(t, "transfer_acceptance")->working_days, 5);
	assert_int_equal(deadline_rules_count(t), n + 1);
	deadline_rules_free(t);
	deadline_rules_free(NULL);
}

static void working_day_rules_extend_in_working_days(void **state)
{
	(void)state;
	deadline_rules *t = NULL;
	err e;
	deadline d;
	char text[1024];
	snprintf(text, sizeof text, "%s%s", hdr,
	         "w_add,platform,any,甲,0,0,3,0,2,add,2,0,0,0,平台规则,,,\n"
	         "w_to,platform,any,乙,0,0,3,0,5,to,1,0,0,0,平台规则,,,\n");
	assert_int_equal(deadline_rules_load_csv(text, &t, &e), OK);
	/* From Fri 2024-09-27: Sun 09-29 workday, 09-30, then 国庆 to 10-07, then 10-08, 09, 10, 11, Sat 10-12 workday. */
	static const struct {
		const char *rule;
		int n;
		const char *want;
	} wc[] = {
		{ "w_add", 0, "2024-10-08" }, { "w_add", 1, "2024-10-10" }, { "w_add", 2, "2024-10-12" },
		{ "w_to", 0, "2024-10-08" },  { "w_to", 1, "2024-10-10" },
	};
	for (size_t i = 0; i < sizeof wc / sizeof wc[0]; i++) {
		assert_int_equal(deadline_compute(t, cal, wc[i].rule, D("2024-09-27"), wc[i].n, &d, &e), OK);
		char got[CAL_DATE_TEXT];
		if (strcmp(cal_date_format(d.due, got), wc[i].want) != 0)
			fail_msg("working-day case %zu (%s +%d): got %s want %s", i + 1, wc[i].rule, wc[i].n, got,
			         wc[i].want);
	}
	deadline_rules_free(t);
}

static void rules_load_survives_allocation_failures(void **state)
{
	(void)state;
	for (long n = 0; n < 64; n++) {
		deadline_rules *t = NULL;
		err e;
		mem_fail_after(n);
		int rc = deadline_rules_load_default(&t, &e);
		mem_fail_after(-1);
		if (rc == OK) {
			assert_non_null(deadline_rule_find(t, "prosecution_review"));
			deadline_rules_free(t);
			/* And the override path. */
			assert_int_equal(deadline_rules_load_default(&t, &e), OK);
			for (long k = 0; k < 16; k++) {
				mem_fail_after(k);
				char text[512];
				snprintf(text, sizeof text, "%s%s", hdr,
				         "x,platform,any,甲,0,1,0,0,0,add,0,0,0,0,平台规则,,,\n");
				rc = deadline_rules_override_csv(t, text, &e);
				mem_fail_after(-1);
				if (rc == OK)
					break;
				assert_int_equal(rc, E_NOMEM);
				assert_null(deadline_rule_find(t, "x"));
			}
			assert_int_equal(rc, OK);
			assert_non_null(deadline_rule_find(t, "x"));
			deadline_rules_free(t);
			return;
		}
		assert_int_equal(rc, E_NOMEM);
		assert_null(t);
	}
	fail_msg("deadline_rules_load_default never succeeded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deadline_table_cases),
		cmocka_unit_test(deadline_gives_basis_and_period),
		cmocka_unit_test(deadline_status_transitions),
		cmocka_unit_test(default_rules_cover_the_case_flow),
		cmocka_unit_test(rules_load_rejects_bad_rows),
		cmocka_unit_test(rules_override_replaces_and_adds_or_changes_nothing),
		cmocka_unit_test(working_day_rules_extend_in_working_days),
		cmocka_unit_test(rules_load_survives_allocation_failures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
