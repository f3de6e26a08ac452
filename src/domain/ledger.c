/*
 * ledger.c - case funds: accounts, balanced postings with idempotency keys, receipts and their
 * matching, two-step disbursements, reconciliation and bank statement import. See ledger.h and
 * docs/ledger.md.
 */
#include "domain/authz.h"
#include "domain/ledger.h"

#include "core/codec.h"
#include "core/csv.h"
#include "core/json_out.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/hash.h"
#include "domain/audit.h"
#include "domain/debtor.h"
#include "domain/legal.h"

#include <stdio.h>
#include <string.h>

static int nomem(err *e)
{
	return err_set(e, E_NOMEM, NULL, "out of memory");
}

/* ---- money ---- */
int ledger_parse_yuan(const char *s, int allow_negative, int64_t *out_fen)
{
	if (!s)
		return E_INVALID;
	const char *p = s;
	int neg = 0;
	if (*p == '-') {
		if (!allow_negative)
			return E_INVALID;
		neg = 1;
		p++;
	}
	if (*p < '0' || *p > '9')
		return E_INVALID;
	int64_t yuan = 0;
	while (*p >= '0' && *p <= '9') {
		if (yuan > LEDGER_MAX_FEN / 100)
			return E_INVALID;
		yuan = yuan * 10 + (*p++ - '0');
	}
	int64_t fen = 0;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return E_INVALID;
		fen = (*p++ - '0') * 10;
		if (*p >= '0' && *p <= '9')
			fen += *p++ - '0';
	}
	if (*p)
		return E_INVALID;
	int64_t v = yuan * 100 + fen;
	if (v > LEDGER_MAX_FEN)
		return E_INVALID;
	*out_fen = neg ? -v : v;
	return OK;
}

void ledger_format_fen(int64_t fen, char *out, size_t cap)
{
	int neg = fen < 0;
	uint64_t v = neg ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	snprintf(out, cap, "%s%llu.%02llu", neg ? "-" : "", (unsigned long long)(v / 100),
	         (unsigned long long)(v % 100));
}

int ledger_key_check(const char *key, err *e)
{
	size_t n = key ? strlen(key) : 0;
	if (n < 8 || n > 128 || strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-") != n)
		return err_set(e, E_INVALID, "idempotency_key",
		               "请由客户端为每笔业务生成幂等键 idempotency_key（8 到 128 个字母、数字或 . _ : "
		               "-），重试时原样重用");
	return OK;
}

static json_t *yuan_json(int64_t fen)
{
	char s[32];
	ledger_format_fen(fen, s, sizeof s);
	return json_string(s);
}

/* ---- idempotency ---- */
typedef struct idem {
	const char *key, *op, *court;
	char fp[65];
} idem;

/* In the transaction: a new key (OK, *out_replay NULL), the same request again (OK, *out_replay = the
 * first response), or the key used for something else (E_CONFLICT). */
static int idem_check(store *db, idem *k, json_t *request, arena *a, json_t **out_replay, err *e)
{
	*out_replay = NULL;
	char *canon = json_out_compact(request, 1, NULL);
	char *text = canon ? arena_printf(a, "%s\n%s\n%s", k->op, k->court, canon) : NULL;
	free(canon);
	if (!text)
		return nomem(e);
	uint8_t h[HASH_LEN];
	if (hash_digest(HASH_SHA256, text, strlen(text), h) != OK)
		return err_set(e, E_INTERNAL, NULL, "hash failed");
	codec_hex_encode(h, HASH_LEN, k->fp);
	k->fp[64] = 0;
	store_ledger_request r;
	int rc = store_ledger_request_get(db, k->key, a, &r, e);
	if (rc == E_NOTFOUND) {
		err_clear(e);
		return OK;
	}
	if (rc)
		return rc;
	if (strcmp(r.op, k->op) || strcmp(r.fingerprint, k->fp))
		return err_set(e, E_CONFLICT, "idempotency_key", "幂等键 %s 已用于另一笔请求；新业务请使用新的幂等键",
		               k->key);
	*out_replay = json_loads(r.response, 0, NULL);
	return *out_replay ? OK : err_set(e, E_INTEGRITY, "idempotency_key", "stored response unreadable");
}

static int idem_save(store *db, const principal *who, const idem *k, const json_t *response, err *e)
{
	char now[32];
	util_now_iso(now, sizeof now);
	char *text = json_out_compact(response, 1, NULL);
	if (!text)
		return nomem(e);
	store_ledger_request r = { .key = k->key,
		                   .court_unit_id = k->court,
		                   .op = k->op,
		                   .fingerprint = k->fp,
		                   .response = text,
		                   .created_at = now,
		                   .created_by = who->user_id };
	int rc = store_ledger_request_insert(db, &r, e);
	free(text);
	if (rc == E_CONFLICT)
		return err_set(e, E_CONFLICT, "idempotency_key", "幂等键已被并发请求使用，请重试以取得其结果");
	return rc;
}

/* ---- accounts and postings ---- */
static int account(store *db, const char *court, const char *kind, int64_t matter_id, arena *a,
                   store_ledger_account *out, err *e)
{
	int rc = store_ledger_account_find(db, court, kind, matter_id, a, out, e);
	if (rc != E_NOTFOUND)
		return rc;
	err_clear(e);
	char now[32];
	util_now_iso(now, sizeof now);
	store_ledger_account acc = {
		.court_unit_id = court, .kind = kind, .matter_id = matter_id, .amount_applied = -1, .opened_at = now
	};
	int64_t id;
	if ((rc = store_ledger_account_insert(db, &acc, &id, e)))
		return rc;
	return store_ledger_account_get(db, id, a, out, e);
}

typedef struct leg {
	int64_t account_id, debit, credit;
} leg;

/* Write a posting and its entries and move the accounts' running totals; every posting balances. */
static int post(store *db, const principal *who, const char *court, const char *kind, const char *key,
                int64_t matter_id, int64_t amount, const char *on, const char *memo, const leg *legs, size_t n,
                int64_t *out_posting, err *e)
{
	int64_t d = 0, c = 0;
	for (size_t i = 0; i < n; i++) {
		if ((legs[i].debit > 0) == (legs[i].credit > 0) || legs[i].debit < 0 || legs[i].credit < 0)
			return err_set(e, E_INTERNAL, NULL, "a ledger entry is either a debit or a credit");
		d += legs[i].debit;
		c += legs[i].credit;
	}
	if (d != c || d != amount || n < 2)
		return err_set(e, E_INTERNAL, NULL, "unbalanced posting refused: debits %lld, credits %lld",
		               (long long)d, (long long)c);
	char now[32];
	util_now_iso(now, sizeof now);
	store_ledger_posting p = { .court_unit_id = court,
		                   .kind = kind,
		                   .idempotency_key = key,
		                   .matter_id = matter_id,
		                   .amount = amount,
		                   .on_date = on,
		                   .at = now,
		                   .by_user = who->user_id,
		                   .memo = memo };
	int64_t pid;
	int rc = store_ledger_posting_insert(db, &p, &pid, e);
	for (size_t i = 0; rc == OK && i < n; i++) {
		store_ledger_entry en = { .posting_id = pid,
			                  .account_id = legs[i].account_id,
			                  .debit = legs[i].debit,
			                  .credit = legs[i].credit };
		if ((rc = store_ledger_entry_insert(db, &en, e)) == OK)
			rc = store_ledger_account_apply(db, legs[i].account_id, legs[i].debit, legs[i].credit, e);
	}
	if (rc == OK && out_posting)
		*out_posting = pid;
	return rc;
}

static int64_t balance(const store_ledger_account *acc)
{
	return !strcmp(acc->kind, "bank") ? acc->debit_total - acc->credit_total : acc->credit_total - acc->debit_total;
}

static int record(store *db, const principal *who, const char *entity, int64_t id, const char *type, json_t *p, err *e)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	return audit_record(db, who, entity, sid, type, p, NULL, e);
}

const org_unit *ledger_court_of(const principal *who)
{
	const org_unit *u = who ? enforce_top_unit(who->unit_id) : NULL;
	return u && !strcmp(u->kind, "court") ? u : NULL;
}

int ledger_matter_court(store *db, int64_t matter_id, arena *a, const char **out_court_unit_id, err *e)
{
	enforce_matter em;
	int rc = enforce_matter_load(db, matter_id, a, &em, e);
	if (rc == OK)
		*out_court_unit_id = em.court->id;
	return rc;
}

int ledger_matter_performance(store *db, int64_t matter_id, int64_t *out_applied, int64_t *out_received, err *e)
{
	*out_applied = -1;
	*out_received = 0;
	/* only receipts and matches credit a case-funds account, so its credits are what was received */
	int rc = store_ledger_matter_amounts(db, matter_id, out_applied, out_received, e);
	if (rc == E_NOTFOUND) {
		err_clear(e);
		*out_applied = -1;
		*out_received = 0;
		rc = OK;
	}
	return rc;
}

