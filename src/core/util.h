/*
 * util.h - small shared helpers: UTC time stamps, secure random, strict number parsing, and the
 * bounded string copy that replaces strcpy.
 */
#ifndef CB_UTIL_H
#define CB_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* "2026-11-22T04:30:00.123Z" (UTC, millisecond precision) into out (at least 25 bytes). */
void util_now_iso(char *out, size_t out_len);
/* The same format for a given time. */
void util_time_iso(struct timespec ts, char *out, size_t out_len);
/* Seconds since the epoch (UTC, wall clock); tests may shift it with util_clock_offset. */
int64_t util_now_sec(void);
/* Tests move the server's clock forward (sessions, deadlines) without sleeping. */
void util_clock_offset(int64_t seconds);
/* Parse our ISO form (also without millis) into epoch seconds; -1 on error. */
int64_t util_iso_to_sec(const char *s);
/* Today's date in Asia/Shanghai (UTC+8, no DST) as "YYYY-MM-DD". */
void util_today_cn(char out[11]);

/* Cryptographically secure random bytes: OK or E_INTERNAL. */
int util_random(void *buf, size_t n);
/* n random bytes as 2n lowercase hex chars plus NUL into out (cap >= 2n+1). */
int util_random_hex(char *out, size_t n);

/* Parse a whole decimal integer in [min,max]: OK or E_INVALID (no trailing junk, no overflow). */
int util_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Copy with truncation, always NUL-terminated; returns strlen(src). */
size_t util_strlcpy(char *dst, const char *src, size_t cap);

/* 1 if s is valid UTF-8 (no overlongs, no surrogates), else 0. */
int util_utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8. */
size_t util_utf8_len(const char *s);

#endif
