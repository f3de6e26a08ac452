/*
 * sqlite_enforce.c - control orders, assistance requests and their items, the query log of person
 * lookups, the dishonest-debtor list and the enforcement counts supervision reads. See store.h
 * (the "enforcement" section) and migration 0005. Also the id bind/column helpers that this file and
 * sqlite_ledger.c share.
 */
#include "store/sqlite_internal.h"

#include <stdio.h>
#include <string.h>

/* ---- shared row helpers (sq_rows is in sqlite.c) ---- */

int sq_bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	return id ? sqlite3_bind_int64(st, i, id) : sqlite3_bind_null(st, i);
}

int64_t sq_col_id(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

/* Run a write statement that must change exactly one row; E_CONFLICT with msg otherwise. */
static int change_one(store *db, sqlite3_stmt *st, const char *what, const char *msg, err *e)
{
	int rc = sq_step_done(db, st, e, what);
	if (rc)
		return rc;
	if (sqlite3_changes(db->h) != 1)
		return err_set(e, E_CONFLICT, NULL, "%s", msg);
	return OK;
}

/* Units within an area: the area itself, a league's counties, or everything for the region. */
#define IN_AREA(area_col, league_col, p) \
	"(" p " IS NULL OR " p "='150000' OR " area_col "=" p " OR " league_col "=" p ")"
/* A unit or one of its sub-units ("152529.court" and "152529.court.zxj"). */
#define UNIT_OR_SUB(col, p) "(" col "=" p " OR substr(" col ",1,length(" p ")+1)=" p "||'.')"
/* An area below the region (a league or county code) as an indexable condition on a row's area and
 * league columns, or nothing for the whole region: IN_AREA's "p IS NULL OR p='150000' OR ..." reads
 * every row. */
static int area_below_region(const char *area_code)
{
	return area_code && *area_code && strcmp(area_code, "150000") != 0;
}
/* The same as index ranges: the unit, or the ids between "unit." and "unit/" ('/' follows '.'); the
 * substr() form reads every row. */
#define UNIT_RANGE(col, p) "(" col "=" p " OR (" col ">" p "||'.' AND " col "<" p "||'/'))"

/* ---- control orders ---- */
#define ORDER_COLS                                                                                              \
	"id,matter_id,court_unit_id,kind,party_id,subject_type,name,id_type,id_number,basis,reason,valid_from," \
	"valid_to,status,issued_at,issued_by,ended_at,ended_by,end_reason"

static int order_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_control_order *o = out;
	memset(o, 0, sizeof *o);
	o->id = sqlite3_column_int64(st, 0);
	o->matter_id = sqlite3_column_int64(st, 1);
	o->court_unit_id = sq_col_text(st, 2, a);
	o->kind = sq_col_text(st, 3, a);
	o->party_id = sq_col_id(st, 4);
	o->subject_type = sq_col_text(st, 5, a);
	o->name = sq_col_text(st, 6, a);
	o->id_type = sq_col_text(st, 7, a);
	o->id_number = sq_col_text(st, 8, a);
	o->basis = sq_col_text(st, 9, a);
	o->reason = sq_col_text(st, 10, a);
	o->valid_from = sq_col_text(st, 11, a);
	o->valid_to = sq_col_text(st, 12, a);
	o->status = sq_col_text(st, 13, a);
	o->issued_at = sq_col_text(st, 14, a);
	o->issued_by = sqlite3_column_int64(st, 15);
	o->ended_at = sq_col_text(st, 16, a);
	o->ended_by = sq_col_id(st, 17);
	o->end_reason = sq_col_text(st, 18, a);
	return o->court_unit_id && o->kind && o->name && o->id_number && o->basis && o->reason && o->valid_from &&
	                       o->status && o->issued_at
	               ? OK
	               : E_NOMEM;
}

int store_control_order_insert(store *db, const store_control_order *o, int64_t *out_id, err *e)
{
	static const char sql[] =
	        "INSERT INTO control_orders(matter_id,court_unit_id,kind,party_id,subject_type,name,id_type,id_number,"
	        "basis,reason,valid_from,valid_to,status,issued_at,issued_by) "
	        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,'active',?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, o->matter_id);
	sq_bind_text(st, 2, o->court_unit_id);
	sq_bind_text(st, 3, o->kind);
	sq_bind_id(st, 4, o->party_id);
	sq_bind_text(st, 5, o->subject_type);
	sq_bind_text(st, 6, o->name);
	sq_bind_text(st, 7, o->id_type);
	sq_bind_text(st, 8, o->id_number);
	sq_bind_text(st, 9, o->basis);
	sq_bind_text(st, 10, o->reason);
	sq_bind_text(st, 11, o->valid_from);
	sq_bind_text(st, 12, o->valid_to);
	sq_bind_text(st, 13, o->issued_at);
	sqlite3_bind_int64(st, 14, o->issued_by);
	if ((rc = sq_step_done(db, st, e, "control order insert")) == OK)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int store_control_order_get(store *db, int64_t id, arena *a, store_control_order *out, err *e)
{
	static const char sql[] = "SELECT " ORDER_COLS " FROM control_orders WHERE id=?";
	return sq_one_row(db, sql, id, a, order_row, out, "强制措施不存在或无权查看", e);
}

int store_control_order_list(store *db, const store_control_order_query *q, arena *a, store_control_order **out,
                             size_t *out_n, err *e)
{
	/* by subject (the police check: an index lookup) or by matter */
	static const char by_subject[] =
	        "SELECT " ORDER_COLS " FROM control_orders WHERE id_number=?1 AND (?2 IS NULL OR kind=?2)"
	        " AND (?3 IS NULL OR (status='active' AND valid_from<=?3 AND (valid_to IS NULL OR valid_to>=?3)))"
	        " ORDER BY id DESC LIMIT ?4 OFFSET ?5";
	static const char by_matter[] =
	        "SELECT " ORDER_COLS " FROM control_orders WHERE matter_id=?1 AND (?2 IS NULL OR kind=?2)"
	        " AND (?3 IS NULL OR (status='active' AND valid_from<=?3 AND (valid_to IS NULL OR valid_to>=?3)))"
	        " ORDER BY id DESC LIMIT ?4 OFFSET ?5";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, q->id_number ? by_subject : by_matter, &st, e);
	if (rc)
		return rc;
	if (q->id_number)
		sq_bind_text(st, 1, q->id_number);
	else
		sqlite3_bind_int64(st, 1, q->matter_id);
	sq_bind_text(st, 2, q->kind);
	sq_bind_text(st, 3, q->in_force_on);
	sqlite3_bind_int(st, 4, q->limit > 0 ? q->limit : 100);
	sqlite3_bind_int(st, 5, q->offset);
	return sq_rows(db, st, a, sizeof **out, 0, order_row, (void **)out, out_n, -1, NULL, e);
}

