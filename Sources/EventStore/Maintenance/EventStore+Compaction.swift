import Foundation
import StoreAPI
import LogCodec
import VPAModel

/// Where the log was compacted: every event at or below `throughPosition` is gone, and each of them
/// occurred before `before`.
public struct CompactionState: Hashable, Sendable, Codable {
    /// The last position removed.
    public var throughPosition: Int64
    /// Every removed event occurred before this time: history answers at or after it are exactly
    /// what they were before the compaction.
    public var before: Timestamp
    /// How many of the positions at or below the cut were removed by the `UsageExpired` markers
    /// still in the log (markers after the cut that removed samples before it), so `verify` can
    /// still account for every missing position after the cut.
    var usageRemovalsAtOrBelowCut: Int64

    /// The first position a read may start at.
    public var firstPosition: Int64 { throughPosition + 1 }

    /// The sentence a read below the cut gets (ReadEvents, Watch, `--at`).
    public func compactedMessage(_ what: String, firstPosition: Int64) -> String {
        "\(what) was compacted; the first position is \(firstPosition) (the history starts at \(before.rfc3339))"
    }
}

/// What `compact` did.
public struct CompactionSummary: Hashable, Sendable {
    /// The cut asked for: events that occurred before it are removed.
    public var before: Timestamp
    /// The last position removed; 0 when the log was never compacted and nothing was due.
    public var throughPosition: Int64 = 0
    public var eventsRemoved: Int64 = 0
    public var historyRowsRemoved: Int64 = 0
    public var transitionsRemoved: Int64 = 0
    public var oomKillsRemoved: Int64 = 0
    public var usageRowsRemoved: Int64 = 0
    public var idempotencyKeysRemoved: Int64 = 0
    /// Transactions committed (one per chunk).
    public var transactions = 0
    /// The first position still in the log afterwards.
    public var firstPosition: Int64 = 1

    /// Projection rows and idempotency keys removed with the events.
    public var rowsRemoved: Int64 {
        historyRowsRemoved + transitionsRemoved + oomKillsRemoved + usageRowsRemoved + idempotencyKeysRemoved
    }
}

/// The projection as a replay of the log up to the cut left it, kept in `compaction_base`.
struct CompactionBase {
    var state: CompactionState
    var projection: Projection
}

extension EventStore {
    /// `store_meta` keys: the cut (`CompactionState` as JSON) and the base's snapshot header.
    static let compactionKey = "compaction"
    static let compactionBaseKey = "compaction_base"
    /// Positions per transaction of a chunked compaction (`serve --compact-keep` and the default
    /// of `vpa-store compact`): each chunk is a complete compaction to an intermediate cut, so the
    /// writer waits for one chunk at a time and a compaction cut short is simply less far along.
    public static let defaultCompactionChunk: Int64 = 100_000

    /// Compacts the log: removes every event before the first one that occurred at or after
    /// `before`, with the projection rows only those events need, keeping exactly what answers
    /// reads at or after the cut.
    ///
    /// - The cut is a position: the last one before the first event stamped at or after `before`
    ///   (occurred-at, the data's clock, as `--at` reads it). Events are removed as a prefix of the
    ///   log, so every stream chain is cut at one place and `verify` starts each stream at the
    ///   head the base holds.
    /// - Kept: the in-memory projection at the cut (`compaction_base`), every `resource_history`
    ///   row still open at the cut and after, each pod's latest resize transition at the cut and
    ///   every later one, `containers`, `streams`, `seen_evictions` (so an old Evicted Event seen
    ///   again is still not recorded twice) and the current projection, which does not change.
    /// - Removed: the events, history rows closed at or before the cut, older resize transitions,
    ///   OOM kills and usage samples of removed events, and idempotency keys of writes at or before
    ///   the cut.
    ///
    /// Each chunk of at most `chunkPositions` positions is one transaction (nil: one transaction
    /// for the whole cut). A second compaction with the same cut removes nothing. Space freed goes
    /// on SQLite's free list and is reused by later writes: the file stops growing under steady load
    /// without VACUUM.
    @discardableResult
    public func compact(before: Timestamp, recordedAt: Timestamp = .now, chunkPositions: Int64? = defaultCompactionChunk,
                        maximumChunks: Int? = nil,
                        progress: (CompactionSummary) -> Void = { _ in }) throws(StoreError) -> CompactionSummary {
        guard access == .readWrite else { throw .invalidArgument("compaction needs the store open for writing") }
        if let chunkPositions, chunkPositions < 1 { throw .invalidArgument("the compaction chunk must be at least 1 position") }
        // Removal is for good: a mistyped year (2062 for 2026) must not empty the log.
        guard before <= recordedAt else {
            throw .invalidArgument("the cut \(before.rfc3339) is later than now (\(recordedAt.rfc3339)); compaction removes history for good, "
                                   + "so give a time in the past, or --keep DURATION")
        }
        var summary = CompactionSummary(before: before)
        summary.throughPosition = compaction?.throughPosition ?? 0
        let target = try wrap { try cutPosition(before: before) }
        var base: CompactionBase?
        while target > summary.throughPosition, maximumChunks.map({ summary.transactions < $0 }) ?? true {
            if base == nil { base = try wrap { try compactionBase(streams: Array(projection.streams.values)) } }
            // Compared before adding: a chunk as large as Int64.max (a flag) must not overflow.
            let next = chunkPositions.map { $0 >= target - summary.throughPosition ? target : summary.throughPosition + $0 } ?? target
            base = try compactChunk(base: base, through: next, before: before, recordedAt: recordedAt, summary: &summary)
            summary.throughPosition = next
            summary.transactions += 1
            progress(summary)
        }
        summary.firstPosition = try firstPosition()
        return summary
    }

