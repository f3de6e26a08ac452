/*
 * test_hash.c - SHA-256 and SM3: published known answers (FIPS 180-2 examples, GB/T 32905-2016
 * appendix A), streaming equal to one-shot at every split, names, and failure paths.
 */
#include "testutil.h"

#include "core/codec.h"
#include "core/err.h"
#include "core/mem.h"
#include "crypto/hash.h"

static void assert_digest_hex(int alg, const char *msg, const char *want_hex)
{
	uint8_t h[HASH_LEN];
	char hex[CODEC_HEX_LEN(HASH_LEN) + 1];
	assert_int_equal(hash_digest(alg, msg, strlen(msg), h), OK);
	codec_hex_encode(h, sizeof h, hex);
	assert_string_equal(hex, want_hex);
}

static void hash_sha256_matches_known_answers(void **state)
{
	(void)state;
	assert_digest_hex(HASH_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_digest_hex(HASH_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_digest_hex(HASH_SHA256, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	                  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void hash_sm3_matches_known_answers(void **state)
{
	(void)state;
	/* GB/T 32905-2016 appendix A, examples 1 and 2. */
	assert_digest_hex(HASH_SM3, "abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
	assert_digest_hex(HASH_SM3, "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd",
	                  "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
	assert_digest_hex(HASH_SM3, "", "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
}

static void hash_streaming_equals_one_shot_at_every_split(void **state)
{
	(void)state;
	uint8_t msg[300];
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 31 + 1);
	const int algs[] = { HASH_SHA256, HASH_SM3 };
	for (size_t a = 0; a < 2; a++) {
		uint8_t want[HASH_LEN];
		assert_int_equal(hash_digest(algs[a], msg, sizeof msg, want), OK);
		for (size_t cut = 0; cut <= sizeof msg; cut += 7) {
			hash_ctx *h = hash_begin(algs[a]);
			assert_non_null(h);
			uint8_t got[HASH_LEN];
			assert_int_equal(hash_update(h, msg, cut), OK);
			assert_int_equal(hash_update(h, msg + cut, sizeof msg - cut), OK);
			assert_int_equal(hash_end(h, got), OK);
			assert_memory_equal(got, want, HASH_LEN);
		}
	}
}

static void hash_sha256_and_sm3_differ(void **state)
{
	(void)state;
	uint8_t a[HASH_LEN], b[HASH_LEN];
	assert_int_equal(hash_digest(HASH_SHA256, "abc", 3, a), OK);
	assert_int_equal(hash_digest(HASH_SM3, "abc", 3, b), OK);
	assert_memory_not_equal(a, b, HASH_LEN);
}

static void hash_alg_names_round_trip(void **state)
{
	(void)state;
	int alg = 0;
	assert_int_equal(hash_alg_parse("sha256", &alg), OK);
	assert_int_equal(alg, HASH_SHA256);
	assert_string_equal(hash_alg_name(alg), "sha256");
	assert_int_equal(hash_alg_parse("sm3", &alg), OK);
	assert_int_equal(alg, HASH_SM3);
	assert_string_equal(hash_alg_name(alg), "sm3");
	static const char *const bad[] = { "SHA256", "sha-256", "md5", "", "sm3 ", "sha1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		alg = 77;
		if (hash_alg_parse(bad[i], &alg) != E_INVALID)
			fail_msg("row %zu (\"%s\") was accepted", i, bad[i]);
		assert_int_equal(alg, 77);
	}
	assert_int_equal(hash_alg_parse(NULL, &alg), E_INVALID);
	assert_null(hash_alg_name(0));
	assert_null(hash_alg_name(3));
}

static void hash_rejects_unknown_alg(void **state)
{
	(void)state;
	uint8_t h[HASH_LEN];
	assert_int_equal(hash_digest(0, "abc", 3, h), E_INVALID);
	assert_int_equal(hash_digest(99, "abc", 3, h), E_INVALID);
	assert_null(hash_begin(0));
	hash_abort(NULL);
}

static void hash_begin_returns_null_when_memory_runs_out(void **state)
{
	(void)state;
	mem_fail_after(0);
	hash_ctx *h = hash_begin(HASH_SM3);
	mem_fail_after(-1);
	assert_null(h);
	/* An aborted context frees everything (ASan's leak check watches). */
	h = hash_begin(HASH_SHA256);
	assert_non_null(h);
	assert_int_equal(hash_update(h, "x", 1), OK);
	hash_abort(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hash_sha256_matches_known_answers),
		cmocka_unit_test(hash_sm3_matches_known_answers),
		cmocka_unit_test(hash_streaming_equals_one_shot_at_every_split),
		cmocka_unit_test(hash_sha256_and_sm3_differ),
		cmocka_unit_test(hash_alg_names_round_trip),
		cmocka_unit_test(hash_rejects_unknown_alg),
		cmocka_unit_test(hash_begin_returns_null_when_memory_runs_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
