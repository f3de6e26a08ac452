/*
 * deadline.c - the time-limit rules table and the computation of due dates from it. See deadline.h for
 * the model and docs/calendar.md for the legal basis. Loading checks every row (a wrong rule would give
 * wrong deadlines silently, so the loader is strict and names the line and column); computing is a thin
 * layer over calendar_due that adds the rule's legal basis to the explanation.
 */
#include "domain/deadline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/embedded.h"
#include "core/mem.h"

struct deadline_rules {
	deadline_rule *v;
	size_t n, cap;
};

/* The columns every table must have, in the order of data/time_limit_rules.csv. */
enum {
	COL_ID,
	COL_KIND,
	COL_AGENCY,
	COL_STAGE,
	COL_BASE_MONTHS,
	COL_BASE_DAYS,
	COL_WORKING_DAYS,
	COL_EXT_MONTHS,
	COL_EXT_DAYS,
	COL_EXT_MODE,
	COL_MAX_EXTENSIONS,
	COL_MAX_ROUNDS,
	COL_CRIMINAL,
	COL_CUSTODY,
	COL_LAW,
	COL_ARTICLE,
	COL_CLOCK_STARTS,
	COL_NOTE,
	COL__COUNT
};

static const char *const col_names[COL__COUNT] = {
	"rule_id",      "kind",       "agency",   "stage",    "base_months",    "base_days",
	"working_days", "ext_months", "ext_days", "ext_mode", "max_extensions", "max_rounds",
	"criminal",     "custody",    "law",      "article",  "clock_starts",   "note",
};

static const char *const kinds[] = { "criminal", "civil", "administrative", "enforcement", "platform", NULL };
static const char *const agencies[] = {
	"police", "procuratorate", "court", "justice_bureau", "committee", "any", NULL
};

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Parse a whole decimal number in [lo, hi]; 1 on success. */
static int parse_int(const char *s, long lo, long hi, int *out)
{
	char *end = NULL;
	if (!s[0] || s[0] == ' ' || s[0] == '+')
		return 0;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return 0;
	*out = (int)v;
	return 1;
}

/* Copy s into dst (cap bytes); 1 if it fits. */
static int copy_text(char *dst, size_t cap, const char *s)
{
	size_t len = strlen(s);
	if (len >= cap)
		return 0;
	memcpy(dst, s, len + 1);
	return 1;
}

