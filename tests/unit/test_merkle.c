/*
 * test_merkle.c - the RFC 9162 Merkle tree against published vectors, against a straightforward
 * recursive reference written here from the RFC's definitions, and against tampering.
 *
 * Published vectors: the eight leaves, the roots of sizes 0..8 and the RFC 6962 example proofs are the
 * ones every Certificate Transparency implementation tests against; copied from transparency-dev/merkle,
 * proof/verify_test.go (commit 02194e9afb6c1d95b5381350007963aa70fff472; the same values are in
 * google/certificate-transparency-go, merkle/log_verifier_test.go). That file numbers leaves from 1;
 * here indexes are 0-based. The SM3 roots were computed for this test by an independent Python
 * implementation of MTH over hashlib's SM3 (the same script reproduces the SHA-256 roots above).
 *
 * The reference (ref_*) uses hash_digest directly, never merkle.c, and memoises MTH per range so the
 * exhaustive test over every (m, n) with 1 <= m <= n <= 256 stays fast under ASan.
 */
#include "testutil.h"

#include "core/codec.h"
#include "core/err.h"
#include "core/mem.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"

typedef uint8_t hash32[MERKLE_HASH_LEN];

/* ---- storage wrappers ---------------------------------------------------------------------------- */

/* A merkle_mem that counts calls and fails the test if a node beyond the first `limit` leaves is read. */
typedef struct store {
	merkle_mem *mem;
	uint64_t limit;
	long gets, puts;
} store;

static int store_get(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH_LEN])
{
	store *s = ctx;
	s->gets++;
	if (level >= 64 || index + 1 > (s->limit >> level))
		fail_msg("read node (%u, %llu) outside a tree of %llu leaves", level, (unsigned long long)index,
		         (unsigned long long)s->limit);
	return merkle_mem_get(s->mem, level, index, out);
}

static int store_put(void *ctx, unsigned level, uint64_t index, const uint8_t h[MERKLE_HASH_LEN])
{
	store *s = ctx;
	s->puts++;
	return merkle_mem_put(s->mem, level, index, h);
}

static store store_open(void)
{
	store s = { merkle_mem_new(), UINT64_MAX, 0, 0 };
	assert_non_null(s.mem);
	return s;
}

/* ---- the reference: RFC 9162 section 2.1.1, 2.1.3.1 and 2.1.4.1, on an array ------------------------- */

#define REF_MAX 256

typedef struct ref {
	int alg;
	size_t n;
	hash32 leaves[REF_MAX];
	hash32 *memo;  /* memo[b * (REF_MAX + 1) + e] = MTH(D[b:e]) */
	uint8_t *have; /* have[b * (REF_MAX + 1) + e] */
} ref;

static void ref_leaf_hash(int alg, const uint8_t *entry, size_t len, uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t buf[64];
	assert_true(len + 1 <= sizeof buf);
	buf[0] = 0x00;
	memcpy(buf + 1, entry, len);
	assert_int_equal(hash_digest(alg, buf, len + 1, out), OK);
}

static void ref_node_hash(int alg, const uint8_t *l, const uint8_t *r, uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t buf[65];
	buf[0] = 0x01;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	assert_int_equal(hash_digest(alg, buf, sizeof buf, out), OK);
}

/* The largest power of two smaller than n (n >= 2). */
static size_t ref_k(size_t n)
{
	size_t k = 1;
	while (k * 2 < n)
		k *= 2;
	return k;
}

static const uint8_t *ref_mth(ref *r, size_t b, size_t e)
{
	size_t slot = b * (REF_MAX + 1) + e;
	if (r->have[slot])
		return r->memo[slot];
	size_t n = e - b;
	if (n == 0)
		assert_int_equal(hash_digest(r->alg, "", 0, r->memo[slot]), OK);
	else if (n == 1)
		memcpy(r->memo[slot], r->leaves[b], 32);
	else {
		size_t k = ref_k(n);
		ref_node_hash(r->alg, ref_mth(r, b, b + k), ref_mth(r, b + k, e), r->memo[slot]);
	}
	r->have[slot] = 1;
	return r->memo[slot];
}

/* PATH(m, D[b:e]). */
static void ref_path(ref *r, size_t m, size_t b, size_t e, hash32 *out, size_t *n_out)
{
	size_t n = e - b;
	if (n == 1)
		return;
	size_t k = ref_k(n);
	if (m < k) {
		ref_path(r, m, b, b + k, out, n_out);
		memcpy(out[(*n_out)++], ref_mth(r, b + k, e), 32);
	} else {
		ref_path(r, m - k, b + k, e, out, n_out);
		memcpy(out[(*n_out)++], ref_mth(r, b, b + k), 32);
	}
}

/* SUBPROOF(m, D[b:e], flag). */
static void ref_subproof(ref *r, size_t m, size_t b, size_t e, int flag, hash32 *out, size_t *n_out)
{
	size_t n = e - b;
	if (m == n) {
		if (!flag)
			memcpy(out[(*n_out)++], ref_mth(r, b, e), 32);
		return;
	}
	size_t k = ref_k(n);
	if (m <= k) {
		ref_subproof(r, m, b, b + k, flag, out, n_out);
		memcpy(out[(*n_out)++], ref_mth(r, b + k, e), 32);
	} else {
		ref_subproof(r, m - k, b + k, e, 0, out, n_out);
		memcpy(out[(*n_out)++], ref_mth(r, b, b + k), 32);
	}
}

/* PROOF(m, D[n]) = SUBPROOF(m, D[n], true) for 0 < m < n; empty otherwise. */
static void ref_consistency(ref *r, size_t m, size_t n, hash32 *out, size_t *n_out)
{
	*n_out = 0;
	if (m > 0 && m < n)
		ref_subproof(r, m, 0, n, 1, out, n_out);
}

/* A reference tree of n leaves: leaf i's entry is "casebridge leaf <i>". */
static ref *ref_new(int alg, size_t n)
{
	ref *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->alg = alg;
	r->n = n;
	r->memo = calloc((size_t)(REF_MAX + 1) * (REF_MAX + 1), sizeof(hash32));
	r->have = calloc((size_t)(REF_MAX + 1) * (REF_MAX + 1), 1);
	assert_non_null(r->memo);
	assert_non_null(r->have);
	for (size_t i = 0; i < n; i++) {
		char entry[32];
		int len = snprintf(entry, sizeof entry, "casebridge leaf %zu", i);
		ref_leaf_hash(alg, (const uint8_t *)entry, (size_t)len, r->leaves[i]);
	}
	return r;
}

static void ref_free(ref *r)
{
	free(r->memo);
	free(r->have);
	free(r);
}

/* A store holding the first n leaves of r, appended through merkle_append. */
static store store_of(const ref *r, size_t n)
{
	store s = store_open();
	for (size_t i = 0; i < n; i++)
		assert_int_equal(merkle_append(r->alg, i, r->leaves[i], store_get, store_put, &s), OK);
	return s;
}

static unsigned ceil_log2(uint64_t n)
{
	return n <= 1 ? 0 : 64 - (unsigned)__builtin_clzll(n - 1);
}

static void hex32(const char *hex, uint8_t out[32])
{
	size_t n = 0;
	assert_int_equal(codec_hex_decode(hex, out, 32, &n), OK);
	assert_int_equal(n, 32);
}

/* ---- (a) published vectors ----------------------------------------------------------------------- */

