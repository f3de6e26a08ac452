/*
 * mem.h - allocation with fault injection, and the request arena.
 *
 * All heap allocation in CaseBridge goes through mem_alloc/mem_calloc/mem_realloc/mem_free so that
 * tests can make the Nth allocation fail (mem_fail_after) and check that every path returns E_NOMEM
 * and leaves nothing half-written. Third-party libraries (SQLite, jansson, OpenSSL) allocate on their
 * own and are not injected.
 *
 * An arena hands out memory that lives until arena_free: one per request, so handlers never free
 * individual objects. Blocks grow geometrically; a single large allocation gets its own block.
 */
#ifndef CB_MEM_H
#define CB_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *mem_alloc(size_t n);
void *mem_calloc(size_t count, size_t n);
void *mem_realloc(void *p, size_t n);
void mem_free(void *p);
/* A heap copy of s (mem_free it), or NULL on failure. */
char *mem_strdup(const char *s);
/* Cap the C library's per-thread malloc arenas at n (glibc; elsewhere a no-op), before threads start.
 * glibc's default, 8 per core, gave each of the server's 16 workers an arena of its own, each keeping
 * the pages its requests had freed: at a million matters the server's peak memory over a benchmark
 * run was 137-183 MB from run to run; with 4 arenas the read runs' peak went from 152 to 103 MB with
 * the same throughput (docs/benchmarks.md). */
void mem_set_arena_max(int n);

/* Make the allocation after the next n succeed-able ones fail (n = 0: the next one). -1 disables. */
void mem_fail_after(long n);
/* How many allocations were attempted since the last mem_fail_after call (to size loops in tests). */
long mem_count_since_arm(void);

typedef struct arena arena;

/* A new arena (heap; arena_free it) or NULL. */
arena *arena_new(void);
void arena_free(arena *a);
/* Zeroed memory from the arena, aligned for any type; NULL on failure. */
void *arena_alloc(arena *a, size_t n);
/* The same without zeroing: for callers that write every byte they use (jansson, through json_mem:
 * zeroing its allocations was 4 % of a workbench request). */
void *arena_alloc_uninit(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Bytes handed out so far (for limits and tests). */
size_t arena_used(const arena *a);

#endif
