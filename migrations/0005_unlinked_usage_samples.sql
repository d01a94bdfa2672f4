-- Usage samples expire by age (retention), so they must not be links of the stream chains: a
-- chain would point at a removed event. From this version a UsageSampled event has no stream_prev
-- and no later event points at one. This rewrites logs written before: every other event that
-- points at a usage sample points at the stream's previous event that is not one, and usage
-- samples lose their link. The snapshot held pod heads that were usage samples, so it is dropped;
-- the next open rebuilds the in-memory projection from the log.
CREATE INDEX migration_0005_stream ON events (stream_id, position);
UPDATE events SET stream_prev = (
    SELECT max(earlier.position) FROM events AS earlier
    WHERE earlier.stream_id = events.stream_id AND earlier.position < events.position AND earlier.type != 10)
WHERE type != 10 AND stream_prev IN (SELECT position FROM events WHERE type = 10);
UPDATE events SET stream_prev = NULL WHERE type = 10 AND stream_prev IS NOT NULL;
DROP INDEX migration_0005_stream;
DELETE FROM pod_snapshot;
DELETE FROM store_meta WHERE key = 'projection';