static const char *const ct_leaves_hex[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
};

static const char *const ct_roots_hex[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static const char *const sm3_roots_hex[9] = {
	"1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
	"2daef60e7a0b8f5e024c81cd2ab3109f2b4f155cf83adeb2ae5532f74a157fdf",
	"0b990fe0c7ad70f1bf1a1262f2c7908ea48146b14253a6db99f2917ab1f5cc4d",
	"209ec96a210d662a964772680e8544d18cab7b88ffec3e00962220349b56ea56",
	"28e4e307ef6d2d0c62d84b11ef96e835efe490f35b93c8f024ecfe38c8dd4377",
	"bb10c996aeebbcdc69be3715fc847344de77442d37a5ab8213da9f41785b103b",
	"8723c1ab1f82ddfba4a3733ac0c80d936d9f4c208c7dbc8cc81ca9fff8584f66",
	"bd36c22a1ac6ff4308e0c3cc1a85bf0ffa30538ec60a55c70413ab15d45db4d2",
	"bc48ba7a709184b5f2a631e1adeb8dc2a0d4c018c1d6cc89b5664fe154c93b38",
};

/* The eight CT leaves appended to a store with alg. */
static store ct_store(int alg)
{
	store s = store_open();
	for (size_t i = 0; i < 8; i++) {
		uint8_t entry[16];
		size_t len = 0;
		hash32 leaf;
		assert_int_equal(codec_hex_decode(ct_leaves_hex[i], entry, sizeof entry, &len), OK);
		assert_int_equal(merkle_leaf_hash(alg, entry, len, leaf), OK);
		assert_int_equal(merkle_append(alg, i, leaf, store_get, store_put, &s), OK);
	}
	return s;
}

static void merkle_roots_match_rfc6962_vectors_for_sizes_0_to_8(void **state)
{
	(void)state;
	const int algs[] = { HASH_SHA256, HASH_SM3 };
	const char *const *const want[] = { ct_roots_hex, sm3_roots_hex };
	for (size_t a = 0; a < 2; a++) {
		store s = ct_store(algs[a]);
		for (uint64_t size = 0; size <= 8; size++) {
			hash32 root;
			char hex[65];
			assert_int_equal(merkle_root(algs[a], size, store_get, &s, root), OK);
			codec_hex_encode(root, 32, hex);
			if (strcmp(hex, want[a][size]) != 0)
				fail_msg("%s size %llu: root %s, want %s", hash_alg_name(algs[a]),
				         (unsigned long long)size, hex, want[a][size]);
		}
		merkle_mem_free(s.mem);
	}
}

static const struct {
	uint64_t index, size;
	size_t n;
	const char *path[3];
} ct_inclusion[] = {
	{ 0,
	  8,
	  3,
	  { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 5,
	  8,
	  3,
	  { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 3, 1, { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ 1,
	  5,
	  3,
	  { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	{ 0, 1, 0, { NULL } },
};

static void merkle_inclusion_proofs_match_rfc6962_vectors(void **state)
{
	(void)state;
	store s = ct_store(HASH_SHA256);
	for (size_t v = 0; v < sizeof ct_inclusion / sizeof ct_inclusion[0]; v++) {
		hash32 path[MERKLE_MAX_PROOF], want, root, leaf;
		size_t n = 99;
		assert_int_equal(merkle_prove_inclusion(HASH_SHA256, ct_inclusion[v].index, ct_inclusion[v].size,
		                                        store_get, &s, path, MERKLE_MAX_PROOF, &n),
		                 OK);
		assert_int_equal(n, ct_inclusion[v].n);
		for (size_t i = 0; i < n; i++) {
			hex32(ct_inclusion[v].path[i], want);
			if (memcmp(path[i], want, 32) != 0)
				fail_msg("vector %zu node %zu differs", v, i);
		}
		hex32(ct_roots_hex[ct_inclusion[v].size], root);
		assert_int_equal(merkle_mem_get(s.mem, 0, ct_inclusion[v].index, leaf), OK);
		assert_int_equal(merkle_verify_inclusion(HASH_SHA256, ct_inclusion[v].index, ct_inclusion[v].size, leaf,
		                                         (const hash32 *)path, n, root),
		                 OK);
	}
	merkle_mem_free(s.mem);
}

static const struct {
	uint64_t m, n;
	size_t len;
	const char *proof[3];
} ct_consistency[] = {
	{ 1, 1, 0, { NULL } },
	{ 1,
	  8,
	  3,
	  { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6,
	  8,
	  3,
	  { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2,
	  5,
	  2,
	  { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	{ 6,
	  7,
	  3,
	  { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
};

static void merkle_consistency_proofs_match_rfc6962_vectors(void **state)
{
	(void)state;
	store s = ct_store(HASH_SHA256);
	for (size_t v = 0; v < sizeof ct_consistency / sizeof ct_consistency[0]; v++) {
		hash32 proof[MERKLE_MAX_PROOF], want, root_m, root_n;
		size_t n = 99;
		assert_int_equal(merkle_prove_consistency(HASH_SHA256, ct_consistency[v].m, ct_consistency[v].n,
		                                          store_get, &s, proof, MERKLE_MAX_PROOF, &n),
		                 OK);
		assert_int_equal(n, ct_consistency[v].len);
		for (size_t i = 0; i < n; i++) {
			hex32(ct_consistency[v].proof[i], want);
			if (memcmp(proof[i], want, 32) != 0)
				fail_msg("vector %zu node %zu differs", v, i);
		}
		hex32(ct_roots_hex[ct_consistency[v].m], root_m);
		hex32(ct_roots_hex[ct_consistency[v].n], root_n);
		assert_int_equal(merkle_verify_consistency(HASH_SHA256, ct_consistency[v].m, ct_consistency[v].n,
		                                           root_m, root_n, (const hash32 *)proof, n),
		                 OK);
	}
	merkle_mem_free(s.mem);
}

/* The trivial cases of transparency-dev/merkle's TestVerifyConsistency, with our E_INVALID for m > n. */
static void merkle_consistency_trivial_cases_follow_reference(void **state)
{
	(void)state;
	hash32 empty, a, b;
	hex32(ct_roots_hex[0], empty);
	memset(a, 0xaa, 32);
	memset(b, 0xbb, 32);
	const hash32 one[1] = { { 0 } };
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 0, 0, empty, empty, NULL, 0), OK);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 0, 5, empty, b, NULL, 0), OK);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 0, 5, a, b, NULL, 0), E_INTEGRITY);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 0, 0, empty, b, NULL, 0), E_INTEGRITY);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 0, 1, empty, b, one, 1), E_INTEGRITY);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 1, 1, b, b, NULL, 0), OK);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 1, 1, a, b, NULL, 0), E_INTEGRITY);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 1, 1, b, b, one, 1), E_INTEGRITY);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 1, 2, a, b, NULL, 0), E_INTEGRITY);
	/* An empty proof where the old size is not a power of two: no proof[0] to read (ASan watches). */
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 3, 5, a, b, NULL, 0), E_INTEGRITY);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 1, 0, a, b, NULL, 0), E_INVALID);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 2, 1, a, b, NULL, 0), E_INVALID);
}

