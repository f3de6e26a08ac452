/*
 * sqlite_event.c - the event table: gapless append and reads. See store.h.
 */
#include "store/sqlite_internal.h"

#include "core/util.h"

#include <string.h>

int store_event_append(store *db, store_event *ev, int64_t *out_seq, err *e)
{
	static const char q_max[] = "SELECT coalesce(max(seq),0) FROM events";
	static const char q_ins[] = "INSERT INTO events(seq,at,actor_user_id,actor_unit_id,entity_type,entity_id,"
				    "event_type,payload,leaf_hash) VALUES(?,?,?,?,?,?,?,?,?)";
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

static int row(sqlite3_stmt *st, arena *a, store_event *ev)
{
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
	if (!ev->at || !ev->entity_type || !ev->entity_id || !ev->event_type || !ev->payload)
		return E_NOMEM;
	return OK;
}

#define EVENT_COLS "seq,at,actor_user_id,actor_unit_id,entity_type,entity_id,event_type,payload,leaf_hash"

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
	size_t cap = 16, n = 0;
	store_event *v = arena_alloc(a, cap * sizeof *v);
	int s, rc = OK;
	if (!v)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			store_event *nv = arena_alloc(a, 2 * cap * sizeof *nv);
			if (!nv) {
				rc = err_set(e, E_NOMEM, NULL, "out of memory");
				goto done;
			}
			memcpy(nv, v, n * sizeof *v);
			v = nv;
			cap *= 2;
		}
		if (row(st, a, &v[n])) {
			rc = err_set(e, E_NOMEM, NULL, "out of memory");
			goto done;
		}
		n++;
	}
	if (s != SQLITE_DONE)
		rc = sq_fail(db, e, "event list");
done:
	sqlite3_reset(st);
	if (rc == OK) {
		*out = v;
		*out_n = n;
	}
	return rc;
}

int store_event_list_entity(store *db, const char *entity_type, const char *entity_id, int64_t after_seq,
			    int limit, arena *a, store_event **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT " EVENT_COLS
				  " FROM events WHERE entity_type=? AND entity_id=? AND seq>? ORDER BY seq LIMIT ?";
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
