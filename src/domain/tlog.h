/*
 * tlog.h - the verifiable transparency log over the event table: every event is a leaf of an
 * append-only Merkle tree (RFC 9162), the tree's complete subtrees are stored beside the events, and
 * signed tree heads commit to its state. See docs/log-format.md.
 */
#ifndef CB_TLOG_H
#define CB_TLOG_H

#include "core/err.h"
#include "store/store.h"

/* Append ev to the event table and to the Merkle tree, in the caller's transaction. Assigns ev->seq
 * and ev->leaf_hash. */
int tlog_append_event(store *db, store_event *ev, err *e);

#endif
