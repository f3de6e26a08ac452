/*
 * test_numbering.c - case-number patterns as data: the built-in table gives the SPC court format and
 * the agencies' formats, a deployment's file replaces rows, and bad patterns are refused naming the line.
 */
#include "testutil.h"

#include "domain/numbering.h"

static void numbering_court_pattern_is_the_spc_format(void **state)
{
	(void)state;
	char out[128];
	numbering_free();
	assert_int_equal(numbering_init(NULL, NULL), OK);
	assert_int_equal(numbering_format(numbering_court_pattern(), "", "内2501", "执", 2024, 123, out, sizeof out),
	                 OK);
	assert_string_equal(out, "（2024）内2501执123号");
}

static void numbering_unit_patterns_come_from_the_table(void **state)
{
	(void)state;
	const char *pattern = NULL;
	char out[128];
	numbering_free();
	assert_int_equal(numbering_init(NULL, NULL), OK);
	const char *type = numbering_unit_type("prosecution_review", &pattern);
	assert_string_equal(type, "检刑诉");
	assert_int_equal(numbering_format(pattern, "正镶白", "", type, 2026, 7, out, sizeof out), OK);
	assert_string_equal(out, "正镶白检刑诉〔2026〕7号");
	assert_null(numbering_unit_type("first_instance", NULL)); /* courts number through the court pattern */
}

static void numbering_format_refuses_unknown_placeholders_and_overflow(void **state)
{
	(void)state;
	char out[16];
	assert_int_equal(numbering_format("{abbr}{nope}", "a", "", "", 2026, 1, out, sizeof out), E_INVALID);
	assert_int_equal(numbering_format("{abbr", "a", "", "", 2026, 1, out, sizeof out), E_INVALID);
	assert_int_equal(
	        numbering_format("{abbr}{type}{year}{serial}", "甲乙丙丁", "", "检刑诉", 2026, 1, out, sizeof out),
	        E_INVALID);
}

static void numbering_deployment_file_replaces_a_row(void **state)
{
	(void)state;
	char dir[64], path[128], out[128];
	const char *pattern = NULL;
	test_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/case_number_patterns.csv", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("scope,stage,type,pattern,basis\nunit,investigation,公立,{abbr}公（刑）立字〔{year}〕第{serial}号,"
	      "本地规定\n",
	      f);
	fclose(f);
	numbering_free();
	assert_int_equal(numbering_init(dir, NULL), OK);
	const char *type = numbering_unit_type("investigation", &pattern);
	assert_string_equal(type, "公立");
	assert_int_equal(numbering_format(pattern, "正镶白", "", type, 2026, 3, out, sizeof out), OK);
	assert_string_equal(out, "正镶白公（刑）立字〔2026〕第3号");
	assert_string_equal(numbering_unit_type("arrest_review", NULL), "检捕"); /* other rows stay */
	f = fopen(path, "w");
	fputs("scope,stage,type,pattern,basis\nunit,investigation,公立,{abbr}{bogus},x\n", f);
	fclose(f);
	numbering_free();
	err e = { 0 };
	assert_int_equal(numbering_init(dir, &e), E_INVALID);
	assert_non_null(strstr(e.message, "第2行"));
	numbering_free();
	test_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbering_court_pattern_is_the_spc_format),
		cmocka_unit_test(numbering_unit_patterns_come_from_the_table),
		cmocka_unit_test(numbering_format_refuses_unknown_placeholders_and_overflow),
		cmocka_unit_test(numbering_deployment_file_replaces_a_row),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
