/*
 * json_mem.c - jansson's allocator: the thread's request arena, or the heap (see json_mem.h).
 */
#include "core/json_mem.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Before every block: which allocator it came from. 16 bytes keep the block aligned for any type. */
#define TAG_HEAP 0x4a534f4e48454150ull  /* "JSONHEAP" */
#define TAG_ARENA 0x4a534f4e4152454eull /* "JSONAREN" */
#define HEAD 16

static _Thread_local arena *current;
static int installed;

static void *json_mem_alloc(size_t n)
{
	if (n > SIZE_MAX - HEAD)
		return NULL;
	uint64_t *p;
	if (current) {
		if (!(p = arena_alloc_uninit(current, n + HEAD))) /* jansson initialises what it uses */
			return NULL;
		p[0] = TAG_ARENA;
	} else {
		if (!(p = malloc(n + HEAD)))
			return NULL;
		p[0] = TAG_HEAP;
	}
	return (char *)p + HEAD;
}

static void json_mem_release(void *ptr)
{
	if (!ptr)
		return;
	uint64_t *p = (uint64_t *)(void *)((char *)ptr - HEAD);
	if (p[0] == TAG_HEAP) {
		p[0] = 0;
		free(p);
	} else if (p[0] != TAG_ARENA) {
		fprintf(stderr, "json_mem: a block jansson frees has no tag (not from json_mem)\n");
		abort();
	}
}

void json_mem_install(void)
{
	json_set_alloc_funcs(json_mem_alloc, json_mem_release);
	installed = 1;
}

void json_mem_use(arena *a)
{
	current = a;
}

int json_mem_installed(void)
{
	return installed;
}
