/*
 * calendar.h - the legal calendar: dates, official rest days and the counting of statutory periods.
 *
 * Every time limit in CaseBridge (arrest review, review for prosecution, trial limits, appeal windows,
 * transfer acceptance) is computed here, so the counting rules live in one place: the start day is not
 * counted; months end on the corresponding day (or the month's last day); a criminal period that starts
 * on the last day of a month ends on the last day of the target month; a last day that is a rest day
 * moves to the next working day, except for custody periods; working-day limits count working days only.
 * Rest days come from a `calendar` object loaded from the State Council holiday notices (data/
 * holidays_cn.csv). The deadline module (deadline.h) maps named rules onto these calculations.
 * docs/calendar.md gives the legal basis of each rule.
 *
 * Thread safety: a calendar is filled once (calendar_load_csv / calendar_add_day) and only read after
 * that; every read function takes a const pointer and keeps no state, so any number of threads may read
 * one calendar at the same time. To change the holidays, build a new calendar and swap the pointer
 * under the caller's own lock; never modify a calendar that others are reading.
 */
#ifndef CB_CALENDAR_H
#define CB_CALENDAR_H

#include <stddef.h>

#include "core/err.h"

/* A day of the proleptic Gregorian calendar. Valid dates have years 1..9999. */
typedef struct cal_date {
	int y, m, d;
} cal_date;

/* Room for "YYYY-MM-DD" and its NUL. */
#define CAL_DATE_TEXT 11

/* 1 if y is a leap year (Gregorian rules), else 0. */
int cal_is_leap_year(int y);

/* Days in month m (1..12) of year y; 0 when m is out of range. */
int cal_days_in_month(int y, int m);

/* 1 if d names a day that exists (year 1..9999, month 1..12, day within the month), else 0. */
int cal_date_valid(cal_date d);

/*
 * Parse exactly "YYYY-MM-DD" (four-digit year, two-digit month and day, nothing else) into *out.
 * Returns OK, or E_INVALID with field set to `field` (may be NULL) when the text has another shape or
 * names a day that does not exist (2025-02-29).
 */
int cal_date_parse(const char *s, const char *field, cal_date *out, err *e);

/* Write d as "YYYY-MM-DD" into out and return out. */
char *cal_date_format(cal_date d, char out[CAL_DATE_TEXT]);

/* <0, 0 or >0 as a is before, equal to or after b. */
int cal_date_cmp(cal_date a, cal_date b);

/* Days since 1970-01-01 (negative before it). d must be valid. */
long cal_date_to_days(cal_date d);

/* The inverse of cal_date_to_days. */
cal_date cal_date_from_days(long days);

/* ISO weekday: 1 = Monday ... 7 = Sunday. */
int cal_date_weekday(cal_date d);

/* The Chinese weekday name of d ("星期一" ... "星期日"), a static string. */
const char *cal_date_weekday_name(cal_date d);

/* d plus n days (n may be negative). */
cal_date cal_date_add_days(cal_date d, long n);

/* Days from `from` to `to`: 0 for the same day, negative when `to` is earlier. */
long cal_days_between(cal_date from, cal_date to);

/*
 * d plus n months (n may be negative), landing on the corresponding day of the target month or on its
 * last day when it has none (Civil Code art. 202: 2024-01-31 + 1 month = 2024-02-29). With criminal set,
 * a d that is the last day of its month lands on the last day of the target month (2024-04-30 + 1 month
 * = 2024-05-31). The caller keeps the result within years 1..9999.
 */
cal_date cal_date_add_months(cal_date d, int n, int criminal);

/* ---- the holiday calendar ------------------------------------------------------------------------ */

typedef struct calendar calendar;

typedef enum cal_day_kind {
	CAL_DAY_NONE = 0,    /* no entry: weekends rest, weekdays work */
	CAL_DAY_HOLIDAY = 1, /* official holiday (法定节假日 and the days joined to it): a rest day */
	CAL_DAY_WORKDAY = 2  /* adjusted working day (调休上班): a weekend day that is a working day */
} cal_day_kind;

#define CAL_NAME_MAX 64    /* bytes of a day name with its NUL ("国庆节、中秋节") */
#define CAL_SOURCE_MAX 192 /* bytes of a source notice with its NUL */

/* A new empty calendar in *out (heap; calendar_free it). Returns OK or E_NOMEM. */
int calendar_new(calendar **out, err *e);

/* Free a calendar; NULL is ignored. */
void calendar_free(calendar *cal);

