/*
 * test_calendar.c - dates, the holiday table and the counting of statutory periods. The numbered table
 * in calendar_due_table_cases was worked out by hand from data/holidays_cn.csv (weekdays checked against
 * an independent calendar), not produced by this code; a failure names the row.
 */
#include "testutil.h"

#include "core/err.h"
#include "core/mem.h"
#include "domain/calendar.h"

static calendar *cal;

static int setup(void **state)
{
	(void)state;
	err e;
	return calendar_load_default(&cal, &e) == OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	calendar_free(cal);
	cal = NULL;
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

/* ---- the table ----------------------------------------------------------------------------------- */

enum { CIVIL = 0, CRIMINAL = 1 };

typedef struct due_case {
	int no;
	const char *start;
	int months, days, working_days;
	int criminal, custody;
	const char *want_due;
	const char *want_nominal; /* NULL: same as want_due */
	int want_beyond;
	const char *why;
} due_case;

static const due_case cases[] = {
	/* README examples */
	{ 1, "2024-09-27", 0, 7, 0, CIVIL, 0, "2024-10-08", "2024-10-04", 0, "README: 10-04..07 国庆节, Tue 10-08" },
	{ 2, "2024-03-11", 0, 15, 0, CIVIL, 0, "2024-03-26", NULL, 0, "README: civil appeal, plain Tuesday" },
	{ 3, "2024-04-30", 1, 0, 0, CRIMINAL, 0, "2024-05-31", NULL, 0, "README: criminal month-end rule" },
	{ 4, "2024-04-30", 1, 0, 0, CIVIL, 0, "2024-05-30", NULL, 0, "README: civil gives the corresponding day" },
	/* month ends and leap days */
	{ 5, "2024-01-31", 1, 0, 0, CIVIL, 0, "2024-02-29", NULL, 0, "no Feb 31 -> last day, leap year" },
	{ 6, "2025-01-31", 1, 0, 0, CIVIL, 0, "2025-02-28", NULL, 0, "no Feb 31 -> last day, common year" },
	{ 7, "2024-02-29", 1, 0, 0, CRIMINAL, 0, "2024-04-01", "2024-03-31", 0,
	  "criminal: Feb 29 is month end -> Sun 03-31 -> Mon" },
	{ 8, "2024-02-29", 1, 0, 0, CIVIL, 0, "2024-03-29", NULL, 0, "civil: corresponding day 03-29 (Fri)" },
	{ 9, "2024-02-29", 12, 0, 0, CIVIL, 0, "2025-02-28", NULL, 0, "a year from a leap day" },
	{ 10, "2025-02-28", 1, 0, 0, CRIMINAL, 0, "2025-03-31", NULL, 0, "criminal: Feb 28 2025 is month end" },
	{ 11, "2025-02-28", 1, 0, 0, CIVIL, 0, "2025-03-28", NULL, 0, "civil: corresponding day" },
	{ 12, "2024-01-31", 1, 0, 0, CRIMINAL, 0, "2024-02-29", NULL, 0, "criminal and civil agree here" },
	{ 13, "2024-03-31", 1, 0, 0, CIVIL, 0, "2024-04-30", NULL, 0, "no Apr 31" },
	{ 14, "2024-08-31", 6, 0, 0, CIVIL, 0, "2025-02-28", NULL, 0, "6 months into a short February" },
	{ 15, "2024-06-30", 2, 0, 0, CRIMINAL, 0, "2024-09-02", "2024-08-31", 0, "criminal: Sat 08-31 -> Mon 09-02" },
	{ 16, "2024-06-30", 2, 0, 0, CIVIL, 0, "2024-08-30", NULL, 0, "civil: Fri 08-30" },
	{ 17, "2024-06-30", 2, 0, 0, CRIMINAL, 1, "2024-08-31", NULL, 0, "custody: Sat 08-31 stays" },
	{ 18, "2024-09-30", 1, 0, 0, CRIMINAL, 0, "2024-10-31", NULL, 0, "criminal: Sep 30 is month end" },
	{ 19, "2024-09-30", 1, 0, 0, CIVIL, 0, "2024-10-30", NULL, 0, "civil: corresponding day" },
	{ 20, "2024-11-29", 3, 0, 0, CIVIL, 0, "2025-02-28", NULL, 0, "no Feb 29 in 2025" },
	/* holidays at the end of a period */
	{ 21, "2025-01-20", 0, 10, 0, CIVIL, 0, "2025-02-05", "2025-01-30", 0, "春节 2025 01-28..02-04" },
	{ 22, "2025-09-30", 0, 7, 0, CRIMINAL, 0, "2025-10-09", "2025-10-07", 0, "国庆 2025 ends 10-08" },
	{ 23, "2026-03-25", 0, 10, 0, CIVIL, 0, "2026-04-07", "2026-04-04", 0, "清明 2026 04-04..06" },
	{ 24, "2025-05-21", 0, 10, 0, CIVIL, 0, "2025-06-03", "2025-05-31", 0, "端午 2025 05-31..06-02" },
	{ 25, "2026-09-15", 0, 10, 0, CIVIL, 0, "2026-09-28", "2026-09-25", 0, "中秋 2026 09-25..27" },
	{ 26, "2023-12-25", 0, 7, 0, CIVIL, 0, "2024-01-02", "2024-01-01", 0, "元旦 2024; start year not looked at" },
	{ 27, "2024-04-28", 0, 3, 0, CIVIL, 0, "2024-05-06", "2024-05-01", 0, "劳动节 2024 05-01..05" },
	{ 28, "2024-03-11", 0, 5, 0, CIVIL, 0, "2024-03-18", "2024-03-16", 0, "plain weekend" },
	{ 29, "2025-12-31", 0, 1, 0, CIVIL, 0, "2026-01-04", "2026-01-01", 0,
	  "元旦 2026 01-01..03, Sun 01-04 is a workday" },
	/* adjusted working weekend days (调休上班) end a period without extension */
	{ 30, "2024-02-11", 0, 7, 0, CIVIL, 0, "2024-02-18", NULL, 0, "Sun 02-18 春节调休上班" },
	{ 31, "2024-09-22", 0, 7, 0, CIVIL, 0, "2024-09-29", NULL, 0, "Sun 09-29 国庆节调休上班" },
	{ 32, "2025-09-21", 0, 7, 0, CIVIL, 0, "2025-09-28", NULL, 0, "Sun 09-28 国庆节调休上班" },
	{ 33, "2026-01-01", 0, 3, 0, CIVIL, 0, "2026-01-04", NULL, 0, "Sun 01-04 元旦调休上班" },
	{ 34, "2026-02-21", 0, 7, 0, CIVIL, 0, "2026-02-28", NULL, 0, "Sat 02-28 春节调休上班" },
	/* custody periods end on the day itself (CPL art. 105) */
	{ 35, "2024-09-27", 0, 7, 0, CRIMINAL, 1, "2024-10-04", NULL, 0, "custody: 国庆节 10-04 stays" },
	{ 36, "2025-01-25", 0, 3, 0, CRIMINAL, 1, "2025-01-28", NULL, 0, "custody: 春节 01-28 stays" },
	{ 37, "2025-09-30", 0, 7, 0, CRIMINAL, 1, "2025-10-07", NULL, 0, "custody: 国庆 10-07 stays" },
	/* working-day limits */
	{ 38, "2025-01-24", 0, 0, 3, CIVIL, 0, "2025-02-05", NULL, 0, "Sun 01-26 workday, 01-27, then 春节, 02-05" },
	{ 39, "2025-01-27", 0, 0, 5, CIVIL, 0, "2025-02-10", NULL, 0, "02-05,06,07, Sat 02-08 workday, Mon 02-10" },
	{ 40, "2026-02-13", 0, 0, 3, CIVIL, 0, "2026-02-25", NULL, 0,
	  "Sat 02-14 workday, 春节 02-15..23, 02-24, 02-25" },
	{ 41, "2026-02-12", 0, 0, 5, CIVIL, 0, "2026-02-26", NULL, 0, "02-13, Sat 02-14, 02-24, 02-25, 02-26" },
	{ 42, "2024-09-27", 0, 0, 3, CIVIL, 0, "2024-10-08", NULL, 0, "Sun 09-29 workday, 09-30, 国庆, 10-08" },
	{ 43, "2024-10-03", 0, 0, 1, CIVIL, 0, "2024-10-08", NULL, 0, "start inside a holiday" },
	{ 44, "2024-03-11", 0, 0, 3, CIVIL, 0, "2024-03-14", NULL, 0, "plain week" },
	{ 45, "2024-03-14", 0, 0, 3, CIVIL, 0, "2024-03-19", NULL, 0, "over a weekend" },
	/* months and days together */
	{ 46, "2024-04-30", 1, 15, 0, CRIMINAL, 0, "2024-06-17", "2024-06-15", 0, "05-31 + 15 = Sat 06-15 -> Mon" },
	{ 47, "2025-03-20", 1, 15, 0, CRIMINAL, 0, "2025-05-06", "2025-05-05", 0,
	  "1.5 months: 04-20 + 15 = 劳动节 05-05" },
	/* same-day limits */
	{ 48, "2024-10-01", 0, 0, 0, CIVIL, 0, "2024-10-01", NULL, 0, "same day, even on a holiday" },
	{ 49, "2025-03-12", 0, 0, 0, CIVIL, 0, "2025-03-12", NULL, 0, "same day" },
	/* past the calendar's years */
	{ 50, "2026-12-20", 0, 30, 0, CIVIL, 0, "2027-01-19", NULL, 1, "2027 not loaded" },
	{ 51, "2026-06-30", 6, 0, 0, CIVIL, 0, "2026-12-30", NULL, 0, "still inside 2026" },
	{ 52, "2026-12-30", 0, 2, 0, CIVIL, 0, "2027-01-01", NULL, 1, "2027-01-01 unknown: weekday, flagged" },
	{ 53, "2023-12-20", 0, 5, 0, CIVIL, 0, "2023-12-25", NULL, 1, "2023 not loaded" },
	{ 54, "2026-12-28", 0, 0, 5, CIVIL, 0, "2027-01-04", NULL, 1, "working days into 2027" },
	{ 55, "2026-12-25", 0, 1, 0, CIVIL, 0, "2026-12-28", "2026-12-26", 0, "Sat 12-26 -> Mon 12-28, inside 2026" },
};

static void calendar_due_table_cases(void **state)
{
	(void)state;
	int failures = 0;
	char got[CAL_DATE_TEXT], nom[CAL_DATE_TEXT];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const due_case *c = &cases[i];
		due_spec spec = { .months = c->months,
			          .days = c->days,
			          .working_days = c->working_days,
			          .criminal = c->criminal,
			          .custody = c->custody };
		due_result r;
		err e;
		err_clear(&e);
		int rc = calendar_due(cal, D(c->start), &spec, &r, &e);
		const char *want_nominal = c->want_nominal ? c->want_nominal : c->want_due;
		if (rc != OK) {
			print_error("case %d (%s): rc=%d %s\n", c->no, c->why, rc, e.message);
			failures++;
			continue;
		}
		cal_date_format(r.due, got);
		cal_date_format(r.nominal, nom);
		if (strcmp(got, c->want_due) != 0 || strcmp(nom, want_nominal) != 0 ||
		    r.beyond_calendar != c->want_beyond || r.extended_days != (int)cal_days_between(r.nominal, r.due) ||
		    r.n_steps < 1 || !r.summary[0]) {
			print_error("case %d (%s): start %s want due %s nominal %s beyond %d, got due %s nominal %s "
			            "beyond %d\n"
			            "  summary: %s\n",
			            c->no, c->why, c->start, c->want_due, want_nominal, c->want_beyond, got, nom,
			            r.beyond_calendar, r.summary);
			failures++;
		}
	}
	assert_true(sizeof cases / sizeof cases[0] >= 40);
	assert_int_equal(failures, 0);
}

