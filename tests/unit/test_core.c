/*
 * test_core.c - the core layer: the CSV reader, settings (table, file, environment, flags and their
 * precedence), strict integer parsing, UTF-8 validation, the request arena, the error-code to HTTP
 * status mapping, allocation fault injection and the key=value log line. Rule tables are numbered so
 * that a failure names its row.
 */
#include "testutil.h"

#include "cli/cli.h"
#include "core/config.h"
#include "core/csv.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mem.h"
#include "core/util.h"

#include <stdalign.h>
#include <stddef.h>

/* ---- CSV ---------------------------------------------------------------------------------------- */

static int next(csv_reader *r, csv_record *rec)
{
	return csv_read_record(r, rec, NULL);
}

static void csv_reads_header_quoted_fields_and_escaped_quotes(void **state)
{
	(void)state;
	csv_reader r;
	csv_record rec;
	const char *t = "code,name,note\r\n152529,\"正镶白旗, 锡林郭勒盟\",\"he said \"\"hi\"\"\"\r\n";
	csv_reader_init(&r, t, strlen(t));
	assert_int_equal(next(&r, &rec), OK);
	assert_int_equal(rec.n_fields, 3);
	assert_int_equal(csv_field_index(&rec, "name"), 1);
	assert_int_equal(csv_field_index(&rec, "missing"), -1);
	assert_int_equal(next(&r, &rec), OK);
	assert_int_equal(rec.line, 2);
	assert_int_equal(rec.n_fields, 3);
	assert_string_equal(rec.fields[0], "152529");
	assert_string_equal(rec.fields[1], "正镶白旗, 锡林郭勒盟");
	assert_string_equal(rec.fields[2], "he said \"hi\"");
	assert_int_equal(next(&r, &rec), OK);
	assert_int_equal(rec.n_fields, 0); /* the end */
	assert_int_equal(next(&r, &rec), OK);
	assert_int_equal(rec.n_fields, 0);
}

static void csv_skips_bom_and_blank_lines_and_counts_lines(void **state)
{
	(void)state;
	csv_reader r;
	csv_record rec;
	const char *t = "\xef\xbb\xbf"
	                "code,name\n\n\r\n152529,正镶白旗\n\nlast,row";
	csv_reader_init(&r, t, strlen(t));
	assert_int_equal(next(&r, &rec), OK);
	assert_int_equal(rec.line, 1);
	assert_string_equal(rec.fields[0], "code"); /* the BOM is not part of the first header */
	assert_int_equal(next(&r, &rec), OK);
	assert_int_equal(rec.line, 4);
	assert_string_equal(rec.fields[1], "正镶白旗");
	assert_int_equal(next(&r, &rec), OK);
	assert_int_equal(rec.line, 6);
	assert_string_equal(rec.fields[0], "last");
	assert_string_equal(rec.fields[1], "row"); /* no newline at the end of the text */
	assert_int_equal(next(&r, &rec), OK);
	assert_int_equal(rec.n_fields, 0);
}

static void csv_quoted_field_may_span_lines_and_hold_empty_fields(void **state)
{
	(void)state;
	csv_reader r;
	csv_record rec;
	const char *t = "a,\"two\nlines\",,\"\"\nnext,1\n";
	csv_reader_init(&r, t, strlen(t));
	assert_int_equal(next(&r, &rec), OK);
	assert_int_equal(rec.n_fields, 4);
	assert_string_equal(rec.fields[1], "two\nlines");
	assert_string_equal(rec.fields[2], "");
	assert_string_equal(rec.fields[3], "");
	assert_int_equal(next(&r, &rec), OK);
	assert_string_equal(rec.fields[0], "next");
	assert_int_equal(rec.line, 3);
}

static void csv_malformed_rows_are_refused_naming_the_line(void **state)
{
	(void)state;
	static const struct {
		int row;
		const char *text;
	} cases[] = {
		{ 1, "\"a\"b,c\nok,1\n" }, /* text after a closing quote */
		{ 2, "x,\"unterminated" }, /* quote never closed */
		{ 3,
		  "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t,u,v,w,x,y,z,aa,bb,cc,dd,ee,ff,gg\nok,1\n" }, /* 33 > CSV_FIELDS_MAX */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		csv_reader r;
		csv_record rec;
		err e = { 0 };
		csv_reader_init(&r, cases[i].text, strlen(cases[i].text));
		int s = csv_read_record(&r, &rec, &e);
		if (s != E_INVALID)
			fail_msg("row %d: expected E_INVALID for a malformed row, got %d", cases[i].row, s);
		if (!strstr(e.message, "1"))
			fail_msg("row %d: the message should name line 1: %s", cases[i].row, e.message);
	}
}

