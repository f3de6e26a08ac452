/*
 * test_ident.c - resident IDs, unified social credit codes, passports, ages and masking. The shared
 * identifier vectors (tests/data/identifier_vectors.csv, a copy of the domain reference file) are read at
 * run time from the repository root, where tests/run.sh runs the tests; each failing row is named by its
 * line. Extra IDs below were given check characters computed independently of this code.
 */
#include "testutil.h"

#include "core/csv.h"
#include "core/err.h"
#include "domain/ident.h"

#define VECTORS "tests/data/identifier_vectors.csv"

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s: run the tests from the repository root", path);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

static void identifier_vectors_all_rows_behave_as_listed(void **state)
{
	(void)state;
	const char *text = read_file(VECTORS);
	csv_reader rd;
	static csv_record rec;
	err e;
	int rows = 0, failures = 0, n_resident = 0, n_uscc = 0;

	csv_reader_init(&rd, text, strlen(text));
	assert_int_equal(csv_read_record(&rd, &rec, &e), OK);
	assert_int_equal(rec.n_fields, 4);
	assert_string_equal(rec.fields[0], "kind");
	for (;;) {
		assert_int_equal(csv_read_record(&rd, &rec, &e), OK);
		if (rec.n_fields == 0)
			break;
		assert_int_equal(rec.n_fields, 4);
		const char *kind = rec.fields[0], *value = rec.fields[1], *expected = rec.fields[2],
		           *note = rec.fields[3];
		int want_valid = strcmp(expected, "valid") == 0;
		rows++;
		err_clear(&e);
		if (strcmp(kind, "resident_id") == 0) {
			n_resident++;
			ident_person p;
			int rc = ident_resident_id_check(value, "id_number", &p, &e);
			int ok = want_valid ? rc == OK : rc == E_INVALID;
			if (ok && !want_valid && (strcmp(e.field, "id_number") != 0 || !e.message[0]))
				ok = 0;
			if (ok && want_valid && (p.id[17] == 'x' || strncmp(p.id, value, 17) != 0))
				ok = 0;
			if (!ok) {
				print_error("line %d: resident_id %s expected %s (%s), got rc=%d %s\n", rec.line, value,
				            expected, note, rc, e.message);
				failures++;
			}
		} else if (strcmp(kind, "uscc") == 0) {
			n_uscc++;
			ident_credit_code c;
			int rc = ident_credit_code_check(value, "credit_code", &c, &e);
			int ok;
			if (want_valid)
				ok = rc == OK && c.check_ok && e.code == OK && !e.message[0];
			else if (strstr(note, "check character"))
				/* warn, do not reject */
				ok = rc == OK && !c.check_ok && e.code == OK && e.message[0] &&
				     c.expected_check != c.code[17];
			else
				ok = rc == E_INVALID && strcmp(e.field, "credit_code") == 0;
			if (!ok) {
				print_error("line %d: uscc %s expected %s (%s), got rc=%d check_ok=%d %s\n", rec.line,
				            value, expected, note, rc, rc == OK ? c.check_ok : -1, e.message);
				failures++;
			}
		} else {
			print_error("line %d: unknown kind %s\n", rec.line, kind);
			failures++;
		}
	}
	assert_int_equal(rows, 50);
	assert_true(n_resident > 20 && n_uscc > 10);
	assert_int_equal(failures, 0);
}

static void resident_id_gives_birth_date_and_sex(void **state)
{
	(void)state;
	ident_person p;
	err e;

	assert_int_equal(ident_resident_id_check("150927198902266130", NULL, &p, &e), OK);
	assert_int_equal(p.birth.y, 1989);
	assert_int_equal(p.birth.m, 2);
	assert_int_equal(p.birth.d, 26);
	assert_int_equal(p.sex, 'M'); /* sequence 613: odd */
	assert_string_equal(p.address_code, "150927");

	assert_int_equal(ident_resident_id_check("15062219730720686X", NULL, &p, &e), OK);
	assert_int_equal(p.sex, 'F'); /* 686: even */
	assert_int_equal(p.birth.y, 1973);

	assert_int_equal(ident_resident_id_check("11010519491231002x", NULL, &p, &e), OK);
	assert_string_equal(p.id, "11010519491231002X");
	assert_int_equal(p.sex, 'F'); /* 002 */
}