int store_control_order_end(store *db, int64_t id, const char *at, int64_t by, const char *reason, err *e)
{
	static const char sql[] = "UPDATE control_orders SET status='revoked', ended_at=?, ended_by=?, end_reason=?"
	                          " WHERE id=? AND status='active'";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, at);
	sqlite3_bind_int64(st, 2, by);
	sq_bind_text(st, 3, reason);
	sqlite3_bind_int64(st, 4, id);
	return change_one(db, st, "control order end", "该强制措施已解除，不能再次解除", e);
}

/* ---- assistance requests ---- */
#define REQUEST_COLS                                                                                     \
	"r.id,r.matter_id,r.court_unit_id,r.court_area_code,r.court_league_code,r.police_unit_id,"       \
	"r.police_area_code,r.police_league_code,r.basis,r.note,r.status,r.sent_on,r.sent_at,r.sent_by," \
	"r.answered_at,(SELECT count(*) FROM assist_items i WHERE i.request_id=r.id),"                   \
	"(SELECT count(*) FROM assist_items i WHERE i.request_id=r.id AND i.status='answered'),"         \
	"(SELECT count(*) FROM assist_items i WHERE i.request_id=r.id AND i.status='pending' AND i.due_on<?9)"

static int request_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_assist_request *r = out;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->matter_id = sqlite3_column_int64(st, 1);
	r->court_unit_id = sq_col_text(st, 2, a);
	r->court_area_code = sq_col_text(st, 3, a);
	r->court_league_code = sq_col_text(st, 4, a);
	r->police_unit_id = sq_col_text(st, 5, a);
	r->police_area_code = sq_col_text(st, 6, a);
	r->police_league_code = sq_col_text(st, 7, a);
	r->basis = sq_col_text(st, 8, a);
	r->note = sq_col_text(st, 9, a);
	r->status = sq_col_text(st, 10, a);
	r->sent_on = sq_col_text(st, 11, a);
	r->sent_at = sq_col_text(st, 12, a);
	r->sent_by = sqlite3_column_int64(st, 13);
	r->answered_at = sq_col_text(st, 14, a);
	r->n_items = sqlite3_column_int64(st, 15);
	r->n_answered = sqlite3_column_int64(st, 16);
	r->n_overdue = sqlite3_column_int64(st, 17);
	return r->court_unit_id && r->police_unit_id && r->basis && r->note && r->status && r->sent_on && r->sent_at
	               ? OK
	               : E_NOMEM;
}

int store_assist_request_insert(store *db, const store_assist_request *r, int64_t *out_id, err *e)
{
	static const char sql[] =
	        "INSERT INTO assist_requests(matter_id,court_unit_id,court_area_code,court_league_code,police_unit_id,"
	        "police_area_code,police_league_code,basis,note,status,sent_on,sent_at,sent_by)"
	        " VALUES(?,?,?,?,?,?,?,?,?,'open',?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, r->matter_id);
	sq_bind_text(st, 2, r->court_unit_id);
	sq_bind_text(st, 3, r->court_area_code);
	sq_bind_text(st, 4, r->court_league_code);
	sq_bind_text(st, 5, r->police_unit_id);
	sq_bind_text(st, 6, r->police_area_code);
	sq_bind_text(st, 7, r->police_league_code);
	sq_bind_text(st, 8, r->basis);
	sq_bind_text(st, 9, r->note ? r->note : "");
	sq_bind_text(st, 10, r->sent_on);
	sq_bind_text(st, 11, r->sent_at);
	sqlite3_bind_int64(st, 12, r->sent_by);
	if ((rc = sq_step_done(db, st, e, "assistance request insert")) == OK)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int store_assist_request_get(store *db, int64_t id, const char *today, arena *a, store_assist_request *out, err *e)
{
	static const char sql[] = "SELECT " REQUEST_COLS " FROM assist_requests r WHERE r.id=?1";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sq_bind_text(st, 9, today ? today : "0000-00-00");
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = request_row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "id", "协查请求不存在或无权查看");
	else
		rc = sq_fail(db, e, "assistance request get");
	sqlite3_reset(st);
	return rc;
}

int store_assist_request_close(store *db, int64_t id, const char *at, err *e)
{
	static const char sql[] =
	        "UPDATE assist_requests SET status='answered', answered_at=? WHERE id=? AND status='open'";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, at);
	sqlite3_bind_int64(st, 2, id);
	return sq_step_done(db, st, e, "assistance request close");
}

static void bind_request_filters(sqlite3_stmt *st, const void *ctx)
{
	const store_assist_query *q = ctx;
	sq_bind_text(st, 1, q->unit_id);
	sq_bind_text(st, 2, q->police_unit_id);
	sq_bind_text(st, 3, q->court_unit_id);
	sq_bind_text(st, 4, q->area_code);
	sqlite3_bind_int64(st, 5, q->matter_id);
	sq_bind_text(st, 6, q->status);
	sq_bind_text(st, 9, q->today ? q->today : "0000-00-00");
	sq_bind_text(st, 11, q->police_area_code);
	sq_bind_text(st, 12, q->court_area_code);
}

