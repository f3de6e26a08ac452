/*
 * codec.c - hex and base64 encoders and strict decoders. See codec.h.
 *
 * Decoding is table-free and branch-light but not constant-time: these encode public values (hashes,
 * public keys, signatures), never secrets.
 */
#include "core/codec.h"

#include "core/err.h"

static const char hex_digits[] = "0123456789abcdef";
static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void codec_hex_encode(const uint8_t *data, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex_digits[data[i] >> 4];
		out[2 * i + 1] = hex_digits[data[i] & 0x0f];
	}
	out[2 * len] = 0;
}

/* The value of hex digit c, or -1. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int codec_hex_decode(const char *hex, uint8_t *out, size_t out_cap, size_t *out_len)
{
	int rc = OK;
	size_t n = 0;
	while (hex[2 * n] && hex[2 * n + 1]) {
		int hi = hex_value(hex[2 * n]);
		int lo = hex_value(hex[2 * n + 1]);
		if (hi < 0 || lo < 0 || n >= out_cap) {
			rc = E_INVALID;
			goto done;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
	}
	if (hex[2 * n]) { /* odd length */
		rc = E_INVALID;
		goto done;
	}
done:
	*out_len = rc == OK ? n : 0;
	return rc;
}

int codec_base64_encode(const uint8_t *data, size_t len, char *out, size_t out_cap, size_t *out_len)
{
	int rc = OK;
	size_t o = 0;
	if (len > (SIZE_MAX - 3) / 4 * 3 || out_cap < CODEC_BASE64_LEN(len) + 1) {
		rc = E_INVALID;
		goto done;
	}
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[(v >> 6) & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)data[i] << 16;
		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = 0;
done:
	if (out_len)
		*out_len = rc == OK ? o : 0;
	return rc;
}

/* The 6-bit value of base64 character c, or -1 (padding included). */
static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int codec_base64_decode(const char *text, size_t text_len, uint8_t *out, size_t out_cap, size_t *out_len)
{
	int rc = OK;
	size_t o = 0;
	if (text_len % 4 != 0) {
		rc = E_INVALID;
		goto done;
	}
	for (size_t i = 0; i < text_len; i += 4) {
		const int last = i + 4 == text_len;
		/* '=' may only end the last group: "xx==" or "xxx=". */
		int pad = 0;
		if (last && text[i + 3] == '=')
			pad = text[i + 2] == '=' ? 2 : 1;
		int v[4];
		for (int k = 0; k < 4 - pad; k++) {
			v[k] = b64_value(text[i + k]);
			if (v[k] < 0) {
				rc = E_INVALID;
				goto done;
			}
		}
		size_t n_bytes = (size_t)(3 - pad);
		if (out_cap - o < n_bytes) {
			rc = E_INVALID;
			goto done;
		}
		if (pad == 0) {
			uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
			out[o++] = (uint8_t)(w >> 16);
			out[o++] = (uint8_t)(w >> 8);
			out[o++] = (uint8_t)w;
		} else if (pad == 1) {
			if (v[2] & 3) { /* bits that encode nothing must be zero */
				rc = E_INVALID;
				goto done;
			}
			uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6;
			out[o++] = (uint8_t)(w >> 16);
			out[o++] = (uint8_t)(w >> 8);
		} else {
			if (v[1] & 15) {
				rc = E_INVALID;
				goto done;
			}
			uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12;
			out[o++] = (uint8_t)(w >> 16);
		}
	}
done:
	*out_len = rc == OK ? o : 0;
	return rc;
}