static void merkle_empty_tree_root_is_hash_of_nothing(void **state)
{
	(void)state;
	store s = store_open();
	hash32 root, want;
	assert_int_equal(merkle_root(HASH_SHA256, 0, store_get, &s, root), OK);
	hex32(ct_roots_hex[0], want);
	assert_memory_equal(root, want, 32);
	assert_int_equal(merkle_root(HASH_SM3, 0, store_get, &s, root), OK);
	hex32(sm3_roots_hex[0], want);
	assert_memory_equal(root, want, 32);
	assert_int_equal(s.gets, 0);
	merkle_mem_free(s.mem);
}

/* ---- (b) everything against the reference ------------------------------------------------------- */

/*
 * Grow one tree leaf by leaf to n_max. At each size n: the root, every inclusion proof and every
 * consistency proof from each m <= n equal the reference's, verify, and read few nodes, none beyond n.
 */
static void check_all_proofs_against_reference(int alg, size_t n_max)
{
	ref *r = ref_new(alg, n_max);
	store s = store_open();
	for (size_t n = 1; n <= n_max; n++) {
		assert_int_equal(merkle_append(alg, n - 1, r->leaves[n - 1], store_get, store_put, &s), OK);
		s.limit = n;
		hash32 root;
		s.gets = 0;
		assert_int_equal(merkle_root(alg, n, store_get, &s, root), OK);
		if (memcmp(root, ref_mth(r, 0, n), 32) != 0)
			fail_msg("size %zu: root differs from the reference", n);
		assert_int_equal(s.gets, __builtin_popcountll(n));
		const long max_reads = 2 * (long)ceil_log2(n);

		for (size_t i = 0; i < n; i++) {
			hash32 path[MERKLE_MAX_PROOF], want[MERKLE_MAX_PROOF];
			size_t n_path = 0, n_want = 0;
			s.gets = 0;
			assert_int_equal(
			        merkle_prove_inclusion(alg, i, n, store_get, &s, path, MERKLE_MAX_PROOF, &n_path), OK);
			if (s.gets > max_reads)
				fail_msg("inclusion (%zu, %zu) read %ld nodes", i, n, s.gets);
			ref_path(r, i, 0, n, want, &n_want);
			if (n_path != n_want || memcmp(path, want, n_path * 32) != 0)
				fail_msg("inclusion (%zu, %zu) differs from the reference", i, n);
			if (merkle_verify_inclusion(alg, i, n, r->leaves[i], (const hash32 *)path, n_path, root) != OK)
				fail_msg("inclusion (%zu, %zu) does not verify", i, n);
		}
		for (size_t m = 1; m <= n; m++) {
			hash32 proof[MERKLE_MAX_PROOF], want[MERKLE_MAX_PROOF];
			size_t n_proof = 0, n_want = 0;
			s.gets = 0;
			assert_int_equal(
			        merkle_prove_consistency(alg, m, n, store_get, &s, proof, MERKLE_MAX_PROOF, &n_proof),
			        OK);
			if (s.gets > max_reads)
				fail_msg("consistency (%zu, %zu) read %ld nodes", m, n, s.gets);
			ref_consistency(r, m, n, want, &n_want);
			if (n_proof != n_want || memcmp(proof, want, n_proof * 32) != 0)
				fail_msg("consistency (%zu, %zu) differs from the reference", m, n);
			if (merkle_verify_consistency(alg, m, n, ref_mth(r, 0, m), root, (const hash32 *)proof,
			                              n_proof) != OK)
				fail_msg("consistency (%zu, %zu) does not verify", m, n);
		}
		/* Every range the RFC can ask for is the reference's MTH; the rest are refused. (All ranges
		 * of every size is quadratic per size, so small sizes and the final size only.) */
		for (size_t b = 0; (n <= 32 || n == n_max) && b < n; b++) {
			for (size_t e = b + 1; e <= n; e++) {
				hash32 h;
				int rc = merkle_subtree_hash(alg, b, e, store_get, &s, h);
				size_t p = 1;
				while (p < e - b)
					p *= 2;
				if (b % p != 0) {
					assert_int_equal(rc, E_INVALID);
					continue;
				}
				assert_int_equal(rc, OK);
				if (memcmp(h, ref_mth(r, b, e), 32) != 0)
					fail_msg("subtree [%zu, %zu) differs from the reference", b, e);
			}
		}
	}
	merkle_mem_free(s.mem);
	ref_free(r);
}

static void merkle_proofs_match_reference_for_every_size_to_256(void **state)
{
	(void)state;
	check_all_proofs_against_reference(HASH_SHA256, 256);
}

/* ---- (c) tampering ---------------------------------------------------------------------------------- */

/* Flip one bit of byte k, a different bit for each k, so all eight positions get flipped somewhere. */
static void flip(uint8_t *h, size_t k)
{
	h[k] ^= (uint8_t)(1u << (k % 8));
}

static void merkle_inclusion_rejects_flipped_byte(void **state)
{
	(void)state;
	const size_t n_max = 64;
	ref *r = ref_new(HASH_SHA256, n_max);
	store s = store_of(r, n_max);
	for (size_t n = 1; n <= n_max; n++) {
		const uint8_t *root = ref_mth(r, 0, n);
		for (size_t i = 0; i < n; i++) {
			hash32 path[MERKLE_MAX_PROOF], bad_root, bad_leaf;
			size_t n_path = 0;
			assert_int_equal(merkle_prove_inclusion(HASH_SHA256, i, n, merkle_mem_get, s.mem, path,
			                                        MERKLE_MAX_PROOF, &n_path),
			                 OK);
			for (size_t j = 0; j < n_path; j++) {
				for (size_t k = 0; k < 32; k++) {
					flip(path[j], k);
					if (merkle_verify_inclusion(HASH_SHA256, i, n, r->leaves[i],
					                            (const hash32 *)path, n_path, root) != E_INTEGRITY)
						fail_msg("(%zu, %zu): node %zu byte %zu flipped accepted", i, n, j, k);
					flip(path[j], k);
				}
			}
			for (size_t k = 0; k < 32; k++) {
				memcpy(bad_root, root, 32);
				flip(bad_root, k);
				memcpy(bad_leaf, r->leaves[i], 32);
				flip(bad_leaf, k);
				if (merkle_verify_inclusion(HASH_SHA256, i, n, r->leaves[i], (const hash32 *)path,
				                            n_path, bad_root) != E_INTEGRITY ||
				    merkle_verify_inclusion(HASH_SHA256, i, n, bad_leaf, (const hash32 *)path, n_path,
				                            root) != E_INTEGRITY)
					fail_msg("(%zu, %zu): root or leaf byte %zu flipped accepted", i, n, k);
			}
		}
	}
	merkle_mem_free(s.mem);
	ref_free(r);
}

/*
 * Every other claim (i2, n2) with the true root of n2, as a signed tree head of size n2 would carry it,
 * is accepted exactly when the proof really is PATH(i2, D[n2]) for the same leaf, which means never.
 */