int store_assist_request_list(store *db, const store_assist_query *q, arena *a, store_assist_request **out,
                              size_t *out_n, int64_t *out_total, err *e)
{
	/* Only the filters that are set go into the WHERE clause, parameter numbers fixed, so that a unit's
	 * list seeks assist_requests_police or _court: the "?1 IS NULL OR ..." form with a window count
	 * read every request of the region (48-209 ms at a million matters, in every enforcement
	 * workbench). The total is its own count (the window count also said 0 past the last page). */
	const char *frags[9]; /* one for each filter below */
	size_t nf = 0;
	if (q->unit_id)
		frags[nf++] =
		        " AND (" UNIT_RANGE("r.police_unit_id", "?1") " OR " UNIT_RANGE("r.court_unit_id", "?1") ")";
	if (q->police_unit_id)
		frags[nf++] = " AND " UNIT_RANGE("r.police_unit_id", "?2");
	if (q->court_unit_id)
		frags[nf++] = " AND " UNIT_RANGE("r.court_unit_id", "?3");
	if (area_below_region(q->area_code))
		frags[nf++] = " AND (r.police_area_code=?4 OR r.police_league_code=?4 OR r.court_area_code=?4"
		              " OR r.court_league_code=?4)";
	if (area_below_region(q->police_area_code))
		frags[nf++] = " AND (r.police_area_code=?11 OR r.police_league_code=?11)";
	if (area_below_region(q->court_area_code))
		frags[nf++] = " AND (r.court_area_code=?12 OR r.court_league_code=?12)";
	if (q->matter_id)
		frags[nf++] = " AND r.matter_id=?5";
	if (q->status)
		frags[nf++] = " AND r.status=?6";
	if (q->overdue_only)
		frags[nf++] = " AND EXISTS (SELECT 1 FROM assist_items i WHERE i.request_id=r.id"
		              " AND i.status='pending' AND i.due_on<?9)";
	char where[1024], sql[2048];
	int rc = sq_where(where, sizeof where, frags, nf, e);
	if (rc)
		return rc;
	if (out_total) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM assist_requests r WHERE 1=1%s", where);
		if ((rc = sq_count(db, sql, bind_request_filters, q, out_total, e)))
			return rc;
	}
	/* the page's ids first, then their columns: the item counts per request (three subqueries) for the
	 * page alone, not for every request sorted (a county's 3,345 took 37 ms) */
	snprintf(sql, sizeof sql,
	         "SELECT " REQUEST_COLS " FROM assist_requests r WHERE r.id IN (SELECT r.id FROM assist_requests r"
	         " WHERE 1=1%s ORDER BY r.status<>'open', r.sent_on DESC, r.id DESC LIMIT ?7 OFFSET ?8)"
	         " ORDER BY r.status<>'open', r.sent_on DESC, r.id DESC",
	         where);
	sqlite3_stmt *st;
	if ((rc = sq_prepare_text(db, sql, &st, e)))
		return rc;
	bind_request_filters(st, q);
	int limit = q->limit > 0 ? q->limit : 50;
	sqlite3_bind_int(st, 7, limit);
	sqlite3_bind_int(st, 8, q->offset);
	return sq_rows(db, st, a, sizeof **out, limit, request_row, (void **)out, out_n, -1, NULL, e);
}

#define ITEM_COLS                                                                                          \
	"id,request_id,ord,party_id,name,id_type,id_number,kind,order_id,police_unit_id,police_area_code," \
	"police_league_code,sent_on,due_on,status,found,findings,action_taken,attachments,answered_on,"    \
	"answered_at,answered_by"

static int item_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_assist_item *it = out;
	memset(it, 0, sizeof *it);
	it->id = sqlite3_column_int64(st, 0);
	it->request_id = sqlite3_column_int64(st, 1);
	it->ord = sqlite3_column_int(st, 2);
	it->party_id = sq_col_id(st, 3);
	it->name = sq_col_text(st, 4, a);
	it->id_type = sq_col_text(st, 5, a);
	it->id_number = sq_col_text(st, 6, a);
	it->kind = sq_col_text(st, 7, a);
	it->order_id = sq_col_id(st, 8);
	it->police_unit_id = sq_col_text(st, 9, a);
	it->police_area_code = sq_col_text(st, 10, a);
	it->police_league_code = sq_col_text(st, 11, a);
	it->sent_on = sq_col_text(st, 12, a);
	it->due_on = sq_col_text(st, 13, a);
	it->status = sq_col_text(st, 14, a);
	it->found = sqlite3_column_type(st, 15) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 15);
	it->findings = sq_col_text(st, 16, a);
	it->action_taken = sq_col_text(st, 17, a);
	it->attachments = sq_col_text(st, 18, a);
	it->answered_on = sq_col_text(st, 19, a);
	it->answered_at = sq_col_text(st, 20, a);
	it->answered_by = sq_col_id(st, 21);
	return it->name && it->id_number && it->kind && it->police_unit_id && it->due_on && it->status ? OK : E_NOMEM;
}

int store_assist_item_insert(store *db, const store_assist_item *it, int64_t *out_id, err *e)
{
	static const char sql[] =
	        "INSERT INTO assist_items(request_id,ord,party_id,name,id_type,id_number,kind,order_id,police_unit_id,"
	        "police_area_code,police_league_code,sent_on,due_on,status,sent_at) "
	        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,'pending',"
	        "(SELECT sent_at FROM assist_requests WHERE id=?1))";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, it->request_id);
	sqlite3_bind_int(st, 2, it->ord);
	sq_bind_id(st, 3, it->party_id);
	sq_bind_text(st, 4, it->name);
	sq_bind_text(st, 5, it->id_type);
	sq_bind_text(st, 6, it->id_number);
	sq_bind_text(st, 7, it->kind);
	sq_bind_id(st, 8, it->order_id);
	sq_bind_text(st, 9, it->police_unit_id);
	sq_bind_text(st, 10, it->police_area_code);
	sq_bind_text(st, 11, it->police_league_code);
	sq_bind_text(st, 12, it->sent_on);
	sq_bind_text(st, 13, it->due_on);
	if ((rc = sq_step_done(db, st, e, "assistance item insert")) == OK && out_id)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int store_assist_item_get(store *db, int64_t id, arena *a, store_assist_item *out, err *e)
{
	static const char sql[] = "SELECT " ITEM_COLS " FROM assist_items WHERE id=?";
	return sq_one_row(db, sql, id, a, item_row, out, "协查事项不存在", e);
}

