/*
 * sqlite_matter.c - matters, parties, case numbers, tags and search. See store.h.
 */
#include "store/sqlite_internal.h"

#include "core/util.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MATTER_COLS                                                                                          \
	"m.id,m.number,m.kind,m.summary,m.status,m.stage,m.procedure,m.holder_unit_id,m.holder_area_code,"   \
	"m.holder_league_code,m.filed_unit_id,m.filed_at,m.stage_started_on,m.rule_id,m.due_on,m.closed_at," \
	"m.updated_at,m.extensions,m.returns,m.transfer_returns,m.green,m.version,m.suspended_on"

static int matter_row(sqlite3_stmt *st, arena *a, store_matter *m)
{
	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, 0);
	m->number = sq_col_text(st, 1, a);
	m->kind = sq_col_text(st, 2, a);
	m->summary = sq_col_text(st, 3, a);
	m->status = sq_col_text(st, 4, a);
	m->stage = sq_col_text(st, 5, a);
	m->procedure = sq_col_text(st, 6, a);
	m->holder_unit_id = sq_col_text(st, 7, a);
	m->holder_area_code = sq_col_text(st, 8, a);
	m->holder_league_code = sq_col_text(st, 9, a);
	m->filed_unit_id = sq_col_text(st, 10, a);
	m->filed_at = sq_col_text(st, 11, a);
	m->stage_started_on = sq_col_text(st, 12, a);
	m->rule_id = sq_col_text(st, 13, a);
	m->due_on = sq_col_text(st, 14, a);
	m->closed_at = sq_col_text(st, 15, a);
	m->updated_at = sq_col_text(st, 16, a);
	m->extensions = sqlite3_column_int(st, 17);
	m->returns = sqlite3_column_int(st, 18);
	m->transfer_returns = sqlite3_column_int(st, 19);
	m->green = sqlite3_column_int(st, 20);
	m->version = sqlite3_column_int64(st, 21);
	m->suspended_on = sq_col_text(st, 22, a);
	return (m->number && m->kind && m->summary && m->status && m->stage && m->holder_unit_id && m->filed_at &&
	        m->updated_at)
	               ? OK
	               : E_NOMEM;
}

static int bump_serial(store *db, const char *sql, const char *k1, const char *k2, int year, int64_t *out, err *e)
{
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	int i = 1;
	sqlite3_bind_text(st, i++, k1, -1, SQLITE_STATIC);
	if (k2)
		sqlite3_bind_text(st, i++, k2, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, i, year);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return OK;
	}
	rc = sq_fail(db, e, "serial");
	sqlite3_reset(st);
	return rc;
}

int store_matter_next_serial(store *db, const char *area_code, int year, int64_t *out, err *e)
{
	static const char sql[] = "INSERT INTO matter_serials(area_code,year,last) VALUES(?,?,1) "
	                          "ON CONFLICT(area_code,year) DO UPDATE SET last=last+1 RETURNING last";
	return bump_serial(db, sql, area_code, NULL, year, out, e);
}

int store_case_serial_next(store *db, const char *scope, const char *type_code, int year, int64_t *out, err *e)
{
	static const char sql[] = "INSERT INTO case_serials(scope,type_code,year,last) VALUES(?,?,?,1) "
	                          "ON CONFLICT(scope,type_code,year) DO UPDATE SET last=last+1 RETURNING last";
	return bump_serial(db, sql, scope, type_code, year, out, e);
}

static void bind_matter(sqlite3_stmt *st, const store_matter *m)
{
	sq_bind_text(st, 1, m->number);
	sq_bind_text(st, 2, m->kind);
	sq_bind_text(st, 3, m->summary);
	sq_bind_text(st, 4, m->status);
	sq_bind_text(st, 5, m->stage);
	sq_bind_text(st, 6, m->procedure);
	sq_bind_text(st, 7, m->holder_unit_id);
	sq_bind_text(st, 8, m->holder_area_code);
	sq_bind_text(st, 9, m->holder_league_code);
	sq_bind_text(st, 10, m->filed_unit_id);
	sq_bind_text(st, 11, m->filed_at);
	sq_bind_text(st, 12, m->stage_started_on);
	sq_bind_text(st, 13, m->rule_id);
	sq_bind_text(st, 14, m->due_on);
	sq_bind_text(st, 15, m->closed_at);
	sq_bind_text(st, 16, m->updated_at);
	sqlite3_bind_int(st, 17, m->extensions);
	sqlite3_bind_int(st, 18, m->returns);
	sqlite3_bind_int(st, 19, m->transfer_returns);
	sqlite3_bind_int(st, 20, m->green);
	sq_bind_text(st, 21, m->suspended_on);
}

