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
#include "store/store.h"

/* Load the calendar (the store's holiday table, or the built-in one) and the rules. Idempotent. */
int legal_init(store *db, err *e);
void legal_free(void);

/* The rule with this id, or NULL. Rules live as long as the process. */
const deadline_rule *legal_rule(const char *rule_id);
/* The deadline of a rule counted from start ("YYYY-MM-DD") with n approved extensions. */
int legal_deadline(const char *rule_id, const char *start, int n_extensions, deadline *out, err *e);
/* due for a spec (the period calculator). */
int legal_due(cal_date start, const due_spec *spec, due_result *out, err *e);
/* Replace the calendar with one built from holiday CSV text (takes effect for new computations). */
int legal_set_calendar_csv(const char *csv_text, err *e);
/* Today in Asia/Shanghai as YYYY-MM-DD, and as a date. */
void legal_today(char out[11]);
cal_date legal_today_date(void);
/* Format a date as YYYY-MM-DD into out (11 bytes). */
void legal_format(cal_date d, char out[11]);

#endif