    /// `compact(before:)` with the cut `keep` before the data's clock: the newest event's time, but
    /// never later than `now` (one event stamped in the future must not cut everyone's history).
    @discardableResult
    public func compact(keep: Duration, now: Timestamp = .now, chunkPositions: Int64? = defaultCompactionChunk,
                        maximumChunks: Int? = nil,
                        progress: (CompactionSummary) -> Void = { _ in }) throws(StoreError) -> CompactionSummary {
        guard keep > .zero else { throw .invalidArgument("the compaction keep must be longer than zero") }
        let before = try compactionCut(keep: keep, now: now)
        return try compact(before: before, recordedAt: now, chunkPositions: chunkPositions, maximumChunks: maximumChunks,
                           progress: progress)
    }

    /// The cut `keep` before the data's clock (see `compact(keep:)`).
    public func compactionCut(keep: Duration, now: Timestamp = .now) throws(StoreError) -> Timestamp {
        let newest = try wrap { () throws -> Int64? in
            var newest: Int64?
            try statement("SELECT occurred_at FROM events ORDER BY position DESC LIMIT 1").forEachRow { newest = $0.int(0) }
            return newest
        }
        let clock = min(newest ?? now.unixMilliseconds, now.unixMilliseconds)
        return Timestamp(unixMilliseconds: clock.subtractingReportingOverflow(keep.wholeMilliseconds).partialValue)
    }

    /// The server's periodic compaction, after a commit: one chunk, and only once the oldest event
    /// is `slack` (a tenth of `keep`, at most an hour) past the cut, so a steady load costs one
    /// compaction per slack, not one per batch. The check is two primary-key lookups.
    public func compactIfDue(keep: Duration, now: Timestamp) throws(StoreError) {
        let slack = min(keep / 10, .seconds(3600)).wholeMilliseconds
        let before = try compactionCut(keep: keep, now: now)
        let oldest = try wrap { () throws -> Int64? in
            var oldest: Int64?
            try statement("SELECT occurred_at FROM events ORDER BY position LIMIT 1").forEachRow { oldest = $0.int(0) }
            return oldest
        }
        guard let oldest, oldest < before.unixMilliseconds - slack else { return }
        try compact(before: before, recordedAt: now, maximumChunks: 1)
    }

    /// The last position before the first event that occurred at or after `before` (the head when
    /// none did). Reads the log from its first position and stops at that event.
    private func cutPosition(before: Timestamp) throws -> Int64 {
        var first: Int64?
        try statement("SELECT position FROM events WHERE occurred_at >= ? ORDER BY position LIMIT 1")
            .forEachRow([.int(before.unixMilliseconds)]) { first = $0.int(0) }
        return first.map { $0 - 1 } ?? projection.position
    }