static void csv_row_larger_than_buffer_is_refused_without_overflow(void **state)
{
	(void)state;
	char *text = malloc(2 * CSV_RECORD_MAX + 64);
	assert_non_null(text);
	for (size_t len = CSV_RECORD_MAX - 8; len <= CSV_RECORD_MAX + 4; len++) {
		for (size_t empties = 0; empties <= 4; empties++) {
			memset(text, 'x', len);
			memset(text + len, ',', empties);
			text[len + empties] = '\n';
			text[len + empties + 1] = 0;
			csv_reader r;
			csv_record rec;
			csv_reader_init(&r, text, len + empties + 1);
			int s = csv_read_record(&r, &rec, NULL);
			size_t needed = len + 1 + empties; /* bytes of the row in the buffer, with terminators */
			if (needed == sizeof rec.buf) {
				/* exactly full: either answer is fine, as long as nothing is written past the buffer */
				assert_true(s == OK || s == E_INVALID);
			} else if (needed < sizeof rec.buf) {
				if (s != OK || strlen(rec.fields[0]) != len || rec.n_fields != (int)empties + 1)
					fail_msg("len %zu + %zu empty fields fits (%zu bytes) but the reader gave %d",
					         len, empties, needed, s);
				for (int k = 1; k < rec.n_fields; k++)
					assert_string_equal(rec.fields[k], "");
			} else if (s != E_INVALID) {
				fail_msg("len %zu + %zu empty fields needs %zu bytes > %zu but the reader gave %d", len,
				         empties, needed, sizeof rec.buf, s);
			}
		}
	}
	free(text);
}

/* ---- settings ----------------------------------------------------------------------------------- */

static const char *const config_env_names[] = {
	"CASEBRIDGE_DATA_DIR",
	"CASEBRIDGE_LISTEN",
	"CASEBRIDGE_WEB_ROOT",
	"CASEBRIDGE_LOG_LEVEL",
	"CASEBRIDGE_THREADS",
	"CASEBRIDGE_MAX_JSON_BYTES",
	"CASEBRIDGE_MAX_UPLOAD_BYTES",
	"CASEBRIDGE_MAX_HEADER_BYTES",
	"CASEBRIDGE_REQUEST_TIMEOUT",
	"CASEBRIDGE_STH_INTERVAL",
	"CASEBRIDGE_TRANSFER_ACCEPT_DAYS",
};

static int config_clean_env(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof config_env_names / sizeof config_env_names[0]; i++)
		unsetenv(config_env_names[i]);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static void config_defaults_come_from_the_table(void **state)
{
	(void)state;
	config c;
	config_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.data_dir, "var/data");
	assert_string_equal(c.log_level, "info");
	assert_string_equal(c.web_root, "");
	assert_int_equal(c.threads, 0);
	assert_int_equal(c.max_json_bytes, 1048576);
	assert_int_equal(c.max_header_bytes, 32768);
	assert_int_equal(c.request_timeout, 30);
}

static void config_set_accepts_flag_and_file_spellings(void **state)
{
	(void)state;
	config c;
	err e = { 0 };
	config_defaults(&c);
	assert_int_equal(config_set(&c, "max-json-bytes", "4096", &e), OK);
	assert_int_equal(c.max_json_bytes, 4096);
	assert_int_equal(config_set(&c, "max_json_bytes", "8192", &e), OK);
	assert_int_equal(c.max_json_bytes, 8192);
	assert_int_equal(config_set(&c, "Log_Level", "debug", &e), OK);
	assert_string_equal(c.log_level, "debug");
	assert_true(config_known("request_timeout"));
	assert_false(config_known("no-such-setting"));
}

static void config_set_refuses_bad_values_naming_the_setting(void **state)
{
	(void)state;
	static const struct {
		int row;
		const char *name, *value, *field, *message_part;
	} cases[] = {
		{ 1, "max-json-bytes", "10", "max-json-bytes", "1024" }, /* below its minimum */
		{ 2, "max-json-bytes", "4k", "max-json-bytes", "whole number" },
		{ 3, "threads", "257", "threads", "256" },
		{ 4, "threads", "", "threads", "whole number" },
		{ 5, "log-level", "loud", "log-level", "debug" },
		{ 6, "no-such-setting", "1", "no-such-setting", "unknown setting" },
		{ 7, "listen", NULL, "listen", "too long" }, /* value filled below */
	};
	char longv[300];
	memset(longv, 'a', sizeof longv - 1);
	longv[sizeof longv - 1] = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		config c;
		err e = { 0 };
		config_defaults(&c);
		int rc = config_set(&c, cases[i].name, cases[i].value ? cases[i].value : longv, &e);
		if (rc != E_INVALID)
			fail_msg("row %d: expected E_INVALID, got %d", cases[i].row, rc);
		if (strcmp(e.field, cases[i].field) != 0)
			fail_msg("row %d: field '%s', expected '%s'", cases[i].row, e.field, cases[i].field);
		if (!strstr(e.message, cases[i].message_part))
			fail_msg("row %d: message '%s' should mention '%s'", cases[i].row, e.message,
			         cases[i].message_part);
		config d;
		config_defaults(&d);
		if (memcmp(&c, &d, sizeof c) != 0)
			fail_msg("row %d: a refused value changed the settings", cases[i].row);
	}
}