int store_matter_insert(store *db, const store_matter *m, int64_t *out_id, err *e)
{
	static const char sql[] =
	        "INSERT INTO matters(number,kind,summary,status,stage,procedure,holder_unit_id,holder_area_code,"
	        "holder_league_code,filed_unit_id,filed_at,stage_started_on,rule_id,due_on,closed_at,updated_at,"
	        "extensions,returns,transfer_returns,green,suspended_on) "
	        "VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	bind_matter(st, m);
	if ((rc = sq_step_done(db, st, e, "matter insert")))
		return rc;
	*out_id = sqlite3_last_insert_rowid(db->h);
	return OK;
}

static int same_text(const char *x, const char *y)
{
	return x == y || (x && y && !strcmp(x, y));
}

int store_matter_update(store *db, const store_matter *was, const store_matter *m, err *e)
{
	/* Only the columns that changed are SET: SQLite rewrites the entries of every index on a column in
	 * the SET list, changed or not, and a matter's nine indexes on holder, status and due date are
	 * nine random pages each time. A transfer changes nothing indexed (updated_at only); number, kind,
	 * summary, filing unit and filing time never change after filing and are never SET. The
	 * parameter numbers are those of bind_matter; the statement is cached per set of columns. */
	static const struct {
		const char *set;
		size_t off;
		int is_text;
	} cols[] = {
		{ "status=?4,", offsetof(store_matter, status), 1 },
		{ "stage=?5,", offsetof(store_matter, stage), 1 },
		{ "procedure=?6,", offsetof(store_matter, procedure), 1 },
		{ "holder_unit_id=?7,", offsetof(store_matter, holder_unit_id), 1 },
		{ "holder_area_code=?8,", offsetof(store_matter, holder_area_code), 1 },
		{ "holder_league_code=?9,", offsetof(store_matter, holder_league_code), 1 },
		{ "stage_started_on=?12,", offsetof(store_matter, stage_started_on), 1 },
		{ "rule_id=?13,", offsetof(store_matter, rule_id), 1 },
		{ "due_on=?14,", offsetof(store_matter, due_on), 1 },
		{ "closed_at=?15,", offsetof(store_matter, closed_at), 1 },
		{ "updated_at=?16,", offsetof(store_matter, updated_at), 1 },
		{ "extensions=?17,", offsetof(store_matter, extensions), 0 },
		{ "returns=?18,", offsetof(store_matter, returns), 0 },
		{ "transfer_returns=?19,", offsetof(store_matter, transfer_returns), 0 },
		{ "green=?20,", offsetof(store_matter, green), 0 },
		{ "suspended_on=?21,", offsetof(store_matter, suspended_on), 1 },
	};
	char sql[600] = "UPDATE matters SET ";
	size_t n = strlen(sql);
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		const char *pm = (const char *)m + cols[i].off, *pw = was ? (const char *)was + cols[i].off : NULL;
		int same = pw && (cols[i].is_text ? same_text(*(const char *const *)pm, *(const char *const *)pw)
		                                  : *(const int *)pm == *(const int *)pw);
		if (!same)
			n += (size_t)snprintf(sql + n, sizeof sql - n, "%s", cols[i].set);
	}
	snprintf(sql + n, sizeof sql - n, "version=version+1 WHERE id=?22 AND version=?23");
	sqlite3_stmt *st;
	int rc = sq_note_write(db, e);
	if (rc == OK)
		rc = sq_prepare_text(db, sql, &st, e);
	if (rc)
		return rc;
	bind_matter(st, m);
	sqlite3_bind_int64(st, 22, m->id);
	sqlite3_bind_int64(st, 23, was ? was->version : m->version);
	if ((rc = sq_step_done(db, st, e, "matter update")))
		return rc;
	if (sqlite3_changes(db->h) != 1)
		return err_set(e, E_CONFLICT, NULL, "案件已被他人修改，请刷新后重试");
	return OK;
}

int store_matter_get(store *db, int64_t id, arena *a, store_matter *out, err *e)
{
	static const char sql[] = "SELECT " MATTER_COLS " FROM matters m WHERE m.id=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = matter_row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "id", "案件不存在或无权查看");
	else
		rc = sq_fail(db, e, "matter get");
	sqlite3_reset(st);
	return rc;
}

int store_matter_unit_add(store *db, int64_t matter_id, const char *unit_id, const char *since, err *e)
{
	static const char sql[] = "INSERT OR IGNORE INTO matter_units(matter_id,unit_id,since) VALUES(?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	sq_bind_text(st, 2, unit_id);
	sq_bind_text(st, 3, since);
	return sq_step_done(db, st, e, "matter unit");
}

