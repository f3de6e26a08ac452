/*
 * legal.c - the process-wide calendar and rules. See legal.h.
 */
#include "domain/legal.h"

#include "core/util.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static calendar *cal;
static deadline_rules *rules;

int legal_init(store *db, err *e)
{
	(void)db;
	int rc = OK;
	calendar *c = NULL;
	deadline_rules *r = NULL;
	pthread_rwlock_wrlock(&lock);
	if (cal && rules)
		goto done;
	if ((rc = calendar_load_default(&c, e)) || (rc = deadline_rules_load_default(&r, e)))
		goto done;
	cal = c;
	rules = r;
	c = NULL;
	r = NULL;
done:
	pthread_rwlock_unlock(&lock);
	calendar_free(c);
	deadline_rules_free(r);
	return rc;
}

void legal_free(void)
{
	pthread_rwlock_wrlock(&lock);
	calendar_free(cal);
	deadline_rules_free(rules);
	cal = NULL;
	rules = NULL;
	pthread_rwlock_unlock(&lock);
}

const deadline_rule *legal_rule(const char *rule_id)
{
	pthread_rwlock_rdlock(&lock);
	const deadline_rule *r = rules && rule_id ? deadline_rule_find(rules, rule_id) : NULL;
	pthread_rwlock_unlock(&lock);
	return r;
}

int legal_deadline(const char *rule_id, const char *start, int n_extensions, deadline *out, err *e)
{
	cal_date d;
	int rc = cal_date_parse(start, "start", &d, e);
	if (rc)
		return rc;
	pthread_rwlock_rdlock(&lock);
	if (!cal || !rules)
		rc = err_set(e, E_INTERNAL, NULL, "legal context not loaded");
	else
		rc = deadline_compute(rules, cal, rule_id, d, n_extensions, out, e);
	pthread_rwlock_unlock(&lock);
	return rc;
}

int legal_due(cal_date start, const due_spec *spec, due_result *out, err *e)
{
	int rc;
	pthread_rwlock_rdlock(&lock);
	if (!cal)
		rc = err_set(e, E_INTERNAL, NULL, "legal context not loaded");
	else
		rc = calendar_due(cal, start, spec, out, e);
	pthread_rwlock_unlock(&lock);
	return rc;
}

int legal_set_calendar_csv(const char *csv_text, err *e)
{
	calendar *c = NULL;
	int rc = calendar_new(&c, e);
	if (rc == OK)
		rc = calendar_load_csv(c, csv_text, e);
	if (rc) {
		calendar_free(c);
		return rc;
	}
	pthread_rwlock_wrlock(&lock);
	calendar *old = cal;
	cal = c;
	pthread_rwlock_unlock(&lock);
	calendar_free(old);
	return OK;
}

void legal_today(char out[11]) { util_today_cn(out); }

cal_date legal_today_date(void)
{
	char t[11];
	cal_date d = {1970, 1, 1};
	util_today_cn(t);
	cal_date_parse(t, NULL, &d, NULL);
	return d;
}

void legal_format(cal_date d, char out[11]) { snprintf(out, 11, "%04d-%02d-%02d", d.y, d.m, d.d); }
