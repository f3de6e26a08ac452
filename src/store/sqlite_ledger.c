/*
 * sqlite_ledger.c - the case-funds ledger: accounts with running totals, postings and their entries,
 * idempotency keys, receipts, disbursements, bank statement imports and reconciliations. See store.h
 * (the "case funds" section), migration 0006 and docs/ledger.md. No rule lives here except the ones
 * the schema itself holds (balances never below zero, four eyes on disbursements).
 */
#include "store/sqlite_internal.h"

#include <stdio.h>
#include <string.h>

static int insert_id(store *db, sqlite3_stmt *st, const char *what, int64_t *out_id, err *e)
{
	int rc = sq_step_done(db, st, e, what);
	if (rc == OK && out_id)
		*out_id = sqlite3_last_insert_rowid(db->h);
	return rc;
}

static int change_one(store *db, sqlite3_stmt *st, const char *what, const char *msg, err *e)
{
	int rc = sq_step_done(db, st, e, what);
	if (rc)
		return rc;
	if (sqlite3_changes(db->h) != 1)
		return err_set(e, E_CONFLICT, NULL, "%s", msg);
	return OK;
}

static int one_int(store *db, const char *sql, int64_t arg, int64_t *out, err *e)
{
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, arg);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = sq_fail(db, e, "ledger check");
	sqlite3_reset(st);
	return rc;
}

/* ---- accounts ---- */
#define ACCOUNT_COLS "id,court_unit_id,kind,matter_id,amount_applied,debit_total,credit_total,opened_at"

static int account_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_ledger_account *acc = out;
	memset(acc, 0, sizeof *acc);
	acc->id = sqlite3_column_int64(st, 0);
	acc->court_unit_id = sq_col_text(st, 1, a);
	acc->kind = sq_col_text(st, 2, a);
	acc->matter_id = sq_col_id(st, 3);
	acc->amount_applied = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 4);
	acc->debit_total = sqlite3_column_int64(st, 5);
	acc->credit_total = sqlite3_column_int64(st, 6);
	acc->opened_at = sq_col_text(st, 7, a);
	return acc->court_unit_id && acc->kind && acc->opened_at ? OK : E_NOMEM;
}

int store_ledger_account_find(store *db, const char *court_unit_id, const char *kind, int64_t matter_id, arena *a,
                              store_ledger_account *out, err *e)
{
	static const char by_court[] =
	        "SELECT " ACCOUNT_COLS " FROM ledger_accounts WHERE court_unit_id=?1 AND kind=?2 AND matter_id IS NULL";
	static const char by_matter[] = "SELECT " ACCOUNT_COLS " FROM ledger_accounts WHERE matter_id=?3 AND kind=?2";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, matter_id ? by_matter : by_court, &st, e);
	if (rc)
		return rc;
	if (!matter_id)
		sq_bind_text(st, 1, court_unit_id);
	sq_bind_text(st, 2, kind);
	if (matter_id)
		sqlite3_bind_int64(st, 3, matter_id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = account_row(st, a, out) ? err_set(e, E_NOMEM, NULL, "out of memory") : OK;
	else if (s == SQLITE_DONE)
		rc = err_set(e, E_NOTFOUND, "account", "账户尚未开立");
	else
		rc = sq_fail(db, e, "account find");
	sqlite3_reset(st);
	return rc;
}

int store_ledger_account_get(store *db, int64_t id, arena *a, store_ledger_account *out, err *e)
{
	static const char sql[] = "SELECT " ACCOUNT_COLS " FROM ledger_accounts WHERE id=?";
	return sq_one_row(db, sql, id, a, account_row, out, "账户不存在或无权查看", e);
}

int store_ledger_matter_amounts(store *db, int64_t matter_id, int64_t *out_applied, int64_t *out_credited, err *e)
{
	static const char sql[] =
	        "SELECT amount_applied, credit_total FROM ledger_accounts WHERE matter_id=?1 AND kind='matter'";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*out_applied = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
		*out_credited = sqlite3_column_int64(st, 1);
	} else if (s == SQLITE_DONE) {
		rc = err_set(e, E_NOTFOUND, "account", "账户尚未开立");
	} else {
		rc = sq_fail(db, e, "matter amounts");
	}
	sqlite3_reset(st);
	return rc;
}

static int amounts_row(sqlite3_stmt *st, arena *a, void *out)
{
	(void)a;
	store_matter_amounts *r = out;
	r->matter_id = sqlite3_column_int64(st, 0);
	r->applied = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 1);
	r->credited = sqlite3_column_int64(st, 2);
	return OK;
}

int store_ledger_matter_amounts_all(store *db, arena *a, store_matter_amounts **out, size_t *out_n, err *e)
{
	/* in the order of ledger_accounts_matter, whose WHERE the first condition repeats */
	static const char sql[] = "SELECT matter_id, amount_applied, credit_total FROM ledger_accounts"
	                          " WHERE matter_id IS NOT NULL AND kind='matter' ORDER BY matter_id";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	return sq_rows(db, st, a, sizeof **out, 0, amounts_row, (void **)out, out_n, -1, NULL, e);
}

int store_ledger_account_insert(store *db, const store_ledger_account *acc, int64_t *out_id, err *e)
{
	static const char sql[] =
	        "INSERT INTO ledger_accounts(court_unit_id,kind,matter_id,amount_applied,opened_at) VALUES(?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, acc->court_unit_id);
	sq_bind_text(st, 2, acc->kind);
	sq_bind_id(st, 3, acc->matter_id);
	if (acc->amount_applied >= 0)
		sqlite3_bind_int64(st, 4, acc->amount_applied);
	sq_bind_text(st, 5, acc->opened_at);
	return insert_id(db, st, "account insert", out_id, e);
}