static void merkle_inclusion_rejects_changed_index_or_size(void **state)
{
	(void)state;
	const size_t n_max = 24, n2_max = 40;
	ref *r = ref_new(HASH_SHA256, n2_max);
	store s = store_of(r, n_max);
	for (size_t n = 1; n <= n_max; n++) {
		for (size_t i = 0; i < n; i++) {
			hash32 path[MERKLE_MAX_PROOF];
			size_t n_path = 0;
			assert_int_equal(merkle_prove_inclusion(HASH_SHA256, i, n, merkle_mem_get, s.mem, path,
			                                        MERKLE_MAX_PROOF, &n_path),
			                 OK);
			for (size_t n2 = 1; n2 <= n2_max; n2++) {
				for (size_t i2 = 0; i2 < n2; i2++) {
					if (i2 == i && n2 == n)
						continue;
					int rc = merkle_verify_inclusion(HASH_SHA256, i2, n2, r->leaves[i],
					                                 (const hash32 *)path, n_path,
					                                 ref_mth(r, 0, n2));
					if (rc != E_INTEGRITY)
						fail_msg("proof of (%zu, %zu) accepted as (%zu, %zu)", i, n, i2, n2);
				}
			}
		}
	}
	merkle_mem_free(s.mem);
	ref_free(r);
}

static void merkle_inclusion_rejects_truncated_or_extended_proof(void **state)
{
	(void)state;
	const size_t n_max = 64;
	ref *r = ref_new(HASH_SHA256, n_max);
	store s = store_of(r, n_max);
	for (size_t n = 1; n <= n_max; n++) {
		const uint8_t *root = ref_mth(r, 0, n);
		for (size_t i = 0; i < n; i++) {
			hash32 path[MERKLE_MAX_PROOF + 1];
			size_t n_path = 0;
			assert_int_equal(merkle_prove_inclusion(HASH_SHA256, i, n, merkle_mem_get, s.mem, path + 1,
			                                        MERKLE_MAX_PROOF, &n_path),
			                 OK);
			const hash32 *p = (const hash32 *)path + 1;
			if (n_path > 0)
				assert_int_equal(
				        merkle_verify_inclusion(HASH_SHA256, i, n, r->leaves[i], p, n_path - 1, root),
				        E_INTEGRITY);
			memcpy(path[n_path + 1], root, 32); /* trailing root */
			assert_int_equal(merkle_verify_inclusion(HASH_SHA256, i, n, r->leaves[i], p, n_path + 1, root),
			                 E_INTEGRITY);
			memcpy(path[0], root, 32); /* preceding root */
			assert_int_equal(merkle_verify_inclusion(HASH_SHA256, i, n, r->leaves[i], (const hash32 *)path,
			                                         n_path + 1, root),
			                 E_INTEGRITY);
		}
	}
	merkle_mem_free(s.mem);
	ref_free(r);
}

/*
 * A root does not encode its tree's size (RFC 9162 trees of sizes 3 and 4 give leaf 0 the same proof
 * shape), so a proof of (0, 4) also "verifies" as (0, 3) against the size-4 root. That is why a
 * verifier must take size and root from one signed tree head, as docs/log-format.md says; this test
 * pins the behaviour so nobody "fixes" the verifier away from the RFC.
 */
static void merkle_verify_needs_size_and_root_from_one_tree_head(void **state)
{
	(void)state;
	ref *r = ref_new(HASH_SHA256, 4);
	store s = store_of(r, 4);
	hash32 path[MERKLE_MAX_PROOF];
	size_t n_path = 0;
	assert_int_equal(merkle_prove_inclusion(HASH_SHA256, 0, 4, merkle_mem_get, s.mem, path, 64, &n_path), OK);
	const uint8_t *root4 = ref_mth(r, 0, 4);
	assert_int_equal(merkle_verify_inclusion(HASH_SHA256, 0, 3, r->leaves[0], (const hash32 *)path, n_path, root4),
	                 OK);
	assert_int_equal(merkle_verify_inclusion(HASH_SHA256, 0, 3, r->leaves[0], (const hash32 *)path, n_path,
	                                         ref_mth(r, 0, 3)),
	                 E_INTEGRITY);
	merkle_mem_free(s.mem);
	ref_free(r);
}

static void merkle_consistency_rejects_flipped_byte(void **state)
{
	(void)state;
	const size_t n_max = 64;
	ref *r = ref_new(HASH_SHA256, n_max);
	store s = store_of(r, n_max);
	for (size_t n = 2; n <= n_max; n++) {
		for (size_t m = 1; m < n; m++) {
			hash32 proof[MERKLE_MAX_PROOF], bad_m, bad_n;
			size_t n_proof = 0;
			const uint8_t *root_m = ref_mth(r, 0, m), *root_n = ref_mth(r, 0, n);
			assert_int_equal(merkle_prove_consistency(HASH_SHA256, m, n, merkle_mem_get, s.mem, proof,
			                                          MERKLE_MAX_PROOF, &n_proof),
			                 OK);
			for (size_t j = 0; j < n_proof; j++) {
				for (size_t k = 0; k < 32; k++) {
					flip(proof[j], k);
					if (merkle_verify_consistency(HASH_SHA256, m, n, root_m, root_n,
					                              (const hash32 *)proof, n_proof) != E_INTEGRITY)
						fail_msg("(%zu, %zu): node %zu byte %zu flipped accepted", m, n, j, k);
					flip(proof[j], k);
				}
			}
			for (size_t k = 0; k < 32; k++) {
				memcpy(bad_m, root_m, 32);
				flip(bad_m, k);
				memcpy(bad_n, root_n, 32);
				flip(bad_n, k);
				if (merkle_verify_consistency(HASH_SHA256, m, n, bad_m, root_n, (const hash32 *)proof,
				                              n_proof) != E_INTEGRITY ||
				    merkle_verify_consistency(HASH_SHA256, m, n, root_m, bad_n, (const hash32 *)proof,
				                              n_proof) != E_INTEGRITY)
					fail_msg("(%zu, %zu): root byte %zu flipped accepted", m, n, k);
			}
			assert_int_equal(merkle_verify_consistency(HASH_SHA256, m, n, root_n, root_m,
			                                           (const hash32 *)proof, n_proof),
			                 E_INTEGRITY);
		}
	}
	merkle_mem_free(s.mem);
	ref_free(r);
}

/* Every other pair of sizes (m2, n2), each with its true root, is rejected. */
static void merkle_consistency_rejects_changed_sizes(void **state)
{
	(void)state;
	const size_t n_max = 24, n2_max = 40;
	ref *r = ref_new(HASH_SHA256, n2_max);
	store s = store_of(r, n_max);
	for (size_t n = 2; n <= n_max; n++) {
		for (size_t m = 1; m < n; m++) {
			hash32 proof[MERKLE_MAX_PROOF];
			size_t n_proof = 0;
			assert_int_equal(merkle_prove_consistency(HASH_SHA256, m, n, merkle_mem_get, s.mem, proof,
			                                          MERKLE_MAX_PROOF, &n_proof),
			                 OK);
			for (size_t n2 = 1; n2 <= n2_max; n2++) {
				for (size_t m2 = 1; m2 <= n2; m2++) {
					if (m2 == m && n2 == n)
						continue;
					int rc = merkle_verify_consistency(HASH_SHA256, m2, n2, ref_mth(r, 0, m2),
					                                   ref_mth(r, 0, n2), (const hash32 *)proof,
					                                   n_proof);
					if (rc != E_INTEGRITY)
						fail_msg("proof of (%zu, %zu) accepted as (%zu, %zu)", m, n, m2, n2);
				}
			}
		}
	}
	merkle_mem_free(s.mem);
	ref_free(r);
}

