/*
 * http.h - the request as handlers see it, and the helpers they reply with.
 *
 * The server (server.c) builds a req per HTTP request with its own arena, reads and limits the body,
 * resolves the session, matches the route, asks authz_decide about the route's permission, and then
 * calls the route's handler. A handler reads params/query/json, calls domain functions, and either
 * sets a response (req_reply_*) and returns OK, or returns an error code with r->e filled; the server
 * renders every error in one JSON shape:
 *   {"error":{"code":"invalid","message":"...","field":"parties[0].id_number","request_id":"..."}}
 * Handlers hold no SQL and do no HTTP framing.
 */
#ifndef CB_HTTP_H
#define CB_HTTP_H

#include "core/err.h"
#include "core/mem.h"
#include "domain/principal.h"
#include "store/store.h"

#include <jansson.h>
#include <stdint.h>

struct MHD_Connection;
typedef struct route route;

#define REQ_MAX_PARAMS 4

typedef struct req {
	arena *a;
	struct MHD_Connection *conn;
	const char *method;
	const char *path; /* without the query string */
	const route *route;
	const char *params[REQ_MAX_PARAMS]; /* {name} segments of the route, in order */
	int n_params;
	char request_id[17];
	principal who_buf;
	const principal *who; /* NULL = anonymous */
	char token[72];       /* the presented session token, if any */
	int via_cookie;       /* the token came in the cookie (browser) */
	store *db;
	/* body */
	char *body;
	size_t body_len, body_cap;
	json_t *json; /* parsed body of a JSON route (borrowed by handlers) */
	/* streamed upload (file routes) */
	int upload_fd;
	char upload_path[512];
	void *upload_hash; /* hash_ctx */
	uint64_t upload_len;
	unsigned char upload_sha256[32];
	unsigned char upload_head[512]; /* first bytes, for type sniffing */
	size_t upload_head_len;
	/* response */
	int status;
	json_t *out;
	const char *out_raw;
	size_t out_raw_len;
	const char *out_type;
	const char *out_file; /* path of a file to stream */
	const char *out_disposition;
	const char *set_cookie;
	const char *cache_control;
	err e;
	/* bookkeeping */
	int64_t t_start_ns;
	int too_large, failed_early;
	int retry_after; /* seconds, sent as Retry-After with a 429 */
} req;

/* The query parameter name, or NULL. */
const char *req_query(req *r, const char *name);
/* A header, or NULL. */
const char *req_header(req *r, const char *name);
/* Parse a query integer in [min,max] with default; E_INVALID naming the parameter. */
int req_query_int(req *r, const char *name, int64_t def, int64_t min, int64_t max, int64_t *out);

/* Reply with a JSON value (stolen) and status. */
int req_reply_json(req *r, int status, json_t *body);
/* Reply with raw bytes (borrowed; must outlive the request, e.g. arena or static). */
int req_reply_raw(req *r, int status, const char *type, const char *data, size_t len);

#endif