/* ---- explanations -------------------------------------------------------------------------------- */

static void calendar_due_explains_holiday_extension(void **state)
{
	(void)state;
	due_spec spec = { .days = 7 };
	due_result r;
	err e;
	assert_int_equal(calendar_due(cal, D("2024-09-27"), &spec, &r, &e), OK);
	assert_string_equal(r.summary, "2024-10-04 是国庆节 → 顺延至 2024-10-08");
	assert_int_equal(r.extended_days, 4);
	assert_non_null(strstr(r.steps[0], "当日不计入"));
	assert_non_null(strstr(r.steps[r.n_steps - 1], "以其后第一个工作日为期满日"));
}

static void calendar_due_explains_custody_and_weekends(void **state)
{
	(void)state;
	due_spec spec = { .days = 7, .criminal = 1, .custody = 1 };
	due_result r;
	err e;
	assert_int_equal(calendar_due(cal, D("2024-09-27"), &spec, &r, &e), OK);
	assert_non_null(strstr(r.summary, "羁押期限不顺延"));
	assert_non_null(strstr(r.summary, "国庆节"));
	assert_non_null(strstr(r.steps[r.n_steps - 1], "刑事诉讼法第105条"));

	due_spec weekend = { .days = 5 };
	assert_int_equal(calendar_due(cal, D("2024-03-11"), &weekend, &r, &e), OK);
	assert_string_equal(r.summary, "2024-03-16 是星期六 → 顺延至 2024-03-18");

	due_spec plain = { .days = 15 };
	assert_int_equal(calendar_due(cal, D("2024-03-11"), &plain, &r, &e), OK);
	assert_string_equal(r.summary, "2024-03-11 起 15日 → 2024-03-26（星期二）");

	due_spec crim = { .months = 1, .criminal = 1 };
	assert_int_equal(calendar_due(cal, D("2024-04-30"), &crim, &r, &e), OK);
	assert_non_null(strstr(r.steps[1], "月末日"));
}

