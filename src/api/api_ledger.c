/*
 * api_ledger.c - case funds over HTTP: accounts, receipts and unidentified receipts, matching,
 * disbursements with their approval, postings, reconciliation and bank statement import. Writes are
 * authorized against the court that keeps the funds (a fund officer or reviewer of that court, or of
 * one of its sub-units); reads by the READ rules on that court. Every posting route takes the client's
 * idempotency_key: a repeat answers 200 with the first result and "replayed": true.
 */
#include "api/api.h"
#include "api/jsonin.h"
#include "api/router.h"

#include "core/util.h"
#include "domain/ledger.h"
#include "domain/matter.h"
#include "domain/org.h"

#include <string.h>

static int param_id(req *r, int i, const char *name, int64_t *out)
{
	if (i >= r->n_params || util_parse_i64(r->params[i], 1, INT64_MAX, out))
		return err_set(&r->e, E_NOTFOUND, name, "编号无效：%s", i < r->n_params ? r->params[i] : "");
	return OK;
}

/* Authorize the route's permission on a court's funds; for reads, an unseen court looks absent. */
static int authorize_court(req *r, const char *court_unit_id)
{
	authz_scope sc = { .holder_unit_id = court_unit_id };
	int rc = api_authorize(r, &sc);
	if (rc == E_FORBIDDEN && r->route->perm == PERM_MATTER_READ)
		return err_set(&r->e, E_NOTFOUND, NULL, "不存在或无权查看");
	return rc;
}

/* The court a request is about: ?court= (or the body's court_unit_id), else the caller's own. */
static int court_param(req *r, const char *given, const char **out)
{
	if (given && *given) {
		const org_unit *c = org_unit_find(given);
		if (!c || strcmp(c->kind, "court"))
			return err_set(&r->e, E_INVALID, "court", "court 应为法院单位编号，如 152529.court");
		*out = c->id;
		return OK;
	}
	const org_unit *c = ledger_court_of(r->who);
	if (!c)
		return err_set(&r->e, E_INVALID, "court", "请注明法院 court（如 152529.court）");
	*out = c->id;
	return OK;
}

static int reply_posted(req *r, json_t *v, int replayed)
{
	if (replayed)
		json_object_set_new(v, "replayed", json_true());
	return req_reply_json(r, replayed ? 200 : 201, v);
}

