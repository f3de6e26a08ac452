/*
 * sqlite_transfer.c - transfers, dossier files and extensions. See store.h.
 */
#include "store/sqlite_internal.h"

#include <stdio.h>
#include <string.h>

#define TRANSFER_COLS                                                                                         \
	"id,matter_id,action,to_stage,rule_id,procedure,from_unit_id,to_unit_id,to_area_code,to_league_code," \
	"status,note,reason,manifest,sent_at,accept_due_on,answered_at,green,sent_by,answered_by"

static int transfer_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_transfer *t = out;
	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	t->matter_id = sqlite3_column_int64(st, 1);
	t->action = sq_col_text(st, 2, a);
	t->to_stage = sq_col_text(st, 3, a);
	t->rule_id = sq_col_text(st, 4, a);
	t->procedure = sq_col_text(st, 5, a);
	t->from_unit_id = sq_col_text(st, 6, a);
	t->to_unit_id = sq_col_text(st, 7, a);
	t->to_area_code = sq_col_text(st, 8, a);
	t->to_league_code = sq_col_text(st, 9, a);
	t->status = sq_col_text(st, 10, a);
	t->note = sq_col_text(st, 11, a);
	t->reason = sq_col_text(st, 12, a);
	t->manifest = sq_col_text(st, 13, a);
	t->sent_at = sq_col_text(st, 14, a);
	t->accept_due_on = sq_col_text(st, 15, a);
	t->answered_at = sq_col_text(st, 16, a);
	t->green = sqlite3_column_int(st, 17);
	t->sent_by = sqlite3_column_int64(st, 18);
	t->answered_by = sqlite3_column_int64(st, 19);
	return (t->action && t->status && t->from_unit_id && t->to_unit_id && t->manifest) ? OK : E_NOMEM;
}

int store_transfer_insert(store *db, const store_transfer *t, int64_t *out_id, err *e)
{
	static const char sql[] =
	        "INSERT INTO "
	        "transfers(matter_id,action,to_stage,rule_id,procedure,from_unit_id,to_unit_id,to_area_code,"
	        "to_league_code,status,note,manifest,green,sent_at,sent_by,accept_due_on) "
	        "VALUES(?,?,?,?,?,?,?,?,?,'sent',?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, t->matter_id);
	sq_bind_text(st, 2, t->action);
	sq_bind_text(st, 3, t->to_stage);
	sq_bind_text(st, 4, t->rule_id);
	sq_bind_text(st, 5, t->procedure);
	sq_bind_text(st, 6, t->from_unit_id);
	sq_bind_text(st, 7, t->to_unit_id);
	sq_bind_text(st, 8, t->to_area_code);
	sq_bind_text(st, 9, t->to_league_code);
	sq_bind_text(st, 10, t->note ? t->note : "");
	sq_bind_text(st, 11, t->manifest ? t->manifest : "[]");
	sqlite3_bind_int(st, 12, t->green);
	sq_bind_text(st, 13, t->sent_at);
	sqlite3_bind_int64(st, 14, t->sent_by);
	sq_bind_text(st, 15, t->accept_due_on);
	rc = sq_step_done(db, st, e, "transfer insert");
	if (rc == E_CONFLICT)
		return err_set(e, E_CONFLICT, NULL, "该案件已有一笔待签收的移送，请等待对方签收、退回或先撤回");
	if (rc == OK)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

static int transfer_one(store *db, const char *sql, int64_t id, arena *a, store_transfer *out, err *e)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = transfer_row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "id", "移送记录不存在或无权查看");
	else
		rc = sq_fail(db, e, "transfer get");
	sqlite3_reset(st);
	return rc;
}

int store_transfer_get(store *db, int64_t id, arena *a, store_transfer *out, err *e)
{
	static const char sql[] = "SELECT " TRANSFER_COLS " FROM transfers WHERE id=?";
	return transfer_one(db, sql, id, a, out, e);
}

