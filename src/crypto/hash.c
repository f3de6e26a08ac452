/*
 * hash.c - SHA-256 and SM3 over OpenSSL EVP. See hash.h.
 *
 * The EVP_MD objects are fetched once per process (call_once) rather than looked up on every call: the
 * Merkle code hashes 65-byte nodes in tight loops, and OpenSSL 3's implicit fetch behind EVP_sha256()
 * costs more than the hash itself at that size.
 */
#include "crypto/hash.h"

#include "core/err.h"
#include "core/mem.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <string.h>
#include <threads.h>

struct hash_ctx {
	EVP_MD_CTX *md_ctx;
};

static once_flag fetch_once = ONCE_FLAG_INIT;
static EVP_MD *md_sha256;
static EVP_MD *md_sm3;

static void fetch_mds(void)
{
	md_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	md_sm3 = EVP_MD_fetch(NULL, "SM3", NULL);
	ERR_clear_error();
}

/* The EVP_MD for alg, or NULL (unknown alg, or the provider lacks it). */
static const EVP_MD *md_for(int alg)
{
	call_once(&fetch_once, fetch_mds);
	switch (alg) {
	case HASH_SHA256:
		return md_sha256;
	case HASH_SM3:
		return md_sm3;
	default:
		return NULL;
	}
}

int hash_alg_parse(const char *name, int *out_alg)
{
	int rc = OK;
	if (name && strcmp(name, "sha256") == 0)
		*out_alg = HASH_SHA256;
	else if (name && strcmp(name, "sm3") == 0)
		*out_alg = HASH_SM3;
	else
		rc = E_INVALID;
	return rc;
}

const char *hash_alg_name(int alg)
{
	switch (alg) {
	case HASH_SHA256:
		return "sha256";
	case HASH_SM3:
		return "sm3";
	default:
		return NULL;
	}
}

int hash_digest(int alg, const void *data, size_t len, uint8_t out[HASH_LEN])
{
	int rc = OK;
	const EVP_MD *md = md_for(alg);
	unsigned int n = 0;
	if (!md) {
		rc = alg == HASH_SHA256 || alg == HASH_SM3 ? E_INTERNAL : E_INVALID;
		goto done;
	}
	if (EVP_Digest(data, len, out, &n, md, NULL) != 1 || n != HASH_LEN) {
		ERR_clear_error();
		rc = E_INTERNAL;
		goto done;
	}
done:
	return rc;
}

hash_ctx *hash_begin(int alg)
{
	hash_ctx *ctx = NULL;
	const EVP_MD *md = md_for(alg);
	if (!md)
		goto done;
	ctx = mem_alloc(sizeof *ctx);
	if (!ctx)
		goto done;
	ctx->md_ctx = EVP_MD_CTX_new();
	if (!ctx->md_ctx || EVP_DigestInit_ex(ctx->md_ctx, md, NULL) != 1) {
		ERR_clear_error();
		hash_abort(ctx);
		ctx = NULL;
		goto done;
	}
done:
	return ctx;
}

int hash_update(hash_ctx *ctx, const void *data, size_t len)
{
	int rc = OK;
	if (EVP_DigestUpdate(ctx->md_ctx, data, len) != 1) {
		ERR_clear_error();
		rc = E_INTERNAL;
	}
	return rc;
}

int hash_end(hash_ctx *ctx, uint8_t out[HASH_LEN])
{
	int rc = OK;
	unsigned int n = 0;
	if (EVP_DigestFinal_ex(ctx->md_ctx, out, &n) != 1 || n != HASH_LEN) {
		ERR_clear_error();
		rc = E_INTERNAL;
	}
	hash_abort(ctx);
	return rc;
}

void hash_abort(hash_ctx *ctx)
{
	if (!ctx)
		return;
	EVP_MD_CTX_free(ctx->md_ctx);
	mem_free(ctx);
}
