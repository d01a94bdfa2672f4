import StoreAPI
import LogCodec
import VPAModel

/// Writes the projection tables through prepared statements, inside the caller's transaction.
/// The statements come from the store's cache, so a batch does not prepare them again.
///
/// Usage rows (two per usage sample, the bulk of every replay and ingest) are held back and
/// written `usageRowsPerInsert` at a time by one multi-row INSERT: per-statement work (reset, bind,
/// cursor open and seek, halt) was most of their cost. The owner calls `flush()` before its
/// transaction or savepoint ends, and `discardPending()` when it rolls back; nothing in the same
/// transaction reads usage_samples before that except `expireUsage`, which flushes first.
final class SQLiteProjectionSink: ProjectionSink {
    static let usageRowsPerInsert = 32
    private let insertContainer: SQLiteStatement
    private let insertHistory: SQLiteStatement
    private let closeHistoryRow: SQLiteStatement
    private let insertTransition: SQLiteStatement
    private let insertOOM: SQLiteStatement
    private let insertEviction: SQLiteStatement
    private let insertUsage: SQLiteStatement
    private let insertUsageRows: SQLiteStatement
    private let deleteUsage: SQLiteStatement
    /// Usage rows not written yet, six columns each (`ProjectionRows.usageColumns` order).
    private var pendingUsage: [Int64] = []

