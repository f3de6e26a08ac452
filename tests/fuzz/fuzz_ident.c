/*
 * fuzz_ident.c - libFuzzer driver for the identifier checks (resident ID, credit code, passport) and
 * masking: every party's ID number arrives from a form.
 */
#include "domain/ident.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64];
	size_t n = size < sizeof s - 1 ? size : sizeof s - 1;
	memcpy(s, data, n);
	s[n] = 0;
	ident_person p;
	ident_credit_code c;
	err e = { 0 };
	if (ident_resident_id_check(s, "id", &p, &e) == OK && !cal_date_valid(p.birth))
		abort(); /* an accepted ID has a real birth date */
	ident_credit_code_check(s, "id", &c, &e);
	ident_passport_check(s, "id", &e);
	char m[64];
	ident_mask_id(s, m, sizeof m);
	ident_mask_credit_code(s, m, sizeof m);
	ident_mask_id(s, m, 4);
	return 0;
}