/* After money reached a matter: when it now covers the amount applied for, the debt is paid. */
static int after_credit(store *db, const principal *who, int64_t matter_id, int64_t received_before, const char *on,
                        json_t *p, err *e)
{
	int64_t applied, received;
	int rc = ledger_matter_performance(db, matter_id, &applied, &received, e);
	if (rc || applied <= 0 || received < applied || received_before >= applied)
		return rc;
	int n = 0;
	if ((rc = debtor_on_performed(db, who, matter_id, on, &n, e)))
		return rc;
	if (json_object_set_new(p, "performed", json_true()) ||
	    json_object_set_new(p, "listings_removed", json_integer(n)))
		return nomem(e);
	return OK;
}

/* ---- views ---- */
json_t *ledger_receipt_json(const store_ledger_receipt *r, const char *today)
{
	int held = r->matter_id && strcmp(r->source, "court_fee") && r->disbursed < r->amount;
	json_t *j = json_pack(
	        "{s:I,s:s,s:s,s:I,s:o,s:I,s:I,s:s,s:s,s:s,s:s,s:b,s:b,s:I}", "id", (json_int_t)r->id, "court_unit_id",
	        r->court_unit_id, "source", r->source, "amount", (json_int_t)r->amount, "amount_yuan",
	        yuan_json(r->amount), "disbursed", (json_int_t)r->disbursed, "outstanding",
	        (json_int_t)(r->matter_id && strcmp(r->source, "court_fee") ? r->amount - r->disbursed : 0), "payer",
	        r->payer, "reference", r->reference, "received_on", r->received_on, "due_on", r->due_on, "unidentified",
	        r->matter_id == 0, "overdue", (held || !r->matter_id) && strcmp(r->due_on, today) < 0, "posting_id",
	        (json_int_t)r->posting_id);
	if (!j)
		return NULL;
	json_object_set_new(j, "matter_id", r->matter_id ? json_integer(r->matter_id) : json_null());
	json_object_set_new(j, "matched_on", r->matched_on ? json_string(r->matched_on) : json_null());
	json_object_set_new(j, "bank_line_id", r->bank_line_id ? json_integer(r->bank_line_id) : json_null());
	return j;
}

static json_t *account_json(const store_ledger_account *acc)
{
	const org_unit *c = org_unit_find(acc->court_unit_id);
	json_t *j = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:o,s:s}", "id", (json_int_t)acc->id, "court_unit_id",
	                      acc->court_unit_id, "court_name", c ? c->name : acc->court_unit_id, "kind", acc->kind,
	                      "debit_total", (json_int_t)acc->debit_total, "credit_total",
	                      (json_int_t)acc->credit_total, "balance", (json_int_t)balance(acc), "balance_yuan",
	                      yuan_json(balance(acc)), "opened_at", acc->opened_at);
	if (!j)
		return NULL;
	json_object_set_new(j, "matter_id", acc->matter_id ? json_integer(acc->matter_id) : json_null());
	if (!strcmp(acc->kind, "matter")) {
		json_object_set_new(j, "amount_applied",
		                    acc->amount_applied >= 0 ? json_integer(acc->amount_applied) : json_null());
		json_object_set_new(j, "received", json_integer(acc->credit_total));
		json_object_set_new(j, "performed",
		                    json_boolean(acc->amount_applied > 0 && acc->credit_total >= acc->amount_applied));
	}
	return j;
}

static json_t *disb_json(const store_ledger_disbursement *d)
{
	json_t *j = json_pack("{s:I,s:s,s:I,s:s,s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "id", (json_int_t)d->id,
	                      "court_unit_id", d->court_unit_id, "matter_id", (json_int_t)d->matter_id, "kind", d->kind,
	                      "amount", (json_int_t)d->amount, "amount_yuan", yuan_json(d->amount), "payee_name",
	                      d->payee_name, "payee_account", d->payee_account, "payee_bank", d->payee_bank, "note",
	                      d->note, "status", d->status, "requested_by", (json_int_t)d->requested_by, "requested_at",
	                      d->requested_at);
	if (!j)
		return NULL;
	json_object_set_new(j, "decided_by", d->decided_by ? json_integer(d->decided_by) : json_null());
	json_object_set_new(j, "decided_at", d->decided_at ? json_string(d->decided_at) : json_null());
	json_object_set_new(j, "decision_note", d->decision_note ? json_string(d->decision_note) : json_null());
	json_object_set_new(j, "posting_id", d->posting_id ? json_integer(d->posting_id) : json_null());
	json_object_set_new(j, "on_date", d->on_date ? json_string(d->on_date) : json_null());
	return j;
}

static int receipt_view(store *db, int64_t id, arena *a, json_t **out, err *e)
{
	store_ledger_receipt r;
	char today[11];
	legal_today(today);
	int rc = store_ledger_receipt_get(db, id, a, &r, e);
	if (rc)
		return rc;
	*out = ledger_receipt_json(&r, today);
	return *out ? OK : nomem(e);
}

static int disb_view(store *db, int64_t id, arena *a, json_t **out, err *e)
{
	store_ledger_disbursement d;
	int rc = store_ledger_disbursement_get(db, id, a, &d, e);
	if (rc)
		return rc;
	*out = disb_json(&d);
	return *out ? OK : nomem(e);
}

