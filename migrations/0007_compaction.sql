-- Compaction (`vpa-store compact`, `serve --compact-keep`) removes the log before a cut. What a
-- replay of the removed events gave is kept here: the in-memory projection at the cut, one row per
-- pod stream (encoded as pod_snapshot's rows; row 0 holds every pod's newest usage sample), with
-- its header in store_meta 'compaction_base' and the cut in store_meta 'compaction'. Unlike
-- pod_snapshot it changes only when the cut moves: verify, replay and a load whose snapshot is
-- older than the cut start from it instead of from position 1.
CREATE TABLE IF NOT EXISTS compaction_base (
    stream_id INTEGER PRIMARY KEY,
    state     BLOB NOT NULL
);

-- One row per compaction (each chunk of a chunked one): the audit trail of what was removed.
CREATE TABLE IF NOT EXISTS compactions (
    through_position INTEGER PRIMARY KEY,  -- the last position removed
    before_ms        INTEGER NOT NULL,     -- every removed event occurred before this time
    compacted_at     INTEGER NOT NULL,     -- store clock, unix ms
    events_removed   INTEGER NOT NULL,
    rows_removed     INTEGER NOT NULL      -- projection rows and idempotency keys removed with them
);

-- Compaction forgets the answers of idempotent writes it cut away (a retry days later is not a
-- retry); by position, so it reads a range instead of the whole table.
CREATE INDEX IF NOT EXISTS idempotency_keys_position ON idempotency_keys (position);
