/*
 * fuzz_calendar.c - libFuzzer driver for the holiday calendar loader and the period calculator: a
 * calendar built from arbitrary CSV, then due dates for periods taken from the input's first bytes.
 */
#include "domain/calendar.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	char *text = malloc(size - 8 + 1);
	if (!text)
		return 0;
	memcpy(text, data + 8, size - 8);
	text[size - 8] = 0;
	calendar *cal = NULL;
	if (calendar_new(&cal, NULL) == OK) {
		calendar_load_csv(cal, text, NULL);
		cal_date start = { 2020 + data[0] % 10, 1 + data[1] % 12, 1 + data[2] % 31 };
		due_spec spec = {
			.months = data[3] % 40, .days = data[4] * 3, .criminal = data[5] & 1, .custody = data[5] & 2
		};
		if (data[6] & 1)
			spec = (due_spec){ .working_days = data[7] % 60 };
		due_result res;
		if (cal_date_valid(start))
			calendar_due(cal, start, &spec, &res, NULL);
	}
	calendar_free(cal);
	free(text);
	return 0;
}
