/*
 * fuzz_router.c - libFuzzer driver for route matching: any method and path (raw from the request
 * line) is matched or not, parameters captured within bounds.
 */
#include "api/router.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *methods[] = { "GET", "POST", "DELETE", "PUT" };
	if (size < 1)
		return 0;
	char *path = malloc(size);
	if (!path)
		return 0;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = 0;
	req r;
	memset(&r, 0, sizeof r);
	r.a = arena_new();
	if (r.a) {
		int matched = 0;
		const route *rt = router_match(methods[data[0] % 4], path, &r, &matched);
		if (rt && r.n_params > REQ_MAX_PARAMS)
			abort();
		arena_free(r.a);
	}
	free(path);
	return 0;
}