static void merkle_consistency_rejects_truncated_or_extended_proof(void **state)
{
	(void)state;
	const size_t n_max = 64;
	ref *r = ref_new(HASH_SHA256, n_max);
	store s = store_of(r, n_max);
	for (size_t n = 2; n <= n_max; n++) {
		for (size_t m = 1; m < n; m++) {
			hash32 proof[MERKLE_MAX_PROOF + 1];
			size_t n_proof = 0;
			const uint8_t *root_m = ref_mth(r, 0, m), *root_n = ref_mth(r, 0, n);
			assert_int_equal(merkle_prove_consistency(HASH_SHA256, m, n, merkle_mem_get, s.mem, proof + 1,
			                                          MERKLE_MAX_PROOF, &n_proof),
			                 OK);
			const hash32 *p = (const hash32 *)proof + 1;
			assert_int_equal(merkle_verify_consistency(HASH_SHA256, m, n, root_m, root_n, p, n_proof - 1),
			                 E_INTEGRITY);
			memcpy(proof[n_proof + 1], root_n, 32);
			assert_int_equal(merkle_verify_consistency(HASH_SHA256, m, n, root_m, root_n, p, n_proof + 1),
			                 E_INTEGRITY);
			memcpy(proof[0], root_m, 32);
			assert_int_equal(merkle_verify_consistency(HASH_SHA256, m, n, root_m, root_n,
			                                           (const hash32 *)proof, n_proof + 1),
			                 E_INTEGRITY);
		}
	}
	merkle_mem_free(s.mem);
	ref_free(r);
}

/*
 * A second pair of verifiers, written from the RFC's recursive definitions rather than its bit-walking
 * algorithms: walk PATH / SUBPROOF top-down to learn how long the proof must be and on which side each
 * node sits, then fold. The two must agree on everything, in particular on forged claims that pair a
 * root with the wrong size or wrap a true root in one more node, where the RFC algorithm's "sn is 0"
 * checks (and nothing else) do the rejecting.
 */
static int shape_verify_inclusion(int alg, uint64_t i, uint64_t n, const uint8_t *leaf, const hash32 *path,
                                  size_t n_path, const uint8_t *root)
{
	int sibling_left[64];
	size_t len = 0;
	if (i >= n)
		return E_INVALID;
	for (uint64_t ii = i, nn = n; nn > 1; len++) {
		uint64_t k = ref_k(nn);
		sibling_left[len] = ii >= k;
		if (ii < k) {
			nn = k;
		} else {
			ii -= k;
			nn -= k;
		}
	}
	if (len != n_path)
		return E_INTEGRITY;
	hash32 r;
	memcpy(r, leaf, 32);
	for (size_t j = 0; j < len; j++) { /* path[0] is the deepest, the last step of the walk */
		if (sibling_left[len - 1 - j])
			ref_node_hash(alg, path[j], r, r);
		else
			ref_node_hash(alg, r, path[j], r);
	}
	return memcmp(r, root, 32) == 0 ? OK : E_INTEGRITY;
}

static int shape_verify_consistency(int alg, uint64_t m, uint64_t n, const uint8_t *root_m, const uint8_t *root_n,
                                    const hash32 *proof, size_t n_proof)
{
	int sibling_left[65];
	size_t steps = 0;
	int whole = 1;
	if (m > n)
		return E_INVALID;
	if (m == n)
		return n_proof == 0 && memcmp(root_m, root_n, 32) == 0 ? OK : E_INTEGRITY;
	for (uint64_t mm = m, nn = n; mm != nn; steps++) {
		uint64_t k = ref_k(nn);
		sibling_left[steps] = mm > k; /* a left sibling is inside both trees, a right one only the new */
		if (mm <= k) {
			nn = k;
		} else {
			mm -= k;
			nn -= k;
			whole = 0;
		}
	}
	if (n_proof != steps + !whole)
		return E_INTEGRITY;
	size_t at = 0;
	hash32 fr, sr;
	memcpy(fr, whole ? root_m : proof[at++], 32);
	memcpy(sr, fr, 32);
	for (size_t j = steps; j-- > 0;) {
		const uint8_t *c = proof[at++];
		if (sibling_left[j]) {
			ref_node_hash(alg, c, fr, fr);
			ref_node_hash(alg, c, sr, sr);
		} else {
			ref_node_hash(alg, sr, c, sr);
		}
	}
	return memcmp(fr, root_m, 32) == 0 && memcmp(sr, root_n, 32) == 0 ? OK : E_INTEGRITY;
}

static void merkle_inclusion_verifier_agrees_with_structural_verifier(void **state)
{
	(void)state;
	const size_t n_max = 16;
	ref *r = ref_new(HASH_SHA256, n_max);
	hash32 x;
	memset(x, 0x3c, 32);
	long accepted = 0;
	/* Claims (i, n) against the proofs of every (i2, n2), with roots of either size, plain or wrapped. */
	for (size_t n2 = 1; n2 <= n_max; n2++) {
		for (size_t i2 = 0; i2 < n2; i2++) {
			hash32 path[MERKLE_MAX_PROOF + 1], roots[5];
			size_t n_path = 0;
			ref_path(r, i2, 0, n2, path, &n_path);
			memcpy(path[n_path], x, 32); /* used by the extended proof */
			for (size_t n = 1; n <= n_max; n++) {
				memcpy(roots[0], ref_mth(r, 0, n2), 32);
				memcpy(roots[1], ref_mth(r, 0, n), 32);
				ref_node_hash(HASH_SHA256, x, roots[0], roots[2]);
				ref_node_hash(HASH_SHA256, roots[0], x, roots[3]);
				ref_node_hash(HASH_SHA256, x, roots[1], roots[4]);
				for (size_t i = 0; i < n; i++) {
					for (size_t k = 0; k < 5; k++) {
						for (size_t extra = 0; extra <= 1; extra++) {
							const uint8_t *leaf = r->leaves[i2];
							int want = shape_verify_inclusion(HASH_SHA256, i, n, leaf,
							                                  (const hash32 *)path,
							                                  n_path + extra, roots[k]);
							int got = merkle_verify_inclusion(HASH_SHA256, i, n, leaf,
							                                  (const hash32 *)path,
							                                  n_path + extra, roots[k]);
							if (got != want)
								fail_msg("claim (%zu, %zu) with the proof of "
								         "(%zu, %zu)%s and root %zu: "
								         "%d, structural verifier says %d",
								         i, n, i2, n2, extra ? " + 1 node" : "", k, got,
								         want);
							accepted += got == OK;
						}
					}
				}
			}
		}
	}
	/* Some forged claims are true ones (a proof is right for several sizes), most are not. */
	assert_true(accepted > 0);
	ref_free(r);
}

