/*
 * tlog.c - the verifiable log: entries, the Merkle tree in the store, signed tree heads, proofs,
 * verification and export. See tlog.h and docs/log-format.md.
 */
#include "domain/tlog.h"

#include "core/codec.h"
#include "core/json_out.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"
#include "crypto/sign.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int g_alg = HASH_SHA256;
static sign_key *g_key;
static char g_key_id[SIGN_KEY_ID_LEN + 1];
static char *g_pub_pem;
static pthread_mutex_t sign_lock = PTHREAD_MUTEX_INITIALIZER;

int tlog_hash_alg(void)
{
	return g_alg;
}
const char *tlog_hash_alg_name(void)
{
	return hash_alg_name(g_alg);
}

static int load_key(const char *data_dir, err *e)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", data_dir, TLOG_KEY_FILE);
	sign_key *k = NULL;
	int rc = sign_key_load(path, &k, e);
	if (rc)
		return rc;
	char *pem = NULL;
	if (sign_key_public_pem(k, &pem) || sign_key_id(k, g_key_id)) {
		sign_key_free(k);
		free(pem);
		return err_set(e, E_INTERNAL, NULL, "signing key unusable");
	}
	sign_key_free(g_key);
	free(g_pub_pem);
	g_key = k;
	g_pub_pem = pem;
	return OK;
}

int tlog_setup(const char *data_dir, const char *hash_alg, const char *sign_alg, err *e)
{
	int halg, salg, rc;
	char path[700];
	if (hash_alg_parse(hash_alg, &halg))
		return err_set(e, E_INVALID, "hash-alg", "hash algorithm must be sha256 or sm3");
	if (sign_alg_parse(sign_alg, &salg))
		return err_set(e, E_INVALID, "sign-alg", "signature algorithm must be ed25519 or sm2");
	g_alg = halg;
	snprintf(path, sizeof path, "%s/%s", data_dir, TLOG_KEY_FILE);
	struct stat st;
	if (stat(path, &st) != 0) {
		sign_key *k = NULL;
		if ((rc = sign_key_generate(salg, &k)))
			return err_set(e, rc, NULL, "cannot generate the log signing key");
		rc = sign_key_save(k, path, e);
		sign_key_free(k);
		if (rc)
			return rc;
	}
	return load_key(data_dir, e);
}

int tlog_init(store *db, const char *data_dir, err *e)
{
	arena *a = arena_new();
	char *name = NULL;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	int rc = store_meta_get(db, "hash_alg", a, &name, e);
	if (rc == OK && hash_alg_parse(name, &g_alg))
		rc = err_set(e, E_INTEGRITY, "hash_alg", "unknown log hash algorithm %s", name);
	arena_free(a);
	if (rc)
		return rc;
	return load_key(data_dir, e);
}

void tlog_free(void)
{
	sign_key_free(g_key);
	free(g_pub_pem);
	g_key = NULL;
	g_pub_pem = NULL;
}

/* ---- entries ---- */
static size_t put_field(unsigned char *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	b[0] = (unsigned char)(n >> 24);
	b[1] = (unsigned char)(n >> 16);
	b[2] = (unsigned char)(n >> 8);
	b[3] = (unsigned char)n;
	if (n)
		memcpy(b + 4, s, n);
	return 4 + n;
}

static void put_u64(unsigned char *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (unsigned char)v;
}

int tlog_private_hash(int alg, const store_event *ev, unsigned char out[32])
{
	char actor[24];
	snprintf(actor, sizeof actor, "%lld", (long long)ev->actor_user_id);
	const char *f[] = { actor, ev->actor_unit_id, ev->entity_type, ev->entity_id,
		            ev->payload ? ev->payload : "{}" };
	size_t len = 0;
	for (size_t i = 0; i < 5; i++)
		len += 4 + (f[i] ? strlen(f[i]) : 0);
	unsigned char *b = mem_alloc(len);
	if (!b)
		return E_NOMEM;
	size_t o = 0;
	for (size_t i = 0; i < 5; i++)
		o += put_field(b + o, f[i]);
	int rc = hash_digest(alg, b, len, out);
	mem_free(b);
	return rc;
}