static void config_file_reads_names_values_and_comments(void **state)
{
	(void)state;
	char dir[64], path[128];
	test_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/casebridge.conf", dir);
	write_file(path, "# a comment\n\n  listen = 10.1.2.3:9000  \nmax_json_bytes=4096\nlog-level = warn\n");
	config c;
	err e = { 0 };
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path, 0, &e), OK);
	assert_string_equal(c.listen, "10.1.2.3:9000");
	assert_int_equal(c.max_json_bytes, 4096);
	assert_string_equal(c.log_level, "warn");
	test_rmdir(dir);
}

static void config_file_errors_name_file_line_and_setting(void **state)
{
	(void)state;
	char dir[64], path[128];
	test_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/bad.conf", dir);
	config c;
	err e = { 0 };

	write_file(path, "listen = 1.2.3.4:1\njust words\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path, 0, &e), E_INVALID);
	assert_non_null(strstr(e.message, ":2:"));
	assert_non_null(strstr(e.message, "name = value"));

	write_file(path, "# ok\nthreads = lots\n");
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path, 0, &e), E_INVALID);
	assert_string_equal(e.field, "threads");
	assert_non_null(strstr(e.message, "bad.conf:2:"));
	assert_non_null(strstr(e.message, "whole number"));

	write_file(path, "bogus = 1\n");
	assert_int_equal(config_load_file(&c, path, 0, &e), E_INVALID);
	assert_string_equal(e.field, "bogus");
	assert_non_null(strstr(e.message, "unknown setting"));

	snprintf(path, sizeof path, "%s/missing.conf", dir);
	config_defaults(&c);
	assert_int_equal(config_load_file(&c, path, 1, &e), OK); /* optional */
	assert_int_equal(config_load_file(&c, path, 0, &e), E_IO);
	assert_non_null(strstr(e.message, "missing.conf"));
	test_rmdir(dir);
}

static void config_env_overrides_and_names_a_bad_variable(void **state)
{
	(void)state;
	config c;
	err e = { 0 };
	config_defaults(&c);
	setenv("CASEBRIDGE_LISTEN", "127.0.0.1:9999", 1);
	setenv("CASEBRIDGE_MAX_JSON_BYTES", "2048", 1);
	assert_int_equal(config_load_env(&c, &e), OK);
	assert_string_equal(c.listen, "127.0.0.1:9999");
	assert_int_equal(c.max_json_bytes, 2048);

	setenv("CASEBRIDGE_THREADS", "many", 1);
	assert_int_equal(config_load_env(&c, &e), E_INVALID);
	assert_string_equal(e.field, "CASEBRIDGE_THREADS");
	/* The message names the variable and says what the value must be. */
	assert_non_null(strstr(e.message, "CASEBRIDGE_THREADS"));
	if (!strstr(e.message, "threads must be a whole number from 0 to 256"))
		fail_msg("message should carry the rule, got: %s", e.message);
}

/* cli_load_config is the one place all sources meet: default < file < environment < flag. */
static void config_precedence_default_file_env_flag(void **state)
{
	(void)state;
	char dir[64], path[128];
	test_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/casebridge.conf", dir);
	write_file(path, "listen = 10.0.0.1:1000\nthreads = 3\nmax-json-bytes = 4096\nrequest-timeout = 40\n");
	setenv("CASEBRIDGE_THREADS", "5", 1);
	setenv("CASEBRIDGE_MAX_JSON_BYTES", "8192", 1);
	setenv("CASEBRIDGE_REQUEST_TIMEOUT", "50", 1);
	char *argv[] = { "serve", "--data-dir", dir, "--max-json-bytes", "16384", "--demo", "extra", NULL };
	char *rest[16];
	int n_rest = -1;
	config c;
	assert_int_equal(cli_load_config(7, argv, &c, &n_rest, rest), OK);
	assert_string_equal(c.data_dir, dir);
	assert_int_equal(c.sth_interval, 10);           /* default: nobody set it */
	assert_string_equal(c.listen, "10.0.0.1:1000"); /* file over default */
	assert_int_equal(c.threads, 5);                 /* environment over file */
	assert_int_equal(c.request_timeout, 50);        /* environment over file */
	assert_int_equal(c.max_json_bytes, 16384);      /* flag over environment and file */
	assert_int_equal(n_rest, 2);                    /* what is not a setting is left for the command */
	assert_string_equal(rest[0], "--demo");
	assert_string_equal(rest[1], "extra");
	assert_null(rest[2]);
	test_rmdir(dir);
}

