import VPAModel

/// The projection tables, each with the columns `verify` compares, in the order the projection
/// writes them (see `ProjectionRows`), and its primary key.
enum ProjectionTable: String, CaseIterable {
    case containers
    case resourceHistory = "resource_history"
    case resizeTransitions = "resize_transitions"
    case oomKills = "oom_kills"
    case seenEvictions = "seen_evictions"
    case usageSamples = "usage_samples"

    var selectAll: String {
        switch self {
        case .containers:
            "SELECT id, stream_id, name, type FROM containers ORDER BY id"
        case .resourceHistory:
            """
            SELECT container_id, from_position, valid_from_ms, source,
              actual_request_cpu, actual_request_memory, actual_limit_cpu, actual_limit_memory,
              desired_request_cpu, desired_request_memory, desired_limit_cpu, desired_limit_memory,
              to_position, valid_to_ms
            FROM resource_history ORDER BY container_id, from_position
            """
        case .resizeTransitions:
            """
            SELECT position, stream_id, at_ms, from_state, to_state, initiator, new_resize, reason, message
            FROM resize_transitions ORDER BY position
            """
        case .oomKills:
            """
            SELECT position, stream_id, container_id, at_ms, kind, memory_request, memory_limit, source, usage_bytes,
              restart_count FROM oom_kills ORDER BY position
            """
        case .seenEvictions:
            "SELECT key_hash, position FROM seen_evictions ORDER BY key_hash"
        case .usageSamples:
            "SELECT container_id, at_ms, position, window_ms, cpu_millicores, memory_bytes FROM usage_samples ORDER BY container_id, at_ms"
        }
    }
}

/// What `replay` did.
public struct ReplaySummary: Hashable, Sendable {
    public var eventsReplayed: Int64
    public var pods: Int
    public var position: Int64
}

extension EventStore {
    /// Drops every projection and snapshot and rebuilds them from the log, in one transaction:
    /// readers see the old projections until it commits, then the new ones.
    ///
    /// A compacted log has no events before its cut: the rebuild starts from the projection kept
    /// at the cut (`compaction_base`) and the table rows from before it, and replays the log after.
    @discardableResult
    public func replay(progress: (Int64, Int64) -> Void = { _, _ in }) throws(StoreError) -> ReplaySummary {
        guard access == .readWrite else { throw .invalidArgument("replay needs a writable store") }
        let saved = projection
        do {
            let summary = try connection.transaction {
                let base = try compactionBase(streams: Array(projection.streams.values))
                if let base {
                    try resetTablesToCut(base)
                } else {
                    for table in ProjectionTable.allCases { try connection.execute("DELETE FROM \(table.rawValue)") }
                }
                try connection.execute("DELETE FROM pod_snapshot")
                var fresh = base?.projection ?? Projection()
                if base == nil { for stream in projection.streams.values { fresh.register(stream) } }
                let sink = try SQLiteProjectionSink(statement: statement)
                let head = projection.position
                var count: Int64 = 0
                try forEachEvent(after: base?.state.throughPosition ?? 0) { event in
                    try fresh.apply(event, sink: sink)
                    count += 1
                    if count % 10_000 == 0 { progress(count, head) }
                }
                try sink.flush()
                projection = fresh
                dirtyStreams = Set(fresh.pods.keys)
                try writeSnapshotRows()
                return ReplaySummary(eventsReplayed: count, pods: fresh.pods.count, position: fresh.position)
            }
            snapshotCommitted()
            return summary
        } catch {
            projection = saved
            throw StoreError.wrapping(error)
        }
    }
}
