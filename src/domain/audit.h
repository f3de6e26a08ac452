/*
 * audit.h - the event every write commits with. Domain modules call audit_record inside their store
 * transaction; it assigns the gapless sequence number, the UTC time, the acting user and unit, and
 * appends the entry to the verifiable log (see docs/log-format.md for the exact entry bytes).
 *
 * Payloads are JSON objects. Changes of fields are recorded as
 *   {"changes": {"<field>": {"old": <value or null>, "new": <value or null>}, ...}, ...other facts}
 * which is what matter history and "as of" views read back (per-field accountability, 谁录入谁负责).
 */
#ifndef CB_AUDIT_H
#define CB_AUDIT_H

#include "core/err.h"
#include "domain/principal.h"
#include "store/store.h"

#include <jansson.h>
#include <stdint.h>

/* Append an event in the open transaction. payload is borrowed (may be NULL for {}). *out_seq may
 * be NULL. Refuses outside a transaction (E_INTERNAL). */
int audit_record(store *db, const principal *who, const char *entity_type, const char *entity_id,
                 const char *event_type, json_t *payload, int64_t *out_seq, err *e);

/* The same with a public subject in the log entry (the SHA-256 of a registered file). */
int audit_record_subject(store *db, const principal *who, const char *entity_type, const char *entity_id,
                         const char *event_type, const char *subject, json_t *payload, int64_t *out_seq, err *e);

/* Add {"old":old,"new":new} under payload["changes"][field]; values borrowed (NULL -> null).
 * Equal values are skipped. Returns OK or E_NOMEM. */
int audit_change(json_t *payload, const char *field, json_t *old_value, json_t *new_value);
/* Integer convenience for audit_change. */
int audit_change_int(json_t *payload, const char *field, long long old_value, long long new_value);
/* String convenience for audit_change. */
int audit_change_str(json_t *payload, const char *field, const char *old_value, const char *new_value);

#endif
