/*
 * dossier.h - the files of a matter. Uploads arrive streamed into a temporary file and hashed
 * (SHA-256) on the way in (api/server.c); dossier_add sniffs the type from the content (the original
 * name is metadata only), refuses types outside the allowed list, and stores the file once by its
 * hash under <data-dir>/files/ab/cd/<sha256> (temporary file, fsync, rename, fsync of the directory).
 * The registration event is what evidence verification proves (docs/log-format.md).
 */
#ifndef CB_DOSSIER_H
#define CB_DOSSIER_H

#include "core/err.h"
#include "domain/principal.h"
#include "core/mem.h"
#include "store/store.h"

#include <stdint.h>

typedef struct dossier_upload {
	const char *tmp_path;        /* the streamed temporary file (moved or removed here) */
	const unsigned char *sha256; /* 32 bytes */
	uint64_t size;
	const unsigned char *head; /* first bytes, for sniffing */
	size_t head_len;
	const char *name; /* original file name (metadata) */
} dossier_upload;

/* The MIME type sniffed from the first bytes, or NULL when the type is not allowed. */
const char *dossier_sniff(const unsigned char *head, size_t len);

/* Register an upload in a matter held by who's unit. *out_seq gets the registration event. */
int dossier_add(store *db, const principal *who, const char *data_dir, int64_t matter_id, const dossier_upload *up,
                int64_t *out_seq, err *e);

/* A file of a matter's dossier: its name and type (arena strings), or E_NOTFOUND. */
int dossier_find(store *db, int64_t matter_id, const char *sha256_hex, arena *a, const char **out_name,
                 const char **out_mime, err *e);

/* Path of a stored file into out. */
void dossier_path(const char *data_dir, const char *sha256_hex, char *out, size_t cap);

#endif