static void merkle_consistency_verifier_agrees_with_structural_verifier(void **state)
{
	(void)state;
	const size_t n_max = 16;
	ref *r = ref_new(HASH_SHA256, n_max);
	hash32 x;
	memset(x, 0xc3, 32);
	for (size_t n2 = 2; n2 <= n_max; n2++) {
		for (size_t m2 = 1; m2 < n2; m2++) {
			hash32 proof[MERKLE_MAX_PROOF + 1];
			size_t n_proof = 0;
			ref_consistency(r, m2, n2, proof, &n_proof);
			memcpy(proof[n_proof], x, 32);
			for (size_t n = 1; n <= n_max; n++) {
				for (size_t m = 1; m <= n; m++) {
					/* Root pairs: of the proof's sizes, of the claim's, mixed, and
					 * wrapped once more. */
					hash32 rm[5], rn[5];
					memcpy(rm[0], ref_mth(r, 0, m2), 32);
					memcpy(rn[0], ref_mth(r, 0, n2), 32);
					memcpy(rm[1], ref_mth(r, 0, m), 32);
					memcpy(rn[1], ref_mth(r, 0, n), 32);
					memcpy(rm[2], rm[0], 32);
					memcpy(rn[2], rn[1], 32);
					memcpy(rm[3], rm[0], 32);
					ref_node_hash(HASH_SHA256, x, rn[0], rn[3]);
					ref_node_hash(HASH_SHA256, x, rm[0], rm[4]);
					ref_node_hash(HASH_SHA256, x, rn[0], rn[4]);
					for (size_t k = 0; k < 5; k++) {
						for (size_t extra = 0; extra <= 1; extra++) {
							int want = shape_verify_consistency(
							        HASH_SHA256, m, n, rm[k], rn[k], (const hash32 *)proof,
							        n_proof + extra);
							int got = merkle_verify_consistency(
							        HASH_SHA256, m, n, rm[k], rn[k], (const hash32 *)proof,
							        n_proof + extra);
							if (got != want)
								fail_msg("claim (%zu, %zu) with the proof of "
								         "(%zu, %zu)%s and roots %zu: "
								         "%d, structural verifier says %d",
								         m, n, m2, n2, extra ? " + 1 node" : "", k, got,
								         want);
						}
					}
				}
			}
		}
	}
	ref_free(r);
}

/* The cases the exhaustive comparison found to hinge on the "sn is 0" checks, spelled out. */
static void merkle_verify_rejects_proof_of_other_size_with_its_root(void **state)
{
	(void)state;
	ref *r = ref_new(HASH_SHA256, 8);
	hash32 p[MERKLE_MAX_PROOF + 1], wrapped;
	size_t n = 0;
	/* PATH(0, D[4]) with MTH(D[4]) is not a proof for leaf 0 of a tree of 5: sn is 1 at the end. */
	ref_path(r, 0, 0, 4, p, &n);
	assert_int_equal(
	        merkle_verify_inclusion(HASH_SHA256, 0, 4, r->leaves[0], (const hash32 *)p, n, ref_mth(r, 0, 4)), OK);
	assert_int_equal(
	        merkle_verify_inclusion(HASH_SHA256, 0, 5, r->leaves[0], (const hash32 *)p, n, ref_mth(r, 0, 4)),
	        E_INTEGRITY);
	/* One node past the root: sn reaches 0 before the proof ends. */
	memset(p[n], 0x11, 32);
	ref_node_hash(HASH_SHA256, p[n], ref_mth(r, 0, 4), wrapped);
	assert_int_equal(merkle_verify_inclusion(HASH_SHA256, 0, 4, r->leaves[0], (const hash32 *)p, n + 1, wrapped),
	                 E_INTEGRITY);
	/* PROOF(2, D[4]) = [MTH(D[2:4])] with (MTH(D[2]), MTH(D[4])) claimed for sizes (2, 5). */
	ref_consistency(r, 2, 4, p, &n);
	assert_int_equal(n, 1);
	assert_int_equal(
	        merkle_verify_consistency(HASH_SHA256, 2, 4, ref_mth(r, 0, 2), ref_mth(r, 0, 4), (const hash32 *)p, n),
	        OK);
	assert_int_equal(
	        merkle_verify_consistency(HASH_SHA256, 2, 5, ref_mth(r, 0, 2), ref_mth(r, 0, 4), (const hash32 *)p, n),
	        E_INTEGRITY);
	ref_free(r);
}

/* ---- (d) cost ------------------------------------------------------------------------------------ */

static void merkle_append_costs_log_n_gets_and_puts(void **state)
{
	(void)state;
	const uint64_t n_max = 5000;
	store s = store_open();
	hash32 leaf;
	memset(leaf, 0x5a, 32);
	long total_puts = 0;
	for (uint64_t size = 0; size < n_max; size++) {
		s.gets = s.puts = 0;
		assert_int_equal(merkle_append(HASH_SHA256, size, leaf, store_get, store_put, &s), OK);
		/* One get and one put per parent completed: the trailing 1 bits of size. */
		long completed = __builtin_ctzll(~size);
		assert_int_equal(s.gets, completed);
		assert_int_equal(s.puts, completed + 1);
		assert_true(s.puts <= (long)ceil_log2(size + 1) + 1);
		total_puts += s.puts;
	}
	/* A tree of n leaves has fewer than 2n nodes, each written once. */
	assert_true(total_puts < 2 * (long)n_max);
	merkle_mem_free(s.mem);
}

/*
 * A tree whose leaves are all equal has one hash per level, so a storage callback can answer for trees
 * of any size. Lets proofs run at MERKLE_MAX_SIZE = 2^63 leaves, where they are longest and the index
 * arithmetic is most fragile.
 */
typedef struct uniform {
	int alg;
	hash32 level[64];
	uint64_t limit;
	long gets;
} uniform;

