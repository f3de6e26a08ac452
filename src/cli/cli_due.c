/*
 * cli_due.c - option parsing and output of `casebridge due`. See cli_due.h. Options are parsed by hand
 * (no getopt state) into a due_spec or a rule id; numbers go through strtol with full checking. The
 * built-in holiday calendar and rules table are loaded per run, which costs well under a millisecond.
 */
#include "cli/cli_due.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "domain/calendar.h"
#include "domain/deadline.h"

#define EXIT_USAGE 2
#define EXIT_FAIL 1

static const char usage[] =
        "用法: casebridge due --start YYYY-MM-DD [--days N] [--months N] [--working-days N]\n"
        "                     [--criminal] [--custody] [--explain]\n"
        "      casebridge due --start YYYY-MM-DD --rule 规则编号 [--extensions N] [--explain]\n"
        "\n"
        "按法定期间计算规则计算期满日：起算日不计入；按月计算的到期月对应日为最后一日，没有对应日的为月末日；\n"
        "期满日为节假日的顺延至节假日后第一个工作日（--custody 羁押期间不顺延）；--criminal 按刑事案件计算\n"
        "（起算日为月末的，以到期月的最后一日为期满日）。--months 与 --days 可同时使用（1个半月 = --months 1\n"
        "--days 15）；--working-days 只计工作日。--rule 使用内置期限规则表（如 prosecution_review），\n"
        "--extensions 为已批准的延长次数。\n"
        "\n"
        "输出: 第一行为期满日，第二行为说明；--explain 列出每一步计算。\n"
        "退出码: 0 成功，2 参数错误，1 内部错误。\n";

typedef struct due_opts {
	const char *start;
	const char *rule;
	int days, months, working_days, extensions;
	int have_days, have_months, have_working_days, have_extensions;
	int criminal, custody, explain, help;
} due_opts;

/* A whole non-negative decimal number up to max; 1 on success. */
static int parse_count(const char *s, int max, int *out)
{
	char *end = NULL;
	if (!s || s[0] < '0' || s[0] > '9')
		return 0;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > max)
		return 0;
	*out = (int)v;
	return 1;
}

/* Parse argv into *o; on a usage error print why to errout and return EXIT_USAGE. */
static int parse_args(int argc, char **argv, due_opts *o, FILE *errout)
{
	int rc = 0;
	static const struct {
		const char *name;
		int max;
	} counts[] = { { "--days", 36600 }, { "--months", 1200 }, { "--working-days", 3660 }, { "--extensions", 10 } };

	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc && rc == 0; i++) {
		const char *arg = argv[i];
		const char *eq = strchr(arg, '=');
		size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
		const char *value = eq ? eq + 1 : NULL;
		char name[32];

		if (strncmp(arg, "--", 2) != 0 && strcmp(arg, "-h") != 0) {
			fprintf(errout, "casebridge due: 多余的参数“%s”，选项应以--开头（--help查看用法）\n", arg);
			rc = EXIT_USAGE;
			break;
		}
		if (name_len >= sizeof name) {
			fprintf(errout, "casebridge due: 未知选项%s（--help查看用法）\n", arg);
			rc = EXIT_USAGE;
			break;
		}
		memcpy(name, arg, name_len);
		name[name_len] = 0;

		/* Flags take no value. */
		int *flag = strcmp(name, "--criminal") == 0                          ? &o->criminal
		            : strcmp(name, "--custody") == 0                         ? &o->custody
		            : strcmp(name, "--explain") == 0                         ? &o->explain
		            : strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ? &o->help
		                                                                     : NULL;
		if (flag) {
			if (value) {
				fprintf(errout, "casebridge due: %s不带参数值\n", name);
				rc = EXIT_USAGE;
			}
			*flag = 1;
			continue;
		}

		/* Everything else takes a value, as --name=value or --name value. */
		if (!value) {
			if (i + 1 >= argc) {
				fprintf(errout, "casebridge due: %s缺少参数值（--help查看用法）\n", name);
				rc = EXIT_USAGE;
				break;
			}
			value = argv[++i];
		}
		if (strcmp(name, "--start") == 0 || strcmp(name, "--rule") == 0) {
			const char **slot = name[2] == 's' ? &o->start : &o->rule;
			if (*slot) {
				fprintf(errout, "casebridge due: %s只能指定一次\n", name);
				rc = EXIT_USAGE;
			}
			*slot = value;
			continue;
		}
		size_t k = 0;
		while (k < sizeof counts / sizeof counts[0] && strcmp(name, counts[k].name) != 0)
			k++;
		if (k == sizeof counts / sizeof counts[0]) {
			fprintf(errout, "casebridge due: 未知选项%s（--help查看用法）\n", name);
			rc = EXIT_USAGE;
			break;
		}
		int *num = k == 0 ? &o->days : k == 1 ? &o->months : k == 2 ? &o->working_days : &o->extensions;
		int *have = k == 0   ? &o->have_days
		            : k == 1 ? &o->have_months
		            : k == 2 ? &o->have_working_days
		                     : &o->have_extensions;
		if (*have) {
			fprintf(errout, "casebridge due: %s只能指定一次\n", name);
			rc = EXIT_USAGE;
		} else if (!parse_count(value, counts[k].max, num)) {
			fprintf(errout, "casebridge due: %s的值“%s”无效，应为0到%d之间的整数\n", name, value,
			        counts[k].max);
			rc = EXIT_USAGE;
		}
		*have = 1;
	}
	if (rc != 0 || o->help)
		goto done;

	if (!o->start) {
		fprintf(errout, "casebridge due: 缺少--start YYYY-MM-DD（起算日，当日不计入）\n");
		rc = EXIT_USAGE;
	} else if (o->rule && (o->have_days || o->have_months || o->have_working_days || o->criminal || o->custody)) {
		fprintf(errout,
		        "casebridge due: --rule已规定期间和计算方式，不能再同时使用--days、--months、--working-days、"
		        "--criminal或--custody\n");
		rc = EXIT_USAGE;
	} else if (!o->rule && o->have_extensions) {
		fprintf(errout, "casebridge due: --extensions只能与--rule一起使用\n");
		rc = EXIT_USAGE;
	} else if (!o->rule && !o->have_days && !o->have_months && !o->have_working_days) {
		fprintf(errout, "casebridge due: 请用--days、--months、--working-days或--rule指定期间\n");
		rc = EXIT_USAGE;
	} else if (o->have_working_days && (o->have_days || o->have_months)) {
		fprintf(errout, "casebridge due: --working-days不能与--days或--months同时使用\n");
		rc = EXIT_USAGE;
	}