/* The config file is read from the data directory that is finally in force: a --data-dir flag
 * outranks CASEBRIDGE_DATA_DIR for choosing the file too. */
static void config_file_comes_from_the_flag_data_dir_not_the_env_one(void **state)
{
	(void)state;
	char env_dir[64], flag_dir[64], path[160];
	test_tmpdir(env_dir, sizeof env_dir);
	test_tmpdir(flag_dir, sizeof flag_dir);
	snprintf(path, sizeof path, "%s/casebridge.conf", env_dir);
	write_file(path, "listen = 10.0.0.1:1\n");
	snprintf(path, sizeof path, "%s/casebridge.conf", flag_dir);
	write_file(path, "listen = 10.0.0.2:2\n");
	setenv("CASEBRIDGE_DATA_DIR", env_dir, 1);
	char *argv[] = { "serve", "--data-dir", flag_dir, NULL };
	char *rest[8];
	int n_rest;
	config c;
	assert_int_equal(cli_load_config(3, argv, &c, &n_rest, rest), OK);
	assert_string_equal(c.data_dir, flag_dir);
	assert_string_equal(c.listen, "10.0.0.2:2");

	/* Without the flag the environment's directory (and its file) is used. */
	char *argv2[] = { "serve", NULL };
	assert_int_equal(cli_load_config(1, argv2, &c, &n_rest, rest), OK);
	assert_string_equal(c.data_dir, env_dir);
	assert_string_equal(c.listen, "10.0.0.1:1");
	test_rmdir(env_dir);
	test_rmdir(flag_dir);
}

static void config_explicit_file_and_flag_errors(void **state)
{
	(void)state;
	char dir[64], path[128];
	test_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/other.conf", dir);
	write_file(path, "listen = 10.9.9.9:9\n");
	char *rest[8];
	int n_rest;
	config c;
	char *argv[] = { "serve", "--config", path, "--data-dir", dir, NULL };
	assert_int_equal(cli_load_config(5, argv, &c, &n_rest, rest), OK);
	assert_string_equal(c.listen, "10.9.9.9:9");
	assert_int_equal(n_rest, 0);

	char missing[160];
	snprintf(missing, sizeof missing, "%s/nope.conf", dir);
	char *argv2[] = { "serve", "--config", missing, NULL };
	assert_int_equal(cli_load_config(3, argv2, &c, &n_rest, rest), E_INVALID); /* a named file must exist */

	char *argv3[] = { "serve", "--data-dir", dir, "--threads", NULL };
	assert_int_equal(cli_load_config(4, argv3, &c, &n_rest, rest), E_INVALID); /* flag without value */

	char *argv4[] = { "serve", "--data-dir", dir, "--threads", "x", NULL };
	assert_int_equal(cli_load_config(5, argv4, &c, &n_rest, rest), E_INVALID);
	test_rmdir(dir);
}

/* ---- strict integers ---------------------------------------------------------------------------- */

