-- Views for reading the log and its audit tables with the plain `sqlite3` shell: names instead of
-- numbers, times as RFC 3339 in UTC with milliseconds, pods and containers by name. They only read:
-- nothing in vpa-store queries them, and a later migration may replace one (DROP VIEW, CREATE VIEW)
-- without touching the data. Every view keeps the raw positions and the *_ms times beside the
-- readable ones, so a filter can use the tables' indexes (valid_from_ms, at_ms, position).
--
-- An event's body stays protobuf: SQLite cannot decode it, and a JSON copy would double the log.
-- events_readable names the message each body holds (body_message); the derived facts are decoded
-- in the views below; `vpa-store query events --format json` prints any body as JSON.
-- Like 0007, it creates only what is missing, so running it again changes nothing. The views name
-- their tables; a later migration that rebuilds one (as 0006 did) keeps them working, since the
-- migrator runs with legacy_alter_table on, and must recreate a view whose columns it changes.

-- The names of the numbers the tables store, as proto/vpa/store/v1/events.proto numbers them (and
-- StoreWire's WireEnums and VPAModel's EventType). A new enum case adds its row here.
CREATE TABLE IF NOT EXISTS code_names (
    code_set TEXT    NOT NULL,  -- event_type, stream_kind, container_type, resize_state, resize_initiator, oom_kind, resource_source
    code     INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    PRIMARY KEY (code_set, code)
) WITHOUT ROWID;
INSERT OR REPLACE INTO code_names (code_set, code, name) VALUES
    ('event_type', 1, 'PodObserved'), ('event_type', 2, 'PodDeleted'), ('event_type', 3, 'ResizeTransition'),
    ('event_type', 4, 'OomKilled'), ('event_type', 5, 'EvictionObserved'), ('event_type', 6, 'InPlaceModeChanged'),
    ('event_type', 7, 'ResizeRequested'), ('event_type', 8, 'VpaObserved'), ('event_type', 9, 'VpaDeleted'),
    ('event_type', 10, 'UsageSampled'), ('event_type', 11, 'RecommendationPublished'), ('event_type', 12, 'UpdaterDecision'),
    ('event_type', 13, 'RecommenderCheckpoint'), ('event_type', 14, 'UsageExpired'),
    ('stream_kind', 1, 'store'), ('stream_kind', 2, 'pod'), ('stream_kind', 3, 'vpa'),
    ('container_type', 0, 'container'), ('container_type', 1, 'init'),
    ('resize_state', 0, 'none'), ('resize_state', 1, 'pending_deferred'), ('resize_state', 2, 'pending_infeasible'),
    ('resize_state', 3, 'in_progress'), ('resize_state', 4, 'in_progress_error'), ('resize_state', 5, 'completed'),
    ('resize_initiator', 0, 'unknown'), ('resize_initiator', 1, 'vpa'), ('resize_initiator', 2, 'manual'),
    ('oom_kind', 0, 'new'), ('oom_kind', 1, 'previous'), ('oom_kind', 2, 'eviction'),
    ('resource_source', 0, 'status'), ('resource_source', 1, 'spec_fallback'), ('resource_source', 2, 'spec');

-- The log: one row per event. stream_key is the pod's UID (or namespace/name for a manifest
-- without one), `vpa:namespace/name` for a VPA, `store` for the store's own stream. Decode a body
-- with the repository's proto files: see README, "Read the database with sqlite3".
CREATE VIEW IF NOT EXISTS events_readable AS
SELECT e.position,
       t.name AS type,
       strftime('%Y-%m-%dT%H:%M:%fZ', e.occurred_at / 1000.0, 'unixepoch') AS occurred_at,
       strftime('%Y-%m-%dT%H:%M:%fZ', e.recorded_at / 1000.0, 'unixepoch') AS recorded_at,
       k.name AS stream_kind,
       s.namespace,
       s.name,
       s.stream_key,
       e.caused_by,
       e.stream_prev,
       'vpa.store.v1.' || t.name AS body_message,
       length(e.body) AS body_bytes,
       e.type AS type_code,
       e.stream_id,
       e.occurred_at AS occurred_at_ms
FROM events e
  LEFT JOIN code_names t ON t.code_set = 'event_type' AND t.code = e.type
  LEFT JOIN streams s ON s.id = e.stream_id
  LEFT JOIN code_names k ON k.code_set = 'stream_kind' AND k.code = s.kind;

-- What `query resources --at T` answers from: each container's actual and desired resources, one row
-- per change, valid from valid_from until valid_to (NULL: still current). CPU in millicores, memory in
-- bytes, NULL where not set. The resources at T:
--   WHERE valid_from_ms <= strftime('%s', T) * 1000 AND (valid_to_ms IS NULL OR valid_to_ms > strftime('%s', T) * 1000)
CREATE VIEW IF NOT EXISTS resource_history_readable AS
SELECT s.namespace,
       s.name AS pod,
       CASE WHEN instr(s.stream_key, '/') > 0 THEN NULL ELSE s.stream_key END AS pod_uid,
       c.name AS container,
       ct.name AS container_type,
       strftime('%Y-%m-%dT%H:%M:%fZ', h.valid_from_ms / 1000.0, 'unixepoch') AS valid_from,
       strftime('%Y-%m-%dT%H:%M:%fZ', h.valid_to_ms / 1000.0, 'unixepoch') AS valid_to,
       src.name AS source,
       h.actual_request_cpu AS actual_request_cpu_millicores,
       h.actual_request_memory AS actual_request_memory_bytes,
       h.actual_limit_cpu AS actual_limit_cpu_millicores,
       h.actual_limit_memory AS actual_limit_memory_bytes,
       h.desired_request_cpu AS desired_request_cpu_millicores,
       h.desired_request_memory AS desired_request_memory_bytes,
       h.desired_limit_cpu AS desired_limit_cpu_millicores,
       h.desired_limit_memory AS desired_limit_memory_bytes,
       h.from_position,
       h.to_position,
       h.valid_from_ms,
       h.valid_to_ms