static int text_row(sqlite3_stmt *st, arena *a, void *out)
{
	const char **v = out;
	*v = sq_col_text(st, 0, a);
	return *v ? OK : E_NOMEM;
}

/* A NULL-terminated list of the first column's strings. */
static int text_list(store *db, const char *sql, int64_t id, arena *a, const char ***out, size_t *out_n, err *e)
{
	sqlite3_stmt *st;
	void *v;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sq_rows(db, st, a, sizeof(const char *), 0, text_row, &v, out_n, -1, NULL, e)))
		return rc;
	const char **list = arena_alloc(a, (*out_n + 1) * sizeof *list);
	if (!list)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	if (*out_n)
		memcpy(list, v, *out_n * sizeof *list);
	list[*out_n] = NULL;
	*out = list;
	return OK;
}

int store_matter_unit_list(store *db, int64_t matter_id, arena *a, const char ***out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT unit_id FROM matter_units WHERE matter_id=? ORDER BY since";
	return text_list(db, sql, matter_id, a, out, out_n, e);
}

int store_matter_tag_list(store *db, int64_t matter_id, arena *a, const char ***out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT tag FROM matter_tags WHERE matter_id=? ORDER BY tag";
	return text_list(db, sql, matter_id, a, out, out_n, e);
}

int store_matter_tag_set(store *db, int64_t matter_id, const char *tag, int on, err *e)
{
	static const char q_on[] = "INSERT OR IGNORE INTO matter_tags(matter_id,tag) VALUES(?,?)";
	static const char q_off[] = "DELETE FROM matter_tags WHERE matter_id=? AND tag=?";
	sqlite3_stmt *st;
	int rc = sq_note_write(db, e);
	if (rc == OK)
		rc = sq_prepare(db, on ? q_on : q_off, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	sq_bind_text(st, 2, tag);
	return sq_step_done(db, st, e, "matter tag");
}

/* ---- parties ---- */
static int gram_insert(store *db, const char *gram, size_t len, int64_t matter_id, int64_t party_id, err *e)
{
	static const char sql[] = "INSERT OR IGNORE INTO party_grams(gram,matter_id,party_id) VALUES(?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, gram, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, matter_id);
	sqlite3_bind_int64(st, 3, party_id);
	return sq_step_done(db, st, e, "party gram");
}

static size_t utf8_char_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
	for (size_t i = 1; i < n; i++)
		if (!s[i])
			return i;
	return n;
}

int store_party_insert(store *db, const store_party *p, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO parties(matter_id,ord,type,name,role,id_type,id_number,sex,birth_date,"
	                          "id_warning) VALUES(?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, p->matter_id);
	sqlite3_bind_int(st, 2, p->ord);
	sq_bind_text(st, 3, p->type);
	sq_bind_text(st, 4, p->name);
	sq_bind_text(st, 5, p->role);
	sq_bind_text(st, 6, p->id_type);
	sq_bind_text(st, 7, p->id_number);
	sq_bind_text(st, 8, p->sex);
	sq_bind_text(st, 9, p->birth_date);
	sq_bind_text(st, 10, p->id_warning);
	if ((rc = sq_step_done(db, st, e, "party insert")))
		return rc;
	int64_t id = sqlite3_last_insert_rowid(db->h);
	/* index every 1- and 2-character piece of the name */
	for (const char *s = p->name; *s && rc == OK;) {
		size_t a = utf8_char_len(s);
		rc = gram_insert(db, s, a, p->matter_id, id, e);
		if (rc == OK && s[a])
			rc = gram_insert(db, s, a + utf8_char_len(s + a), p->matter_id, id, e);
		s += a;
	}
	if (rc == OK && out_id)
		*out_id = id;
	return rc;
}

static int party_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_party *p = out;
	p->id = sqlite3_column_int64(st, 0);
	p->matter_id = sqlite3_column_int64(st, 1);
	p->ord = sqlite3_column_int(st, 2);
	p->type = sq_col_text(st, 3, a);
	p->name = sq_col_text(st, 4, a);
	p->role = sq_col_text(st, 5, a);
	p->id_type = sq_col_text(st, 6, a);
	p->id_number = sq_col_text(st, 7, a);
	p->sex = sq_col_text(st, 8, a);
	p->birth_date = sq_col_text(st, 9, a);
	p->id_warning = sq_col_text(st, 10, a);
	return p->type && p->name && p->role ? OK : E_NOMEM;
}

