/*
 * routes.c - the route table: method, path, handler, permission, body kind and summary. The router,
 * `casebridge routes` (docs check) and the authorization test matrix all read this one table.
 * Keep docs/openapi.yaml in step: a test fails when they differ.
 */
#include "api/api.h"
#include "api/router.h"
#include "domain/authz.h"

const route routes[] = {
	{"GET", "/healthz", api_healthz, PERM_PUBLIC, BODY_NONE, "liveness and database check"},
	{"GET", "/api/v1/openapi.yaml", api_openapi, PERM_PUBLIC, BODY_NONE, "this API's OpenAPI document"},
	{"POST", "/api/v1/session", api_login, PERM_PUBLIC, BODY_JSON, "log in"},
	{"DELETE", "/api/v1/session", api_logout, PERM_SESSION, BODY_NONE, "log out"},
	{"GET", "/api/v1/me", api_me, PERM_SESSION, BODY_NONE, "the signed-in user"},
	{"GET", "/api/v1/areas", api_areas, PERM_ORG_READ, BODY_NONE, "the area tree"},
	{"GET", "/api/v1/units", api_units, PERM_ORG_READ, BODY_NONE, "units by area and kind"},
	{"POST", "/api/v1/units", api_unit_create, PERM_ORG_ADMIN, BODY_JSON, "add a sub-unit"},
	{"GET", "/api/v1/users", api_user_list, PERM_USER_ADMIN, BODY_NONE, "users of the admin's area"},
	{"POST", "/api/v1/users", api_user_create, PERM_USER_ADMIN, BODY_JSON, "add a user"},
	{"GET", "/api/v1/calendar/due", api_calendar_due, PERM_PUBLIC, BODY_NONE, "the period calculator"},
	{"GET", "/api/v1/calendar/holidays", api_calendar_holidays, PERM_PUBLIC, BODY_NONE, "the official holiday calendar"},
	{"POST", "/api/v1/calendar/holidays", api_calendar_import, PERM_CALENDAR_ADMIN, BODY_JSON, "import holidays (CSV text)"},
	{"POST", "/api/v1/matters", api_matter_create, PERM_MATTER_CREATE, BODY_JSON, "file a matter"},
	{"GET", "/api/v1/matters", api_matter_search, PERM_MATTER_READ, BODY_NONE, "search matters"},
	{"GET", "/api/v1/matters/{id}", api_matter_get, PERM_MATTER_READ, BODY_NONE, "a matter"},
	{"GET", "/api/v1/matters/{id}/history", api_matter_history, PERM_MATTER_READ, BODY_NONE, "a matter's history"},
	{"POST", "/api/v1/matters/{id}/actions", api_matter_act, PERM_MATTER_ACT, BODY_JSON, "take a step"},
	{"POST", "/api/v1/matters/{id}/tags", api_matter_tag, PERM_REVIEW, BODY_JSON, "set or clear a tag"},
	{"POST", "/api/v1/matters/{id}/suspend", api_matter_suspend, PERM_REVIEW, BODY_JSON, "stop a stage's clock (中止)"},
	{"POST", "/api/v1/matters/{id}/resume", api_matter_resume, PERM_REVIEW, BODY_NONE, "restart a stopped clock"},
	{"POST", "/api/v1/matters/{id}/files", api_file_upload, PERM_MATTER_ACT, BODY_FILE, "upload a dossier file"},
	{"GET", "/api/v1/matters/{id}/files/{sha256}", api_file_download, PERM_MATTER_READ, BODY_NONE, "download a dossier file"},
	{"POST", "/api/v1/matters/{id}/extensions", api_extension_request, PERM_MATTER_ACT, BODY_JSON, "ask for an extension"},
	{"POST", "/api/v1/extensions/{id}/approve", api_extension_approve, PERM_REVIEW, BODY_JSON, "approve an extension"},
	{"POST", "/api/v1/extensions/{id}/refuse", api_extension_refuse, PERM_REVIEW, BODY_JSON, "refuse an extension"},
	{"GET", "/api/v1/transfers", api_transfer_list, PERM_WORKBENCH, BODY_NONE, "my unit's transfers"},
	{"POST", "/api/v1/transfers/{id}/accept", api_transfer_accept, PERM_TRANSFER_ANSWER, BODY_NONE, "accept a transfer"},
	{"POST", "/api/v1/transfers/{id}/return", api_transfer_return, PERM_TRANSFER_ANSWER, BODY_JSON, "return a transfer"},
	{"POST", "/api/v1/transfers/{id}/withdraw", api_transfer_withdraw, PERM_MATTER_ACT, BODY_NONE, "withdraw a transfer"},
	{"GET", "/api/v1/workbench", api_workbench, PERM_WORKBENCH, BODY_NONE, "my unit's work queue"},
	{"GET", "/api/v1/supervision", api_supervision, PERM_SUPERVISE, BODY_NONE, "counts per area or unit"},
	{"GET", "/api/v1/supervision/list", api_supervision_list, PERM_SUPERVISE, BODY_NONE, "the list behind a count"},
	{"GET", "/api/v1/log/sth", api_log_sth, PERM_PUBLIC, BODY_NONE, "the latest signed tree head, or one by size"},
	{"GET", "/api/v1/log/key", api_log_key, PERM_PUBLIC, BODY_NONE, "the log's public key"},
	{"GET", "/api/v1/log/proof/inclusion", api_log_inclusion, PERM_PUBLIC, BODY_NONE, "inclusion proof"},
	{"GET", "/api/v1/log/proof/consistency", api_log_consistency, PERM_PUBLIC, BODY_NONE, "consistency proof"},
	{"GET", "/api/v1/log/entries", api_log_entries, PERM_LOG_READ, BODY_NONE, "log entries (auditors)"},
	{"POST", "/api/v1/evidence/verify", api_evidence_verify, PERM_PUBLIC, BODY_JSON, "was this SHA-256 registered"},
	{"POST", "/api/v1/evidence/verify-file", api_evidence_verify_file, PERM_PUBLIC, BODY_FILE, "was this file registered"},
};

const size_t n_routes = sizeof routes / sizeof routes[0];