/* ---- opening an account ---- */
int ledger_account_open(store *db, const principal *who, int64_t matter_id, int64_t amount_applied, arena *a,
                        json_t **out, err *e)
{
	if (amount_applied < 0 || amount_applied > LEDGER_MAX_FEN)
		return err_set(e, E_INVALID, "amount_applied", "申请执行标的额应为 0 到 %lld 分的整数",
		               (long long)LEDGER_MAX_FEN);
	json_t *p = json_object();
	if (!p)
		return nomem(e);
	enforce_matter em;
	store_ledger_account acc;
	char today[11];
	legal_today(today);
	int rc = store_tx_begin(db, e);
	if (rc || (rc = enforce_matter_load(db, matter_id, a, &em, e)) ||
	    (rc = account(db, em.court->id, "matter", matter_id, a, &acc, e)))
		goto done;
	int64_t old = acc.amount_applied;
	if ((rc = store_ledger_account_set_applied(db, acc.id, amount_applied, e)))
		goto done;
	if (enforce_change_int(p, "amount_applied", old >= 0 ? &old : NULL, amount_applied) ||
	    json_object_set_new(p, "matter_id", json_integer(matter_id))) {
		rc = nomem(e);
		goto done;
	}
	/* a target set after the money came in may show the debt paid now */
	if (amount_applied > 0 && acc.credit_total >= amount_applied && !(old > 0 && acc.credit_total >= old)) {
		int n = 0;
		if ((rc = debtor_on_performed(db, who, matter_id, today, &n, e)))
			goto done;
		json_object_set_new(p, "performed", json_true());
		json_object_set_new(p, "listings_removed", json_integer(n));
	}
	if ((rc = record(db, who, "ledger_account", acc.id,
	                 old < 0 ? "ledger.account_opened" : "ledger.account_updated", p, e)) ||
	    (rc = store_ledger_account_get(db, acc.id, a, &acc, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	*out = account_json(&acc);
	if (!*out)
		rc = nomem(e);
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	return rc;
}

/* ---- receipts ---- */
static const char *const sources[] = { "debtor_payment", "bank_deduction", "auction_proceeds", "court_fee" };

static int text_ok(const char *s, size_t hi)
{
	return !s || util_utf8_len(s) <= hi;
}

int ledger_receipt(store *db, const principal *who, const enforce_settings *s, const ledger_receipt_in *in,
                   json_t **out, int *out_replayed, err *e)
{
	int rc = ledger_key_check(in->key, e);
	if (rc)
		return rc;
	*out_replayed = 0;
	size_t si = 0;
	while (si < 4 && (!in->source || strcmp(sources[si], in->source)))
		si++;
	if (si == 4)
		return err_set(e, E_INVALID, "source",
		               "来源应为 "
		               "debtor_payment（被执行人交款）、bank_deduction（银行扣划）、auction_"
		               "proceeds（拍卖款）或 court_fee（诉讼费）");
	if (in->amount <= 0 || in->amount > LEDGER_MAX_FEN)
		return err_set(e, E_INVALID, "amount", "金额应为正整数（单位：分），最多 %lld 分",
		               (long long)LEDGER_MAX_FEN);
	if (!text_ok(in->payer, 200) || !text_ok(in->reference, 100))
		return err_set(e, E_INVALID, !text_ok(in->payer, 200) ? "payer" : "reference",
		               "付款人最多 200 字，流水号最多 100 字");
	if (si == 3 && !in->matter_id)
		return err_set(e, E_INVALID, "matter_id", "诉讼费须记入具体案件");
	char on[11], due[11];
	if ((rc = enforce_day(in->received_on, "received_on", on, e)))
		return rc;
	cal_date d;
	due_result dr;
	due_spec spec = { .days = s->funds_due_days };
	cal_date_parse(on, NULL, &d, NULL);
	if ((rc = legal_due(d, &spec, &dr, e)))
		return rc;
	legal_format(dr.due, due);
	arena *a = arena_new();
	json_t *req = json_pack("{s:I,s:s,s:I,s:s,s:s,s:s}", "matter_id", (json_int_t)in->matter_id, "source",
	                        in->source, "amount", (json_int_t)in->amount, "payer", in->payer ? in->payer : "",
	                        "reference", in->reference ? in->reference : "", "received_on", on);
	json_t *p = json_object(), *replay = NULL;
	if (!a || !req || !p) {
		rc = nomem(e);
		goto done;
	}
	const char *court = in->court_unit_id;
	enforce_matter em;
	if ((rc = store_tx_begin(db, e)))
		goto done;
	if (in->matter_id) {
		if ((rc = enforce_matter_load(db, in->matter_id, a, &em, e)))
			goto done;
		court = em.court->id;
	}
	const org_unit *cu = court ? org_unit_find(court) : NULL;
	if (!cu || strcmp(cu->kind, "court")) {
		rc = err_set(e, E_INVALID, "court_unit_id", "请注明收款法院");
		goto done;
	}
	idem k = { .key = in->key, .op = "receipt", .court = court };
	if ((rc = idem_check(db, &k, req, a, &replay, e)))
		goto done;
	if (replay) {
		*out = replay;
		replay = NULL;
		*out_replayed = 1;
		goto done; /* nothing written: the rollback below ends the transaction */
	}
	const char *target = !in->matter_id ? "unidentified" : si == 3 ? "fees" : "matter";
	store_ledger_account bank, dst;
	int64_t before = 0, applied, pid, rid;
	if (in->matter_id && si != 3 && (rc = ledger_matter_performance(db, in->matter_id, &applied, &before, e)))
		goto done;
	if ((rc = account(db, court, "bank", 0, a, &bank, e)) ||
	    (rc = account(db, court, target, in->matter_id, a, &dst, e)))
		goto done;
	leg legs[2] = { { bank.id, in->amount, 0 }, { dst.id, 0, in->amount } };
	if ((rc = post(db, who, court, si == 3 ? "fee_receipt" : "receipt", in->key, in->matter_id, in->amount, on,
	               in->reference ? in->reference : "", legs, 2, &pid, e)))
		goto done;
	char now[32];
	util_now_iso(now, sizeof now);
	store_ledger_receipt r = { .court_unit_id = court,
		                   .matter_id = in->matter_id,
		                   .source = in->source,
		                   .amount = in->amount,
		                   .payer = in->payer,
		                   .reference = in->reference,
		                   .received_on = on,
		                   .due_on = due,
		                   .posting_id = pid,
		                   .created_at = now };
	if ((rc = store_ledger_receipt_insert(db, &r, &rid, e)))
		goto done;
	if (audit_change_str(p, "source", NULL, in->source) || enforce_change_int(p, "amount", NULL, in->amount) ||
	    audit_change_str(p, "received_on", NULL, on) || audit_change_str(p, "due_on", NULL, due) ||
	    (in->matter_id && enforce_change_int(p, "matter_id", NULL, in->matter_id)) ||
	    (in->payer && *in->payer && audit_change_str(p, "payer", NULL, in->payer)) ||
	    (in->reference && *in->reference && audit_change_str(p, "reference", NULL, in->reference)) ||
	    json_object_set_new(p, "posting_id", json_integer(pid)) ||
	    json_object_set_new(p, "idempotency_key", json_string(in->key)) ||
	    json_object_set_new(p, "court_unit_id", json_string(court))) {
		rc = nomem(e);
		goto done;
	}
	if (in->matter_id && si != 3 && (rc = after_credit(db, who, in->matter_id, before, on, p, e)))
		goto done;
	if ((rc = record(db, who, "ledger_receipt", rid,
	                 in->matter_id ? "ledger.received" : "ledger.received_unidentified", p, e)) ||
	    (rc = receipt_view(db, rid, a, out, e)))
		goto done;
	if ((rc = idem_save(db, who, &k, *out, e)) || (rc = store_tx_commit(db, e))) {
		json_decref(*out);
		*out = NULL;
		goto done;
	}
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(req);
	json_decref(p);
	arena_free(a);
	return rc;
}

int ledger_receipt_court(store *db, int64_t receipt_id, arena *a, const char **out_court_unit_id, err *e)
{
	store_ledger_receipt r;
	int rc = store_ledger_receipt_get(db, receipt_id, a, &r, e);
	if (rc == OK)
		*out_court_unit_id = r.court_unit_id;
	return rc;
}

int ledger_match(store *db, const principal *who, const char *key, int64_t receipt_id, int64_t matter_id, json_t **out,
                 int *out_replayed, err *e)
{
	int rc = ledger_key_check(key, e);
	if (rc)
		return rc;
	*out_replayed = 0;
	arena *a = arena_new();
	json_t *req = json_pack("{s:I,s:I}", "receipt_id", (json_int_t)receipt_id, "matter_id", (json_int_t)matter_id);
	json_t *p = json_object(), *replay = NULL;
	char today[11];
	legal_today(today);
	if (!a || !req || !p) {
		rc = nomem(e);
		goto done;
	}
	store_ledger_receipt r;
	enforce_matter em;
	if ((rc = store_tx_begin(db, e)) || (rc = store_ledger_receipt_get(db, receipt_id, a, &r, e)))
		goto done;
	idem k = { .key = key, .op = "match", .court = r.court_unit_id };
	if ((rc = idem_check(db, &k, req, a, &replay, e)))
		goto done;
	if (replay) {
		*out = replay;
		replay = NULL;
		*out_replayed = 1;
		goto done;
	}
	if (r.matter_id) {
		rc = err_set(e, E_CONFLICT, "receipt_id", "这笔款项已认领到案件 %lld", (long long)r.matter_id);
		goto done;
	}
	if ((rc = enforce_matter_load(db, matter_id, a, &em, e)))
		goto done;
	if (strcmp(em.court->id, r.court_unit_id)) {
		rc = err_set(e, E_INVALID, "matter_id", "款项到账于%s，只能认领到该院执行的案件", r.court_unit_id);
		goto done;
	}
	store_ledger_account un, dst;
	int64_t before, applied, pid;
	if ((rc = ledger_matter_performance(db, matter_id, &applied, &before, e)) ||
	    (rc = account(db, r.court_unit_id, "unidentified", 0, a, &un, e)) ||
	    (rc = account(db, r.court_unit_id, "matter", matter_id, a, &dst, e)))
		goto done;
	leg legs[2] = { { un.id, r.amount, 0 }, { dst.id, 0, r.amount } };
	if ((rc = post(db, who, r.court_unit_id, "match", key, matter_id, r.amount, today, "不明款认领", legs, 2, &pid,
	               e)) ||
	    (rc = store_ledger_receipt_match(db, receipt_id, matter_id, pid, today, e)))
		goto done;
	if (enforce_change_int(p, "matter_id", NULL, matter_id) || audit_change_str(p, "matched_on", NULL, today) ||
	    json_object_set_new(p, "amount", json_integer(r.amount)) ||
	    json_object_set_new(p, "posting_id", json_integer(pid)) ||
	    json_object_set_new(p, "idempotency_key", json_string(key))) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = after_credit(db, who, matter_id, before, today, p, e)) ||
	    (rc = record(db, who, "ledger_receipt", receipt_id, "ledger.matched", p, e)) ||
	    (rc = receipt_view(db, receipt_id, a, out, e)))
		goto done;
	if ((rc = idem_save(db, who, &k, *out, e)) || (rc = store_tx_commit(db, e))) {
		json_decref(*out);
		*out = NULL;
	}
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(req);
	json_decref(p);
	arena_free(a);
	return rc;
}

/* ---- disbursements ---- */
int ledger_disbursement_request(store *db, const principal *who, const ledger_disbursement_in *in, json_t **out,
                                int *out_replayed, err *e)
{
	int rc = ledger_key_check(in->key, e);
	if (rc)
		return rc;
	*out_replayed = 0;
	int fee = in->kind && !strcmp(in->kind, "fee_refund");
	if (!in->kind || (!fee && strcmp(in->kind, "creditor")))
		return err_set(e, E_INVALID, "kind",
		               "发放类型应为 creditor（向申请执行人发放案款）或 fee_refund（退还诉讼费）");
	if (in->amount <= 0 || in->amount > LEDGER_MAX_FEN)
		return err_set(e, E_INVALID, "amount", "金额应为正整数（单位：分）");
	if (!in->payee_name || util_utf8_len(in->payee_name) < 2 || util_utf8_len(in->payee_name) > 100)
		return err_set(e, E_INVALID, "payee_name", "请填写收款人户名（2 到 100 字）");
	size_t an = in->payee_account ? strlen(in->payee_account) : 0;
	if (an < 8 || an > 34 || strspn(in->payee_account, "0123456789") != an)
		return err_set(e, E_INVALID, "payee_account", "收款账号应为 8 到 34 位数字");
	if (!in->payee_bank || util_utf8_len(in->payee_bank) < 2 || util_utf8_len(in->payee_bank) > 100)
		return err_set(e, E_INVALID, "payee_bank", "请填写开户行（2 到 100 字）");
	if (!text_ok(in->note, 500))
		return err_set(e, E_INVALID, "note", "备注最多 500 字");
	if (!(who->roles & ROLE_FUND_OFFICER))
		return authz_refuse_msg(who, PERM_FUNDS_ACT, "not_fund_officer", e, NULL, "发放申请由案款专员提出");
	arena *a = arena_new();
	json_t *req =
	        json_pack("{s:I,s:s,s:I,s:s,s:s,s:s,s:s}", "matter_id", (json_int_t)in->matter_id, "kind", in->kind,
	                  "amount", (json_int_t)in->amount, "payee_name", in->payee_name, "payee_account",
	                  in->payee_account, "payee_bank", in->payee_bank, "note", in->note ? in->note : "");
	json_t *p = json_object(), *replay = NULL;
	if (!a || !req || !p) {
		rc = nomem(e);
		goto done;
	}
	enforce_matter em;
	store_ledger_account acc;
	int64_t pending, id;
	if ((rc = store_tx_begin(db, e)) || (rc = enforce_matter_load(db, in->matter_id, a, &em, e)))
		goto done;
	idem k = { .key = in->key, .op = "disbursement", .court = em.court->id };
	if ((rc = idem_check(db, &k, req, a, &replay, e)))
		goto done;
	if (replay) {
		*out = replay;
		replay = NULL;
		*out_replayed = 1;
		goto done;
	}
	rc = store_ledger_account_find(db, NULL, fee ? "fees" : "matter", in->matter_id, a, &acc, e);
	if (rc == E_NOTFOUND) {
		rc = err_set(e, E_CONFLICT, "amount", "本案没有可发放的%s", fee ? "诉讼费" : "案款");
		goto done;
	}
	if (rc ||
	    (rc = store_ledger_disbursement_pending(db, in->matter_id, fee ? "fee_refund" : "creditor", &pending, e)))
		goto done;
	if (in->amount > balance(&acc) - pending) {
		char bal[32], pend[32];
		ledger_format_fen(balance(&acc), bal, sizeof bal);
		ledger_format_fen(pending, pend, sizeof pend);
		rc = err_set(e, E_CONFLICT, "amount", "可发放余额不足：账户余额 %s 元，其中 %s 元已有待审批的发放申请",
		             bal, pend);
		goto done;
	}
	char now[32];
	util_now_iso(now, sizeof now);
	store_ledger_disbursement d = { .court_unit_id = em.court->id,
		                        .matter_id = in->matter_id,
		                        .kind = in->kind,
		                        .amount = in->amount,
		                        .payee_name = in->payee_name,
		                        .payee_account = in->payee_account,
		                        .payee_bank = in->payee_bank,
		                        .note = in->note,
		                        .requested_by = who->user_id,
		                        .requested_at = now };
	if ((rc = store_ledger_disbursement_insert(db, &d, &id, e)))
		goto done;
	if (audit_change_str(p, "status", NULL, "requested") || audit_change_str(p, "kind", NULL, in->kind) ||
	    enforce_change_int(p, "amount", NULL, in->amount) ||
	    audit_change_str(p, "payee_name", NULL, in->payee_name) ||
	    audit_change_str(p, "payee_account", NULL, in->payee_account) ||
	    audit_change_str(p, "payee_bank", NULL, in->payee_bank) ||
	    json_object_set_new(p, "matter_id", json_integer(in->matter_id)) ||
	    json_object_set_new(p, "idempotency_key", json_string(in->key))) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = record(db, who, "ledger_disbursement", id, "ledger.disbursement_requested", p, e)) ||
	    (rc = disb_view(db, id, a, out, e)))
		goto done;
	if ((rc = idem_save(db, who, &k, *out, e)) || (rc = store_tx_commit(db, e))) {
		json_decref(*out);
		*out = NULL;
	}
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(req);
	json_decref(p);
	arena_free(a);
	return rc;
}