int store_ledger_account_set_applied(store *db, int64_t id, int64_t amount_applied, err *e)
{
	static const char sql[] = "UPDATE ledger_accounts SET amount_applied=? WHERE id=?";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, amount_applied);
	sqlite3_bind_int64(st, 2, id);
	return change_one(db, st, "account set applied", "账户不存在", e);
}

int store_ledger_account_list(store *db, const char *court_unit_id, int64_t matter_id, arena *a,
                              store_ledger_account **out, size_t *out_n, err *e)
{
	static const char by_matter[] = "SELECT " ACCOUNT_COLS " FROM ledger_accounts WHERE matter_id=?2"
	                                " AND (?1 IS NULL OR court_unit_id=?1) ORDER BY id";
	static const char by_court[] =
	        "SELECT " ACCOUNT_COLS " FROM ledger_accounts WHERE (?1 IS NULL OR court_unit_id=?1)"
	        " ORDER BY court_unit_id, matter_id IS NOT NULL, matter_id, kind";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, matter_id ? by_matter : by_court, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, court_unit_id);
	if (matter_id)
		sqlite3_bind_int64(st, 2, matter_id);
	return sq_rows(db, st, a, sizeof **out, 0, account_row, (void **)out, out_n, -1, NULL, e);
}

int store_ledger_account_apply(store *db, int64_t id, int64_t debit, int64_t credit, err *e)
{
	/* The WHERE clause checks the balance after the change, so a refused change touches nothing and
	 * the caller learns it from the row count; the table's CHECK is the backstop. */
	static const char sql[] =
	        "UPDATE ledger_accounts SET debit_total=debit_total+?2, credit_total=credit_total+?3 WHERE id=?1 AND"
	        " CASE kind WHEN 'bank' THEN debit_total+?2 >= credit_total+?3 ELSE credit_total+?3 >= debit_total+?2 "
	        "END";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, debit);
	sqlite3_bind_int64(st, 3, credit);
	return change_one(db, st, "account apply", "余额不足：此笔记账会使账户余额为负", e);
}

/* ---- postings and entries ---- */
#define POSTING_COLS \
	"p.id,p.court_unit_id,p.kind,p.idempotency_key,p.matter_id,p.amount,p.on_date,p.at,p.by_user,p.memo"

static int posting_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_ledger_posting *p = out;
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->court_unit_id = sq_col_text(st, 1, a);
	p->kind = sq_col_text(st, 2, a);
	p->idempotency_key = sq_col_text(st, 3, a);
	p->matter_id = sq_col_id(st, 4);
	p->amount = sqlite3_column_int64(st, 5);
	p->on_date = sq_col_text(st, 6, a);
	p->at = sq_col_text(st, 7, a);
	p->by_user = sqlite3_column_int64(st, 8);
	p->memo = sq_col_text(st, 9, a);
	return p->court_unit_id && p->kind && p->idempotency_key && p->on_date && p->at && p->memo ? OK : E_NOMEM;
}

int store_ledger_posting_insert(store *db, const store_ledger_posting *p, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO ledger_postings(court_unit_id,kind,idempotency_key,matter_id,amount,"
	                          "on_date,at,by_user,memo) VALUES(?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, p->court_unit_id);
	sq_bind_text(st, 2, p->kind);
	sq_bind_text(st, 3, p->idempotency_key);
	sq_bind_id(st, 4, p->matter_id);
	sqlite3_bind_int64(st, 5, p->amount);
	sq_bind_text(st, 6, p->on_date);
	sq_bind_text(st, 7, p->at);
	sqlite3_bind_int64(st, 8, p->by_user);
	sq_bind_text(st, 9, p->memo ? p->memo : "");
	rc = insert_id(db, st, "posting insert", out_id, e);
	if (rc == E_CONFLICT)
		return err_set(e, E_CONFLICT, "idempotency_key", "幂等键已被另一笔记账使用");
	return rc;
}

int store_ledger_entry_insert(store *db, const store_ledger_entry *en, err *e)
{
	static const char sql[] = "INSERT INTO ledger_entries(posting_id,account_id,debit,credit) VALUES(?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, en->posting_id);
	sqlite3_bind_int64(st, 2, en->account_id);
	sqlite3_bind_int64(st, 3, en->debit);
	sqlite3_bind_int64(st, 4, en->credit);
	return sq_step_done(db, st, e, "entry insert");
}

int store_ledger_posting_list(store *db, const char *court_unit_id, int64_t matter_id, int64_t account_id, int limit,
                              int offset, arena *a, store_ledger_posting **out, size_t *out_n, err *e)
{
	static const char by_account[] =
	        "SELECT " POSTING_COLS " FROM ledger_postings p WHERE p.id IN (SELECT posting_id FROM ledger_entries"
	        " WHERE account_id=?3) ORDER BY p.id DESC LIMIT ?4 OFFSET ?5";
	static const char by_matter[] =
	        "SELECT " POSTING_COLS
	        " FROM ledger_postings p WHERE p.matter_id=?2 AND (?1 IS NULL OR p.court_unit_id=?1)"
	        " ORDER BY p.id DESC LIMIT ?4 OFFSET ?5";
	static const char by_court[] =
	        "SELECT " POSTING_COLS " FROM ledger_postings p WHERE (?1 IS NULL OR p.court_unit_id=?1)"
	        " ORDER BY p.id DESC LIMIT ?4 OFFSET ?5";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, account_id ? by_account : matter_id ? by_matter : by_court, &st, e);
	if (rc)
		return rc;
	if (!account_id)
		sq_bind_text(st, 1, court_unit_id);
	if (matter_id && !account_id)
		sqlite3_bind_int64(st, 2, matter_id);
	if (account_id)
		sqlite3_bind_int64(st, 3, account_id);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : 100);
	sqlite3_bind_int(st, 5, offset);
	return sq_rows(db, st, a, sizeof **out, limit, posting_row, (void **)out, out_n, -1, NULL, e);
}

