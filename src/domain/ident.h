/*
 * ident.h - checking and masking the identifiers of parties: resident identity card numbers
 * (GB 11643-1999), unified social credit codes of organisations (GB 32100-2015) and passport numbers of
 * foreigners. Party intake, the dishonest-debtor list (which must never list minors and shows only masked
 * numbers) and the logs use these functions; nothing else in CaseBridge parses an identifier.
 *
 * Every check takes the caller's field name (a JSON path such as "parties[0].id_number") for the error
 * record, and its messages say in Chinese what is wrong and what to do. No function here allocates, and
 * no error message repeats the full identifier, so messages are safe to log.
 */
#ifndef CB_IDENT_H
#define CB_IDENT_H

#include <stddef.h>

#include "core/err.h"
#include "domain/calendar.h"

#define IDENT_RESIDENT_ID_LEN 18
#define IDENT_CREDIT_CODE_LEN 18

/* What a resident ID number says about its holder. */
typedef struct ident_person {
	char id[IDENT_RESIDENT_ID_LEN + 1]; /* normalised: a lower-case check 'x' becomes 'X' */
	char address_code[7];               /* the 6-digit division code at registration (may be historical) */
	cal_date birth;
	char sex; /* 'M' (odd sequence number) or 'F' (even) */
} ident_person;

/*
 * Check an 18-character resident ID number: 17 digits and a check character (a digit, or 'X'; 'x' is
 * accepted and normalised), a birth date (characters 7-14) that exists with a year from 1900, and the
 * ISO 7064 MOD 11-2 check character. The address code is not checked against current divisions: people
 * keep old codes. Returns OK and fills *out (may be NULL), or E_INVALID with field set to `field` and a
 * message naming the problem (length, a non-digit, an impossible birth date, the check character that was
 * expected). *out is untouched on error.
 */
int ident_resident_id_check(const char *s, const char *field, ident_person *out, err *e);

/*
 * 1 if s has the shape of a resident ID number - 17 digits, a digit or X, and a birth date that exists
 * in characters 7-14 - whether or not its check character is right. A unified social credit code may
 * be all digits too (914403001922038216); one that fails the resident-ID check but has this shape is
 * more likely a mistyped ID number than a company, so callers that accept either report the ID error.
 */
int ident_resident_id_shaped(const char *s);

/*
 * The holder's age in full years on date, counted the everyday way: it goes up on the birthday (someone
 * born on 29 February has the birthday on 28 February in common years, as Civil Code art. 202 ends a
 * period on the last day of a month that lacks the corresponding day). Negative if date is before birth.
 */
int ident_age_at(cal_date birth, cal_date date);

/*
 * 1 if the holder is a minor (under 18) on date under the legal reckoning, where "full N years" is
 * reached only on the day after the N-th birthday (SPC, 法释〔2006〕1号 art. 2, for the Criminal Law;
 * applied here to the rule that minors are never put on the dishonest-debtor list, 法释〔2017〕7号 art. 4).
 * So a person born 2006-05-10 is still a minor on 2024-05-10 and an adult from 2024-05-11.
 */
int ident_is_minor_at(cal_date birth, cal_date date);

/* What a unified social credit code says. */
typedef struct ident_credit_code {
	char code[IDENT_CREDIT_CODE_LEN + 1]; /* normalised to upper case */
	char authority;                       /* registration authority code (character 1), e.g. '9' = 市场监管 */
	char org_type;                        /* organisation type (character 2) */
	char division[7];                     /* characters 3-8: division code of the registering authority */
	int check_ok;                         /* 1 if character 18 is the computed check character */
	char expected_check;                  /* the computed check character */
} ident_credit_code;

/*
 * Check an 18-character unified social credit code against GB 32100-2015: the character set
 * 0-9 A-Z without I O S V Z (lower case is accepted and normalised) and the MOD 31 check character.
 * Some codes actually issued fail the check, so a wrong check character is not an error: the function
 * returns OK with out->check_ok = 0 and also writes a warning into *e (code OK, field and message set)
 * that the caller may show ("统一社会信用代码校验位不符：应为T…"); reject nothing on it. Returns E_INVALID
 * for a wrong length or a character outside the set. out may be NULL (then only the return code tells).
 */
int ident_credit_code_check(const char *s, const char *field, ident_credit_code *out, err *e);

/*
 * Check a passport number of a foreign party: 5 to 20 ASCII letters and digits. Issuing states differ,
 * so nothing else is checked. Returns OK or E_INVALID.
 */
int ident_passport_check(const char *s, const char *field, err *e);

/*
 * Mask a personal identity number for display and logs into out (cap bytes with the NUL), keeping the
 * length. An 18-character resident ID keeps the first 10 characters (address code and birth year) and
 * the last 4 and masks the birth month and day, the form of the SPC's public dishonest-debtor list:
 * "152527199003153291" -> "1525271990****3291". A 15-digit ID (old format) keeps 8 and 3 the same way.
 * Anything else (a passport number) keeps the first 2 and last 2 characters when longer than 6 and is
 * masked entirely otherwise; non-ASCII input becomes "****". Returns OK, or E_INVALID when id is NULL or
 * out is too small (out is then "" if cap > 0).
 */
int ident_mask_id(const char *id, char *out, size_t cap);

/*
 * Mask a unified social credit code: keep characters 1-8 (authority, type, division) and the last 4,
 * mask characters 9-14: "91152224CRU2QBRE0G" -> "91152224******RE0G". A string that is not 18 ASCII
 * characters is masked like ident_mask_id does. Returns OK or E_INVALID as ident_mask_id.
 */
int ident_mask_credit_code(const char *code, char *out, size_t cap);

#endif
