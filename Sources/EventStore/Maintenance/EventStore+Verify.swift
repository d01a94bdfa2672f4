import StoreAPI
import LogCodec
import VPAModel

/// What `verify` found.
public struct VerifyReport: Hashable, Sendable {
    /// Events read and decoded.
    public var eventsChecked: Int64 = 0
    /// Rows compared across the projection tables.
    public var rowsCompared: Int = 0
    /// Pods compared in the in-memory projection.
    public var podsCompared: Int = 0
    /// Each problem found, as a sentence. Empty when the store is sound.
    public var problems: [String] = []

    /// True when nothing is wrong.
    public var isClean: Bool { problems.isEmpty }
}

/// Records the projection tables in memory, in the same row shapes the SQLite sink writes, so
/// `verify` can compare a fresh replay with the stored tables.
final class RecordingSink: ProjectionSink {
    var tables: [ProjectionTable: [[SQLiteValue]: [SQLiteValue]]] = [:]

    func internContainer(id: Int64, streamID: Int64, name: String, type: ContainerType) {
        put(.containers, ProjectionRows.container(id: id, streamID: streamID, name: name, type: type), keyColumns: 1)
    }

    func openHistory(_ row: OpenHistoryRow) {
        put(.resourceHistory, ProjectionRows.openHistory(row) + [.null, .null], keyColumns: 2)
    }

    func closeHistory(_ row: OpenHistoryRow, toPosition: Int64, validTo: Timestamp) {
        let key: [SQLiteValue] = [.int(row.containerID), .int(row.fromPosition)]
        guard var values = tables[.resourceHistory]?[key] else { return }
        values[values.count - 2] = .int(toPosition)
        values[values.count - 1] = .int(validTo.unixMilliseconds)
        tables[.resourceHistory, default: [:]][key] = values
    }

    func recordTransition(position: Int64, streamID: Int64, at: Timestamp, _ transition: ResizeTransition) {
        put(.resizeTransitions, ProjectionRows.transition(position: position, streamID: streamID, at: at, transition),
            keyColumns: 1)
    }

    func recordOOM(position: Int64, streamID: Int64, containerID: Int64, _ kill: OOMKill) {
        put(.oomKills, ProjectionRows.oom(position: position, streamID: streamID, containerID: containerID, kill),
            keyColumns: 1)
    }

    func recordEviction(keyHash: Int64, position: Int64) {
        // INSERT OR IGNORE in SQLite: the first position wins.
        let key: [SQLiteValue] = [.int(keyHash)]
        if tables[.seenEvictions]?[key] == nil { put(.seenEvictions, [.int(keyHash), .int(position)], keyColumns: 1) }
    }

    func recordUsage(position: Int64, containerID: Int64, at: Timestamp, windowMilliseconds: Int64,
                     _ container: UsageSample.Container) {
        put(.usageSamples, ProjectionRows.usage(position: position, containerID: containerID, at: at,
                                                windowMilliseconds: windowMilliseconds, container), keyColumns: 2)
    }

    func expireUsage(before: Timestamp) {
        // Rows are [container_id, at_ms, …]; keyed by the first two.
        tables[.usageSamples] = tables[.usageSamples]?.filter { key, _ in
            if case .int(let at) = key[1] { return at >= before.unixMilliseconds }
            return true
        }
    }

    func put(_ table: ProjectionTable, _ row: [SQLiteValue], keyColumns: Int) {
        tables[table, default: [:]][Array(row.prefix(keyColumns))] = row
    }
}

