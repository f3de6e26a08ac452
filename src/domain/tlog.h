/*
 * tlog.h - the verifiable log over the event table (docs/log-format.md). Every event is a leaf of an
 * append-only Merkle tree (RFC 9162) whose complete subtrees are stored beside the events and written
 * in the event's own transaction (O(log n) hashes and writes per append); signed tree heads (Ed25519,
 * or SM2 with SM3) commit to the tree's size and root at a time. The hash algorithm (SHA-256 or SM3)
 * is chosen once at init, recorded in meta and in the first event, and never mixed.
 *
 * A log entry has a public part (sequence, time, event type, subject) and the hash of a private part
 * (actor, unit, entity, payload), so an inclusion proof can show that a file was registered and when
 * without showing the matter (evidence verification).
 */
#ifndef CB_TLOG_H
#define CB_TLOG_H

#include "core/err.h"
#include "core/mem.h"
#include "store/store.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#define TLOG_KEY_FILE "log_signing_key.pem"

/* At init: choose the algorithms (hash "sha256"|"sm3", signature "ed25519"|"sm2"), create the signing
 * key in data_dir (mode 0600) and remember the choice for this process. The caller records meta. */
int tlog_setup(const char *data_dir, const char *hash_alg, const char *sign_alg, err *e);
/* At start: read the algorithm from meta and load the signing key from data_dir. */
int tlog_init(store *db, const char *data_dir, err *e);
void tlog_free(void);
/* The log's hash algorithm (HASH_SHA256 or HASH_SM3) and its name. */
int tlog_hash_alg(void);
const char *tlog_hash_alg_name(void);

/* Append ev to the event table and the tree, in the caller's transaction; assigns seq and leaf hash. */
int tlog_append_event(store *db, store_event *ev, err *e);

/* The entry bytes of an event (heap: mem_free) and its leaf hash. */
int tlog_entry_encode(int alg, const store_event *ev, unsigned char **out, size_t *out_len);
int tlog_leaf_hash(int alg, const store_event *ev, unsigned char out[32]);
/* The hash of the private part (what an evidence check shows instead of the matter). */
int tlog_private_hash(int alg, const store_event *ev, unsigned char out[32]);

/* Sign a head for the current size if the log grew since the last head (or force with a new
 * timestamp); the latest head in *out either way. Timestamps strictly increase. Serialised. */
int tlog_sign_head(store *db, int force, arena *a, store_tlog_head *out, err *e);
/* The bytes a head's signature covers. */
size_t tlog_head_message(const store_tlog_head *h, unsigned char *out, size_t cap);
/* The head as JSON (hex root, base64 signature). */
json_t *tlog_head_json(const store_tlog_head *h);
/* The public key (PEM), its id and algorithm, as JSON. */
json_t *tlog_key_json(void);

/* Reading the log (the API's only way to it). Indexes are 0-based leaf indexes (seq - 1). */
int tlog_size(store *db, int64_t *out, err *e);
int tlog_entry(store *db, int64_t index, arena *a, store_event *out, err *e);
int tlog_entry_by_leaf(store *db, const unsigned char leaf[32], arena *a, store_event *out, err *e);
int tlog_entries(store *db, int64_t first, int64_t last, arena *a, store_event **out, size_t *out_n, err *e);
/* The first registration of a subject (a file's SHA-256), or E_NOTFOUND. */
int tlog_registration(store *db, const char *subject, arena *a, store_event *out, err *e);
int tlog_head_of_size(store *db, int64_t size, arena *a, store_tlog_head *out, err *e);

/* Proofs from the stored nodes. */
int tlog_prove_inclusion(store *db, uint64_t index, uint64_t size, unsigned char (*out)[32], size_t cap, size_t *out_n,
                         err *e);
int tlog_prove_consistency(store *db, uint64_t m, uint64_t n, unsigned char (*out)[32], size_t cap, size_t *out_n,
                           err *e);
int tlog_root(store *db, uint64_t size, unsigned char out[32], err *e);

/* Recompute the whole tree from the events and check every stored node and every signed head.
 * Writes a report to f; E_INTEGRITY naming the first divergence. */
int tlog_verify_store(store *db, const char *data_dir, FILE *f, err *e);
/* Write the log (events, heads, public key, algorithm) to dir, and check such an export with neither
 * database nor server. */
int tlog_export(store *db, const char *dir, FILE *f, err *e);
int tlog_verify_export(const char *dir, FILE *f, err *e);

/* A background thread that signs a head every interval seconds while entries arrive. */
int tlog_signer_start(const char *db_path, int interval_seconds, err *e);
void tlog_signer_stop(void);

#endif