int tlog_entry_encode(int alg, const store_event *ev, unsigned char **out, size_t *out_len)
{
	unsigned char priv[32];
	int rc = tlog_private_hash(alg, ev, priv);
	if (rc)
		return rc;
	const char *f[] = { ev->at, ev->event_type, ev->subject };
	size_t len = 8 + 8 + 32;
	for (size_t i = 0; i < 3; i++)
		len += 4 + (f[i] ? strlen(f[i]) : 0);
	unsigned char *b = mem_alloc(len);
	if (!b)
		return E_NOMEM;
	memcpy(b, "CBLOG\0\0\1", 8);
	put_u64(b + 8, (uint64_t)ev->seq);
	size_t o = 16;
	for (size_t i = 0; i < 3; i++)
		o += put_field(b + o, f[i]);
	memcpy(b + o, priv, 32);
	*out = b;
	*out_len = len;
	return OK;
}

int tlog_leaf_hash(int alg, const store_event *ev, unsigned char out[32])
{
	unsigned char *b;
	size_t n;
	int rc = tlog_entry_encode(alg, ev, &b, &n);
	if (rc)
		return rc;
	rc = merkle_leaf_hash(alg, b, n, out);
	mem_free(b);
	return rc;
}

/* Storage callbacks for the Merkle module. */
struct node_ctx {
	store *db;
	err *e;
};

static int node_get(void *ctx, unsigned level, uint64_t index, uint8_t out[32])
{
	struct node_ctx *c = ctx;
	return store_tlog_node_get(c->db, level, index, out, c->e);
}

static int node_put(void *ctx, unsigned level, uint64_t index, const uint8_t h[32])
{
	struct node_ctx *c = ctx;
	return store_tlog_node_put(c->db, level, index, h, c->e);
}

int tlog_append_event(store *db, store_event *ev, err *e)
{
	int64_t n;
	int rc = store_event_count(db, &n, e);
	if (rc)
		return rc;
	ev->seq = n + 1;
	if ((rc = tlog_leaf_hash(g_alg, ev, ev->leaf_hash)))
		return err_set(e, rc, NULL, "cannot hash the log entry");
	ev->has_leaf_hash = 1;
	if ((rc = store_event_append(db, ev, NULL, e)))
		return rc;
	struct node_ctx c = { db, e };
	rc = merkle_append(g_alg, (uint64_t)n, ev->leaf_hash, node_get, node_put, &c);
	if (rc && e && !e->code)
		err_set(e, rc, NULL, "cannot extend the Merkle tree");
	return rc;
}

int tlog_root(store *db, uint64_t size, unsigned char out[32], err *e)
{
	struct node_ctx c = { db, e };
	int rc = merkle_root(g_alg, size, node_get, &c, out);
	if (rc && e && !e->code)
		err_set(e, rc, "size", "cannot compute the root of size %llu", (unsigned long long)size);
	return rc;
}

int tlog_prove_inclusion(store *db, uint64_t index, uint64_t size, unsigned char (*out)[32], size_t cap, size_t *out_n,
                         err *e)
{
	int64_t n;
	int rc = store_event_count(db, &n, e);
	if (rc)
		return rc;
	if (size == 0 || size > (uint64_t)n || index >= size)
		return err_set(e, E_INVALID, "index", "要求 0 ≤ index < size ≤ %lld", (long long)n);
	struct node_ctx c = { db, e };
	rc = merkle_prove_inclusion(g_alg, index, size, node_get, &c, out, cap, out_n);
	if (rc && e && !e->code)
		err_set(e, rc, NULL, "cannot build the proof");
	return rc;
}