int ledger_disbursement_court(store *db, int64_t id, arena *a, const char **out_court_unit_id, err *e)
{
	store_ledger_disbursement d;
	int rc = store_ledger_disbursement_get(db, id, a, &d, e);
	if (rc == OK)
		*out_court_unit_id = d.court_unit_id;
	return rc;
}

/* Allocate a paid-out amount to the matter's receipts, oldest first. */
static int allocate(store *db, int64_t matter_id, int64_t amount, arena *a, err *e)
{
	while (amount > 0) {
		store_ledger_receipt *v;
		size_t n;
		int rc = store_ledger_receipt_held(db, matter_id, 50, a, &v, &n, e);
		if (rc)
			return rc;
		if (n == 0)
			return err_set(e, E_INTEGRITY, NULL, "案款余额与到账明细不一致：无法分摊发放金额");
		for (size_t i = 0; i < n && amount > 0; i++) {
			int64_t take = v[i].amount - v[i].disbursed;
			if (take > amount)
				take = amount;
			if ((rc = store_ledger_receipt_add_disbursed(db, v[i].id, take, e)))
				return rc;
			amount -= take;
		}
	}
	return OK;
}

int ledger_disbursement_approve(store *db, const principal *who, const char *key, int64_t id, const char *note,
                                const char *on, json_t **out, int *out_replayed, err *e)
{
	int rc = ledger_key_check(key, e);
	if (rc)
		return rc;
	*out_replayed = 0;
	if (!text_ok(note, 500))
		return err_set(e, E_INVALID, "note", "审批意见最多 500 字");
	if (!(who->roles & ROLE_REVIEWER))
		return authz_refuse_msg(who, PERM_FUNDS_APPROVE, "not_reviewer", e, NULL, "发放须由审核人审批");
	char day[11];
	if ((rc = enforce_day(on, "on", day, e)))
		return rc;
	arena *a = arena_new();
	json_t *req = json_pack("{s:I,s:s}", "disbursement_id", (json_int_t)id, "note", note ? note : "");
	json_t *p = json_object(), *replay = NULL;
	if (!a || !req || !p) {
		rc = nomem(e);
		goto done;
	}
	store_ledger_disbursement d;
	if ((rc = store_tx_begin(db, e)) || (rc = store_ledger_disbursement_get(db, id, a, &d, e)))
		goto done;
	idem k = { .key = key, .op = "approve", .court = d.court_unit_id };
	if ((rc = idem_check(db, &k, req, a, &replay, e)))
		goto done;
	if (replay) {
		*out = replay;
		replay = NULL;
		*out_replayed = 1;
		goto done;
	}
	if (strcmp(d.status, "requested")) {
		rc = err_set(e, E_CONFLICT, NULL, "该发放申请已%s", !strcmp(d.status, "posted") ? "审批发放" : "驳回");
		goto done;
	}
	if (d.requested_by == who->user_id) {
		rc = authz_refuse_msg(who, PERM_FUNDS_APPROVE, "four_eyes", e, NULL,
		                      "发放须由申请人以外的审核人审批（双人复核）");
		goto done;
	}
	int fee = !strcmp(d.kind, "fee_refund");
	store_ledger_account src, bank;
	int64_t pid;
	if ((rc = store_ledger_account_find(db, NULL, fee ? "fees" : "matter", d.matter_id, a, &src, e)) ||
	    (rc = account(db, d.court_unit_id, "bank", 0, a, &bank, e)))
		goto done;
	leg legs[2] = { { src.id, d.amount, 0 }, { bank.id, 0, d.amount } };
	char memo[160];
	snprintf(memo, sizeof memo, "%s %s", d.payee_name, d.payee_account);
	if ((rc = post(db, who, d.court_unit_id, fee ? "refund" : "disbursement", key, d.matter_id, d.amount, day, memo,
	               legs, 2, &pid, e)))
		goto done;
	char now[32];
	util_now_iso(now, sizeof now);
	store_ledger_disbursement dd = { .id = id,
		                         .status = "posted",
		                         .decided_by = who->user_id,
		                         .decided_at = now,
		                         .decision_note = note,
		                         .posting_id = pid,
		                         .on_date = day };
	if ((rc = store_ledger_disbursement_decide(db, &dd, e)) ||
	    (!fee && (rc = allocate(db, d.matter_id, d.amount, a, e))))
		goto done;
	if (audit_change_str(p, "status", "requested", "posted") || audit_change_str(p, "on_date", NULL, day) ||
	    (note && *note && audit_change_str(p, "decision_note", NULL, note)) ||
	    json_object_set_new(p, "amount", json_integer(d.amount)) ||
	    json_object_set_new(p, "posting_id", json_integer(pid)) ||
	    json_object_set_new(p, "matter_id", json_integer(d.matter_id)) ||
	    json_object_set_new(p, "idempotency_key", json_string(key))) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = record(db, who, "ledger_disbursement", id, "ledger.disbursement_posted", p, e)) ||
	    (rc = disb_view(db, id, a, out, e)))
		goto done;
	if ((rc = idem_save(db, who, &k, *out, e)) || (rc = store_tx_commit(db, e))) {
		json_decref(*out);
		*out = NULL;
	}
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(req);
	json_decref(p);
	arena_free(a);
	return rc;
}