int store_assist_item_list(store *db, int64_t request_id, arena *a, store_assist_item **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT " ITEM_COLS " FROM assist_items WHERE request_id=? ORDER BY ord";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, request_id);
	return sq_rows(db, st, a, sizeof **out, 0, item_row, (void **)out, out_n, -1, NULL, e);
}

int store_assist_item_answer(store *db, const store_assist_item *it, err *e)
{
	static const char sql[] =
	        "UPDATE assist_items SET status='answered', found=?, findings=?, action_taken=?, attachments=?,"
	        " answered_on=?, answered_at=?, answered_by=? WHERE id=? AND status='pending'";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int(st, 1, it->found ? 1 : 0);
	sq_bind_text(st, 2, it->findings ? it->findings : "{}");
	sq_bind_text(st, 3, it->action_taken ? it->action_taken : "");
	sq_bind_text(st, 4, it->attachments ? it->attachments : "[]");
	sq_bind_text(st, 5, it->answered_on);
	sq_bind_text(st, 6, it->answered_at);
	sqlite3_bind_int64(st, 7, it->answered_by);
	sqlite3_bind_int64(st, 8, it->id);
	return change_one(db, st, "assistance item answer", "该协查事项已经回复，不能重复回复", e);
}

struct overdue_filter {
	const char *police_unit_id, *area_code, *today;
};

static void bind_overdue_filters(sqlite3_stmt *st, const void *ctx)
{
	const struct overdue_filter *f = ctx;
	sq_bind_text(st, 1, f->today);
	sq_bind_text(st, 2, f->police_unit_id);
	sq_bind_text(st, 3, f->area_code);
}

int store_assist_item_overdue(store *db, const char *police_unit_id, const char *area_code, const char *today,
                              int limit, arena *a, store_assist_item **out, size_t *out_n, int64_t *out_total, err *e)
{
	/* as the request list: only the filters set, so that a police unit's items seek assist_items_unit
	 * (unit, status, due date) */
	const char *frags[2];
	size_t nf = 0;
	if (police_unit_id)
		frags[nf++] = " AND " UNIT_RANGE("police_unit_id", "?2");
	if (area_below_region(area_code))
		frags[nf++] = " AND (police_area_code=?3 OR police_league_code=?3)";
	char where[512], sql[1024];
	struct overdue_filter f = { police_unit_id, area_code, today };
	int rc = sq_where(where, sizeof where, frags, nf, e);
	if (rc)
		return rc;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM assist_items WHERE status='pending' AND due_on<?1%s", where);
	if ((rc = sq_count(db, sql, bind_overdue_filters, &f, out_total, e)))
		return rc;
	snprintf(sql, sizeof sql,
	         "SELECT " ITEM_COLS " FROM assist_items WHERE status='pending' AND due_on<?1%s ORDER BY due_on, id"
	         " LIMIT ?4",
	         where);
	sqlite3_stmt *st;
	if ((rc = sq_prepare_text(db, sql, &st, e)))
		return rc;
	bind_overdue_filters(st, &f);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : 100);
	return sq_rows(db, st, a, sizeof **out, limit, item_row, (void **)out, out_n, -1, NULL, e);
}

static int stat_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_assist_stat *s = out;
	memset(s, 0, sizeof *s);
	s->police_unit_id = sq_col_text(st, 0, a);
	s->items = sqlite3_column_int64(st, 1);
	s->answered = sqlite3_column_int64(st, 2);
	s->pending = sqlite3_column_int64(st, 3);
	s->overdue = sqlite3_column_int64(st, 4);
	s->answered_late = sqlite3_column_int64(st, 5);
	s->found = sqlite3_column_int64(st, 6);
	s->avg_days = sqlite3_column_double(st, 7);
	s->max_days = sqlite3_column_double(st, 8);
	return s->police_unit_id ? OK : E_NOMEM;
}

struct stats_filter {
	const char *area_code, *police_unit_id, *from, *to, *today;
};

static void bind_stats_filters(sqlite3_stmt *st, const void *ctx)
{
	const struct stats_filter *f = ctx;
	sq_bind_text(st, 1, f->area_code);
	sq_bind_text(st, 2, f->police_unit_id);
	sq_bind_text(st, 3, f->from);
	sq_bind_text(st, 4, f->to);
	sq_bind_text(st, 5, f->today);
}

int store_assist_stats(store *db, const char *area_code, const char *police_unit_id, const char *from, const char *to,
                       const char *today, arena *a, store_assist_stat **out, size_t *out_n, err *e)
{
	/* only the filters set: a league's or county's items from assist_items_league / _area, not every
	 * item of the region with its request (0.33 s for a league, 0.25 s of a county committee's 0.7 s
	 * enforcement supervision at a million matters) */
	const char *frags[4];
	size_t nf = 0;
	if (area_below_region(area_code))
		frags[nf++] = " AND (i.police_area_code=?1 OR i.police_league_code=?1)";
	if (police_unit_id)
		frags[nf++] = " AND " UNIT_RANGE("i.police_unit_id", "?2");
	if (from)
		frags[nf++] = " AND i.sent_on>=?3";
	if (to)
		frags[nf++] = " AND i.sent_on<=?4";
	char where[512], sql[1400];
	int rc = sq_where(where, sizeof where, frags, nf, e);
	if (rc)
		return rc;
	snprintf(
	        sql, sizeof sql,
	        "SELECT i.police_unit_id, count(*), sum(i.status='answered'), sum(i.status='pending'),"
	        " sum(i.status='pending' AND i.due_on<?5), sum(i.status='answered' AND i.answered_on>i.due_on),"
	        " sum(i.found=1),"
	        " coalesce(avg(CASE WHEN i.status='answered' THEN julianday(i.answered_at)-julianday(i.sent_at) "
	        "END),0),"
	        " coalesce(max(CASE WHEN i.status='answered' THEN julianday(i.answered_at)-julianday(i.sent_at) END),0)"
	        " FROM assist_items i WHERE 1=1%s"
	        " GROUP BY i.police_unit_id ORDER BY i.police_unit_id",
	        where);
	sqlite3_stmt *st;
	if ((rc = sq_prepare_text(db, sql, &st, e)))
		return rc;
	struct stats_filter f = { area_code, police_unit_id, from, to, today };
	bind_stats_filters(st, &f);
	return sq_rows(db, st, a, sizeof **out, 0, stat_row, (void **)out, out_n, -1, NULL, e);
}