static int entry_row(sqlite3_stmt *st, arena *a, void *out)
{
	(void)a;
	store_ledger_entry *en = out;
	en->id = sqlite3_column_int64(st, 0);
	en->posting_id = sqlite3_column_int64(st, 1);
	en->account_id = sqlite3_column_int64(st, 2);
	en->debit = sqlite3_column_int64(st, 3);
	en->credit = sqlite3_column_int64(st, 4);
	return OK;
}

int store_ledger_entry_list(store *db, int64_t posting_id, arena *a, store_ledger_entry **out, size_t *out_n, err *e)
{
	static const char sql[] =
	        "SELECT id,posting_id,account_id,debit,credit FROM ledger_entries WHERE posting_id=? ORDER BY id";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, posting_id);
	return sq_rows(db, st, a, sizeof **out, 0, entry_row, (void **)out, out_n, -1, NULL, e);
}

int store_ledger_unbalanced(store *db, int64_t after_id, int64_t *out_n, err *e)
{
	static const char sql[] = "SELECT count(*) FROM (SELECT p.id FROM ledger_postings p LEFT JOIN ledger_entries "
	                          "en ON en.posting_id=p.id"
	                          " WHERE p.id>?1 GROUP BY p.id HAVING count(en.id)<2 OR sum(en.debit)<>sum(en.credit)"
	                          " OR sum(en.debit)<>p.amount)";
	return one_int(db, sql, after_id, out_n, e);
}

int store_ledger_drift(store *db, int64_t *out_n, err *e)
{
	static const char sql[] =
	        "SELECT count(*) FROM ledger_accounts acc WHERE ?1=?1 AND (acc.debit_total<>(SELECT "
	        "coalesce(sum(debit),0)"
	        " FROM ledger_entries WHERE account_id=acc.id) OR acc.credit_total<>(SELECT coalesce(sum(credit),0)"
	        " FROM ledger_entries WHERE account_id=acc.id))";
	return one_int(db, sql, 0, out_n, e);
}

int store_ledger_posting_max(store *db, int64_t *out_id, err *e)
{
	static const char sql[] = "SELECT coalesce(max(id),0) FROM ledger_postings"; /* min/max shortcut: no WHERE */
	return one_int(db, sql, 0, out_id, e);
}

/* ---- idempotency keys ---- */
int store_ledger_request_get(store *db, const char *key, arena *a, store_ledger_request *out, err *e)
{
	static const char sql[] = "SELECT key,court_unit_id,op,fingerprint,response,created_at,created_by"
	                          " FROM ledger_requests WHERE key=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, key);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		out->key = sq_col_text(st, 0, a);
		out->court_unit_id = sq_col_text(st, 1, a);
		out->op = sq_col_text(st, 2, a);
		out->fingerprint = sq_col_text(st, 3, a);
		out->response = sq_col_text(st, 4, a);
		out->created_at = sq_col_text(st, 5, a);
		out->created_by = sqlite3_column_int64(st, 6);
		rc = out->key && out->op && out->fingerprint && out->response
		             ? OK
		             : err_set(e, E_NOMEM, NULL, "out of memory");
	} else if (s == SQLITE_DONE) {
		rc = err_set(e, E_NOTFOUND, "idempotency_key", "new key");
	} else {
		rc = sq_fail(db, e, "request get");
	}
	sqlite3_reset(st);
	return rc;
}

int store_ledger_request_insert(store *db, const store_ledger_request *r, err *e)
{
	static const char sql[] = "INSERT INTO ledger_requests(key,court_unit_id,op,fingerprint,response,created_at,"
	                          "created_by) VALUES(?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, r->key);
	sq_bind_text(st, 2, r->court_unit_id);
	sq_bind_text(st, 3, r->op);
	sq_bind_text(st, 4, r->fingerprint);
	sq_bind_text(st, 5, r->response);
	sq_bind_text(st, 6, r->created_at);
	sqlite3_bind_int64(st, 7, r->created_by);
	return sq_step_done(db, st, e, "request insert");
}

/* ---- receipts ---- */
#define RECEIPT_COLS                                                                                        \
	"id,court_unit_id,matter_id,source,amount,disbursed,payer,reference,received_on,due_on,posting_id," \
	"match_posting_id,matched_on,bank_line_id,created_at"

static int receipt_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_ledger_receipt *r = out;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->court_unit_id = sq_col_text(st, 1, a);
	r->matter_id = sq_col_id(st, 2);
	r->source = sq_col_text(st, 3, a);
	r->amount = sqlite3_column_int64(st, 4);
	r->disbursed = sqlite3_column_int64(st, 5);
	r->payer = sq_col_text(st, 6, a);
	r->reference = sq_col_text(st, 7, a);
	r->received_on = sq_col_text(st, 8, a);
	r->due_on = sq_col_text(st, 9, a);
	r->posting_id = sqlite3_column_int64(st, 10);
	r->match_posting_id = sq_col_id(st, 11);
	r->matched_on = sq_col_text(st, 12, a);
	r->bank_line_id = sq_col_id(st, 13);
	r->created_at = sq_col_text(st, 14, a);
	return r->court_unit_id && r->source && r->payer && r->reference && r->received_on && r->due_on && r->created_at
	               ? OK
	               : E_NOMEM;
}