static void resident_id_checks_leap_days(void **state)
{
	(void)state;
	ident_person p;
	err e;

	/* 2000 and 2024 are leap years; 1900 (century) and 2023 are not. */
	assert_int_equal(ident_resident_id_check("150102200002290011", NULL, &p, &e), OK);
	assert_int_equal(p.birth.d, 29);
	assert_int_equal(ident_resident_id_check("150102202402290036", NULL, &p, &e), OK);
	assert_int_equal(ident_resident_id_check("150102190002290015", "id", &p, &e), E_INVALID);
	assert_non_null(strstr(e.message, "出生日期"));
	assert_int_equal(ident_resident_id_check("150102202302290020", "id", &p, &e), E_INVALID);
	assert_non_null(strstr(e.message, "出生日期"));
	/* Years before 1900 are refused. */
	assert_int_equal(ident_resident_id_check("150102189912310048", "id", &p, &e), E_INVALID);
}

static void resident_id_errors_say_what_is_wrong(void **state)
{
	(void)state;
	err e;
	ident_person p = { .sex = '?' };

	assert_int_equal(ident_resident_id_check("15082220110414881", "parties[0].id", &p, &e), E_INVALID);
	assert_string_equal(e.field, "parties[0].id");
	assert_non_null(strstr(e.message, "18位"));
	assert_non_null(strstr(e.message, "17位"));
	assert_int_equal(p.sex, '?'); /* untouched on error */

	assert_int_equal(ident_resident_id_check("15290A198607239529", "id", NULL, &e), E_INVALID);
	assert_non_null(strstr(e.message, "第6位"));

	assert_int_equal(ident_resident_id_check("15010219900315329Y", "id", NULL, &e), E_INVALID);
	assert_non_null(strstr(e.message, "最后一位"));

	/* The right check character is 1 (computed independently); the message says so. */
	assert_int_equal(ident_resident_id_check("152527200905313291", "id", NULL, &e), E_INVALID);
	assert_non_null(strstr(e.message, "校验位错误：按前17位应为7"));
	/* The full number never appears in a message. */
	assert_null(strstr(e.message, "152527200905313291"));

	assert_int_equal(ident_resident_id_check(NULL, "id", NULL, &e), E_INVALID);
	assert_int_equal(ident_resident_id_check("", "id", NULL, NULL), E_INVALID);
}

static void age_counts_full_years(void **state)
{
	(void)state;
	cal_date b = { 2006, 5, 10 };
	assert_int_equal(ident_age_at(b, (cal_date){ 2024, 5, 9 }), 17);
	assert_int_equal(ident_age_at(b, (cal_date){ 2024, 5, 10 }), 18);
	assert_int_equal(ident_age_at(b, (cal_date){ 2024, 12, 31 }), 18);
	assert_int_equal(ident_age_at(b, (cal_date){ 2006, 5, 10 }), 0);
	assert_int_equal(ident_age_at(b, (cal_date){ 2005, 5, 10 }), -1);

	/* Born on 29 February: the birthday is 28 February in common years. */
	cal_date leap = { 2008, 2, 29 };
	assert_int_equal(ident_age_at(leap, (cal_date){ 2026, 2, 27 }), 17);
	assert_int_equal(ident_age_at(leap, (cal_date){ 2026, 2, 28 }), 18);
	assert_int_equal(ident_age_at(leap, (cal_date){ 2028, 2, 28 }), 19);
	assert_int_equal(ident_age_at(leap, (cal_date){ 2028, 2, 29 }), 20);
}