FROM resource_history h
  JOIN containers c ON c.id = h.container_id
  JOIN streams s ON s.id = c.stream_id
  LEFT JOIN code_names ct ON ct.code_set = 'container_type' AND ct.code = c.type
  LEFT JOIN code_names src ON src.code_set = 'resource_source' AND src.code = h.source;

-- Every resize transition (the derived ResizeTransition events), oldest first by position.
CREATE VIEW IF NOT EXISTS resize_transitions_readable AS
SELECT r.position,
       strftime('%Y-%m-%dT%H:%M:%fZ', r.at_ms / 1000.0, 'unixepoch') AS at,
       s.namespace,
       s.name AS pod,
       CASE WHEN instr(s.stream_key, '/') > 0 THEN NULL ELSE s.stream_key END AS pod_uid,
       f.name AS from_state,
       t.name AS to_state,
       i.name AS initiator,
       r.new_resize,
       r.reason,
       r.message,
       r.at_ms
FROM resize_transitions r
  JOIN streams s ON s.id = r.stream_id
  LEFT JOIN code_names f ON f.code_set = 'resize_state' AND f.code = r.from_state
  LEFT JOIN code_names t ON t.code_set = 'resize_state' AND t.code = r.to_state
  LEFT JOIN code_names i ON i.code_set = 'resize_initiator' AND i.code = r.initiator;

-- Each pod's resize state: its latest transition (`query resizes --state S` shows the same for the
-- pods still live; this view also keeps the pods deleted since).
CREATE VIEW IF NOT EXISTS resize_states_readable AS
SELECT r.namespace, r.pod, r.pod_uid, r.to_state AS state, r.at AS since, r.initiator, r.reason, r.message, r.position,
       r.at_ms AS since_ms
FROM resize_transitions_readable r
WHERE r.position IN (SELECT max(position) FROM resize_transitions GROUP BY stream_id);

-- What `query ooms` answers from: every OOM kill with the memory the container actually had.
CREATE VIEW IF NOT EXISTS oom_kills_readable AS
SELECT o.position,
       strftime('%Y-%m-%dT%H:%M:%fZ', o.at_ms / 1000.0, 'unixepoch') AS at,
       s.namespace,
       s.name AS pod,
       CASE WHEN instr(s.stream_key, '/') > 0 THEN NULL ELSE s.stream_key END AS pod_uid,
       c.name AS container,
       ct.name AS container_type,
       kind.name AS kind,
       o.memory_request AS memory_request_bytes,
       o.memory_limit AS memory_limit_bytes,
       src.name AS source,
       o.usage_bytes,
       o.restart_count,
       o.at_ms
FROM oom_kills o
  JOIN containers c ON c.id = o.container_id
  JOIN streams s ON s.id = o.stream_id
  LEFT JOIN code_names ct ON ct.code_set = 'container_type' AND ct.code = c.type
  LEFT JOIN code_names kind ON kind.code_set = 'oom_kind' AND kind.code = o.kind
  LEFT JOIN code_names src ON src.code_set = 'resource_source' AND src.code = o.source;

-- Usage samples (metrics.k8s.io PodMetrics), the recommender's input: one row per container per
-- window ending at `at`, as long as usage retention keeps them.
CREATE VIEW IF NOT EXISTS usage_samples_readable AS
SELECT strftime('%Y-%m-%dT%H:%M:%fZ', u.at_ms / 1000.0, 'unixepoch') AS at,
       s.namespace,
       s.name AS pod,
       CASE WHEN instr(s.stream_key, '/') > 0 THEN NULL ELSE s.stream_key END AS pod_uid,
       c.name AS container,
       ct.name AS container_type,
       u.window_ms,
       u.cpu_millicores,
       u.memory_bytes,
       u.position,
       u.at_ms
FROM usage_samples u
  JOIN containers c ON c.id = u.container_id
  JOIN streams s ON s.id = c.stream_id
  LEFT JOIN code_names ct ON ct.code_set = 'container_type' AND ct.code = c.type;

-- Each compaction: which positions it removed and when.
CREATE VIEW IF NOT EXISTS compactions_readable AS
SELECT through_position,
       strftime('%Y-%m-%dT%H:%M:%fZ', before_ms / 1000.0, 'unixepoch') AS removed_before,
       strftime('%Y-%m-%dT%H:%M:%fZ', compacted_at / 1000.0, 'unixepoch') AS compacted_at,
       events_removed,
       rows_removed
FROM compactions;
