-- The append-only event log and the interning tables it refers to.
-- A shipped migration is never edited: change the schema with a new file.

-- One row per event. position is the global, gap-free commit order (INTEGER PRIMARY KEY = rowid,
-- so appends go to the end of the B-tree). There is deliberately no index keyed by stream: a
-- stream's events are walked through stream_prev from the head held by the pod projection.
CREATE TABLE events (
    position     INTEGER PRIMARY KEY,
    type         INTEGER NOT NULL,      -- EventType in proto/vpa/store/v1/events.proto
    stream_id    INTEGER NOT NULL,      -- streams.id
    stream_prev  INTEGER,               -- position of the previous event of the same stream
    occurred_at  INTEGER NOT NULL,      -- unix ms, from the source (observation time)
    recorded_at  INTEGER NOT NULL,      -- unix ms, store clock at append
    caused_by    INTEGER,               -- position of the event this one was derived from
    body         BLOB NOT NULL          -- protobuf message of the type
);

-- Streams (one per pod UID, plus stream 1 for the store itself). Insert-only: the key is
-- interned once, and events carry the integer id.
CREATE TABLE streams (
    id         INTEGER PRIMARY KEY,
    kind       INTEGER NOT NULL,         -- 1 = store, 2 = pod
    stream_key TEXT NOT NULL,            -- pod UID, or namespace/name for a manifest without one
    namespace  TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Containers of pod streams, interned for the projection tables. Insert-only.
CREATE TABLE containers (
    id        INTEGER PRIMARY KEY,
    stream_id INTEGER NOT NULL,
    name      TEXT NOT NULL,
    type      INTEGER NOT NULL            -- 0 = container, 1 = init
);

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
