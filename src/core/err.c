/*
 * err.c - error codes, their names and their HTTP statuses. See err.h.
 */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int http;
} codes[E__COUNT] = {
	[OK] = { "ok", 200 },
	[E_NOMEM] = { "no_memory", 503 },
	[E_INVALID] = { "invalid", 400 },
	[E_NOTFOUND] = { "not_found", 404 },
	[E_CONFLICT] = { "conflict", 409 },
	[E_FORBIDDEN] = { "forbidden", 403 },
	[E_UNAUTHORIZED] = { "unauthorized", 401 },
	[E_LOCKED] = { "locked", 423 },
	[E_TOOLARGE] = { "too_large", 413 },
	[E_MEDIATYPE] = { "unsupported_media_type", 415 },
	[E_STORE] = { "store_error", 500 },
	[E_INTEGRITY] = { "integrity_error", 500 },
	[E_IO] = { "io_error", 500 },
	[E_BUSY] = { "busy", 503 },
	[E_INTERNAL] = { "internal", 500 },
	[E_METHOD] = { "method_not_allowed", 405 },
	[E_RATE] = { "rate_limited", 429 },
};

int err_set(err *e, int code, const char *field, const char *fmt, ...)
{
	if (!e)
		return code;
	e->code = code;
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return code;
}

void err_clear(err *e)
{
	if (!e)
		return;
	e->code = OK;
	e->field[0] = 0;
	e->message[0] = 0;
}

const char *err_code_name(int code)
{
	if (code < 0 || code >= E__COUNT)
		return "internal";
	return codes[code].name;
}

int err_http_status(int code)
{
	if (code < 0 || code >= E__COUNT)
		return 500;
	return codes[code].http;
}