/* ---- the query log ---- */
static int lookup_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_person_lookup *l = out;
	memset(l, 0, sizeof *l);
	l->id = sqlite3_column_int64(st, 0);
	l->id_number = sq_col_text(st, 1, a);
	l->name = sq_col_text(st, 2, a);
	l->purpose = sq_col_text(st, 3, a);
	l->what = sq_col_text(st, 4, a);
	l->matter_id = sq_col_id(st, 5);
	l->case_ref = sq_col_text(st, 6, a);
	l->basis = sq_col_text(st, 7, a);
	l->actor_user_id = sqlite3_column_int64(st, 8);
	l->actor_unit_id = sq_col_text(st, 9, a);
	l->at = sq_col_text(st, 10, a);
	return l->id_number && l->purpose && l->what && l->basis && l->at ? OK : E_NOMEM;
}

int store_person_lookup_insert(store *db, const store_person_lookup *l, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO person_lookups(id_number,name,purpose,what,matter_id,case_ref,basis,"
	                          "actor_user_id,actor_unit_id,at) VALUES(?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, l->id_number);
	sq_bind_text(st, 2, l->name);
	sq_bind_text(st, 3, l->purpose);
	sq_bind_text(st, 4, l->what);
	sq_bind_id(st, 5, l->matter_id);
	sq_bind_text(st, 6, l->case_ref);
	sq_bind_text(st, 7, l->basis);
	sqlite3_bind_int64(st, 8, l->actor_user_id);
	sq_bind_text(st, 9, l->actor_unit_id);
	sq_bind_text(st, 10, l->at);
	if ((rc = sq_step_done(db, st, e, "person lookup insert")) == OK && out_id)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int store_person_lookup_list(store *db, const char *id_number, const char *until, int limit, arena *a,
                             store_person_lookup **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT id,id_number,name,purpose,what,matter_id,case_ref,basis,actor_user_id,"
	                          "actor_unit_id,at FROM person_lookups WHERE id_number=?1 AND (?2 IS NULL OR at<=?2)"
	                          " ORDER BY at DESC, id DESC LIMIT ?3";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, id_number);
	sq_bind_text(st, 2, until);
	sqlite3_bind_int(st, 3, limit > 0 ? limit : 200);
	return sq_rows(db, st, a, sizeof **out, limit, lookup_row, (void **)out, out_n, -1, NULL, e);
}

/* ---- the dishonest-debtor list ---- */
#define LISTING_COLS                                                                                            \
	"id,matter_id,court_unit_id,party_id,subject_type,name,id_type,id_number,sex,age,legal_representative," \
	"court_name,province,case_number,filed_on,source_doc_number,source_doc_issuer,obligation,ground,"       \
	"conduct,decided_on,years,expires_on,notified_on,notice_method,publish_on,status,removed_on,"           \
	"removal_reason,removal_note,created_at,created_by,removed_at,removed_by"

static int listing_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_listing *l = out;
	memset(l, 0, sizeof *l);
	l->id = sqlite3_column_int64(st, 0);
	l->matter_id = sqlite3_column_int64(st, 1);
	l->court_unit_id = sq_col_text(st, 2, a);
	l->party_id = sqlite3_column_int64(st, 3);
	l->subject_type = sq_col_text(st, 4, a);
	l->name = sq_col_text(st, 5, a);
	l->id_type = sq_col_text(st, 6, a);
	l->id_number = sq_col_text(st, 7, a);
	l->sex = sq_col_text(st, 8, a);
	l->age = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 9);
	l->legal_representative = sq_col_text(st, 10, a);
	l->court_name = sq_col_text(st, 11, a);
	l->province = sq_col_text(st, 12, a);
	l->case_number = sq_col_text(st, 13, a);
	l->filed_on = sq_col_text(st, 14, a);
	l->source_doc_number = sq_col_text(st, 15, a);
	l->source_doc_issuer = sq_col_text(st, 16, a);
	l->obligation = sq_col_text(st, 17, a);
	l->ground = sq_col_text(st, 18, a);
	l->conduct = sq_col_text(st, 19, a);
	l->decided_on = sq_col_text(st, 20, a);
	l->years = sqlite3_column_type(st, 21) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 21);
	l->expires_on = sq_col_text(st, 22, a);
	l->notified_on = sq_col_text(st, 23, a);
	l->notice_method = sq_col_text(st, 24, a);
	l->publish_on = sq_col_text(st, 25, a);
	l->status = sq_col_text(st, 26, a);
	l->removed_on = sq_col_text(st, 27, a);
	l->removal_reason = sq_col_text(st, 28, a);
	l->removal_note = sq_col_text(st, 29, a);
	l->created_at = sq_col_text(st, 30, a);
	l->created_by = sqlite3_column_int64(st, 31);
	l->removed_at = sq_col_text(st, 32, a);
	l->removed_by = sq_col_id(st, 33);
	return l->court_unit_id && l->name && l->id_number && l->court_name && l->case_number && l->ground &&
	                       l->conduct && l->decided_on && l->status && l->created_at
	               ? OK
	               : E_NOMEM;
}

