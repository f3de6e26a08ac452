/*
 * ident.c - check characters, embedded birth dates and masking of party identifiers. See ident.h; the
 * algorithms are those of GB 11643-1999 (ISO 7064 MOD 11-2) and GB 32100-2015 (MOD 31), as summarised in
 * the domain README under "Identifier check characters".
 */
#include "domain/ident.h"

#include <stdio.h>
#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* ---- resident ID --------------------------------------------------------------------------------- */

/* GB 11643-1999: weights 2^(17-i) mod 11 for i = 0..16, check = "10X98765432"[sum mod 11]. */
static char resident_check_char(const char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

int ident_resident_id_check(const char *s, const char *field, ident_person *out, err *e)
{
	int rc = OK;
	size_t len = s ? strlen(s) : 0;
	ident_person p;

	if (len != IDENT_RESIDENT_ID_LEN) {
		rc = err_set(e, E_INVALID, field, "身份证号应为18位，当前为%zu位，请核对是否漏输或多输", len);
		goto done;
	}
	for (int i = 0; i < 17; i++) {
		if (!is_digit(s[i])) {
			rc = err_set(e, E_INVALID, field, "身份证号第%d位不是数字：前17位只能是数字，请核对", i + 1);
			goto done;
		}
	}
	if (!is_digit(s[17]) && s[17] != 'X' && s[17] != 'x') {
		rc = err_set(e, E_INVALID, field, "身份证号最后一位只能是数字或X，请核对");
		goto done;
	}
	memset(&p, 0, sizeof p);
	memcpy(p.id, s, IDENT_RESIDENT_ID_LEN);
	p.id[17] = upper(s[17]);
	memcpy(p.address_code, s, 6);
	p.birth.y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
	p.birth.m = (s[10] - '0') * 10 + (s[11] - '0');
	p.birth.d = (s[12] - '0') * 10 + (s[13] - '0');
	if (p.birth.y < 1900 || !cal_date_valid(p.birth)) {
		rc = err_set(e, E_INVALID, field,
		             "身份证号第7-14位的出生日期%.4s年%.2s月%.2s日不存在，请核对出生日期部分", s + 6, s + 10,
		             s + 12);
		goto done;
	}
	char want = resident_check_char(s);
	if (want != p.id[17]) {
		rc = err_set(e, E_INVALID, field, "身份证号校验位错误：按前17位应为%c，实际为%c，请核对号码是否抄错",
		             want, p.id[17]);
		goto done;
	}
	p.sex = (s[16] - '0') % 2 ? 'M' : 'F';
	if (out)
		*out = p;
done:
	return rc;
}

int ident_resident_id_shaped(const char *s)
{
	if (!s || strlen(s) != IDENT_RESIDENT_ID_LEN)
		return 0;
	for (int i = 0; i < 17; i++)
		if (!is_digit(s[i]))
			return 0;
	if (!is_digit(s[17]) && s[17] != 'X' && s[17] != 'x')
		return 0;
	cal_date b = { .y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0'),
		       .m = (s[10] - '0') * 10 + (s[11] - '0'),
		       .d = (s[12] - '0') * 10 + (s[13] - '0') };
	return b.y >= 1900 && cal_date_valid(b);
}

int ident_age_at(cal_date birth, cal_date date)
{
	int age = date.y - birth.y;
	/* The birthday this year; 29 February falls back to 28 February in common years. */
	int bd = birth.d;
	if (birth.m == 2 && bd == 29 && !cal_is_leap_year(date.y))
		bd = 28;
	if (date.m < birth.m || (date.m == birth.m && date.d < bd))
		age--;
	return age;
}

int ident_is_minor_at(cal_date birth, cal_date date)
{
	/* Full years are reached on the day after the birthday: judge the age as of the day before. */
	return ident_age_at(birth, cal_date_add_days(date, -1)) < 18;
}

/* ---- unified social credit code ------------------------------------------------------------------ */

static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/* The value of c in the GB 32100 alphabet, or -1. */
static int uscc_value(char c)
{
	const char *p = c ? strchr(uscc_chars, c) : NULL;
	return p ? (int)(p - uscc_chars) : -1;
}

int ident_credit_code_check(const char *s, const char *field, ident_credit_code *out, err *e)
{
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int rc = OK;
	size_t len = s ? strlen(s) : 0;
	ident_credit_code c;
	int sum = 0;

	if (len != IDENT_CREDIT_CODE_LEN) {
		rc = err_set(e, E_INVALID, field, "统一社会信用代码应为18位，当前为%zu位，请按营业执照核对", len);
		goto done;
	}
	memset(&c, 0, sizeof c);
	for (int i = 0; i < IDENT_CREDIT_CODE_LEN; i++) {
		c.code[i] = upper(s[i]);
		if (uscc_value(c.code[i]) < 0) {
			if (c.code[i] == 'I' || c.code[i] == 'O' || c.code[i] == 'S' || c.code[i] == 'V' ||
			    c.code[i] == 'Z')
				rc = err_set(e, E_INVALID, field,
				             "统一社会信用代码第%d位是字母%"
				             "c，代码中不使用I、O、S、V、Z，请核对（可能是数字1、0、5、2）",
				             i + 1, c.code[i]);
			else
				rc = err_set(e, E_INVALID, field,
				             "统一社会信用代码第%d位不是数字或大写字母，请按营业执照核对", i + 1);
			goto done;
		}
		if (i < 17)
			sum += uscc_value(c.code[i]) * w[i];
	}
	c.expected_check = uscc_chars[(31 - sum % 31) % 31];
	c.check_ok = c.expected_check == c.code[17];
	c.authority = c.code[0];
	c.org_type = c.code[1];
	memcpy(c.division, c.code + 2, 6);
	if (!c.check_ok)
		err_set(e, OK, field,
		        "统一社会信用代码校验位不符：按前17位应为%c，实际为%c。部分已发代码确实如此，"
		        "请对照营业执照核对后继续",
		        c.expected_check, c.code[17]);
	if (out)
		*out = c;
done:
	return rc;
}

/* ---- passports ----------------------------------------------------------------------------------- */

int ident_passport_check(const char *s, const char *field, err *e)
{
	int rc = OK;
	size_t len = s ? strlen(s) : 0;

	if (len < 5 || len > 20) {
		rc = err_set(e, E_INVALID, field, "护照号码应为5-20位字母或数字，当前为%zu位，请按护照资料页核对", len);
		goto done;
	}
	for (size_t i = 0; i < len; i++) {
		if (!is_alnum(s[i])) {
			rc = err_set(e, E_INVALID, field, "护照号码第%zu位不是字母或数字，请去掉空格和符号后重试",
			             i + 1);
			goto done;
		}
	}
done:
	return rc;
}

/* ---- masking ------------------------------------------------------------------------------------- */

/* Copy s to out keeping `head` leading and `tail` trailing characters and starring the rest. */
static int mask_keep(const char *s, size_t head, size_t tail, char *out, size_t cap)
{
	int rc = OK;
	size_t len = strlen(s);

	if (cap < len + 1) {
		rc = E_INVALID;
		goto done;
	}
	for (size_t i = 0; i < len; i++)
		out[i] = i < head || i >= len - tail ? s[i] : '*';
	out[len] = 0;
done:
	if (rc != OK && cap > 0)
		out[0] = 0;
	return rc;
}

static int is_ascii_graph(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

int ident_mask_id(const char *id, char *out, size_t cap)
{
	int rc = OK;
	size_t len;

	if (!id || !out) {
		rc = E_INVALID;
		goto done;
	}
	if (!is_ascii_graph(id)) {
		rc = mask_keep("****", 0, 0, out, cap);
		goto done;
	}
	len = strlen(id);
	if (len == 18)
		rc = mask_keep(id, 10, 4, out, cap); /* SPC public list form: birth month and day hidden */
	else if (len == 15)
		rc = mask_keep(id, 8, 3, out, cap); /* old IDs: YYMMDD at 7-12, hide MMDD the same way */
	else if (len > 6)
		rc = mask_keep(id, 2, 2, out, cap);
	else
		rc = mask_keep(id, 0, 0, out, cap);
done:
	if (rc != OK && out && cap > 0)
		out[0] = 0;
	return rc;
}

int ident_mask_credit_code(const char *code, char *out, size_t cap)
{
	int rc = OK;

	if (!code || !out) {
		rc = E_INVALID;
		goto done;
	}
	if (strlen(code) == IDENT_CREDIT_CODE_LEN && is_ascii_graph(code))
		rc = mask_keep(code, 8, 4, out, cap);
	else
		rc = ident_mask_id(code, out, cap);
done:
	return rc;
}