static void minor_until_the_day_after_the_eighteenth_birthday(void **state)
{
	(void)state;
	cal_date b = { 2006, 5, 10 };
	assert_true(ident_is_minor_at(b, (cal_date){ 2024, 5, 9 }));
	assert_true(ident_is_minor_at(b, (cal_date){ 2024, 5, 10 }));
	assert_false(ident_is_minor_at(b, (cal_date){ 2024, 5, 11 }));

	cal_date leap = { 2008, 2, 29 };
	assert_true(ident_is_minor_at(leap, (cal_date){ 2026, 2, 28 }));
	assert_false(ident_is_minor_at(leap, (cal_date){ 2026, 3, 1 }));

	/* From an ID number: born 2006-05-10. */
	ident_person p;
	err e;
	assert_int_equal(ident_resident_id_check("150102200605100053", NULL, &p, &e), OK);
	assert_true(ident_is_minor_at(p.birth, (cal_date){ 2024, 5, 10 }));
	assert_false(ident_is_minor_at(p.birth, (cal_date){ 2024, 5, 11 }));
}

static void credit_code_normalises_and_splits(void **state)
{
	(void)state;
	ident_credit_code c;
	err e;

	err_clear(&e);
	assert_int_equal(ident_credit_code_check("91150102ma0xyw12a8", "org.code", &c, &e), OK);
	assert_string_equal(c.code, "91150102MA0XYW12A8");
	assert_true(c.check_ok);
	assert_int_equal(c.authority, '9');
	assert_int_equal(c.org_type, '1');
	assert_string_equal(c.division, "150102");
	assert_string_equal(e.message, "");

	assert_int_equal(ident_credit_code_check("91150102MA0XYW12A", "org.code", &c, &e), E_INVALID);
	assert_non_null(strstr(e.message, "18位"));
	assert_int_equal(ident_credit_code_check("91150102MA0XYW12AO", "org.code", &c, &e), E_INVALID);
	assert_non_null(strstr(e.message, "第18位"));
	assert_int_equal(ident_credit_code_check("91150102MA0XYW12-8", "org.code", &c, &e), E_INVALID);

	/* Wrong check character: accepted with a warning naming the expected one (T, computed independently). */
	err_clear(&e);
	assert_int_equal(ident_credit_code_check("93150402FEL71HA00B", "org.code", &c, &e), OK);
	assert_false(c.check_ok);
	assert_int_equal(c.expected_check, 'T');
	assert_int_equal(e.code, OK);
	assert_string_equal(e.field, "org.code");
	assert_non_null(strstr(e.message, "应为T"));

	assert_int_equal(ident_credit_code_check("91150102MA0XYW12A8", NULL, NULL, NULL), OK);
	assert_int_equal(ident_credit_code_check(NULL, NULL, NULL, NULL), E_INVALID);
}

static void passport_numbers(void **state)
{
	(void)state;
	err e;
	assert_int_equal(ident_passport_check("E12345678", "passport", &e), OK);
	assert_int_equal(ident_passport_check("ab123", "passport", &e), OK);
	assert_int_equal(ident_passport_check("12345678901234567890", "passport", &e), OK);
	assert_int_equal(ident_passport_check("A123", "passport", &e), E_INVALID);
	assert_string_equal(e.field, "passport");
	assert_int_equal(ident_passport_check("123456789012345678901", "passport", &e), E_INVALID);
	assert_int_equal(ident_passport_check("E1234 5678", "passport", &e), E_INVALID);
	assert_non_null(strstr(e.message, "第6位"));
	assert_int_equal(ident_passport_check("护照12345", "passport", &e), E_INVALID);
	assert_int_equal(ident_passport_check(NULL, "passport", &e), E_INVALID);
}

