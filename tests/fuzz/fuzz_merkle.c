/*
 * fuzz_merkle.c - libFuzzer driver for the proof verifiers, which read proofs from outside (monitors,
 * the evidence check): any index, size, root and path must be verified or refused, never crash, and a
 * proof the prover built for a random tree must verify.
 */
#include "core/err.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 16 + 32 + 32)
		return 0;
	uint64_t a = 0, b = 0;
	memcpy(&a, data, 8);
	memcpy(&b, data + 8, 8);
	const uint8_t *leaf = data + 16, *root = data + 48;
	size_t n_path = (size - 80) / 32;
	if (n_path > 64)
		n_path = 64;
	const uint8_t(*path)[32] = (const uint8_t(*)[32])(data + 80);
	merkle_verify_inclusion(HASH_SHA256, a, b, leaf, path, n_path, root);
	merkle_verify_consistency(HASH_SHA256, a, b, leaf, root, path, n_path);
	/* a small honest tree: its proofs verify */
	merkle_mem *m = merkle_mem_new();
	if (!m)
		return 0;
	uint64_t n = 1 + (a % 64), k = b % n;
	uint8_t lh[32], r[32], p[64][32];
	size_t np;
	for (uint64_t i = 0; i < n; i++) {
		uint8_t e = (uint8_t)(i * 31 + data[16]);
		merkle_leaf_hash(HASH_SHA256, &e, 1, lh);
		merkle_append(HASH_SHA256, i, lh, merkle_mem_get, merkle_mem_put, m);
	}
	uint8_t e = (uint8_t)(k * 31 + data[16]);
	merkle_leaf_hash(HASH_SHA256, &e, 1, lh);
	if (merkle_root(HASH_SHA256, n, merkle_mem_get, m, r) == OK &&
	    merkle_prove_inclusion(HASH_SHA256, k, n, merkle_mem_get, m, p, 64, &np) == OK &&
	    merkle_verify_inclusion(HASH_SHA256, k, n, lh, (const uint8_t(*)[32])p, np, r) != OK)
		__builtin_trap();
	merkle_mem_free(m);
	return 0;
}
