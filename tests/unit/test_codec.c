/*
 * test_codec.c - hex and base64: RFC 4648 section 10 vectors, round trips of every length, and the
 * strict decoders refusing everything that is not the one canonical spelling of a byte string.
 */
#include "testutil.h"

#include "core/codec.h"
#include "core/err.h"

static void hex_encode_writes_lowercase_and_nul(void **state)
{
	(void)state;
	const uint8_t data[] = { 0x00, 0x01, 0xab, 0xcd, 0xef, 0xff };
	char out[CODEC_HEX_LEN(sizeof data) + 1];
	memset(out, 'x', sizeof out);
	codec_hex_encode(data, sizeof data, out);
	assert_string_equal(out, "0001abcdefff");
	codec_hex_encode(data, 0, out);
	assert_string_equal(out, "");
}

static void hex_decode_accepts_either_case(void **state)
{
	(void)state;
	uint8_t out[8];
	size_t n = 99;
	assert_int_equal(codec_hex_decode("00aBcDeF", out, sizeof out, &n), OK);
	assert_int_equal(n, 4);
	const uint8_t want[] = { 0x00, 0xab, 0xcd, 0xef };
	assert_memory_equal(out, want, sizeof want);
	assert_int_equal(codec_hex_decode("", out, sizeof out, &n), OK);
	assert_int_equal(n, 0);
}

static void hex_decode_rejects_bad_input(void **state)
{
	(void)state;
	/* Numbered rows: a failure names its row. */
	static const char *const bad[] = {
		"0",                  /* 0: odd length */
		"abc",                /* 1: odd length */
		"0g",                 /* 2: not a hex digit */
		" 00",                /* 3: whitespace */
		"00 ",                /* 4: trailing whitespace */
		"0x00",               /* 5: prefix */
		"000000000000000000", /* 6: 9 bytes into an 8-byte buffer */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t out[8];
		size_t n = 99;
		if (codec_hex_decode(bad[i], out, sizeof out, &n) != E_INVALID)
			fail_msg("row %zu (\"%s\") was accepted", i, bad[i]);
		assert_int_equal(n, 0);
	}
}

static void hex_round_trips_every_byte(void **state)
{
	(void)state;
	uint8_t data[256], back[256];
	char text[CODEC_HEX_LEN(256) + 1];
	for (int i = 0; i < 256; i++)
		data[i] = (uint8_t)i;
	codec_hex_encode(data, sizeof data, text);
	size_t n = 0;
	assert_int_equal(codec_hex_decode(text, back, sizeof back, &n), OK);
	assert_int_equal(n, sizeof data);
	assert_memory_equal(back, data, sizeof data);
}

/* RFC 4648 section 10. */
static const struct {
	const char *plain, *b64;
} b64_vectors[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

static void base64_matches_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof b64_vectors / sizeof b64_vectors[0]; i++) {
		const char *p = b64_vectors[i].plain;
		char text[16];
		size_t n = 99;
		assert_int_equal(codec_base64_encode((const uint8_t *)p, strlen(p), text, sizeof text, &n), OK);
		assert_string_equal(text, b64_vectors[i].b64);
		assert_int_equal(n, strlen(b64_vectors[i].b64));
		assert_int_equal(n, CODEC_BASE64_LEN(strlen(p)));
		uint8_t back[16];
		assert_int_equal(codec_base64_decode(text, n, back, sizeof back, &n), OK);
		assert_int_equal(n, strlen(p));
		assert_memory_equal(back, p, n);
	}
}

static void base64_round_trips_every_length(void **state)
{
	(void)state;
	uint8_t data[200], back[200];
	char text[CODEC_BASE64_LEN(200) + 1];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 151 + 7);
	for (size_t len = 0; len <= sizeof data; len++) {
		size_t n = 0, m = 0;
		assert_int_equal(codec_base64_encode(data, len, text, CODEC_BASE64_LEN(len) + 1, &n), OK);
		assert_int_equal(n, CODEC_BASE64_LEN(len));
		assert_true(CODEC_BASE64_DECODED_MAX(n) >= len);
		assert_int_equal(codec_base64_decode(text, n, back, len, &m), OK);
		assert_int_equal(m, len);
		assert_memory_equal(back, data, len);
	}
}

static void base64_decode_rejects_garbage(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"Zg",       /* 0: unpadded */
		"Zg=",      /* 1: short padding */
		"Z===",     /* 2: three pads */
		"====",     /* 3: only padding */
		"Zg==Zg==", /* 4: padding in the middle */
		"=Zg=",     /* 5: padding first */
		"Zg=a",     /* 6: data after padding */
		"Zh==",     /* 7: non-zero unused bits */
		"Zm9=",     /* 8: non-zero unused bits */
		" Zg=",     /* 9: whitespace */
		"Zm9v\n",   /* 10: newline */
		"Zm9v====", /* 11: a group of padding */
		"Z!==",     /* 12: outside the alphabet */
		"Zm-v",     /* 13: URL-safe alphabet */
		"Zm_v",     /* 14: URL-safe alphabet */
		"Zm9vYmFy", /* 15: 6 bytes into a 5-byte buffer */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t out[5];
		size_t n = 99;
		if (codec_base64_decode(bad[i], strlen(bad[i]), out, sizeof out, &n) != E_INVALID)
			fail_msg("row %zu (\"%s\") was accepted", i, bad[i]);
		assert_int_equal(n, 0);
	}
	/* A NUL inside the stated length is garbage too. */
	uint8_t out[8];
	size_t n = 0;
	assert_int_equal(codec_base64_decode("Zm\0v", 4, out, sizeof out, &n), E_INVALID);
}

static void base64_encode_refuses_small_buffer(void **state)
{
	(void)state;
	char text[8];
	size_t n = 99;
	/* "foobar" needs 8 characters and the NUL. */
	assert_int_equal(codec_base64_encode((const uint8_t *)"foobar", 6, text, sizeof text, &n), E_INVALID);
	assert_int_equal(n, 0);
	char text9[9];
	assert_int_equal(codec_base64_encode((const uint8_t *)"foobar", 6, text9, sizeof text9, NULL), OK);
	assert_string_equal(text9, "Zm9vYmFy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hex_encode_writes_lowercase_and_nul),
		cmocka_unit_test(hex_decode_accepts_either_case),
		cmocka_unit_test(hex_decode_rejects_bad_input),
		cmocka_unit_test(hex_round_trips_every_byte),
		cmocka_unit_test(base64_matches_rfc4648_vectors),
		cmocka_unit_test(base64_round_trips_every_length),
		cmocka_unit_test(base64_decode_rejects_garbage),
		cmocka_unit_test(base64_encode_refuses_small_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