/* ---- accounts ---- */
int api_ledger_account_open(req *r)
{
	static const jfield fields[] = { { "matter_id", J_INT, 1, 0 },
		                         { "amount_applied", J_INT, 1, 0 },
		                         { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	int64_t matter_id = jsonin_int(r->json, "matter_id", 0);
	matter_scope sc;
	if ((rc = matter_scope_load(r->db, matter_id, r->a, &sc, &r->e)))
		return rc == E_NOTFOUND ? err_set(&r->e, E_NOTFOUND, "matter_id", "案件不存在或无权查看") : rc;
	if ((rc = api_authorize(r, &sc.scope)))
		return rc;
	json_t *v;
	if ((rc = ledger_account_open(r->db, r->who, matter_id, jsonin_int(r->json, "amount_applied", 0), r->a, &v,
	                              &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_ledger_accounts(req *r)
{
	int64_t matter_id;
	const char *court;
	int rc = req_query_int(r, "matter_id", 0, 0, INT64_MAX, &matter_id);
	if (rc)
		return rc;
	if (matter_id)
		rc = ledger_matter_court(r->db, matter_id, r->a, &court, &r->e);
	else
		rc = court_param(r, req_query(r, "court"), &court);
	json_t *v;
	if (rc || (rc = authorize_court(r, court)) ||
	    (rc = ledger_accounts_json(r->db, court, matter_id, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_ledger_account_get(req *r)
{
	int64_t id;
	const char *court;
	json_t *v;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = ledger_account_court(r->db, id, r->a, &court, &r->e)) || (rc = authorize_court(r, court)) ||
	    (rc = ledger_account_view(r->db, id, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

/* ---- receipts ---- */
int api_ledger_receipt(req *r)
{
	static const jfield fields[] = { { "idempotency_key", J_STRING, 1, 128 },
		                         { "matter_id", J_INT, 0, 0 },
		                         { "court_unit_id", J_STRING, 0, 95 },
		                         { "source", J_STRING, 1, 32 },
		                         { "amount", J_INT, 1, 0 },
		                         { "payer", J_STRING, 0, 600 },
		                         { "reference", J_STRING, 0, 300 },
		                         { "received_on", J_STRING, 0, 10 },
		                         { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	int64_t matter_id = jsonin_int(r->json, "matter_id", 0);
	const char *court;
	if (matter_id)
		rc = ledger_matter_court(r->db, matter_id, r->a, &court, &r->e);
	else
		rc = court_param(r, jsonin_str(r->json, "court_unit_id"), &court);
	if (rc || (rc = authorize_court(r, court)))
		return rc;
	enforce_settings s;
	enforce_settings_from_config(api_config(), &s);
	ledger_receipt_in in = { .key = jsonin_str(r->json, "idempotency_key"),
		                 .court_unit_id = court,
		                 .matter_id = matter_id,
		                 .source = jsonin_str(r->json, "source"),
		                 .amount = jsonin_int(r->json, "amount", 0),
		                 .payer = jsonin_str(r->json, "payer"),
		                 .reference = jsonin_str(r->json, "reference"),
		                 .received_on = jsonin_str(r->json, "received_on") };
	json_t *v;
	int replayed;
	if ((rc = ledger_receipt(r->db, r->who, &s, &in, &v, &replayed, &r->e)))
		return rc;
	return reply_posted(r, v, replayed);
}

static int receipts(req *r, int unidentified)
{
	int64_t matter_id, page;
	const char *court, *overdue = req_query(r, "overdue");
	int rc;
	if ((rc = req_query_int(r, "matter_id", 0, 0, INT64_MAX, &matter_id)) ||
	    (rc = req_query_int(r, "page", 1, 1, 100000, &page)))
		return rc;
	if (matter_id && !unidentified)
		rc = ledger_matter_court(r->db, matter_id, r->a, &court, &r->e);
	else
		rc = court_param(r, req_query(r, "court"), &court);
	if (rc || (rc = authorize_court(r, court)))
		return rc;
	char today[11];
	util_today_cn(today);
	store_ledger_receipt_query q = {
		.court_unit_id = court,
		.matter_id = unidentified ? 0 : matter_id,
		.unidentified = unidentified,
		.overdue_before = overdue && (!strcmp(overdue, "1") || !strcmp(overdue, "true")) ? today : NULL,
		.oldest_first = unidentified,
		.limit = 100,
		.offset = (int)((page - 1) * 100)
	};
	json_t *v;
	if ((rc = ledger_receipts_json(r->db, &q, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_ledger_receipts(req *r)
{
	return receipts(r, 0);
}
int api_ledger_unidentified(req *r)
{
	return receipts(r, 1);
}

int api_ledger_match(req *r)
{
	static const jfield fields[] = { { "idempotency_key", J_STRING, 1, 128 },
		                         { "matter_id", J_INT, 1, 0 },
		                         { NULL, 0, 0, 0 } };
	int64_t id;
	const char *court;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, fields, "", &r->e)) ||
	    (rc = ledger_receipt_court(r->db, id, r->a, &court, &r->e)) || (rc = authorize_court(r, court)))
		return rc;
	json_t *v;
	int replayed;
	if ((rc = ledger_match(r->db, r->who, jsonin_str(r->json, "idempotency_key"), id,
	                       jsonin_int(r->json, "matter_id", 0), &v, &replayed, &r->e)))
		return rc;
	return reply_posted(r, v, replayed);
}

/* ---- disbursements ---- */
int api_ledger_disbursement(req *r)
{
	static const jfield fields[] = { { "idempotency_key", J_STRING, 1, 128 },
		                         { "matter_id", J_INT, 1, 0 },
		                         { "kind", J_STRING, 1, 16 },
		                         { "amount", J_INT, 1, 0 },
		                         { "payee_name", J_STRING, 1, 400 },
		                         { "payee_account", J_STRING, 1, 64 },
		                         { "payee_bank", J_STRING, 1, 400 },
		                         { "note", J_STRING, 0, 2000 },
		                         { NULL, 0, 0, 0 } };
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc)
		return rc;
	int64_t matter_id = jsonin_int(r->json, "matter_id", 0);
	const char *court;
	if ((rc = ledger_matter_court(r->db, matter_id, r->a, &court, &r->e)) || (rc = authorize_court(r, court)))
		return rc;
	ledger_disbursement_in in = { .key = jsonin_str(r->json, "idempotency_key"),
		                      .matter_id = matter_id,
		                      .kind = jsonin_str(r->json, "kind"),
		                      .amount = jsonin_int(r->json, "amount", 0),
		                      .payee_name = jsonin_str(r->json, "payee_name"),
		                      .payee_account = jsonin_str(r->json, "payee_account"),
		                      .payee_bank = jsonin_str(r->json, "payee_bank"),
		                      .note = jsonin_str(r->json, "note") };
	json_t *v;
	int replayed;
	if ((rc = ledger_disbursement_request(r->db, r->who, &in, &v, &replayed, &r->e)))
		return rc;
	return reply_posted(r, v, replayed);
}

int api_ledger_disbursements(req *r)
{
	int64_t matter_id;
	const char *court, *status = req_query(r, "status");
	int rc = req_query_int(r, "matter_id", 0, 0, INT64_MAX, &matter_id);
	if (rc)
		return rc;
	if (status && *status && strcmp(status, "requested") && strcmp(status, "posted") && strcmp(status, "refused"))
		return err_set(&r->e, E_INVALID, "status", "status 应为 requested、posted 或 refused");
	if (matter_id)
		rc = ledger_matter_court(r->db, matter_id, r->a, &court, &r->e);
	else
		rc = court_param(r, req_query(r, "court"), &court);
	json_t *v;
	if (rc || (rc = authorize_court(r, court)) ||
	    (rc = ledger_disbursements_json(r->db, court, matter_id, status && *status ? status : NULL, r->a, &v,
	                                    &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

static int decide(req *r, int approve)
{
	static const jfield afields[] = { { "idempotency_key", J_STRING, 1, 128 },
		                          { "note", J_STRING, 0, 2000 },
		                          { NULL, 0, 0, 0 } };
	static const jfield rfields[] = { { "note", J_STRING, 1, 2000 }, { NULL, 0, 0, 0 } };
	int64_t id;
	const char *court;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = jsonin_check(r->json, approve ? afields : rfields, "", &r->e)) ||
	    (rc = ledger_disbursement_court(r->db, id, r->a, &court, &r->e)) || (rc = authorize_court(r, court)))
		return rc;
	json_t *v;
	int replayed = 0;
	if (approve)
		rc = ledger_disbursement_approve(r->db, r->who, jsonin_str(r->json, "idempotency_key"), id,
		                                 jsonin_str(r->json, "note"), NULL, &v, &replayed, &r->e);
	else
		rc = ledger_disbursement_refuse(r->db, r->who, id, jsonin_str(r->json, "note"), &v, &r->e);
	if (rc)
		return rc;
	if (replayed)
		json_object_set_new(v, "replayed", json_true());
	return req_reply_json(r, 200, v);
}

int api_ledger_approve(req *r)
{
	return decide(r, 1);
}
int api_ledger_refuse(req *r)
{
	return decide(r, 0);
}

/* ---- postings ---- */
int api_ledger_postings(req *r)
{
	int64_t matter_id, page;
	const char *court;
	int rc;
	if ((rc = req_query_int(r, "matter_id", 0, 0, INT64_MAX, &matter_id)) ||
	    (rc = req_query_int(r, "page", 1, 1, 100000, &page)))
		return rc;
	if (matter_id)
		rc = ledger_matter_court(r->db, matter_id, r->a, &court, &r->e);
	else
		rc = court_param(r, req_query(r, "court"), &court);
	if (rc || (rc = authorize_court(r, court)))
		return rc;
	store_ledger_posting *v;
	size_t n;
	if ((rc = store_ledger_posting_list(r->db, court, matter_id, 0, 100, (int)((page - 1) * 100), r->a, &v, &n,
	                                    &r->e)))
		return rc;
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		store_ledger_entry *en;
		size_t ne;
		json_t *ej = json_array();
		if (store_ledger_entry_list(r->db, v[i].id, r->a, &en, &ne, &r->e) != OK) {
			json_decref(ej);
			json_decref(arr);
			return r->e.code;
		}
		for (size_t k = 0; ej && k < ne; k++)
			json_array_append_new(ej, json_pack("{s:I,s:I,s:I}", "account_id", (json_int_t)en[k].account_id,
			                                    "debit", (json_int_t)en[k].debit, "credit",
			                                    (json_int_t)en[k].credit));
		json_array_append_new(arr,
		                      json_pack("{s:I,s:s,s:s,s:o,s:I,s:s,s:s,s:I,s:s,s:o}", "id", (json_int_t)v[i].id,
		                                "court_unit_id", v[i].court_unit_id, "kind", v[i].kind, "matter_id",
		                                v[i].matter_id ? json_integer(v[i].matter_id) : json_null(), "amount",
		                                (json_int_t)v[i].amount, "on_date", v[i].on_date, "at", v[i].at,
		                                "by_user", (json_int_t)v[i].by_user, "idempotency_key",
		                                v[i].idempotency_key, "entries", ej ? ej : json_array()));
	}
	return req_reply_json(r, 200,
	                      json_pack("{s:o,s:I}", "postings", arr ? arr : json_array(), "page", (json_int_t)page));
}

/* ---- reconciliation and bank statements ---- */
int api_ledger_reconcile(req *r)
{
	static const jfield fields[] = { { "court_unit_id", J_STRING, 0, 95 },
		                         { "on", J_STRING, 0, 10 },
		                         { NULL, 0, 0, 0 } };
	const char *court;
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc || (rc = court_param(r, jsonin_str(r->json, "court_unit_id"), &court)) ||
	    (rc = authorize_court(r, court)))
		return rc;
	json_t *v;
	if ((rc = ledger_reconcile(r->db, r->who, court, jsonin_str(r->json, "on"), &v, &r->e)))
		return rc;
	return req_reply_json(r, 201, v);
}

int api_ledger_reconciliations(req *r)
{
	const char *court;
	json_t *v;
	int rc = court_param(r, req_query(r, "court"), &court);
	if (rc || (rc = authorize_court(r, court)) || (rc = ledger_reconciliations_json(r->db, court, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}

int api_ledger_bank_import(req *r)
{
	static const jfield fields[] = { { "idempotency_key", J_STRING, 1, 128 }, { "court_unit_id", J_STRING, 0, 95 },
		                         { "csv", J_STRING, 1, 4 << 20 },         { "window_days", J_INT, 0, 0 },
		                         { "book_unidentified", J_BOOL, 0, 0 },   { NULL, 0, 0, 0 } };
	const char *court;
	int rc = jsonin_check(r->json, fields, "", &r->e);
	if (rc || (rc = court_param(r, jsonin_str(r->json, "court_unit_id"), &court)) ||
	    (rc = authorize_court(r, court)))
		return rc;
	int64_t w = jsonin_int(r->json, "window_days", 3);
	json_t *v;
	int replayed;
	enforce_settings s;
	enforce_settings_from_config(api_config(), &s);
	if ((rc = ledger_bank_import(r->db, r->who, &s, jsonin_str(r->json, "idempotency_key"), court,
	                             jsonin_str(r->json, "csv"), w < 0 || w > 30 ? -1 : (int)w,
	                             json_is_true(json_object_get(r->json, "book_unidentified")), &v, &replayed,
	                             &r->e)))
		return rc;
	return reply_posted(r, v, replayed);
}

int api_ledger_bank_import_get(req *r)
{
	int64_t id;
	const char *court;
	json_t *v;
	int rc = param_id(r, 0, "id", &id);
	if (rc || (rc = ledger_bank_import_court(r->db, id, r->a, &court, &r->e)) || (rc = authorize_court(r, court)) ||
	    (rc = ledger_bank_import_view(r->db, id, r->a, &v, &r->e)))
		return rc;
	return req_reply_json(r, 200, v);
}
