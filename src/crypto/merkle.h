/*
 * merkle.h - the RFC 9162 (Certificate Transparency v2) Merkle tree of the audit log, over any storage.
 *
 * The tree hashes leaves as H(0x00 || entry) and interior nodes as H(0x01 || left || right); the root of
 * the empty tree is H(""). H is SHA-256 or SM3 (crypto/hash.h), chosen per tree.
 *
 * Storage holds only complete subtrees: node (level L, index i) is the hash of the 2^L leaves
 * [i * 2^L, (i + 1) * 2^L), and it exists once all of them have been appended; level 0 holds the leaf
 * hashes. Nodes never change after they are written, so a table keyed by (level, index) is append-only.
 * Everything else (the root of any size, any subtree the RFC's recursion needs, every proof) is composed
 * from O(log n) stored nodes. This module reaches storage only through the two callbacks below, so the
 * same code runs over SQL (store module), over memory (merkle_mem, for tests and the offline verifier)
 * and over a file.
 *
 * Proofs are arrays of MERKLE_HASH_LEN-byte hashes in exactly the order RFC 9162 sections 2.1.3.1 (PATH)
 * and 2.1.4.1 (SUBPROOF) define; the verifiers implement sections 2.1.3.2 and 2.1.4.2 step by step and
 * need no storage. docs/log-format.md describes the bytes for third parties.
 */
#ifndef CB_MERKLE_H
#define CB_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_LEN 32
/*
 * A tree holds at most 2^63 leaves, so that every proof fits in MERKLE_MAX_PROOF nodes: an inclusion
 * proof has at most ceil(log2 n) nodes and a consistency proof at most ceil(log2 n) + 1 (m = 3, n = 4
 * already needs 3), which is 65 for n just above 2^63. Sizes beyond it are E_INVALID everywhere.
 */
#define MERKLE_MAX_SIZE ((uint64_t)1 << 63)
#define MERKLE_MAX_PROOF 64

/*
 * Read node (level, index) into out. Return OK, E_NOTFOUND if storage lacks it (the tree is then
 * inconsistent with the size the caller claimed), or any other E_* code, which is passed through.
 */
typedef int (*merkle_get_fn)(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH_LEN]);
/* Store node (level, index). Return OK or any E_* code, which is passed through. */
typedef int (*merkle_put_fn)(void *ctx, unsigned level, uint64_t index, const uint8_t h[MERKLE_HASH_LEN]);

/* out = H(0x00 || entry[0..len)). OK, E_INVALID (unknown alg) or E_INTERNAL. */
int merkle_leaf_hash(int alg, const void *entry, size_t len, uint8_t out[MERKLE_HASH_LEN]);

/* out = H(0x01 || left || right). out may alias left or right. OK, E_INVALID or E_INTERNAL. */
int merkle_node_hash(int alg, const uint8_t left[MERKLE_HASH_LEN], const uint8_t right[MERKLE_HASH_LEN],
                     uint8_t out[MERKLE_HASH_LEN]);

/*
 * Append the leaf with hash leaf_hash to a tree of size_before leaves: put (0, size_before), then every
 * parent this leaf completes, bottom up. That is one put plus, per trailing 1 bit of size_before, one
 * get and one put. A failure may leave some of the puts done; they are all deterministic, so the caller
 * rolls back its transaction or simply appends again. Returns OK, E_INVALID (size_before is
 * MERKLE_MAX_SIZE already, unknown alg), or what get/put or hashing returned.
 */
int merkle_append(int alg, uint64_t size_before, const uint8_t leaf_hash[MERKLE_HASH_LEN], merkle_get_fn get,
                  merkle_put_fn put, void *ctx);

/*
 * out = the root (MTH) of the first size leaves; H("") for size 0. One get per 1 bit of size.
 * Returns OK, E_INVALID (unknown alg, size > MERKLE_MAX_SIZE), or what get or hashing returned.
 */
int merkle_root(int alg, uint64_t size, merkle_get_fn get, void *ctx, uint8_t out[MERKLE_HASH_LEN]);

/*
 * out = MTH of the leaves [begin, end), composed from the stored complete subtrees it splits into (one
 * get per 1 bit of end - begin). The range must be one the RFC's recursion produces: begin a multiple
 * of the smallest power of two >= end - begin (every range in PATH and SUBPROOF is). An empty range
 * gives H(""). Returns OK, E_INVALID (end < begin, end > MERKLE_MAX_SIZE, unaligned begin, unknown
 * alg), or what get or hashing returned.
 */
