@testable import EventStore
import StoreAPI
import StoreWire
import Testing
import VPAModel

/// Compaction removes the log before a cut; everything a reader can ask at or after the cut is
/// answered exactly as before, and `verify` and `replay` start from the projection kept at the cut.
struct CompactionTests {
    static let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web")

    /// Round `r` happens at minute 10·r.
    static func time(_ round: Int) -> Timestamp { minute(Int64(round) * 10) }

    /// A log with every event type, round after round: four pods resizing in place (deferred, in
    /// progress, done), OOM kills, evictions, a pod replaced, a VPA changed, deleted and observed
    /// again, usage every round with a one-hour retention (so UsageExpired markers), the in-place
    /// mode switched on, and what the recommender and updater write.
    static func populate(_ store: EventStore, rounds: Range<Int>) throws {
        store.usageRetention = .seconds(3600)
        for round in rounds {
            let at = time(round)
            var batch: [Observation] = []
            for index in 0..<4 {
                // Pod 3 is replaced (a new UID under its name) at round 5.
                let uid = index == 3 && round >= 5 ? "u-3b" : "u-\(index)"
                let cpu = Int64(200 + 50 * ((round + index) / 3 % 4))
                let phase = (round + index) % 3
                let desired = PodBuilder.resources(cpu: cpu, memoryMi: 256)
                let enacted = PodBuilder.resources(cpu: phase == 0 && round > 0 ? cpu - 50 : cpu, memoryMi: 256)
                let kills = Int32((round + index) / 4)
                let pod = PodBuilder().with {
                    $0.uid = uid
                    $0.name = "web-\(index)"
                    $0.desired = desired
                    $0.status = enacted
                    $0.conditions = phase == 0 && round > 0 ? (index % 2 == 0 ? PodBuilder.deferred : PodBuilder.inProgress) : []
                    $0.restartCount = kills
                    $0.lastState = kills > 0 ? .terminated(reason: "OOMKilled", exitCode: 137, startedAt: nil,
                                                            finishedAt: at.advanced(byMilliseconds: -1000)) : nil
                }
                batch.append(.pod(pod.pod))
                batch.append(.usage(UsageObservation(namespace: "shop", pod: "web-\(index)", sample: UsageSample(
                    at: at, windowMilliseconds: 60_000,
                    containers: [.init(name: "app", cpuMillicores: 100 + Int64(round), memoryBytes: 200 << 20)]))))
            }
            if round == 0 || round == 2 || round == 7 {
                batch.append(.vpa(VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                                                 updateMode: round == 2 ? .initial : .inPlaceOrRecreate)))
            }
            if round == 6 { batch.append(.vpaDeleted(Self.vpa)) }
            if round % 4 == 1 {
                batch.append(.eviction(EvictionObservation(
                    eventKey: "evicted-\(round)", podNamespace: "shop", podName: "web-1", podUID: "u-1", at: at,
                    offenders: [.init(container: "app", usageBytes: 500 << 20)])))
            }
            if round == 9 { batch.append(.podDeleted(PodBuilder().with { $0.uid = "u-2"; $0.name = "web-2" }.pod)) }
            if round == 1 || round == 3 {
                batch.append(.limitRange(LimitRangeObservation(namespace: "shop", name: "limits", items: [
                    .init(type: .container, max: ResourceList(cpuMillicores: 1000 + Int64(round)))])))
            }
            if round == 3 { batch.append(.limitRange(LimitRangeObservation(namespace: "shop", name: "old", items: []))) }
            if round == 8 { batch.append(.limitRangeDeleted(LimitRangeObservation(namespace: "shop", name: "old", items: []))) }
            _ = try store.ingest(batch, observedAt: at, recordedAt: at, inPlaceMode: round == 4 ? .enabled : nil)
            if store.vpas().isEmpty == false {
                let recommendation = PublishedRecommendation(containers: [ContainerRecommendation(
                    container: "app", target: ResourceList(cpuMillicores: 300 + Int64(round), memoryBytes: 300 << 20),
                    lowerBound: ResourceList(cpuMillicores: 200, memoryBytes: 250 << 20), upperBound: ResourceList(cpuMillicores: 900, memoryBytes: 1 << 30),
                    uncappedTarget: ResourceList(cpuMillicores: 300 + Int64(round), memoryBytes: 300 << 20))])
                let checkpoint = RecommenderCheckpoint(consumedPosition: store.headPosition, containers: [])
                _ = try store.append([
                    AppendEvent(vpaKey: "shop/web", body: .recommendationPublished(recommendation)),
                    AppendEvent(vpaKey: "shop/web", body: .recommenderCheckpoint(checkpoint)),
                ], recordedAt: at)
            }
            if store.livePods(now: at).contains(where: { $0.pod.name == "web-0" }) {
                let decision = UpdaterDecisionRecord(action: .wait, reason: "round \(round)", vpa: "shop/web", updateMode: .inPlaceOrRecreate)
                _ = try store.append([AppendEvent(podKey: "shop/web-0", body: .updaterDecision(decision))], recordedAt: at)
                try store.recordResizeRequest(
                    ResizeRequest(targets: [.init(container: "app", resources: PodBuilder.resources(cpu: 500, memoryMi: 256))]),
                    podKey: "shop/web-0", at: at, recordedAt: at)
            }
        }
    }

    /// Everything a reader sees of the current state, and of the history at `times`.
    struct Answers: Equatable {
        var current: [ContainerResourcesView]
        var pods: [PodRecord]
        var vpas: [VPARecord]
        var resizes: [ResizeView]
        var history: [[ContainerResourcesView]]
        var podHistory: [[ContainerResourcesView]]
        var kills: [OOMView]
    }

    static func answers(_ store: EventStore, times: [Timestamp], positions: [Int64]) throws -> Answers {
        let now = time(1000)
        return Answers(
            current: store.currentResources(), pods: store.livePods(now: now), vpas: store.vpaRecords(),
            resizes: store.resizes(state: .completed, now: now) + store.resizes(now: now),
            history: try times.map { try store.resources(at: .time($0)) } + positions.map { try store.resources(at: .position($0)) },
            podHistory: try times.map { try store.resources(at: .time($0), namespace: "shop", pod: "web-0") },
            kills: try store.oomKills(since: times.first))
    }

    static func typesThrough(_ store: EventStore, _ position: Int64) throws -> Set<EventType> {
        Set(try store.events(EventSelector(), limit: 1_000_000).filter { $0.position <= position }.map(\.body.type))
    }

    @Test func everyEventTypeIsCompactedAndAnswersAtOrAfterTheCutAreUnchanged() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        try Self.populate(store, rounds: 0..<16)
        let cut = Self.time(10)
        // The cut position: the last event before the first one at or after the cut time.
        let through = try #require(try store.events(EventSelector(), limit: 1_000_000).first { $0.occurredAt >= cut }).position - 1
        #expect(try Self.typesThrough(store, through) == Set(EventType.allCases))
        let times = [cut, cut.advanced(byMilliseconds: 1), Self.time(12).advanced(byMilliseconds: 30_000), Self.time(15), Self.time(40)]
        let positions = [through + 1, through + 2, through + 17, store.headPosition]
        let before = try Self.answers(store, times: times, positions: positions)
        let podEventsAfterCut = try store.events(EventSelector(pod: PodKey(namespace: "shop", name: "web-0")), limit: 10_000).filter { $0.position > through }
        let eventsThroughCut = try #require(try store.connection.scalarInt("SELECT count(*) FROM events WHERE position <= ?", .int(through)))

        let summary = try store.compact(before: cut, recordedAt: Self.time(16))
        #expect(summary.throughPosition == through)
        #expect(summary.transactions == 1)
        #expect(summary.eventsRemoved == eventsThroughCut)
        #expect(summary.historyRowsRemoved > 0 && summary.transitionsRemoved > 0 && summary.oomKillsRemoved > 0
                && summary.idempotencyKeysRemoved == 0)
        #expect(try Self.typesThrough(store, through).isEmpty)
        #expect(try store.firstPosition() == summary.firstPosition)
        #expect(summary.firstPosition > through)
        #expect(store.compaction == CompactionState(throughPosition: through, before: cut,
                                                    usageRemovalsAtOrBelowCut: store.compaction?.usageRemovalsAtOrBelowCut ?? -1))
        #expect(try Self.answers(store, times: times, positions: positions) == before)
        #expect(try store.events(EventSelector(pod: PodKey(namespace: "shop", name: "web-0")), limit: 10_000) == podEventsAfterCut)
        // The LimitRange observed before the cut is still live: the compaction base keeps it.
        #expect(store.limitRanges().map(\.name) == ["limits"])

        // verify starts each chain at the cut; a reader (snapshot plus log) agrees; replay rebuilds
        // from the base to the same tables.
        let report = try store.verify()
        #expect(report.isClean, "\(report.problems)")
        let reader = try EventStore(path: db.path, access: .readOnly)
        #expect(try Self.answers(reader, times: times, positions: positions) == before)
        #expect(reader.compaction?.throughPosition == through)
        let tables = try Self.tables(store)
        _ = try store.replay()
        #expect(try Self.tables(store) == tables)
        #expect(try Self.answers(store, times: times, positions: positions) == before)
        #expect(try store.verify().isClean)

        // Below the cut: OUT_OF_RANGE naming the first position, not a shorter answer.
        let first = try store.firstPosition()
        #expect {
            _ = try store.resources(at: .position(1))
        } throws: { error in
            guard case .outOfRange(let message) = error as? StoreError else { return false }
            return message.hasPrefix("position 1 was compacted; the first position is \(first)")
        }
        #expect(throws: StoreError.self) { _ = try store.resources(at: .time(cut.advanced(byMilliseconds: -1))) }

        // The same cut again removes nothing; the log goes on and compacts again, still verified.
        let again = try store.compact(before: cut, recordedAt: Self.time(16))
        #expect(again.transactions == 0 && again.eventsRemoved == 0 && again.throughPosition == through)
        try Self.populate(store, rounds: 16..<24)
        #expect(try store.verify().isClean)
        let later = try store.compact(before: Self.time(20), recordedAt: Self.time(24))
        #expect(later.throughPosition > through && later.eventsRemoved > 0)
        let laterReport = try store.verify()
        #expect(laterReport.isClean, "\(laterReport.problems)")
        store.close()
        // A writer opening it again loads the snapshot the compaction wrote and verifies clean.
        let reopened = try EventStore(path: db.path)
        #expect(try reopened.verify().isClean)
        #expect(reopened.compaction?.throughPosition == later.throughPosition)
    }

    /// A compaction in chunks of a few positions ends exactly where one transaction does.
    @Test func chunksEndWhereOneTransactionDoes() throws {
        let whole = TemporaryDatabase(), chunked = TemporaryDatabase()
        let one = try EventStore(path: whole.path), many = try EventStore(path: chunked.path)
        try Self.populate(one, rounds: 0..<14)
        try Self.populate(many, rounds: 0..<14)
        let single = try one.compact(before: Self.time(11), recordedAt: Self.time(14), chunkPositions: nil)
        var steps: [Int64] = []
        let split = try many.compact(before: Self.time(11), recordedAt: Self.time(14), chunkPositions: 7) { steps.append($0.throughPosition) }
        #expect(single.transactions == 1)
        #expect(split.transactions > 5)
        #expect(steps == steps.sorted() && steps.last == single.throughPosition)
        #expect(split.eventsRemoved == single.eventsRemoved && split.rowsRemoved == single.rowsRemoved)
        #expect(try Self.tables(many) == Self.tables(one))
        #expect(try many.verify().isClean)
        #expect(one.compaction == many.compaction)
        // A chunk of Int64.max positions after an earlier cut is one transaction, not an overflow trap.
        let rest = try many.compact(before: Self.time(13), recordedAt: Self.time(14), chunkPositions: .max)
        #expect(rest.transactions == 1 && rest.throughPosition > single.throughPosition)
    }

    /// Under a steady load, compacting as it goes keeps the file's page count flat (freed pages are
    /// reused without VACUUM); without compaction it keeps growing.
    @Test func theFileStopsGrowingUnderSteadyLoad() throws {
        func run(compacting: Bool) throws -> [Int64] {
            let db = TemporaryDatabase()
            let store = try EventStore(path: db.path)
            store.usageRetention = nil
            var pages: [Int64] = []
            for round in 0..<480 {
                let at = minute(Int64(round))
                var batch: [Observation] = (0..<20).map { index in
                    .usage(UsageObservation(namespace: "shop", pod: "web-\(index)", sample: UsageSample(
                        at: at, windowMilliseconds: 60_000, containers: [.init(name: "app", cpuMillicores: 100 + Int64(round % 7), memoryBytes: 200 << 20)])))
                }
                // One pod changes its desired resources every round: history rows and transitions too.
                let index = round % 20
                batch.insert(.pod(PodBuilder().with {
                    $0.uid = "u-\(index)"; $0.name = "web-\(index)"
                    $0.desired = PodBuilder.resources(cpu: 200 + Int64(round % 5) * 10, memoryMi: 256)
                }.pod), at: 0)
                if round == 0 {
                    batch.insert(contentsOf: (0..<20).map { index in .pod(PodBuilder().with { $0.uid = "u-\(index)"; $0.name = "web-\(index)" }.pod) }, at: 0)
                }
                _ = try store.ingest(batch, observedAt: at, recordedAt: at)
                // As `serve --compact-keep 1h` does: a chunk once the oldest event is a slack (6 min) past the cut.
                if compacting { try store.compactIfDue(keep: .seconds(3600), now: at) }
                try store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                pages.append(try store.fileUsage().pages)
            }
            if compacting {
                let report = try store.verify()
                #expect(report.isClean, "\(report.problems)")
                #expect(try store.fileUsage().freePages < 64)
            }
            return pages
        }
        let compacted = try run(compacting: true)
        let kept = try run(compacting: false)
        // One hour of history is kept: from the fourth hour on the file does not grow (a page or
        // two for the compactions' audit rows), while without compaction it grows by half.
        #expect(compacted[240...].max()! <= compacted[240] + 2, "pages: \(compacted[240]) at 4h, \(compacted[240...].max()!) after")
        #expect(kept.last! > kept[240] * 3 / 2, "without compaction: \(kept[240]) at 4h, \(kept.last!) at 8h")
        #expect(compacted.last! * 3 < kept.last!)
    }

    /// A migration may drop the snapshot (0005 and 0006 did): the next load cannot replay from
    /// position 1 any more, and starts from the projection kept at the cut instead.
    @Test func aSnapshotOlderThanTheCutLoadsFromTheBase() throws {
        let db = TemporaryDatabase()
        let times = [Self.time(9), Self.time(13)]
        let expected: Answers
        do {
            let store = try EventStore(path: db.path)
            try Self.populate(store, rounds: 0..<14)
            try store.compact(before: Self.time(9), recordedAt: Self.time(14))
            expected = try Self.answers(store, times: times, positions: [])
            try store.connection.execute("DELETE FROM pod_snapshot; DELETE FROM store_meta WHERE key = 'projection';")
        }
        let reader = try EventStore(path: db.path, access: .readOnly)
        #expect(try Self.answers(reader, times: times, positions: []) == expected)
        let writer = try EventStore(path: db.path)
        #expect(try Self.answers(writer, times: times, positions: []) == expected)
        let report = try writer.verify()
        #expect(report.isClean, "\(report.problems)")
        // Its next snapshot holds every pod again, not only those changed since the cut.
        try writer.writeSnapshot()
        writer.close()
        #expect(try Self.answers(EventStore(path: db.path, access: .readOnly), times: times, positions: []) == expected)
    }

    @Test func compactionNeedsAWriterAndAPositiveKeep() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        try Self.populate(store, rounds: 0..<2)
        #expect(throws: StoreError.self) { try store.compact(keep: .zero) }
        #expect(throws: StoreError.self) { try store.compact(before: Self.time(1), chunkPositions: 0) }
        let reader = try EventStore(path: db.path, access: .readOnly)
        #expect(throws: StoreError.self) { try reader.compact(before: Self.time(1)) }
        // Nothing before the first event: nothing to do, and the log is untouched.
        let nothing = try store.compact(before: Self.time(0))
        #expect(nothing.transactions == 0 && nothing.throughPosition == 0 && store.compaction == nil)
        #expect(try store.firstPosition() == 1)
    }

    /// Every projection table and the base, row by row.
    static func tables(_ store: EventStore) throws -> [String: [[SQLiteValue]]] {
        var tables: [String: [[SQLiteValue]]] = [:]
        for table in ProjectionTable.allCases {
            try store.connection.prepare(table.selectAll).forEachRow { tables[table.rawValue, default: []].append($0.values()) }
        }
        try store.connection.prepare("SELECT stream_id, state FROM compaction_base ORDER BY stream_id")
            .forEachRow { tables["compaction_base", default: []].append($0.values()) }
        return tables
    }
}