static int valid_id(const char *s)
{
	if (!s[0])
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* Check the numbers of a rule against each other; line is for the message. */
static int check_periods(const deadline_rule *r, int line, err *e)
{
	int rc = OK;
	int ext = r->ext_months || r->ext_days;

	if (r->working_days && (r->base_months || r->base_days || r->ext_months)) {
		rc = err_set(e, E_INVALID, "working_days",
		             "第%d行：按工作日计算的规则不能再填月数或日数，请只保留working_days", line);
	} else if (r->max_extensions && !ext) {
		rc = err_set(e, E_INVALID, "ext_days", "第%d行：允许延长%d次却没有填写延长的月数或日数", line,
		             r->max_extensions);
	} else if (!r->max_extensions && ext) {
		rc = err_set(e, E_INVALID, "max_extensions", "第%d行：填写了延长期限，max_extensions应至少为1", line);
	} else if (r->ext_mode_to && r->max_extensions > 1) {
		rc = err_set(e, E_INVALID, "max_extensions", "第%d行：ext_mode为to（延长至）时最多只能延长1次", line);
	} else if (r->base_months + (long)r->max_extensions * r->ext_months > 1200 ||
	           r->base_days + (long)r->max_extensions * r->ext_days > 36600 ||
	           r->working_days + (long)r->max_extensions * r->ext_days > 3660) {
		rc = err_set(e, E_INVALID, "ext_days", "第%d行：延长后的期限过长，请核对", line);
	} else if (!r->law[0]) {
		rc = err_set(e, E_INVALID, "law", "第%d行：必须写明法律依据（法律名称或“平台规则”）", line);
	}
	return rc;
}

/* Fill *r from one record; cols maps COL_* to the record's field index. */
static int parse_rule(const csv_record *rec, const int *cols, deadline_rule *r, err *e)
{
	int rc = OK;
	int line = rec->line;
	const char *f[COL__COUNT];
	static const struct {
		int col;
		long hi;
	} nums[] = {
		{ COL_BASE_MONTHS, 1200 }, { COL_BASE_DAYS, 36600 }, { COL_WORKING_DAYS, 3660 },
		{ COL_EXT_MONTHS, 1200 },  { COL_EXT_DAYS, 36600 },  { COL_MAX_EXTENSIONS, 10 },
		{ COL_MAX_ROUNDS, 100 },   { COL_CRIMINAL, 1 },      { COL_CUSTODY, 1 },
	};
	int *num_out[] = { &r->base_months,    &r->base_days,  &r->working_days, &r->ext_months, &r->ext_days,
		           &r->max_extensions, &r->max_rounds, &r->criminal,     &r->custody };

	memset(r, 0, sizeof *r);
	for (int i = 0; i < COL__COUNT; i++)
		f[i] = rec->fields[cols[i]];

	if (!valid_id(f[COL_ID]) || !copy_text(r->id, sizeof r->id, f[COL_ID])) {
		rc = err_set(e, E_INVALID, "rule_id",
		             "第%d行：规则编号只能由小写字母、数字和下划线组成，且不超过%d个字符", line,
		             DEADLINE_ID_MAX - 1);
		goto done;
	}
	if (!in_list(f[COL_KIND], kinds) || !copy_text(r->kind, sizeof r->kind, f[COL_KIND])) {
		rc = err_set(e, E_INVALID, "kind",
		             "第%d行：kind应为criminal、civil、administrative、enforcement或platform之一", line);
		goto done;
	}
	if (!in_list(f[COL_AGENCY], agencies) || !copy_text(r->agency, sizeof r->agency, f[COL_AGENCY])) {
		rc = err_set(e, E_INVALID, "agency",
		             "第%d行：agency应为police、procuratorate、court、justice_bureau、committee或any之一",
		             line);
		goto done;
	}
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		if (!parse_int(f[nums[i].col], 0, nums[i].hi, num_out[i])) {
			rc = err_set(e, E_INVALID, col_names[nums[i].col], "第%d行：%s应为0到%ld之间的整数", line,
			             col_names[nums[i].col], nums[i].hi);
			goto done;
		}
	}
	if (strcmp(f[COL_EXT_MODE], "add") == 0) {
		r->ext_mode_to = 0;
	} else if (strcmp(f[COL_EXT_MODE], "to") == 0) {
		r->ext_mode_to = 1;
	} else {
		rc = err_set(e, E_INVALID, "ext_mode", "第%d行：ext_mode应为add（延长若干）或to（延长至）", line);
		goto done;
	}
	if (!f[COL_STAGE][0] || !copy_text(r->stage, sizeof r->stage, f[COL_STAGE]) ||
	    !copy_text(r->law, sizeof r->law, f[COL_LAW]) ||
	    !copy_text(r->article, sizeof r->article, f[COL_ARTICLE]) ||
	    !copy_text(r->clock_starts, sizeof r->clock_starts, f[COL_CLOCK_STARTS]) ||
	    !copy_text(r->note, sizeof r->note, f[COL_NOTE])) {
		rc = err_set(e, E_INVALID, "stage",
		             "第%d行：stage不能为空，各文字列不能过长（stage %d、law %d、article %d、"
		             "note %d字节以内）",
		             line, DEADLINE_STAGE_MAX - 1, DEADLINE_LAW_MAX - 1, DEADLINE_ARTICLE_MAX - 1,
		             DEADLINE_NOTE_MAX - 1);
		goto done;
	}
	rc = check_periods(r, line, e);
done:
	return rc;
}

static int rules_push(deadline_rules *t, const deadline_rule *r, err *e)
{
	int rc = OK;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		deadline_rule *v = mem_realloc(t->v, cap * sizeof *v);
		if (!v) {
			rc = err_set(e, E_NOMEM, NULL, "内存不足，无法载入期限规则，请稍后重试");
			goto done;
		}
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = *r;
done:
	return rc;
}

static deadline_rule *rules_find(const deadline_rules *t, const char *id)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].id, id) == 0)
			return &t->v[i];
	return NULL;
}