int store_transfer_pending(store *db, int64_t matter_id, arena *a, store_transfer *out, err *e)
{
	static const char sql[] = "SELECT " TRANSFER_COLS " FROM transfers WHERE matter_id=? AND status='sent'";
	return transfer_one(db, sql, matter_id, a, out, e);
}

int store_transfer_answer(store *db, int64_t id, const char *status, const char *reason, const char *at, int64_t by,
                          err *e)
{
	static const char sql[] = "UPDATE transfers SET status=?, reason=?, answered_at=?, answered_by=? "
	                          "WHERE id=? AND status='sent'";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, status);
	sq_bind_text(st, 2, reason);
	sq_bind_text(st, 3, at);
	sqlite3_bind_int64(st, 4, by);
	sqlite3_bind_int64(st, 5, id);
	if ((rc = sq_step_done(db, st, e, "transfer answer")))
		return rc;
	if (sqlite3_changes(db->h) != 1)
		return err_set(e, E_CONFLICT, NULL, "该移送已被处理（签收、退回或撤回），请刷新");
	return OK;
}

/* The filters' values by their fixed numbers; a number the statement lacks is a harmless SQLITE_RANGE
 * (a count has no ?7 and ?8, a list without a status no ?3). */
static void bind_filters(sqlite3_stmt *st, const void *ctx)
{
	const store_transfer_query *q = ctx;
	sq_bind_text(st, 1, q->to_unit_id);
	sq_bind_text(st, 2, q->from_unit_id);
	sq_bind_text(st, 3, q->status);
	sqlite3_bind_int64(st, 4, q->matter_id);
	sq_bind_text(st, 5, q->area_code);
	sq_bind_text(st, 6, q->due_before);
}

int store_transfer_list(store *db, const store_transfer_query *q, arena *a, store_transfer **out, size_t *out_n,
                        int64_t *out_total, err *e)
{
	/* Only the filters that are set go into the WHERE clause (constant fragments, values bound), so
	 * SQLite can use transfers_to / transfers_from / transfers_pending_*: the "?1 IS NULL OR col=?1"
	 * form it replaced scanned the whole table on every workbench. Parameter numbers stay fixed. The
	 * total is its own count: a window count(*) OVER () made SQLite read and sort every matching row
	 * before the page (migration 0012); with a unit and a status, the page walks transfers_to or
	 * transfers_from in its order and stops at the limit. */
	char where[512], sql[1024];
	const char *frags[8];
	size_t nf = 0;
	if (q->to_unit_id)
		frags[nf++] = " AND to_unit_id=?1";
	if (q->from_unit_id)
		frags[nf++] = " AND from_unit_id=?2";
	/* a known status is written into the SQL: bound, SQLite would recompile the statement on every
	 * run to decide whether the partial index of pending transfers applies */
	static const char *const statuses[] = { "sent", "accepted", "returned", "withdrawn" };
	static const char *const status_sql[] = { " AND status='sent'", " AND status='accepted'",
		                                  " AND status='returned'", " AND status='withdrawn'" };
	if (q->status) {
		size_t k = 0;
		while (k < 4 && strcmp(q->status, statuses[k]))
			k++;
		frags[nf++] = k < 4 ? status_sql[k] : " AND status=?3";
	}
	if (q->matter_id)
		frags[nf++] = " AND matter_id=?4";
	if (q->area_code)
		frags[nf++] = " AND (to_area_code=?5 OR to_league_code=?5 OR ?5='150000')";
	if (q->due_before)
		frags[nf++] = " AND accept_due_on<?6";
	sqlite3_stmt *st;
	int rc = sq_where(where, sizeof where, frags, nf, e);
	if (rc)
		return rc;
	if (out_total) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM transfers WHERE 1=1%s", where);
		if ((rc = sq_count(db, sql, bind_filters, q, out_total, e)))
			return rc;
	}
	/* with the status fixed, "status<>'sent'" orders nothing, and leaving it out lets the page follow
	 * the index */
	snprintf(sql, sizeof sql,
	         "SELECT " TRANSFER_COLS " FROM transfers WHERE 1=1%s ORDER BY %sgreen DESC, "
	         "accept_due_on, id DESC LIMIT ?7 OFFSET ?8",
	         where, q->status ? "" : "status<>'sent', ");
	if ((rc = sq_prepare_text(db, sql, &st, e)))
		return rc;
	bind_filters(st, q);
	int limit = q->limit > 0 ? q->limit : 50;
	sqlite3_bind_int(st, 7, limit);
	sqlite3_bind_int(st, 8, q->offset);
	return sq_rows(db, st, a, sizeof **out, limit, transfer_row, (void **)out, out_n, -1, NULL, e);
}

