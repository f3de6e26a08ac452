/*
 * api_system.c - health and the API document.
 */
#include "api/api.h"

#include "core/embedded.h"
#include "domain/tlog.h"

int api_healthz(req *r)
{
	int64_t n = 0;
	int v = 0;
	int rc = tlog_size(r->db, &n, &r->e);
	if (rc == OK)
		rc = store_schema_version(r->db, &v, &r->e); /* the health check asks the store itself */
	if (rc)
		return rc;
	return req_reply_json(r, 200,
	                      json_pack("{s:s,s:i,s:I}", "status", "ok", "schema_version", v, "events", (json_int_t)n));
}

int api_openapi(req *r)
{
	const embedded_file *f = embedded_find("docs/openapi.yaml");
	if (!f)
		return err_set(&r->e, E_NOTFOUND, NULL, "OpenAPI document missing from the build");
	r->cache_control = "no-cache";
	return req_reply_raw(r, 200, "application/yaml; charset=utf-8", f->data, f->len);
}
