/*
 * hash.h - the two hash functions of the transparency log: SHA-256 and SM3 (GB/T 32905-2016).
 *
 * Both give 32-byte digests, so the Merkle tree, signed tree heads and the storage schema need not care
 * which one a deployment chose; the choice is recorded by name ("sha256", "sm3") next to every tree.
 * Implemented with OpenSSL's EVP interface. One-shot hashing never allocates through mem.h; streaming
 * contexts do, so allocation failure there is E_NOMEM (or NULL from hash_begin).
 */
#ifndef CB_HASH_H
#define CB_HASH_H

#include <stddef.h>
#include <stdint.h>

enum { HASH_SHA256 = 1, HASH_SM3 = 2 };

#define HASH_LEN 32

typedef struct hash_ctx hash_ctx;

/* Set *out_alg to the algorithm named name ("sha256" or "sm3", exact lowercase). OK or E_INVALID. */
int hash_alg_parse(const char *name, int *out_alg);

/* The stable lowercase name of alg ("sha256", "sm3"), or NULL if alg is not a HASH_* value. */
const char *hash_alg_name(int alg);

/*
 * Hash data[0..len) with alg into out. Returns OK, E_INVALID for an unknown alg, or E_INTERNAL if
 * OpenSSL fails.
 */
int hash_digest(int alg, const void *data, size_t len, uint8_t out[HASH_LEN]);

/*
 * Start a streaming hash. Returns a heap context that the caller ends with hash_end or hash_abort, or
 * NULL if alg is unknown or memory ran out.
 */
hash_ctx *hash_begin(int alg);

/* Feed data[0..len) into ctx. Returns OK or E_INTERNAL; ctx stays owned by the caller either way. */
int hash_update(hash_ctx *ctx, const void *data, size_t len);

/*
 * Write the digest of everything fed to ctx into out and free ctx (also on failure). Returns OK or
 * E_INTERNAL.
 */
int hash_end(hash_ctx *ctx, uint8_t out[HASH_LEN]);

/* Free ctx without producing a digest. NULL is a no-op. */
void hash_abort(hash_ctx *ctx);

#endif