int store_party_list(store *db, int64_t matter_id, arena *a, store_party **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT id,matter_id,ord,type,name,role,id_type,id_number,sex,birth_date,id_warning "
	                          "FROM parties WHERE matter_id=? ORDER BY ord";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	return sq_rows(db, st, a, sizeof **out, 0, party_row, (void **)out, out_n, -1, NULL, e);
}

/* ---- case numbers ---- */
int store_case_number_insert(store *db, const store_case_number *c, err *e)
{
	static const char sql[] =
	        "INSERT INTO case_numbers(matter_id,unit_id,stage,number,created_at) VALUES(?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, c->matter_id);
	sq_bind_text(st, 2, c->unit_id);
	sq_bind_text(st, 3, c->stage);
	sq_bind_text(st, 4, c->number);
	sq_bind_text(st, 5, c->created_at);
	rc = sq_step_done(db, st, e, "case number");
	if (rc == E_CONFLICT)
		return err_set(e, E_CONFLICT, "case_number", "案号 %s 已被使用", c->number);
	return rc;
}

static int case_number_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_case_number *c = out;
	c->id = sqlite3_column_int64(st, 0);
	c->matter_id = sqlite3_column_int64(st, 1);
	c->unit_id = sq_col_text(st, 2, a);
	c->stage = sq_col_text(st, 3, a);
	c->number = sq_col_text(st, 4, a);
	c->created_at = sq_col_text(st, 5, a);
	return c->unit_id && c->number ? OK : E_NOMEM;
}

int store_case_number_list(store *db, int64_t matter_id, arena *a, store_case_number **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT id,matter_id,unit_id,stage,number,created_at FROM case_numbers "
	                          "WHERE matter_id=? ORDER BY id";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	return sq_rows(db, st, a, sizeof **out, 0, case_number_row, (void **)out, out_n, -1, NULL, e);
}

/* ---- search ----
 * The WHERE clause is assembled from constant fragments chosen by which filters are set; every value
 * is bound, never spliced into the text. */
struct qb {
	char sql[2048];
	size_t len;
	const char *binds[24];
	int n;
};

static void qb_bind(struct qb *b, const char *value)
{
	if (b->n < 24)
		b->binds[b->n++] = value; /* NULL binds SQL NULL */
}

/* Append a fragment; a non-NULL value is bound to its one parameter (use qb_bind for more, or NULL). */
static void qb_add(struct qb *b, const char *frag, const char *value)
{
	size_t fl = strlen(frag);
	if (b->len + fl + 1 >= sizeof b->sql)
		return;
	memcpy(b->sql + b->len, frag, fl + 1);
	b->len += fl;
	if (value && b->n < 24)
		b->binds[b->n++] = value;
}