int store_listing_insert(store *db, const store_listing *l, int64_t *out_id, err *e)
{
	static const char sql[] =
	        "INSERT INTO debtor_listings(matter_id,court_unit_id,party_id,subject_type,name,id_type,id_number,sex,"
	        "age,legal_representative,court_name,province,case_number,filed_on,source_doc_number,source_doc_issuer,"
	        "obligation,ground,conduct,decided_on,years,expires_on,status,created_at,created_by)"
	        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,'listed',?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, l->matter_id);
	sq_bind_text(st, 2, l->court_unit_id);
	sqlite3_bind_int64(st, 3, l->party_id);
	sq_bind_text(st, 4, l->subject_type);
	sq_bind_text(st, 5, l->name);
	sq_bind_text(st, 6, l->id_type);
	sq_bind_text(st, 7, l->id_number);
	sq_bind_text(st, 8, l->sex);
	if (l->age >= 0)
		sqlite3_bind_int(st, 9, l->age);
	sq_bind_text(st, 10, l->legal_representative);
	sq_bind_text(st, 11, l->court_name);
	sq_bind_text(st, 12, l->province);
	sq_bind_text(st, 13, l->case_number);
	sq_bind_text(st, 14, l->filed_on);
	sq_bind_text(st, 15, l->source_doc_number);
	sq_bind_text(st, 16, l->source_doc_issuer);
	sq_bind_text(st, 17, l->obligation);
	sq_bind_text(st, 18, l->ground);
	sq_bind_text(st, 19, l->conduct);
	sq_bind_text(st, 20, l->decided_on);
	if (l->years >= 0)
		sqlite3_bind_int(st, 21, l->years);
	sq_bind_text(st, 22, l->expires_on);
	sq_bind_text(st, 23, l->created_at);
	sqlite3_bind_int64(st, 24, l->created_by);
	rc = sq_step_done(db, st, e, "listing insert");
	if (rc == E_CONFLICT)
		return err_set(e, E_CONFLICT, "party_id", "该被执行人在本案中已被纳入失信名单");
	if (rc == OK)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

int store_listing_get(store *db, int64_t id, arena *a, store_listing *out, err *e)
{
	static const char sql[] = "SELECT " LISTING_COLS " FROM debtor_listings WHERE id=?";
	return sq_one_row(db, sql, id, a, listing_row, out, "失信名单记录不存在或无权查看", e);
}

#define LISTING_FILTERS                                                                                   \
	" AND (?2=0 OR matter_id=?2) AND (?3 IS NULL OR " UNIT_OR_SUB(                                    \
	        "court_unit_id",                                                                          \
	        "?3") ")"                                                                                 \
	              " AND (?4 IS NULL OR status=?4)"                                                    \
	              " AND (?5 IS NULL OR (status='listed' AND (expires_on IS NULL OR expires_on>=?5)))" \
	              " AND (?6 IS NULL OR (publish_on IS NOT NULL AND publish_on<=?6))"                  \
	              " ORDER BY decided_on DESC, id DESC LIMIT ?7 OFFSET ?8"

int store_listing_list(store *db, const store_listing_query *q, arena *a, store_listing **out, size_t *out_n,
                       int64_t *out_total, err *e)
{
	/* the public query reads by identifier or by name (an index each); staff lists by matter or court */
	static const char by_id[] = "SELECT " LISTING_COLS ", count(*) OVER () FROM debtor_listings WHERE id_number=?1 "
	                            "AND (?9 IS NULL OR name=?9)" LISTING_FILTERS;
	static const char by_name[] =
	        "SELECT " LISTING_COLS ", count(*) OVER () FROM debtor_listings WHERE name=?1" LISTING_FILTERS;
	static const char by_matter[] =
	        "SELECT " LISTING_COLS
	        ", count(*) OVER () FROM debtor_listings WHERE ?1 IS NULL AND matter_id=?2" LISTING_FILTERS;
	static const char other[] =
	        "SELECT " LISTING_COLS ", count(*) OVER () FROM debtor_listings WHERE ?1 IS NULL" LISTING_FILTERS;
	const char *sql = q->id_number ? by_id : q->name ? by_name : q->matter_id ? by_matter : other;
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, q->id_number ? q->id_number : q->name);
	sqlite3_bind_int64(st, 2, q->matter_id);
	sq_bind_text(st, 3, q->court_unit_id);
	sq_bind_text(st, 4, q->status);
	sq_bind_text(st, 5, q->live_on);
	sq_bind_text(st, 6, q->published_on);
	int limit = q->limit > 0 ? q->limit : 50;
	sqlite3_bind_int(st, 7, limit);
	sqlite3_bind_int(st, 8, q->offset);
	if (q->id_number)
		sq_bind_text(st, 9, q->name);
	return sq_rows(db, st, a, sizeof **out, limit, listing_row, (void **)out, out_n, 34, out_total, e);
}

int store_listing_notice(store *db, int64_t id, const char *notified_on, const char *method, const char *publish_on,
                         err *e)
{
	static const char sql[] = "UPDATE debtor_listings SET notified_on=?, notice_method=?, publish_on=?"
	                          " WHERE id=? AND status='listed' AND notified_on IS NULL";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, notified_on);
	sq_bind_text(st, 2, method);
	sq_bind_text(st, 3, publish_on);
	sqlite3_bind_int64(st, 4, id);
	return change_one(db, st, "listing notice", "已记录过告知或已删除，不能再记录告知", e);
}

int store_listing_remove(store *db, int64_t id, const char *on, const char *reason, const char *note, const char *at,
                         int64_t by, err *e)
{
	static const char sql[] = "UPDATE debtor_listings SET status='removed', removed_on=?, removal_reason=?,"
	                          " removal_note=?, removed_at=?, removed_by=? WHERE id=? AND status='listed'";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, on);
	sq_bind_text(st, 2, reason);
	sq_bind_text(st, 3, note);
	sq_bind_text(st, 4, at);
	sq_bind_id(st, 5, by);
	sqlite3_bind_int64(st, 6, id);
	return change_one(db, st, "listing remove", "该失信记录已删除", e);
}

int store_listing_ended(store *db, const char *today, const char *since, int limit, arena *a, store_listing **out,
                        size_t *out_n, err *e)
{
	static const char sql[] =
	        "SELECT " LISTING_COLS " FROM debtor_listings WHERE publish_on IS NOT NULL AND publish_on<=?1"
	        " AND (status='removed' OR expires_on<?1)"
	        " AND (?2 IS NULL OR coalesce(removed_on, date(expires_on,'+1 day'))>=?2)"
	        " ORDER BY coalesce(removed_on, date(expires_on,'+1 day')) DESC, id DESC LIMIT ?3";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, today);
	sq_bind_text(st, 2, since);
	sqlite3_bind_int(st, 3, limit > 0 ? limit : 50);
	return sq_rows(db, st, a, sizeof **out, limit, listing_row, (void **)out, out_n, -1, NULL, e);
}