int tlog_prove_consistency(store *db, uint64_t m, uint64_t n, unsigned char (*out)[32], size_t cap, size_t *out_n,
                           err *e)
{
	int64_t size;
	int rc = store_event_count(db, &size, e);
	if (rc)
		return rc;
	if (m == 0 || m > n || n > (uint64_t)size)
		return err_set(e, E_INVALID, "first", "要求 0 < first ≤ second ≤ %lld", (long long)size);
	struct node_ctx c = { db, e };
	rc = merkle_prove_consistency(g_alg, m, n, node_get, &c, out, cap, out_n);
	if (rc && e && !e->code)
		err_set(e, rc, NULL, "cannot build the proof");
	return rc;
}

/* ---- reading ---- */
int tlog_size(store *db, int64_t *out, err *e)
{
	return store_event_count(db, out, e);
}

int tlog_entry(store *db, int64_t index, arena *a, store_event *out, err *e)
{
	return store_event_get(db, index + 1, a, out, e);
}

int tlog_entry_by_leaf(store *db, const unsigned char leaf[32], arena *a, store_event *out, err *e)
{
	return store_event_by_leaf(db, leaf, a, out, e);
}

int tlog_entries(store *db, int64_t first, int64_t last, arena *a, store_event **out, size_t *out_n, err *e)
{
	return store_event_range(db, first + 1, last + 1, a, out, out_n, e);
}

int tlog_registration(store *db, const char *subject, arena *a, store_event *out, err *e)
{
	return store_event_by_subject(db, subject, a, out, e);
}

int tlog_head_of_size(store *db, int64_t size, arena *a, store_tlog_head *out, err *e)
{
	return store_tlog_head_get(db, size, a, out, e);
}

/* ---- signed tree heads ---- */
size_t tlog_head_message(const store_tlog_head *h, unsigned char *out, size_t cap)
{
	size_t need = 8 + 8 + 8 + 32 + 4 + strlen(h->hash_alg) + 4 + strlen(h->key_id);
	if (cap < need)
		return 0;
	memcpy(out, "CBSTH\0\0\1", 8);
	put_u64(out + 8, (uint64_t)h->tree_size);
	put_u64(out + 16, (uint64_t)h->timestamp_ms);
	memcpy(out + 24, h->root, 32);
	size_t o = 56;
	o += put_field(out + o, h->hash_alg);
	o += put_field(out + o, h->key_id);
	return o;
}

int tlog_sign_head(store *db, int force, arena *a, store_tlog_head *out, err *e)
{
	int rc = OK;
	int64_t n;
	store_tlog_head last;
	int have_last;
	pthread_mutex_lock(&sign_lock);
	if (!g_key) {
		rc = err_set(e, E_INTERNAL, NULL, "no signing key loaded");
		goto done;
	}
	if ((rc = store_event_count(db, &n, e)))
		goto done;
	rc = store_tlog_head_latest(db, a, &last, e);
	have_last = rc == OK;
	if (rc && rc != E_NOTFOUND)
		goto done;
	err_clear(e);
	rc = OK;
	if (have_last && last.tree_size == n && !force) {
		*out = last;
		goto done;
	}
	if (have_last && last.tree_size > n) {
		rc = err_set(e, E_INTEGRITY, NULL, "the latest signed head is larger than the log");
		goto done;
	}
	store_tlog_head h = { .tree_size = n,
		              .hash_alg = hash_alg_name(g_alg),
		              .sign_alg = sign_alg_name(sign_key_alg(g_key)),
		              .key_id = g_key_id };
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	h.timestamp_ms = util_now_sec() * 1000 + ts.tv_nsec / 1000000; /* util_now_sec honours test clock shifts */
	if (have_last && h.timestamp_ms <= last.timestamp_ms)
		h.timestamp_ms = last.timestamp_ms + 1; /* strictly increasing */
	if (have_last && last.tree_size == n) {
		/* a fresh head of the same size cannot be stored under the same key: keep the last */
		*out = last;
		goto done;
	}
	if ((rc = tlog_root(db, (uint64_t)n, h.root, e)))
		goto done;
	unsigned char msg[512];
	size_t ml = tlog_head_message(&h, msg, sizeof msg);
	if (!ml || sign_message(g_key, msg, ml, h.signature, sizeof h.signature, &h.signature_len)) {
		rc = err_set(e, E_INTERNAL, NULL, "signing the tree head failed");
		goto done;
	}
	if ((rc = store_tlog_head_insert(db, &h, e)))
		goto done;
	h.hash_alg = arena_strdup(a, h.hash_alg);
	h.sign_alg = arena_strdup(a, h.sign_alg);
	h.key_id = arena_strdup(a, h.key_id);
	*out = h;
done:
	pthread_mutex_unlock(&sign_lock);
	return rc;
}

