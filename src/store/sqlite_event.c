/*
 * sqlite_event.c - the event table: gapless append and reads. See store.h.
 */
#include "store/sqlite_internal.h"

#include "core/util.h"

#include <stdio.h>
#include <string.h>

int store_event_append(store *db, store_event *ev, int64_t *out_seq, err *e)
{
	static const char q_max[] = "SELECT coalesce(max(seq),0) FROM events";
	static const char q_ins[] = "INSERT INTO events(seq,at,actor_user_id,actor_unit_id,entity_type,entity_id,"
	                            "event_type,payload,leaf_hash,subject) VALUES(?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	char now[32];
	int rc = sq_note_write(db, e);
	if (rc)
		return rc;
	db->n_writes--; /* an event is not a write that needs an event */
	if ((rc = sq_prepare(db, q_max, &st, e)))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = sq_fail(db, e, "event seq");
		sqlite3_reset(st);
		return rc;
	}
	int64_t seq = sqlite3_column_int64(st, 0) + 1;
	sqlite3_reset(st);
	if (ev->seq && ev->seq != seq)
		return err_set(e, E_INTEGRITY, NULL, "event sequence %lld is not the next (%lld)", (long long)ev->seq,
		               (long long)seq);
	if (!ev->at) {
		util_now_iso(now, sizeof now);
		ev->at = now;
	}
	if ((rc = sq_prepare(db, q_ins, &st, e)))
		return rc;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, ev->at, -1, SQLITE_TRANSIENT);
	if (ev->actor_user_id)
		sqlite3_bind_int64(st, 3, ev->actor_user_id);
	else
		sqlite3_bind_null(st, 3);
	sq_bind_text(st, 4, ev->actor_unit_id);
	sq_bind_text(st, 5, ev->entity_type);
	sq_bind_text(st, 6, ev->entity_id);
	sq_bind_text(st, 7, ev->event_type);
	sq_bind_text(st, 8, ev->payload ? ev->payload : "{}");
	if (ev->has_leaf_hash)
		sqlite3_bind_blob(st, 9, ev->leaf_hash, 32, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 9);
	sq_bind_text(st, 10, ev->subject);
	rc = sq_step_done(db, st, e, "event append");
	if (ev->at == now)
		ev->at = NULL;
	if (rc)
		return rc;
	ev->seq = seq;
	db->n_events++;
	if (out_seq)
		*out_seq = seq;
	return OK;
}

int store_event_count(store *db, int64_t *out_n, err *e)
{
	static const char sql[] = "SELECT coalesce(max(seq),0) FROM events";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out_n = sqlite3_column_int64(st, 0);
	else
		rc = sq_fail(db, e, "event count");
	sqlite3_reset(st);
	return rc;
}

static int row(sqlite3_stmt *st, arena *a, void *out)
{
	store_event *ev = out;
	memset(ev, 0, sizeof *ev);
	ev->seq = sqlite3_column_int64(st, 0);
	ev->at = sq_col_text(st, 1, a);
	ev->actor_user_id = sqlite3_column_int64(st, 2);
	ev->actor_unit_id = sq_col_text(st, 3, a);
	ev->entity_type = sq_col_text(st, 4, a);
	ev->entity_id = sq_col_text(st, 5, a);
	ev->event_type = sq_col_text(st, 6, a);
	ev->payload = sq_col_text(st, 7, a);
	if (sqlite3_column_bytes(st, 8) == 32) {
		memcpy(ev->leaf_hash, sqlite3_column_blob(st, 8), 32);
		ev->has_leaf_hash = 1;
	}
	ev->subject = sq_col_text(st, 9, a);
	if (!ev->at || !ev->entity_type || !ev->entity_id || !ev->event_type || !ev->payload)
		return E_NOMEM;
	return OK;
}

#define EVENT_COLS "seq,at,actor_user_id,actor_unit_id,entity_type,entity_id,event_type,payload,leaf_hash,subject"