int ledger_disbursement_refuse(store *db, const principal *who, int64_t id, const char *note, json_t **out, err *e)
{
	if (!note || util_utf8_len(note) < 2 || util_utf8_len(note) > 500)
		return err_set(e, E_INVALID, "note", "请填写驳回理由（2 到 500 字）");
	if (!(who->roles & ROLE_REVIEWER))
		return authz_refuse_msg(who, PERM_FUNDS_APPROVE, "not_reviewer", e, NULL, "发放申请由审核人审批");
	arena *a = arena_new();
	json_t *p = json_object();
	store_ledger_disbursement d;
	int rc = OK;
	if (!a || !p) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = store_tx_begin(db, e)) || (rc = store_ledger_disbursement_get(db, id, a, &d, e)))
		goto done;
	if (strcmp(d.status, "requested")) {
		rc = err_set(e, E_CONFLICT, NULL, "该发放申请已审批");
		goto done;
	}
	if (d.requested_by == who->user_id) {
		rc = authz_refuse_msg(who, PERM_FUNDS_APPROVE, "four_eyes", e, NULL,
		                      "发放申请须由申请人以外的审核人审批");
		goto done;
	}
	char now[32];
	util_now_iso(now, sizeof now);
	store_ledger_disbursement dd = {
		.id = id, .status = "refused", .decided_by = who->user_id, .decided_at = now, .decision_note = note
	};
	if ((rc = store_ledger_disbursement_decide(db, &dd, e)))
		goto done;
	if (audit_change_str(p, "status", "requested", "refused") || audit_change_str(p, "decision_note", NULL, note) ||
	    json_object_set_new(p, "matter_id", json_integer(d.matter_id))) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = record(db, who, "ledger_disbursement", id, "ledger.disbursement_refused", p, e)) ||
	    (rc = disb_view(db, id, a, out, e)))
		goto done;
	if ((rc = store_tx_commit(db, e))) {
		json_decref(*out);
		*out = NULL;
	}
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(p);
	arena_free(a);
	return rc;
}

/* ---- reconciliation ---- */
static int add_diff(json_t *diffs, const char *what, const char *detail)
{
	return json_array_append_new(diffs, json_pack("{s:s,s:s}", "check", what, "detail", detail));
}

/* The checks of one court's ledger (see ledger.h); diffs gets one entry per violation. */
static int check_court(store *db, const char *court, const char *on, arena *a, json_t *accounts, json_t *totals,
                       json_t *diffs, err *e)
{
	store_ledger_day_row *rows;
	store_ledger_held *held;
	size_t n, nh;
	int rc = store_ledger_day_totals(db, court, on, a, &rows, &n, e);
	if (rc || (rc = store_ledger_held_list(db, court, a, &held, &nh, e)))
		return rc;
	int64_t asset_open = 0, asset_in = 0, asset_out = 0, asset_close = 0;
	int64_t liab_open = 0, liab_in = 0, liab_out = 0, liab_close = 0, asset_now = 0, liab_now = 0;
	for (size_t i = 0; i < n; i++) {
		store_ledger_day_row *r = &rows[i];
		int asset = !strcmp(r->kind, "bank");
		int64_t open = asset ? r->debit_before - r->credit_before : r->credit_before - r->debit_before;
		int64_t in = asset ? r->debit_on : r->credit_on, out = asset ? r->credit_on : r->debit_on;
		int64_t close = open + in - out;
		int64_t now = asset ? r->debit_total - r->credit_total : r->credit_total - r->debit_total;
		if (open < 0 || close < 0 || now < 0)
			add_diff(diffs, "negative_balance",
			         arena_printf(a, "账户 %lld 余额为负", (long long)r->account_id));
		if (accounts && (open || in || out || close))
			json_array_append_new(accounts,
			                      json_pack("{s:I,s:s,s:o,s:I,s:I,s:I,s:I}", "account_id",
			                                (json_int_t)r->account_id, "kind", r->kind, "matter_id",
			                                r->matter_id ? json_integer(r->matter_id) : json_null(),
			                                "opening", (json_int_t)open, "in", (json_int_t)in, "out",
			                                (json_int_t)out, "closing", (json_int_t)close));
		if (asset) {
			asset_open += open, asset_in += in, asset_out += out, asset_close += close, asset_now += now;
		} else {
			liab_open += open, liab_in += in, liab_out += out, liab_close += close, liab_now += now;
		}
		/* what the receipts say the account holds */
		if (!asset) {
			int64_t want = 0;
			for (size_t k = 0; k < nh; k++)
				if (held[k].matter_id == r->matter_id && !strcmp(held[k].kind, r->kind))
					want = held[k].held;
			if (want != now)
				add_diff(diffs, "held_by_receipts",
				         arena_printf(a, "账户 %lld（%s%s%lld）余额 %lld 分，按到账明细应为 %lld 分",
				                      (long long)r->account_id, r->kind, r->matter_id ? " 案件" : "",
				                      (long long)r->matter_id, (long long)now, (long long)want));
		}
	}
	if (asset_open != liab_open || asset_close != liab_close || asset_now != liab_now)
		add_diff(diffs, "assets_equal_liabilities",
		         arena_printf(a, "%s：银行存款 %lld 分，应付款合计 %lld 分", court, (long long)asset_close,
		                      (long long)liab_close));
	if (totals)
		json_object_set_new(totals, court,
		                    json_pack("{s:{s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I,s:I}}", "bank", "opening",
		                              (json_int_t)asset_open, "receipts", (json_int_t)asset_in, "disbursements",
		                              (json_int_t)asset_out, "closing", (json_int_t)asset_close, "held",
		                              "opening", (json_int_t)liab_open, "receipts", (json_int_t)liab_in,
		                              "disbursements", (json_int_t)liab_out, "closing",
		                              (json_int_t)liab_close));
	return OK;
}

static int check_global(store *db, json_t *diffs, arena *a, err *e)
{
	int64_t unbalanced, drift;
	int rc = store_ledger_unbalanced(db, 0, &unbalanced, e);
	if (rc || (rc = store_ledger_drift(db, &drift, e)))
		return rc;
	if (unbalanced)
		add_diff(diffs, "balanced_postings", arena_printf(a, "%lld 笔记账借贷不平", (long long)unbalanced));
	if (drift)
		add_diff(diffs, "running_totals",
		         arena_printf(a, "%lld 个账户的累计额与分录合计不符", (long long)drift));
	return OK;
}

int ledger_reconcile(store *db, const principal *who, const char *court_unit_id, const char *on, json_t **out, err *e)
{
	char day[11], now[32];
	int rc = enforce_day(on, "on", day, e);
	if (rc)
		return rc;
	const org_unit *c = court_unit_id ? org_unit_find(court_unit_id) : NULL;
	if (!c || strcmp(c->kind, "court"))
		return err_set(e, E_INVALID, "court_unit_id", "请注明法院");
	arena *a = arena_new();
	json_t *accounts = json_array(), *totals = json_object(), *diffs = json_array(), *report = NULL, *p = NULL;
	if (!a || !accounts || !totals || !diffs) {
		rc = nomem(e);
		goto done;
	}
	util_now_iso(now, sizeof now);
	if ((rc = store_tx_begin(db, e)) || (rc = check_court(db, c->id, day, a, accounts, totals, diffs, e)) ||
	    (rc = check_global(db, diffs, a, e)))
		goto done;
	int ok = json_array_size(diffs) == 0;
	report = json_pack("{s:s,s:s,s:b,s:O,s:O,s:O}", "court_unit_id", c->id, "on_date", day, "ok", ok, "accounts",
	                   accounts, "totals",
	                   json_object_get(totals, c->id) ? json_object_get(totals, c->id) : json_object(),
	                   "differences", diffs);
	char *text = report ? json_out_compact(report, 0, NULL) : NULL;
	if (!text) {
		rc = nomem(e);
		goto done;
	}
	store_ledger_reconciliation r = { .court_unit_id = c->id,
		                          .on_date = day,
		                          .ok = ok,
		                          .report = text,
		                          .created_at = now,
		                          .created_by = who->user_id };
	int64_t id;
	rc = store_ledger_reconciliation_insert(db, &r, &id, e);
	free(text);
	if (rc)
		goto done;
	p = json_pack("{s:s,s:s,s:b,s:I}", "court_unit_id", c->id, "on_date", day, "ok", ok, "differences",
	              (json_int_t)json_array_size(diffs));
	if (!p || json_object_set_new(report, "id", json_integer(id))) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = record(db, who, "ledger_reconciliation", id, "ledger.reconciled", p, e)) ||
	    (rc = store_tx_commit(db, e)))
		goto done;
	if (!ok)
		log_event(LOG_WARN, "ledger_reconciliation_differences", "court=%s on=%s n=%zu", c->id, day,
		          json_array_size(diffs));
	*out = report;
	report = NULL;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(accounts);
	json_decref(totals);
	json_decref(diffs);
	json_decref(report);
	json_decref(p);
	arena_free(a);
	return rc;
}