static void util_parse_i64_is_strict(void **state)
{
	(void)state;
	static const struct {
		int row;
		const char *s;
		int64_t min, max;
		int rc;
		int64_t want;
	} cases[] = {
		{ 1, "0", 0, 10, OK, 0 },
		{ 2, "10", 0, 10, OK, 10 },
		{ 3, "-5", -10, 10, OK, -5 },
		{ 4, "11", 0, 10, E_INVALID, 0 },
		{ 5, "-1", 0, 10, E_INVALID, 0 },
		{ 6, "", 0, 10, E_INVALID, 0 },
		{ 7, "12a", 0, 100, E_INVALID, 0 },
		{ 8, "0x10", 0, 100, E_INVALID, 0 },
		{ 9, "1.5", 0, 100, E_INVALID, 0 },
		{ 10, "9223372036854775807", INT64_MIN, INT64_MAX, OK, INT64_MAX },
		{ 11, "-9223372036854775808", INT64_MIN, INT64_MAX, OK, INT64_MIN },
		{ 12, "9223372036854775808", INT64_MIN, INT64_MAX, E_INVALID, 0 },
		{ 13, "-9223372036854775809", INT64_MIN, INT64_MAX, E_INVALID, 0 },
		{ 14, "5 ", 0, 10, E_INVALID, 0 },
		{ 15, " 5", 0, 10, E_INVALID, 0 },
		{ 16, "\n5", 0, 10, E_INVALID, 0 },
		{ 17, "-", -10, 10, E_INVALID, 0 },
		{ 18, "007", 0, 10, OK, 7 },
		{ 19, "99999999999999999999999", INT64_MIN, INT64_MAX, E_INVALID, 0 },
		{ 20, "+5", 0, 10, E_INVALID, 0 },
		{ 21, "-0", -1, 1, OK, 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t v = 12345;
		int rc = util_parse_i64(cases[i].s, cases[i].min, cases[i].max, &v);
		if (rc != cases[i].rc)
			fail_msg("row %d: util_parse_i64(\"%s\") gave %d, expected %d", cases[i].row, cases[i].s, rc,
			         cases[i].rc);
		if (rc == OK && v != cases[i].want)
			fail_msg("row %d: value %lld, expected %lld", cases[i].row, (long long)v,
			         (long long)cases[i].want);
		if (rc != OK && v != 12345)
			fail_msg("row %d: a refused parse wrote the output", cases[i].row);
	}
	int64_t v;
	assert_int_equal(util_parse_i64(NULL, 0, 1, &v), E_INVALID);
}

/* ---- UTF-8 -------------------------------------------------------------------------------------- */

static void util_utf8_valid_accepts_text_and_refuses_malformed(void **state)
{
	(void)state;
	static const struct {
		int row;
		const char *s;
		int valid;
	} cases[] = {
		{ 1, "", 1 },
		{ 2, "plain ascii", 1 },
		{ 3, "正镶白旗人民法院", 1 },
		{ 4, "\xf0\x9f\x98\x80", 1 },  /* U+1F600, 4 bytes */
		{ 5, "\xc2\x80", 1 },          /* U+0080, smallest 2-byte */
		{ 6, "\xef\xbf\xbf", 1 },      /* U+FFFF */
		{ 7, "\xf4\x8f\xbf\xbf", 1 },  /* U+10FFFF, the largest */
		{ 8, "\xc0\xaf", 0 },          /* overlong '/' */
		{ 9, "\xe0\x80\xaf", 0 },      /* overlong, 3 bytes */
		{ 10, "\xf0\x80\x80\xaf", 0 }, /* overlong, 4 bytes */
		{ 11, "\xed\xa0\x80", 0 },     /* surrogate U+D800 */
		{ 12, "\xed\xbf\xbf", 0 },     /* surrogate U+DFFF */
		{ 13, "\xf4\x90\x80\x80", 0 }, /* above U+10FFFF */
		{ 14, "\xe6\xad", 0 },         /* truncated at the end */
		{ 15, "\x80", 0 },             /* lone continuation byte */
		{ 16, "\xff", 0 },
		{ 17, "\xfe", 0 },
		{ 18, "\xe6\x41\xa3", 0 },         /* a non-continuation inside */
		{ 19, "\xf8\x88\x80\x80\x80", 0 }, /* 5-byte form */
		{ 20, "ok\xc3", 0 },               /* truncated after text */
		{ 21, "\xc3\xa9t\xc3\xa9", 1 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int v = util_utf8_valid(cases[i].s, strlen(cases[i].s));
		if (v != cases[i].valid)
			fail_msg("row %d: util_utf8_valid gave %d, expected %d", cases[i].row, v, cases[i].valid);
	}
	/* The length bounds the check: a valid prefix of a longer buffer, and a sequence cut by len. */
	assert_int_equal(util_utf8_valid("ab\xe6\xad\xa3", 2), 1);
	assert_int_equal(util_utf8_valid("ab\xe6\xad\xa3", 4), 0);
	assert_int_equal(util_utf8_len("正镶白旗"), 4);
	assert_int_equal(util_utf8_len("ab正"), 3);
	assert_int_equal(util_utf8_len(""), 0);
}

static void util_strlcpy_truncates_and_terminates(void **state)
{
	(void)state;
	char buf[5];
	memset(buf, 'z', sizeof buf);
	assert_int_equal(util_strlcpy(buf, "abcdefgh", sizeof buf), 8);
	assert_string_equal(buf, "abcd");
	assert_int_equal(util_strlcpy(buf, "ab", sizeof buf), 2);
	assert_string_equal(buf, "ab");
}

static void util_random_hex_gives_distinct_lowercase_hex(void **state)
{
	(void)state;
	char a[65], b[65];
	assert_int_equal(util_random_hex(a, 32), OK);
	assert_int_equal(util_random_hex(b, 32), OK);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
	assert_int_equal(util_random_hex(a, 65), E_INVALID); /* more than its buffer can give */
}

static void util_iso_time_round_trips(void **state)
{
	(void)state;
	assert_int_equal(util_iso_to_sec("2026-11-22T04:30:00.123Z"), INT64_C(1795321800));
	assert_int_equal(util_iso_to_sec("2026-11-22"), INT64_C(1795305600));
	assert_int_equal(util_iso_to_sec("not a time"), -1);
	char s[32];
	struct timespec ts = { 1795321800, 123000000 };
	util_time_iso(ts, s, sizeof s);
	assert_string_equal(s, "2026-11-22T04:30:00.123Z");
	int64_t before = util_now_sec();
	util_clock_offset(3600);
	assert_true(util_now_sec() - before >= 3600);
	util_clock_offset(0);
}

/* ---- arena -------------------------------------------------------------------------------------- */

static void arena_gives_aligned_zeroed_distinct_memory(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_non_null(a);
	enum { N = 3000 };
	unsigned char *p[N];
	size_t len[N];
	for (int i = 0; i < N; i++) {
		len[i] = (size_t)(i * 37 % 211) + 1;
		p[i] = arena_alloc(a, len[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % alignof(max_align_t), 0);
		for (size_t k = 0; k < len[i]; k++)
			if (p[i][k] != 0)
				fail_msg("allocation %d is not zeroed", i);
		memset(p[i], i & 0xff, len[i]);
	}
	/* Nothing overlapped: every allocation still holds its own pattern. */
	for (int i = 0; i < N; i++)
		for (size_t k = 0; k < len[i]; k++)
			if (p[i][k] != (i & 0xff))
				fail_msg("allocation %d was overwritten", i);
	size_t used = 0;
	for (int i = 0; i < N; i++)
		used += len[i];
	assert_int_equal(arena_used(a), used);
	arena_free(a);
}

/* Unzeroed allocations (jansson's, through json_mem) share the blocks; what arena_alloc gives next to
 * them is still zeroed, and a copied string is whole. */
static void arena_uninit_allocations_leave_the_zeroed_ones_zeroed(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_non_null(a);
	for (int i = 0; i < 500; i++) {
		unsigned char *u = arena_alloc_uninit(a, 40);
		assert_non_null(u);
		assert_int_equal((uintptr_t)u % alignof(max_align_t), 0);
		memset(u, 0xa5, 40);
		unsigned char *z = arena_alloc(a, 24);
		assert_non_null(z);
		assert_true(z >= u + 40 || z + 24 <= u);
		for (size_t k = 0; k < 24; k++)
			if (z[k] != 0)
				fail_msg("allocation %d after an unzeroed one is not zeroed", i);
		for (size_t k = 0; k < 40; k++)
			assert_int_equal(u[k], 0xa5);
	}
	assert_string_equal(arena_strndup(a, "政法委abc", 9), "政法委");
	assert_string_equal(arena_printf(a, "%s-%d", "案件", 7), "案件-7");
	arena_free(a);
}

static void arena_large_allocation_gets_its_own_block(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_non_null(a);
	char *small = arena_alloc(a, 100);
	char *big = arena_alloc(a, 3u << 20);
	char *small2 = arena_alloc(a, 100);
	assert_non_null(small);
	assert_non_null(big);
	assert_non_null(small2);
	memset(big, 7, 3u << 20);
	/* The small one after the big one still comes from the first block (right after the first). */
	assert_true(small2 > small && small2 < small + 4096);
	assert_int_equal(small[0], 0);
	arena_free(a);
}

static void arena_strings_and_printf(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_non_null(a);
	assert_string_equal(arena_strdup(a, "正镶白旗"), "正镶白旗");
	assert_null(arena_strdup(a, NULL));
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_string_equal(arena_printf(a, "%s-%d", "unit", 42), "unit-42");
	char longs[5000];
	memset(longs, 'q', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;
	char *s = arena_printf(a, "<%s>", longs);
	assert_non_null(s);
	assert_int_equal(strlen(s), sizeof longs + 1);
	arena_free(a);
	arena_free(NULL);
}

/* A size whose rounding or block header would wrap around must be refused, not turned into a tiny
 * block that the zeroing then overruns. */
static void arena_refuses_sizes_that_would_wrap(void **state)
{
	(void)state;
	arena *a = arena_new();
	assert_non_null(a);
	assert_non_null(arena_alloc(a, 10));
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_null(arena_alloc(a, SIZE_MAX - 8));
	assert_null(arena_alloc(a, SIZE_MAX - 20));
	assert_null(arena_alloc(a, SIZE_MAX - 40));
	assert_non_null(arena_alloc(a, 10)); /* still usable */
	arena_free(a);
}

static void arena_allocation_failure_returns_null_and_arena_stays_usable(void **state)
{
	(void)state;
	mem_fail_after(0);
	assert_null(arena_new());
	mem_fail_after(-1);
	arena *a = arena_new();
	assert_non_null(a);
	mem_fail_after(0);
	assert_null(arena_alloc(a, 64)); /* the first block cannot be had */
	assert_null(arena_printf(a, "%d", 1));
	mem_fail_after(-1);
	char *p = arena_alloc(a, 64);
	assert_non_null(p);
	assert_int_equal(arena_used(a), 64);
	arena_free(a);
}

/* ---- errors ------------------------------------------------------------------------------------- */

static void err_http_status_maps_every_code(void **state)
{
	(void)state;
	static const struct {
		int code, http;
		const char *name;
	} cases[] = {
		{ OK, 200, "ok" },
		{ E_NOMEM, 503, "no_memory" },
		{ E_INVALID, 400, "invalid" },
		{ E_NOTFOUND, 404, "not_found" },
		{ E_CONFLICT, 409, "conflict" },
		{ E_FORBIDDEN, 403, "forbidden" },
		{ E_UNAUTHORIZED, 401, "unauthorized" },
		{ E_LOCKED, 423, "locked" },
		{ E_TOOLARGE, 413, "too_large" },
		{ E_MEDIATYPE, 415, "unsupported_media_type" },
		{ E_STORE, 500, "store_error" },
		{ E_INTEGRITY, 500, "integrity_error" },
		{ E_IO, 500, "io_error" },
		{ E_BUSY, 503, "busy" },
		{ E_INTERNAL, 500, "internal" },
		{ E_METHOD, 405, "method_not_allowed" },
		{ E_RATE, 429, "rate_limited" },
	};
	size_t n = sizeof cases / sizeof cases[0];
	assert_int_equal(n, E__COUNT); /* a new code needs a row here (and a status in err.c) */
	for (size_t i = 0; i < n; i++) {
		if (err_http_status(cases[i].code) != cases[i].http)
			fail_msg("row %zu: code %d maps to %d, expected %d", i + 1, cases[i].code,
			         err_http_status(cases[i].code), cases[i].http);
		if (strcmp(err_code_name(cases[i].code), cases[i].name) != 0)
			fail_msg("row %zu: code %d is named %s, expected %s", i + 1, cases[i].code,
			         err_code_name(cases[i].code), cases[i].name);
	}
	assert_int_equal(err_http_status(-1), 500);
	assert_int_equal(err_http_status(E__COUNT), 500);
	assert_string_equal(err_code_name(E__COUNT + 3), "internal");
}

static void err_set_fills_truncates_and_tolerates_null(void **state)
{
	(void)state;
	err e;
	assert_int_equal(err_set(NULL, E_INVALID, "x", "y"), E_INVALID);
	assert_int_equal(err_set(&e, E_CONFLICT, NULL, "unit %s exists", "a.b"), E_CONFLICT);
	assert_int_equal(e.code, E_CONFLICT);
	assert_string_equal(e.field, "");
	assert_string_equal(e.message, "unit a.b exists");
	char longs[1000];
	memset(longs, 'm', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;
	err_set(&e, E_INVALID, longs, "%s", longs);
	assert_int_equal(strlen(e.field), ERR_FIELD_MAX - 1);
	assert_int_equal(strlen(e.message), ERR_MESSAGE_MAX - 1);
	err_clear(&e);
	assert_int_equal(e.code, OK);
	assert_string_equal(e.message, "");
	err_clear(NULL);
}

/* ---- fault injection ---------------------------------------------------------------------------- */

static void mem_fail_after_fails_the_nth_and_every_later_allocation(void **state)
{
	(void)state;
	mem_fail_after(2);
	void *a = mem_alloc(8), *b = mem_calloc(2, 8);
	void *c = mem_alloc(8), *d = mem_strdup("x");
	assert_non_null(a);
	assert_non_null(b);
	assert_null(c);
	assert_null(d);
	assert_null(mem_realloc(a, 64)); /* a failed realloc keeps the old block */
	assert_int_equal(mem_count_since_arm(), 5);
	mem_fail_after(-1);
	void *e = mem_realloc(a, 64);
	assert_non_null(e);
	char *s = mem_strdup("正镶白旗");
	assert_string_equal(s, "正镶白旗");
	assert_int_equal(mem_count_since_arm(), 2);
	mem_free(e);
	mem_free(b);
	mem_free(s);
	mem_free(NULL);
}

/* ---- log ---------------------------------------------------------------------------------------- */

static void log_event_writes_one_key_value_line_and_filters_levels(void **state)
{
	(void)state;
	char path[] = "/tmp/cblog.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	log_set_fd(fd);
	log_set_level(LOG_INFO);
	log_event(LOG_DEBUG, "hidden", "k=v");
	log_event(LOG_WARN, "access_denied", "user=%s perm=%s", "a.b", "org.admin");
	char longs[4000];
	memset(longs, 'x', sizeof longs - 1);
	longs[sizeof longs - 1] = 0;
	log_event(LOG_ERROR, "long", "v=%s", longs);
	log_set_level(LOG_OFF);
	log_event(LOG_ERROR, "off", "k=v");
	log_set_level(LOG_INFO);
	log_set_fd(2);
	char buf[8192];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	buf[n] = 0;
	assert_null(strstr(buf, "hidden"));
	assert_null(strstr(buf, "event=off"));
	char *nl = strchr(buf, '\n');
	assert_non_null(nl);
	*nl = 0;
	assert_non_null(strstr(buf, " level=warn event=access_denied user=a.b perm=org.admin"));
	assert_int_equal(strncmp(buf, "ts=", 3), 0);
	char *second = nl + 1;
	char *nl2 = strchr(second, '\n');
	assert_non_null(nl2); /* the over-long line is cut but still ends with a newline */
	assert_true(nl2 - second < 2048);
	assert_string_equal(nl2 + 1, "");
	assert_int_equal(log_level_parse("warn"), LOG_WARN);
	assert_int_equal(log_level_parse("loud"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_reads_header_quoted_fields_and_escaped_quotes),
		cmocka_unit_test(csv_skips_bom_and_blank_lines_and_counts_lines),
		cmocka_unit_test(csv_quoted_field_may_span_lines_and_hold_empty_fields),
		cmocka_unit_test(csv_malformed_rows_are_refused_naming_the_line),
		cmocka_unit_test(csv_row_larger_than_buffer_is_refused_without_overflow),
		cmocka_unit_test_setup_teardown(config_defaults_come_from_the_table, config_clean_env,
		                                config_clean_env),
		cmocka_unit_test_setup_teardown(config_set_accepts_flag_and_file_spellings, config_clean_env,
		                                config_clean_env),
		cmocka_unit_test_setup_teardown(config_set_refuses_bad_values_naming_the_setting, config_clean_env,
		                                config_clean_env),
		cmocka_unit_test_setup_teardown(config_file_reads_names_values_and_comments, config_clean_env,
		                                config_clean_env),
		cmocka_unit_test_setup_teardown(config_file_errors_name_file_line_and_setting, config_clean_env,
		                                config_clean_env),
		cmocka_unit_test_setup_teardown(config_env_overrides_and_names_a_bad_variable, config_clean_env,
		                                config_clean_env),
		cmocka_unit_test_setup_teardown(config_precedence_default_file_env_flag, config_clean_env,
		                                config_clean_env),
		cmocka_unit_test_setup_teardown(config_file_comes_from_the_flag_data_dir_not_the_env_one,
		                                config_clean_env, config_clean_env),
		cmocka_unit_test_setup_teardown(config_explicit_file_and_flag_errors, config_clean_env,
		                                config_clean_env),
		cmocka_unit_test(util_parse_i64_is_strict),
		cmocka_unit_test(util_utf8_valid_accepts_text_and_refuses_malformed),
		cmocka_unit_test(util_strlcpy_truncates_and_terminates),
		cmocka_unit_test(util_random_hex_gives_distinct_lowercase_hex),
		cmocka_unit_test(util_iso_time_round_trips),
		cmocka_unit_test(arena_gives_aligned_zeroed_distinct_memory),
		cmocka_unit_test(arena_uninit_allocations_leave_the_zeroed_ones_zeroed),
		cmocka_unit_test(arena_large_allocation_gets_its_own_block),
		cmocka_unit_test(arena_strings_and_printf),
		cmocka_unit_test(arena_refuses_sizes_that_would_wrap),
		cmocka_unit_test(arena_allocation_failure_returns_null_and_arena_stays_usable),
		cmocka_unit_test(err_http_status_maps_every_code),
		cmocka_unit_test(err_set_fills_truncates_and_tolerates_null),
		cmocka_unit_test(mem_fail_after_fails_the_nth_and_every_later_allocation),
		cmocka_unit_test(log_event_writes_one_key_value_line_and_filters_levels),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
