/*
 * tlog.c - appending events to the verifiable log. See tlog.h.
 */
#include "domain/tlog.h"

int tlog_append_event(store *db, store_event *ev, err *e)
{
	return store_event_append(db, ev, NULL, e);
}
