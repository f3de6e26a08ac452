/*
 * fuzz_csv.c - libFuzzer driver for the CSV reader (holiday imports and rules overrides come from
 * administrators' files). Every record must stay within its buffer and every error be clean.
 */
#include "core/csv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	csv_reader r;
	csv_record *rec = malloc(sizeof *rec);
	if (!rec)
		return 0;
	csv_reader_init(&r, (const char *)data, size);
	for (int i = 0; i < 10000; i++) {
		err e = { 0 };
		if (csv_read_record(&r, rec, &e) != OK || rec->n_fields == 0)
			break;
		for (int k = 0; k < rec->n_fields; k++)
			if (strlen(rec->fields[k]) >= sizeof rec->buf)
				abort();
	}
	free(rec);
	return 0;
}
