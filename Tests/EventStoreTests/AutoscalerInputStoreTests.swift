@testable import EventStore
import StoreAPI
import StoreWire
import Testing
import VPAModel

/// VerticalPodAutoscaler objects and usage samples in the log and the projections.
struct AutoscalerInputStoreTests {
    let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web",
                             updateMode: .inPlaceOrRecreate,
                             containerPolicies: [ContainerResourcePolicy(containerName: "*", maxAllowed: ResourceList(cpuMillicores: 2000))])

    func usage(_ pod: String, at: Timestamp, cpu: Int64) -> UsageObservation {
        UsageObservation(namespace: "shop", pod: pod, sample: UsageSample(
            at: at, windowMilliseconds: 30_000, containers: [.init(name: "app", cpuMillicores: cpu, memoryBytes: 200 << 20)]))
    }

    @Test func aVPAIsAppendedOnceUntilItChangesAndIsGoneWhenDeleted() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        let first = try store.ingest([.vpa(vpa)], observedAt: minute(0))
        #expect(first.vpasObserved == 1 && first.eventsAppended == 1)
        #expect(try store.ingest([.vpa(vpa)], observedAt: minute(1)).unchanged == 1)
        var changed = vpa
        changed.updateMode = .inPlace
        #expect(try store.ingest([.vpa(changed)], observedAt: minute(2)).eventsAppended == 1)
        #expect(store.vpas() == [changed])
        // A new store instance (snapshot + log) sees the same VPAs.
        try store.writeSnapshot()
        #expect(try EventStore(path: db.path, access: .readOnly).vpas() == [changed])
        #expect(try store.ingest([.vpaDeleted(changed)], observedAt: minute(3)).eventsAppended == 1)
        #expect(store.vpas().isEmpty)
        #expect(try store.ingest([.vpaDeleted(changed)], observedAt: minute(4)).unchanged == 1)
        let events = try store.events()
        #expect(events.map(\.body.type) == [.vpaObserved, .vpaObserved, .vpaDeleted])
        #expect(store.stream(events[0].streamID)?.kind == .vpa)
        #expect(try store.verify().isClean)
    }

    @Test func usageGoesOnItsPodsStreamOncePerWindow() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.pod(PodBuilder().pod)], observedAt: minute(0))
        let summary = try store.ingest([.usage(usage("web-0", at: minute(1), cpu: 120)), .usage(usage("ghost", at: minute(1), cpu: 5))],
                                       observedAt: minute(1))
        #expect(summary.usageSamples == 1)
        #expect(summary.usageWithoutPod == 1)
        // The same window read again, and an older one, append nothing.
        let again = try store.ingest([.usage(usage("web-0", at: minute(1), cpu: 120)), .usage(usage("web-0", at: minute(0), cpu: 1))],
                                     observedAt: minute(2))
        #expect(again.usageSamples == 0 && again.unchanged == 2)
        _ = try store.ingest([.usage(usage("web-0", at: minute(2), cpu: 140))], observedAt: minute(2))
        let samples = try store.events(EventSelector(pod: PodKey(namespace: "shop", name: "web-0"), type: .usageSampled))
        #expect(samples.map(\.occurredAt) == [minute(1), minute(2)])
        // The usage_samples projection equals a fresh replay, and replay rebuilds it.
        #expect(try store.verify().isClean)
        _ = try store.replay()
        #expect(try store.verify().isClean)
    }
}

/// What the recommender and updater write back.
struct AutoscalerOutputStoreTests {
    let vpa = VPAObservation(namespace: "shop", name: "web", targetKind: "Deployment", targetName: "web")
    let recommendation = PublishedRecommendation(containers: [ContainerRecommendation(
        container: "app", target: ResourceList(cpuMillicores: 300, memoryBytes: 300 << 20),
        lowerBound: ResourceList(cpuMillicores: 200, memoryBytes: 250 << 20),
        upperBound: ResourceList(cpuMillicores: 900, memoryBytes: 1 << 30),
        uncappedTarget: ResourceList(cpuMillicores: 300, memoryBytes: 300 << 20))])

    @Test func recommendationsGoOnTheVPAStreamAndDecisionsOnThePodStream() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.vpa(vpa), .pod(PodBuilder().pod)], observedAt: minute(0))
        let decision = UpdaterDecisionRecord(action: .wait, reason: "resize Deferred for 2m0s ≤ 5m: waiting", vpa: "shop/web",
                                             updateMode: .inPlaceOrRecreate)
        let result = try store.append([
            AppendEvent(vpaKey: "shop/web", body: .recommendationPublished(recommendation)),
            AppendEvent(podKey: "shop/web-0", body: .updaterDecision(decision)),
        ], recordedAt: minute(1))
        #expect(result.lastPosition == result.firstPosition + 1)
        #expect(store.recommendation(forVPA: "shop", "web") == recommendation)
        let events = try store.events(EventSelector(), from: result.firstPosition)
        #expect(store.stream(events[0].streamID)?.kind == .vpa)
        #expect(events[1].body == .updaterDecision(decision))
        #expect(try store.events(EventSelector(pod: PodKey(namespace: "shop", name: "web-0"), type: .updaterDecision)).count == 1)
        try store.writeSnapshot()
        #expect(try EventStore(path: db.path, access: .readOnly).recommendation(forVPA: "shop", "web") == recommendation)
        #expect(try store.verify().isClean)
        #expect(throws: StoreError.self) {
            try store.append([AppendEvent(vpaKey: "shop/nope", body: .recommendationPublished(recommendation))])
        }
    }

    @Test func aCheckpointIsKeptPerVPAAndSurvivesASnapshot() throws {
        let db = TemporaryDatabase()
        let store = try EventStore(path: db.path)
        _ = try store.ingest([.vpa(vpa)], observedAt: minute(0))
        let histogram = HistogramCheckpoint(referenceTimestamp: minute(0), bucketWeights: [3: 10_000, 7: 12], totalWeight: 4.5)
        let checkpoint = RecommenderCheckpoint(consumedPosition: 1, containers: [.init(name: "app", checkpoint: ContainerCheckpoint(
            cpuHistogram: histogram, memoryHistogram: HistogramCheckpoint(), firstSampleStart: minute(0),
            lastSampleStart: minute(5), totalSamplesCount: 6))])
        _ = try store.append([AppendEvent(vpaKey: "shop/web", body: .recommenderCheckpoint(checkpoint))])
        #expect(store.vpaRecords().first?.checkpoint == checkpoint)
        #expect(try store.events(EventSelector(type: .recommenderCheckpoint)).first?.body == .recommenderCheckpoint(checkpoint))
        try store.writeSnapshot()
        #expect(try EventStore(path: db.path, access: .readOnly).vpaRecords().first?.checkpoint == checkpoint)
        #expect(try store.verify().isClean)
    }
}