int merkle_subtree_hash(int alg, uint64_t begin, uint64_t end, merkle_get_fn get, void *ctx,
                        uint8_t out[MERKLE_HASH_LEN]);

/*
 * Write the inclusion proof PATH(index, D[size]) of RFC 9162 section 2.1.3.1 to out_path[0..*out_n), leaf
 * side first. At most 2 * ceil(log2 size) gets. Returns OK, E_INVALID (index >= size, size >
 * MERKLE_MAX_SIZE, unknown alg, or cap smaller than the proof; MERKLE_MAX_PROOF always suffices), or
 * what get or hashing returned.
 */
int merkle_prove_inclusion(int alg, uint64_t index, uint64_t size, merkle_get_fn get, void *ctx,
                           uint8_t (*out_path)[MERKLE_HASH_LEN], size_t cap, size_t *out_n);

/*
 * Write the consistency proof PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 section 2.1.4.1 to
 * out_path[0..*out_n). For m == n and for m == 0 the proof is empty (there is nothing to prove). At most
 * 2 * ceil(log2 n) gets. Returns OK, E_INVALID (m > n, n > MERKLE_MAX_SIZE, unknown alg, cap too small;
 * MERKLE_MAX_PROOF always suffices), or what get or hashing returned.
 */
int merkle_prove_consistency(int alg, uint64_t m, uint64_t n, merkle_get_fn get, void *ctx,
                             uint8_t (*out_path)[MERKLE_HASH_LEN], size_t cap, size_t *out_n);

/*
 * Check that leaf_hash is leaf index of the tree of size leaves whose root is root, given the inclusion
 * proof path[0..n_path), by the algorithm of RFC 9162 section 2.1.3.2. Returns OK, E_INTEGRITY if the
 * proof does not prove it, E_INVALID if index >= size, size > MERKLE_MAX_SIZE, n_path >
 * MERKLE_MAX_PROOF, path is NULL with n_path > 0, or alg is unknown, E_INTERNAL if hashing fails.
 */
int merkle_verify_inclusion(int alg, uint64_t index, uint64_t size, const uint8_t leaf_hash[MERKLE_HASH_LEN],
                            const uint8_t (*path)[MERKLE_HASH_LEN], size_t n_path, const uint8_t root[MERKLE_HASH_LEN]);

/*
 * Check that the tree of m leaves with root root_m is a prefix of the tree of n leaves with root root_n,
 * given the consistency proof proof[0..n_proof), by the algorithm of RFC 9162 section 2.1.4.2. For
 * m == n the proof must be empty and the roots equal; for m == 0 the proof must be empty and root_m must
 * be H(""). Returns OK, E_INTEGRITY if the proof does not prove it, E_INVALID if m > n,
 * n > MERKLE_MAX_SIZE, n_proof > MERKLE_MAX_PROOF, proof is NULL with n_proof > 0, or alg is unknown,
 * E_INTERNAL if hashing fails.
 */
int merkle_verify_consistency(int alg, uint64_t m, uint64_t n, const uint8_t root_m[MERKLE_HASH_LEN],
                              const uint8_t root_n[MERKLE_HASH_LEN], const uint8_t (*proof)[MERKLE_HASH_LEN],
                              size_t n_proof);

/*
 * merkle_mem: node storage in memory, one growable array per level. For tests and for the offline
 * verifier, which rebuilds a tree from an exported log. Not thread-safe.
 */
typedef struct merkle_mem merkle_mem;

/* A new empty store (heap; merkle_mem_free it), or NULL if memory ran out. */
merkle_mem *merkle_mem_new(void);

/* Free m and its nodes. NULL is a no-op. */
void merkle_mem_free(merkle_mem *m);

/* A merkle_get_fn over a merkle_mem passed as ctx. E_NOTFOUND for a node never put. */
int merkle_mem_get(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH_LEN]);

/*
 * A merkle_put_fn over a merkle_mem passed as ctx. Nodes of a level must be put in index order (each
 * index at most one past the last); putting an existing node again overwrites it. Returns OK, E_NOMEM,
 * or E_INVALID for a gap or a level >= 64.
 */
int merkle_mem_put(void *ctx, unsigned level, uint64_t index, const uint8_t h[MERKLE_HASH_LEN]);

#endif