/* ---- files ---- */
int store_file_get(store *db, const char *sha256, arena *a, store_file *out, err *e)
{
	static const char sql[] = "SELECT sha256,size,mime,stored_at FROM files WHERE sha256=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		out->sha256 = sq_col_text(st, 0, a);
		out->size = sqlite3_column_int64(st, 1);
		out->mime = sq_col_text(st, 2, a);
		out->stored_at = sq_col_text(st, 3, a);
		rc = out->sha256 && out->mime ? OK : err_set(e, E_NOMEM, NULL, "out of memory");
	} else if (s == SQLITE_DONE) {
		rc = err_set(e, E_NOTFOUND, "sha256", "文件不存在");
	} else {
		rc = sq_fail(db, e, "file get");
	}
	sqlite3_reset(st);
	return rc;
}

int store_file_insert(store *db, const store_file *f, err *e)
{
	static const char sql[] = "INSERT OR IGNORE INTO files(sha256,size,mime,stored_at) VALUES(?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, f->sha256);
	sqlite3_bind_int64(st, 2, f->size);
	sq_bind_text(st, 3, f->mime);
	sq_bind_text(st, 4, f->stored_at);
	return sq_step_done(db, st, e, "file insert");
}

int store_matter_file_insert(store *db, const store_matter_file *f, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO matter_files(matter_id,sha256,name,unit_id,uploaded_by,uploaded_at,"
	                          "log_seq) VALUES(?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, f->matter_id);
	sq_bind_text(st, 2, f->sha256);
	sq_bind_text(st, 3, f->name);
	sq_bind_text(st, 4, f->unit_id);
	sqlite3_bind_int64(st, 5, f->uploaded_by);
	sq_bind_text(st, 6, f->uploaded_at);
	sqlite3_bind_int64(st, 7, f->log_seq);
	rc = sq_step_done(db, st, e, "matter file insert");
	if (rc == E_CONFLICT)
		return err_set(e, E_CONFLICT, "file", "该文件已在本案卷宗中");
	if (rc == OK && out_id)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

static int mf_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_matter_file *f = out;
	f->id = sqlite3_column_int64(st, 0);
	f->matter_id = sqlite3_column_int64(st, 1);
	f->sha256 = sq_col_text(st, 2, a);
	f->name = sq_col_text(st, 3, a);
	f->unit_id = sq_col_text(st, 4, a);
	f->uploaded_by = sqlite3_column_int64(st, 5);
	f->uploaded_at = sq_col_text(st, 6, a);
	f->log_seq = sqlite3_column_int64(st, 7);
	f->mime = sq_col_text(st, 8, a);
	f->size = sqlite3_column_int64(st, 9);
	return f->sha256 && f->name && f->uploaded_at && f->mime ? OK : E_NOMEM;
}

#define MF_COLS "mf.id,mf.matter_id,mf.sha256,mf.name,mf.unit_id,mf.uploaded_by,mf.uploaded_at,mf.log_seq,f.mime,f.size"

int store_matter_file_list(store *db, int64_t matter_id, arena *a, store_matter_file **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT " MF_COLS " FROM matter_files mf JOIN files f ON f.sha256=mf.sha256 "
	                          "WHERE mf.matter_id=? ORDER BY mf.id";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	return sq_rows(db, st, a, sizeof **out, 0, mf_row, (void **)out, out_n, -1, NULL, e);
}

int store_matter_file_first(store *db, const char *sha256, arena *a, store_matter_file *out, err *e)
{
	static const char sql[] = "SELECT " MF_COLS " FROM matter_files mf JOIN files f ON f.sha256=mf.sha256 "
	                          "WHERE mf.sha256=? ORDER BY mf.log_seq LIMIT 1";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = mf_row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "sha256", "未登记");
	else
		rc = sq_fail(db, e, "file first");
	sqlite3_reset(st);
	return rc;
}