int ledger_check_all(store *db, err *e)
{
	arena *a = arena_new();
	json_t *diffs = json_array();
	const char **courts;
	size_t n;
	char today[11];
	legal_today(today);
	int rc = a && diffs ? OK : nomem(e);
	if (rc == OK && (rc = store_read_begin(db, e)) == OK) {
		if ((rc = store_ledger_courts(db, a, &courts, &n, e)) == OK)
			for (size_t i = 0; rc == OK && i < n; i++)
				rc = check_court(db, courts[i], today, a, NULL, NULL, diffs, e);
		if (rc == OK)
			rc = check_global(db, diffs, a, e);
		store_read_end(db);
	}
	if (rc == OK && json_array_size(diffs)) {
		json_t *d = json_array_get(diffs, 0);
		rc = err_set(e, E_INTEGRITY, json_string_value(json_object_get(d, "check")), "%s",
		             json_string_value(json_object_get(d, "detail")));
	}
	json_decref(diffs);
	arena_free(a);
	return rc;
}

/* ---- bank statement import ---- */
typedef struct bank_line {
	int line_no;
	char on[11];
	int64_t amount;
	const char *reference, *payer;
	int64_t receipt_id, disbursement_id, mismatch_receipt_id;
	const char *rule;
	long day; /* days since epoch, for the window */
} bank_line;

static long day_num(const char *ymd)
{
	cal_date d;
	return cal_date_parse(ymd, NULL, &d, NULL) == OK ? cal_date_to_days(d) : 0;
}

static long labs_(long x)
{
	return x < 0 ? -x : x;
}

static int parse_statement(const char *csv, arena *a, bank_line **out, size_t *out_n, err *e)
{
	csv_reader r;
	csv_record *rec = arena_alloc(a, sizeof *rec);
	if (!rec)
		return nomem(e);
	csv_reader_init(&r, csv, strlen(csv));
	int rc = csv_read_record(&r, rec, e);
	if (rc || rec->n_fields == 0)
		return rc ? err_set(e, rc, "csv", "%s", e->message) : err_set(e, E_INVALID, "csv", "流水为空");
	int c_date = csv_field_index(rec, "date"), c_amount = csv_field_index(rec, "amount");
	int c_ref = csv_field_index(rec, "reference"), c_payer = csv_field_index(rec, "payer");
	if (c_date < 0 || c_amount < 0)
		return err_set(e, E_INVALID, "csv",
		               "流水第1行应为表头：date,amount,reference,payer（金额单位：元，两位小数；支出为负数）");
	size_t cap = 256, n = 0;
	bank_line *v = arena_alloc(a, cap * sizeof *v);
	if (!v)
		return nomem(e);
	for (;;) {
		if ((rc = csv_read_record(&r, rec, e)))
			return err_set(e, rc, "csv", "%s", e->message);
		if (rec->n_fields == 0)
			break;
		if (n == 20000)
			return err_set(e, E_INVALID, "csv", "一次最多导入 20000 行流水");
		if (n == cap) {
			bank_line *nv = arena_alloc(a, 2 * cap * sizeof *nv);
			if (!nv)
				return nomem(e);
			memcpy(nv, v, cap * sizeof *v);
			v = nv;
			cap *= 2;
		}
		bank_line *l = &v[n];
		memset(l, 0, sizeof *l);
		l->line_no = rec->line;
		const char *date = c_date < rec->n_fields ? rec->fields[c_date] : "";
		const char *amount = c_amount < rec->n_fields ? rec->fields[c_amount] : "";
		cal_date d;
		if (cal_date_parse(date, "csv", &d, NULL) != OK)
			return err_set(e, E_INVALID, "csv", "第%d行：日期 %s 无效，应为 YYYY-MM-DD", rec->line, date);
		legal_format(d, l->on);
		l->day = cal_date_to_days(d);
		if (ledger_parse_yuan(amount, 1, &l->amount) != OK || l->amount == 0)
			return err_set(
			        e, E_INVALID, "csv",
			        "第%d行：金额 %s 无效，应为以元为单位、最多两位小数的非零数，如 1234.50 或 -200.00",
			        rec->line, amount);
		l->reference = arena_strdup(a, c_ref >= 0 && c_ref < rec->n_fields ? rec->fields[c_ref] : "");
		l->payer = arena_strdup(a, c_payer >= 0 && c_payer < rec->n_fields ? rec->fields[c_payer] : "");
		if (!l->reference || !l->payer)
			return nomem(e);
		n++;
	}
	if (n == 0)
		return err_set(e, E_INVALID, "csv", "流水只有表头");
	*out = v;
	*out_n = n;
	return OK;
}

/* Book an unmatched credit line as an unidentified receipt (in the caller's transaction), once per
 * court and bank reference: *out_rid the new receipt, or *out_earlier the one an earlier import booked. */
static int book_line(store *db, const principal *who, const enforce_settings *s, const char *court, const bank_line *l,
                     arena *a, int64_t *out_rid, int64_t *out_earlier, err *e)
{
	*out_rid = *out_earlier = 0;
	const char *key = arena_printf(a, "bank:%s:%s", court, l->reference);
	if (!key)
		return nomem(e);
	int rc = store_ledger_receipt_by_key(db, key, out_earlier, e);
	if (rc || *out_earlier)
		return rc;
	char due[11], now[32];
	cal_date d;
	due_result dr;
	due_spec spec = { .days = s->funds_due_days };
	cal_date_parse(l->on, NULL, &d, NULL);
	if ((rc = legal_due(d, &spec, &dr, e)))
		return rc;
	legal_format(dr.due, due);
	store_ledger_account bank, unid;
	int64_t pid, rid;
	if ((rc = account(db, court, "bank", 0, a, &bank, e)) ||
	    (rc = account(db, court, "unidentified", 0, a, &unid, e)))
		return rc;
	leg legs[2] = { { bank.id, l->amount, 0 }, { unid.id, 0, l->amount } };
	if ((rc = post(db, who, court, "receipt", key, 0, l->amount, l->on, l->reference, legs, 2, &pid, e)))
		return rc;
	util_now_iso(now, sizeof now);
	store_ledger_receipt r = { .court_unit_id = court,
		                   .source = "bank_deduction",
		                   .amount = l->amount,
		                   .payer = l->payer,
		                   .reference = l->reference,
		                   .received_on = l->on,
		                   .due_on = due,
		                   .posting_id = pid,
		                   .created_at = now };
	json_t *p = json_object();
	if (!p)
		return nomem(e);
	if ((rc = store_ledger_receipt_insert(db, &r, &rid, e)) == OK) {
		if (audit_change_str(p, "source", NULL, r.source) || enforce_change_int(p, "amount", NULL, l->amount) ||
		    audit_change_str(p, "received_on", NULL, l->on) || audit_change_str(p, "due_on", NULL, due) ||
		    (l->payer[0] && audit_change_str(p, "payer", NULL, l->payer)) ||
		    audit_change_str(p, "reference", NULL, l->reference) ||
		    json_object_set_new(p, "posting_id", json_integer(pid)) ||
		    json_object_set_new(p, "idempotency_key", json_string(key)) ||
		    json_object_set_new(p, "court_unit_id", json_string(court)) ||
		    json_object_set_new(p, "bank_statement_line", json_integer(l->line_no)))
			rc = nomem(e);
		else
			rc = record(db, who, "ledger_receipt", rid, "ledger.received_unidentified", p, e);
	}
	json_decref(p);
	if (rc == OK)
		*out_rid = rid;
	return rc;
}