static void calendar_due_flags_years_not_loaded(void **state)
{
	(void)state;
	due_spec spec = { .days = 30 };
	due_result r;
	err e;
	assert_int_equal(calendar_due(cal, D("2026-12-20"), &spec, &r, &e), OK);
	assert_true(r.beyond_calendar);
	assert_non_null(strstr(r.summary, "2027年节假日未载入"));
	assert_non_null(strstr(r.steps[r.n_steps - 1], "2027"));
}

static void calendar_due_refuses_bad_specs(void **state)
{
	(void)state;
	due_result r;
	err e;
	due_spec both = { .days = 3, .working_days = 3 };
	assert_int_equal(calendar_due(cal, D("2024-03-11"), &both, &r, &e), E_INVALID);
	assert_non_null(strstr(e.message, "工作日"));
	due_spec neg = { .days = -1 };
	assert_int_equal(calendar_due(cal, D("2024-03-11"), &neg, &r, &e), E_INVALID);
	due_spec huge = { .months = 1201 };
	assert_int_equal(calendar_due(cal, D("2024-03-11"), &huge, &r, &e), E_INVALID);
	due_spec ok = { .days = 1 };
	assert_int_equal(calendar_due(cal, (cal_date){ 2025, 2, 29 }, &ok, &r, &e), E_INVALID);
	assert_string_equal(e.field, "start");
	assert_int_equal(calendar_due(cal, (cal_date){ 9999, 1, 1 }, &ok, &r, &e), E_INVALID);
	/* The largest period from a late-but-allowed start stays a valid date. */
	due_spec longest = { .months = 1200, .days = 36600 };
	assert_int_equal(calendar_due(cal, (cal_date){ 9790, 12, 31 }, &longest, &r, &e), OK);
	assert_true(cal_date_valid(r.due));
	/* An empty calendar knows only weekends, and says so. */
	assert_int_equal(calendar_due(NULL, D("2024-09-27"), &(due_spec){ .days = 7 }, &r, &e), OK);
	assert_string_equal(cal_date_format(r.due, (char[CAL_DATE_TEXT]){ 0 }), "2024-10-04");
	assert_true(r.beyond_calendar);
}

