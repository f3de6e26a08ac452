/*
 * calendar.c - date arithmetic, the holiday table and the counting of statutory periods. See calendar.h
 * for the rules and docs/calendar.md for their legal basis.
 *
 * Dates convert to a day number (days since 1970-01-01, Howard Hinnant's civil-from-days algorithm) for
 * adding and comparing. The holiday table is an array of entries sorted by day number and searched by
 * bisection; loading appends to the end and sorts only after the whole input has been checked, so a
 * failed load can drop what it appended and leave the calendar as it was.
 */
#include "domain/calendar.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/embedded.h"
#include "core/mem.h"

/* ---- dates --------------------------------------------------------------------------------------- */

int cal_is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cal_days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return 0;
	return days[m - 1] + (m == 2 && cal_is_leap_year(y));
}

int cal_date_valid(cal_date d)
{
	return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= cal_days_in_month(d.y, d.m);
}

/* The value of n ASCII digits at s, or -1 if any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int cal_date_parse(const char *s, const char *field, cal_date *out, err *e)
{
	int rc = OK;
	cal_date d = { 0, 0, 0 };

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
		rc = err_set(e, E_INVALID, field, "日期格式错误：应为YYYY-MM-DD，例如2024-10-08");
		goto done;
	}
	d.y = digits(s, 4);
	d.m = digits(s + 5, 2);
	d.d = digits(s + 8, 2);
	if (d.y < 0 || d.m < 0 || d.d < 0) {
		rc = err_set(e, E_INVALID, field, "日期格式错误：年月日只能是数字，应为YYYY-MM-DD");
		goto done;
	}
	if (!cal_date_valid(d)) {
		rc = err_set(e, E_INVALID, field, "日期%s不存在，请核对月份和日", s);
		goto done;
	}
	*out = d;
done:
	return rc;
}

char *cal_date_format(cal_date d, char out[CAL_DATE_TEXT])
{
	/* Valid dates always fit; clamp so that a bad one cannot overflow either. */
	snprintf(out, CAL_DATE_TEXT, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u,
	         (unsigned)d.d % 100u);
	return out;
}

int cal_date_cmp(cal_date a, cal_date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	if (a.d != b.d)
		return a.d < b.d ? -1 : 1;
	return 0;
}

