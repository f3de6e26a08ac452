/*
 * router.c - matching a method and path against the route table. See router.h.
 */
#include "api/router.h"

#include <string.h>

/* Match pattern against path segment by segment; captures {name} values into r (arena copies). */
static int match(const char *pattern, const char *path, req *r)
{
	int np = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p), sl = se ? (size_t)(se - s) : strlen(s);
		if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
			if (sl == 0 || np >= REQ_MAX_PARAMS)
				return 0;
			if (r) {
				char *v = arena_strndup(r->a, s, sl);
				if (!v)
					return 0;
				r->params[np] = v;
			}
			np++;
		} else if (pl != sl || memcmp(p, s, pl) != 0) {
			return 0;
		}
		p += pl;
		s += sl;
	}
	if (*p || *s)
		return 0;
	if (r)
		r->n_params = np;
	return 1;
}

const route *router_match(const char *method, const char *path, req *r, int *out_path_matched)
{
	*out_path_matched = 0;
	for (size_t i = 0; i < n_routes; i++) {
		if (!match(routes[i].pattern, path, NULL))
			continue;
		if (strcmp(routes[i].method, method) != 0) {
			*out_path_matched = 1;
			continue;
		}
		if (!match(routes[i].pattern, path, r))
			return NULL;
		return &routes[i];
	}
	return NULL;
}