static int uniform_get(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH_LEN])
{
	uniform *u = ctx;
	u->gets++;
	if (level >= 64 || index + 1 > (u->limit >> level))
		return E_NOTFOUND;
	memcpy(out, u->level[level], 32);
	return OK;
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void merkle_proofs_work_up_to_2_pow_63_leaves(void **state)
{
	(void)state;
	uniform u = { .alg = HASH_SHA256 };
	ref_leaf_hash(u.alg, (const uint8_t *)"x", 1, u.level[0]);
	for (int l = 1; l < 64; l++)
		ref_node_hash(u.alg, u.level[l - 1], u.level[l - 1], u.level[l]);
	uint64_t seed = 0x9e3779b97f4a7c15u;
	const uint64_t max = MERKLE_MAX_SIZE;
	uint64_t sizes[40] = {
		max, max - 1, max - 2, (max >> 1) + 1, (max >> 1) + 3, ((uint64_t)1 << 40) + 12345, 3, 2
	};
	for (size_t i = 8; i < 40; i++)
		sizes[i] = xorshift(&seed) >> (1 + i % 60);
	for (size_t si = 0; si < 40; si++) {
		uint64_t n = sizes[si];
		if (n < 2)
			continue;
		u.limit = n;
		hash32 root;
		assert_int_equal(merkle_root(u.alg, n, uniform_get, &u, root), OK);
		uint64_t indexes[6] = { 0, n - 1, n / 2, n - 2, xorshift(&seed) % n, xorshift(&seed) % n };
		for (size_t k = 0; k < 6; k++) {
			hash32 path[MERKLE_MAX_PROOF];
			size_t n_path = 0;
			u.gets = 0;
			assert_int_equal(merkle_prove_inclusion(u.alg, indexes[k], n, uniform_get, &u, path,
			                                        MERKLE_MAX_PROOF, &n_path),
			                 OK);
			assert_true(u.gets <= 2 * (long)ceil_log2(n));
			assert_int_equal(merkle_verify_inclusion(u.alg, indexes[k], n, u.level[0], (const hash32 *)path,
			                                         n_path, root),
			                 OK);
			flip(path[n_path - 1], 3);
			assert_int_equal(merkle_verify_inclusion(u.alg, indexes[k], n, u.level[0], (const hash32 *)path,
			                                         n_path, root),
			                 E_INTEGRITY);
		}
		uint64_t ms[4] = { 1, n - 1, n / 2 + 1, 1 + xorshift(&seed) % (n - 1) };
		for (size_t k = 0; k < 4; k++) {
			hash32 proof[MERKLE_MAX_PROOF], root_m;
			size_t n_proof = 0;
			u.limit = ms[k];
			assert_int_equal(merkle_root(u.alg, ms[k], uniform_get, &u, root_m), OK);
			u.limit = n;
			u.gets = 0;
			assert_int_equal(merkle_prove_consistency(u.alg, ms[k], n, uniform_get, &u, proof,
			                                          MERKLE_MAX_PROOF, &n_proof),
			                 OK);
			assert_true(u.gets <= 2 * (long)ceil_log2(n));
			assert_int_equal(merkle_verify_consistency(u.alg, ms[k], n, root_m, root, (const hash32 *)proof,
			                                           n_proof),
			                 OK);
		}
	}
	/* The longest proofs: inclusion of leaf 0 in 2^63 leaves (63 levels deep), consistency from 3. */
	hash32 path[MERKLE_MAX_PROOF], root;
	size_t n_path = 0;
	u.limit = max;
	assert_int_equal(merkle_prove_inclusion(u.alg, 0, max, uniform_get, &u, path, MERKLE_MAX_PROOF, &n_path), OK);
	assert_int_equal(n_path, 63);
	assert_int_equal(merkle_prove_consistency(u.alg, 3, max, uniform_get, &u, path, MERKLE_MAX_PROOF, &n_path), OK);
	assert_int_equal(n_path, MERKLE_MAX_PROOF);
	assert_int_equal(merkle_prove_consistency(u.alg, 3, max, uniform_get, &u, path, 63, &n_path), E_INVALID);
	assert_int_equal(n_path, 0);
	/* One leaf more is refused everywhere. */
	u.limit = UINT64_MAX;
	assert_int_equal(merkle_root(u.alg, max + 1, uniform_get, &u, root), E_INVALID);
	assert_int_equal(merkle_prove_inclusion(u.alg, 0, max + 1, uniform_get, &u, path, 64, &n_path), E_INVALID);
	assert_int_equal(merkle_prove_consistency(u.alg, 3, max + 1, uniform_get, &u, path, 64, &n_path), E_INVALID);
	assert_int_equal(merkle_verify_inclusion(u.alg, 0, max + 1, root, (const hash32 *)path, 1, root), E_INVALID);
	assert_int_equal(merkle_verify_consistency(u.alg, 1, max + 1, root, root, (const hash32 *)path, 1), E_INVALID);
	assert_int_equal(merkle_append(u.alg, max, root, uniform_get, NULL, &u), E_INVALID);
}

/* ---- (e) SM3 ---------------------------------------------------------------------------------------- */

static void merkle_sm3_tree_matches_reference_and_verifies(void **state)
{
	(void)state;
	check_all_proofs_against_reference(HASH_SM3, 64);
	/* The same entries give different trees under the two hashes, and proofs do not cross over. */
	ref *sha = ref_new(HASH_SHA256, 8), *sm3 = ref_new(HASH_SM3, 8);
	store s = store_of(sm3, 8);
	assert_memory_not_equal(ref_mth(sha, 0, 8), ref_mth(sm3, 0, 8), 32);
	hash32 path[MERKLE_MAX_PROOF];
	size_t n_path = 0;
	assert_int_equal(merkle_prove_inclusion(HASH_SM3, 3, 8, merkle_mem_get, s.mem, path, 64, &n_path), OK);
	assert_int_equal(merkle_verify_inclusion(HASH_SM3, 3, 8, sm3->leaves[3], (const hash32 *)path, n_path,
	                                         ref_mth(sm3, 0, 8)),
	                 OK);
	assert_int_equal(merkle_verify_inclusion(HASH_SHA256, 3, 8, sm3->leaves[3], (const hash32 *)path, n_path,
	                                         ref_mth(sm3, 0, 8)),
	                 E_INTEGRITY);
	merkle_mem_free(s.mem);
	ref_free(sha);
	ref_free(sm3);
}

/* ---- arguments, errors, storage ---------------------------------------------------------------------- */

static void merkle_refuses_malformed_arguments(void **state)
{
	(void)state;
	ref *r = ref_new(HASH_SHA256, 8);
	store s = store_of(r, 8);
	hash32 path[MERKLE_MAX_PROOF + 1], h;
	size_t n = 99;
	memset(path, 0, sizeof path);
	/* Provers. */
	assert_int_equal(merkle_prove_inclusion(HASH_SHA256, 8, 8, merkle_mem_get, s.mem, path, 64, &n), E_INVALID);
	assert_int_equal(n, 0);
	assert_int_equal(merkle_prove_inclusion(HASH_SHA256, 0, 0, merkle_mem_get, s.mem, path, 64, &n), E_INVALID);
	assert_int_equal(merkle_prove_inclusion(HASH_SHA256, 0, 8, merkle_mem_get, s.mem, path, 2, &n), E_INVALID);
	assert_int_equal(merkle_prove_inclusion(0, 0, 8, merkle_mem_get, s.mem, path, 64, &n), E_INVALID);
	assert_int_equal(merkle_prove_consistency(HASH_SHA256, 5, 4, merkle_mem_get, s.mem, path, 64, &n), E_INVALID);
	assert_int_equal(merkle_prove_consistency(HASH_SHA256, 1, 8, merkle_mem_get, s.mem, path, 2, &n), E_INVALID);
	assert_int_equal(merkle_prove_consistency(HASH_SM3 + 1, 1, 8, merkle_mem_get, s.mem, path, 64, &n), E_INVALID);
	assert_int_equal(merkle_prove_consistency(HASH_SHA256, 0, 8, merkle_mem_get, s.mem, path, 64, &n), OK);
	assert_int_equal(n, 0);
	assert_int_equal(merkle_prove_consistency(HASH_SHA256, 8, 8, merkle_mem_get, s.mem, path, 0, &n), OK);
	assert_int_equal(n, 0);
	/* Storage a tree of size 8 cannot answer for size 9. */
	assert_int_equal(merkle_root(HASH_SHA256, 9, merkle_mem_get, s.mem, h), E_NOTFOUND);
	/* Ranges the RFC recursion never produces. */
	assert_int_equal(merkle_subtree_hash(HASH_SHA256, 1, 3, merkle_mem_get, s.mem, h), E_INVALID);
	assert_int_equal(merkle_subtree_hash(HASH_SHA256, 2, 5, merkle_mem_get, s.mem, h), E_INVALID);
	assert_int_equal(merkle_subtree_hash(HASH_SHA256, 4, 3, merkle_mem_get, s.mem, h), E_INVALID);
	assert_int_equal(merkle_subtree_hash(HASH_SHA256, 4, 7, merkle_mem_get, s.mem, h), OK);
	assert_memory_equal(h, ref_mth(r, 4, 7), 32);
	/* Verifiers. */
	const uint8_t *root = ref_mth(r, 0, 8);
	assert_int_equal(merkle_verify_inclusion(HASH_SHA256, 8, 8, r->leaves[0], (const hash32 *)path, 3, root),
	                 E_INVALID);
	assert_int_equal(merkle_verify_inclusion(HASH_SHA256, 0, 0, r->leaves[0], (const hash32 *)path, 0, root),
	                 E_INVALID);
	assert_int_equal(merkle_verify_inclusion(HASH_SHA256, 0, 8, r->leaves[0], NULL, 3, root), E_INVALID);
	assert_int_equal(merkle_verify_inclusion(HASH_SHA256, 0, 8, r->leaves[0], (const hash32 *)path,
	                                         MERKLE_MAX_PROOF + 1, root),
	                 E_INVALID);
	assert_int_equal(merkle_verify_inclusion(7, 0, 8, r->leaves[0], (const hash32 *)path, 3, root), E_INVALID);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 9, 8, root, root, (const hash32 *)path, 1), E_INVALID);
	assert_int_equal(merkle_verify_consistency(HASH_SHA256, 1, 8, root, root, NULL, 1), E_INVALID);
	assert_int_equal(
	        merkle_verify_consistency(HASH_SHA256, 1, 8, root, root, (const hash32 *)path, MERKLE_MAX_PROOF + 1),
	        E_INVALID);
	/* Appending past 2^64 - 1 leaves. */
	assert_int_equal(merkle_append(HASH_SHA256, UINT64_MAX, h, merkle_mem_get, merkle_mem_put, s.mem), E_INVALID);
	merkle_mem_free(s.mem);
	ref_free(r);
}

