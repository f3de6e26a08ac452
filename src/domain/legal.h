/*
 * legal.h - the process-wide legal context: the holiday calendar and the time-limit rules table that
 * every deadline in the case flow is computed with (one code path: deadline_compute). Loaded at start;
 * an administrator's calendar import swaps in a new calendar whole (readers never see a half-loaded one).
 */
#ifndef CB_LEGAL_H
#define CB_LEGAL_H

#include "core/err.h"
#include "domain/calendar.h"
#include "domain/deadline.h"
#include "domain/principal.h"
#include "store/store.h"

#include <jansson.h>

#define LEGAL_OVERRIDES_FILE "time_limit_overrides.csv"

/* Load the calendar (the store's holiday table, or the built-in one) and the rules: the built-in table
 * (data/time_limit_rules.csv) with a deployment's overrides from <data_dir>/time_limit_overrides.csv
 * when that file exists (same columns; e.g. a longer transfer_acceptance limit). Idempotent. */
int legal_init(store *db, const char *data_dir, err *e);
void legal_free(void);

/* The rule with this id, or NULL. Rules live as long as the process. */
const deadline_rule *legal_rule(const char *rule_id);
/* The deadline of a rule counted from start ("YYYY-MM-DD") with n approved extensions. */
int legal_deadline(const char *rule_id, const char *start, int n_extensions, deadline *out, err *e);
/* What a list row shows of a deadline: its basis, period, one-line explanation and whether it must be
 * checked again once the year's holidays are loaded. */
typedef struct legal_deadline_brief {
	char basis[DEADLINE_BASIS_MAX];
	char period[64];
	char summary[DUE_TEXT_MAX];
	int beyond_calendar;
} legal_deadline_brief;
/* legal_deadline's brief for the same arguments, remembered per thread for the calendar and rules in
 * force (a new calendar or rules table forgets every remembered one): a workbench of 100 matters asks
 * for the same few hundred deadlines on every request. */
int legal_deadline_brief_of(const char *rule_id, const char *start, int n_extensions, legal_deadline_brief *out,
                            err *e);
/* due for a spec (the period calculator). */
int legal_due(cal_date start, const due_spec *spec, due_result *out, err *e);
/* Import holiday rows (holidays_cn.csv format: date,kind,name,source) into the store as one event
 * (calendar.imported, listing every added or changed day), then rebuild the calendar. The whole file is
 * checked first: a bad row changes nothing. */
int legal_import_holidays(store *db, const principal *who, const char *csv_text, int *out_added, int *out_changed,
                          err *e);
/* Reload the calendar if another process imported holidays since it was loaded (cheap: one read). */
int legal_refresh(store *db, err *e);
/* The holiday calendar as JSON: {days:[{date,kind,name,source}], first_year, last_year}. */
int legal_holidays(store *db, arena *a, json_t **out, err *e);
/* The years the calendar covers. */
void legal_calendar_years(int *out_first, int *out_last);
/* Today in Asia/Shanghai as YYYY-MM-DD, and as a date. */
void legal_today(char out[11]);
cal_date legal_today_date(void);
/* Format a date as YYYY-MM-DD into out (11 bytes). */
void legal_format(cal_date d, char out[11]);

#endif