int store_ledger_receipt_insert(store *db, const store_ledger_receipt *r, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO ledger_receipts(court_unit_id,matter_id,source,amount,payer,reference,"
	                          "received_on,due_on,posting_id,created_at) VALUES(?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, r->court_unit_id);
	sq_bind_id(st, 2, r->matter_id);
	sq_bind_text(st, 3, r->source);
	sqlite3_bind_int64(st, 4, r->amount);
	sq_bind_text(st, 5, r->payer ? r->payer : "");
	sq_bind_text(st, 6, r->reference ? r->reference : "");
	sq_bind_text(st, 7, r->received_on);
	sq_bind_text(st, 8, r->due_on);
	sqlite3_bind_int64(st, 9, r->posting_id);
	sq_bind_text(st, 10, r->created_at);
	return insert_id(db, st, "receipt insert", out_id, e);
}

int store_ledger_receipt_get(store *db, int64_t id, arena *a, store_ledger_receipt *out, err *e)
{
	static const char sql[] = "SELECT " RECEIPT_COLS " FROM ledger_receipts WHERE id=?";
	return sq_one_row(db, sql, id, a, receipt_row, out, "到账记录不存在或无权查看", e);
}

static void bind_receipt_filters(sqlite3_stmt *st, const void *ctx)
{
	const store_ledger_receipt_query *q = ctx;
	sq_bind_text(st, 1, q->court_unit_id);
	sqlite3_bind_int64(st, 2, q->matter_id);
	sq_bind_text(st, 4, q->overdue_before);
	sq_bind_text(st, 6, q->from);
	sq_bind_text(st, 7, q->to);
}

int store_ledger_receipt_list(store *db, const store_ledger_receipt_query *q, arena *a, store_ledger_receipt **out,
                              size_t *out_n, int64_t *out_total, err *e)
{
	/* Only the filters that are set go into the WHERE clause, parameter numbers fixed: a court's list
	 * seeks ledger_receipts_court (its unidentified ones the partial ledger_receipts_unidentified), a
	 * matter's ledger_receipts_matter. The "?1 IS NULL OR ..." form with a window count read every
	 * receipt of the region for each (20 ms at a million matters, twice in a court's enforcement
	 * workbench). The total is its own count. */
	const char *frags[8];
	size_t nf = 0;
	if (q->court_unit_id)
		frags[nf++] = " AND court_unit_id=?1";
	if (q->matter_id)
		frags[nf++] = " AND matter_id=?2";
	else if (q->unidentified)
		frags[nf++] = " AND matter_id IS NULL";
	if (q->overdue_before)
		frags[nf++] = " AND matter_id IS NOT NULL AND source<>'court_fee' AND disbursed<amount AND due_on<?4";
	if (q->outstanding)
		frags[nf++] = " AND matter_id IS NOT NULL AND source<>'court_fee' AND disbursed<amount";
	if (q->from)
		frags[nf++] = " AND received_on>=?6";
	if (q->to)
		frags[nf++] = " AND received_on<=?7";
	if (q->bank_unmatched)
		frags[nf++] = " AND bank_line_id IS NULL";
	char where[512], sql[1024];
	int rc = sq_where(where, sizeof where, frags, nf, e);
	if (rc)
		return rc;
	if (out_total) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM ledger_receipts WHERE 1=1%s", where);
		if ((rc = sq_count(db, sql, bind_receipt_filters, q, out_total, e)))
			return rc;
	}
	snprintf(sql, sizeof sql,
	         "SELECT " RECEIPT_COLS " FROM ledger_receipts WHERE 1=1%s ORDER BY %s LIMIT ?10 OFFSET ?11", where,
	         q->oldest_first ? "received_on, id" : "received_on DESC, id DESC");
	sqlite3_stmt *st;
	if ((rc = sq_prepare_text(db, sql, &st, e)))
		return rc;
	bind_receipt_filters(st, q);
	int limit = q->limit > 0 ? q->limit : 100;
	sqlite3_bind_int(st, 10, limit);
	sqlite3_bind_int(st, 11, q->offset);
	return sq_rows(db, st, a, sizeof **out, limit, receipt_row, (void **)out, out_n, -1, NULL, e);
}

int store_ledger_receipt_held(store *db, int64_t matter_id, int limit, arena *a, store_ledger_receipt **out,
                              size_t *out_n, err *e)
{
	static const char sql[] = "SELECT " RECEIPT_COLS " FROM ledger_receipts WHERE matter_id=?1 AND disbursed<amount"
	                          " AND source<>'court_fee' ORDER BY received_on, id LIMIT ?2";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : 100);
	return sq_rows(db, st, a, sizeof **out, limit, receipt_row, (void **)out, out_n, -1, NULL, e);
}

int store_ledger_receipt_match(store *db, int64_t id, int64_t matter_id, int64_t posting_id, const char *on, err *e)
{
	static const char sql[] = "UPDATE ledger_receipts SET matter_id=?, match_posting_id=?, matched_on=?"
	                          " WHERE id=? AND matter_id IS NULL";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	sqlite3_bind_int64(st, 2, posting_id);
	sq_bind_text(st, 3, on);
	sqlite3_bind_int64(st, 4, id);
	return change_one(db, st, "receipt match", "这笔款项已经认领到案件，不能再认领", e);
}

int store_ledger_receipt_add_disbursed(store *db, int64_t id, int64_t amount, err *e)
{
	static const char sql[] = "UPDATE ledger_receipts SET disbursed=disbursed+?2 WHERE id=?1 AND "
	                          "disbursed+?2<=amount AND disbursed+?2>=0";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, amount);
	return change_one(db, st, "receipt disbursed", "发放金额超过到账金额", e);
}

int store_ledger_receipt_set_bank_line(store *db, int64_t id, int64_t line_id, err *e)
{
	static const char sql[] = "UPDATE ledger_receipts SET bank_line_id=? WHERE id=? AND bank_line_id IS NULL";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, line_id);
	sqlite3_bind_int64(st, 2, id);
	return change_one(db, st, "receipt bank line", "该到账已与银行流水对应", e);
}

