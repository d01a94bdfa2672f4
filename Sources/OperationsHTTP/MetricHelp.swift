/// The `# HELP` text of every metric family the three binaries expose, in one table: a family
/// made through `DocumentedMetricsFactory` takes its text from here, and a family missing from it
/// is exposed without `# HELP`, which `promtool check metrics` and the tests reject.
///
/// Names echo upstream VPA's (`pkg/utils/metrics`) where upstream has one and promtool accepts it;
/// upstream's gauges named `…_total` or `…_count` are renamed (promtool: "non-counter metrics should
/// not have "_total" suffix", "non-histogram and non-summary metrics should not have "_count"
/// suffix") and their text says so.
public enum MetricHelp {
    /// The help text of `name`; "" for a family nobody documented.
    public static func text(for name: String) -> String { table[name] ?? "" }

    /// Every documented family, by name.
    public static let table: [String: String] = process.merging(store) { a, _ in a }.merging(feed) { a, _ in a }
        .merging(daemon("vpa_recommender", upstream: "VPA Recommender")) { a, _ in a }
        .merging(daemon("vpa_updater", upstream: "VPA Updater")) { a, _ in a }
        .merging(recommender) { a, _ in a }.merging(updater) { a, _ in a }

    /// `process_*`, as Prometheus' client libraries name them (read from /proc/self at each scrape).
    static let process: [String: String] = [
        "process_cpu_seconds_total": "Total user and system CPU time spent in seconds.",
        "process_resident_memory_bytes": "Resident memory size in bytes.",
        "process_virtual_memory_bytes": "Virtual memory size in bytes.",
        "process_open_fds": "Number of open file descriptors.",
        "process_max_fds": "Maximum number of open file descriptors.",
        "process_start_time_seconds": "Start time of the process since unix epoch in seconds.",
    ]

    /// `vpa-store serve` (and `vpa-store feed`, which exposes `vpa_store_build_info` too).
    static let store: [String: String] = [
        "vpa_store_build_info": "Always 1: the version label is the vpa-store release of this binary.",
        "vpa_store_rpc_open_connections": "RPC connections open now.",
        "vpa_store_watchers": "Watch calls running now.",
        "vpa_store_head_position": "Position of the newest event in the log.",
        "vpa_store_ingest_commits_total": "Group commits of Ingest calls: one transaction and one fsync each.",
        "vpa_store_ingest_committed_calls_total":
            "Ingest calls committed; divided by vpa_store_ingest_commits_total, the mean group size.",
        "vpa_store_last_ingest_timestamp_seconds":
            "Unix time of the last Ingest call committed, 0 until the first one since the server started: a stale feed leaves it behind.",
        "vpa_store_actual_resources_reads_total":
            "Containers whose actual resources were answered, by where they came from (status, spec_fallback, spec).",
        "vpa_store_events_appended_total": "Events appended to the log, by type.",
        "vpa_store_rpc_calls_total": "RPC calls ended, by method and status code.",
        "vpa_store_rpc_duration_seconds": "Time from an RPC call's request to its answer, by method.",
        "vpa_store_pods": "Live pods by resize state, at the scrape.",
        "vpa_store_resizes_timed_out":
            "Live pods whose resize has waited past its timeout at the scrape (--deferred-timeout, --in-progress-timeout; pending_infeasible and in_progress_error at once), by resize state: the TIMED OUT column of query resizes.",
        "vpa_store_database_bytes": "Size of the SQLite database file: page_count times page_size.",
        "vpa_store_database_free_bytes":
            "Bytes of free pages in the database file, reused before the file grows (compact --vacuum returns them).",
        "vpa_store_database_wal_bytes": "Size of the write-ahead log (-wal) beside the database file.",
    ]

    /// The feed (`vpa-store feed`, `serve --feed`).
    static let feed: [String: String] = [
        "vpa_store_feed_events_received_total":
            "Objects the feed received from the Kubernetes API, by resource and event type (LIST for the objects of a list).",
        "vpa_store_feed_watch_restarts_total": "Watches that ended and were started again from the last resourceVersion, by resource.",
        "vpa_store_feed_relists_total": "Full relists (410 Gone, or a watch that could not resume), by resource.",
        "vpa_store_feed_api_errors_total": "Kubernetes API requests that failed, by resource and HTTP status code (transport: no answer).",
        "vpa_store_feed_objects_skipped_total": "Objects the decoders refused and the feed skipped, by resource.",
        "vpa_store_feed_dropped_observations_total":
            "Observations dropped because the store was unavailable long enough to fill --buffer-limit (every resource is relisted after).",
        "vpa_store_feed_ingest_lag_seconds": "Time from a watch event's arrival to the store's acknowledgement of the Ingest carrying it.",
        "vpa_store_feed_pending_observations": "Observations waiting to be sent to the store.",
        "vpa_store_feed_last_acknowledged_timestamp_seconds": "Unix time the store last acknowledged an Ingest from this feed.",
    ]

    /// What `vpa-recommender` and `vpa-updater` both expose, under their prefix.
    static func daemon(_ prefix: String, upstream: String) -> [String: String] {
        [
            "\(prefix)_build_info": "Always 1: the version label is the vpa-store release of this binary.",
            "\(prefix)_execution_latency_seconds":
                "Time spent in various parts of \(upstream) main loop (step=\"total\": one whole loop).",
            "\(prefix)_loops_total": "Loops run, by result (succeeded, failed); a failed loop is retried at the next interval.",
            "\(prefix)_last_successful_loop_timestamp_seconds": "Unix time the last successful loop ended, 0 before the first.",
        ]
    }

    /// `vpa-recommender`'s own.
    static let recommender: [String: String] = [
        "vpa_recommender_vpa_objects":
            "VPA objects the recommender keeps histories for, after the last loop (upstream's vpa_recommender_vpa_objects_count).",
        "vpa_recommender_recommendations_published_total": "RecommendationPublished events appended: a VPA's recommendation changed.",
        "vpa_recommender_usage_samples_total": "UsageSampled events added to the histories (one per pod and window).",
        "vpa_recommender_oom_kills_total": "OomKilled events recorded in the histories.",
        "vpa_recommender_checkpoints_written_total": "RecommenderCheckpoint events appended.",
        "vpa_recommender_status_writes_total":
            "VPA status writes through the Kubernetes API (--publish api), by result (succeeded, failed: retried next loop).",
        "vpa_recommender_consumed_position":
            "Every event up to this log position is in the histories; vpa_store_head_position minus it is the backlog.",
    ]

    /// `vpa-updater`'s own.
    static let updater: [String: String] = [
        "vpa_updater_vpa_objects": "VPA objects in the store at the last loop.",
        "vpa_updater_controlled_pods":
            "Live pods under a VPA at the last loop, one decision each (upstream's gauge vpa_updater_controlled_pods_total).",
        "vpa_updater_pod_decisions":
            "Pods by the last loop's planned decision: action (resize_in_place, evict, wait, none) and cause (the rule behind it, as in UpdaterDecision events).",
        "vpa_updater_decisions_recorded_total": "UpdaterDecision events appended: a pod's decision changed.",
        "vpa_updater_in_place_updated_pods_total": "Number of Pods updated in-place by Updater to apply a new recommendation.",
        "vpa_updater_evicted_pods_total": "Number of Pods evicted by Updater to apply a new recommendation.",
        "vpa_updater_failed_in_place_update_attempts_total": "Number of failed attempts to update Pods in-place.",
        "vpa_updater_failed_eviction_attempts_total":
            "Number of failed attempts to update Pods by eviction, by reason (disruption_budget: refused with 429; error).",
    ]
}
