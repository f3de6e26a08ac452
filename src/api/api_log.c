/*
 * api_log.c - the verifiable log over HTTP: signed tree heads, the public key, inclusion and
 * consistency proofs, entries (auditors), and evidence verification (public).
 */
#include "api/api.h"
#include "api/jsonin.h"

#include "core/codec.h"
#include "core/util.h"
#include "domain/tlog.h"

#include <string.h>

static json_t *hex_array(unsigned char (*v)[32], size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		char h[65];
		codec_hex_encode(v[i], 32, h);
		h[64] = 0;
		json_array_append_new(arr, json_string(h));
	}
	return arr;
}

static json_t *hex32(const unsigned char *b)
{
	char h[65];
	codec_hex_encode(b, 32, h);
	h[64] = 0;
	return json_string(h);
}

int api_log_sth(req *r)
{
	store_tlog_head h;
	int64_t size;
	int rc = req_query_int(r, "size", 0, 0, INT64_MAX, &size);
	if (rc)
		return rc;
	if (size)
		rc = tlog_head_of_size(r->db, size, r->a, &h, &r->e);
	else
		rc = tlog_sign_head(r->db, 0, r->a, &h, &r->e); /* on demand: a new head when the log grew */
	if (rc)
		return rc;
	return req_reply_json(r, 200, tlog_head_json(&h));
}

int api_log_key(req *r)
{
	return req_reply_json(r, 200, tlog_key_json());
}

int api_log_inclusion(req *r)
{
	int64_t index, size, n;
	unsigned char path[64][32], root[32];
	size_t np;
	store_event ev;
	int rc = req_query_int(r, "size", 0, 0, INT64_MAX, &size);
	if (rc || (rc = tlog_size(r->db, &n, &r->e)))
		return rc;
	if (!size) {
		store_tlog_head h;
		if ((rc = tlog_sign_head(r->db, 0, r->a, &h, &r->e)))
			return rc;
		size = h.tree_size;
	}
	if (size > n)
		return err_set(&r->e, E_INVALID, "size", "size 不能超过日志的大小 %lld", (long long)n);
	const char *leaf = req_query(r, "leaf_hash");
	if (leaf && *leaf) {
		unsigned char lh[32];
		size_t ll;
		if (codec_hex_decode(leaf, lh, 32, &ll) || ll != 32)
			return err_set(&r->e, E_INVALID, "leaf_hash", "leaf_hash 应为 64 位十六进制");
		if ((rc = tlog_entry_by_leaf(r->db, lh, r->a, &ev, &r->e)))
			return rc;
		index = ev.seq - 1;
		if (index >= size)
			return err_set(&r->e, E_INVALID, "size", "该叶子在大小为 %lld 的树之后才加入", (long long)size);
	} else {
		if ((rc = req_query_int(r, "index", -1, 0, INT64_MAX, &index)))
			return rc;
		if (index < 0)
			return err_set(&r->e, E_INVALID, "index", "请给出 index 或 leaf_hash");
		if (index >= size)
			return err_set(&r->e, E_INVALID, "index", "index 应小于树的大小 %lld", (long long)size);
		if ((rc = tlog_entry(r->db, index, r->a, &ev, &r->e)))
			return rc;
	}
	if ((rc = tlog_prove_inclusion(r->db, (uint64_t)index, (uint64_t)size, path, 64, &np, &r->e)) ||
	    (rc = tlog_root(r->db, (uint64_t)size, root, &r->e)))
		return rc;
	return req_reply_json(r, 200,
	                      json_pack("{s:I,s:I,s:o,s:o,s:o,s:s}", "index", (json_int_t)index, "tree_size",
	                                (json_int_t)size, "leaf_hash", hex32(ev.leaf_hash), "path", hex_array(path, np),
	                                "root_hash", hex32(root), "hash_alg", tlog_hash_alg_name()));
}

int api_log_consistency(req *r)
{
	int64_t first, second;
	unsigned char path[64][32];
	size_t n;
	int rc;
	if ((rc = req_query_int(r, "first", 0, 1, INT64_MAX, &first)) ||
	    (rc = req_query_int(r, "second", 0, 1, INT64_MAX, &second)))
		return rc;
	if (!first || !second)
		return err_set(&r->e, E_INVALID, !first ? "first" : "second", "请给出 first 和 second（树大小）");
	if ((rc = tlog_prove_consistency(r->db, (uint64_t)first, (uint64_t)second, path, 64, &n, &r->e)))
		return rc;
	return req_reply_json(r, 200,
	                      json_pack("{s:I,s:I,s:o,s:s}", "first", (json_int_t)first, "second", (json_int_t)second,
	                                "path", hex_array(path, n), "hash_alg", tlog_hash_alg_name()));
}