/* ---- dates --------------------------------------------------------------------------------------- */

static void dates_parse_strictly(void **state)
{
	(void)state;
	cal_date d;
	err e;
	assert_int_equal(cal_date_parse("2024-02-29", "f", &d, &e), OK);
	assert_int_equal(d.y, 2024);
	assert_int_equal(d.m, 2);
	assert_int_equal(d.d, 29);
	const char *bad[] = { "2025-02-29",  "2024-1-01",  "2024-01-1",  "2024/01/01", "2024-01-01x",
		              " 2024-01-01", "abcd-01-01", "2024-13-01", "2024-00-10", "2024-04-31",
		              "0000-01-01",  "",           "2024-+1-01" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		if (cal_date_parse(bad[i], "start", &d, &e) != E_INVALID || strcmp(e.field, "start") != 0)
			fail_msg("accepted bad date \"%s\"", bad[i]);
	}
	assert_int_equal(cal_date_parse(NULL, "start", &d, &e), E_INVALID);
}

static void dates_round_trip_and_weekdays(void **state)
{
	(void)state;
	char s[CAL_DATE_TEXT];
	assert_int_equal(cal_date_to_days((cal_date){ 1970, 1, 1 }), 0);
	assert_int_equal(cal_date_weekday((cal_date){ 1970, 1, 1 }), 4);
	assert_int_equal(cal_date_weekday((cal_date){ 2024, 10, 8 }), 2);
	assert_int_equal(cal_date_weekday((cal_date){ 2026, 2, 28 }), 6);
	assert_int_equal(cal_date_weekday((cal_date){ 1, 1, 1 }), 1);
	assert_string_equal(cal_date_weekday_name((cal_date){ 2024, 3, 17 }), "星期日");

	/* Every day from 1600 to 2400 converts both ways and follows its predecessor. */
	long first = cal_date_to_days((cal_date){ 1600, 1, 1 }), last = cal_date_to_days((cal_date){ 2400, 12, 31 });
	cal_date prev = cal_date_from_days(first - 1);
	for (long n = first; n <= last; n++) {
		cal_date d = cal_date_from_days(n);
		if (!cal_date_valid(d) || cal_date_to_days(d) != n || cal_date_cmp(prev, d) >= 0)
			fail_msg("day %ld -> %d-%d-%d", n, d.y, d.m, d.d);
		prev = d;
	}
	assert_int_equal(cal_date_from_days(-719162).y, 1); /* 0001-01-01 */

	assert_true(cal_is_leap_year(2000));
	assert_true(cal_is_leap_year(2024));
	assert_false(cal_is_leap_year(1900));
	assert_false(cal_is_leap_year(2100));
	assert_int_equal(cal_days_in_month(2024, 2), 29);
	assert_int_equal(cal_days_in_month(2025, 2), 28);
	assert_int_equal(cal_days_in_month(2025, 13), 0);

	assert_string_equal(cal_date_format(cal_date_add_days((cal_date){ 2024, 12, 31 }, 1), s), "2025-01-01");
	assert_string_equal(cal_date_format(cal_date_add_days((cal_date){ 2024, 3, 1 }, -1), s), "2024-02-29");
	assert_int_equal(cal_days_between((cal_date){ 2024, 1, 1 }, (cal_date){ 2025, 1, 1 }), 366);
	assert_int_equal(cal_days_between((cal_date){ 2025, 1, 1 }, (cal_date){ 2024, 1, 1 }), -366);
	assert_string_equal(cal_date_format(cal_date_add_months((cal_date){ 2024, 3, 31 }, -1, 0), s), "2024-02-29");
	assert_string_equal(cal_date_format(cal_date_add_months((cal_date){ 2024, 1, 15 }, -13, 0), s), "2022-12-15");
	assert_string_equal(cal_date_format(cal_date_add_months((cal_date){ 2024, 2, 29 }, 24, 1), s), "2026-02-28");
	assert_string_equal(cal_date_format(cal_date_add_months((cal_date){ 2025, 2, 28 }, 12, 1), s), "2026-02-28");
	assert_string_equal(cal_date_format(cal_date_add_months((cal_date){ 2023, 2, 28 }, 12, 1), s), "2024-02-29");
	assert_string_equal(cal_date_format(cal_date_add_months((cal_date){ 2023, 2, 28 }, 12, 0), s), "2024-02-28");
}

