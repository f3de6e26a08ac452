/*
 * mem.c - counted allocation with fault injection, and bump arenas. See mem.h.
 */
#include "core/mem.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__) /* defined by the headers above */
#include <malloc.h>
#endif

static _Atomic long fail_countdown = -1;
static _Atomic long attempts;

static int should_fail(void)
{
	atomic_fetch_add(&attempts, 1);
	long c = atomic_load(&fail_countdown);
	if (c < 0)
		return 0;
	if (c == 0)
		return 1;
	atomic_fetch_sub(&fail_countdown, 1);
	return 0;
}

void mem_fail_after(long n)
{
	atomic_store(&attempts, 0);
	atomic_store(&fail_countdown, n);
}

long mem_count_since_arm(void)
{
	return atomic_load(&attempts);
}

void *mem_alloc(size_t n)
{
	if (should_fail())
		return NULL;
	return malloc(n ? n : 1);
}

void *mem_calloc(size_t count, size_t n)
{
	if (should_fail())
		return NULL;
	return calloc(count ? count : 1, n ? n : 1);
}

void *mem_realloc(void *p, size_t n)
{
	if (should_fail())
		return NULL;
	return realloc(p, n ? n : 1);
}

void mem_free(void *p)
{
	free(p);
}

void mem_set_arena_max(int n)
{
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
	mallopt(M_ARENA_MAX, n);
#else
	(void)n;
#endif
}

char *mem_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = mem_alloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

struct block {
	struct block *next;
	size_t cap, used;
	_Alignas(max_align_t) unsigned char data[];
};

struct arena {
	struct block *head;
	size_t total;
};

#define ARENA_FIRST 4096

arena *arena_new(void)
{
	arena *a = mem_calloc(1, sizeof *a);
	return a;
}

void arena_free(arena *a)
{
	if (!a)
		return;
	struct block *b = a->head;
	while (b) {
		struct block *n = b->next;
		free(b);
		b = n;
	}
	free(a);
}

void *arena_alloc(arena *a, size_t n)
{
	void *p = arena_alloc_uninit(a, n);
	if (p)
		memset(p, 0, n);
	return p;
}

void *arena_alloc_uninit(arena *a, size_t n)
{
	const size_t al = _Alignof(max_align_t);
	size_t need = (n + al - 1) & ~(al - 1);
	if (need < n || need > SIZE_MAX - sizeof(struct block)) /* rounding or the block header would wrap */
		return NULL;
	struct block *b = a->head;
	if (!b || b->cap - b->used < need) {
		size_t cap = b ? b->cap * 2 : ARENA_FIRST;
		if (cap > (1u << 20))
			cap = 1u << 20;
		if (cap < need)
			cap = need;
		struct block *nb = mem_alloc(sizeof *nb + cap);
		if (!nb)
			return NULL;
		nb->cap = cap;
		nb->used = 0;
		if (b && cap == need && b->cap - b->used > 256) {
			/* A big one-off: keep the current block for small allocations. */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += need;
	a->total += n;
	return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
	char *d = arena_alloc_uninit(a, n + 1); /* every byte written below */
	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

char *arena_strdup(arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_vprintf(arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	char *d = arena_alloc_uninit(a, (size_t)n + 1);
	if (d)
		vsnprintf(d, (size_t)n + 1, fmt, ap);
	return d;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *d = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return d;
}

size_t arena_used(const arena *a)
{
	return a->total;
}