int ledger_bank_import(store *db, const principal *who, const enforce_settings *s, const char *key,
                       const char *court_unit_id, const char *csv, int window_days, int book_unidentified, json_t **out,
                       int *out_replayed, err *e)
{
	int rc = ledger_key_check(key, e);
	if (rc)
		return rc;
	*out_replayed = 0;
	if (window_days < 0 || window_days > 30)
		return err_set(e, E_INVALID, "window_days", "日期容差为 0 到 30 天");
	const org_unit *c = court_unit_id ? org_unit_find(court_unit_id) : NULL;
	if (!c || strcmp(c->kind, "court"))
		return err_set(e, E_INVALID, "court_unit_id", "请注明法院");
	if (!csv || !*csv)
		return err_set(e, E_INVALID, "csv", "请提供银行流水（CSV 文本）");
	arena *a = arena_new();
	bank_line *lines = NULL;
	size_t nl = 0;
	json_t *req = NULL, *p = NULL, *replay = NULL, *report = NULL;
	if (!a)
		return nomem(e);
	if ((rc = parse_statement(csv, a, &lines, &nl, e)))
		goto done;
	uint8_t h[HASH_LEN];
	char csv_hash[65];
	hash_digest(HASH_SHA256, csv, strlen(csv), h);
	codec_hex_encode(h, HASH_LEN, csv_hash);
	csv_hash[64] = 0;
	req = json_pack("{s:s,s:i,s:s,s:b}", "court_unit_id", c->id, "window_days", window_days, "csv_sha256", csv_hash,
	                "book_unidentified", book_unidentified);
	p = json_object();
	if (!req || !p) {
		rc = nomem(e);
		goto done;
	}
	char first[11], last[11], from[11], to[11], now[32];
	memcpy(first, lines[0].on, 11);
	memcpy(last, lines[0].on, 11);
	for (size_t i = 1; i < nl; i++) {
		if (strcmp(lines[i].on, first) < 0)
			memcpy(first, lines[i].on, 11);
		if (strcmp(lines[i].on, last) > 0)
			memcpy(last, lines[i].on, 11);
	}
	enforce_add_days(first, -window_days, from);
	enforce_add_days(last, window_days, to);
	util_now_iso(now, sizeof now);
	if ((rc = store_tx_begin(db, e)))
		goto done;
	idem k = { .key = key, .op = "bank_import", .court = c->id };
	if ((rc = idem_check(db, &k, req, a, &replay, e)))
		goto done;
	if (replay) {
		*out = replay;
		replay = NULL;
		*out_replayed = 1;
		goto done;
	}
	store_ledger_receipt *rv;
	store_ledger_disbursement *dv;
	size_t nr, nd;
	int64_t total;
	store_ledger_receipt_query rq = {
		.court_unit_id = c->id, .from = from, .to = to, .bank_unmatched = 1, .oldest_first = 1, .limit = 100000
	};
	if ((rc = store_ledger_receipt_list(db, &rq, a, &rv, &nr, &total, e)) ||
	    (rc = store_ledger_disbursement_list(db, c->id, 0, "posted", from, to, 1, 100000, a, &dv, &nd, e)))
		goto done;
	char *r_used = arena_alloc(a, nr + 1), *d_used = arena_alloc(a, nd + 1);
	if (!r_used || !d_used) {
		rc = nomem(e);
		goto done;
	}
	/* pass 1: by reference (a receipt's bank reference on the line) */
	for (size_t i = 0; i < nl; i++) {
		bank_line *l = &lines[i];
		if (l->amount < 0 || !l->reference[0])
			continue;
		for (size_t k2 = 0; k2 < nr; k2++) {
			if (r_used[k2] || strcmp(rv[k2].reference, l->reference))
				continue;
			r_used[k2] = 1;
			if (rv[k2].amount == l->amount) {
				l->receipt_id = rv[k2].id;
				l->rule = "reference";
			} else {
				l->mismatch_receipt_id = rv[k2].id;
				r_used[k2] = 2;
			}
			break;
		}
	}
	/* pass 2: the exact amount within the date window, nearest day first */
	for (size_t i = 0; i < nl; i++) {
		bank_line *l = &lines[i];
		if (l->receipt_id || l->mismatch_receipt_id)
			continue;
		long best = -1, best_gap = 0;
		if (l->amount > 0) {
			for (size_t k2 = 0; k2 < nr; k2++) {
				long gap = labs_(day_num(rv[k2].received_on) - l->day);
				if (r_used[k2] || rv[k2].amount != l->amount || gap > window_days)
					continue;
				if (best < 0 || gap < best_gap)
					best = (long)k2, best_gap = gap;
			}
			if (best >= 0) {
				r_used[best] = 1;
				l->receipt_id = rv[best].id;
				l->rule = "amount_date";
			}
		} else {
			for (size_t k2 = 0; k2 < nd; k2++) {
				long gap = labs_(day_num(dv[k2].on_date ? dv[k2].on_date : "") - l->day);
				if (d_used[k2] || dv[k2].amount != -l->amount || gap > window_days)
					continue;
				if (best < 0 || gap < best_gap)
					best = (long)k2, best_gap = gap;
			}
			if (best >= 0) {
				d_used[best] = 1;
				l->disbursement_id = dv[best].id;
				l->rule = "amount_date";
			}
		}
	}
	store_ledger_bank_import im = { .court_unit_id = c->id,
		                        .first_on = first,
		                        .last_on = last,
		                        .n_lines = (int64_t)nl,
		                        .n_matched = 0,
		                        .report = "{}",
		                        .imported_at = now,
		                        .imported_by = who->user_id };
	int64_t import_id;
	if ((rc = store_ledger_bank_import_insert(db, &im, &import_id, e)))
		goto done;
	json_t *matched = json_array(), *un_lines = json_array(), *mismatches = json_array(),
	       *un_receipts = json_array(), *un_disb = json_array();
	report =
	        json_pack("{s:o,s:o,s:o,s:o,s:o}", "matched", matched, "unmatched_lines", un_lines, "amount_mismatches",
	                  mismatches, "unmatched_receipts", un_receipts, "unmatched_disbursements", un_disb);
	if (!report) {
		rc = nomem(e);
		goto done;
	}
	int64_t n_matched = 0, n_booked = 0;
	for (size_t i = 0; i < nl; i++) {
		bank_line *l = &lines[i];
		int64_t booked = 0, earlier = 0;
		if (book_unidentified && l->amount > 0 && !l->receipt_id && !l->mismatch_receipt_id &&
		    l->reference[0] && (rc = book_line(db, who, s, c->id, l, a, &booked, &earlier, e)))
			goto done;
		n_booked += booked != 0;
		store_ledger_bank_line bl = { .import_id = import_id,
			                      .line_no = l->line_no,
			                      .on_date = l->on,
			                      .amount = l->amount,
			                      .reference = l->reference,
			                      .payer = l->payer,
			                      .receipt_id = l->receipt_id,
			                      .disbursement_id = l->disbursement_id,
			                      .match_rule = l->rule };
		int64_t line_id;
		if ((rc = store_ledger_bank_line_insert(db, &bl, &line_id, e)))
			goto done;
		if ((l->receipt_id || booked) &&
		    (rc = store_ledger_receipt_set_bank_line(db, l->receipt_id ? l->receipt_id : booked, line_id, e)))
			goto done;
		if (l->disbursement_id &&
		    (rc = store_ledger_disbursement_set_bank_line(db, l->disbursement_id, line_id, e)))
			goto done;
		json_t *lj = json_pack("{s:i,s:s,s:I,s:o,s:s,s:s}", "line", l->line_no, "date", l->on, "amount",
		                       (json_int_t)l->amount, "amount_yuan", yuan_json(l->amount), "reference",
		                       l->reference, "payer", l->payer);
		if (!lj) {
			rc = nomem(e);
			goto done;
		}
		if (l->receipt_id || l->disbursement_id) {
			n_matched++;
			json_object_set_new(lj, l->receipt_id ? "receipt_id" : "disbursement_id",
			                    json_integer(l->receipt_id ? l->receipt_id : l->disbursement_id));
			json_object_set_new(lj, "rule", json_string(l->rule));
			json_array_append_new(matched, lj);
		} else if (l->mismatch_receipt_id) {
			int64_t ledger_amount = 0;
			for (size_t k2 = 0; k2 < nr; k2++)
				if (rv[k2].id == l->mismatch_receipt_id)
					ledger_amount = rv[k2].amount;
			json_object_set_new(lj, "receipt_id", json_integer(l->mismatch_receipt_id));
			json_object_set_new(lj, "ledger_amount", json_integer(ledger_amount));
			json_object_set_new(lj, "difference", json_integer(l->amount - ledger_amount));
			json_array_append_new(mismatches, lj);
		} else {
			/* still a difference between the statement and the ledger as it stood: listed, with the
			 * unidentified receipt it became */
			const char *why = l->amount < 0 ? "账上没有对应的已发放记录"
			                  : booked ? "账上没有对应的到账记录，已登记为不明款，请认领"
			                  : earlier ? "同一流水号此前已登记为不明款，本次未重复登记"
			                  : book_unidentified && !l->reference[0]
			                          ? "账上没有对应的到账记录；该行没有流水号，未自动登记，请手工登记"
			                          : "账上没有对应的到账记录（可能是不明款，请登记后认领）";
			json_object_set_new(lj, "reason", json_string(why));
			if (booked || earlier)
				json_object_set_new(lj, "unidentified_receipt_id",
				                    json_integer(booked ? booked : earlier));
			json_object_set_new(lj, "booked", json_boolean(booked != 0));
			json_array_append_new(un_lines, lj);
		}
	}
	for (size_t k2 = 0; k2 < nr; k2++)
		if (!r_used[k2] && strcmp(rv[k2].received_on, first) >= 0 && strcmp(rv[k2].received_on, last) <= 0)
			json_array_append_new(un_receipts,
			                      json_pack("{s:I,s:s,s:I,s:o,s:s,s:s}", "receipt_id",
			                                (json_int_t)rv[k2].id, "received_on", rv[k2].received_on,
			                                "amount", (json_int_t)rv[k2].amount, "amount_yuan",
			                                yuan_json(rv[k2].amount), "reference", rv[k2].reference,
			                                "reason", "流水中没有对应的入账"));
	for (size_t k2 = 0; k2 < nd; k2++)
		if (!d_used[k2] && dv[k2].on_date && strcmp(dv[k2].on_date, first) >= 0 &&
		    strcmp(dv[k2].on_date, last) <= 0)
			json_array_append_new(un_disb, json_pack("{s:I,s:s,s:I,s:o,s:s,s:s}", "disbursement_id",
			                                         (json_int_t)dv[k2].id, "on_date", dv[k2].on_date,
			                                         "amount", (json_int_t)dv[k2].amount, "amount_yuan",
			                                         yuan_json(dv[k2].amount), "payee_name",
			                                         dv[k2].payee_name, "reason", "流水中没有对应的支出"));
	size_t n_diff = json_array_size(un_lines) + json_array_size(mismatches) + json_array_size(un_receipts) +
	                json_array_size(un_disb);
	json_object_set_new(report, "id", json_integer(import_id));
	json_object_set_new(report, "court_unit_id", json_string(c->id));
	json_object_set_new(report, "first_on", json_string(first));
	json_object_set_new(report, "last_on", json_string(last));
	json_object_set_new(report, "window_days", json_integer(window_days));
	json_object_set_new(report, "n_lines", json_integer((json_int_t)nl));
	json_object_set_new(report, "n_matched", json_integer(n_matched));
	json_object_set_new(report, "n_differences", json_integer((json_int_t)n_diff));
	json_object_set_new(report, "book_unidentified", json_boolean(book_unidentified));
	json_object_set_new(report, "n_booked_unidentified", json_integer(n_booked));
	json_object_set_new(report, "imported_at", json_string(now));
	char *text = json_out_compact(report, 0, NULL);
	if (!text) {
		rc = nomem(e);
		goto done;
	}
	rc = store_ledger_bank_import_set_report(db, import_id, n_matched, text, e);
	free(text);
	if (rc)
		goto done;
	if (json_object_set_new(p, "court_unit_id", json_string(c->id)) ||
	    json_object_set_new(p, "csv_sha256", json_string(csv_hash)) ||
	    json_object_set_new(p, "n_lines", json_integer((json_int_t)nl)) ||
	    json_object_set_new(p, "n_matched", json_integer(n_matched)) ||
	    json_object_set_new(p, "n_differences", json_integer((json_int_t)n_diff)) ||
	    json_object_set_new(p, "n_booked_unidentified", json_integer(n_booked)) ||
	    json_object_set_new(p, "idempotency_key", json_string(key))) {
		rc = nomem(e);
		goto done;
	}
	if ((rc = record(db, who, "ledger_bank_import", import_id, "ledger.bank_imported", p, e)) ||
	    (rc = idem_save(db, who, &k, report, e)) || (rc = store_tx_commit(db, e)))
		goto done;
	*out = report;
	report = NULL;
done:
	if (store_in_tx(db))
		store_tx_rollback(db);
	json_decref(req);
	json_decref(p);
	json_decref(report);
	arena_free(a);
	return rc;
}

