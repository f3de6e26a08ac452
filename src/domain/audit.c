/*
 * audit.c - recording events and their canonical bytes. See audit.h and docs/log-format.md.
 */
#include "domain/audit.h"

#include "core/json_out.h"
#include "core/mem.h"
#include "core/util.h"
#include "domain/tlog.h"

#include <stdio.h>
#include <string.h>

int audit_record(store *db, const principal *who, const char *entity_type, const char *entity_id,
                 const char *event_type, json_t *payload, int64_t *out_seq, err *e)
{
	return audit_record_subject(db, who, entity_type, entity_id, event_type, NULL, payload, out_seq, e);
}

int audit_record_subject(store *db, const principal *who, const char *entity_type, const char *entity_id,
                         const char *event_type, const char *subject, json_t *payload, int64_t *out_seq, err *e)
{
	int rc = OK;
	char *text = NULL;
	char now[32];
	if (!store_in_tx(db))
		return err_set(e, E_INTERNAL, NULL, "audit_record outside a transaction");
	text = payload ? json_out_compact(payload, 1, NULL) : NULL;
	if (payload && !text)
		return err_set(e, E_NOMEM, NULL, "out of memory");
	util_now_iso(now, sizeof now);
	store_event ev = {
		.at = now,
		.actor_user_id = who->user_id,
		.actor_unit_id = who->unit_id[0] ? who->unit_id : NULL,
		.entity_type = entity_type,
		.entity_id = entity_id,
		.event_type = event_type,
		.payload = text ? text : "{}",
		.subject = subject,
	};
	rc = tlog_append_event(db, &ev, e);
	if (rc == OK && out_seq)
		*out_seq = ev.seq;
	free(text);
	return rc;
}

int audit_change(json_t *payload, const char *field, json_t *old_value, json_t *new_value)
{
	if (old_value && new_value && json_equal(old_value, new_value))
		return OK;
	if (!old_value && !new_value)
		return OK;
	json_t *changes = json_object_get(payload, "changes");
	if (!changes) {
		changes = json_object();
		if (!changes || json_object_set_new(payload, "changes", changes))
			return E_NOMEM;
	}
	json_t *c = json_pack("{s:O?,s:O?}", "old", old_value, "new", new_value);
	if (!c || json_object_set_new(changes, field, c))
		return E_NOMEM;
	return OK;
}

int audit_change_str(json_t *payload, const char *field, const char *old_value, const char *new_value)
{
	if (old_value && new_value && strcmp(old_value, new_value) == 0)
		return OK;
	json_t *o = old_value ? json_string(old_value) : NULL;
	json_t *n = new_value ? json_string(new_value) : NULL;
	int rc = audit_change(payload, field, o, n);
	json_decref(o);
	json_decref(n);
	return rc;
}

int audit_change_int(json_t *payload, const char *field, long long old_value, long long new_value)
{
	json_t *o = json_integer(old_value), *n = json_integer(new_value);
	int rc = o && n ? audit_change(payload, field, o, n) : E_NOMEM;
	json_decref(o);
	json_decref(n);
	return rc;
}
