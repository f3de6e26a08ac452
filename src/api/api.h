/*
 * api.h - the HTTP API: starting and stopping the server, the process-wide settings handlers read,
 * and the handler functions the route table (routes.c) points at. Handlers live in api_<area>.c.
 */
#ifndef CB_API_H
#define CB_API_H

#include "api/http.h"
#include "core/config.h"
#include "domain/authz.h"

typedef struct server server;

/* Start serving with cfg (copied). Prints "listening on http://HOST:PORT" to stdout. */
int server_start(const config *cfg, server **out, err *e);
/* The bound port (useful with port 0). */
int server_port(const server *s);
/* Stop accepting, wait up to timeout_ms for in-flight requests, then stop and free. */
void server_stop(server *s, int timeout_ms);

/* The settings the running server was started with, and paths derived from them. */
const config *api_config(void);
const char *api_db_path(void);

/* Object-level authorization for a handler: authz_decide with the route's permission and scope. */
int api_authorize(req *r, const authz_scope *scope);

/* ---- handlers ---- */
int api_healthz(req *r);
int api_openapi(req *r);
int api_login(req *r);
int api_logout(req *r);
int api_me(req *r);
int api_areas(req *r);
int api_units(req *r);
int api_unit_create(req *r);
int api_user_create(req *r);
int api_user_list(req *r);
int api_matter_create(req *r);
int api_matter_search(req *r);
int api_matter_get(req *r);
int api_matter_history(req *r);
int api_matter_act(req *r);
int api_matter_tag(req *r);
int api_matter_suspend(req *r);
int api_matter_resume(req *r);
int api_file_upload(req *r);
int api_file_download(req *r);
int api_extension_request(req *r);
int api_extension_approve(req *r);
int api_extension_refuse(req *r);
int api_transfer_list(req *r);
int api_transfer_accept(req *r);
int api_transfer_return(req *r);
int api_transfer_withdraw(req *r);
int api_workbench(req *r);
int api_supervision(req *r);
int api_supervision_list(req *r);
int api_calendar_due(req *r);
int api_calendar_holidays(req *r);
int api_calendar_import(req *r);
int api_log_sth(req *r);
int api_log_key(req *r);
int api_log_inclusion(req *r);
int api_log_consistency(req *r);
int api_log_entries(req *r);
int api_evidence_verify(req *r);
int api_evidence_verify_file(req *r);

/* ---- enforcement (api_enforce.c) and case funds (api_ledger.c) ---- */
int api_assist_create(req *r);
int api_assist_list(req *r);
int api_assist_get(req *r);
int api_assist_answer(req *r);
int api_assist_file(req *r);
int api_assist_stats(req *r);
int api_control_create(req *r);
int api_control_list(req *r);
int api_control_get(req *r);
int api_control_revoke(req *r);
int api_person_check(req *r);
int api_debtor_public(req *r);
int api_debtor_removals(req *r);
int api_restriction_check(req *r);
int api_listing_create(req *r);
int api_listing_list(req *r);
int api_listing_get(req *r);
int api_listing_notice(req *r);
int api_listing_remove(req *r);
int api_query_log(req *r);
int api_query_code_issue(req *r);
int api_person_lookups(req *r);
int api_enforce_workbench(req *r);
int api_enforce_supervision(req *r);
int api_enforce_metrics(req *r);
int api_ledger_account_open(req *r);
int api_ledger_accounts(req *r);
int api_ledger_account_get(req *r);
int api_ledger_receipt(req *r);
int api_ledger_receipts(req *r);
int api_ledger_unidentified(req *r);
int api_ledger_match(req *r);
int api_ledger_disbursement(req *r);
int api_ledger_disbursements(req *r);
int api_ledger_approve(req *r);
int api_ledger_refuse(req *r);
int api_ledger_postings(req *r);
int api_ledger_reconcile(req *r);
int api_ledger_reconciliations(req *r);
int api_ledger_bank_import(req *r);
int api_ledger_bank_import_get(req *r);

#endif
