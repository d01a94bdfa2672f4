-- Usage samples by time. Keyed (container_id, at_ms), every minute's samples of 30,000 pods
-- landed on a different leaf page each, so one commit of 1,000 samples wrote ~2,000 pages to the
-- WAL and ingest slowed as the table grew (vpa-store bench: 74k events/s at 1M events, 30k at
-- 10M). Keyed (at_ms, container_id), a minute's samples are appended at the end of the tree, and
-- retention deletes from its start. Reading a pod's samples follows its usage chain instead.
CREATE TABLE usage_samples_by_time (
    at_ms          INTEGER NOT NULL,   -- end of the usage window
    container_id   INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    window_ms      INTEGER NOT NULL,
    cpu_millicores INTEGER NOT NULL,
    memory_bytes   INTEGER NOT NULL,
    PRIMARY KEY (at_ms, container_id)
) WITHOUT ROWID;
INSERT INTO usage_samples_by_time (at_ms, container_id, position, window_ms, cpu_millicores, memory_bytes)
    SELECT at_ms, container_id, position, window_ms, cpu_millicores, memory_bytes FROM usage_samples;
DROP INDEX IF EXISTS usage_samples_at;
DROP TABLE usage_samples;
ALTER TABLE usage_samples_by_time RENAME TO usage_samples;

-- A pod's usage samples form their own chain: stream_prev of a UsageSampled event is the pod's
-- previous UsageSampled event (retention removes the oldest ones, so a chain's last link may
-- point at a removed position). Other events never point at a usage sample (migration 0005).
CREATE INDEX migration_0006_usage ON events (stream_id, position) WHERE type = 10;
UPDATE events SET stream_prev = (
    SELECT max(earlier.position) FROM events AS earlier
    WHERE earlier.type = 10 AND earlier.stream_id = events.stream_id AND earlier.position < events.position)
WHERE type = 10;
DROP INDEX migration_0006_usage;
-- The snapshot does not hold the usage chain heads yet: the next open rebuilds memory from the log.
DELETE FROM pod_snapshot;
DELETE FROM store_meta WHERE key = 'projection';
-- Before this change a usage sample could intern a container the pod's spec did not have; a
-- replay now numbers containers without them, so the projection tables are rebuilt on the next
-- writable open (EventStore reads this key, replays, and removes it).
INSERT OR REPLACE INTO store_meta (key, value) VALUES ('replay_on_open', 'migration 0006');