    /// One transaction: moves the cut from the base's position to `through`.
    private func compactChunk(base: CompactionBase?, through: Int64, before: Timestamp, recordedAt: Timestamp,
                              summary: inout CompactionSummary) throws(StoreError) -> CompactionBase {
        var wroteSnapshot = false
        let result: CompactionBase
        do {
            result = try connection.transaction { () throws -> CompactionBase in
                let previous = base?.state.throughPosition ?? 0
                var moved = base?.projection ?? freshProjection()
                var present: Int64 = 0, expiredInChunk: Int64 = 0
                let select = try statement("""
                    SELECT position, type, stream_id, stream_prev, occurred_at, recorded_at, caused_by, body
                    FROM events WHERE position > ?1 AND position <= ?2 ORDER BY position
                    """)
                try select.forEachRow([.int(previous), .int(through)]) { row in
                    let event = try Self.event(from: row)
                    try moved.apply(event, sink: DiscardingSink())
                    present += 1
                    if case .usageExpired(let expiry) = event.body { expiredInChunk += expiry.eventsRemoved }
                }
                moved.position = through
                // Markers after the cut that removed samples at or below it: those the chunk's
                // missing positions add, less those its own markers (now gone) accounted for.
                let missingInChunk = (through - previous) - present
                let state = CompactionState(
                    throughPosition: through, before: max(before, base?.state.before ?? before),
                    usageRemovalsAtOrBelowCut: (base?.state.usageRemovalsAtOrBelowCut ?? 0) - expiredInChunk + missingInChunk)

                let cut: [SQLiteValue] = [.int(through)]
                func delete(_ sql: String, _ values: [SQLiteValue] = cut) throws -> Int64 {
                    try statement(sql).run(values)
                    return connection.changes
                }
                let events = try delete("DELETE FROM events WHERE position <= ?1")
                let history = try delete("DELETE FROM resource_history WHERE from_position <= ?1 AND to_position <= ?1")
                // Each pod's latest transition at the cut stays: `--at` reads the state in effect.
                let transitions = try delete("""
                    DELETE FROM resize_transitions WHERE position <= ?1 AND position NOT IN (
                      SELECT max(position) FROM resize_transitions WHERE position <= ?1 GROUP BY stream_id)
                    """)
                let kills = try delete("DELETE FROM oom_kills WHERE position <= ?1")
                // Every removed sample's window ended before the cut time: a range of the at_ms key.
                let usage = try delete("DELETE FROM usage_samples WHERE at_ms < ?2 AND position <= ?1",
                                       [.int(through), .int(before.unixMilliseconds)])
                let keys = try delete("DELETE FROM idempotency_keys WHERE position <= ?1")

                let upsert = try statement("INSERT OR REPLACE INTO compaction_base (stream_id, state) VALUES (?, ?)")
                // Only the pods the chunk changed (an event of another stream can change a pod: a
                // replacement retires the old UID, the in-place switch rewrites every history row).
                for (streamID, pod) in moved.pods.sorted(by: { $0.key < $1.key }) where base?.projection.pods[streamID] != pod {
                    try upsert.run([.int(streamID), .blob(SnapshotCoding.encodePod(pod))])
                }
                try upsert.run([.int(SnapshotCoding.usageMarksRow), .blob(PodStateCodec.encodeUsageMarks(moved.lastUsage))])
                try setMeta(Self.compactionBaseKey, try SnapshotCoding.encodeHeader(moved.header))
                try setMeta(Self.compactionKey, String(decoding: try JSONEncoder().encode(state), as: UTF8.self))
                try statement("""
                    INSERT OR REPLACE INTO compactions (through_position, before_ms, compacted_at, events_removed, rows_removed)
                    VALUES (?, ?, ?, ?, ?)
                    """).run([.int(through), .int(state.before.unixMilliseconds), .int(recordedAt.unixMilliseconds), .int(events),
                              .int(history + transitions + kills + usage + keys)])
                // A load starts from the snapshot and reads the log after it: the snapshot must not
                // need an event this removes.
                if snapshotPosition < through {
                    try writeSnapshotRows()
                    wroteSnapshot = true
                }
                summary.eventsRemoved += events
                summary.historyRowsRemoved += history
                summary.transitionsRemoved += transitions
                summary.oomKillsRemoved += kills
                summary.usageRowsRemoved += usage
                summary.idempotencyKeysRemoved += keys
                return CompactionBase(state: state, projection: moved)
            }
        } catch {
            throw StoreError.wrapping(error)
        }
        if wroteSnapshot { snapshotCommitted() }
        compaction = result.state
        return result
    }

    /// An empty projection that knows every stream.
    private func freshProjection() -> Projection {
        var fresh = Projection()
        for stream in projection.streams.values { fresh.register(stream) }
        return fresh
    }

    /// The cut, or nil when the log was never compacted.
    func readCompactionState() throws -> CompactionState? {
        guard let text = try meta(Self.compactionKey) else { return nil }
        return try JSONDecoder().decode(CompactionState.self, from: Data(text.utf8))
    }

    /// The projection at the cut, restored from `compaction_base`; nil when never compacted.
    func compactionBase(streams: [StreamInfo]) throws -> CompactionBase? {
        guard let state = try readCompactionState() else { return nil }
        guard let encoded = try meta(Self.compactionBaseKey) else {
            throw StoreError.invalidArgument(
                "\(path) was compacted through position \(state.throughPosition) but has no compaction base (store_meta compaction_base): the file is damaged; restore it from a backup")
        }
        var base = Projection()
        for stream in streams { base.register(stream) }
        base.restore(try SnapshotCoding.decodeHeader(encoded))
        try readPodRows(from: "compaction_base", into: &base)
        return CompactionBase(state: state, projection: base)
    }

