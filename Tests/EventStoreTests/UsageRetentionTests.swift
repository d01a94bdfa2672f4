@testable import EventStore
import StoreAPI
import StoreWire
import Testing
import VPAModel

/// Usage samples expire by age; everything else in the log, its chains and its projections stays as
/// it was, and `verify` accounts for every removed position.
struct UsageRetentionTests {
    func hour(_ n: Int64) -> Timestamp { minute(n * 60) }

    func usage(_ pod: String, at: Timestamp, containers: [String] = ["app"]) -> Observation {
        .usage(UsageObservation(namespace: "shop", pod: pod, sample: UsageSample(
            at: at, windowMilliseconds: 60_000,
            containers: containers.map { .init(name: $0, cpuMillicores: 100, memoryBytes: 200 << 20) })))
    }

    func usagePositions(_ store: EventStore) throws -> [Int64] {
        try store.events(EventSelector(type: .usageSampled), limit: 100_000).map(\.position)
    }

    func expiries(_ store: EventStore) throws -> [UsageExpiry] {
        try store.events(EventSelector(type: .usageExpired), limit: 100_000).compactMap {
            if case .usageExpired(let expiry) = $0.body { return expiry }
            return nil
        }
    }

    @Test func samplesOlderThanTheRetentionBeforeTheNewestAreRemovedAndAccountedFor() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        #expect(store.usageRetention == .seconds(8 * 86_400))
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: hour(0))
        // Ten days of hourly samples, with a resize observed on day 5 so the pod's chain has links
        // on both sides of the removed samples.
        for n in Int64(0)..<240 {
            var batch = [usage("web-0", at: hour(n))]
            if n == 120 { batch.append(.pod(PodBuilder().with { $0.desired = PodBuilder.resources(cpu: 400, memoryMi: 300) }.pod)) }
            _ = try store.ingest(batch, observedAt: hour(n))
        }
        // Newest sample at hour 239; the cut is 8 days (192 h) before it.
        let remaining = try store.events(EventSelector(type: .usageSampled), limit: 1000)
        #expect(remaining.count == 193)
        #expect(remaining.first?.occurredAt == hour(47))
        let expired = try expiries(store)
        #expect(expired.last?.before == hour(47))
        #expect(expired.reduce(0) { $0 + $1.eventsRemoved } == 47)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM usage_samples") == 193)
        #expect(try store.connection.scalarInt("SELECT min(at_ms) FROM usage_samples") == hour(47).unixMilliseconds)

        // The pod's own events: the chain still links its two observations, and its usage is found too.
        let podEvents = try store.events(EventSelector(pod: PodKey(namespace: "shop", name: "web-0")), limit: 1000)
        #expect(podEvents.filter { $0.body.type == .podObserved }.count == 2)
        #expect(podEvents.filter { $0.body.type == .usageSampled }.map(\.position) == remaining.map(\.position))
        // The pod's usage samples form their own chain; its oldest link points at a removed sample.
        for (earlier, later) in zip(remaining, remaining.dropFirst()) { #expect(later.streamPrevious == earlier.position) }
        let oldestLink = try #require(remaining.first?.streamPrevious)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM events WHERE position = ?", .int(oldestLink)) == 0)

        let report = try store.verify()
        #expect(report.isClean, "\(report.problems)")
        // A second store (snapshot plus log), and a full replay, agree.
        try store.writeSnapshot()
        #expect(try EventStore(path: db.path, access: .readOnly).verify().isClean)
        _ = try store.replay()
        #expect(try store.verify().isClean)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM usage_samples") == 193)
    }

    @Test func expiryWaitsForTheSlackAndTheDataClockNotTheWallClock() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        store.usageRetention = .seconds(3600)
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        // One sample a minute: the cut (newest − 1 h) passes the oldest sample at minute 61, but a
        // sweep waits until the oldest is a slack (a minute here) behind the cut.
        for n in Int64(0)...61 { _ = try store.ingest([usage("web-0", at: minute(n))], observedAt: minute(n)) }
        #expect(try expiries(store).isEmpty)
        _ = try store.ingest([usage("web-0", at: minute(62))], observedAt: minute(62))
        #expect(try expiries(store) == [UsageExpiry(before: minute(2), eventsRemoved: 2)])
        _ = try store.ingest([usage("web-0", at: minute(63))], observedAt: minute(63))
        #expect(try expiries(store).count == 1)
        // Asked directly with no slack, it cuts to the millisecond.
        #expect(try store.expireUsage(retention: .seconds(3600), slack: .zero) == UsageExpiry(before: minute(3), eventsRemoved: 1))
        #expect(try store.verify().isClean)
    }

    @Test func aPodWhoseSamplesAllExpiredLooksLikeAPodThatNeverHadOne() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        store.usageRetention = .seconds(3600)
        let other = PodBuilder().with { $0.uid = "6f1c1f4e-0000-4000-8000-000000000002"; $0.name = "web-1" }
        _ = try store.ingest([.pod(PodBuilder().pod), .pod(other.pod)], observedAt: minute(0))
        _ = try store.ingest([usage("web-0", at: minute(1)), usage("web-1", at: minute(1))], observedAt: minute(1))
        try store.writeSnapshot()
        _ = try store.ingest([usage("web-1", at: minute(120))], observedAt: minute(120))
        #expect(try expiries(store).map(\.eventsRemoved) == [2])
        #expect(try store.verify().isClean)
        // web-0's last sample is gone, so a sample for its minute 1 is new again (and goes at the next sweep).
        #expect(try store.ingest([usage("web-0", at: minute(1))], observedAt: minute(121)).usageSamples == 1)
        #expect(try store.verify().isClean)
        try store.writeSnapshot()
        let reopened = try EventStore(path: db.path, access: .readOnly).verify()
        #expect(reopened.isClean, "\(reopened.problems)")
    }

    @Test func aSampleStampedInTheFutureDoesNotCutEveryonesHistory() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        store.usageRetention = .seconds(3600)
        let other = PodBuilder().with { $0.uid = "6f1c1f4e-0000-4000-8000-000000000002"; $0.name = "web-1" }
        _ = try store.ingest([.pod(PodBuilder().pod), .pod(other.pod)], observedAt: minute(0), recordedAt: minute(0))
        for n in Int64(1)...30 { _ = try store.ingest([usage("web-0", at: minute(n))], observedAt: minute(n), recordedAt: minute(n)) }
        // web-1's node clock is ten days ahead: the cut follows the store's clock, not that sample.
        _ = try store.ingest([usage("web-1", at: hour(240))], observedAt: minute(31), recordedAt: minute(31))
        #expect(try expiries(store).isEmpty)
        #expect(try usagePositions(store).count == 31)
        #expect(try store.verify().isClean)
    }

    @Test func onlyThePodsOwnContainersAreKept() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        let summary = try store.ingest([usage("web-0", at: minute(1), containers: ["app", "istio-proxy"]),
                                        usage("web-0", at: minute(2), containers: ["istio-proxy"])], observedAt: minute(2))
        #expect(summary.usageSamples == 1 && summary.usageWithoutPod == 1)
        let stored = try store.events(EventSelector(type: .usageSampled))
        guard case .usageSampled(let sample)? = stored.first?.body else {
            Issue.record("no usage sample stored")
            return
        }
        #expect(sample.containers.map(\.name) == ["app"])
        // No container was interned for the sidecar the pod does not have.
        #expect(try store.connection.scalarInt("SELECT count(*) FROM containers") == 1)
    }

    @Test func retentionOffKeepsEverySample() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        store.usageRetention = nil
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        for n in Int64(0)..<30 { _ = try store.ingest([usage("web-0", at: hour(n * 24))], observedAt: hour(n * 24)) }
        #expect(try usagePositions(store).count == 30)
        #expect(try expiries(store).isEmpty)
    }

    @Test func verifyReportsAMissingPositionNoMarkerExplains() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        _ = try store.ingest([.pod(PodBuilder().with { $0.desired = PodBuilder.resources(cpu: 400, memoryMi: 300) }.pod)],
                             observedAt: minute(1))
        _ = try store.ingest([usage("web-0", at: minute(2))], observedAt: minute(2))
        try store.connection.execute("DELETE FROM events WHERE position = 3")
        let problems = try EventStore(path: db.path, access: .readOnly).verify().problems
        #expect(problems.contains { $0.contains("UsageExpired markers account for 0") && $0.contains("gap") }, "\(problems)")
    }

    @Test func migrationsFiveAndSixRelinkTheUsageSamplesOfAnOlderLog() throws {
        let db = TemporaryDatabase()
        var podPositions: [Int64] = []
        do {
            let store = try EventStore(path: db.path)
            store.usageRetention = nil
            _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
            _ = try store.ingest([usage("web-0", at: minute(1))], observedAt: minute(1))
            _ = try store.ingest([usage("web-0", at: minute(2))], observedAt: minute(2))
            _ = try store.ingest([.pod(PodBuilder().with { $0.desired = PodBuilder.resources(cpu: 400, memoryMi: 300) }.pod)],
                                 observedAt: minute(3))
            try store.writeSnapshot()
            podPositions = try store.events(EventSelector(pod: PodKey(namespace: "shop", name: "web-0"))).map(\.position)
            // Rewrite it as version 4 wrote it: every event of a pod linked to the one before.
            try store.connection.execute("""
                UPDATE events SET stream_prev = (SELECT max(e.position) FROM events e
                  WHERE e.stream_id = events.stream_id AND e.position < events.position) WHERE stream_id > 1;
                DELETE FROM schema_migrations WHERE version = 5;
                """)
            #expect(try store.connection.scalarInt("SELECT count(*) FROM events WHERE type = 10 AND stream_prev IS NOT NULL") == 2)
            // Version 4 could also intern a container only a usage sample named (a sidecar missing
            // from the spec): a row a replay without it does not make.
            try store.connection.execute(
                "INSERT INTO containers (id, stream_id, name, type) SELECT 99, stream_id, 'old-sidecar', 0 FROM events WHERE position = 1")
            // Later migrations (0007 on) create only what is missing, so they run again harmlessly.
            try store.connection.execute("DELETE FROM schema_migrations WHERE version >= 6")
            #expect(try !store.verify().isClean)
        }
        // Migrations 5 and 6 run again: the pod's chain skips the usage samples, which chain among themselves.
        let store = try EventStore(path: db.path)
        let usage = try store.events(EventSelector(type: .usageSampled))
        #expect(usage.map(\.streamPrevious) == [nil, usage.first?.position])
        // The first writable open after the migration rebuilt the projection tables, once.
        #expect(try store.connection.scalarInt("SELECT count(*) FROM containers WHERE name = 'old-sidecar'") == 0)
        #expect(try store.connection.scalarInt("SELECT count(*) FROM store_meta WHERE key = 'replay_on_open'") == 0)
        let report = try store.verify()
        #expect(report.isClean, "\(report.problems)")
        #expect(podPositions.count == 5)
        #expect(try store.events(EventSelector(pod: PodKey(namespace: "shop", name: "web-0"))).map(\.position) == podPositions)
    }
}