static int failing_get(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH_LEN])
{
	(void)ctx;
	(void)level;
	(void)index;
	(void)out;
	return E_STORE;
}

static int failing_put(void *ctx, unsigned level, uint64_t index, const uint8_t h[MERKLE_HASH_LEN])
{
	(void)ctx;
	(void)level;
	(void)index;
	(void)h;
	return E_STORE;
}

static void merkle_passes_storage_errors_through(void **state)
{
	(void)state;
	hash32 h, path[MERKLE_MAX_PROOF];
	size_t n = 99;
	memset(h, 1, 32);
	assert_int_equal(merkle_root(HASH_SHA256, 5, failing_get, NULL, h), E_STORE);
	assert_int_equal(merkle_prove_inclusion(HASH_SHA256, 1, 5, failing_get, NULL, path, 64, &n), E_STORE);
	assert_int_equal(n, 0);
	assert_int_equal(merkle_prove_consistency(HASH_SHA256, 3, 5, failing_get, NULL, path, 64, &n), E_STORE);
	assert_int_equal(n, 0);
	assert_int_equal(merkle_append(HASH_SHA256, 4, h, failing_get, failing_put, NULL), E_STORE);
	merkle_mem *m = merkle_mem_new();
	assert_non_null(m);
	assert_int_equal(merkle_append(HASH_SHA256, 0, h, failing_get, merkle_mem_put, m), OK);
	assert_int_equal(merkle_append(HASH_SHA256, 1, h, failing_get, merkle_mem_put, m), E_STORE);
	merkle_mem_free(m);
}

static void merkle_mem_refuses_gaps_and_reports_nomem(void **state)
{
	(void)state;
	hash32 h, out;
	memset(h, 7, 32);
	merkle_mem *m = merkle_mem_new();
	assert_non_null(m);
	assert_int_equal(merkle_mem_get(m, 0, 0, out), E_NOTFOUND);
	assert_int_equal(merkle_mem_put(m, 0, 1, h), E_INVALID);
	assert_int_equal(merkle_mem_put(m, 64, 0, h), E_INVALID);
	assert_int_equal(merkle_mem_get(m, 64, 0, out), E_NOTFOUND);
	for (uint64_t i = 0; i < 1000; i++) {
		h[0] = (uint8_t)i;
		assert_int_equal(merkle_mem_put(m, 3, i, h), OK);
	}
	assert_int_equal(merkle_mem_get(m, 3, 999, out), OK);
	assert_int_equal(out[0], (uint8_t)999);
	assert_int_equal(merkle_mem_get(m, 3, 1000, out), E_NOTFOUND);
	/* Growing the array fails cleanly; the store stays usable. */
	mem_fail_after(0);
	int rc = merkle_mem_put(m, 0, 0, h);
	mem_fail_after(-1);
	assert_int_equal(rc, E_NOMEM);
	assert_int_equal(merkle_mem_get(m, 0, 0, out), E_NOTFOUND);
	assert_int_equal(merkle_mem_put(m, 0, 0, h), OK);
	merkle_mem_free(m);
	merkle_mem_free(NULL);

	mem_fail_after(0);
	m = merkle_mem_new();
	mem_fail_after(-1);
	assert_null(m);
	/* merkle_leaf_hash allocates a hash context. */
	mem_fail_after(0);
	rc = merkle_leaf_hash(HASH_SHA256, "x", 1, out);
	mem_fail_after(-1);
	assert_int_equal(rc, E_NOMEM);
}

static void merkle_leaf_and_node_hashes_use_rfc_prefixes(void **state)
{
	(void)state;
	hash32 got, want, l, r;
	assert_int_equal(merkle_leaf_hash(HASH_SHA256, "", 0, got), OK);
	hex32(ct_roots_hex[1], want); /* the size-1 root is the hash of leaf "" */
	assert_memory_equal(got, want, 32);
	assert_int_equal(merkle_leaf_hash(HASH_SHA256, "\x00", 1, l), OK);
	assert_int_equal(merkle_node_hash(HASH_SHA256, got, l, r), OK);
	hex32(ct_roots_hex[2], want);
	assert_memory_equal(r, want, 32);
	assert_int_equal(merkle_leaf_hash(0, "", 0, got), E_INVALID);
	assert_int_equal(merkle_node_hash(0, l, l, got), E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merkle_roots_match_rfc6962_vectors_for_sizes_0_to_8),
		cmocka_unit_test(merkle_inclusion_proofs_match_rfc6962_vectors),
		cmocka_unit_test(merkle_consistency_proofs_match_rfc6962_vectors),
		cmocka_unit_test(merkle_consistency_trivial_cases_follow_reference),
		cmocka_unit_test(merkle_empty_tree_root_is_hash_of_nothing),
		cmocka_unit_test(merkle_leaf_and_node_hashes_use_rfc_prefixes),
		cmocka_unit_test(merkle_proofs_match_reference_for_every_size_to_256),
		cmocka_unit_test(merkle_inclusion_rejects_flipped_byte),
		cmocka_unit_test(merkle_inclusion_rejects_changed_index_or_size),
		cmocka_unit_test(merkle_inclusion_rejects_truncated_or_extended_proof),
		cmocka_unit_test(merkle_verify_needs_size_and_root_from_one_tree_head),
		cmocka_unit_test(merkle_consistency_rejects_flipped_byte),
		cmocka_unit_test(merkle_consistency_rejects_changed_sizes),
		cmocka_unit_test(merkle_consistency_rejects_truncated_or_extended_proof),
		cmocka_unit_test(merkle_inclusion_verifier_agrees_with_structural_verifier),
		cmocka_unit_test(merkle_consistency_verifier_agrees_with_structural_verifier),
		cmocka_unit_test(merkle_verify_rejects_proof_of_other_size_with_its_root),
		cmocka_unit_test(merkle_append_costs_log_n_gets_and_puts),
		cmocka_unit_test(merkle_proofs_work_up_to_2_pow_63_leaves),
		cmocka_unit_test(merkle_sm3_tree_matches_reference_and_verifies),
		cmocka_unit_test(merkle_refuses_malformed_arguments),
		cmocka_unit_test(merkle_passes_storage_errors_through),
		cmocka_unit_test(merkle_mem_refuses_gaps_and_reports_nomem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