    /// Fills `projection`'s pods and usage marks from the rows of `table` (`pod_snapshot`, or
    /// `compaction_base`): one row per pod, and the usage marks under `SnapshotCoding.usageMarksRow`.
    func readPodRows(from table: String, into projection: inout Projection) throws {
        try statement("SELECT stream_id, state FROM \(table)").forEachRow { row in
            if row.int(0) == SnapshotCoding.usageMarksRow {
                projection.lastUsage = try row.withBlob(1) { try PodStateCodec.decodeUsageMarks($0) }
                return
            }
            let pod = try row.withBlob(1) { try SnapshotCoding.decodePod($0) }
            projection.pods[pod.streamID] = pod
        }
        projection.rebuildNameIndex()
    }

    /// Puts into `sink` the projection rows that come from before the cut, as a replay of the
    /// removed events left them at the cut: the containers interned by then, the history rows the
    /// base holds open, each pod's latest transition and the evictions seen. `verify` then replays
    /// the log after the cut on top and compares; anything else stored from before the cut shows
    /// up as a difference.
    func seedRowsAtCut(_ sink: RecordingSink, base: CompactionBase) throws {
        let cut: [SQLiteValue] = [.int(base.state.throughPosition)]
        try connection.prepare("SELECT id, stream_id, name, type FROM containers WHERE id < ? ORDER BY id")
            .forEachRow([.int(base.projection.nextContainerID)]) { sink.put(.containers, $0.values(), keyColumns: 1) }
        for pod in base.projection.pods.values {
            for row in pod.openHistory.values { sink.openHistory(row) }
        }
        try connection.prepare("""
            SELECT position, stream_id, at_ms, from_state, to_state, initiator, new_resize, reason, message
            FROM resize_transitions WHERE position IN (
              SELECT max(position) FROM resize_transitions WHERE position <= ?1 GROUP BY stream_id)
            """).forEachRow(cut) { sink.put(.resizeTransitions, $0.values(), keyColumns: 1) }
        try connection.prepare("SELECT key_hash, position FROM seen_evictions WHERE position <= ?1")
            .forEachRow(cut) { sink.put(.seenEvictions, $0.values(), keyColumns: 1) }
    }

    /// Puts the projection tables back as they were at the cut, for `replay` to rebuild the rest:
    /// removes every row the log after the cut wrote and reopens history rows it closed.
    func resetTablesToCut(_ base: CompactionBase) throws {
        let cut: [SQLiteValue] = [.int(base.state.throughPosition)]
        try statement("DELETE FROM containers WHERE id >= ?").run([.int(base.projection.nextContainerID)])
        try statement("DELETE FROM resource_history WHERE from_position > ?1").run(cut)
        try statement("UPDATE resource_history SET to_position = NULL, valid_to_ms = NULL WHERE to_position > ?1").run(cut)
        for table in ["resize_transitions", "oom_kills", "seen_evictions", "usage_samples"] {
            try statement("DELETE FROM \(table) WHERE position > ?1").run(cut)
        }
    }

    /// Throws `.outOfRange` for a read at `position` when the log was compacted through it.
    public func checkNotCompacted(position: Int64, what: String) throws(StoreError) {
        guard let compaction, position <= compaction.throughPosition else { return }
        throw .outOfRange(compaction.compactedMessage("\(what) \(position)", firstPosition: try firstPosition()))
    }

    /// Throws `.outOfRange` for a history read at `time` before the compaction cut.
    func checkNotCompacted(time: Timestamp, what: String) throws(StoreError) {
        guard let compaction, time < compaction.before else { return }
        throw .outOfRange(compaction.compactedMessage("\(what) \(time.rfc3339)", firstPosition: try firstPosition()))
    }

    /// Rewrites the file without its free pages, so it shrinks (SQLite's VACUUM: it needs as much
    /// free disk as the file, and runs outside any transaction).
    public func vacuum() throws(StoreError) {
        guard access == .readWrite else { throw .invalidArgument("VACUUM needs the store open for writing") }
        try wrap { try connection.execute("VACUUM") }
    }

    /// The main database file's size and free pages, for reports of disk use.
    public func fileUsage() throws(StoreError) -> (pages: Int64, freePages: Int64, pageSize: Int64) {
        try wrap {
            (try connection.scalarInt("PRAGMA page_count") ?? 0, try connection.scalarInt("PRAGMA freelist_count") ?? 0,
             try connection.scalarInt("PRAGMA page_size") ?? 0)
        }
    }
}
