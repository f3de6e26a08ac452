/*
 * merkle.c - RFC 9162 Merkle tree over complete-subtree storage. See merkle.h.
 *
 * The one idea everything here rests on: every range the RFC's recursion (MTH, PATH, SUBPROOF) ever
 * hashes is [b, b + m) with b a multiple of the smallest power of two >= m. Such a range splits into
 * one complete, aligned subtree per 1 bit of m, largest first, and its MTH is those subtree hashes
 * folded from the right: MTH = H(1 || S1 || H(1 || S2 || ... Sk)). So any MTH the proofs need costs
 * popcount(m) storage reads, and only nodes that never change are ever stored.
 *
 * Proofs are built by walking the RFC's recursion top-down without recursion, collecting the range of
 * each step's sibling (the RFC lists them innermost first, so they are hashed in reverse). Only the
 * first step that goes left can have an incomplete sibling (the right edge); after it every range is a
 * complete subtree, which bounds the reads of a proof by 2 * ceil(log2 n).
 */
#include "crypto/merkle.h"

#include "core/err.h"
#include "core/mem.h"
#include "crypto/hash.h"

#include <string.h>

#define N_LEVELS 64

int merkle_leaf_hash(int alg, const void *entry, size_t len, uint8_t out[MERKLE_HASH_LEN])
{
	int rc = OK;
	static const uint8_t prefix = 0x00;
	hash_ctx *h = NULL;
	if (!hash_alg_name(alg)) {
		rc = E_INVALID;
		goto done;
	}
	h = hash_begin(alg);
	if (!h) {
		rc = E_NOMEM;
		goto done;
	}
	rc = hash_update(h, &prefix, 1);
	if (rc == OK)
		rc = hash_update(h, entry, len);
	if (rc != OK)
		goto done;
	rc = hash_end(h, out);
	h = NULL;
done:
	hash_abort(h);
	return rc;
}

int merkle_node_hash(int alg, const uint8_t left[MERKLE_HASH_LEN], const uint8_t right[MERKLE_HASH_LEN],
                     uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t buf[1 + 2 * MERKLE_HASH_LEN];
	buf[0] = 0x01;
	memcpy(buf + 1, left, MERKLE_HASH_LEN);
	memcpy(buf + 1 + MERKLE_HASH_LEN, right, MERKLE_HASH_LEN);
	return hash_digest(alg, buf, sizeof buf, out);
}

