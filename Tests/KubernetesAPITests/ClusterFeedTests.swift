import ClusterFeed
import CoreMetrics
import Foundation
import KubernetesAPI
import Prometheus
import SimulatedClusterSupport
import SimulatorAPI
import StoreAPI
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreTestSupport

/// The feed between the simulated API server (HTTPS) and a real store server (TCP, SQLite).
@Suite struct ClusterFeedTests {
    static func configuration() -> FeedConfiguration {
        var configuration = FeedConfiguration()
        configuration.pollMetrics = false
        configuration.reflector.watchTimeoutSeconds = 30...30
        configuration.reflector.backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(400))
        configuration.storeBackoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(400))
        return configuration
    }

    /// Runs a feed while `body` runs, then stops it.
    func feeding(_ api: KubernetesClient, _ store: StoreClient, configuration: FeedConfiguration = configuration(),
                 registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                 _ body: (ClusterFeed) async throws -> Void) async throws {
        let feed = ClusterFeed(api: api, store: store, configuration: configuration,
                               metrics: FeedMetrics(factory: PrometheusMetricsFactory(registry: registry)), logger: quietLogger)
        try await whileRunning({ await feed.run() }) { try await body(feed) }
    }

    /// Waits until the feed has listed pods `lists` times and sent everything it had.
    func settled(_ feed: ClusterFeed, lists: Int) async throws {
        try await waitFor("\(lists) pod lists, sent", timeout: .seconds(120)) {
            let statistics = await feed.statistics
            let pending = await feed.pendingObservations
            return statistics.lists["pods", default: 0] >= lists && statistics.lists["verticalpodautoscalers.autoscaling.k8s.io", default: 0] >= 1
                && pending == 0
        }
        // A batch may still be in flight: the next acknowledgement (or none for a while) ends it.
        try await Task.sleep(for: .milliseconds(300))
    }

    @Test func aRelistOfTenThousandUnchangedPodsAppendsNothing() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { api, client in
            await api.putPods(samplePods(0..<10_000))
            try await withServer { _, store in
                try await feeding(client, store) { feed in
                    try await settled(feed, lists: 1)
                    try await waitFor("10,000 live pods in the store", timeout: .seconds(60)) {
                        try await store.allPods().count == 10_000
                    }
                }
                let head = try await store.serverInfo().headPosition
                #expect(head >= 10_000)
                // A restarted feed lists everything again.
                try await feeding(client, store) { feed in
                    try await settled(feed, lists: 1)
                    let statistics = await feed.statistics
                    #expect(statistics.observationsSent >= 10_000)
                    #expect(statistics.eventsAppended == 0)
                }
                #expect(try await store.serverInfo().headPosition == head, "the relist appended events")
            }
        }
    }

    /// `/readyz` of the feed: not ready before every resource was listed once, ready after.
    @Test func theFeedIsReadyOnceEveryResourceWasListed() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { api, client in
            await api.putPods(samplePods(0..<50))
            try await withServer { _, store in
                let idle = ClusterFeed(api: client, store: store, configuration: Self.configuration(),
                                       metrics: FeedMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
                                       logger: quietLogger)
                #expect(await idle.notReadyReason == "not listed yet: pods, verticalpodautoscalers.autoscaling.k8s.io, limitranges, events")
                try await feeding(client, store) { feed in
                    try await settled(feed, lists: 1)
                    #expect(await feed.notReadyReason == nil)
                }
            }
        }
    }

    @Test func aRelistEndsThePodsThatVanishedWhileTheFeedWasAway() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { api, client in
            await api.putPods(samplePods(0..<3_000))
            try await withServer { _, store in
                try await feeding(client, store) { feed in
                    try await waitFor("3,000 live pods", timeout: .seconds(60)) { try await store.allPods().count == 3_000 }
                }
                for index in 0..<1_000 { await api.deletePod(namespace: "shop", name: "pod-\(index * 3)") }
                try await feeding(client, store) { feed in
                    try await settled(feed, lists: 1)
                    try await waitFor("2,000 live pods", timeout: .seconds(60)) { try await store.allPods().count == 2_000 }
                }
                let live = Set(try await store.allPods().map(\.pod.name))
                #expect(!live.contains("pod-0") && !live.contains("pod-2997") && live.contains("pod-1"))
            }
        }
    }

    @Test func aPodDeletedDuringAnExpiredWatchIsRecordedAsDeletedAfterTheRelist() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { api, client in
            await api.putPods(samplePods(0..<20))
            try await withServer { _, store in
                try await feeding(client, store) { feed in
                    try await waitFor("20 live pods") { try await store.allPods().count == 20 }
                    try await waitFor("a watch") { await api.openWatchCount >= 2 }
                    // As in the reflector's test: the watches break, cannot return at once, and the
                    // deletion happens in the gap, its history compacted away.
                    await api.inject(.failRequests(count: 6, status: 503))
                    await api.inject(.closeWatches)
                    await api.deletePod(namespace: "shop", name: "pod-4")
                    await api.inject(.dropHistory)
                    try await waitFor("19 live pods") { try await store.allPods().count == 19 }
                    #expect(await feed.statistics.lists["pods", default: 0] >= 2)
                }
            }
        }
    }

    @Test func watchEventsReachTheStoreWithTheirArrivalTime() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { api, client in
            await api.putPods(samplePods(0..<3))
            try await withServer { _, store in
                let registry = PrometheusCollectorRegistry()
                try await feeding(client, store, registry: registry) { feed in
                    try await settled(feed, lists: 1)
                    let before = Timestamp.now
                    await api.putPods(samplePods(1..<2, memoryMebibytes: 512))
                    try await waitFor("the resize of pod-1's spec") {
                        let pod = try await store.allPods().first { $0.pod.name == "pod-1" }
                        return pod?.pod.containers.first?.desired.requests.memoryBytes == 512 << 20
                    }
                    let page = try await store.readEvents(ReadEventsRequest(fromPosition: 1, limit: 1000))
                    let last = try #require(page.events.last)
                    #expect(last.event.occurredAt >= before && last.event.occurredAt <= Timestamp.now)
                    let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
                    #expect(text.contains(#"vpa_store_feed_events_received_total{resource="pods",type="MODIFIED"} 1"#), "\(text)")
                    #expect(text.contains("vpa_store_feed_ingest_lag_seconds"))
                }
            }
        }
    }

    /// An object the decoders refuse (here an Evicted event whose annotation is a number, not a
    /// string) is counted and skipped; the feed goes on with everything else.
    @Test func anObjectTheDecodersRefuseIsSkippedAndCounted() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { api, client in
            await api.putPods(samplePods(0..<2))
            let bad = #"{"metadata":{"name":"odd.1","namespace":"shop","annotations":{"offending_containers":5}},"reason":"Evicted","#
                + #""involvedObject":{"kind":"Pod","name":"pod-0","namespace":"shop"},"type":"Warning"}"#
            try await api.putObject(.events, json: bad)
            try await withServer { _, store in
                let registry = PrometheusCollectorRegistry()
                try await feeding(client, store, registry: registry) { feed in
                    try await settled(feed, lists: 1)
                    await api.putPods(samplePods(2..<3))
                    try await waitFor("the pod added after the bad event") { try await store.allPods().count == 3 }
                    let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
                    #expect(text.contains(#"vpa_store_feed_objects_skipped_total{resource="events"} 1"#), "\(text)")
                }
            }
        }
    }

    /// The store away long enough for the buffer to fill: the feed drops it, and once the store
    /// answers again it relists everything; the store ends holding every change.
    @Test func aFullBufferIsDroppedAndEverythingRelistedWhenTheStoreIsBack() async throws {
        try await withSimulatedAPI(scenario: emptyScenario()) { api, client in
            await api.putPods(samplePods(0..<10))
            let first = try await TestServer.start()
            let port = first.port
            let directory = first.directory
            let store = StoreClient(endpoint: first.endpoint, peerName: "feed test", defaultTimeout: .seconds(2))
            var configuration = Self.configuration()
            configuration.bufferLimit = 40
            configuration.batchObservations = 10
            configuration.storeBackoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(200))
            configuration.storeStallLimit = .seconds(1)
            var restarted: TestServer?
            try await feeding(client, store, configuration: configuration) { feed in
                try await settled(feed, lists: 1)
                try await first.stop()
                // 60 changes while the store is away: more than the buffer holds.
                for round in 0..<6 { await api.putPods(samplePods(0..<10, memoryMebibytes: 200 + Int64(round))) }
                try await waitFor("the overflow") { await feed.statistics.overflows >= 1 }
                restarted = try await TestServer.start(directory: directory, port: port)
                try await waitFor("the relist after the store came back", timeout: .seconds(60)) {
                    await feed.statistics.lists["pods", default: 0] >= 2
                }
                // (Before batch numbers were counted over the feed's life, the first batch after the
                // restart reused the first batch's idempotency key, and the store answered it again.)
                try await waitFor("every pod at its last memory request", timeout: .seconds(60)) {
                    let pods = try await store.allPods()
                    return pods.count == 10 && pods.allSatisfy { $0.pod.containers.first?.desired.requests.memoryBytes == 205 << 20 }
                }
            }
            await store.close()
            try await restarted?.stop()
            restarted?.removeFiles()
        }
    }
}
