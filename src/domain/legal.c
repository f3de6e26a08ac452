/*
 * legal.c - the process-wide calendar and rules. See legal.h.
 */
#include "domain/legal.h"

#include "core/csv.h"
#include "core/util.h"
#include "domain/audit.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static calendar *cal;
static deadline_rules *rules;
static char cal_version[40]; /* meta calendar_version the calendar was built from */
/* Bumped (under the write lock) whenever the calendar or the rules change: remembered deadlines of
 * an older generation are not used. */
static unsigned long generation = 1;

/* Build a calendar from the store's holidays; the built-in one when the store has none. */
static int build_from_store(store *db, calendar **out, err *e)
{
	arena *a = arena_new();
	store_holiday *v;
	size_t n;
	calendar *c = NULL;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	int rc = store_holiday_list(db, a, &v, &n, e);
	if (rc == OK && n == 0)
		rc = calendar_load_default(&c, e);
	else if (rc == OK && (rc = calendar_new(&c, e)) == OK)
		for (size_t i = 0; i < n && rc == OK; i++) {
			cal_date d;
			if ((rc = cal_date_parse(v[i].date, "date", &d, e)) == OK)
				rc = calendar_add_day(c, d,
				                      strcmp(v[i].kind, "holiday") ? CAL_DAY_WORKDAY : CAL_DAY_HOLIDAY,
				                      v[i].name, v[i].source, e);
		}
	arena_free(a);
	if (rc) {
		calendar_free(c);
		return rc;
	}
	*out = c;
	return OK;
}

static void read_version(store *db, char out[40])
{
	arena *a = arena_new();
	char *v = NULL;
	out[0] = 0;
	if (a && store_meta_get(db, "calendar_version", a, &v, NULL) == OK)
		util_strlcpy(out, v, 40);
	arena_free(a);
}

static int apply_overrides(deadline_rules *r, const char *data_dir, err *e)
{
	char path[700];
	if (!data_dir)
		return OK;
	snprintf(path, sizeof path, "%s/%s", data_dir, LEGAL_OVERRIDES_FILE);
	FILE *f = fopen(path, "rb");
	if (!f)
		return OK;
	char *text = NULL;
	long n = -1;
	if (fseek(f, 0, SEEK_END) == 0)
		n = ftell(f);
	int rc = OK;
	if (n < 0 || n > (1 << 20) || fseek(f, 0, SEEK_SET) != 0 || !(text = mem_alloc((size_t)n + 1)) ||
	    fread(text, 1, (size_t)n, f) != (size_t)n)
		rc = err_set(e, E_IO, "time_limit_overrides", "cannot read %s", path);
	fclose(f);
	if (rc == OK) {
		text[n] = 0;
		if ((rc = deadline_rules_override_csv(r, text, e)))
			err_set(e, rc, "time_limit_overrides", "%s: %s", path, e ? e->message : "invalid");
	}
	mem_free(text);
	return rc;
}