extension EventStore {
    /// Checks the log and the projections:
    /// - positions start at 1 (after the cut of a compacted log) and every missing one is accounted for by a later `UsageExpired`
    ///   marker (the usage retention's only way to remove events); every body decodes; every
    ///   `caused_by` points at an earlier event; every `stream_prev` points at the stream's previous
    ///   linked event, and usage samples are not linked;
    /// - a fresh replay of the whole log gives exactly the in-memory projection this store loaded
    ///   (snapshot plus the log after it) and exactly the rows of every projection table.
    /// Reads in one transaction, so it is safe next to a running writer.
    public func verify(progress: (Int64, Int64) -> Void = { _, _ in }) throws(StoreError) -> VerifyReport {
        var report = VerifyReport()
        try wrap {
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            try loadInTransaction()
            // A compacted log starts after its cut, from the projection kept at the cut (see
            // EventStore+Compaction.swift): each stream's chain continues from the base's head.
            let base = try compactionBase(streams: Array(projection.streams.values))
            let cut = base?.state.throughPosition ?? 0
            var expected: Int64 = cut + 1
            var missing: Int64 = 0, lastMissing: Int64 = 0
            var gaps: [ClosedRange<Int64>] = []
            var expired: Int64 = 0, lastExpiry: Int64 = 0
            var lastOfStream: [Int64: Int64] = base?.projection.otherHeads ?? [:]
            var lastUsageOfStream: [Int64: Int64] = base?.projection.lastUsage.mapValues(\.position) ?? [:]
            for pod in base.map({ Array($0.projection.pods.values) }) ?? [] where pod.head > 0 { lastOfStream[pod.streamID] = pod.head }
            var fresh = base?.projection ?? Projection()
            if base == nil { for stream in projection.streams.values { fresh.register(stream) } }
            let sink = RecordingSink()
            if let base { try seedRowsAtCut(sink, base: base) }
            let select = try connection.prepare("""
                SELECT position, type, stream_id, stream_prev, occurred_at, recorded_at, caused_by, body
                FROM events ORDER BY position
                """)
            try select.forEachRow { row in
                let position = row.int(0)
                let event: StoredEvent
                do {
                    event = try Self.event(from: row)
                } catch {
                    report.problems.append("\(error)")
                    expected = position + 1
                    return
                }
                report.eventsChecked += 1
                if position != expected {
                    missing += position - expected
                    lastMissing = position - 1
                    gaps.append(expected...(position - 1))
                }
                expected = position + 1
                if let problem = Self.timeProblem(of: event, body: row) {
                    report.problems.append("event \(position): \(problem)")
                }
                if let cause = event.causedBy, cause >= position || cause < 1 {
                    report.problems.append("event \(position) is caused by \(cause), which is not an earlier event")
                }
                if projection.streams[event.streamID] == nil {
                    report.problems.append("event \(position) belongs to stream \(event.streamID), which is not in streams")
                }
                if event.body.type == .usageSampled {
                    // The pod's previous usage sample; or, where retention removed it, a removed
                    // position newer than any usage sample of the pod still in the log.
                    let last = lastUsageOfStream[event.streamID]
                    if event.streamPrevious != last {
                        let removed = event.streamPrevious.map { previous in
                            previous > (last ?? 0) && (previous <= cut || Self.isMissing(previous, in: gaps))
                        } ?? false
                        if !removed {
                            report.problems.append(
                                "usage sample \(position) says the previous usage sample of its pod is \(event.streamPrevious.map(String.init) ?? "none"), but it is \(last.map(String.init) ?? "none")")
                        }
                    }
                    lastUsageOfStream[event.streamID] = position
                } else {
                    if event.streamPrevious != lastOfStream[event.streamID] {
                        report.problems.append(
                            "event \(position) says the previous event of its stream is \(event.streamPrevious.map(String.init) ?? "none"), but it is \(lastOfStream[event.streamID].map(String.init) ?? "none")")
                    }
                    lastOfStream[event.streamID] = position
                }
                if case .usageExpired(let expiry) = event.body {
                    expired += expiry.eventsRemoved
                    lastExpiry = position
                }
                try fresh.apply(event, sink: sink)
                if report.eventsChecked % 10_000 == 0 { progress(report.eventsChecked, projection.position) }
            }
            // Markers after a compaction cut may have removed samples at or below it.
            let removedAtOrBelowCut = base?.state.usageRemovalsAtOrBelowCut ?? 0
            if missing + removedAtOrBelowCut != expired {
                report.problems.append(
                    "\(missing) position(s) below the head have no event, but UsageExpired markers account for \(expired - removedAtOrBelowCut): the log has a gap")
            } else if lastMissing > lastExpiry {
                report.problems.append(
                    "position \(lastMissing) has no event but comes after the last UsageExpired marker (\(lastExpiry)): the log has a gap")
            }
            compare(fresh, with: projection, into: &report)
            for table in ProjectionTable.allCases {
                var stored: [[SQLiteValue]] = []
                try connection.prepare(table.selectAll).forEachRow { stored.append($0.values()) }
                let expectedRows = (sink.tables[table] ?? [:]).sorted { $0.key.lexicographicallyPrecedes($1.key, by: SQLiteValue.sortsBefore) }.map(\.value)
                report.rowsCompared += stored.count
                compare(table: table, stored: stored, expected: expectedRows, into: &report)
            }
        }
        return report
    }