json_t *tlog_head_json(const store_tlog_head *h)
{
	char root[65], sig[256], when[32];
	size_t sl = 0;
	codec_hex_encode(h->root, 32, root);
	root[64] = 0;
	codec_base64_encode(h->signature, h->signature_len, sig, sizeof sig, &sl);
	sig[sl] = 0;
	struct timespec ts = { (time_t)(h->timestamp_ms / 1000), (long)(h->timestamp_ms % 1000) * 1000000 };
	util_time_iso(ts, when, sizeof when);
	return json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s,s:s}", "tree_size", (json_int_t)h->tree_size, "root_hash", root,
	                 "timestamp", (json_int_t)h->timestamp_ms, "time", when, "hash_alg", h->hash_alg, "sign_alg",
	                 h->sign_alg, "key_id", h->key_id, "signature", sig);
}

json_t *tlog_key_json(void)
{
	if (!g_key)
		return json_pack("{s:n}", "public_key");
	return json_pack("{s:s,s:s,s:s,s:s}", "public_key", g_pub_pem, "key_id", g_key_id, "sign_alg",
	                 sign_alg_name(sign_key_alg(g_key)), "hash_alg", hash_alg_name(g_alg));
}

/* ---- verification ---- */
static int check_heads(int alg, const store_tlog_head *heads, size_t nh, merkle_mem *mem, uint64_t size,
                       const char *pub_pem, int sign_alg, FILE *f, err *e)
{
	int64_t last_ts = -1;
	for (size_t i = 0; i < nh; i++) {
		const store_tlog_head *h = &heads[i];
		unsigned char root[32], msg[512];
		if ((uint64_t)h->tree_size > size)
			return err_set(e, E_INTEGRITY, "tlog_heads",
			               "signed head of size %lld is larger than the log (%llu)",
			               (long long)h->tree_size, (unsigned long long)size);
		if (merkle_root(alg, (uint64_t)h->tree_size, merkle_mem_get, mem, root) ||
		    memcmp(root, h->root, 32) != 0)
			return err_set(e, E_INTEGRITY, "tlog_heads",
			               "signed head of size %lld has a root that the events do not produce",
			               (long long)h->tree_size);
		size_t ml = tlog_head_message(h, msg, sizeof msg);
		if (!ml || sign_verify_pem(sign_alg, pub_pem, msg, ml, h->signature, h->signature_len) != OK)
			return err_set(e, E_INTEGRITY, "tlog_heads",
			               "signature of the head of size %lld does not verify", (long long)h->tree_size);
		if (h->timestamp_ms <= last_ts)
			return err_set(e, E_INTEGRITY, "tlog_heads",
			               "head timestamps do not strictly increase at size %lld",
			               (long long)h->tree_size);
		last_ts = h->timestamp_ms;
	}
	if (f)
		fprintf(f, "signed heads: %zu checked (root and signature)\n", nh);
	return OK;
}