/* ---- supervision counts and metric events ---- */
static int count_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_enforce_count *c = out;
	memset(c, 0, sizeof *c);
	c->unit_id = sq_col_text(st, 0, a);
	c->assist_pending = sqlite3_column_int64(st, 1);
	c->assist_overdue = sqlite3_column_int64(st, 2);
	c->orders_active = sqlite3_column_int64(st, 3);
	c->listings_live = sqlite3_column_int64(st, 4);
	return c->unit_id ? OK : E_NOMEM;
}

int store_enforce_counts(store *db, const char *area_code, const char *today, arena *a, store_enforce_count **out,
                         size_t *out_n, err *e)
{
	static const char sql[] =
	        "SELECT unit, sum(ap), sum(ao), sum(oa), sum(ll) FROM ("
	        " SELECT police_unit_id AS unit, count(*) AS ap, sum(due_on<?2) AS ao, 0 AS oa, 0 AS ll FROM "
	        "assist_items"
	        "  WHERE status='pending' AND " IN_AREA(
	                "police_area_code", "police_league_code",
	                "?1") "  GROUP BY police_unit_id"
	                      " UNION ALL SELECT o.court_unit_id, 0, 0, count(*), 0 FROM control_orders o"
	                      "  JOIN units u ON u.id=o.court_unit_id JOIN areas ar ON ar.code=u.area_code"
	                      "  WHERE o.status='active' AND o.valid_from<=?2 AND (o.valid_to IS NULL OR "
	                      "o.valid_to>=?2)"
	                      "  AND " IN_AREA(
	                              "u.area_code", "ar.parent_code",
	                              "?1") " GROUP BY o.court_unit_id"
	                                    " UNION ALL SELECT l.court_unit_id, 0, 0, 0, count(*) FROM debtor_listings "
	                                    "l"
	                                    "  JOIN units u ON u.id=l.court_unit_id JOIN areas ar ON "
	                                    "ar.code=u.area_code"
	                                    "  WHERE l.status='listed' AND (l.expires_on IS NULL OR l.expires_on>=?2)"
	                                    "  AND " IN_AREA("u.area_code", "ar.parent_code",
	                                                     "?1") " GROUP BY l.court_unit_id"
	                                                           ") GROUP BY unit ORDER BY unit";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, area_code);
	sq_bind_text(st, 2, today);
	return sq_rows(db, st, a, sizeof **out, 0, count_row, (void **)out, out_n, -1, NULL, e);
}

static int event_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_enforce_event *ev = out;
	memset(ev, 0, sizeof *ev);
	ev->matter_id = sqlite3_column_int64(st, 0);
	ev->unit_id = sq_col_text(st, 1, a);
	ev->on = sq_col_text(st, 2, a);
	ev->event_type = sq_col_text(st, 3, a);
	ev->manner = sq_col_text(st, 4, a);
	return ev->on && ev->event_type ? OK : E_NOMEM;
}

/* The events the metrics count, as the partial index events_enforcement (migration 0013) holds them:
 * the query repeats the index's WHERE word for word, since SQLite uses a partial index only for a
 * query whose WHERE contains it. */
#define ENFORCEMENT_EVENTS                                                                                  \
	"entity_type = 'matter'"                                                                            \
	" AND (event_type IN ('matter.apply_enforcement', 'matter.close_enforced', 'matter.close_settled'," \
	" 'matter.close_no_assets', 'matter.close_terminated')"                                             \
	" OR (event_type = 'matter.filed' AND json_extract(payload, '$.changes.kind.new') = 'enforcement'))"
static const char *const enforcement_event_types[] = { "matter.filed",           "matter.apply_enforcement",
	                                               "matter.close_enforced",  "matter.close_settled",
	                                               "matter.close_no_assets", "matter.close_terminated" };

int store_enforce_events(store *db, const char *const *event_types, size_t n_types, const char *from, const char *to,
                         arena *a, store_enforce_event **out, size_t *out_n, err *e)
{
	/* The business date of a matter step is the stage_started_on it set (demo data and late entries
	 * are dated by the step, not by the moment they were typed in). Every column is one of the index's,
	 * so SQLite reads no event row. */
	static const char sql[] =
	        "SELECT * FROM (SELECT CAST(entity_id AS INTEGER) AS mid, actor_unit_id,"
	        " coalesce(json_extract(payload, '$.changes.stage_started_on.new'), substr(at, 1, 10)) AS d,"
	        " event_type, json_extract(payload, '$.changes.manner.new') AS manner, seq"
	        " FROM events INDEXED BY events_enforcement WHERE " ENFORCEMENT_EVENTS
	        " AND event_type IN (?1,?2,?3,?4,?5,?6))"
	        " WHERE (?7 IS NULL OR d>=?7) AND (?8 IS NULL OR d<=?8) ORDER BY mid, d, seq";
	if (n_types > 6)
		return err_set(e, E_INTERNAL, NULL, "at most 6 event types");
	for (size_t i = 0; i < n_types; i++) {
		size_t k = 0;
		while (k < sizeof enforcement_event_types / sizeof *enforcement_event_types &&
		       strcmp(event_types[i], enforcement_event_types[k]))
			k++;
		if (k == sizeof enforcement_event_types / sizeof *enforcement_event_types)
			return err_set(e, E_INTERNAL, NULL, "event type %s is not in events_enforcement",
			               event_types[i]);
	}
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < 6; i++)
		sq_bind_text(st, (int)i + 1, i < n_types ? event_types[i] : NULL);
	sq_bind_text(st, 7, from);
	sq_bind_text(st, 8, to);
	return sq_rows(db, st, a, sizeof **out, 0, event_row, (void **)out, out_n, -1, NULL, e);
}

/* ---- migration 0008: the sweep, the conditions of 终本, query codes ---- */
int store_enforce_matter_facts(store *db, int64_t matter_id, int64_t *out_consumption_orders,
                               int64_t *out_answered_items, err *e)
{
	static const char sql[] =
	        "SELECT (SELECT count(*) FROM control_orders WHERE matter_id=?1 AND kind='consumption_restriction'),"
	        " (SELECT count(*) FROM assist_items i JOIN assist_requests r ON r.id=i.request_id"
	        "  WHERE r.matter_id=?1 AND i.status='answered')";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return sq_fail(db, e, "matter facts");
	*out_consumption_orders = sqlite3_column_int64(st, 0);
	*out_answered_items = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return OK;
}

