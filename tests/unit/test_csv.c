/*
 * test_csv.c - the CSV record reader behind the data/ loaders: quoting, line counting, limits.
 */
#include "testutil.h"

#include "core/csv.h"

static csv_record rec;

static void read_all(const char *text, int *out_n_records, err *e, int *out_rc)
{
	csv_reader r;
	csv_reader_init(&r, text, strlen(text));
	*out_n_records = 0;
	for (;;) {
		*out_rc = csv_read_record(&r, &rec, e);
		if (*out_rc != OK || rec.n_fields == 0)
			return;
		(*out_n_records)++;
	}
}

static void csv_reads_quoted_fields_and_counts_lines(void **state)
{
	(void)state;
	const char *text = "\xEF\xBB\xBF"
	                   "a,b,c\r\n"
	                   "\n"
	                   "\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
	                   ",,\n"
	                   "last,row,\"\"\r";
	csv_reader r;
	err e;
	csv_reader_init(&r, text, strlen(text));

	assert_int_equal(csv_read_record(&r, &rec, &e), OK);
	assert_int_equal(rec.line, 1);
	assert_int_equal(rec.n_fields, 3);
	assert_string_equal(rec.fields[0], "a");
	assert_string_equal(rec.fields[2], "c");
	assert_int_equal(csv_field_index(&rec, "b"), 1);
	assert_int_equal(csv_field_index(&rec, "d"), -1);

	assert_int_equal(csv_read_record(&r, &rec, &e), OK);
	assert_int_equal(rec.line, 3); /* the blank line 2 is skipped */
	assert_int_equal(rec.n_fields, 3);
	assert_string_equal(rec.fields[0], "x,1");
	assert_string_equal(rec.fields[1], "say \"hi\"");
	assert_string_equal(rec.fields[2], "two\nlines");

	assert_int_equal(csv_read_record(&r, &rec, &e), OK);
	assert_int_equal(rec.line, 5); /* the quoted line break counted */
	assert_int_equal(rec.n_fields, 3);
	assert_string_equal(rec.fields[1], "");

	assert_int_equal(csv_read_record(&r, &rec, &e), OK);
	assert_int_equal(rec.line, 6);
	assert_string_equal(rec.fields[0], "last");
	assert_string_equal(rec.fields[2], ""); /* a trailing lone CR ends the line */

	assert_int_equal(csv_read_record(&r, &rec, &e), OK);
	assert_int_equal(rec.n_fields, 0);
	assert_int_equal(csv_read_record(&r, &rec, &e), OK);
	assert_int_equal(rec.n_fields, 0);
}

static void csv_refuses_malformed_records(void **state)
{
	(void)state;
	err e;
	int n, rc;

	read_all("a,b\n\"open,c\n", &n, &e, &rc);
	assert_int_equal(rc, E_INVALID);
	assert_int_equal(n, 1);
	assert_non_null(strstr(e.message, "第2行"));
	assert_non_null(strstr(e.message, "引号"));

	read_all("\"a\"b,c\n", &n, &e, &rc);
	assert_int_equal(rc, E_INVALID);
	assert_non_null(strstr(e.message, "第1行"));

	char many[CSV_FIELDS_MAX * 2 + 8];
	memset(many, ',', CSV_FIELDS_MAX);
	many[CSV_FIELDS_MAX] = 0;
	read_all(many, &n, &e, &rc); /* CSV_FIELDS_MAX commas: one field too many */
	assert_int_equal(rc, E_INVALID);
	many[CSV_FIELDS_MAX - 1] = 0;
	read_all(many, &n, &e, &rc);
	assert_int_equal(rc, OK);
	assert_int_equal(rec.n_fields, 0);
	assert_int_equal(n, 1);

	static char longline[CSV_RECORD_MAX + 8];
	memset(longline, 'x', CSV_RECORD_MAX);
	longline[CSV_RECORD_MAX] = 0;
	read_all(longline, &n, &e, &rc);
	assert_int_equal(rc, E_INVALID);
	assert_non_null(strstr(e.message, "过长"));
	longline[CSV_RECORD_MAX - 1] = 0; /* exactly fits with its NUL */
	read_all(longline, &n, &e, &rc);
	assert_int_equal(rc, OK);
	assert_int_equal(n, 1);
	longline[10] = ','; /* a separator takes a byte like any other */
	csv_reader r;
	csv_reader_init(&r, longline, strlen(longline));
	assert_int_equal(csv_read_record(&r, &rec, &e), OK);
	assert_int_equal(rec.n_fields, 2);
	assert_int_equal(strlen(rec.fields[0]) + 1 + strlen(rec.fields[1]), (size_t)CSV_RECORD_MAX - 1);
	longline[CSV_RECORD_MAX - 1] = 'x';
	longline[CSV_RECORD_MAX] = 0;
	read_all(longline, &n, &e, &rc);
	assert_int_equal(rc, E_INVALID);

	read_all("", &n, &e, &rc);
	assert_int_equal(rc, OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_reads_quoted_fields_and_counts_lines),
		cmocka_unit_test(csv_refuses_malformed_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