int tlog_verify_store(store *db, const char *data_dir, FILE *f, err *e)
{
	int rc = OK;
	arena *a = arena_new();
	merkle_mem *mem = merkle_mem_new();
	int64_t n = 0;
	if (!a || !mem) {
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	(void)data_dir;
	if ((rc = store_read_begin(db, e)) || (rc = store_event_count(db, &n, e)))
		goto done;
	/* events in batches: recompute each leaf from its fields, compare with the stored leaf */
	for (int64_t first = 1; first <= n; first += 4096) {
		arena *b = arena_new();
		store_event *ev;
		size_t k;
		if (!b) {
			rc = err_set(e, E_NOMEM, NULL, "out of memory");
			goto done;
		}
		int64_t last = first + 4095 < n ? first + 4095 : n;
		if ((rc = store_event_range(db, first, last, b, &ev, &k, e))) {
			arena_free(b);
			goto done;
		}
		for (size_t i = 0; i < k; i++) {
			int64_t want = first + (int64_t)i;
			unsigned char leaf[32];
			if (ev[i].seq != want) {
				rc = err_set(e, E_INTEGRITY, "events", "entry %lld is missing (sequence jumps to %lld)",
				             (long long)want, (long long)ev[i].seq);
				break;
			}
			if ((rc = tlog_leaf_hash(g_alg, &ev[i], leaf)))
				break;
			if (!ev[i].has_leaf_hash || memcmp(leaf, ev[i].leaf_hash, 32) != 0) {
				rc = err_set(e, E_INTEGRITY, "events",
				             "entry %lld (%s) does not match its leaf hash: edited", (long long)want,
				             ev[i].event_type);
				break;
			}
			if ((rc = merkle_append(g_alg, (uint64_t)(want - 1), leaf, merkle_mem_get, merkle_mem_put,
			                        mem)))
				break;
		}
		if (rc == OK && (int64_t)k != last - first + 1)
			rc = err_set(e, E_INTEGRITY, "events", "entries %lld..%lld are missing",
			             (long long)(first + (int64_t)k), (long long)last);
		arena_free(b);
		if (rc)
			goto done;
	}
	/* every stored node must equal the recomputed one, and there must be no others */
	int64_t stored_nodes = 0, want_nodes = 0;
	for (unsigned level = 0; level < 64; level++) {
		uint64_t count = (uint64_t)n >> level;
		if (!count)
			break;
		for (uint64_t i = 0; i < count; i++) {
			unsigned char got[32], want[32];
			err ne = { 0 };
			merkle_mem_get(mem, level, i, want);
			if (store_tlog_node_get(db, level, i, got, &ne) != OK || memcmp(got, want, 32) != 0) {
				rc = err_set(e, E_INTEGRITY, "tlog_nodes",
				             "Merkle node (level %u, index %llu) %s: first diverging entry %llu", level,
				             (unsigned long long)i, ne.code ? "is missing" : "was altered",
				             (unsigned long long)((i << level) + 1));
				goto done;
			}
			want_nodes++;
		}
	}
	if ((rc = store_tlog_node_count(db, &stored_nodes, e)))
		goto done;
	if (stored_nodes != want_nodes) {
		rc = err_set(e, E_INTEGRITY, "tlog_nodes",
		             "%lld Merkle nodes stored, %lld expected: nodes were inserted", (long long)stored_nodes,
		             (long long)want_nodes);
		goto done;
	}
	store_tlog_head *heads;
	size_t nh;
	if ((rc = store_tlog_head_list(db, a, &heads, &nh, e)))
		goto done;
	if (f)
		fprintf(f, "entries: %lld recomputed from their fields, every leaf matches\nnodes: %lld checked\n",
		        (long long)n, (long long)want_nodes);
	rc = check_heads(g_alg, heads, nh, mem, (uint64_t)n, g_pub_pem, sign_key_alg(g_key), f, e);
done:
	store_read_end(db);
	merkle_mem_free(mem);
	arena_free(a);
	return rc;
}

/* ---- export and offline verification ---- */
int tlog_export(store *db, const char *dir, FILE *f, err *e)
{
	int rc = OK;
	char path[800];
	FILE *out = NULL;
	arena *a = arena_new();
	int64_t n = 0;
	if (!a)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		rc = err_set(e, E_IO, "log", "cannot create %s", dir);
		goto done;
	}
	snprintf(path, sizeof path, "%s/public_key.pem", dir);
	if (!(out = fopen(path, "w")) || fputs(g_pub_pem ? g_pub_pem : "", out) < 0) {
		rc = err_set(e, E_IO, "log", "cannot write %s", path);
		goto done;
	}
	fclose(out);
	snprintf(path, sizeof path, "%s/log.json", dir);
	json_t *meta = tlog_key_json();
	if (!meta || json_dump_file(meta, path, JSON_INDENT(2)) != 0) {
		json_decref(meta);
		rc = err_set(e, E_IO, "log", "cannot write %s", path);
		goto done;
	}
	json_decref(meta);
	if ((rc = store_read_begin(db, e)) || (rc = store_event_count(db, &n, e)))
		goto done;
	snprintf(path, sizeof path, "%s/events.jsonl", dir);
	if (!(out = fopen(path, "w"))) {
		rc = err_set(e, E_IO, "log", "cannot write %s", path);
		goto done;
	}
	for (int64_t first = 1; first <= n && rc == OK; first += 4096) {
		arena *b = arena_new();
		store_event *ev;
		size_t k;
		if (!b) {
			rc = err_set(e, E_NOMEM, NULL, "out of memory");
			break;
		}
		rc = store_event_range(db, first, first + 4095, b, &ev, &k, e);
		for (size_t i = 0; rc == OK && i < k; i++) {
			char leaf[65];
			codec_hex_encode(ev[i].leaf_hash, 32, leaf);
			leaf[64] = 0;
			json_t *j =
			        json_pack("{s:I,s:s,s:I,s:s?,s:s,s:s,s:s,s:s,s:s?,s:s}", "seq", (json_int_t)ev[i].seq,
			                  "at", ev[i].at, "actor_user_id", (json_int_t)ev[i].actor_user_id,
			                  "actor_unit_id", ev[i].actor_unit_id, "entity_type", ev[i].entity_type,
			                  "entity_id", ev[i].entity_id, "event_type", ev[i].event_type, "payload",
			                  ev[i].payload, "subject", ev[i].subject, "leaf_hash", leaf);
			char *s = j ? json_out_compact(j, 0, NULL) : NULL;
			if (!s || fprintf(out, "%s\n", s) < 0)
				rc = err_set(e, E_IO, "log", "cannot write %s", path);
			free(s);
			json_decref(j);
		}
		arena_free(b);
	}
	if (fclose(out) != 0 && rc == OK)
		rc = err_set(e, E_IO, "log", "cannot write %s", path);
	out = NULL;
	if (rc)
		goto done;
	store_tlog_head *heads;
	size_t nh;
	if ((rc = store_tlog_head_list(db, a, &heads, &nh, e)))
		goto done;
	snprintf(path, sizeof path, "%s/heads.jsonl", dir);
	if (!(out = fopen(path, "w"))) {
		rc = err_set(e, E_IO, "log", "cannot write %s", path);
		goto done;
	}
	for (size_t i = 0; i < nh; i++) {
		json_t *j = tlog_head_json(&heads[i]);
		char *s = j ? json_out_compact(j, 0, NULL) : NULL;
		if (s)
			fprintf(out, "%s\n", s);
		free(s);
		json_decref(j);
	}
	if (fclose(out) != 0)
		rc = err_set(e, E_IO, "log", "cannot write %s", path);
	out = NULL;
	if (f && rc == OK)
		fprintf(f, "exported %lld entries and %zu signed heads to %s\n", (long long)n, nh, dir);
done:
	if (out)
		fclose(out);
	store_read_end(db);
	arena_free(a);
	return rc;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = n >= 0 ? mem_alloc((size_t)n + 1) : NULL;
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		mem_free(b);
		b = NULL;
	}
	if (b)
		b[n] = 0;
	fclose(f);
	return b;
}