done:
	return rc;
}

static void print_result(FILE *out, const due_result *r, const char *basis, int explain)
{
	char ds[CAL_DATE_TEXT];
	fprintf(out, "%s\n%s\n", cal_date_format(r->due, ds), r->summary);
	if (basis)
		fprintf(out, "依据：%s\n", basis);
	if (explain)
		for (int i = 0; i < r->n_steps; i++)
			fprintf(out, "  %d. %s\n", i + 1, r->steps[i]);
}

int cli_due_run(int argc, char **argv, FILE *out, FILE *errout)
{
	int rc = 0;
	due_opts o;
	calendar *cal = NULL;
	deadline_rules *rules = NULL;
	cal_date start;
	err e;

	err_clear(&e);
	rc = parse_args(argc, argv, &o, errout);
	if (rc != 0)
		goto done;
	if (o.help) {
		fputs(usage, out);
		goto done;
	}
	if (cal_date_parse(o.start, "--start", &start, &e) != OK) {
		fprintf(errout, "casebridge due: --start: %s\n", e.message);
		rc = EXIT_USAGE;
		goto done;
	}
	if (calendar_load_default(&cal, &e) != OK) {
		fprintf(errout, "casebridge due: 无法载入内置节假日表：%s\n", e.message);
		rc = EXIT_FAIL;
		goto done;
	}
	if (o.rule) {
		deadline d;
		if (deadline_rules_load_default(&rules, &e) != OK) {
			fprintf(errout, "casebridge due: 无法载入内置期限规则表：%s\n", e.message);
			rc = EXIT_FAIL;
			goto done;
		}
		int r = deadline_compute(rules, cal, o.rule, start, o.extensions, &d, &e);
		if (r != OK) {
			fprintf(errout, "casebridge due: %s\n", e.message);
			rc = r == E_INVALID || r == E_NOTFOUND ? EXIT_USAGE : EXIT_FAIL;
			goto done;
		}
		print_result(out, &d.calc, d.basis, o.explain);
	} else {
		due_spec spec = { .months = o.months,
			          .days = o.days,
			          .working_days = o.working_days,
			          .criminal = o.criminal,
			          .custody = o.custody };
		due_result res;
		int r = calendar_due(cal, start, &spec, &res, &e);
		if (r != OK) {
			fprintf(errout, "casebridge due: %s\n", e.message);
			rc = r == E_INVALID ? EXIT_USAGE : EXIT_FAIL;
			goto done;
		}
		print_result(out, &res, NULL, o.explain);
	}
done:
	deadline_rules_free(rules);
	calendar_free(cal);
	return rc;
}

int cli_due(int argc, char **argv)
{
	return cli_due_run(argc, argv, stdout, stderr);
}