int store_matter_search(store *db, const store_matter_query *q, arena *a, store_matter **out, size_t *out_n,
                        int64_t *out_total, err *e)
{
	struct qb b = { .len = 0 };
	int rc = OK;
	char pattern[300];
	/* Where the candidates come from. Without a party name: the matters table. With one, its first two
	 * characters (or its one) are a gram. For a viewer whose area is below the region (scoped), a
	 * two-character gram's entries in gram_scopes (migration 0010) for that area and its counties: the
	 * name's matters that have been there; a one-character gram's entries in party_grams whose matter
	 * has been there (matter_scopes). Region-wide, the gram's entries in party_grams. SQLite lists the
	 * candidates' ids (an index range each, no matter row), then walks them from the highest id and
	 * stops at the page's end (NOT INDEXED keeps it so: without statistics SQLite would rather walk
	 * the index of another filter, every open matter for status=open, and sort). The count reads only
	 * these indexes when no filter needs the matter row (count_from: the candidates as a one-column
	 * table named m). */
	const char *from = " FROM matters m WHERE 1=1", *count_from = NULL;
	int scoped = 0;
	if (q->party && *q->party) {
		size_t c1 = utf8_char_len(q->party);
		size_t g = q->party[c1] ? c1 + utf8_char_len(q->party + c1) : c1;
		const char *gram = arena_strndup(a, q->party, g);
		/* one or two characters: the gram is the whole query and comes from the name, so confirming
		 * would accept every candidate; only a longer name reads the parties, with instr (the name as
		 * typed, no wildcards; a bound LIKE pattern made SQLite recompile the statement on every run) */
		int confirm = q->party[g] != 0;
		if (!gram)
			return err_set(e, E_NOMEM, NULL, "out of memory");
		scoped = q->vis_on && q->vis_area_code && strcmp(q->vis_area_code, "150000") != 0;
		qb_bind(&b, gram);
		if (scoped) {
			qb_bind(&b, q->vis_area_code);
			qb_bind(&b, q->vis_area_code);
		}
		if (scoped && g > c1) {
			from = " FROM matters m NOT INDEXED WHERE m.id IN (SELECT s.matter_id FROM gram_scopes s WHERE "
			       "s.gram=?"
			       " AND s.scope IN (SELECT code FROM areas WHERE code=? OR parent_code=?))";
			count_from =
			        " FROM (SELECT DISTINCT matter_id AS id FROM gram_scopes WHERE gram=?"
			        " AND scope IN (SELECT code FROM areas WHERE code=? OR parent_code=?)) m WHERE 1=1";
		} else if (scoped) {
			from = " FROM matters m NOT INDEXED WHERE m.id IN (SELECT g.matter_id FROM party_grams g WHERE "
			       "g.gram=?)"
			       " AND EXISTS (SELECT 1 FROM matter_scopes ms WHERE ms.matter_id=m.id"
			       " AND ms.scope IN (SELECT code FROM areas WHERE code=? OR parent_code=?))";
			count_from = " FROM (SELECT DISTINCT matter_id AS id FROM party_grams WHERE gram=?) m"
			             " WHERE EXISTS (SELECT 1 FROM matter_scopes ms WHERE ms.matter_id=m.id"
			             " AND ms.scope IN (SELECT code FROM areas WHERE code=? OR parent_code=?))";
		} else {
			from = " FROM matters m NOT INDEXED WHERE m.id IN (SELECT g.matter_id FROM party_grams g WHERE "
			       "g.gram=?)";
			count_from =
			        " FROM (SELECT DISTINCT matter_id AS id FROM party_grams WHERE gram=?) m WHERE 1=1";
		}
		if (confirm) {
			qb_add(&b,
			       " AND EXISTS (SELECT 1 FROM party_grams pg JOIN parties p ON p.id=pg.party_id"
			       " WHERE pg.gram=? AND pg.matter_id=m.id AND instr(p.name, ?)>0)",
			       gram);
			qb_bind(&b, q->party);
		}
	}
	/* filters on the matter's own columns: the count then reads the matter rows too */
	int row_filters = q->status || q->kind || q->stage || q->holder_unit_id || q->area_code || q->filed_from ||
	                  q->filed_to || q->due_before || q->due_from || q->due_to || q->returned_twice ||
	                  q->green_only || q->number;
	if (row_filters || !count_from)
		count_from = from;
	/* A status is written into the SQL, not bound: SQLite decides from the value whether the partial
	 * indexes of open matters apply, and recompiles a statement with a bound status on every run. */
	if (q->status && !strcmp(q->status, "open"))
		qb_add(&b, " AND m.status='open'", NULL);
	else if (q->status && !strcmp(q->status, "closed"))
		qb_add(&b, " AND m.status='closed'", NULL);
	else if (q->status)
		qb_add(&b, " AND m.status=?", q->status);
	if (q->kind)
		qb_add(&b, " AND m.kind=?", q->kind);
	if (q->stage)
		qb_add(&b, " AND m.stage=?", q->stage);
	if (q->holder_unit_id)
		qb_add(&b, " AND m.holder_unit_id=?", q->holder_unit_id);
	if (q->unit_id)
		qb_add(&b, " AND m.id IN (SELECT matter_id FROM matter_units WHERE unit_id=?)", q->unit_id);
	if (q->area_code) {
		qb_add(&b, " AND (m.holder_area_code=? OR m.holder_league_code=?", q->area_code);
		qb_bind(&b, q->area_code);
		qb_add(&b, " OR ?='150000')", q->area_code);
	}
	if (q->tag)
		qb_add(&b, " AND m.id IN (SELECT matter_id FROM matter_tags WHERE tag=?)", q->tag);
	/* Visibility as a correlated EXISTS over the matter's own holders (matter_units primary key): the
	 * "m.id IN (SELECT ...)" form it replaced listed every visible matter of the whole table first, for
	 * every search. A region-wide viewer of any kind sees every matter (each has a holder row from its
	 * filing on), so the condition is left out for it. */
	int sees_all = q->vis_on && !q->vis_kind && q->vis_area_code && !strcmp(q->vis_area_code, "150000");
	/* A unit sees what it holds: the holder always has a matter_units row (filing and accepting add
	 * it), so a list of the viewer's own matters (the workbench) needs no per-row check. */
	if (q->holder_unit_id && q->vis_unit_id && !strcmp(q->holder_unit_id, q->vis_unit_id))
		sees_all = 1;
	/* A committee below the region sees exactly the scoped candidates: matters with a unit that is the
	 * committee or a sub-unit (both in the committee's area: org_unit_add gives a sub-unit its
	 * parent's area) or is in its area or, for a league, in one of its counties. A unit's candidates
	 * hold what it sees and more (other kinds): the check below stays, on those candidates. */
	if (scoped && !q->vis_kind)
		sees_all = 1;
	if (q->vis_on && !sees_all) {
		/* the viewer's sub-units are the ids between "unit." and "unit/" ('/' follows '.'): a range, not
		 * LIKE, whose bound pattern would make SQLite recompile the statement on every run */
		char lo[200], hi[200];
		snprintf(lo, sizeof lo, "%s.", q->vis_unit_id ? q->vis_unit_id : "");
		snprintf(hi, sizeof hi, "%s/", q->vis_unit_id ? q->vis_unit_id : "");
		qb_add(&b,
		       " AND EXISTS (SELECT 1 FROM matter_units mu JOIN units u ON u.id=mu.unit_id"
		       " JOIN areas ar ON ar.code=u.area_code WHERE mu.matter_id=m.id AND (u.id=? OR (u.id>? AND "
		       "u.id<?)",
		       q->vis_unit_id ? q->vis_unit_id : "");
		qb_bind(&b, arena_strdup(a, lo));
		qb_bind(&b, arena_strdup(a, hi));
		if (q->vis_area_code) {
			qb_add(&b, " OR ((? IS NULL OR u.kind=?)", NULL);
			qb_bind(&b, q->vis_kind);
			qb_bind(&b, q->vis_kind);
			qb_add(&b, " AND (u.area_code=? OR ar.parent_code=?", q->vis_area_code);
			qb_bind(&b, q->vis_area_code);
			qb_add(&b, " OR ?='150000'))", q->vis_area_code);
		}
		qb_add(&b, "))", NULL);
	}
	if (q->filed_from)
		qb_add(&b, " AND m.filed_at>=?", q->filed_from);
	if (q->filed_to) {
		snprintf(pattern, sizeof pattern, "%sT99", q->filed_to);
		qb_add(&b, " AND m.filed_at<=?", arena_strdup(a, pattern));
	}
	if (q->due_before)
		qb_add(&b, " AND m.status='open' AND m.suspended_on IS NULL AND m.due_on<?", q->due_before);
	if (q->due_from)
		qb_add(&b, " AND m.status='open' AND m.suspended_on IS NULL AND m.due_on>=?", q->due_from);
	if (q->due_to)
		qb_add(&b, " AND m.status='open' AND m.due_on<=?", q->due_to);
	if (q->returned_twice)
		qb_add(&b, " AND (m.returns>=2 OR m.transfer_returns>=2)", NULL);
	if (q->green_only)
		qb_add(&b, " AND m.green", NULL);
	if (q->number) {
		qb_add(&b, " AND (m.number=? OR m.id IN (SELECT matter_id FROM case_numbers WHERE number=?))",
		       q->number);
		qb_bind(&b, q->number);
	}
	if (q->id_number)
		qb_add(&b, " AND m.id IN (SELECT matter_id FROM parties WHERE id_number=?)", q->id_number);
	/* count. A unit's own open matters (the workbench) are the unit's row of open_counts (migration
	 * 0009, kept by triggers): counting them in matters_holder took a pass over every one (14 ms for a
	 * unit holding 200,000 at a million matters). */
	int holder_open = q->status && !strcmp(q->status, "open") && q->holder_unit_id && !q->party && !q->kind &&
	                  !q->stage && !q->unit_id && !q->area_code && !q->tag && !q->filed_from && !q->filed_to &&
	                  !q->due_before && !q->due_from && !q->due_to && !q->returned_twice && !q->green_only &&
	                  !q->number && !q->id_number && (!q->vis_on || sees_all);
	sqlite3_stmt *st = NULL;
	if (holder_open) {
		static const char sql[] = "SELECT coalesce((SELECT n FROM open_counts WHERE holder_unit_id=?), 0)";
		if ((rc = sq_prepare(db, sql, &st, e)))
			return rc;
		sq_bind_text(st, 1, q->holder_unit_id);
	} else {
		char csql[2400];
		snprintf(csql, sizeof csql, "SELECT count(*)%s%s", count_from, b.sql);
		if ((rc = sq_prepare_text(db, csql, &st, e)))
			return rc;
		for (int i = 0; i < b.n; i++)
			sq_bind_text(st, i + 1, b.binds[i]);
	}
	*out_total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	/* page */
	char psql[2600];
	/* With the status fixed, "m.status='closed'" orders nothing, and leaving it out lets a holder's
	 * urgency list walk matters_holder (holder, status, green DESC, due_on, id) and stop at the limit. */
	snprintf(psql, sizeof psql, "SELECT " MATTER_COLS "%s%s ORDER BY %s LIMIT ? OFFSET ?", from, b.sql,
	         !q->order_urgency ? "m.id DESC"
	         : q->status || q->due_before || q->due_from || q->due_to
	                 ? "m.green DESC, m.due_on, m.id"
	                 : "m.status='closed', m.green DESC, m.due_on, m.id");
	if ((rc = sq_prepare_text(db, psql, &st, e)))
		return rc;
	for (int i = 0; i < b.n; i++)
		sq_bind_text(st, i + 1, b.binds[i]);
	int limit = q->limit > 0 ? q->limit : 20;
	sqlite3_bind_int(st, b.n + 1, limit);
	sqlite3_bind_int(st, b.n + 2, q->offset);
	store_matter *v = arena_alloc(a, ((size_t)limit + 1) * sizeof *v);
	size_t n = 0;
	int s;
	while (v && n < (size_t)limit && (s = sqlite3_step(st)) == SQLITE_ROW)
		if (matter_row(st, a, &v[n++]))
			v = NULL;
	sqlite3_reset(st);
	if (!v)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	*out = v;
	*out_n = n;
	return rc;
}

