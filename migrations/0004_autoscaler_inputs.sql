-- Usage samples (metrics.k8s.io PodMetrics), one row per container per sample: the recommender's
-- input, read by container and time range. A projection of the UsageSampled events.
CREATE TABLE usage_samples (
    container_id   INTEGER NOT NULL,
    at_ms          INTEGER NOT NULL,   -- end of the usage window
    position       INTEGER NOT NULL,
    window_ms      INTEGER NOT NULL,
    cpu_millicores INTEGER NOT NULL,
    memory_bytes   INTEGER NOT NULL,
    PRIMARY KEY (container_id, at_ms)
) WITHOUT ROWID;
CREATE INDEX usage_samples_at ON usage_samples (at_ms);