int store_ledger_receipt_by_key(store *db, const char *key, int64_t *out_id, err *e)
{
	static const char sql[] = "SELECT r.id FROM ledger_postings p JOIN ledger_receipts r ON r.posting_id=p.id"
	                          " WHERE p.idempotency_key=?";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, key);
	*out_id = 0;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		*out_id = sqlite3_column_int64(st, 0);
	else if (s != SQLITE_DONE)
		return sq_fail(db, e, "receipt by key");
	sqlite3_reset(st);
	return OK;
}

/* ---- disbursements ---- */
#define DISB_COLS                                                                                              \
	"id,court_unit_id,matter_id,kind,amount,payee_name,payee_account,payee_bank,note,status,requested_by," \
	"requested_at,decided_by,decided_at,decision_note,posting_id,on_date,bank_line_id"

static int disb_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_ledger_disbursement *d = out;
	memset(d, 0, sizeof *d);
	d->id = sqlite3_column_int64(st, 0);
	d->court_unit_id = sq_col_text(st, 1, a);
	d->matter_id = sqlite3_column_int64(st, 2);
	d->kind = sq_col_text(st, 3, a);
	d->amount = sqlite3_column_int64(st, 4);
	d->payee_name = sq_col_text(st, 5, a);
	d->payee_account = sq_col_text(st, 6, a);
	d->payee_bank = sq_col_text(st, 7, a);
	d->note = sq_col_text(st, 8, a);
	d->status = sq_col_text(st, 9, a);
	d->requested_by = sqlite3_column_int64(st, 10);
	d->requested_at = sq_col_text(st, 11, a);
	d->decided_by = sq_col_id(st, 12);
	d->decided_at = sq_col_text(st, 13, a);
	d->decision_note = sq_col_text(st, 14, a);
	d->posting_id = sq_col_id(st, 15);
	d->on_date = sq_col_text(st, 16, a);
	d->bank_line_id = sq_col_id(st, 17);
	return d->court_unit_id && d->kind && d->payee_name && d->payee_account && d->payee_bank && d->note &&
	                       d->status && d->requested_at
	               ? OK
	               : E_NOMEM;
}

int store_ledger_disbursement_insert(store *db, const store_ledger_disbursement *d, int64_t *out_id, err *e)
{
	static const char sql[] =
	        "INSERT INTO ledger_disbursements(court_unit_id,matter_id,kind,amount,payee_name,payee_account,"
	        "payee_bank,note,status,requested_by,requested_at) VALUES(?,?,?,?,?,?,?,?,'requested',?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, d->court_unit_id);
	sqlite3_bind_int64(st, 2, d->matter_id);
	sq_bind_text(st, 3, d->kind);
	sqlite3_bind_int64(st, 4, d->amount);
	sq_bind_text(st, 5, d->payee_name);
	sq_bind_text(st, 6, d->payee_account);
	sq_bind_text(st, 7, d->payee_bank);
	sq_bind_text(st, 8, d->note ? d->note : "");
	sqlite3_bind_int64(st, 9, d->requested_by);
	sq_bind_text(st, 10, d->requested_at);
	return insert_id(db, st, "disbursement insert", out_id, e);
}

int store_ledger_disbursement_get(store *db, int64_t id, arena *a, store_ledger_disbursement *out, err *e)
{
	static const char sql[] = "SELECT " DISB_COLS " FROM ledger_disbursements WHERE id=?";
	return sq_one_row(db, sql, id, a, disb_row, out, "发放申请不存在或无权查看", e);
}

struct disb_filter {
	const char *court_unit_id, *status, *from, *to;
	int64_t matter_id;
};

static void bind_disb_filters(sqlite3_stmt *st, const void *ctx)
{
	const struct disb_filter *f = ctx;
	sq_bind_text(st, 1, f->court_unit_id);
	sqlite3_bind_int64(st, 2, f->matter_id);
	sq_bind_text(st, 3, f->status);
	sq_bind_text(st, 4, f->from);
	sq_bind_text(st, 5, f->to);
}

int store_ledger_disbursement_list(store *db, const char *court_unit_id, int64_t matter_id, const char *status,
                                   const char *from, const char *to, int bank_unmatched, int limit, arena *a,
                                   store_ledger_disbursement **out, size_t *out_n, err *e)
{
	/* as the receipts: only the filters set, so that a court's list seeks ledger_disbursements_court
	 * (court, status) and a matter's ledger_disbursements_matter */
	const char *frags[6];
	size_t nf = 0;
	if (court_unit_id)
		frags[nf++] = " AND court_unit_id=?1";
	if (matter_id)
		frags[nf++] = " AND matter_id=?2";
	if (status)
		frags[nf++] = " AND status=?3";
	if (from)
		frags[nf++] = " AND on_date>=?4";
	if (to)
		frags[nf++] = " AND on_date<=?5";
	if (bank_unmatched)
		frags[nf++] = " AND bank_line_id IS NULL";
	char where[256], sql[1024];
	int rc = sq_where(where, sizeof where, frags, nf, e);
	if (rc)
		return rc;
	snprintf(sql, sizeof sql,
	         "SELECT " DISB_COLS " FROM ledger_disbursements WHERE 1=1%s ORDER BY %sid DESC LIMIT ?7", where,
	         status ? "" : "status<>'requested', ");
	sqlite3_stmt *st;
	if ((rc = sq_prepare_text(db, sql, &st, e)))
		return rc;
	struct disb_filter f = { court_unit_id, status, from, to, matter_id };
	bind_disb_filters(st, &f);
	sqlite3_bind_int(st, 7, limit > 0 ? limit : 100);
	return sq_rows(db, st, a, sizeof **out, limit, disb_row, (void **)out, out_n, -1, NULL, e);
}