    init(statement: (String) throws(SQLiteError) -> SQLiteStatement) throws(SQLiteError) {
        insertContainer = try statement("INSERT INTO containers (id, stream_id, name, type) VALUES (?, ?, ?, ?)")
        insertHistory = try statement("""
            INSERT INTO resource_history (container_id, from_position, valid_from_ms, source,
              actual_request_cpu, actual_request_memory, actual_limit_cpu, actual_limit_memory,
              desired_request_cpu, desired_request_memory, desired_limit_cpu, desired_limit_memory)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        closeHistoryRow = try statement("""
            UPDATE resource_history SET to_position = ?, valid_to_ms = ? WHERE container_id = ? AND from_position = ?
            """)
        insertTransition = try statement("""
            INSERT INTO resize_transitions (position, stream_id, at_ms, from_state, to_state, initiator, new_resize, reason, message)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertOOM = try statement("""
            INSERT INTO oom_kills (position, stream_id, container_id, at_ms, kind, memory_request, memory_limit, source,
              usage_bytes, restart_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertEviction = try statement("INSERT OR IGNORE INTO seen_evictions (key_hash, position) VALUES (?, ?)")
        insertUsage = try statement("""
            INSERT INTO usage_samples (container_id, at_ms, position, window_ms, cpu_millicores, memory_bytes)
            VALUES (?, ?, ?, ?, ?, ?)
            """)
        insertUsageRows = try statement(
            "INSERT INTO usage_samples (container_id, at_ms, position, window_ms, cpu_millicores, memory_bytes) VALUES "
                + Array(repeating: "(?, ?, ?, ?, ?, ?)", count: Self.usageRowsPerInsert).joined(separator: ", "))
        deleteUsage = try statement("DELETE FROM usage_samples WHERE at_ms < ?")
        pendingUsage.reserveCapacity(6 * Self.usageRowsPerInsert)
    }

    func expireUsage(before: Timestamp) throws {
        try flush()
        try deleteUsage.run([.int(before.unixMilliseconds)])
    }

    func recordUsage(position: Int64, containerID: Int64, at: Timestamp, windowMilliseconds: Int64,
                     _ container: UsageSample.Container) throws {
        let row = ProjectionRows.usageColumns(position: position, containerID: containerID, at: at,
                                              windowMilliseconds: windowMilliseconds, container)
        pendingUsage.append(row.0)
        pendingUsage.append(row.1)
        pendingUsage.append(row.2)
        pendingUsage.append(row.3)
        pendingUsage.append(row.4)
        pendingUsage.append(row.5)
        if pendingUsage.count == 6 * Self.usageRowsPerInsert {
            try insertUsageRows.runInts(pendingUsage)
            pendingUsage.removeAll(keepingCapacity: true)
        }
    }

    /// Writes the usage rows held back. Call before the transaction (or savepoint) ends.
    func flush() throws {
        guard !pendingUsage.isEmpty else { return }
        defer { pendingUsage.removeAll(keepingCapacity: true) }
        // Fewer than a full statement's rows: one at a time (at most 31 per flush).
        for start in stride(from: 0, to: pendingUsage.count, by: 6) {
            try insertUsage.runInts(pendingUsage[start..<(start + 6)])
        }
    }

    /// Forgets the usage rows held back: their events were rolled back.
    func discardPending() {
        pendingUsage.removeAll(keepingCapacity: true)
    }

    func internContainer(id: Int64, streamID: Int64, name: String, type: ContainerType) throws {
        try insertContainer.run(ProjectionRows.container(id: id, streamID: streamID, name: name, type: type))
    }

    func openHistory(_ row: OpenHistoryRow) throws {
        try insertHistory.run(ProjectionRows.openHistory(row))
    }

    func closeHistory(_ row: OpenHistoryRow, toPosition: Int64, validTo: Timestamp) throws {
        try closeHistoryRow.run([.int(toPosition), .int(validTo.unixMilliseconds), .int(row.containerID),
                                 .int(row.fromPosition)])
    }

    func recordTransition(position: Int64, streamID: Int64, at: Timestamp, _ transition: ResizeTransition) throws {
        try insertTransition.run(ProjectionRows.transition(position: position, streamID: streamID, at: at, transition))
    }

    func recordOOM(position: Int64, streamID: Int64, containerID: Int64, _ kill: OOMKill) throws {
        try insertOOM.run(ProjectionRows.oom(position: position, streamID: streamID, containerID: containerID, kill))
    }

    func recordEviction(keyHash: Int64, position: Int64) throws {
        try insertEviction.run([.int(keyHash), .int(position)])
    }
}

/// The column values of each projection table's rows, in the column order of the INSERTs above and
/// of the SELECTs `verify` compares with: one definition, so a written row and a recomputed row
/// can only differ when the data does.
enum ProjectionRows {
    static func usage(position: Int64, containerID: Int64, at: Timestamp, windowMilliseconds: Int64,
                      _ container: UsageSample.Container) -> [SQLiteValue] {
        let row = usageColumns(position: position, containerID: containerID, at: at,
                               windowMilliseconds: windowMilliseconds, container)
        return [.int(row.0), .int(row.1), .int(row.2), .int(row.3), .int(row.4), .int(row.5)]
    }

    /// The usage_samples columns as integers, for binding without an array (the sink's hot path).
    static func usageColumns(position: Int64, containerID: Int64, at: Timestamp, windowMilliseconds: Int64,
                             _ container: UsageSample.Container) -> (Int64, Int64, Int64, Int64, Int64, Int64) {
        (containerID, at.unixMilliseconds, position, windowMilliseconds, container.cpuMillicores, container.memoryBytes)
    }

    static func container(id: Int64, streamID: Int64, name: String, type: ContainerType) -> [SQLiteValue] {
        [.int(id), .int(streamID), .text(name), .int(ColumnCodes.containerType(type))]
    }

    /// resource_history columns without to_position and valid_to_ms (NULL while the row is open).
    static func openHistory(_ row: OpenHistoryRow) -> [SQLiteValue] {
        let v = row.values
        return [
            .int(row.containerID), .int(row.fromPosition), .int(row.validFrom.unixMilliseconds),
            .int(ColumnCodes.source(v.source)),
            .optional(v.actual.requests.cpuMillicores), .optional(v.actual.requests.memoryBytes),
            .optional(v.actual.limits.cpuMillicores), .optional(v.actual.limits.memoryBytes),
            .optional(v.desired.requests.cpuMillicores), .optional(v.desired.requests.memoryBytes),
            .optional(v.desired.limits.cpuMillicores), .optional(v.desired.limits.memoryBytes),
        ]
    }

    static func transition(position: Int64, streamID: Int64, at: Timestamp, _ transition: ResizeTransition) -> [SQLiteValue] {
        [
            .int(position), .int(streamID), .int(at.unixMilliseconds),
            .int(ColumnCodes.resizeState(transition.from)), .int(ColumnCodes.resizeState(transition.to)),
            .int(ColumnCodes.initiator(transition.initiator)), .int(transition.newResize ? 1 : 0),
            .text(transition.reason), .text(transition.message),
        ]
    }

    static func oom(position: Int64, streamID: Int64, containerID: Int64, _ kill: OOMKill) -> [SQLiteValue] {
        [
            .int(position), .int(streamID), .int(containerID), .int(kill.at.unixMilliseconds),
            .int(ColumnCodes.oomKind(kill.kind)), .optional(kill.memoryRequestBytes), .optional(kill.memoryLimitBytes),
            .int(ColumnCodes.source(kill.source)), .optional(kill.usageBytes),
            .optional(kill.restartCount.map(Int64.init)),
        ]
    }
}

/// The integers the projection tables store for model enums: the proto enum numbers of
/// proto/vpa/store/v1/events.proto, so a row and an event body always agree.
enum ColumnCodes {
    static func source(_ value: ResourceSource) -> Int64 { Int64(WireEnums.source(value)) }
    static func resizeState(_ value: ResizeState) -> Int64 { Int64(WireEnums.resizeState(value)) }
    static func initiator(_ value: ResizeInitiator) -> Int64 { Int64(WireEnums.initiator(value)) }
    static func oomKind(_ value: OOMKind) -> Int64 { Int64(WireEnums.oomKind(value)) }
    static func containerType(_ value: ContainerType) -> Int64 { Int64(WireEnums.containerType(value)) }

    /// The case stored as `code` in `table` (one of WireEnums' tables), or `fallback` for a code this
    /// binary does not know.
    static func decode<T>(_ code: Int64, _ table: [T], fallback: T) -> T {
        code >= 0 && code <= Int64(UInt32.max) ? WireEnums.value(UInt32(code), in: table) ?? fallback : fallback
    }
}
