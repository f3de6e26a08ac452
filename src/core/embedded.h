/*
 * embedded.h - files compiled into the binary by scripts/embed.sh: schema migrations
 * (the .sql files under src/store/migrations/), docs/openapi.yaml and the domain data under data/.
 */
#ifndef CB_EMBEDDED_H
#define CB_EMBEDDED_H

#include <stddef.h>

typedef struct embedded_file {
	const char *path; /* as given to the build, e.g. "data/holidays_cn.csv" */
	const char *data; /* NUL-terminated */
	size_t len;
} embedded_file;

extern const embedded_file embedded_files[]; /* ends with a {NULL} row */

/* The embedded file at path, or NULL. */
const embedded_file *embedded_find(const char *path);

#endif