/*
 * Add the rows of a holidays CSV (NUL-terminated text) to cal. The header must name the columns date,
 * kind, name and source (in any order; other columns are ignored); each row gives a YYYY-MM-DD date,
 * kind "holiday" or "workday", a day name and the notice it comes from. An adjusted working day must
 * fall on a weekend. Returns OK; E_INVALID, with the line number in the message and the column in
 * field, for a bad row or a date listed twice (in the text or already in cal); E_NOMEM. On any error cal
 * is left exactly as it was.
 */
int calendar_load_csv(calendar *cal, const char *text, err *e);

/*
 * A new calendar (calendar_free it) holding the holidays built into the binary (data/holidays_cn.csv,
 * embedded by the build). Returns OK, E_NOMEM, or E_INTERNAL if the embedded table is missing or bad.
 */
int calendar_load_default(calendar **out, err *e);

/*
 * Add one day. kind is CAL_DAY_HOLIDAY or CAL_DAY_WORKDAY (which must be a Saturday or Sunday); name
 * and source are copied and must be non-empty and shorter than CAL_NAME_MAX / CAL_SOURCE_MAX bytes.
 * Returns OK, E_INVALID (bad arguments or the date is already in cal; cal unchanged) or E_NOMEM.
 */
int calendar_add_day(calendar *cal, cal_date date, cal_day_kind kind, const char *name, const char *source, err *e);

/*
 * 1 if date is a rest day: an official holiday, or a Saturday or Sunday that is not an adjusted working
 * day. Outside the covered years only weekends are rest days (see calendar_covers).
 */
int calendar_is_rest_day(const calendar *cal, cal_date date);

/* The calendar's entry kind for date (CAL_DAY_NONE when it has none). */
cal_day_kind calendar_day_kind(const calendar *cal, cal_date date);

/* The entry's name ("国庆节", "春节调休上班") or NULL; the string lives as long as cal. */
const char *calendar_day_name(const calendar *cal, cal_date date);

/* The entry's source notice or NULL; the string lives as long as cal. */
const char *calendar_day_source(const calendar *cal, cal_date date);

/*
 * 1 if the calendar knows the official arrangements for date's year, that is, it holds at least one
 * entry in that year; 0 otherwise. Rest days in a year that is not covered may be wrong (the State
 * Council publishes each year's arrangements late in the year before).
 */
int calendar_covers(const calendar *cal, cal_date date);

/* The first and last covered years. Returns OK, or E_NOTFOUND when the calendar is empty. */
int calendar_years(const calendar *cal, int *out_first, int *out_last);

/* ---- statutory periods --------------------------------------------------------------------------- */

/*
 * What period to count from a start day. Set months and/or days for a calendar period (months are
 * counted first, then days: "1.5 months" is months = 1, days = 15, because half a month is always 15
 * days), or working_days alone for a limit in working days. All zero means a same-day limit: the due
 * date is the start day itself and is never moved.
 */
typedef struct due_spec {
	int months;       /* 0..1200 */
	int days;         /* 0..36600 calendar days, counted after the months */
	int working_days; /* 0..3660; not combined with months or days */
	int criminal;     /* criminal procedure: month-end rule of the SPC interpretation of the CPL */
	int custody;      /* custody of a suspect, defendant or convict: no rest-day extension (CPL art. 105) */
} due_spec;

#define DUE_STEPS_MAX 8
#define DUE_TEXT_MAX 256

typedef struct due_result {
	cal_date start;      /* the day the period runs from (not counted) */
	cal_date nominal;    /* the last day of the period before any rest-day extension */
	cal_date due;        /* the last day on which the step is in time */
	int extended_days;   /* due - nominal: days added because nominal was a rest day */
	int beyond_calendar; /* 1 if a day the rules looked at lies in a year the calendar does not cover */
	int n_steps;         /* how many of steps[] are filled */
	char steps[DUE_STEPS_MAX][DUE_TEXT_MAX]; /* the reasoning, one step a line, zh-CN */
	char summary[DUE_TEXT_MAX];              /* one line, e.g. "2024-10-04 是国庆节 → 顺延至 2024-10-08" */
} due_result;

/*
 * Compute the last day of the period spec that runs from start, under the counting rules described at
 * the top of this file, and explain it in out (steps and summary, no allocation). beyond_calendar is set
 * when the nominal last day, a day looked at while extending it, or a day counted as a working day lies
 * in a year that cal does not cover: the result then treats only weekends as rest days and must be
 * checked once the year's notice is loaded. Returns OK, or E_INVALID (nothing useful in *out) for an
 * invalid start, negative or too large counts, working_days combined with months or days, or a result
 * after year 9999.
 */
int calendar_due(const calendar *cal, cal_date start, const due_spec *spec, due_result *out, err *e);

#endif
