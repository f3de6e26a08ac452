/*
 * fuzz_json.c - libFuzzer driver for strict request bodies: jansson parses (with duplicate keys
 * refused, as the server does), then jsonin_check applies a field list with nested objects, the way
 * the filing handler checks a matter with its parties.
 */
#include "api/jsonin.h"

#include <jansson.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const jfield fields[] = { { "kind", J_STRING, 1, 32 },  { "summary", J_STRING, 1, 2000 },
		                         { "tags", J_ARRAY, 0, 2 },    { "parties", J_ARRAY, 1, 50 },
		                         { "detained", J_BOOL, 0, 0 }, { NULL, 0, 0, 0 } };
	static const jfield pfields[] = { { "type", J_STRING, 1, 16 },
		                          { "name", J_STRING, 1, 300 },
		                          { "role", J_STRING, 1, 32 },
		                          { "id_number", J_STRING, 0, 32 },
		                          { NULL, 0, 0, 0 } };
	json_error_t je;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return 0;
	err e = { 0 };
	if (jsonin_check(j, fields, "", &e) == OK) {
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(j, "parties"), i, p) jsonin_check(p, pfields, "parties[0]", &e);
		(void)jsonin_str(j, "kind");
		(void)jsonin_int(j, "kind", 0);
		(void)jsonin_bool(j, "detained", 0);
	}
	json_decref(j);
	return 0;
}