/* ---- the holiday table --------------------------------------------------------------------------- */

static void default_calendar_knows_the_notices(void **state)
{
	(void)state;
	int first = 0, last = 0;
	assert_int_equal(calendar_years(cal, &first, &last), OK);
	assert_int_equal(first, 2024);
	assert_int_equal(last, 2026);
	assert_true(calendar_covers(cal, D("2025-07-01")));
	assert_false(calendar_covers(cal, D("2027-01-01")));
	assert_false(calendar_covers(cal, D("2023-12-31")));

	assert_true(calendar_is_rest_day(cal, D("2024-10-01")));
	assert_false(calendar_is_rest_day(cal, D("2024-09-29"))); /* Sunday, adjusted working day */
	assert_true(calendar_is_rest_day(cal, D("2024-09-28")));  /* plain Saturday */
	assert_false(calendar_is_rest_day(cal, D("2024-09-30")));
	assert_true(calendar_is_rest_day(cal, D("2027-01-02"))); /* Saturday, year not loaded */
	assert_string_equal(calendar_day_name(cal, D("2025-10-08")), "国庆节、中秋节");
	assert_string_equal(calendar_day_name(cal, D("2026-02-28")), "春节调休上班");
	assert_null(calendar_day_name(cal, D("2024-09-30")));
	assert_int_equal(calendar_day_kind(cal, D("2026-02-28")), CAL_DAY_WORKDAY);
	assert_int_equal(calendar_day_kind(cal, D("2026-02-23")), CAL_DAY_HOLIDAY);
	assert_int_equal(calendar_day_kind(cal, D("2026-02-24")), CAL_DAY_NONE);
	assert_string_equal(calendar_day_source(cal, D("2024-01-01")), "国办发明电〔2023〕7号");
}