int deadline_rules_load_csv(const char *text, deadline_rules **out, err *e)
{
	int rc = OK;
	deadline_rules *t = NULL;
	csv_record *rec = NULL;
	csv_reader rd;
	int cols[COL__COUNT];
	int n_cols;
	deadline_rule r;

	t = mem_calloc(1, sizeof *t);
	rec = mem_alloc(sizeof *rec);
	if (!t || !rec) {
		rc = err_set(e, E_NOMEM, NULL, "内存不足，无法载入期限规则，请稍后重试");
		goto done;
	}
	csv_reader_init(&rd, text, strlen(text));
	rc = csv_read_record(&rd, rec, e);
	if (rc != OK)
		goto done;
	n_cols = rec->n_fields;
	for (int i = 0; i < COL__COUNT; i++) {
		cols[i] = csv_field_index(rec, col_names[i]);
		if (cols[i] < 0) {
			rc = err_set(e, E_INVALID, col_names[i],
			             "第1行表头缺少%s列，请按data/time_limit_rules.csv的表头补齐", col_names[i]);
			goto done;
		}
	}
	for (;;) {
		rc = csv_read_record(&rd, rec, e);
		if (rc != OK || rec->n_fields == 0)
			break;
		if (rec->n_fields != n_cols) {
			rc = err_set(e, E_INVALID, "",
			             "第%d行：应有%d列，实际为%d列，请检查逗号（含逗号的文字要加双引号）", rec->line,
			             n_cols, rec->n_fields);
			break;
		}
		rc = parse_rule(rec, cols, &r, e);
		if (rc != OK)
			break;
		if (rules_find(t, r.id)) {
			rc = err_set(e, E_INVALID, "rule_id", "第%d行：规则编号%s重复，每条规则只能出现一次", rec->line,
			             r.id);
			break;
		}
		rc = rules_push(t, &r, e);
		if (rc != OK)
			break;
	}
	if (rc != OK)
		goto done;
	*out = t;
	t = NULL;
done:
	deadline_rules_free(t);
	mem_free(rec);
	return rc;
}

int deadline_rules_load_default(deadline_rules **out, err *e)
{
	int rc = OK;
	const embedded_file *f = embedded_find("data/time_limit_rules.csv");

	if (!f) {
		rc = err_set(e, E_INTERNAL, NULL, "程序未内置期限规则表data/time_limit_rules.csv，请重新构建");
		goto done;
	}
	rc = deadline_rules_load_csv(f->data, out, e);
	if (rc == E_INVALID)
		rc = E_INTERNAL;
done:
	return rc;
}

int deadline_rules_override_csv(deadline_rules *rules, const char *text, err *e)
{
	int rc = OK;
	deadline_rules *over = NULL;
	deadline_rule *v = NULL;
	size_t n, cap;

	rc = deadline_rules_load_csv(text, &over, e);
	if (rc != OK)
		goto done;
	/* Build the merged array aside so that a failed allocation changes nothing. */
	cap = rules->n + over->n;
	v = mem_alloc(cap * sizeof *v);
	if (!v) {
		rc = err_set(e, E_NOMEM, NULL, "内存不足，无法应用期限规则覆盖，请稍后重试");
		goto done;
	}
	if (rules->n)
		memcpy(v, rules->v, rules->n * sizeof *v);
	n = rules->n;
	for (size_t i = 0; i < over->n; i++) {
		size_t j = 0;
		while (j < n && strcmp(v[j].id, over->v[i].id) != 0)
			j++;
		v[j] = over->v[i];
		if (j == n)
			n++;
	}
	mem_free(rules->v);
	rules->v = v;
	rules->n = n;
	rules->cap = cap;
	v = NULL;
done:
	mem_free(v);
	deadline_rules_free(over);
	return rc;
}

void deadline_rules_free(deadline_rules *rules)
{
	if (!rules)
		return;
	mem_free(rules->v);
	mem_free(rules);
}

size_t deadline_rules_count(const deadline_rules *rules)
{
	return rules ? rules->n : 0;
}

const deadline_rule *deadline_rules_at(const deadline_rules *rules, size_t i)
{
	return rules && i < rules->n ? &rules->v[i] : NULL;
}

const deadline_rule *deadline_rule_find(const deadline_rules *rules, const char *rule_id)
{
	return rules && rule_id ? rules_find(rules, rule_id) : NULL;
}

