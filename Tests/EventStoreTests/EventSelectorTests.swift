@testable import EventStore
import Testing
import VPAModel

/// The one event filter: the log's SQL read (and a pod's chain walk) selects exactly the events
/// `EventSelector.matches` keeps, which is what the server's recent-events buffer uses.
struct EventSelectorTests {
    /// Pods `web-0` in two namespaces, `db-0` in one, a VPA, and their usage.
    private func storeWithMixedStreams(_ db: TemporaryDatabase) throws -> EventStore {
        let store = try EventStore(path: db.path)
        for (namespace, name) in [("shop", "web-0"), ("blog", "web-0"), ("shop", "db-0")] {
            var pod = PodBuilder()
            pod.uid = "uid-\(namespace)-\(name)"
            pod.namespace = namespace
            pod.name = name
            _ = try store.ingest([.pod(pod.pod)], observedAt: minute(0))
            _ = try store.ingest([.usage(UsageObservation(namespace: namespace, pod: name, sample: UsageSample(
                at: minute(1), windowMilliseconds: 30_000, containers: [.init(name: "app", cpuMillicores: 10, memoryBytes: 1 << 20)])))],
                observedAt: minute(1))
        }
        _ = try store.ingest([.vpa(VPAObservation(namespace: "shop", name: "web-0", targetKind: "Deployment", targetName: "web",
                                                  updateMode: .inPlaceOrRecreate, containerPolicies: []))], observedAt: minute(2))
        return store
    }

    @Test(arguments: [
        EventSelector(),
        EventSelector(pod: PodKey(namespace: "shop", name: "web-0")),
        EventSelector(pod: PodKey(namespace: "shop", name: "web-0"), type: .usageSampled),
        EventSelector(streamKind: .pod),
        EventSelector(streamKind: .vpa),
        EventSelector(namespace: "shop"),
        EventSelector(name: "web-0"),
        EventSelector(streamKind: .pod, name: "web-0"),
        EventSelector(streamKind: .vpa, namespace: "shop", name: "web-0"),
        EventSelector(namespace: "blog", type: .podObserved),
        EventSelector(since: minute(1), until: minute(1)),
        EventSelector(namespace: "nowhere"),
    ])
    func theLogReadSelectsWhatMatchesKeeps(selector: EventSelector) throws {
        let db = TemporaryDatabase()
        let store = try storeWithMixedStreams(db)
        let everything = try store.events(limit: 10_000)
        let kept = everything.filter { selector.matches(EventRecord(event: $0, stream: store.stream($0.streamID))) }
        #expect(try store.events(selector, limit: 10_000) == kept)
        // From a position and with a limit, the same events in the same order.
        let from = everything[everything.count / 2].position
        #expect(try store.events(selector, from: from, limit: 2) == Array(kept.filter { $0.position >= from }.prefix(2)))
    }

    @Test func theSelectorsAskedForKeepWhatTheirNamesSay() throws {
        let db = TemporaryDatabase()
        let store = try storeWithMixedStreams(db)
        let streams = { (selector: EventSelector) throws -> Set<String> in
            Set(try store.events(selector, limit: 10_000).compactMap { store.stream($0.streamID) }
                .map { "\($0.kind)/\($0.namespace)/\($0.name)" })
        }
        #expect(try streams(EventSelector(name: "web-0")) == ["pod/shop/web-0", "pod/blog/web-0", "vpa/shop/web-0"])
        #expect(try streams(EventSelector(streamKind: .pod, name: "web-0")) == ["pod/shop/web-0", "pod/blog/web-0"])
        #expect(try streams(EventSelector(namespace: "shop")) == ["pod/shop/web-0", "pod/shop/db-0", "vpa/shop/web-0"])
        #expect(try streams(EventSelector(streamKind: .vpa)) == ["vpa/shop/web-0"])
    }
}
