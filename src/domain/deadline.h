/*
 * deadline.h - statutory and platform time limits as data. Each step of a matter that has a time limit
 * (arrest review, review for prosecution, trial, appeal windows, transfer acceptance, fund disbursement)
 * names a rule in a rules table (data/time_limit_rules.csv, embedded in the binary; a deployment may
 * override rows). A rule gives the base period, how an approved extension changes it, whether criminal
 * counting or the custody exception applies, and the law and article it comes from. deadline_compute
 * turns a rule, a start day and the number of approved extensions into a due date with its legal basis
 * and an explanation, using calendar_due (calendar.h) for the counting; deadline_status says whether a
 * step is within its limit, due soon or overdue. The matter/transfer modules store the results; this
 * module keeps no state and does no I/O.
 *
 * Thread safety: a rules table is read-only after loading (or after deadline_rules_override_csv, which
 * must not run while others read the table); swap whole tables on change, like calendars.
 */
#ifndef CB_DEADLINE_H
#define CB_DEADLINE_H

#include <stddef.h>

#include "core/err.h"
#include "domain/calendar.h"

#define DEADLINE_ID_MAX 48      /* rule id with NUL: [a-z0-9_]+ */
#define DEADLINE_WORD_MAX 24    /* kind / agency with NUL */
#define DEADLINE_STAGE_MAX 256  /* stage name with NUL */
#define DEADLINE_LAW_MAX 160    /* law title with NUL */
#define DEADLINE_ARTICLE_MAX 48 /* "第91条第3款" with NUL */
#define DEADLINE_NOTE_MAX 512   /* note or clock_starts with NUL */
#define DEADLINE_BASIS_MAX (DEADLINE_LAW_MAX + DEADLINE_ARTICLE_MAX)

/*
 * One row of the rules table. The period is base_months months plus base_days days, or working_days
 * working days (then the other two are 0), or nothing at all for a same-day limit. An approved extension
 * either adds ext_months + ext_days to the period for each extension (ext_mode_to = 0, "可以延长15日") or
 * replaces the period with ext_months + ext_days counted from the start (ext_mode_to = 1, at most one
 * extension, "可以延长至15日"). For a working-day rule ext_days are working days.
 */
typedef struct deadline_rule {
	char id[DEADLINE_ID_MAX];
	char kind[DEADLINE_WORD_MAX];   /* criminal | civil | administrative | enforcement | platform */
	char agency[DEADLINE_WORD_MAX]; /* police | procuratorate | court | justice_bureau | committee | any */
	char stage[DEADLINE_STAGE_MAX]; /* zh-CN name of the step ("审查起诉") */
	int base_months, base_days, working_days;
	int ext_months, ext_days;
	int ext_mode_to;
	int max_extensions;                 /* approved extensions allowed (0: none) */
	int max_rounds;                     /* times the step may occur in one matter (0: no limit), e.g. 2 returns */
	int criminal;                       /* counted by criminal procedure rules (month-end rule) */
	int custody;                        /* a custody period: no rest-day extension (CPL art. 105) */
	char law[DEADLINE_LAW_MAX];         /* "刑事诉讼法(2018)"; platform rules say so here */
	char article[DEADLINE_ARTICLE_MAX]; /* "第172条"; may be empty */
	char clock_starts[DEADLINE_NOTE_MAX];
	char note[DEADLINE_NOTE_MAX];
} deadline_rule;

typedef struct deadline_rules deadline_rules;

/*
 * Parse a rules table (NUL-terminated CSV text) into a new table in *out (heap; deadline_rules_free it).
 * The header must name every column of data/time_limit_rules.csv (any order; extra columns are
 * ignored). Returns OK, E_INVALID (message names the line, field names the column) for a malformed row,
 * a duplicate rule id, an unknown kind or agency, or an inconsistent period or extension; E_NOMEM. *out
 * is set only on OK.
 */
int deadline_rules_load_csv(const char *text, deadline_rules **out, err *e);

/* The table built into the binary (data/time_limit_rules.csv). Returns as deadline_rules_load_csv, with
 * E_INTERNAL instead of E_INVALID (a bad built-in table is a bug). */
int deadline_rules_load_default(deadline_rules **out, err *e);

/*
 * Apply a deployment's overrides: rows in the same CSV format replace the rule with the same id or are
 * added. Either every row applies or, on error, rules is unchanged. Returns as deadline_rules_load_csv.
 */
int deadline_rules_override_csv(deadline_rules *rules, const char *text, err *e);

/* Free a table; NULL is ignored. */
void deadline_rules_free(deadline_rules *rules);

/* Number of rules, and the i-th (0-based, file order; NULL when out of range): for listings. */
size_t deadline_rules_count(const deadline_rules *rules);
const deadline_rule *deadline_rules_at(const deadline_rules *rules, size_t i);

/* The rule with this id or NULL. The pointer lives as long as the table. */
const deadline_rule *deadline_rule_find(const deadline_rules *rules, const char *rule_id);

/*
 * The period of rule after n_extensions approved extensions, as a due_spec for calendar_due. Returns OK
 * or E_INVALID when n_extensions is negative or more than the rule allows.
 */
int deadline_rule_spec(const deadline_rule *rule, int n_extensions, due_spec *out, err *e);

/* A computed time limit. */
typedef struct deadline {
	char rule_id[DEADLINE_ID_MAX];
	cal_date start;
	cal_date due;
	int n_extensions;
	int beyond_calendar;            /* as due_result: re-check once the year's holidays are loaded */
	char basis[DEADLINE_BASIS_MAX]; /* "刑事诉讼法(2018)第172条" */
	char period[64];                /* the period counted, "1个月15日" */
	due_result calc;                /* due, steps (the first one cites the basis) and summary */
} deadline;

/*
 * Compute the due date of the step governed by rule_id that starts on start (the day the clock starts;
 * not counted, except that same-day limits are due on start itself) with n_extensions approved
 * extensions. Returns OK; E_NOTFOUND (field "rule_id") for an unknown rule; E_INVALID for a bad start or
 * too many extensions. *out is fully written on OK.
 */
int deadline_compute(const deadline_rules *rules, const calendar *cal, const char *rule_id, cal_date start,
                     int n_extensions, deadline *out, err *e);

typedef enum deadline_state {
	DEADLINE_NORMAL = 0, /* more than due_soon_days left */
	DEADLINE_DUE_SOON,   /* 0..due_soon_days calendar days left (0 = due today) */
	DEADLINE_OVERDUE     /* today is after the due date */
} deadline_state;

/*
 * Where a step stands on today against its due date, warning due_soon_days calendar days ahead (negative
 * counts as 0). *out_days_left (may be NULL) gets due - today in calendar days: negative when overdue.
 */
deadline_state deadline_status(cal_date due, cal_date today, int due_soon_days, long *out_days_left);

/* "normal", "due_soon" or "overdue" (the JSON and glossary names). */
const char *deadline_state_name(deadline_state state);

#endif