static void masking_hides_birth_month_and_day(void **state)
{
	(void)state;
	char out[32];

	assert_int_equal(ident_mask_id("152527199003153291", out, sizeof out), OK);
	assert_string_equal(out, "1525271990****3291");
	assert_int_equal(ident_mask_id("11010519491231002X", out, sizeof out), OK);
	assert_string_equal(out, "1101051949****002X");
	/* Old 15-digit IDs: YYMMDD at 7-12, month and day hidden. */
	assert_int_equal(ident_mask_id("150102900315329", out, sizeof out), OK);
	assert_string_equal(out, "15010290****329");
	/* Passports keep two characters at each end; short strings are hidden entirely. */
	assert_int_equal(ident_mask_id("E12345678", out, sizeof out), OK);
	assert_string_equal(out, "E1*****78");
	assert_int_equal(ident_mask_id("AB123", out, sizeof out), OK);
	assert_string_equal(out, "*****");
	assert_int_equal(ident_mask_id("", out, sizeof out), OK);
	assert_string_equal(out, "");
	assert_int_equal(ident_mask_id("张三123", out, sizeof out), OK);
	assert_string_equal(out, "****");

	/* Exactly enough room, then one byte short. */
	char small[19];
	assert_int_equal(ident_mask_id("152527199003153291", small, sizeof small), OK);
	assert_string_equal(small, "1525271990****3291");
	assert_int_equal(ident_mask_id("152527199003153291", small, 18), E_INVALID);
	assert_string_equal(small, "");
	assert_int_equal(ident_mask_id(NULL, out, sizeof out), E_INVALID);
}

static void masking_credit_codes_keeps_authority_and_division(void **state)
{
	(void)state;
	char out[32];
	assert_int_equal(ident_mask_credit_code("91152224CRU2QBRE0G", out, sizeof out), OK);
	assert_string_equal(out, "91152224******RE0G");
	assert_int_equal(ident_mask_credit_code("91152224CRU2QBRE0", out, sizeof out), OK);
	assert_string_equal(out, "91*************E0");
	assert_int_equal(ident_mask_credit_code("91152224CRU2QBRE0G", out, 10), E_INVALID);
	assert_string_equal(out, "");
}

/* An all-digit credit code is not a resident ID in shape; an ID number with a wrong check character
 * still is, so callers that accept either report it as a mistyped ID rather than take it for a company
 * (the credit-code check takes any 18 digits: a wrong check character there is only a warning). */
static void resident_id_shape_tells_digit_credit_codes_from_mistyped_ids(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int shaped;
	} rows[] = {
		/* 1 */ { "150927198902266130", 1 }, /* a valid ID */
		/* 2 */ { "152529199007070066", 1 }, /* wrong check character */
		/* 3 */ { "15062219730720686x", 1 },
		/* 4 */ { "914403001922038216", 0 }, /* a credit code of digits only: no birth date 00192203 */
		/* 5 */ { "9315020216QU90AW99", 0 },
		/* 6 */ { "15010218991231004X", 0 }, /* born before 1900 */
		/* 7 */ { "150102202302290020", 0 }, /* 29 February of a common year */
		/* 8 */ { "15082220110414881", 0 },  /* 17 characters */
		/* 9 */ { NULL, 0 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (ident_resident_id_shaped(rows[i].s) != rows[i].shaped)
			fail_msg("row %zu (%s): shaped %d", i + 1, rows[i].s ? rows[i].s : "NULL", !rows[i].shaped);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identifier_vectors_all_rows_behave_as_listed),
		cmocka_unit_test(resident_id_gives_birth_date_and_sex),
		cmocka_unit_test(resident_id_checks_leap_days),
		cmocka_unit_test(resident_id_errors_say_what_is_wrong),
		cmocka_unit_test(age_counts_full_years),
		cmocka_unit_test(minor_until_the_day_after_the_eighteenth_birthday),
		cmocka_unit_test(credit_code_normalises_and_splits),
		cmocka_unit_test(passport_numbers),
		cmocka_unit_test(masking_hides_birth_month_and_day),
		cmocka_unit_test(masking_credit_codes_keeps_authority_and_division),
		cmocka_unit_test(resident_id_shape_tells_digit_credit_codes_from_mistyped_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
