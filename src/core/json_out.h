/*
 * json_out.h - the compact JSON text of a jansson value, as the server sends every answer.
 *
 * The same bytes as jansson's json_dumps(v, JSON_COMPACT [| JSON_SORT_KEYS]) (test_json_out.c compares them over every
 * kind of value), written into one growing buffer: jansson's encoder goes through a callback per
 * fragment and checks every string's UTF-8 again, which was a quarter of the workbench's time (74 KB
 * of JSON for 100 matters). Strings held by jansson are valid UTF-8 already.
 */
#ifndef CB_JSON_OUT_H
#define CB_JSON_OUT_H

#include <jansson.h>
#include <stddef.h>

/* The text of v (an object or array, or any value), NUL-terminated, in a buffer the caller frees with
 * free() (never jansson's allocator: see json_mem.h); its length in *out_len when out_len is not NULL.
 * sort_keys: each object's keys in jansson's JSON_SORT_KEYS order (bytes, then length), the canonical
 * form hashed into the log. NULL when out of memory or v is NULL. */
char *json_out_compact(const json_t *v, int sort_keys, size_t *out_len);

#endif
