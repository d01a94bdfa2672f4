@testable import EventStore
import Testing
import VPAModel

struct EventStoreTests {
    @Test func unchangedReobservationAppendsNothing() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        let pod = PodBuilder().pod
        let first = try store.ingest([.pod(pod)], observedAt: minute(0))
        #expect(first.eventsAppended == 2)  // the observation, and `auto` turning on
        let again = try store.ingest([.pod(pod)], observedAt: minute(1))
        #expect(again.eventsAppended == 0)
        #expect(again.unchanged == 1)
        #expect(store.headPosition == 2)
    }

    @Test func autoModeTurnsOnAtFirstStatusResources() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        let specOnly = PodBuilder().with { $0.name = "old"; $0.uid = "u-old"; $0.status = nil }
        _ = try store.ingest([.pod(specOnly.pod)], observedAt: minute(0))
        #expect(store.inPlaceMode == (.auto, false))
        #expect(store.currentResources(pod: "old").first?.source == .spec)

        let withStatus = PodBuilder().with { $0.status = PodBuilder.resources(cpu: 300, memoryMi: 300) }
        let summary = try store.ingest([.pod(withStatus.pod)], observedAt: minute(1))
        #expect(summary.inPlaceModeChanges == 1)
        #expect(store.inPlaceMode == (.auto, true))
        let switched = try store.events(EventSelector(type: .inPlaceModeChanged))
        #expect(switched.count == 1)
        #expect(switched.first?.causedBy == switched.first.map { $0.position - 1 })
        #expect(store.currentResources(pod: "web-0").first?.source == .status)
        #expect(store.currentResources(pod: "web-0").first?.actual == PodBuilder.resources(cpu: 300, memoryMi: 300))
        // The pod seen before the switch is now read with status reads on: it has none, so spec_fallback.
        #expect(store.currentResources(pod: "old").first?.source == .specFallback)
    }

    @Test func disabledModeReadsSpec() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        let pod = PodBuilder().with { $0.status = PodBuilder.resources(cpu: 300, memoryMi: 300) }.pod
        _ = try store.ingest([.pod(pod)], observedAt: minute(0), inPlaceMode: .disabled)
        let view = try #require(store.currentResources().first)
        #expect(view.source == .spec)
        #expect(view.actual == pod.containers[0].desired)
    }

    @Test func resizeSinceSurvivesRestartAndResetsOnNewResize() throws {
        let db = TemporaryDatabase()
        let base = PodBuilder()
        let wanted = base.with { $0.desired = PodBuilder.resources(cpu: 500, memoryMi: 384); $0.conditions = PodBuilder.deferred }
        do {
            let store = try EventStore(path: db.path)
            _ = try store.ingest([.pod(base.pod)], observedAt: minute(0))
            _ = try store.ingest([.pod(wanted.pod)], observedAt: minute(1))
            let resize = try #require(store.resizes(now: minute(2)).first)
            #expect(resize.state == .pendingDeferred)
            #expect(resize.since == minute(1))
            #expect(resize.initiator == .manual)
            #expect(!resize.timedOut)
        }
        do {
            // A new process: the clock is read back from the database, and a resync does not reset it.
            let store = try EventStore(path: db.path)
            let summary = try store.ingest([.pod(wanted.pod)], observedAt: minute(5))
            #expect(summary.unchanged == 1)
            let resize = try #require(store.resizes(now: minute(7)).first)
            #expect(resize.since == minute(1))
            #expect(resize.elapsedSeconds == 360)
            #expect(resize.timedOut)
            let reader = try EventStore(path: db.path, access: .readOnly)
            #expect(reader.resizes(now: minute(7)).first?.since == minute(1))
        }
        do {
            let store = try EventStore(path: db.path)
            let newer = wanted.with { $0.desired = PodBuilder.resources(cpu: 400, memoryMi: 384) }
            _ = try store.ingest([.pod(newer.pod)], observedAt: minute(8))
            let resize = try #require(store.resizes(now: minute(9)).first)
            #expect(resize.state == .pendingDeferred)
            #expect(resize.since == minute(8))
        }
    }

    @Test func resizeRunsThroughItsStatesAndCompletes() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        let base = PodBuilder()
        let target = PodBuilder.resources(cpu: 500, memoryMi: 384)
        let steps = [
            base,
            base.with { $0.desired = target; $0.conditions = PodBuilder.deferred },
            base.with { $0.desired = target; $0.conditions = PodBuilder.inProgress },
            base.with { $0.desired = target; $0.status = target },
        ]
        for (index, step) in steps.enumerated() {
            _ = try store.ingest([.pod(step.pod)], observedAt: minute(Int64(index)))
        }
        let transitions = try store.events(EventSelector(type: .resizeTransition)).compactMap { event -> ResizeState? in
            if case .resizeTransition(let transition) = event.body { return transition.to }
            return nil
        }
        #expect(transitions == [.pendingDeferred, .inProgress, .completed])
        #expect(store.resizes(state: .completed, now: minute(5)).first?.since == minute(3))
        #expect(store.currentResources().first?.actual == target)
    }

    @Test func vpaInitiatedResizeIsRecordedAsVPA() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        let base = PodBuilder()
        _ = try store.ingest([.pod(base.pod)], observedAt: minute(0))
        let target = PodBuilder.resources(cpu: 500, memoryMi: 384)
        try store.recordResizeRequest(ResizeRequest(targets: [.init(container: "app", resources: target)]),
                                      podKey: base.uid, at: minute(1))
        _ = try store.ingest([.pod(base.with { $0.desired = target; $0.conditions = PodBuilder.inProgress }.pod)],
                             observedAt: minute(2))
        #expect(store.resizes(now: minute(3)).first?.initiator == .vpa)
    }

    @Test func timeTravelReturnsTheOlderValuesBetweenTwoChanges() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        let base = PodBuilder()
        let bigger = base.with {
            $0.desired = PodBuilder.resources(cpu: 500, memoryMi: 384)
            $0.status = PodBuilder.resources(cpu: 500, memoryMi: 384)
        }
        _ = try store.ingest([.pod(base.pod)], observedAt: minute(0))
        _ = try store.ingest([.pod(bigger.pod)], observedAt: minute(10))
        let between = try store.resources(at: .time(minute(5)))
        #expect(between.count == 1)
        #expect(between.first?.actual == base.status)
        let after = try store.resources(at: .time(minute(10)))
        #expect(after.first?.actual == bigger.status)
        #expect(try store.resources(at: .time(minute(-1))).isEmpty)
        let byPosition = try store.resources(at: .position(2))
        #expect(byPosition.first?.actual == base.status)
    }

    @Test func deletedPodLeavesTheCurrentViewButNotHistory() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        let pod = PodBuilder().pod
        _ = try store.ingest([.pod(pod)], observedAt: minute(0))
        _ = try store.ingest([.podDeleted(pod)], observedAt: minute(5))
        #expect(store.currentResources().isEmpty)
        #expect(try store.resources(at: .time(minute(3))).count == 1)
        #expect(try store.resources(at: .time(minute(6))).isEmpty)
    }

    @Test func olderObservationIsStaleAndNotAppended() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(5))
        let summary = try store.ingest([.pod(PodBuilder().with { $0.restartCount = 3 }.pod)], observedAt: minute(1))
        #expect(summary.stale == 1)
        #expect(summary.eventsAppended == 0)
    }

    @Test func replayThenVerifyReproducesIdenticalProjections() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        try ingestScenario(into: store)
        let before = store.currentResources()
        let beforeResizes = store.resizes(state: nil, now: minute(100))
        let summary = try store.replay()
        #expect(summary.eventsReplayed == store.headPosition)
        #expect(store.currentResources() == before)
        #expect(store.resizes(state: nil, now: minute(100)) == beforeResizes)
        let report = try EventStore(path: db.path, access: .readOnly).verify()
        #expect(report.problems == [])
        #expect(report.rowsCompared > 0)
    }

    @Test func verifyDetectsATamperedProjection() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        try ingestScenario(into: store)
        try store.connection.execute("UPDATE resource_history SET actual_request_cpu = 1 WHERE from_position = (SELECT min(from_position) FROM resource_history)")
        let report = try EventStore(path: db.path, access: .readOnly).verify()
        #expect(!report.isClean)
        #expect(report.problems.contains { $0.contains("resource_history") })
    }

    @Test func failedBatchLeavesLogAndProjectionAsTheyWere() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        let victim = PodBuilder()
        _ = try store.ingest([.pod(victim.pod)], observedAt: minute(0))
        let headBefore = store.headPosition
        let resourcesBefore = store.currentResources()
        // Make the last write of the next batch fail: recording its OOM kill.
        try store.connection.execute("""
            CREATE TRIGGER injected_failure BEFORE INSERT ON oom_kills BEGIN SELECT RAISE(ABORT, 'injected failure'); END
            """)
        let newcomer = PodBuilder().with { $0.uid = "u-new"; $0.name = "web-new" }
        let killed = victim.with {
            $0.restartCount = 1
            $0.lastState = .terminated(reason: "OOMKilled", exitCode: 137, startedAt: nil, finishedAt: minute(1))
        }
        #expect(throws: StoreError.self) {
            _ = try store.ingest([.pod(newcomer.pod), .pod(killed.pod)], observedAt: minute(2))
        }
        #expect(store.headPosition == headBefore)
        #expect(store.currentResources() == resourcesBefore)
        #expect(try store.events().count == Int(headBefore))
        // With the fault gone the same batch goes through whole.
        try store.connection.execute("DROP TRIGGER injected_failure")
        let summary = try store.ingest([.pod(newcomer.pod), .pod(killed.pod)], observedAt: minute(2))
        #expect(summary.oomKills == 1)
        #expect(summary.podsObserved == 2)
        #expect(try EventStore(path: db.path, access: .readOnly).verify().isClean)
    }

    @Test func newerSchemaIsRefused() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        try store.connection.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)")
        store.close()  // one writer per file: this one lets go before the next opens
        #expect {
            _ = try EventStore(path: db.path)
        } throws: { error in
            "\(error)".contains("schema version 999") && "\(error)".contains("newer vpa-store")
        }
    }

    @Test func readOnlyOpenOfMissingFileSaysHowToCreateIt() {
        #expect {
            _ = try EventStore(path: "/nonexistent/vpa-store.db", access: .readOnly)
        } throws: { error in
            "\(error)".contains("no vpa-store database at /nonexistent/vpa-store.db")
        }
    }

    /// Pods mid-resize, one OOM kill and one eviction, with snapshots in between.
    private func ingestScenario(into store: EventStore) throws {
        store.snapshotEvery = 3
        for index in 0..<5 {
            let pod = PodBuilder().with { $0.uid = "u\(index)"; $0.name = "web-\(index)" }
            _ = try store.ingest([.pod(pod.pod)], observedAt: minute(0))
            let target = PodBuilder.resources(cpu: 300 + Int64(index) * 100, memoryMi: 300)
            _ = try store.ingest([.pod(pod.with { $0.desired = target; $0.conditions = PodBuilder.deferred }.pod)],
                                 observedAt: minute(1))
            if index % 2 == 0 {
                _ = try store.ingest([.pod(pod.with { $0.desired = target; $0.status = target }.pod)], observedAt: minute(3))
            }
        }
        let victim = PodBuilder().with { $0.uid = "u1"; $0.name = "web-1"; $0.desired = PodBuilder.resources(cpu: 400, memoryMi: 300); $0.conditions = PodBuilder.deferred }
        _ = try store.ingest([.pod(victim.with {
            $0.restartCount = 1
            $0.lastState = .terminated(reason: "OOMKilled", exitCode: 137, startedAt: nil, finishedAt: minute(4))
        }.pod)], observedAt: minute(4))
        _ = try store.ingest([.eviction(EvictionObservation(
            eventKey: "ev1", podNamespace: "shop", podName: "web-2", podUID: "u2", at: minute(6),
            offenders: [.init(container: "app", usageBytes: 500 << 20)]))], observedAt: minute(6))
        _ = try store.ingest([.podDeleted(PodBuilder().with { $0.uid = "u4"; $0.name = "web-4" }.pod)], observedAt: minute(7))
        #expect(try store.oomKills().count == 2)
    }
}

/// What the soak fuzzer of issue 16 found: input Kubernetes never sends, which must still leave a log
/// whose projection equals a fresh replay.
struct OddIdentityTests {
    /// A UID seen again under another namespace: the pod answers to its new name only, before and
    /// after a snapshot reload, and `verify` is clean.
    @Test func aUIDSeenUnderAnotherNamespaceMovesThePod() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        let first = PodBuilder().with { $0.uid = "u-1"; $0.namespace = "shop"; $0.name = "web-new" }
        let moved = first.with { $0.namespace = "other" }
        _ = try store.ingest([.pod(first.pod)], observedAt: minute(0))
        _ = try store.ingest([.pod(moved.pod)], observedAt: minute(1))
        #expect(store.livePods(now: minute(2)).map(\.pod.namespace) == ["other"])
        let report = try store.verify()
        #expect(report.isClean, "\(report.problems)")
        try store.writeSnapshot()
        store.close()
        let reopened = try EventStore(path: db.path)
        #expect(reopened.livePods(now: minute(2)).map(\.pod.namespace) == ["other"])
        #expect(try reopened.verify().isClean)
    }
}