int store_control_order_to_expire(store *db, const char *today, int limit, arena *a, store_control_order **out,
                                  size_t *out_n, err *e)
{
	static const char sql[] = "SELECT " ORDER_COLS " FROM control_orders WHERE status='active' AND valid_to IS NOT "
	                          "NULL AND expiry_recorded_at IS NULL AND valid_to<?1 ORDER BY valid_to, id LIMIT ?2";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, today);
	sqlite3_bind_int(st, 2, limit);
	return sq_rows(db, st, a, sizeof **out, limit, order_row, (void **)out, out_n, -1, NULL, e);
}

int store_control_order_mark_expired(store *db, int64_t id, const char *at, err *e)
{
	static const char sql[] =
	        "UPDATE control_orders SET expiry_recorded_at=? WHERE id=? AND expiry_recorded_at IS NULL";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, at);
	sqlite3_bind_int64(st, 2, id);
	return change_one(db, st, "order mark expired", "该强制措施的届满已记录", e);
}

int store_listing_to_sweep(store *db, int publication, const char *today, int limit, arena *a, store_listing **out,
                           size_t *out_n, err *e)
{
	static const char expire_sql[] =
	        "SELECT " LISTING_COLS " FROM debtor_listings WHERE status='listed' AND expires_on IS NOT NULL"
	        " AND expiry_recorded_at IS NULL AND expires_on<?1 ORDER BY expires_on, id LIMIT ?2";
	static const char publish_sql[] =
	        "SELECT " LISTING_COLS " FROM debtor_listings WHERE status='listed' AND publish_on IS NOT NULL"
	        " AND publication_recorded_at IS NULL AND publish_on<=?1 ORDER BY publish_on, id LIMIT ?2";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, publication ? publish_sql : expire_sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, today);
	sqlite3_bind_int(st, 2, limit);
	return sq_rows(db, st, a, sizeof **out, limit, listing_row, (void **)out, out_n, -1, NULL, e);
}

int store_listing_mark_swept(store *db, int64_t id, int publication, const char *at, err *e)
{
	static const char expire_sql[] =
	        "UPDATE debtor_listings SET expiry_recorded_at=? WHERE id=? AND expiry_recorded_at IS NULL";
	static const char publish_sql[] =
	        "UPDATE debtor_listings SET publication_recorded_at=? WHERE id=? AND publication_recorded_at IS NULL";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, publication ? publish_sql : expire_sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, at);
	sqlite3_bind_int64(st, 2, id);
	return change_one(db, st, "listing mark swept", "该失信记录的公布或届满已记录", e);
}

int store_query_code_insert(store *db, const store_query_code *c, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO query_codes(id_number,code_hash,reason,issued_at,issued_by,"
	                          "issued_unit_id,expires_at) VALUES(?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, c->id_number);
	sq_bind_text(st, 2, c->code_hash);
	sq_bind_text(st, 3, c->reason);
	sq_bind_text(st, 4, c->issued_at);
	sqlite3_bind_int64(st, 5, c->issued_by);
	sq_bind_text(st, 6, c->issued_unit_id);
	sq_bind_text(st, 7, c->expires_at);
	if ((rc = sq_step_done(db, st, e, "query code insert")) == OK && out_id)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

static int query_code_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_query_code *c = out;
	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->id_number = sq_col_text(st, 1, a);
	c->code_hash = sq_col_text(st, 2, a);
	c->reason = sq_col_text(st, 3, a);
	c->issued_at = sq_col_text(st, 4, a);
	c->issued_by = sqlite3_column_int64(st, 5);
	c->issued_unit_id = sq_col_text(st, 6, a);
	c->expires_at = sq_col_text(st, 7, a);
	c->used_at = sq_col_text(st, 8, a);
	return c->id_number && c->code_hash && c->expires_at ? OK : E_NOMEM;
}

int store_query_code_find(store *db, const char *code_hash, arena *a, store_query_code *out, err *e)
{
	static const char sql[] = "SELECT id,id_number,code_hash,reason,issued_at,issued_by,issued_unit_id,expires_at,"
	                          "used_at FROM query_codes WHERE code_hash=?";
	sqlite3_stmt *st;
	store_query_code *v;
	size_t n;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, code_hash);
	if ((rc = sq_rows(db, st, a, sizeof *v, 1, query_code_row, (void **)&v, &n, -1, NULL, e)))
		return rc;
	if (!n)
		return err_set(e, E_NOTFOUND, "code", "查询码不正确");
	*out = v[0];
	return OK;
}

int store_query_code_use(store *db, int64_t id, const char *at, err *e)
{
	static const char sql[] = "UPDATE query_codes SET used_at=? WHERE id=? AND used_at IS NULL";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, at);
	sqlite3_bind_int64(st, 2, id);
	return change_one(db, st, "query code use", "查询码已使用", e);
}

int store_query_code_failures(store *db, const char *id_number, int *out_failed, int64_t *out_locked_until, err *e)
{
	static const char sql[] = "SELECT failed_count,locked_until FROM query_code_failures WHERE id_number=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, id_number);
	*out_failed = 0;
	*out_locked_until = 0;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*out_failed = sqlite3_column_int(st, 0);
		*out_locked_until = sqlite3_column_int64(st, 1);
	} else if (s != SQLITE_DONE) {
		return sq_fail(db, e, "query code failures");
	}
	sqlite3_reset(st);
	return OK;
}

int store_query_code_failures_set(store *db, const char *id_number, int failed, int64_t locked_until, err *e)
{
	static const char sql[] =
	        "INSERT INTO query_code_failures(id_number,failed_count,locked_until) VALUES(?1,?2,?3)"
	        " ON CONFLICT(id_number) DO UPDATE SET failed_count=?2, locked_until=?3";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, id_number);
	sqlite3_bind_int(st, 2, failed);
	sqlite3_bind_int64(st, 3, locked_until);
	return sq_step_done(db, st, e, "query code failures set");
}
