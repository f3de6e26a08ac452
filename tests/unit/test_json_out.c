/*
 * test_json_out.c - json_out_compact writes the same bytes as jansson's json_dumps(JSON_COMPACT), with
 * and without JSON_SORT_KEYS:
 * over hand-picked values (escapes, UTF-8, reals at the edges of their notation, integer limits) and
 * over 3,000 random nested values, each also read back equal.
 */
#include "testutil.h"

#include "core/json_out.h"

#include <math.h>
#include <stdint.h>

static void same_as_jansson_sorted(const json_t *v, int sort)
{
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | (sort ? JSON_SORT_KEYS : 0));
	size_t n = 0;
	char *got = json_out_compact(v, sort, &n);
	assert_non_null(want);
	assert_non_null(got);
	if (strcmp(want, got))
		fail_msg("json_out_compact wrote\n  %s\njansson\n  %s", got, want);
	assert_int_equal(n, strlen(want));
	json_t *back = json_loads(got, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, (json_t *)v));
	json_decref(back);
	free(want);
	free(got);
}

static void same_as_jansson(const json_t *v)
{
	same_as_jansson_sorted(v, 0);
	same_as_jansson_sorted(v, 1);
}

static void json_out_matches_jansson_on_chosen_values(void **state)
{
	(void)state;
	json_t *o = json_object();
	json_object_set_new(o, "plain", json_string("呼和浩特市公安局回民区分局"));
	json_object_set_new(o, "escapes", json_string("q\" b\\ s/ \b\f\n\r\t \x01\x1f\x7f end"));
	json_object_set_new(o, "empty", json_string(""));
	json_object_set_new(o, "键", json_stringn("a\0b", 3));
	json_object_set_new(o, "min", json_integer(INT64_MIN));
	json_object_set_new(o, "max", json_integer(INT64_MAX));
	json_object_set_new(o, "zero", json_integer(0));
	json_object_set_new(o, "neg", json_integer(-42));
	static const double reals[] = { 0.0,           -0.0,
		                        0.1,           1.0,
		                        -1.5,          100.0,
		                        1e15,          1e16,
		                        1e17,          1e21,
		                        1e22,          1e100,
		                        1e300,         1e-5,
		                        1e-7,          1.5e-300,
		                        123456789.125, 3.141592653589793,
		                        5e-324,        1.7976931348623157e308 };
	json_t *r = json_array();
	for (size_t i = 0; i < sizeof reals / sizeof *reals; i++)
		json_array_append_new(r, json_real(reals[i]));
	json_object_set_new(o, "reals", r);
	json_object_set_new(o, "t", json_true());
	json_object_set_new(o, "f", json_false());
	json_object_set_new(o, "n", json_null());
	json_object_set_new(o, "eo", json_object());
	json_object_set_new(o, "ea", json_array());
	json_object_set_new(o, "nested", json_pack("[[[{s:[i,s,{}]}]]]", "x", 1, "y"));
	same_as_jansson(o);
	json_decref(o);
	json_t *s = json_string("alone");
	same_as_jansson(s);
	json_decref(s);
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static json_t *random_string(void)
{
	static const char *const pieces[] = { "a",  "Z",    "0",    " ",    "\"", "\\", "/",  "\n",
		                              "\t", "\x01", "\x1e", "\x7f", "张", "伟", "〔", "号",
		                              "é",  "😀",    "\r",   "\b",   "\f", "{",  "]",  "," };
	char s[128];
	size_t n = 0, k = next() % 12;
	for (size_t i = 0; i < k; i++) {
		const char *p = pieces[next() % (sizeof pieces / sizeof *pieces)];
		size_t l = strlen(p);
		memcpy(s + n, p, l);
		n += l;
	}
	return json_stringn(s, n);
}

static json_t *random_value(int depth)
{
	switch (next() % (depth > 4 ? 5 : 7)) {
	case 0:
		return random_string();
	case 1:
		return json_integer((json_int_t)(next() >> (next() % 64)) * (next() % 2 ? 1 : -1));
	case 2: {
		double d =
		        (double)(int64_t)next() / pow(10.0, (double)(next() % 40)) * pow(10.0, (double)(next() % 40));
		return json_real(isfinite(d) ? d : 1.0);
	}
	case 3:
		return json_boolean(next() % 2);
	case 4:
		return json_null();
	case 5: {
		json_t *a = json_array();
		for (size_t i = 0, n = next() % 6; i < n; i++)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		for (size_t i = 0, n = next() % (depth ? 6 : 24); i < n; i++) {
			json_t *k = random_string();
			json_object_setn_new(o, json_string_value(k), json_string_length(k), random_value(depth + 1));
			json_decref(k);
		}
		return o;
	}
	}
}

static void json_out_matches_jansson_on_random_values(void **state)
{
	(void)state;
	for (int i = 0; i < 3000; i++) {
		json_t *v = random_value(0);
		same_as_jansson(v);
		json_decref(v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_out_matches_jansson_on_chosen_values),
		cmocka_unit_test(json_out_matches_jansson_on_random_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
