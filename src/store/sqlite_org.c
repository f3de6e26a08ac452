/*
 * sqlite_org.c - areas and units. See store.h.
 */
#include "store/sqlite_internal.h"

#include <string.h>

int store_area_insert(store *db, const store_area *ar, err *e)
{
	static const char sql[] = "INSERT INTO areas(code,name,parent_code,level) VALUES(?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, ar->code);
	sq_bind_text(st, 2, ar->name);
	sq_bind_text(st, 3, ar->parent_code);
	sq_bind_text(st, 4, ar->level);
	return sq_step_done(db, st, e, "area insert");
}

int store_area_list(store *db, arena *a, store_area **out, size_t *out_n, err *e)
{
	static const char q_n[] = "SELECT count(*) FROM areas";
	static const char sql[] = "SELECT code,name,parent_code,level FROM areas ORDER BY code";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, q_n, &st, e);
	if (rc)
		return rc;
	size_t cap = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	store_area *v = arena_alloc(a, (cap + 1) * sizeof *v);
	if (!v)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if ((rc = sq_prepare(db, sql, &st, e)))
		return rc;
	size_t n = 0;
	while (n < cap && sqlite3_step(st) == SQLITE_ROW) {
		v[n].code = sq_col_text(st, 0, a);
		v[n].name = sq_col_text(st, 1, a);
		v[n].parent_code = sq_col_text(st, 2, a);
		v[n].level = sq_col_text(st, 3, a);
		if (!v[n].code || !v[n].name || !v[n].level) {
			sqlite3_reset(st);
			return err_set(e, E_NOMEM, NULL, "out of memory");
		}
		n++;
	}
	sqlite3_reset(st);
	*out = v;
	*out_n = n;
	return OK;
}

int store_unit_insert(store *db, const store_unit *u, err *e)
{
	static const char sql[] = "INSERT INTO units(id,name,kind,area_code,parent_id,court_code) VALUES(?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, u->id);
	sq_bind_text(st, 2, u->name);
	sq_bind_text(st, 3, u->kind);
	sq_bind_text(st, 4, u->area_code);
	sq_bind_text(st, 5, u->parent_id);
	sq_bind_text(st, 6, u->court_code);
	return sq_step_done(db, st, e, "unit insert");
}

int store_unit_list(store *db, arena *a, store_unit **out, size_t *out_n, err *e)
{
	static const char q_n[] = "SELECT count(*) FROM units";
	static const char sql[] = "SELECT id,name,kind,area_code,parent_id,court_code FROM units ORDER BY area_code,id";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, q_n, &st, e);
	if (rc)
		return rc;
	size_t cap = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	store_unit *v = arena_alloc(a, (cap + 1) * sizeof *v);
	if (!v)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if ((rc = sq_prepare(db, sql, &st, e)))
		return rc;
	size_t n = 0;
	while (n < cap && sqlite3_step(st) == SQLITE_ROW) {
		v[n].id = sq_col_text(st, 0, a);
		v[n].name = sq_col_text(st, 1, a);
		v[n].kind = sq_col_text(st, 2, a);
		v[n].area_code = sq_col_text(st, 3, a);
		v[n].parent_id = sq_col_text(st, 4, a);
		v[n].court_code = sq_col_text(st, 5, a);
		if (!v[n].id || !v[n].name || !v[n].kind || !v[n].area_code) {
			sqlite3_reset(st);
			return err_set(e, E_NOMEM, NULL, "out of memory");
		}
		n++;
	}
	sqlite3_reset(st);
	*out = v;
	*out_n = n;
	return OK;
}

/* ---- holidays ---- */
int store_holiday_put(store *db, const store_holiday *h, int *out_changed, err *e)
{
	static const char q_get[] = "SELECT kind,name,source FROM holidays WHERE date=?";
	static const char q_put[] =
	        "INSERT INTO holidays(date,kind,name,source) VALUES(?,?,?,?) "
	        "ON CONFLICT(date) DO UPDATE SET kind=excluded.kind,name=excluded.name,source=excluded.source";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, q_get, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, h->date, -1, SQLITE_STATIC);
	int exists = 0, same = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		exists = 1;
		same = !strcmp((const char *)sqlite3_column_text(st, 0), h->kind) &&
		       !strcmp((const char *)sqlite3_column_text(st, 1), h->name) &&
		       !strcmp((const char *)sqlite3_column_text(st, 2), h->source);
	}
	sqlite3_reset(st);
	*out_changed = same ? 0 : exists ? 2 : 1;
	if (same)
		return OK;
	if ((rc = sq_note_write(db, e)) || (rc = sq_prepare(db, q_put, &st, e)))
		return rc;
	sq_bind_text(st, 1, h->date);
	sq_bind_text(st, 2, h->kind);
	sq_bind_text(st, 3, h->name);
	sq_bind_text(st, 4, h->source);
	return sq_step_done(db, st, e, "holiday put");
}

static int holiday_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_holiday *h = out;
	h->date = sq_col_text(st, 0, a);
	h->kind = sq_col_text(st, 1, a);
	h->name = sq_col_text(st, 2, a);
	h->source = sq_col_text(st, 3, a);
	return h->date && h->kind && h->name && h->source ? OK : E_NOMEM;
}

int store_holiday_list(store *db, arena *a, store_holiday **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT date,kind,name,source FROM holidays ORDER BY date";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	return sq_rows(db, st, a, sizeof **out, 0, holiday_row, (void **)out, out_n, -1, NULL, e);
}