int tlog_verify_export(const char *dir, FILE *f, err *e)
{
	int rc = OK, alg, salg;
	char path[800], line_buf[1];
	(void)line_buf;
	char *pem = NULL;
	json_t *meta = NULL;
	FILE *in = NULL;
	merkle_mem *mem = merkle_mem_new();
	arena *a = arena_new();
	store_tlog_head *heads = NULL;
	size_t nh = 0, cap = 0;
	uint64_t n = 0;
	if (!mem || !a) {
		rc = err_set(e, E_NOMEM, NULL, "out of memory");
		goto done;
	}
	snprintf(path, sizeof path, "%s/log.json", dir);
	json_error_t je;
	if (!(meta = json_load_file(path, 0, &je)) ||
	    hash_alg_parse(json_string_value(json_object_get(meta, "hash_alg")) ?: "", &alg) ||
	    sign_alg_parse(json_string_value(json_object_get(meta, "sign_alg")) ?: "", &salg)) {
		rc = err_set(e, E_INVALID, "export", "%s is missing or unreadable", path);
		goto done;
	}
	snprintf(path, sizeof path, "%s/public_key.pem", dir);
	if (!(pem = read_file(path))) {
		rc = err_set(e, E_INVALID, "export", "%s is missing", path);
		goto done;
	}
	snprintf(path, sizeof path, "%s/events.jsonl", dir);
	if (!(in = fopen(path, "r"))) {
		rc = err_set(e, E_INVALID, "export", "%s is missing", path);
		goto done;
	}
	char *line = NULL;
	size_t lcap = 0;
	ssize_t got;
	while ((got = getline(&line, &lcap, in)) > 0) {
		json_t *j = json_loadb(line, (size_t)got, 0, &je);
		store_event ev = { 0 };
		unsigned char leaf[32], stored[32];
		size_t sl = 0;
		if (!j) {
			rc = err_set(e, E_INTEGRITY, "events", "line %llu of events.jsonl is not JSON",
			             (unsigned long long)n + 1);
			break;
		}
		ev.seq = json_integer_value(json_object_get(j, "seq"));
		ev.at = json_string_value(json_object_get(j, "at"));
		ev.actor_user_id = json_integer_value(json_object_get(j, "actor_user_id"));
		ev.actor_unit_id = json_string_value(json_object_get(j, "actor_unit_id"));
		ev.entity_type = json_string_value(json_object_get(j, "entity_type"));
		ev.entity_id = json_string_value(json_object_get(j, "entity_id"));
		ev.event_type = json_string_value(json_object_get(j, "event_type"));
		ev.payload = json_string_value(json_object_get(j, "payload"));
		ev.subject = json_string_value(json_object_get(j, "subject"));
		const char *lh = json_string_value(json_object_get(j, "leaf_hash"));
		if ((uint64_t)ev.seq != n + 1)
			rc = err_set(e, E_INTEGRITY, "events", "entry %llu is missing (sequence jumps to %lld)",
			             (unsigned long long)n + 1, (long long)ev.seq);
		else if (!ev.at || !ev.entity_type || !ev.entity_id || !ev.event_type || !ev.payload || !lh ||
		         codec_hex_decode(lh, stored, 32, &sl) || sl != 32)
			rc = err_set(e, E_INTEGRITY, "events", "entry %lld is incomplete", (long long)ev.seq);
		else if ((rc = tlog_leaf_hash(alg, &ev, leaf)) == OK && memcmp(leaf, stored, 32) != 0)
			rc = err_set(e, E_INTEGRITY, "events", "entry %lld (%s) does not match its leaf hash: edited",
			             (long long)ev.seq, ev.event_type);
		if (rc == OK)
			rc = merkle_append(alg, n, leaf, merkle_mem_get, merkle_mem_put, mem);
		json_decref(j);
		if (rc)
			break;
		n++;
	}
	free(line);
	fclose(in);
	in = NULL;
	if (rc)
		goto done;
	snprintf(path, sizeof path, "%s/heads.jsonl", dir);
	if (!(in = fopen(path, "r"))) {
		rc = err_set(e, E_INVALID, "export", "%s is missing", path);
		goto done;
	}
	line = NULL;
	lcap = 0;
	while ((got = getline(&line, &lcap, in)) > 0 && rc == OK) {
		json_t *j = json_loadb(line, (size_t)got, 0, &je);
		if (nh == cap) {
			size_t nc = cap ? cap * 2 : 16;
			store_tlog_head *nv = arena_alloc(a, nc * sizeof *nv);
			if (!nv) {
				json_decref(j);
				rc = err_set(e, E_NOMEM, NULL, "out of memory");
				break;
			}
			if (nh)
				memcpy(nv, heads, nh * sizeof *nv);
			heads = nv;
			cap = nc;
		}
		store_tlog_head *h = &heads[nh];
		size_t rl = 0, sl = 0;
		const char *root = j ? json_string_value(json_object_get(j, "root_hash")) : NULL;
		const char *sig = j ? json_string_value(json_object_get(j, "signature")) : NULL;
		h->tree_size = j ? json_integer_value(json_object_get(j, "tree_size")) : 0;
		h->timestamp_ms = j ? json_integer_value(json_object_get(j, "timestamp")) : 0;
		h->hash_alg = j ? arena_strdup(a, json_string_value(json_object_get(j, "hash_alg")) ?: "") : NULL;
		h->sign_alg = j ? arena_strdup(a, json_string_value(json_object_get(j, "sign_alg")) ?: "") : NULL;
		h->key_id = j ? arena_strdup(a, json_string_value(json_object_get(j, "key_id")) ?: "") : NULL;
		if (!j || !root || !sig || codec_hex_decode(root, h->root, 32, &rl) || rl != 32 ||
		    codec_base64_decode(sig, strlen(sig), h->signature, sizeof h->signature, &sl))
			rc = err_set(e, E_INTEGRITY, "heads", "signed head %zu in heads.jsonl is malformed", nh + 1);
		h->signature_len = sl;
		json_decref(j);
		nh++;
	}
	free(line);
	if (rc == OK)
		rc = check_heads(alg, heads, nh, mem, n, pem, salg, f, e);
	if (rc == OK && f)
		fprintf(f, "entries: %llu recomputed from the export, every leaf matches\n", (unsigned long long)n);
done:
	if (in)
		fclose(in);
	json_decref(meta);
	mem_free(pem);
	merkle_mem_free(mem);
	arena_free(a);
	return rc;
}