int legal_init(store *db, const char *data_dir, err *e)
{
	int rc = OK;
	calendar *c = NULL;
	deadline_rules *r = NULL;
	pthread_rwlock_wrlock(&lock);
	if (cal && rules)
		goto done;
	if ((db ? (rc = build_from_store(db, &c, e)) : (rc = calendar_load_default(&c, e))) ||
	    (rc = deadline_rules_load_default(&r, e)) || (rc = apply_overrides(r, data_dir, e)))
		goto done;
	if (db)
		read_version(db, cal_version);
	cal = c;
	rules = r;
	__atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
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
	__atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
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

/* The per-thread memory of briefs: direct-mapped by a hash of the arguments, allocated on a thread's
 * first use (512 entries, about 240 KB) and freed when the thread ends. */
#define BRIEF_SLOTS 512
typedef struct brief_slot {
	unsigned long generation; /* 0: empty */
	char rule_id[DEADLINE_ID_MAX];
	char start[11];
	int n_extensions;
	legal_deadline_brief brief;
} brief_slot;
static pthread_key_t brief_key;
static pthread_once_t brief_once = PTHREAD_ONCE_INIT;
static void brief_key_make(void)
{
	pthread_key_create(&brief_key, free);
}

int legal_deadline_brief_of(const char *rule_id, const char *start, int n_extensions, legal_deadline_brief *out, err *e)
{
	unsigned long gen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
	size_t rl = rule_id ? strlen(rule_id) : 0, sl = start ? strlen(start) : 0;
	brief_slot *slot = NULL;
	if (rl < DEADLINE_ID_MAX && sl == 10) {
		pthread_once(&brief_once, brief_key_make);
		brief_slot *v = pthread_getspecific(brief_key);
		if (!v && (v = calloc(BRIEF_SLOTS, sizeof *v)) && pthread_setspecific(brief_key, v)) {
			free(v);
			v = NULL;
		}
		if (v) {
			uint32_t h = 2166136261u;
			for (size_t i = 0; i < rl; i++)
				h = (h ^ (unsigned char)rule_id[i]) * 16777619u;
			for (size_t i = 0; i < sl; i++)
				h = (h ^ (unsigned char)start[i]) * 16777619u;
			h = (h ^ (uint32_t)n_extensions) * 16777619u;
			slot = &v[h % BRIEF_SLOTS];
			if (slot->generation == gen && slot->n_extensions == n_extensions &&
			    !strcmp(slot->rule_id, rule_id) && !memcmp(slot->start, start, 11)) {
				*out = slot->brief;
				return OK;
			}
		}
	}
	deadline d;
	int rc = legal_deadline(rule_id, start, n_extensions, &d, e);
	if (rc)
		return rc;
	util_strlcpy(out->basis, d.basis, sizeof out->basis);
	util_strlcpy(out->period, d.period, sizeof out->period);
	util_strlcpy(out->summary, d.calc.summary, sizeof out->summary);
	out->beyond_calendar = d.beyond_calendar;
	if (slot) {
		slot->generation = gen;
		memcpy(slot->rule_id, rule_id, rl + 1);
		memcpy(slot->start, start, 11);
		slot->n_extensions = n_extensions;
		slot->brief = *out;
	}
	return OK;
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

static void swap_calendar(calendar *c, const char *version)
{
	pthread_rwlock_wrlock(&lock);
	calendar *old = cal;
	cal = c;
	util_strlcpy(cal_version, version, sizeof cal_version);
	__atomic_add_fetch(&generation, 1, __ATOMIC_RELEASE);
	pthread_rwlock_unlock(&lock);
	calendar_free(old);
}

int legal_refresh(store *db, err *e)
{
	char v[40], have[40];
	read_version(db, v);
	pthread_rwlock_rdlock(&lock);
	util_strlcpy(have, cal_version, sizeof have);
	pthread_rwlock_unlock(&lock);
	if (!strcmp(v, have))
		return OK;
	calendar *c = NULL;
	int rc = build_from_store(db, &c, e);
	if (rc == OK)
		swap_calendar(c, v);
	return rc;
}

void legal_calendar_years(int *out_first, int *out_last)
{
	*out_first = *out_last = 0;
	pthread_rwlock_rdlock(&lock);
	if (cal)
		calendar_years(cal, out_first, out_last);
	pthread_rwlock_unlock(&lock);
}

int legal_import_holidays(store *db, const principal *who, const char *csv_text, int *out_added, int *out_changed,
                          err *e)
{
	int rc = OK, added = 0, changed = 0;
	calendar *check = NULL;
	json_t *p = json_object(), *days = json_array();
	csv_reader rd;
	csv_record *rec = mem_alloc(sizeof *rec);
	char version[40];
	if (!p || !days || !rec) {
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	/* validate the whole file with the calendar's own loader first: all or nothing */
	if ((rc = calendar_new(&check, e)) || (rc = calendar_load_csv(check, csv_text, e)))
		goto done;
	if ((rc = store_tx_begin(db, e)))
		goto done;
	csv_reader_init(&rd, csv_text, strlen(csv_text));
	if ((rc = csv_read_record(&rd, rec, e)))
		goto done;
	int cd = csv_field_index(rec, "date"), ck = csv_field_index(rec, "kind"), cn = csv_field_index(rec, "name"),
	    cs = csv_field_index(rec, "source");
	while ((rc = csv_read_record(&rd, rec, e)) == OK && rec->n_fields > 0) {
		store_holiday h = { rec->fields[cd], rec->fields[ck], rec->fields[cn], cs >= 0 ? rec->fields[cs] : "" };
		int ch;
		if ((rc = store_holiday_put(db, &h, &ch, e)))
			break;
		if (ch) {
			ch == 1 ? added++ : changed++;
			json_array_append_new(days, json_pack("{s:s,s:s,s:s,s:s,s:b}", "date", h.date, "kind", h.kind,
			                                      "name", h.name, "source", h.source, "replaced", ch == 2));
		}
	}
	if (rc)
		goto done;
	util_random_hex(version, 8);
	json_object_set_new(p, "added", json_integer(added));
	json_object_set_new(p, "changed", json_integer(changed));
	json_object_set_new(p, "days", days);
	days = NULL;
	if ((rc = store_meta_set(db, "calendar_version", version, e)) ||
	    (rc = audit_record(db, who, "calendar", "holidays", "calendar.imported", p, NULL, e)) ||
	    (rc = store_tx_commit(db, e)))
		goto done;
	calendar *c = NULL;
	if ((rc = build_from_store(db, &c, e)) == OK)
		swap_calendar(c, version);
	if (out_added)
		*out_added = added;
	if (out_changed)
		*out_changed = changed;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	calendar_free(check);
	json_decref(p);
	json_decref(days);
	mem_free(rec);
	return rc;
}

void legal_today(char out[11])
{
	util_today_cn(out);
}

cal_date legal_today_date(void)
{
	char t[11];
	cal_date d = { 1970, 1, 1 };
	util_today_cn(t);
	cal_date_parse(t, NULL, &d, NULL);
	return d;
}

void legal_format(cal_date d, char out[11])
{
	snprintf(out, 11, "%04d-%02d-%02d", d.y, d.m, d.d);
}

int legal_holidays(store *db, arena *a, json_t **out, err *e)
{
	store_holiday *v;
	size_t n;
	int first, last;
	int rc = legal_refresh(db, e);
	if (rc || (rc = store_holiday_list(db, a, &v, &n, e)))
		return rc;
	legal_calendar_years(&first, &last);
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:s}", "date", v[i].date, "kind", v[i].kind, "name",
		                                     v[i].name, "source", v[i].source));
	*out = json_pack("{s:o,s:i,s:i}", "days", arr, "first_year", first, "last_year", last);
	return *out ? OK : err_set(e, E_NOMEM, NULL, "out of memory");
}
