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
};

const size_t n_routes = sizeof routes / sizeof routes[0];