/* ---- views ---- */
int ledger_accounts_json(store *db, const char *court_unit_id, int64_t matter_id, arena *a, json_t **out, err *e)
{
	store_ledger_account *v;
	size_t n;
	int rc = store_ledger_account_list(db, court_unit_id, matter_id, a, &v, &n, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, account_json(&v[i]));
	*out = json_pack("{s:o}", "accounts", arr ? arr : json_array());
	return *out ? OK : nomem(e);
}

int ledger_account_court(store *db, int64_t id, arena *a, const char **out_court_unit_id, err *e)
{
	store_ledger_account acc;
	int rc = store_ledger_account_get(db, id, a, &acc, e);
	if (rc == OK)
		*out_court_unit_id = acc.court_unit_id;
	return rc;
}

int ledger_account_view(store *db, int64_t id, arena *a, json_t **out, err *e)
{
	store_ledger_account acc;
	store_ledger_posting *ps;
	size_t np;
	int rc = store_read_begin(db, e);
	if (rc)
		return rc;
	if ((rc = store_ledger_account_get(db, id, a, &acc, e)) ||
	    (rc = store_ledger_posting_list(db, NULL, 0, id, 500, 0, a, &ps, &np, e)))
		goto done;
	json_t *v = account_json(&acc), *arr = json_array();
	for (size_t i = 0; v && arr && i < np; i++) {
		store_ledger_entry *en;
		size_t ne;
		int64_t debit = 0, credit = 0;
		if (store_ledger_entry_list(db, ps[i].id, a, &en, &ne, NULL) == OK)
			for (size_t k = 0; k < ne; k++)
				if (en[k].account_id == id) {
					debit += en[k].debit;
					credit += en[k].credit;
				}
		json_array_append_new(arr,
		                      json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "posting_id", (json_int_t)ps[i].id,
		                                "kind", ps[i].kind, "on_date", ps[i].on_date, "at", ps[i].at,
		                                "idempotency_key", ps[i].idempotency_key, "debit", (json_int_t)debit,
		                                "credit", (json_int_t)credit, "memo", ps[i].memo));
	}
	if (!v || !arr) {
		json_decref(v);
		json_decref(arr);
		rc = nomem(e);
		goto done;
	}
	json_object_set_new(v, "entries", arr);
	*out = v;
done:
	store_read_end(db);
	return rc;
}

int ledger_receipts_json(store *db, store_ledger_receipt_query *q, arena *a, json_t **out, err *e)
{
	store_ledger_receipt *v;
	size_t n;
	int64_t total;
	char today[11];
	legal_today(today);
	int rc = store_ledger_receipt_list(db, q, a, &v, &n, &total, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	int64_t sum = 0;
	for (size_t i = 0; arr && i < n; i++) {
		json_array_append_new(arr, ledger_receipt_json(&v[i], today));
		sum += v[i].matter_id ? v[i].amount - v[i].disbursed : v[i].amount;
	}
	*out = json_pack("{s:o,s:I,s:I}", "receipts", arr ? arr : json_array(), "total", (json_int_t)total,
	                 "amount_held_listed", (json_int_t)sum);
	return *out ? OK : nomem(e);
}

int ledger_disbursements_json(store *db, const char *court_unit_id, int64_t matter_id, const char *status, arena *a,
                              json_t **out, err *e)
{
	store_ledger_disbursement *v;
	size_t n;
	int rc = store_ledger_disbursement_list(db, court_unit_id, matter_id, status, NULL, NULL, 0, 200, a, &v, &n, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		json_array_append_new(arr, disb_json(&v[i]));
	*out = json_pack("{s:o}", "disbursements", arr ? arr : json_array());
	return *out ? OK : nomem(e);
}

int ledger_reconciliations_json(store *db, const char *court_unit_id, arena *a, json_t **out, err *e)
{
	store_ledger_reconciliation *v;
	size_t n;
	int rc = store_ledger_reconciliation_list(db, court_unit_id, 60, a, &v, &n, e);
	if (rc)
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		json_t *rep = json_loads(v[i].report, 0, NULL);
		if (rep)
			json_object_set_new(rep, "id", json_integer(v[i].id));
		json_array_append_new(arr, rep ? rep : json_object());
	}
	*out = json_pack("{s:o}", "reconciliations", arr ? arr : json_array());
	return *out ? OK : nomem(e);
}

int ledger_bank_import_court(store *db, int64_t id, arena *a, const char **out_court_unit_id, err *e)
{
	store_ledger_bank_import im;
	int rc = store_ledger_bank_import_get(db, id, a, &im, e);
	if (rc == OK)
		*out_court_unit_id = im.court_unit_id;
	return rc;
}

int ledger_bank_import_view(store *db, int64_t id, arena *a, json_t **out, err *e)
{
	store_ledger_bank_import im;
	int rc = store_ledger_bank_import_get(db, id, a, &im, e);
	if (rc)
		return rc;
	*out = json_loads(im.report, 0, NULL);
	return *out ? OK : err_set(e, E_INTEGRITY, NULL, "stored report unreadable");
}
