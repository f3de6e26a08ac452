/*
 * codec.h - hex and base64 text encodings of byte strings.
 *
 * Hashes, key ids and signatures travel as text: lowercase hex in URLs, JSON fields and log lines,
 * standard base64 (RFC 4648 section 4, with padding) where size matters, such as signatures in signed
 * tree heads. These functions never allocate: the caller passes the output buffer and its capacity, so
 * they are usable from any layer, including the offline verifier. Decoders are strict: anything that
 * is not the canonical encoding of some byte string is E_INVALID, so one value has one spelling.
 */
#ifndef CB_CODEC_H
#define CB_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* Characters codec_hex_encode writes for n bytes, not counting the terminating NUL. */
#define CODEC_HEX_LEN(n) ((n)*2)
/* Characters codec_base64_encode writes for n bytes, not counting the terminating NUL. */
#define CODEC_BASE64_LEN(n) ((((n) + 2) / 3) * 4)
/* Upper bound on the bytes codec_base64_decode produces from n characters. */
#define CODEC_BASE64_DECODED_MAX(n) (((n) / 4) * 3)

/*
 * Write the lowercase hex of data[0..len) to out and NUL-terminate it. out must hold
 * CODEC_HEX_LEN(len) + 1 characters. Cannot fail.
 */
void codec_hex_encode(const uint8_t *data, size_t len, char *out);

/*
 * Decode the NUL-terminated hex string hex (either case) into out, which holds out_cap bytes, and set
 * *out_len to the number of bytes written. Returns OK, or E_INVALID if hex has an odd length, a
 * character that is not a hex digit, or decodes to more than out_cap bytes (then out is unspecified).
 */
int codec_hex_decode(const char *hex, uint8_t *out, size_t out_cap, size_t *out_len);

/*
 * Write the standard base64 of data[0..len) (alphabet A-Z a-z 0-9 + /, '=' padding) to out, which holds
 * out_cap characters, NUL-terminate it and set *out_len (if non-NULL) to its length without the NUL.
 * Returns OK, or E_INVALID if out_cap < CODEC_BASE64_LEN(len) + 1.
 */
int codec_base64_encode(const uint8_t *data, size_t len, char *out, size_t out_cap, size_t *out_len);

/*
 * Decode text[0..text_len) from standard padded base64 into out (out_cap bytes) and set *out_len.
 * Returns OK, or E_INVALID when the text is not canonical base64: a length that is not a multiple of 4,
 * a character outside the alphabet (whitespace included), misplaced or excess '=', non-zero unused
 * bits in the last group, or more than out_cap bytes of output.
 */
int codec_base64_decode(const char *text, size_t text_len, uint8_t *out, size_t out_cap, size_t *out_len);

#endif