int store_event_get(store *db, int64_t seq, arena *a, store_event *out, err *e)
{
	static const char sql[] = "SELECT " EVENT_COLS " FROM events WHERE seq=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, seq);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "seq", "没有序号为 %lld 的事件", (long long)seq);
	else
		rc = sq_fail(db, e, "event get");
	sqlite3_reset(st);
	return rc;
}

static int collect(store *db, sqlite3_stmt *st, arena *a, store_event **out, size_t *out_n, err *e)
{
	return sq_rows(db, st, a, sizeof **out, 0, row, (void **)out, out_n, -1, NULL, e);
}

int store_event_list_matter(store *db, int64_t matter_id, arena *a, store_event **out, size_t *out_n, err *e)
{
	/* each arm reads the events_entity index for its objects' ids */
#define ARM(type, table)                                                                             \
	" UNION ALL SELECT " EVENT_COLS " FROM events WHERE entity_type='" type "' AND entity_id IN" \
	" (SELECT CAST(id AS TEXT) FROM " table " WHERE matter_id=?2)"
	static const char sql[] =
	        "SELECT * FROM (SELECT " EVENT_COLS " FROM events WHERE entity_type='matter' AND "
	        "entity_id=?1" ARM("assist_request", "assist_requests") ARM("control_order", "control_orders")
	                ARM("debtor_listing", "debtor_listings") ARM("ledger_account", "ledger_accounts")
	                        ARM("ledger_receipt", "ledger_receipts")
	                                ARM("ledger_disbursement", "ledger_disbursements") ") ORDER BY seq";
#undef ARM
	char sid[24];
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	snprintf(sid, sizeof sid, "%lld", (long long)matter_id);
	sqlite3_bind_text(st, 1, sid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, matter_id);
	return collect(db, st, a, out, out_n, e);
}

int store_event_list_entity(store *db, const char *entity_type, const char *entity_id, int64_t after_seq, int limit,
                            arena *a, store_event **out, size_t *out_n, err *e)
{
	static const char sql[] =
	        "SELECT " EVENT_COLS " FROM events WHERE entity_type=? AND entity_id=? AND seq>? ORDER BY seq LIMIT ?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, entity_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, entity_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, after_seq);
	sqlite3_bind_int(st, 4, limit);
	return collect(db, st, a, out, out_n, e);
}

int store_event_range(store *db, int64_t first, int64_t last, arena *a, store_event **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT " EVENT_COLS " FROM events WHERE seq BETWEEN ? AND ? ORDER BY seq";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	return collect(db, st, a, out, out_n, e);
}

int store_event_by_subject(store *db, const char *subject, arena *a, store_event *out, err *e)
{
	static const char sql[] = "SELECT " EVENT_COLS " FROM events WHERE subject=? ORDER BY seq LIMIT 1";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "sha256", "未登记");
	else
		rc = sq_fail(db, e, "event by subject");
	sqlite3_reset(st);
	return rc;
}

/* ---- Merkle nodes and signed heads ---- */
int store_tlog_node_get(store *db, unsigned level, uint64_t index, unsigned char out[32], err *e)
{
	static const char sql[] = "SELECT hash FROM tlog_nodes WHERE level=? AND idx=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (int64_t)index);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
		memcpy(out, sqlite3_column_blob(st, 0), 32);
	else if (s == SQLITE_ROW || s == SQLITE_DONE)
		rc = err_set(e, E_INTEGRITY, NULL, "Merkle node (%u,%llu) missing or malformed", level,
		             (unsigned long long)index);
	else
		rc = sq_fail(db, e, "tlog node get");
	sqlite3_reset(st);
	return rc;
}

int store_tlog_node_put(store *db, unsigned level, uint64_t index, const unsigned char h[32], err *e)
{
	static const char sql[] = "INSERT INTO tlog_nodes(level,idx,hash) VALUES(?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (int64_t)index);
	sqlite3_bind_blob(st, 3, h, 32, SQLITE_TRANSIENT);
	return sq_step_done(db, st, e, "tlog node put");
}