    /// Whether `position` lies in one of `gaps` (ascending, disjoint): a binary search, since
    /// retention leaves up to one gap per removed sample.
    /// A time of the event (its columns or its body) that no real clock gives: a log written before
    /// requests were range-checked may hold one. Reads saturate on it; `verify` names it.
    private static func timeProblem(of event: StoredEvent, body row: SQLiteStatement) -> String? {
        for (name, time) in [("occurred_at", event.occurredAt), ("recorded_at", event.recordedAt)] where !time.isInValidRange {
            return "\(name) \(time.unixMilliseconds) ms is outside the years 0000 to 9999"
        }
        return row.withBlob(7) { EventCodec.timeProblem(type: event.body.type, bytes: $0) }
    }

    private static func isMissing(_ position: Int64, in gaps: [ClosedRange<Int64>]) -> Bool {
        var low = 0, high = gaps.count
        while low < high {
            let middle = (low + high) / 2
            if gaps[middle].upperBound < position { low = middle + 1 } else { high = middle }
        }
        return low < gaps.count && gaps[low].contains(position)
    }

    private func compare(_ fresh: Projection, with loaded: Projection, into report: inout VerifyReport) {
        report.podsCompared = fresh.pods.count
        if fresh.position != loaded.position {
            report.problems.append("the projection is at position \(loaded.position), a fresh replay at \(fresh.position)")
        }
        if fresh.inPlaceMode != loaded.inPlaceMode || fresh.inPlaceDetected != loaded.inPlaceDetected {
            report.problems.append("the in-place setting differs from a fresh replay")
        }
        let differing = Set(fresh.pods.keys).union(loaded.pods.keys).filter { fresh.pods[$0] != loaded.pods[$0] }.sorted()
        if !differing.isEmpty {
            let names = differing.prefix(5).map { id in projection.streams[id].map { "\($0.namespace)/\($0.name)" } ?? "stream \(id)" }
            report.problems.append(
                "\(differing.count) pod(s) in the snapshot-loaded projection differ from a fresh replay, e.g. \(names.joined(separator: ", "))")
        }
        if fresh.nextContainerID != loaded.nextContainerID || fresh.liveStreamByName != loaded.liveStreamByName
            || fresh.otherHeads != loaded.otherHeads || fresh.usageExpiredBefore != loaded.usageExpiredBefore
            || fresh.lastUsage != loaded.lastUsage {
            report.problems.append("the projection's indexes differ from a fresh replay")
        }
    }

    private func compare(table: ProjectionTable, stored: [[SQLiteValue]], expected: [[SQLiteValue]],
                         into report: inout VerifyReport) {
        guard stored != expected else { return }
        let firstDifference = zip(stored, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(stored.count, expected.count)
        report.problems.append(
            "table \(table.rawValue) has \(stored.count) rows, a fresh replay gives \(expected.count); first difference at row \(firstDifference + 1): run `vpa-store replay` to rebuild it")
    }
}
