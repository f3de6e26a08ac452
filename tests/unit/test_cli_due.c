/*
 * test_cli_due.c - `casebridge due` run in-process: its output lines and exit codes for good runs,
 * --help and each kind of usage error.
 */
#include "testutil.h"

#include "cli/cli_due.h"

typedef struct run_out {
	int code;
	char out[4096];
	char err[4096];
} run_out;

/* Run cli_due_run on a NULL-terminated option list (argv[0] = "due" is added). */
static run_out run_list(const char *const *args)
{
	static run_out r;
	char *argv[32];
	int argc = 0;
	argv[argc++] = "due";
	for (; *args && argc < 31; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;

	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0;
	FILE *o = open_memstream(&obuf, &olen), *e = open_memstream(&ebuf, &elen);
	assert_non_null(o);
	assert_non_null(e);
	r.code = cli_due_run(argc, argv, o, e);
	fclose(o);
	fclose(e);
	snprintf(r.out, sizeof r.out, "%s", obuf);
	snprintf(r.err, sizeof r.err, "%s", ebuf);
	free(obuf);
	free(ebuf);
	return r;
}

static run_out run(const char *first, ...)
{
	const char *args[32];
	int n = 0;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && n < 31; a = va_arg(ap, const char *))
		args[n++] = a;
	va_end(ap);
	args[n] = NULL;
	return run_list(args);
}

static void due_prints_date_and_explanation(void **state)
{
	(void)state;
	run_out r = run("--start", "2024-09-27", "--days", "7", NULL);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "2024-10-08\n2024-10-04 是国庆节 → 顺延至 2024-10-08\n");
	assert_string_equal(r.err, "");

	r = run("--start=2024-04-30", "--months=1", "--criminal", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "2024-05-31\n"));

	r = run("--start", "2024-04-30", "--months", "1", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "2024-05-30\n"));

	r = run("--start", "2024-09-27", "--days", "7", "--criminal", "--custody", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "2024-10-04\n"));

	r = run("--start", "2025-01-24", "--working-days", "3", "--explain", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "2025-02-05\n"));
	assert_non_null(strstr(r.out, "  2. 按工作日计算"));

	r = run("--start", "2025-03-20", "--months", "1", "--days", "15", "--criminal", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "2025-05-06\n"));
}

static void due_with_a_rule_prints_the_basis(void **state)
{
	(void)state;
	run_out r = run("--start", "2024-04-30", "--rule", "prosecution_review", "--extensions", "1", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "2024-06-17\n"));
	assert_non_null(strstr(r.out, "依据：刑事诉讼法(2018)第172条\n"));

	r = run("--start", "2024-04-30", "--rule", "prosecution_review", "--extensions", "2", NULL);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "最多延长1次"));

	r = run("--start", "2024-04-30", "--rule", "nope", NULL);
	assert_int_equal(r.code, 2);
	assert_non_null(strstr(r.err, "nope"));
}

static void due_help_exits_zero(void **state)
{
	(void)state;
	run_out r = run("--help", NULL);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "用法: casebridge due --start"));
	r = run("-h", NULL);
	assert_int_equal(r.code, 0);
}

static void due_usage_errors_exit_two(void **state)
{
	(void)state;
	static const char *const bad[][8] = {
		{ NULL },                                                        /* nothing */
		{ "--days", "7", NULL },                                         /* no --start */
		{ "--start", "2024-09-27", NULL },                               /* no period */
		{ "--start", "2024-02-30", "--days", "7", NULL },                /* impossible date */
		{ "--start", "2024-9-27", "--days", "7", NULL },                 /* bad format */
		{ "--start", "2024-09-27", "--days", "7x", NULL },               /* trailing junk */
		{ "--start", "2024-09-27", "--days", "-1", NULL },               /* negative */
		{ "--start", "2024-09-27", "--days", "", NULL },                 /* empty */
		{ "--start", "2024-09-27", "--days", "99999999999", NULL },      /* overflow */
		{ "--start", "2024-09-27", "--days", NULL },                     /* missing value */
		{ "--start", "2024-09-27", "--days", "1", "--days", "2", NULL }, /* repeated */
		{ "--start", "2024-09-27", "--days", "1", "--working-days", "2", NULL },
		{ "--start", "2024-09-27", "--days", "1", "--bogus", NULL },
		{ "--start", "2024-09-27", "--days", "1", "extra", NULL },
		{ "--start", "2024-09-27", "--criminal=1", "--days", "1", NULL },
		{ "--start", "2024-09-27", "--rule", "civil_filing", "--days", "1", NULL },
		{ "--start", "2024-09-27", "--extensions", "1", "--days", "1", NULL },
		{ "--start", "9999-12-30", "--days", "7", NULL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		run_out r = run_list(bad[i]);
		if (r.code != 2 || !strstr(r.err, "casebridge due") || r.out[0])
			fail_msg("usage case %zu: exit %d, stderr \"%s\", stdout \"%s\"", i + 1, r.code, r.err, r.out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(due_prints_date_and_explanation),
		cmocka_unit_test(due_with_a_rule_prints_the_basis),
		cmocka_unit_test(due_help_exits_zero),
		cmocka_unit_test(due_usage_errors_exit_two),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
