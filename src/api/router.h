/*
 * router.h - the route table and matching. One table (routes.c) drives the router, the OpenAPI check
 * (`casebridge routes` prints it; tests compare it with docs/openapi.yaml) and the authorization test
 * matrix. A pattern is a path whose segments are literal or {name}; a {name} matches one segment.
 */
#ifndef CB_ROUTER_H
#define CB_ROUTER_H

#include "api/http.h"

#include <stddef.h>

enum body_kind { BODY_NONE = 0, BODY_JSON, BODY_FILE };

typedef int (*route_handler)(req *r);

struct route {
	const char *method;
	const char *pattern;
	route_handler handler;
	int perm; /* enum perm */
	int body; /* enum body_kind */
	const char *summary;
};

extern const route routes[];
extern const size_t n_routes;

/* Find the route for method and path; fills r->params. Returns the route, or NULL with
 * *out_path_matched = 1 when the path exists under another method (405). */
const route *router_match(const char *method, const char *path, req *r, int *out_path_matched);

#endif