static const char header[] = "date,kind,name,source\n";

/* Load text into a fresh calendar holding one 2027 holiday; expect rc, and that a failure changes nothing. */
static void load_expect(const char *text, int want_rc, const char *want_in_message)
{
	calendar *c = NULL;
	err e;
	assert_int_equal(calendar_new(&c, &e), OK);
	assert_int_equal(calendar_add_day(c, D("2027-01-01"), CAL_DAY_HOLIDAY, "元旦", "test", &e), OK);
	err_clear(&e);
	int rc = calendar_load_csv(c, text, &e);
	if (rc != want_rc)
		fail_msg("load of \"%s\": rc %d, want %d (%s)", text, rc, want_rc, e.message);
	if (want_in_message && !strstr(e.message, want_in_message))
		fail_msg("load of \"%s\": message \"%s\" lacks \"%s\"", text, e.message, want_in_message);
	if (rc != OK) {
		int first = 0, last = 0;
		assert_int_equal(calendar_years(c, &first, &last), OK);
		assert_int_equal(first, 2027);
		assert_int_equal(last, 2027);
		assert_false(calendar_covers(c, D("2028-01-01")));
		assert_string_equal(calendar_day_name(c, D("2027-01-01")), "元旦");
	}
	calendar_free(c);
}

static void calendar_load_names_the_bad_line(void **state)
{
	(void)state;
	load_expect("date,kind,name,source\n2028-01-01,holiday,元旦,x\n2028-02-30,holiday,春节,x\n", E_INVALID,
	            "第3行");
	load_expect("date,kind,name,source\n2028-01-01,rest,元旦,x\n", E_INVALID, "第2行");
	load_expect("date,kind,name,source\n2028-01-03,workday,调休,x\n", E_INVALID, "周六或周日"); /* a Monday */
	load_expect("date,kind,name,source\n2028-01-01,holiday,,x\n", E_INVALID, "名称");
	load_expect("date,kind,name,source\n2028-01-01,holiday,元旦,\n", E_INVALID, "来源");
	load_expect("date,kind,name,source\n2028-01-01,holiday,元旦\n", E_INVALID, "第2行");
	load_expect("date,kind,name\n2028-01-01,holiday,元旦\n", E_INVALID, "表头");
	load_expect("date,kind,name,source\n2028-01-01,holiday,\"元旦,x\n", E_INVALID, "引号");
	/* Duplicates inside the text (named with both lines) and against what is already loaded. */
	load_expect("date,kind,name,source\n2028-01-01,holiday,元旦,x\n2028-01-02,holiday,元旦,x\n2028-01-01,holiday,"
	            "元旦,x\n",
	            E_INVALID, "第4行：2028-01-01与第2行重复");
	load_expect("date,kind,name,source\n2027-01-01,holiday,元旦,x\n", E_INVALID, "已在日历中");
	/* Good input: CRLF, a BOM, blank lines, quoted commas, extra columns, rows out of order. */
	load_expect(
	        "\xEF\xBB\xBF"
	        "date,kind,name,source,comment\r\n2028-10-02,holiday,\"国庆节,中秋节\",\"通知 \"\"甲\"\"\",c\r\n\r\n"
	        "2028-10-01,holiday,国庆节,x,\r\n",
	        OK, NULL);
	load_expect(header, OK, NULL);
}

