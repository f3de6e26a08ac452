/*
 * err.h - the one error enum and the caller-owned error record of CaseBridge.
 *
 * Every fallible function returns an int that is OK (0) or one of the E_* codes, and, when the caller
 * passes one, fills a struct err with the offending field and a human message. The record lives in
 * the caller's memory and filling it never allocates, so it works even after E_NOMEM. The API layer
 * maps codes to HTTP statuses in exactly one place (err_http_status).
 */
#ifndef CB_ERR_H
#define CB_ERR_H

#include <stddef.h>

enum {
	OK = 0,
	E_NOMEM,        /* allocation failed */
	E_INVALID,      /* input breaks a rule; field names it */
	E_NOTFOUND,     /* no such object (or not visible to the caller) */
	E_CONFLICT,     /* state does not allow this step now, or a concurrent change won */
	E_FORBIDDEN,    /* authenticated but not allowed */
	E_UNAUTHORIZED, /* no valid session */
	E_LOCKED,       /* account locked after failures */
	E_TOOLARGE,     /* body or file over its cap */
	E_MEDIATYPE,    /* wrong content type */
	E_STORE,        /* the database failed */
	E_INTEGRITY,    /* stored data contradicts itself (log, ledger) */
	E_IO,           /* file system failed */
	E_BUSY,         /* try again later */
	E_INTERNAL,     /* a bug: an invariant did not hold */
	E_METHOD,       /* the path exists, but not with this HTTP method */
	E_RATE,         /* too many requests from this client; retry later */
	E__COUNT
};

#define ERR_FIELD_MAX 96
#define ERR_MESSAGE_MAX 320

typedef struct err {
	int code;
	char field[ERR_FIELD_MAX];     /* JSON path of the offending input, "" if none */
	char message[ERR_MESSAGE_MAX]; /* zh-CN or English sentence for the user */
} err;

/* Fill *e (if non-NULL) and return code. field may be NULL. Never allocates. */
int err_set(err *e, int code, const char *field, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Reset *e to OK with empty strings. */
void err_clear(err *e);

/* Stable lower-case name used in JSON ("invalid", "not_found", ...). */
const char *err_code_name(int code);

/* The HTTP status for a code: the only place that mapping lives. */
int err_http_status(int code);

#endif
