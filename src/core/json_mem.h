/*
 * json_mem.h - where jansson's memory comes from.
 *
 * While a request is answered, every JSON value its thread makes (the parsed body, the answer, the
 * event payloads) comes from the request's arena: no malloc and free per value, all of it released at
 * once with the request. Elsewhere (start-up, tools, background threads) from the heap. Each block
 * carries a tag saying which, so a value is freed rightly wherever its last reference goes; the
 * arena's blocks are simply not freed one by one. A JSON value made during a request must not outlive
 * the request (nothing in CaseBridge keeps one: caches hold C structs and text).
 *
 * jansson's json_dumps would return arena or tagged memory that free() must not see: CaseBridge
 * writes JSON text with json_out_compact, which uses the heap.
 */
#ifndef CB_JSON_MEM_H
#define CB_JSON_MEM_H

#include "core/mem.h"

/* Route jansson's allocations through json_mem. Once, before any JSON value exists (main). */
void json_mem_install(void);
/* From now on this thread's JSON values come from a (NULL: the heap). */
void json_mem_use(arena *a);
/* Whether json_mem_install ran (the tests of this module install it themselves). */
int json_mem_installed(void);

#endif