int api_log_entries(req *r)
{
	int64_t start, end, n;
	int rc;
	store_event *ev;
	size_t k;
	if ((rc = tlog_size(r->db, &n, &r->e)) || (rc = req_query_int(r, "start", 0, 0, INT64_MAX, &start)) ||
	    (rc = req_query_int(r, "end", start + 99, 0, INT64_MAX, &end)))
		return rc;
	if (end < start)
		return err_set(&r->e, E_INVALID, "end", "end 不能小于 start");
	if (end - start >= 1000)
		end = start + 999;
	if ((rc = tlog_entries(r->db, start, end, r->a, &ev, &k, &r->e)))
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < k; i++) {
		unsigned char priv[32];
		tlog_private_hash(tlog_hash_alg(), &ev[i], priv);
		json_array_append_new(arr,
		                      json_pack("{s:I,s:I,s:s,s:I,s:s?,s:s,s:s,s:s,s:s,s:s?,s:o,s:o}", "index",
		                                (json_int_t)(ev[i].seq - 1), "seq", (json_int_t)ev[i].seq, "at",
		                                ev[i].at, "actor_user_id", (json_int_t)ev[i].actor_user_id,
		                                "actor_unit_id", ev[i].actor_unit_id, "entity_type", ev[i].entity_type,
		                                "entity_id", ev[i].entity_id, "event_type", ev[i].event_type, "payload",
		                                ev[i].payload, "subject", ev[i].subject, "private_hash", hex32(priv),
		                                "leaf_hash", hex32(ev[i].leaf_hash)));
	}
	return req_reply_json(r, 200, json_pack("{s:o,s:I}", "entries", arr, "tree_size", (json_int_t)n));
}

/* Evidence: whether exactly this file was registered, when, and the proof, without the matter. */
static int evidence(req *r, const char *sha_hex)
{
	store_event ev;
	store_tlog_head h;
	unsigned char path[64][32], priv[32];
	size_t n;
	int rc = tlog_registration(r->db, sha_hex, r->a, &ev, &r->e);
	if (rc == E_NOTFOUND)
		return req_reply_json(r, 200, json_pack("{s:b,s:s}", "registered", 0, "sha256", sha_hex));
	if (rc || (rc = tlog_sign_head(r->db, 0, r->a, &h, &r->e)))
		return rc;
	if ((rc = tlog_prove_inclusion(r->db, (uint64_t)(ev.seq - 1), (uint64_t)h.tree_size, path, 64, &n, &r->e)) ||
	    (rc = tlog_private_hash(tlog_hash_alg(), &ev, priv)))
		return rc;
	return req_reply_json(r, 200,
	                      json_pack("{s:b,s:s,s:s,s:I,s:{s:I,s:s,s:s,s:s,s:o},s:o,s:{s:I,s:o},s:o}", "registered",
	                                1, "sha256", sha_hex, "registered_at", ev.at, "log_index",
	                                (json_int_t)(ev.seq - 1), "entry", "seq", (json_int_t)ev.seq, "at", ev.at,
	                                "event_type", ev.event_type, "subject", ev.subject, "private_hash", hex32(priv),
	                                "leaf_hash", hex32(ev.leaf_hash), "proof", "tree_size", (json_int_t)h.tree_size,
	                                "path", hex_array(path, n), "sth", tlog_head_json(&h)));
}

int api_evidence_verify(req *r)
{
	static const jfield fields[] = { { "sha256", J_STRING, 1, 64 }, { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	char sha[65];
	util_strlcpy(sha, jsonin_str(r->json, "sha256"), sizeof sha);
	for (char *p = sha; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
		return err_set(&r->e, E_INVALID, "sha256", "sha256 应为 64 位十六进制");
	return evidence(r, sha);
}

int api_evidence_verify_file(req *r)
{
	char sha[65];
	codec_hex_encode(r->upload_sha256, 32, sha);
	sha[64] = 0;
	return evidence(r, sha);
}