int store_tlog_node_count(store *db, int64_t *out_n, err *e)
{
	static const char sql[] = "SELECT count(*) FROM tlog_nodes";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	*out_n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return OK;
}

int store_tlog_head_insert(store *db, const store_tlog_head *h, err *e)
{
	static const char sql[] =
	        "INSERT INTO tlog_heads(tree_size,root,timestamp_ms,hash_alg,sign_alg,key_id,signature)"
	        " VALUES(?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	if (db->in_tx)
		return err_set(e, E_INTERNAL, NULL, "signed heads are written outside audited transactions");
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, h->tree_size);
	sqlite3_bind_blob(st, 2, h->root, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, h->timestamp_ms);
	sq_bind_text(st, 4, h->hash_alg);
	sq_bind_text(st, 5, h->sign_alg);
	sq_bind_text(st, 6, h->key_id);
	sqlite3_bind_blob(st, 7, h->signature, (int)h->signature_len, SQLITE_TRANSIENT);
	return sq_step_done(db, st, e, "tlog head insert");
}

static int head_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_tlog_head *h = out;
	memset(h, 0, sizeof *h);
	h->tree_size = sqlite3_column_int64(st, 0);
	if (sqlite3_column_bytes(st, 1) == 32)
		memcpy(h->root, sqlite3_column_blob(st, 1), 32);
	h->timestamp_ms = sqlite3_column_int64(st, 2);
	h->hash_alg = sq_col_text(st, 3, a);
	h->sign_alg = sq_col_text(st, 4, a);
	h->key_id = sq_col_text(st, 5, a);
	int n = sqlite3_column_bytes(st, 6);
	if (n > 0 && (size_t)n <= sizeof h->signature) {
		memcpy(h->signature, sqlite3_column_blob(st, 6), (size_t)n);
		h->signature_len = (size_t)n;
	}
	return h->hash_alg && h->sign_alg && h->key_id ? OK : E_NOMEM;
}

#define HEAD_COLS "tree_size,root,timestamp_ms,hash_alg,sign_alg,key_id,signature"

static int head_one(store *db, const char *sql, int64_t size, arena *a, store_tlog_head *out, err *e)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	if (size >= 0)
		sqlite3_bind_int64(st, 1, size);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = head_row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "size", "没有该大小的签名树头");
	else
		rc = sq_fail(db, e, "tlog head");
	sqlite3_reset(st);
	return rc;
}

int store_tlog_head_latest(store *db, arena *a, store_tlog_head *out, err *e)
{
	static const char sql[] = "SELECT " HEAD_COLS " FROM tlog_heads ORDER BY tree_size DESC LIMIT 1";
	return head_one(db, sql, -1, a, out, e);
}

int store_tlog_head_get(store *db, int64_t tree_size, arena *a, store_tlog_head *out, err *e)
{
	static const char sql[] = "SELECT " HEAD_COLS " FROM tlog_heads WHERE tree_size=?";
	return head_one(db, sql, tree_size, a, out, e);
}

int store_tlog_head_list(store *db, arena *a, store_tlog_head **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT " HEAD_COLS " FROM tlog_heads ORDER BY tree_size";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	return sq_rows(db, st, a, sizeof **out, 0, head_row, (void **)out, out_n, -1, NULL, e);
}

int store_event_by_leaf(store *db, const unsigned char leaf[32], arena *a, store_event *out, err *e)
{
	static const char sql[] = "SELECT " EVENT_COLS " FROM events WHERE leaf_hash=? ORDER BY seq LIMIT 1";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_blob(st, 1, leaf, 32, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "leaf_hash", "日志中没有这个叶子哈希");
	else
		rc = sq_fail(db, e, "event by leaf");
	sqlite3_reset(st);
	return rc;
}