int store_ledger_disbursement_decide(store *db, const store_ledger_disbursement *d, err *e)
{
	static const char sql[] =
	        "UPDATE ledger_disbursements SET status=?, decided_by=?, decided_at=?, decision_note=?,"
	        " posting_id=?, on_date=? WHERE id=? AND status='requested'";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, d->status);
	sqlite3_bind_int64(st, 2, d->decided_by);
	sq_bind_text(st, 3, d->decided_at);
	sq_bind_text(st, 4, d->decision_note);
	sq_bind_id(st, 5, d->posting_id);
	sq_bind_text(st, 6, d->on_date);
	sqlite3_bind_int64(st, 7, d->id);
	return change_one(db, st, "disbursement decide", "该发放申请已审批", e);
}

int store_ledger_disbursement_pending(store *db, int64_t matter_id, const char *kind, int64_t *out_sum, err *e)
{
	static const char sql[] = "SELECT coalesce(sum(amount),0) FROM ledger_disbursements WHERE matter_id=?"
	                          " AND kind=? AND status='requested'";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, matter_id);
	sq_bind_text(st, 2, kind);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out_sum = sqlite3_column_int64(st, 0);
	else
		rc = sq_fail(db, e, "disbursement pending");
	sqlite3_reset(st);
	return rc;
}

int store_ledger_disbursement_set_bank_line(store *db, int64_t id, int64_t line_id, err *e)
{
	static const char sql[] = "UPDATE ledger_disbursements SET bank_line_id=? WHERE id=? AND bank_line_id IS NULL";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, line_id);
	sqlite3_bind_int64(st, 2, id);
	return change_one(db, st, "disbursement bank line", "该发放已与银行流水对应", e);
}

/* ---- bank statement imports ---- */
static int import_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_ledger_bank_import *im = out;
	memset(im, 0, sizeof *im);
	im->id = sqlite3_column_int64(st, 0);
	im->court_unit_id = sq_col_text(st, 1, a);
	im->first_on = sq_col_text(st, 2, a);
	im->last_on = sq_col_text(st, 3, a);
	im->n_lines = sqlite3_column_int64(st, 4);
	im->n_matched = sqlite3_column_int64(st, 5);
	im->report = sq_col_text(st, 6, a);
	im->imported_at = sq_col_text(st, 7, a);
	im->imported_by = sqlite3_column_int64(st, 8);
	return im->court_unit_id && im->report && im->imported_at ? OK : E_NOMEM;
}

int store_ledger_bank_import_insert(store *db, const store_ledger_bank_import *im, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO ledger_bank_imports(court_unit_id,first_on,last_on,n_lines,n_matched,"
	                          "report,imported_at,imported_by) VALUES(?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, im->court_unit_id);
	sq_bind_text(st, 2, im->first_on);
	sq_bind_text(st, 3, im->last_on);
	sqlite3_bind_int64(st, 4, im->n_lines);
	sqlite3_bind_int64(st, 5, im->n_matched);
	sq_bind_text(st, 6, im->report ? im->report : "{}");
	sq_bind_text(st, 7, im->imported_at);
	sqlite3_bind_int64(st, 8, im->imported_by);
	return insert_id(db, st, "bank import insert", out_id, e);
}

int store_ledger_bank_import_set_report(store *db, int64_t id, int64_t n_matched, const char *report, err *e)
{
	static const char sql[] = "UPDATE ledger_bank_imports SET n_matched=?, report=? WHERE id=?";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, n_matched);
	sq_bind_text(st, 2, report);
	sqlite3_bind_int64(st, 3, id);
	return change_one(db, st, "bank import report", "导入记录不存在", e);
}

int store_ledger_bank_import_get(store *db, int64_t id, arena *a, store_ledger_bank_import *out, err *e)
{
	static const char sql[] = "SELECT id,court_unit_id,first_on,last_on,n_lines,n_matched,report,imported_at,"
	                          "imported_by FROM ledger_bank_imports WHERE id=?";
	return sq_one_row(db, sql, id, a, import_row, out, "银行流水导入记录不存在或无权查看", e);
}

int store_ledger_bank_import_list(store *db, const char *court_unit_id, int limit, arena *a,
                                  store_ledger_bank_import **out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT id,court_unit_id,first_on,last_on,n_lines,n_matched,'{}',imported_at,"
	                          "imported_by FROM ledger_bank_imports WHERE (?1 IS NULL OR court_unit_id=?1)"
	                          " ORDER BY id DESC LIMIT ?2";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, court_unit_id);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : 50);
	return sq_rows(db, st, a, sizeof **out, limit, import_row, (void **)out, out_n, -1, NULL, e);
}

int store_ledger_bank_line_insert(store *db, const store_ledger_bank_line *l, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO ledger_bank_lines(import_id,line_no,on_date,amount,reference,payer,"
	                          "receipt_id,disbursement_id,match_rule) VALUES(?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, l->import_id);
	sqlite3_bind_int(st, 2, l->line_no);
	sq_bind_text(st, 3, l->on_date);
	sqlite3_bind_int64(st, 4, l->amount);
	sq_bind_text(st, 5, l->reference ? l->reference : "");
	sq_bind_text(st, 6, l->payer ? l->payer : "");
	sq_bind_id(st, 7, l->receipt_id);
	sq_bind_id(st, 8, l->disbursement_id);
	sq_bind_text(st, 9, l->match_rule);
	return insert_id(db, st, "bank line insert", out_id, e);
}

/* ---- reconciliation ---- */
static int day_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_ledger_day_row *d = out;
	memset(d, 0, sizeof *d);
	d->account_id = sqlite3_column_int64(st, 0);
	d->kind = sq_col_text(st, 1, a);
	d->matter_id = sq_col_id(st, 2);
	d->debit_before = sqlite3_column_int64(st, 3);
	d->credit_before = sqlite3_column_int64(st, 4);
	d->debit_on = sqlite3_column_int64(st, 5);
	d->credit_on = sqlite3_column_int64(st, 6);
	d->debit_total = sqlite3_column_int64(st, 7);
	d->credit_total = sqlite3_column_int64(st, 8);
	return d->kind ? OK : E_NOMEM;
}