static void calendar_add_day_keeps_order_and_refuses_duplicates(void **state)
{
	(void)state;
	calendar *c = NULL;
	err e;
	char buf[300];
	assert_int_equal(calendar_new(&c, &e), OK);
	assert_int_equal(calendar_years(c, &(int){ 0 }, &(int){ 0 }), E_NOTFOUND);
	assert_false(calendar_covers(c, D("2024-01-01")));
	assert_int_equal(calendar_add_day(c, D("2030-05-01"), CAL_DAY_HOLIDAY, "劳动节", "n", &e), OK);
	assert_int_equal(calendar_add_day(c, D("2030-01-01"), CAL_DAY_HOLIDAY, "元旦", "n", &e), OK);
	assert_int_equal(calendar_add_day(c, D("2030-04-27"), CAL_DAY_WORKDAY, "调休", "n", &e), OK); /* Saturday */
	assert_int_equal(calendar_add_day(c, D("2030-01-01"), CAL_DAY_HOLIDAY, "元旦", "n", &e), E_INVALID);
	assert_int_equal(calendar_add_day(c, D("2030-04-29"), CAL_DAY_WORKDAY, "调休", "n", &e), E_INVALID);
	assert_int_equal(calendar_add_day(c, D("2030-04-30"), CAL_DAY_NONE, "x", "n", &e), E_INVALID);
	memset(buf, 'a', sizeof buf - 1);
	buf[sizeof buf - 1] = 0;
	assert_int_equal(calendar_add_day(c, D("2030-04-30"), CAL_DAY_HOLIDAY, buf, "n", &e), E_INVALID);
	assert_int_equal(calendar_add_day(c, D("2030-04-30"), CAL_DAY_HOLIDAY, "x", buf, &e), E_INVALID);
	assert_int_equal(calendar_add_day(c, (cal_date){ 2030, 2, 30 }, CAL_DAY_HOLIDAY, "x", "n", &e), E_INVALID);
	assert_string_equal(calendar_day_name(c, D("2030-01-01")), "元旦");
	assert_string_equal(calendar_day_name(c, D("2030-05-01")), "劳动节");
	assert_false(calendar_is_rest_day(c, D("2030-04-27")));
	assert_true(calendar_is_rest_day(c, D("2030-05-01")));
	assert_true(calendar_covers(c, D("2030-12-31")));
	calendar_free(c);
	calendar_free(NULL);
}

static void calendar_load_survives_allocation_failures(void **state)
{
	(void)state;
	for (long n = 0; n < 64; n++) {
		calendar *c = NULL;
		err e;
		mem_fail_after(n);
		int rc = calendar_load_default(&c, &e);
		long used = mem_count_since_arm();
		mem_fail_after(-1);
		if (rc == OK) {
			assert_true(calendar_is_rest_day(c, D("2024-10-01")));
			calendar_free(c);
			assert_true(n > 0);
			return;
		}
		assert_int_equal(rc, E_NOMEM);
		assert_null(c);
		assert_true(used > n);
	}
	fail_msg("calendar_load_default never succeeded");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(calendar_due_table_cases),
		cmocka_unit_test(calendar_due_explains_holiday_extension),
		cmocka_unit_test(calendar_due_explains_custody_and_weekends),
		cmocka_unit_test(calendar_due_flags_years_not_loaded),
		cmocka_unit_test(calendar_due_refuses_bad_specs),
		cmocka_unit_test(dates_parse_strictly),
		cmocka_unit_test(dates_round_trip_and_weekdays),
		cmocka_unit_test(default_calendar_knows_the_notices),
		cmocka_unit_test(calendar_load_names_the_bad_line),
		cmocka_unit_test(calendar_add_day_keeps_order_and_refuses_duplicates),
		cmocka_unit_test(calendar_load_survives_allocation_failures),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
