/*
 * jsonin.h - strict reading of JSON request bodies: an object is checked against a field list, so an
 * unknown field, a missing required field or a value of the wrong type is a 400 that names the field
 * by its path (e.g. "parties[0].id_number"). Handlers then read values with the getters.
 */
#ifndef CB_JSONIN_H
#define CB_JSONIN_H

#include "core/err.h"

#include <jansson.h>
#include <stdint.h>

enum jtype { J_STRING = 1, J_INT, J_BOOL, J_OBJECT, J_ARRAY, J_ANY };

typedef struct jfield {
	const char *name;
	int type; /* enum jtype */
	int required;
	size_t max_len; /* strings: bytes (0 = 4096); arrays: items (0 = 1000) */
} jfield;

/* Check obj against fields (terminated by {NULL}); prefix is the path of obj ("" for the root). */
int jsonin_check(const json_t *obj, const jfield *fields, const char *prefix, err *e);

/* Getters after a successful check: absent -> def / NULL. */
const char *jsonin_str(const json_t *obj, const char *name);
int64_t jsonin_int(const json_t *obj, const char *name, int64_t def);
int jsonin_bool(const json_t *obj, const char *name, int def);

#endif