/* The largest power of two strictly less than n (the RFC's k), for n >= 2. */
static uint64_t split_point(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/* Whether [begin, begin + m) is a range the RFC recursion can produce (see the file comment); m <= 2^63. */
static int range_aligned(uint64_t begin, uint64_t m)
{
	if (m <= 1)
		return 1;
	uint64_t p = (uint64_t)1 << (64 - __builtin_clzll(m - 1)); /* smallest power of two >= m */
	return (begin & (p - 1)) == 0;
}

int merkle_subtree_hash(int alg, uint64_t begin, uint64_t end, merkle_get_fn get, void *ctx,
                        uint8_t out[MERKLE_HASH_LEN])
{
	int rc = OK;
	uint8_t acc[MERKLE_HASH_LEN], h[MERKLE_HASH_LEN];
	int have = 0;
	if (!hash_alg_name(alg) || end < begin || end > MERKLE_MAX_SIZE || !range_aligned(begin, end - begin)) {
		rc = E_INVALID;
		goto done;
	}
	uint64_t m = end - begin;
	if (m == 0) {
		rc = hash_digest(alg, "", 0, out);
		goto done;
	}
	/* Smallest subtree first: it is the rightmost, and the fold runs right to left. */
	for (unsigned level = 0; level < N_LEVELS; level++) {
		uint64_t bit = (uint64_t)1 << level;
		if (!(m & bit))
			continue;
		uint64_t higher = m & ~((bit << 1) - 1); /* leaves in the larger subtrees to the left */
		rc = get(ctx, level, (begin + higher) >> level, h);
		if (rc != OK)
			goto done;
		if (!have) {
			memcpy(acc, h, sizeof acc);
			have = 1;
		} else {
			rc = merkle_node_hash(alg, h, acc, acc);
			if (rc != OK)
				goto done;
		}
	}
	memcpy(out, acc, MERKLE_HASH_LEN);
done:
	return rc;
}

int merkle_root(int alg, uint64_t size, merkle_get_fn get, void *ctx, uint8_t out[MERKLE_HASH_LEN])
{
	return merkle_subtree_hash(alg, 0, size, get, ctx, out);
}

int merkle_append(int alg, uint64_t size_before, const uint8_t leaf_hash[MERKLE_HASH_LEN], merkle_get_fn get,
                  merkle_put_fn put, void *ctx)
{
	int rc = OK;
	uint8_t h[MERKLE_HASH_LEN], left[MERKLE_HASH_LEN];
	if (!hash_alg_name(alg) || size_before >= MERKLE_MAX_SIZE) {
		rc = E_INVALID;
		goto done;
	}
	memcpy(h, leaf_hash, sizeof h);
	rc = put(ctx, 0, size_before, h);
	if (rc != OK)
		goto done;
	/* Each trailing 1 bit of the index is a left sibling this node completes. */
	uint64_t index = size_before;
	unsigned level = 0;
	while (index & 1) {
		rc = get(ctx, level, index - 1, left);
		if (rc != OK)
			goto done;
		rc = merkle_node_hash(alg, left, h, h);
		if (rc != OK)
			goto done;
		index >>= 1;
		level++;
		rc = put(ctx, level, index, h);
		if (rc != OK)
			goto done;
	}
done:
	return rc;
}

/* A range [begin, end) of leaves whose MTH is one proof node. */
struct range {
	uint64_t begin, end;
};

/*
 * The ranges of PATH(index, D[size]) in the order the walk meets them, outermost first: PATH(m, D[b:e])
 * is PATH(inner) : sibling, so the proof lists them the other way round. Returns how many.
 */
static size_t inclusion_ranges(uint64_t index, uint64_t size, struct range out[MERKLE_MAX_PROOF])
{
	size_t n = 0;
	uint64_t b = 0;
	while (size > 1) {
		uint64_t k = split_point(size);
		if (index < k) {
			out[n++] = (struct range){ b + k, b + size };
			size = k;
		} else {
			out[n++] = (struct range){ b, b + k };
			index -= k;
			b += k;
			size -= k;
		}
	}
	return n;
}

/*
 * The ranges of SUBPROOF(m, D[n], true), 0 < m < n, outermost first, like inclusion_ranges. The walk
 * ends at m == n on D[b:b+m]; unless it only ever went left (the RFC's b is still true: that subtree is
 * the old tree, whose root the verifier has), MTH(D[b:b+m]) is the innermost node of the proof.
 */
static size_t consistency_ranges(uint64_t m, uint64_t n, struct range out[MERKLE_MAX_PROOF])
{
	size_t len = 0;
	uint64_t b = 0;
	int whole = 1;
	while (m != n) {
		uint64_t k = split_point(n);
		if (m <= k) {
			out[len++] = (struct range){ b + k, b + n };
			n = k;
		} else {
			out[len++] = (struct range){ b, b + k };
			m -= k;
			b += k;
			n -= k;
			whole = 0;
		}
	}
	if (!whole)
		out[len++] = (struct range){ b, b + m };
	return len;
}

/* Write the MTHs of ranges[n-1], ..., ranges[0] (innermost first, as the RFC lists them) to out. */
static int proof_fill(int alg, const struct range *ranges, size_t n, merkle_get_fn get, void *ctx,
                      uint8_t (*out)[MERKLE_HASH_LEN], size_t cap)
{
	int rc = OK;
	if (n > cap) {
		rc = E_INVALID;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const struct range *r = &ranges[n - 1 - i];
		rc = merkle_subtree_hash(alg, r->begin, r->end, get, ctx, out[i]);
		if (rc != OK)
			goto done;
	}
done:
	return rc;
}

int merkle_prove_inclusion(int alg, uint64_t index, uint64_t size, merkle_get_fn get, void *ctx,
                           uint8_t (*out_path)[MERKLE_HASH_LEN], size_t cap, size_t *out_n)
{
	int rc = OK;
	struct range ranges[MERKLE_MAX_PROOF];
	size_t n = 0;
	if (!hash_alg_name(alg) || index >= size || size > MERKLE_MAX_SIZE) {
		rc = E_INVALID;
		goto done;
	}
	n = inclusion_ranges(index, size, ranges);
	rc = proof_fill(alg, ranges, n, get, ctx, out_path, cap);
done:
	*out_n = rc == OK ? n : 0;
	return rc;
}

int merkle_prove_consistency(int alg, uint64_t m, uint64_t n, merkle_get_fn get, void *ctx,
                             uint8_t (*out_path)[MERKLE_HASH_LEN], size_t cap, size_t *out_n)
{
	int rc = OK;
	struct range ranges[MERKLE_MAX_PROOF];
	size_t len = 0;
	if (!hash_alg_name(alg) || m > n || n > MERKLE_MAX_SIZE) {
		rc = E_INVALID;
		goto done;
	}
	if (m == 0 || m == n) /* nothing to prove */
		goto done;
	len = consistency_ranges(m, n, ranges);
	rc = proof_fill(alg, ranges, len, get, ctx, out_path, cap);
done:
	*out_n = rc == OK ? len : 0;
	return rc;
}

int merkle_verify_inclusion(int alg, uint64_t index, uint64_t size, const uint8_t leaf_hash[MERKLE_HASH_LEN],
                            const uint8_t (*path)[MERKLE_HASH_LEN], size_t n_path, const uint8_t root[MERKLE_HASH_LEN])
{
	int rc = OK;
	uint8_t r[MERKLE_HASH_LEN];
	/* RFC 9162 section 2.1.3.2, step 1. */
	if (!hash_alg_name(alg) || index >= size || size > MERKLE_MAX_SIZE || n_path > MERKLE_MAX_PROOF ||
	    (!path && n_path > 0)) {
		rc = E_INVALID;
		goto done;
	}
	/* Steps 2 and 3. */
	uint64_t fn = index, sn = size - 1;
	memcpy(r, leaf_hash, sizeof r);
	/* Step 4. */
	for (size_t i = 0; i < n_path; i++) {
		if (sn == 0) {
			rc = E_INTEGRITY;
			goto done;
		}
		if ((fn & 1) || fn == sn) {
			rc = merkle_node_hash(alg, path[i], r, r);
			if (rc != OK)
				goto done;
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			rc = merkle_node_hash(alg, r, path[i], r);
			if (rc != OK)
				goto done;
		}
		fn >>= 1;
		sn >>= 1;
	}
	/* Step 5. */
	if (sn != 0 || memcmp(r, root, sizeof r) != 0) {
		rc = E_INTEGRITY;
		goto done;
	}
done:
	return rc;
}

int merkle_verify_consistency(int alg, uint64_t m, uint64_t n, const uint8_t root_m[MERKLE_HASH_LEN],
                              const uint8_t root_n[MERKLE_HASH_LEN], const uint8_t (*proof)[MERKLE_HASH_LEN],
                              size_t n_proof)
{
	int rc = OK;
	uint8_t fr[MERKLE_HASH_LEN], sr[MERKLE_HASH_LEN];
	if (!hash_alg_name(alg) || m > n || n > MERKLE_MAX_SIZE || n_proof > MERKLE_MAX_PROOF ||
	    (!proof && n_proof > 0)) {
		rc = E_INVALID;
		goto done;
	}
	/* Outside the RFC's 0 < first < second: the trivial cases, which need no proof at all. */
	if (m == 0) {
		uint8_t empty[MERKLE_HASH_LEN];
		rc = hash_digest(alg, "", 0, empty);
		if (rc != OK)
			goto done;
		if (n_proof != 0 || memcmp(root_m, empty, sizeof empty) != 0 ||
		    (n == 0 && memcmp(root_n, empty, sizeof empty) != 0))
			rc = E_INTEGRITY;
		goto done;
	}
	if (m == n) {
		if (n_proof != 0 || memcmp(root_m, root_n, MERKLE_HASH_LEN) != 0)
			rc = E_INTEGRITY;
		goto done;
	}
	/* RFC 9162 section 2.1.4.2, step 1. */
	if (n_proof == 0) {
		rc = E_INTEGRITY;
		goto done;
	}
	/* Step 2: a power-of-two first tree is a complete subtree, so the proof omits its root. */
	size_t i = 0;
	const uint8_t *first = root_m;
	if (m & (m - 1))
		first = proof[i++];
	/* Steps 3 and 4. */
	uint64_t fn = m - 1, sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* Step 5. */
	memcpy(fr, first, sizeof fr);
	memcpy(sr, first, sizeof sr);
	/* Step 6. */
	for (; i < n_proof; i++) {
		const uint8_t *c = proof[i];
		if (sn == 0) {
			rc = E_INTEGRITY;
			goto done;
		}
		if ((fn & 1) || fn == sn) {
			rc = merkle_node_hash(alg, c, fr, fr);
			if (rc == OK)
				rc = merkle_node_hash(alg, c, sr, sr);
			if (rc != OK)
				goto done;
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			rc = merkle_node_hash(alg, sr, c, sr);
			if (rc != OK)
				goto done;
		}
		fn >>= 1;
		sn >>= 1;
	}
	/* Step 7. */
	if (sn != 0 || memcmp(fr, root_m, sizeof fr) != 0 || memcmp(sr, root_n, sizeof sr) != 0) {
		rc = E_INTEGRITY;
		goto done;
	}
done:
	return rc;
}

struct mem_level {
	uint8_t (*h)[MERKLE_HASH_LEN];
	uint64_t n, cap;
};

struct merkle_mem {
	struct mem_level levels[N_LEVELS];
};

merkle_mem *merkle_mem_new(void)
{
	return mem_calloc(1, sizeof(merkle_mem));
}

void merkle_mem_free(merkle_mem *m)
{
	if (!m)
		return;
	for (unsigned l = 0; l < N_LEVELS; l++)
		mem_free(m->levels[l].h);
	mem_free(m);
}

int merkle_mem_get(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH_LEN])
{
	int rc = OK;
	const merkle_mem *m = ctx;
	if (level >= N_LEVELS || index >= m->levels[level].n) {
		rc = E_NOTFOUND;
		goto done;
	}
	memcpy(out, m->levels[level].h[index], MERKLE_HASH_LEN);
done:
	return rc;
}

int merkle_mem_put(void *ctx, unsigned level, uint64_t index, const uint8_t h[MERKLE_HASH_LEN])
{
	int rc = OK;
	merkle_mem *m = ctx;
	if (level >= N_LEVELS || index > m->levels[level].n) {
		rc = E_INVALID;
		goto done;
	}
	struct mem_level *lv = &m->levels[level];
	if (index == lv->cap) {
		uint64_t cap = lv->cap ? lv->cap * 2 : 16;
		if (cap > SIZE_MAX / MERKLE_HASH_LEN) {
			rc = E_NOMEM;
			goto done;
		}
		void *p = mem_realloc(lv->h, (size_t)cap * MERKLE_HASH_LEN);
		if (!p) {
			rc = E_NOMEM;
			goto done;
		}
		lv->h = p;
		lv->cap = cap;
	}
	memcpy(lv->h[index], h, MERKLE_HASH_LEN);
	if (index == lv->n)
		lv->n++;
done:
	return rc;
}