/* ---- extensions ---- */
#define EXT_COLS \
	"id,matter_id,requested_by,decided_by,stage,rule_id,status,reason,basis,requested_at,decided_at,decision_note"

static int ext_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_extension *x = out;
	x->id = sqlite3_column_int64(st, 0);
	x->matter_id = sqlite3_column_int64(st, 1);
	x->requested_by = sqlite3_column_int64(st, 2);
	x->decided_by = sqlite3_column_int64(st, 3);
	x->stage = sq_col_text(st, 4, a);
	x->rule_id = sq_col_text(st, 5, a);
	x->status = sq_col_text(st, 6, a);
	x->reason = sq_col_text(st, 7, a);
	x->basis = sq_col_text(st, 8, a);
	x->requested_at = sq_col_text(st, 9, a);
	x->decided_at = sq_col_text(st, 10, a);
	x->decision_note = sq_col_text(st, 11, a);
	return x->stage && x->status && x->reason ? OK : E_NOMEM;
}

int store_extension_insert(store *db, const store_extension *x, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO extensions(matter_id,stage,rule_id,status,reason,basis,requested_by,"
	                          "requested_at) VALUES(?,?,?,'pending',?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, x->matter_id);
	sq_bind_text(st, 2, x->stage);
	sq_bind_text(st, 3, x->rule_id);
	sq_bind_text(st, 4, x->reason);
	sq_bind_text(st, 5, x->basis);
	sqlite3_bind_int64(st, 6, x->requested_by);
	sq_bind_text(st, 7, x->requested_at);
	rc = sq_step_done(db, st, e, "extension insert");
	if (rc == E_CONFLICT)
		return err_set(e, E_CONFLICT, NULL, "已有一项待审批的延期申请");
	if (rc == OK)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int store_extension_get(store *db, int64_t id, arena *a, store_extension *out, err *e)
{
	static const char sql[] = "SELECT " EXT_COLS " FROM extensions WHERE id=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = ext_row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "id", "延期申请不存在");
	else
		rc = sq_fail(db, e, "extension get");
	sqlite3_reset(st);
	return rc;
}

int store_extension_list(store *db, int64_t matter_id, arena *a, store_extension **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT " EXT_COLS " FROM extensions WHERE matter_id=? ORDER BY id";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	return sq_rows(db, st, a, sizeof **out, 0, ext_row, (void **)out, out_n, -1, NULL, e);
}

int store_extension_decide(store *db, int64_t id, const char *status, int64_t by, const char *at, const char *note,
                           err *e)
{
	static const char sql[] = "UPDATE extensions SET status=?, decided_by=?, decided_at=?, decision_note=? "
	                          "WHERE id=? AND status='pending'";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, status);
	sqlite3_bind_int64(st, 2, by);
	sq_bind_text(st, 3, at);
	sq_bind_text(st, 4, note);
	sqlite3_bind_int64(st, 5, id);
	if ((rc = sq_step_done(db, st, e, "extension decide")))
		return rc;
	if (sqlite3_changes(db->h) != 1)
		return err_set(e, E_CONFLICT, NULL, "该延期申请已审批");
	return OK;
}
