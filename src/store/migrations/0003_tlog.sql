-- 0003: the verifiable log. Complete subtrees of the Merkle tree over events (level 0 = leaf hashes)
-- and the signed tree heads. Both are append-only.
CREATE TABLE tlog_nodes (
  level INTEGER NOT NULL,
  idx   INTEGER NOT NULL,
  hash  BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TRIGGER tlog_nodes_no_update BEFORE UPDATE ON tlog_nodes BEGIN SELECT RAISE(ABORT, 'tlog_nodes are append-only'); END;
CREATE TRIGGER tlog_nodes_no_delete BEFORE DELETE ON tlog_nodes BEGIN SELECT RAISE(ABORT, 'tlog_nodes are append-only'); END;

CREATE TABLE tlog_heads (
  tree_size    INTEGER PRIMARY KEY,
  root         BLOB NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  hash_alg     TEXT NOT NULL,
  sign_alg     TEXT NOT NULL,
  key_id       TEXT NOT NULL,
  signature    BLOB NOT NULL
);
CREATE TRIGGER tlog_heads_no_update BEFORE UPDATE ON tlog_heads BEGIN SELECT RAISE(ABORT, 'tlog_heads are append-only'); END;
CREATE TRIGGER tlog_heads_no_delete BEFORE DELETE ON tlog_heads BEGIN SELECT RAISE(ABORT, 'tlog_heads are append-only'); END;

-- The subject of an event (e.g. the SHA-256 of a registered dossier file), public in the log entry.
ALTER TABLE events ADD COLUMN subject TEXT;
CREATE INDEX events_subject ON events(subject) WHERE subject IS NOT NULL;
CREATE INDEX events_leaf ON events(leaf_hash);