int store_ledger_day_totals(store *db, const char *court_unit_id, const char *on_date, arena *a,
                            store_ledger_day_row **out, size_t *out_n, err *e)
{
	/* The running totals on the account row (debit_total, credit_total) come along so the caller can
	 * check them against the sums of the entries: they are maintained separately. */
	static const char sql[] = "SELECT acc.id, acc.kind, acc.matter_id,"
	                          " coalesce(sum(CASE WHEN p.on_date<?2 THEN en.debit END),0),"
	                          " coalesce(sum(CASE WHEN p.on_date<?2 THEN en.credit END),0),"
	                          " coalesce(sum(CASE WHEN p.on_date=?2 THEN en.debit END),0),"
	                          " coalesce(sum(CASE WHEN p.on_date=?2 THEN en.credit END),0),"
	                          " acc.debit_total, acc.credit_total"
	                          " FROM ledger_accounts acc LEFT JOIN ledger_entries en ON en.account_id=acc.id"
	                          " LEFT JOIN ledger_postings p ON p.id=en.posting_id"
	                          " WHERE acc.court_unit_id=?1 GROUP BY acc.id ORDER BY acc.matter_id IS NOT NULL, "
	                          "acc.matter_id, acc.kind";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, court_unit_id);
	sq_bind_text(st, 2, on_date);
	return sq_rows(db, st, a, sizeof **out, 0, day_row, (void **)out, out_n, -1, NULL, e);
}

static int recon_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_ledger_reconciliation *r = out;
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->court_unit_id = sq_col_text(st, 1, a);
	r->on_date = sq_col_text(st, 2, a);
	r->ok = sqlite3_column_int(st, 3);
	r->report = sq_col_text(st, 4, a);
	r->created_at = sq_col_text(st, 5, a);
	r->created_by = sqlite3_column_int64(st, 6);
	return r->court_unit_id && r->on_date && r->report && r->created_at ? OK : E_NOMEM;
}

int store_ledger_reconciliation_insert(store *db, const store_ledger_reconciliation *r, int64_t *out_id, err *e)
{
	static const char sql[] = "INSERT INTO ledger_reconciliations(court_unit_id,on_date,ok,report,created_at,"
	                          "created_by) VALUES(?,?,?,?,?,?)";
	sqlite3_stmt *st;
	int rc = sq_begin_write(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, r->court_unit_id);
	sq_bind_text(st, 2, r->on_date);
	sqlite3_bind_int(st, 3, r->ok);
	sq_bind_text(st, 4, r->report);
	sq_bind_text(st, 5, r->created_at);
	sqlite3_bind_int64(st, 6, r->created_by);
	return insert_id(db, st, "reconciliation insert", out_id, e);
}

int store_ledger_reconciliation_list(store *db, const char *court_unit_id, int limit, arena *a,
                                     store_ledger_reconciliation **out, size_t *out_n, err *e)
{
	/* a court's walks ledger_reconciliations_court (court, day) from its latest day and stops at the
	 * limit; "?1 IS NULL OR court_unit_id=?1" read and sorted every court's (one a day each) */
	static const char by_court[] = "SELECT id,court_unit_id,on_date,ok,report,created_at,created_by"
	                               " FROM ledger_reconciliations WHERE court_unit_id=?1"
	                               " ORDER BY on_date DESC, id DESC LIMIT ?2";
	static const char all[] = "SELECT id,court_unit_id,on_date,ok,report,created_at,created_by"
	                          " FROM ledger_reconciliations ORDER BY on_date DESC, id DESC LIMIT ?2";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, court_unit_id ? by_court : all, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, court_unit_id);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : 30);
	return sq_rows(db, st, a, sizeof **out, limit, recon_row, (void **)out, out_n, -1, NULL, e);
}

/* ---- summary per court ---- */
static int summary_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_ledger_court_summary *s = out;
	memset(s, 0, sizeof *s);
	s->court_unit_id = sq_col_text(st, 0, a);
	s->unidentified_n = sqlite3_column_int64(st, 1);
	s->unidentified_amount = sqlite3_column_int64(st, 2);
	s->overdue_n = sqlite3_column_int64(st, 3);
	s->overdue_amount = sqlite3_column_int64(st, 4);
	s->awaiting_n = sqlite3_column_int64(st, 5);
	s->awaiting_amount = sqlite3_column_int64(st, 6);
	s->received = sqlite3_column_int64(st, 7);
	s->disbursed = sqlite3_column_int64(st, 8);
	s->refunded = sqlite3_column_int64(st, 9);
	return s->court_unit_id ? OK : E_NOMEM;
}

struct summary_filter {
	const char *area_code, *court_unit_id, *today, *from, *to;
};

static void bind_summary_filters(sqlite3_stmt *st, const void *ctx)
{
	const struct summary_filter *f = ctx;
	sq_bind_text(st, 1, f->area_code);
	sq_bind_text(st, 2, f->court_unit_id);
	sq_bind_text(st, 3, f->today);
	sq_bind_text(st, 4, f->from);
	sq_bind_text(st, 5, f->to);
}