int deadline_rule_spec(const deadline_rule *rule, int n_extensions, due_spec *out, err *e)
{
	int rc = OK;

	if (n_extensions < 0 || n_extensions > rule->max_extensions) {
		if (rule->max_extensions == 0)
			rc = err_set(e, E_INVALID, "n_extensions", "“%s”的期限不能延长，请去掉延长次数", rule->stage);
		else
			rc = err_set(e, E_INVALID, "n_extensions", "“%s”的期限最多延长%d次，请核对已批准的延长次数",
			             rule->stage, rule->max_extensions);
		goto done;
	}
	memset(out, 0, sizeof *out);
	out->criminal = rule->criminal;
	out->custody = rule->custody;
	if (rule->working_days) {
		/* Extensions of a working-day limit are working days too. */
		out->working_days = n_extensions && rule->ext_mode_to
		                            ? rule->ext_days
		                            : rule->working_days + n_extensions * rule->ext_days;
	} else if (n_extensions && rule->ext_mode_to) {
		/* "延长至": the extended period replaces the base one and runs from the same start. */
		out->months = rule->ext_months;
		out->days = rule->ext_days;
	} else {
		out->months = rule->base_months + n_extensions * rule->ext_months;
		out->days = rule->base_days + n_extensions * rule->ext_days;
	}
done:
	return rc;
}

/* snprintf that may truncate on purpose (explanations are display text with a fixed room). */
static void text_printf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void text_printf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
}

/* "刑事诉讼法(2018)第172条"; for platform rules the law column already says what it is. */
static void format_basis(const deadline_rule *r, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s", r->law, r->article);
}

int deadline_compute(const deadline_rules *rules, const calendar *cal, const char *rule_id, cal_date start,
                     int n_extensions, deadline *out, err *e)
{
	int rc = OK;
	const deadline_rule *r = deadline_rule_find(rules, rule_id);
	due_spec spec;
	due_result *calc = &out->calc;

	if (!r) {
		rc = err_set(e, E_NOTFOUND, "rule_id", "没有编号为“%s”的期限规则，请检查规则编号或规则表",
		             rule_id ? rule_id : "");
		goto done;
	}
	rc = deadline_rule_spec(r, n_extensions, &spec, e);
	if (rc != OK)
		goto done;
	rc = calendar_due(cal, start, &spec, calc, e);
	if (rc != OK)
		goto done;

	snprintf(out->rule_id, sizeof out->rule_id, "%s", r->id);
	out->start = start;
	out->due = calc->due;
	out->n_extensions = n_extensions;
	out->beyond_calendar = calc->beyond_calendar;
	format_basis(r, out->basis, sizeof out->basis);
	if (spec.working_days)
		snprintf(out->period, sizeof out->period, "%d个工作日", spec.working_days);
	else if (spec.months && spec.days)
		snprintf(out->period, sizeof out->period, "%d个月%d日", spec.months, spec.days);
	else if (spec.months)
		snprintf(out->period, sizeof out->period, "%d个月", spec.months);
	else if (spec.days)
		snprintf(out->period, sizeof out->period, "%d日", spec.days);
	else
		snprintf(out->period, sizeof out->period, "当日");

	/* The first step names the rule and its basis; the last step is dropped if there is no room. */
	if (calc->n_steps == DUE_STEPS_MAX)
		calc->n_steps--;
	memmove(calc->steps[1], calc->steps[0], (size_t)calc->n_steps * sizeof calc->steps[0]);
	calc->n_steps++;
	if (n_extensions)
		text_printf(calc->steps[0], sizeof calc->steps[0], "%s：依据%s，经%d次延长，期限为%s", r->stage,
		            out->basis, n_extensions, out->period);
	else
		text_printf(calc->steps[0], sizeof calc->steps[0], "%s：依据%s，期限为%s", r->stage, out->basis,
		            out->period);
done:
	return rc;
}

deadline_state deadline_status(cal_date due, cal_date today, int due_soon_days, long *out_days_left)
{
	long left = cal_days_between(today, due);
	if (out_days_left)
		*out_days_left = left;
	if (left < 0)
		return DEADLINE_OVERDUE;
	if (left <= (due_soon_days > 0 ? due_soon_days : 0))
		return DEADLINE_DUE_SOON;
	return DEADLINE_NORMAL;
}

const char *deadline_state_name(deadline_state state)
{
	switch (state) {
	case DEADLINE_DUE_SOON:
		return "due_soon";
	case DEADLINE_OVERDUE:
		return "overdue";
	case DEADLINE_NORMAL:
		break;
	}
	return "normal";
}
