/*
 * json_out.c - compact JSON text of a jansson value (see json_out.h).
 *
 * Escaping follows jansson: '"' and '\\' escaped, \b \f \n \r \t by name, other bytes below 0x20 as
 * \u00XX (upper-case hex), everything else (UTF-8 included, '/' too) as it is. Reals as jansson
 * writes them: "%.17g", a ".0" added when the text has neither '.' nor 'e', the exponent without its
 * '+' and leading zeros. Objects in jansson's order (insertion).
 */
#include "core/json_out.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct buf {
	char *p;
	size_t len, cap;
	int failed;
	int sort_keys;
} buf;

typedef struct key {
	const char *k;
	size_t len;
	json_t *v;
} key;

/* jansson's order for JSON_SORT_KEYS */
static int key_cmp(const void *a, const void *b)
{
	const key *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->k, y->k, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int buf_grow_slow(buf *b, size_t more)
{
	if (b->failed)
		return -1;
	size_t cap = b->cap ? b->cap : 16384;
	while (b->len + more + 1 > cap)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

/* Room for more bytes and the final NUL. */
static inline int buf_grow(buf *b, size_t more)
{
	return b->len + more + 1 <= b->cap ? 0 : buf_grow_slow(b, more);
}

static void put(buf *b, const char *s, size_t n)
{
	if (buf_grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void put_c(buf *b, char c)
{
	if (buf_grow(b, 1))
		return;
	b->p[b->len++] = c;
}

/* 1 for the bytes a string cannot hold as they are */
static const unsigned char escaped[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,         1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, ['"'] = 1, ['\\'] = 1,
};

static void put_string(buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	put_c(b, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!escaped[c])
			continue;
		put(b, s + run, i - run);
		run = i + 1;
		char esc[6] = { '\\', 0 };
		size_t el = 2;
		switch (c) {
		case '"':
			esc[1] = '"';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			el = 6;
		}
		put(b, esc, el);
	}
	put(b, s + run, n - run);
	put_c(b, '"');
}

static void put_integer(buf *b, json_int_t v)
{
	char t[24];
	size_t i = sizeof t;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		t[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		t[--i] = '-';
	put(b, t + i, sizeof t - i);
}

static void put_real(buf *b, double v)
{
	char t[64];
	int n = snprintf(t, sizeof t, "%.17g", v);
	if (n < 0 || (size_t)n >= sizeof t - 3) {
		b->failed = 1;
		return;
	}
	if (!strchr(t, '.') && !strchr(t, 'e')) {
		memcpy(t + n, ".0", 3);
		n += 2;
	}
	char *e = strchr(t, 'e');
	if (e) {
		char *start = e + 1, *end = e + 2;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)(t + n - end) + 1);
			n -= (int)(end - start);
		}
	}
	put(b, t, (size_t)n);
}

static void put_value(buf *b, const json_t *v, int depth)
{
	if (b->failed)
		return;
	if (depth > 2048) { /* no answer nests this deep; a guard for the stack */
		b->failed = 1;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		put_c(b, '{');
		const char *k;
		size_t kl;
		json_t *x;
		size_t n = json_object_size(v);
		if (b->sort_keys && n > 1) {
			key stack[16];
			key *keys = n <= 16 ? stack : malloc(n * sizeof *keys);
			if (!keys) {
				b->failed = 1;
				return;
			}
			size_t i = 0;
			json_object_keylen_foreach((json_t *)v, k, kl, x) keys[i++] = (key){ k, kl, x };
			qsort(keys, i, sizeof *keys, key_cmp);
			for (size_t j = 0; j < i; j++) {
				if (j)
					put_c(b, ',');
				put_string(b, keys[j].k, keys[j].len);
				put_c(b, ':');
				put_value(b, keys[j].v, depth + 1);
			}
			if (keys != stack)
				free(keys);
		} else {
			int first = 1;
			json_object_keylen_foreach((json_t *)v, k, kl, x)
			{
				if (!first)
					put_c(b, ',');
				first = 0;
				put_string(b, k, kl);
				put_c(b, ':');
				put_value(b, x, depth + 1);
			}
		}
		put_c(b, '}');
		break;
	}
	case JSON_ARRAY: {
		put_c(b, '[');
		size_t n = json_array_size(v);
		for (size_t i = 0; i < n; i++) {
			if (i)
				put_c(b, ',');
			put_value(b, json_array_get(v, i), depth + 1);
		}
		put_c(b, ']');
		break;
	}
	case JSON_STRING:
		put_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		put_integer(b, json_integer_value(v));
		break;
	case JSON_REAL:
		put_real(b, json_real_value(v));
		break;
	case JSON_TRUE:
		put(b, "true", 4);
		break;
	case JSON_FALSE:
		put(b, "false", 5);
		break;
	case JSON_NULL:
		put(b, "null", 4);
		break;
	}
}

char *json_out_compact(const json_t *v, int sort_keys, size_t *out_len)
{
	if (!v)
		return NULL;
	buf b = { .sort_keys = sort_keys };
	put_value(&b, v, 0);
	if (b.failed || buf_grow(&b, 0)) {
		free(b.p);
		return NULL;
	}
	b.p[b.len] = 0;
	if (out_len)
		*out_len = b.len;
	return b.p;
}
