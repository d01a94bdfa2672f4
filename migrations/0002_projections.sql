-- Projections: a pure function of the events table. `vpa-store replay` empties and rebuilds them;
-- `vpa-store verify` checks them against a fresh replay.

-- Resource history: one row per change of a container's actual or desired resources, valid from
-- one observation until the next change. Time travel is a range scan on valid_from_ms.
CREATE TABLE resource_history (
    container_id   INTEGER NOT NULL,
    from_position  INTEGER NOT NULL,
    to_position    INTEGER,             -- NULL while current
    valid_from_ms  INTEGER NOT NULL,
    valid_to_ms    INTEGER,             -- NULL while current
    source         INTEGER NOT NULL,    -- 0 status, 1 spec_fallback, 2 spec
    actual_request_cpu INTEGER, actual_request_memory INTEGER,
    actual_limit_cpu   INTEGER, actual_limit_memory   INTEGER,
    desired_request_cpu INTEGER, desired_request_memory INTEGER,
    desired_limit_cpu   INTEGER, desired_limit_memory   INTEGER,
    PRIMARY KEY (container_id, from_position)
) WITHOUT ROWID;
CREATE INDEX resource_history_valid_from ON resource_history (valid_from_ms);
CREATE INDEX resource_history_from_position ON resource_history (from_position);

-- Every resize transition (derived events), for `query resizes --at` and timelines.
CREATE TABLE resize_transitions (
    position    INTEGER PRIMARY KEY,
    stream_id   INTEGER NOT NULL,
    at_ms       INTEGER NOT NULL,
    from_state  INTEGER NOT NULL,
    to_state    INTEGER NOT NULL,
    initiator   INTEGER NOT NULL,
    new_resize  INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    message     TEXT NOT NULL
);
CREATE INDEX resize_transitions_stream ON resize_transitions (stream_id, position);

-- Every OOM kill (derived events).
CREATE TABLE oom_kills (
    position       INTEGER PRIMARY KEY,
    stream_id      INTEGER NOT NULL,
    container_id   INTEGER NOT NULL,
    at_ms          INTEGER NOT NULL,
    kind           INTEGER NOT NULL,    -- 0 new, 1 previous, 2 eviction
    memory_request INTEGER,
    memory_limit   INTEGER,
    source         INTEGER NOT NULL,
    usage_bytes    INTEGER,
    restart_count  INTEGER
);
CREATE INDEX oom_kills_at ON oom_kills (at_ms);
CREATE INDEX oom_kills_container ON oom_kills (container_id, at_ms);

-- Evicted Kubernetes Events already recorded, by a 64-bit hash of their key, so a resync does not
-- record the same eviction twice.
CREATE TABLE seen_evictions (
    key_hash INTEGER PRIMARY KEY,
    position INTEGER NOT NULL
);

-- Snapshot of the in-memory pod projection, covering the log up to store_meta.snapshot_position.
-- Written in its own transaction every N events; on open the store loads it and replays the rest.
CREATE TABLE pod_snapshot (
    stream_id INTEGER PRIMARY KEY,
    state     BLOB NOT NULL
);