int store_ledger_summaries(store *db, const char *area_code, const char *court_unit_id, const char *today,
                           const char *from, const char *to, arena *a, store_ledger_court_summary **out, size_t *out_n,
                           err *e)
{
	/* Each table is summed per court (from an index holding what the sum reads, migration 0020), and
	 * only then are the courts joined with their units and areas: joining every row first took 0.45 s
	 * for the region at a million matters. Below the region each table is read only for the court, or
	 * for the courts of the area (an IN list of unit ids, one index seek each): "?2 IS NULL OR
	 * court_unit_id=?2" and an area filter applied after the union read every receipt, disbursement and
	 * posting of the region for every request (0.45 s of a county committee's enforcement supervision).
	 * The receipts counted are the unidentified and the overdue case funds, "matter_id IS NULL OR
	 * (source<>'court_fee' AND disbursed<amount AND due_on<?3)", written as the partial index's own
	 * condition AND "(matter_id IS NULL OR due_on<?3)" so that SQLite sees the index applies. Only
	 * the date bounds given are in the statement, so that a court's postings are a range of its index. */
	const char *court =
	        court_unit_id ? " AND court_unit_id=?2"
	        : area_code && *area_code && strcmp(area_code, "150000")
	                ? " AND court_unit_id IN (SELECT u.id FROM units u JOIN areas ar ON ar.code=u.area_code"
	                  " WHERE u.area_code=?1 OR ar.parent_code=?1)"
	                : "";
	char sql[3000];
	snprintf(sql, sizeof sql,
	         "SELECT c, sum(un), sum(ua), sum(odn), sum(oda), sum(wn), sum(wa), sum(rv), sum(ds), sum(rf) FROM ("
	         " SELECT court_unit_id AS c, sum(matter_id IS NULL) AS un,"
	         "  sum(CASE WHEN matter_id IS NULL THEN amount ELSE 0 END) AS ua,"
	         "  sum(matter_id IS NOT NULL) AS odn, sum(CASE WHEN matter_id IS NOT NULL THEN amount-disbursed"
	         "   ELSE 0 END) AS oda, 0 AS wn, 0 AS wa, 0 AS rv, 0 AS ds, 0 AS rf"
	         "  FROM ledger_receipts INDEXED BY ledger_receipts_counted"
	         "  WHERE (matter_id IS NULL OR (source<>'court_fee' AND disbursed<amount))"
	         "  AND (matter_id IS NULL OR due_on<?3)%s GROUP BY 1"
	         " UNION ALL SELECT court_unit_id, 0, 0, 0, 0, count(*), sum(amount), 0, 0, 0"
	         "  FROM ledger_disbursements INDEXED BY ledger_disbursements_requested WHERE status='requested'%s"
	         "  GROUP BY 1"
	         " UNION ALL SELECT court_unit_id, 0, 0, 0, 0, 0, 0, sum(CASE WHEN kind='receipt' THEN amount ELSE 0 "
	         "END),"
	         "  sum(CASE WHEN kind='disbursement' THEN amount ELSE 0 END),"
	         "  sum(CASE WHEN kind='refund' THEN amount ELSE 0 END)"
	         "  FROM ledger_postings INDEXED BY ledger_postings_court WHERE kind IN "
	         "('receipt','disbursement','refund')%s"
	         "%s%s GROUP BY 1"
	         ") JOIN units u ON u.id=c JOIN areas ar ON ar.code=u.area_code"
	         " WHERE (?1 IS NULL OR ?1='150000' OR u.area_code=?1 OR ar.parent_code=?1) GROUP BY c ORDER BY c",
	         court, court, court, from ? " AND on_date>=?4" : "", to ? " AND on_date<=?5" : "");
	sqlite3_stmt *st;
	int rc = sq_prepare_text(db, sql, &st, e);
	if (rc)
		return rc;
	struct summary_filter f = { area_code, court_unit_id, today, from, to };
	bind_summary_filters(st, &f);
	return sq_rows(db, st, a, sizeof **out, 0, summary_row, (void **)out, out_n, -1, NULL, e);
}

/* ---- what the receipts say ---- */
static int held_row(sqlite3_stmt *st, arena *a, void *out)
{
	store_ledger_held *h = out;
	h->matter_id = sqlite3_column_int64(st, 0);
	h->kind = sq_col_text(st, 1, a);
	h->held = sqlite3_column_int64(st, 2);
	return h->kind ? OK : E_NOMEM;
}

int store_ledger_held_list(store *db, const char *court_unit_id, arena *a, store_ledger_held **out, size_t *out_n,
                           err *e)
{
	static const char sql[] =
	        "SELECT m, k, sum(v) FROM ("
	        " SELECT coalesce(matter_id,0) AS m, CASE WHEN matter_id IS NULL THEN 'unidentified' ELSE 'matter' END "
	        "AS k,"
	        "  amount-disbursed AS v FROM ledger_receipts WHERE court_unit_id=?1 AND source<>'court_fee'"
	        " UNION ALL SELECT matter_id, 'fees', amount FROM ledger_receipts WHERE court_unit_id=?1 AND "
	        "source='court_fee'"
	        " UNION ALL SELECT matter_id, 'fees', -amount FROM ledger_disbursements WHERE court_unit_id=?1"
	        "  AND kind='fee_refund' AND status='posted'"
	        ") GROUP BY m, k ORDER BY m, k";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	sq_bind_text(st, 1, court_unit_id);
	return sq_rows(db, st, a, sizeof **out, 0, held_row, (void **)out, out_n, -1, NULL, e);
}

static int text_row(sqlite3_stmt *st, arena *a, void *out)
{
	const char **s = out;
	*s = sq_col_text(st, 0, a);
	return *s ? OK : E_NOMEM;
}

int store_ledger_courts(store *db, arena *a, const char ***out, size_t *out_n, err *e)
{
	static const char sql[] = "SELECT DISTINCT court_unit_id FROM ledger_accounts ORDER BY 1";
	sqlite3_stmt *st;
	int rc = sq_prepare(db, sql, &st, e);
	if (rc)
		return rc;
	return sq_rows(db, st, a, sizeof **out, 0, text_row, (void **)out, out_n, -1, NULL, e);
}