/* ---- the background signer ---- */
static pthread_t signer;
static int signer_running;
static pthread_mutex_t signer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t signer_cond = PTHREAD_COND_INITIALIZER;
static int signer_stop_flag;
static char signer_db[700];
static int signer_interval;

static void *signer_main(void *arg)
{
	(void)arg;
	store *db = NULL;
	err e = { 0 };
	if (store_open(signer_db, &db, &e)) {
		log_event(LOG_ERROR, "sth_signer", "msg=\"%s\"", e.message);
		return NULL;
	}
	pthread_mutex_lock(&signer_lock);
	while (!signer_stop_flag) {
		pthread_mutex_unlock(&signer_lock);
		arena *a = arena_new();
		store_tlog_head h;
		err se = { 0 };
		if (a && tlog_sign_head(db, 0, a, &h, &se) != OK)
			log_event(LOG_WARN, "sth_signer", "msg=\"%s\"", se.message);
		arena_free(a);
		pthread_mutex_lock(&signer_lock);
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += signer_interval;
		while (!signer_stop_flag && pthread_cond_timedwait(&signer_cond, &signer_lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&signer_lock);
	store_close(db);
	return NULL;
}

int tlog_signer_start(const char *db_path, int interval_seconds, err *e)
{
	util_strlcpy(signer_db, db_path, sizeof signer_db);
	signer_interval = interval_seconds > 0 ? interval_seconds : 10;
	signer_stop_flag = 0;
	if (pthread_create(&signer, NULL, signer_main, NULL) != 0)
		return err_set(e, E_INTERNAL, NULL, "cannot start the tree-head signer");
	signer_running = 1;
	return OK;
}

void tlog_signer_stop(void)
{
	if (!signer_running)
		return;
	pthread_mutex_lock(&signer_lock);
	signer_stop_flag = 1;
	pthread_cond_signal(&signer_cond);
	pthread_mutex_unlock(&signer_lock);
	pthread_join(signer, NULL);
	signer_running = 0;
}