long cal_date_to_days(cal_date d)
{
	long y = d.y - (d.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long mp = (d.m + 9) % 12; /* March = 0 */
	long doy = (153 * mp + 2) / 5 + d.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

cal_date cal_date_from_days(long days)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	long y = yoe + era * 400 + (m <= 2);
	return (cal_date){ (int)y, (int)m, (int)d };
}

int cal_date_weekday(cal_date d)
{
	long n = cal_date_to_days(d); /* 1970-01-01 was a Thursday */
	return (int)(((n % 7 + 7) % 7 + 3) % 7) + 1;
}

const char *cal_date_weekday_name(cal_date d)
{
	static const char *names[7] = { "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日" };
	return names[cal_date_weekday(d) - 1];
}

cal_date cal_date_add_days(cal_date d, long n)
{
	return cal_date_from_days(cal_date_to_days(d) + n);
}

long cal_days_between(cal_date from, cal_date to)
{
	return cal_date_to_days(to) - cal_date_to_days(from);
}

cal_date cal_date_add_months(cal_date d, int n, int criminal)
{
	long total = (long)d.y * 12 + (d.m - 1) + n;
	long y = total >= 0 ? total / 12 : -((-total + 11) / 12);
	int m = (int)(total - y * 12) + 1;
	int last = cal_days_in_month((int)y, m);
	int day = d.d;
	/* SPC interpretation of the CPL: a criminal period starting on a month's last day ends on one. */
	if (criminal && d.d == cal_days_in_month(d.y, d.m))
		day = last;
	/* Civil Code art. 202: no corresponding day -> the month's last day. */
	if (day > last)
		day = last;
	return (cal_date){ (int)y, m, day };
}

/* ---- the holiday table --------------------------------------------------------------------------- */

struct cal_entry {
	long day;
	int year;
	int line; /* CSV line it came from, 0 if added by calendar_add_day */
	cal_day_kind kind;
	char name[CAL_NAME_MAX];
	char source[CAL_SOURCE_MAX];
};

struct calendar {
	struct cal_entry *v;
	size_t n, cap;
};

int calendar_new(calendar **out, err *e)
{
	int rc = OK;
	calendar *cal = mem_calloc(1, sizeof *cal);
	if (!cal) {
		rc = err_set(e, E_NOMEM, NULL, "内存不足，无法创建节假日日历，请稍后重试");
		goto done;
	}
	*out = cal;
done:
	return rc;
}

void calendar_free(calendar *cal)
{
	if (!cal)
		return;
	mem_free(cal->v);
	mem_free(cal);
}

/* The index of the first entry in v[lo..hi) with day >= day. */
static size_t lower_bound(const struct cal_entry *v, size_t lo, size_t hi, long day)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct cal_entry *find(const calendar *cal, cal_date date)
{
	if (!cal || !cal_date_valid(date))
		return NULL;
	long day = cal_date_to_days(date);
	size_t i = lower_bound(cal->v, 0, cal->n, day);
	return i < cal->n && cal->v[i].day == day ? &cal->v[i] : NULL;
}

static int reserve(calendar *cal, size_t extra, err *e)
{
	int rc = OK;
	if (cal->n + extra <= cal->cap)
		goto done;
	size_t cap = cal->cap ? cal->cap * 2 : 128;
	while (cap < cal->n + extra)
		cap *= 2;
	struct cal_entry *v = mem_realloc(cal->v, cap * sizeof *v);
	if (!v) {
		rc = err_set(e, E_NOMEM, NULL, "内存不足，无法载入节假日，请稍后重试");
		goto done;
	}
	cal->v = v;
	cal->cap = cap;
done:
	return rc;
}

/* Check one day's fields and fill *out. where is "" or "第N行：" for messages. */
static int check_entry(cal_date date, cal_day_kind kind, const char *name, const char *source, const char *where,
                       struct cal_entry *out, err *e)
{
	int rc = OK;
	char ds[CAL_DATE_TEXT];

	if (!cal_date_valid(date)) {
		rc = err_set(e, E_INVALID, "date", "%s日期不存在，请核对", where);
		goto done;
	}
	cal_date_format(date, ds);
	if (kind != CAL_DAY_HOLIDAY && kind != CAL_DAY_WORKDAY) {
		rc = err_set(e, E_INVALID, "kind", "%s类型应为holiday（放假）或workday（调休上班）", where);
		goto done;
	}
	if (kind == CAL_DAY_WORKDAY && cal_date_weekday(date) < 6) {
		rc = err_set(e, E_INVALID, "kind", "%s%s是%s，调休上班日只能是周六或周日，请核对日期或类型", where, ds,
		             cal_date_weekday_name(date));
		goto done;
	}
	if (!name || !name[0] || strlen(name) >= CAL_NAME_MAX) {
		rc = err_set(e, E_INVALID, "name", "%s名称不能为空且不超过%d字节（如“国庆节”）", where,
		             CAL_NAME_MAX - 1);
		goto done;
	}
	if (!source || !source[0] || strlen(source) >= CAL_SOURCE_MAX) {
		rc = err_set(e, E_INVALID, "source", "%s来源不能为空且不超过%d字节，请填写国务院办公厅通知文号", where,
		             CAL_SOURCE_MAX - 1);
		goto done;
	}
	memset(out, 0, sizeof *out);
	out->day = cal_date_to_days(date);
	out->year = date.y;
	out->kind = kind;
	memcpy(out->name, name, strlen(name) + 1);
	memcpy(out->source, source, strlen(source) + 1);
done:
	return rc;
}

int calendar_add_day(calendar *cal, cal_date date, cal_day_kind kind, const char *name, const char *source, err *e)
{
	int rc = OK;
	struct cal_entry ent;
	char ds[CAL_DATE_TEXT];

	rc = check_entry(date, kind, name, source, "", &ent, e);
	if (rc != OK)
		goto done;
	if (find(cal, date)) {
		rc = err_set(e, E_INVALID, "date", "%s已在日历中，同一天只能登记一次", cal_date_format(date, ds));
		goto done;
	}
	rc = reserve(cal, 1, e);
	if (rc != OK)
		goto done;
	size_t i = lower_bound(cal->v, 0, cal->n, ent.day);
	memmove(&cal->v[i + 1], &cal->v[i], (cal->n - i) * sizeof *cal->v);
	cal->v[i] = ent;
	cal->n++;
done:
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct cal_entry *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

int calendar_load_csv(calendar *cal, const char *text, err *e)
{
	int rc = OK;
	size_t old_n = cal->n;
	csv_reader rd;
	csv_record *rec = NULL;
	int col_date, col_kind, col_name, col_source, n_cols;
	char where[32];

	rec = mem_alloc(sizeof *rec);
	if (!rec) {
		rc = err_set(e, E_NOMEM, NULL, "内存不足，无法载入节假日，请稍后重试");
		goto done;
	}
	csv_reader_init(&rd, text, strlen(text));
	rc = csv_read_record(&rd, rec, e);
	if (rc != OK)
		goto done;
	col_date = csv_field_index(rec, "date");
	col_kind = csv_field_index(rec, "kind");
	col_name = csv_field_index(rec, "name");
	col_source = csv_field_index(rec, "source");
	n_cols = rec->n_fields;
	if (col_date < 0 || col_kind < 0 || col_name < 0 || col_source < 0) {
		rc = err_set(e, E_INVALID, "header", "第1行应为表头date,kind,name,source，请补齐缺少的列");
		goto done;
	}
	for (;;) {
		rc = csv_read_record(&rd, rec, e);
		if (rc != OK || rec->n_fields == 0)
			break;
		snprintf(where, sizeof where, "第%d行：", rec->line);
		if (rec->n_fields != n_cols) {
			rc = err_set(e, E_INVALID, "", "%s应有%d列，实际为%d列，请检查逗号", where, n_cols,
			             rec->n_fields);
			break;
		}
		cal_date date;
		rc = cal_date_parse(rec->fields[col_date], "date", &date, e);
		if (rc != OK) {
			/* Keep the parser's explanation but say where. */
			char msg[ERR_MESSAGE_MAX];
			snprintf(msg, sizeof msg, "%s", e ? e->message : "");
			rc = err_set(e, E_INVALID, "date", "%s%s", where, msg);
			break;
		}
		const char *k = rec->fields[col_kind];
		cal_day_kind kind = strcmp(k, "holiday") == 0   ? CAL_DAY_HOLIDAY
		                    : strcmp(k, "workday") == 0 ? CAL_DAY_WORKDAY
		                                                : CAL_DAY_NONE;
		struct cal_entry ent;
		rc = check_entry(date, kind, rec->fields[col_name], rec->fields[col_source], where, &ent, e);
		if (rc != OK)
			break;
		ent.line = rec->line;
		size_t at = lower_bound(cal->v, 0, old_n, ent.day); /* only the old part is sorted yet */
		if (at < old_n && cal->v[at].day == ent.day) {
			rc = err_set(e, E_INVALID, "date", "%s%s已在日历中，同一天只能登记一次", where,
			             rec->fields[col_date]);
			break;
		}
		rc = reserve(cal, 1, e);
		if (rc != OK)
			break;
		cal->v[cal->n++] = ent;
	}
	if (rc != OK)
		goto done;

	/* Duplicates inside the new rows show up as neighbours once those rows are sorted. */
	qsort(cal->v + old_n, cal->n - old_n, sizeof *cal->v, cmp_entry);
	for (size_t i = old_n + 1; i < cal->n; i++) {
		if (cal->v[i].day == cal->v[i - 1].day) {
			char ds[CAL_DATE_TEXT];
			rc = err_set(e, E_INVALID, "date", "第%d行：%s与第%d行重复，同一天只能登记一次", cal->v[i].line,
			             cal_date_format(cal_date_from_days(cal->v[i].day), ds), cal->v[i - 1].line);
			goto done;
		}
	}
	qsort(cal->v, cal->n, sizeof *cal->v, cmp_entry);

done:
	if (rc != OK)
		cal->n = old_n; /* the first old_n entries were neither moved nor changed */
	mem_free(rec);
	return rc;
}

int calendar_load_default(calendar **out, err *e)
{
	int rc = OK;
	calendar *cal = NULL;
	const embedded_file *f = embedded_find("data/holidays_cn.csv");

	if (!f) {
		rc = err_set(e, E_INTERNAL, NULL, "程序未内置节假日表data/holidays_cn.csv，请重新构建");
		goto done;
	}
	rc = calendar_new(&cal, e);
	if (rc != OK)
		goto done;
	rc = calendar_load_csv(cal, f->data, e);
	if (rc == E_INVALID)
		rc = E_INTERNAL; /* the built-in table is ours: a bad row is a bug, not user input */
	if (rc != OK)
		goto done;
	*out = cal;
	cal = NULL;
done:
	calendar_free(cal);
	return rc;
}

int calendar_is_rest_day(const calendar *cal, cal_date date)
{
	const struct cal_entry *ent = find(cal, date);
	if (ent)
		return ent->kind == CAL_DAY_HOLIDAY;
	return cal_date_weekday(date) >= 6;
}

cal_day_kind calendar_day_kind(const calendar *cal, cal_date date)
{
	const struct cal_entry *ent = find(cal, date);
	return ent ? ent->kind : CAL_DAY_NONE;
}

const char *calendar_day_name(const calendar *cal, cal_date date)
{
	const struct cal_entry *ent = find(cal, date);
	return ent ? ent->name : NULL;
}

const char *calendar_day_source(const calendar *cal, cal_date date)
{
	const struct cal_entry *ent = find(cal, date);
	return ent ? ent->source : NULL;
}

int calendar_covers(const calendar *cal, cal_date date)
{
	if (!cal || date.y < 1 || date.y > 9999)
		return 0;
	size_t i = lower_bound(cal->v, 0, cal->n, cal_date_to_days((cal_date){ date.y, 1, 1 }));
	return i < cal->n && cal->v[i].year == date.y;
}

int calendar_years(const calendar *cal, int *out_first, int *out_last)
{
	if (!cal || cal->n == 0)
		return E_NOTFOUND;
	*out_first = cal->v[0].year;
	*out_last = cal->v[cal->n - 1].year;
	return OK;
}

/* ---- counting periods ---------------------------------------------------------------------------- */

/* Collects the explanation; a step that does not fit is dropped (the summary always fits). */
static void step(due_result *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void step(due_result *out, const char *fmt, ...)
{
	if (out->n_steps >= DUE_STEPS_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->steps[out->n_steps++], DUE_TEXT_MAX, fmt, ap);
	va_end(ap);
}

/* Why date is a rest day, in words: its holiday name or its weekday. */
static const char *rest_reason(const calendar *cal, cal_date date)
{
	const char *name = calendar_day_name(cal, date);
	return name && calendar_day_kind(cal, date) == CAL_DAY_HOLIDAY ? name : cal_date_weekday_name(date);
}

/* Remembers the first year looked at that the calendar does not cover. */
static void touch(const calendar *cal, cal_date date, int *out_year)
{
	if (*out_year == 0 && !calendar_covers(cal, date))
		*out_year = date.y;
}

/* "1个月15日", "15日", "3个工作日", "当日" */
static void describe(const due_spec *spec, char *buf, size_t cap)
{
	if (spec->working_days)
		snprintf(buf, cap, "%d个工作日", spec->working_days);
	else if (spec->months && spec->days)
		snprintf(buf, cap, "%d个月%d日", spec->months, spec->days);
	else if (spec->months)
		snprintf(buf, cap, "%d个月", spec->months);
	else if (spec->days)
		snprintf(buf, cap, "%d日", spec->days);
	else
		snprintf(buf, cap, "当日");
}

static int check_spec(cal_date start, const due_spec *spec, err *e)
{
	int rc = OK;
	if (!cal_date_valid(start)) {
		rc = err_set(e, E_INVALID, "start", "起算日期无效，请提供YYYY-MM-DD格式的真实日期");
		goto done;
	}
	if (spec->months < 0 || spec->months > 1200 || spec->days < 0 || spec->days > 36600 || spec->working_days < 0 ||
	    spec->working_days > 3660) {
		rc = err_set(e, E_INVALID, "spec", "期间长度超出范围：月数0-1200，日数0-36600，工作日数0-3660");
		goto done;
	}
	if (spec->working_days && (spec->months || spec->days)) {
		rc = err_set(e, E_INVALID, "spec", "工作日期限不能与月、日期限同时指定，请只选一种计算方式");
		goto done;
	}
	/* A generous bound on the end year (rest-day extensions add days, not years). */
	long y_max = start.y + spec->months / 12 + 1 + spec->days / 365 + 1 + spec->working_days / 200 + 1;
	if (y_max > 9999) {
		rc = err_set(e, E_INVALID, "start", "期满日将超出9999年，请核对起算日期和期间长度");
		goto done;
	}
done:
	return rc;
}

/* Working-day limits: the n-th working day after start (no extension can be needed). */
static void count_working_days(const calendar *cal, cal_date start, const due_spec *spec, due_result *out,
                               int *missing_year)
{
	char s1[CAL_DATE_TEXT];
	cal_date end = start;
	int counted = 0;
	const char *skipped = NULL;

	while (counted < spec->working_days) {
		end = cal_date_add_days(end, 1);
		touch(cal, end, missing_year);
		if (!calendar_is_rest_day(cal, end))
			counted++;
		else if (!skipped && calendar_day_kind(cal, end) == CAL_DAY_HOLIDAY)
			skipped = calendar_day_name(cal, end);
	}
	cal_date_format(end, s1);
	if (skipped)
		step(out, "按工作日计算%d个工作日，跳过周末和节假日（含%s），调休上班日计入 → %s", spec->working_days,
		     skipped, s1);
	else
		step(out, "按工作日计算%d个工作日，跳过周末和节假日，调休上班日计入 → %s", spec->working_days, s1);
	out->nominal = out->due = end;
}

/* Calendar periods: months then days, then the rest-day rule on the last day. */
static void count_calendar_days(const calendar *cal, cal_date start, const due_spec *spec, const char *law,
                                due_result *out, int *missing_year)
{
	char s0[CAL_DATE_TEXT], s1[CAL_DATE_TEXT], s2[CAL_DATE_TEXT];
	cal_date end = start;

	cal_date_format(start, s0);
	if (spec->months) {
		end = cal_date_add_months(start, spec->months, spec->criminal);
		cal_date_format(end, s1);
		int start_is_last = start.d == cal_days_in_month(start.y, start.m);
		if (spec->criminal && start_is_last)
			step(out, "加%d个月：%s是月末日，刑事案件以到期月的最后一日为期满日 → %s", spec->months, s0,
			     s1);
		else if (end.d != start.d)
			step(out, "加%d个月：到期月没有%d日，以该月最后一日为期满日（民法典第202条）→ %s", spec->months,
			     start.d, s1);
		else
			step(out, "加%d个月：到期月的对应日（民法典第202条）→ %s", spec->months, s1);
	}
	if (spec->days) {
		end = cal_date_add_days(end, spec->days);
		step(out, "%s加%d日 → %s", spec->months ? "再" : "", spec->days, cal_date_format(end, s1));
	}
	out->nominal = out->due = end;
	cal_date_format(end, s1);
	touch(cal, end, missing_year);
	if (!calendar_is_rest_day(cal, end))
		return;

	const char *why = rest_reason(cal, end);
	if (spec->custody) {
		/* CPL art. 105: custody periods end on the day itself, rest day or not. */
		step(out, "%s是%s，但羁押期间至期满之日为止，不因节假日延长（刑事诉讼法第105条）", s1, why);
		snprintf(out->summary, sizeof out->summary, "%s 是%s，羁押期限不顺延 → 期满日 %s", s1, why, s1);
		return;
	}
	cal_date d = end;
	while (calendar_is_rest_day(cal, d)) {
		d = cal_date_add_days(d, 1);
		touch(cal, d, missing_year);
	}
	out->due = d;
	out->extended_days = (int)cal_days_between(end, d);
	cal_date_format(d, s2);
	step(out, "%s是%s（休息日），以其后第一个工作日为期满日（%s）→ %s", s1, why, law, s2);
	snprintf(out->summary, sizeof out->summary, "%s 是%s → 顺延至 %s", s1, why, s2);
}

int calendar_due(const calendar *cal, cal_date start, const due_spec *spec, due_result *out, err *e)
{
	int rc = OK;
	char s0[CAL_DATE_TEXT], s1[CAL_DATE_TEXT], period[48];
	const char *law = spec->criminal ? "刑事诉讼法第105条" : "民事诉讼法第85条";
	int missing_year = 0;

	memset(out, 0, sizeof *out);
	rc = check_spec(start, spec, e);
	if (rc != OK)
		goto done;
	out->start = start;
	cal_date_format(start, s0);
	describe(spec, period, sizeof period);

	if (!spec->months && !spec->days && !spec->working_days) {
		/* Same-day limits (green channel, assistance with detention) are platform rules: no extension. */
		step(out, "当日期限：须在%s当天办结，不适用节假日顺延", s0);
		out->nominal = out->due = start;
		touch(cal, start, &missing_year);
		snprintf(out->summary, sizeof out->summary, "当日期限 → %s（%s）", s0, cal_date_weekday_name(start));
	} else if (spec->working_days) {
		/* Working-day limits are platform rules, not statutory periods: no article to cite. */
		step(out, "%s为起算日，当日不计入，自次日起计算", s0);
		count_working_days(cal, start, spec, out, &missing_year);
	} else {
		step(out, "%s为起算日，当日不计入，自次日起计算（%s）", s0, law);
		count_calendar_days(cal, start, spec, law, out, &missing_year);
	}
	if (!cal_date_valid(out->due)) {
		/* Only a calendar with whole years of holidays could push the end this far. */
		rc = err_set(e, E_INVALID, "spec", "期满日超出9999年，请核对期间长度和节假日表");
		goto done;
	}
	if (!out->summary[0])
		snprintf(out->summary, sizeof out->summary, "%s 起 %s → %s（%s）", s0, period,
		         cal_date_format(out->due, s1), cal_date_weekday_name(out->due));
	if (missing_year) {
		out->beyond_calendar = 1;
		step(out, "日历未载入%d年的节假日安排，只按周末计算，请在国务院公布安排后复核", missing_year);
		size_t len = strlen(out->summary);
		snprintf(out->summary + len, sizeof out->summary - len, "（%d年节假日未载入，需复核）", missing_year);
	}
done:
	return rc;
}