/* ---- supervision ---- */
/* Count the rows of st into the matching rows of v: one into *fa per row, column 1 (if fb) into *fb.
 * Every such group is also a group of open matters, so it is already in v. The rows come in index
 * order, not by group: counting them here instead of a GROUP BY spares SQLite a sort of thousands of
 * rows by their text keys (most of a region's supervision request). */
static int merge_counts(store *db, sqlite3_stmt *st, store_supervision_row *v, size_t n, size_t off_a, size_t off_b,
                        err *e)
{
	int s;
	size_t last = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_text(st, 0);
		if (!g || !n)
			continue;
		size_t i = last;
		if (strcmp(v[i].group, g))
			for (i = 0; i < n && strcmp(v[i].group, g); i++)
				;
		if (i == n)
			continue;
		last = i;
		*(int64_t *)((char *)&v[i] + off_a) += 1;
		if (off_b)
			*(int64_t *)((char *)&v[i] + off_b) += sqlite3_column_int64(st, 1);
	}
	int rc = s == SQLITE_DONE ? OK : sq_fail(db, e, "supervision");
	sqlite3_reset(st);
	return rc;
}

int store_supervision_counts(store *db, const char *group_by, const char *area_code, const char *today,
                             const char *soon, arena *a, store_supervision_row **out, size_t *out_n, err *e)
{
	/* Per grouping level (area_code restricts to the level above), four statements over the partial
	 * indexes of open matters (migration 0007), each naming its index (without statistics SQLite would
	 * rather seek matters_due on status and visit every open matter's row):
	 *   open        the sum of open_counts (migration 0009: triggers keep each unit's number of open
	 *               matters), a few hundred rows;
	 *   overdue     (and the green ones among them) and due soon: ranges of matters_open_by_due (a
	 *               suspended clock is neither), a few thousand entries of the 63,000 open at a
	 *               million matters, counted per group in merge_counts (no GROUP BY sort);
	 *   returned twice or more: matters_open_returned holds only those.
	 * One statement summing five expressions over every open matter took 16 ms at a million. */
	static const char *const q_open[3] = {
		"SELECT holder_league_code, sum(n) FROM open_counts WHERE n>0 GROUP BY 1",
		"SELECT holder_area_code, sum(n) FROM open_counts WHERE n>0 AND holder_league_code=?3 GROUP BY 1",
		"SELECT holder_unit_id, n FROM open_counts WHERE n>0 AND holder_area_code=?3 ORDER BY 1"
	};
	static const char *const q_overdue[3] = {
		"SELECT holder_league_code, green<>0 FROM matters INDEXED BY matters_open_by_due"
		" WHERE status='open' AND suspended_on IS NULL AND due_on<?1",
		"SELECT holder_area_code, green<>0 FROM matters INDEXED BY matters_open_by_due"
		" WHERE status='open' AND suspended_on IS NULL AND due_on<?1 AND holder_league_code=?3",
		"SELECT holder_unit_id, green<>0 FROM matters INDEXED BY matters_open_by_due"
		" WHERE status='open' AND suspended_on IS NULL AND due_on<?1 AND holder_area_code=?3"
	};
	static const char *const q_soon[3] = {
		"SELECT holder_league_code FROM matters INDEXED BY matters_open_by_due"
		" WHERE status='open' AND suspended_on IS NULL AND due_on>=?1 AND due_on<=?2",
		"SELECT holder_area_code FROM matters INDEXED BY matters_open_by_due"
		" WHERE status='open' AND suspended_on IS NULL AND due_on>=?1 AND due_on<=?2 AND holder_league_code=?3",
		"SELECT holder_unit_id FROM matters INDEXED BY matters_open_by_due"
		" WHERE status='open' AND suspended_on IS NULL AND due_on>=?1 AND due_on<=?2 AND holder_area_code=?3"
	};
	static const char *const q_returned[3] = {
		"SELECT holder_league_code FROM matters INDEXED BY matters_open_returned"
		" WHERE status='open' AND (returns>=2 OR transfer_returns>=2)",
		"SELECT holder_area_code FROM matters INDEXED BY matters_open_returned"
		" WHERE status='open' AND (returns>=2 OR transfer_returns>=2) AND holder_league_code=?3",
		"SELECT holder_unit_id FROM matters INDEXED BY matters_open_returned"
		" WHERE status='open' AND (returns>=2 OR transfer_returns>=2) AND holder_area_code=?3"
	};
	/* transfers unanswered past their deadline: the front of transfers_pending_by_due (migration 0017),
	 * a short range of a covering index, not every pending transfer with its row */
	static const char t_league[] = "SELECT to_league_code, count(*), sum(green) FROM transfers"
	                               " INDEXED BY transfers_pending_by_due"
	                               " WHERE status='sent' AND accept_due_on<?1 GROUP BY 1";
	static const char t_area[] = "SELECT to_area_code, count(*), sum(green) FROM transfers"
	                             " INDEXED BY transfers_pending_by_due"
	                             " WHERE status='sent' AND accept_due_on<?1 AND to_league_code=?3 GROUP BY 1";
	static const char t_unit[] = "SELECT to_unit_id, count(*), sum(green) FROM transfers"
	                             " INDEXED BY transfers_pending_by_due"
	                             " WHERE status='sent' AND accept_due_on<?1 AND to_area_code=?3 GROUP BY 1";
	int lv;
	const char *tq;
	if (!strcmp(group_by, "league"))
		lv = 0, tq = t_league;
	else if (!strcmp(group_by, "area"))
		lv = 1, tq = t_area;
	else
		lv = 2, tq = t_unit;
	size_t cap = 128, n = 0;
	store_supervision_row *v = arena_alloc(a, cap * sizeof *v);
	if (!v)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	sqlite3_stmt *st;
	int rc = sq_prepare(db, q_open[lv], &st, e);
	if (rc)
		return rc;
	if (area_code && lv)
		sqlite3_bind_text(st, 3, area_code, -1, SQLITE_STATIC);
	while (n < cap && sqlite3_step(st) == SQLITE_ROW) {
		store_supervision_row *r = &v[n];
		memset(r, 0, sizeof *r);
		r->group = sq_col_text(st, 0, a);
		r->open = sqlite3_column_int64(st, 1);
		if (!r->group) {
			sqlite3_reset(st);
			return err_set(e, E_NOMEM, NULL, "out of memory");
		}
		n++;
	}
	sqlite3_reset(st);
	const char *const *qs[3] = { q_overdue, q_soon, q_returned };
	const size_t off_a[3] = { offsetof(store_supervision_row, overdue), offsetof(store_supervision_row, due_soon),
		                  offsetof(store_supervision_row, returned_twice) };
	const size_t off_b[3] = { offsetof(store_supervision_row, green_misses), 0, 0 };
	for (int k = 0; k < 3; k++) {
		if ((rc = sq_prepare(db, qs[k][lv], &st, e)))
			return rc;
		sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, soon, -1, SQLITE_STATIC);
		if (area_code && lv)
			sqlite3_bind_text(st, 3, area_code, -1, SQLITE_STATIC);
		if ((rc = merge_counts(db, st, v, n, off_a[k], off_b[k], e)))
			return rc;
	}
	sqlite3_reset(st);
	if ((rc = sq_prepare(db, tq, &st, e)))
		return rc;
	sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
	if (area_code)
		sqlite3_bind_text(st, 3, area_code, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *g = (const char *)sqlite3_column_text(st, 0);
		size_t i = 0;
		while (i < n && g && strcmp(v[i].group, g) != 0)
			i++;
		if (i == n) {
			if (n == cap || !g)
				continue;
			memset(&v[n], 0, sizeof v[n]);
			v[n].group = arena_strdup(a, g);
			n++;
		}
		v[i].unanswered_transfers = sqlite3_column_int64(st, 1);
		v[i].green_misses += sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	*out = v;
	*out_n = n;
	return OK;
}
