import ClusterFeed
import CoreMetrics
import Foundation
import KubernetesAPI
import Logging
import Simulator
import SimulatorAPI
import StoreRPC
import VPAModel
import VPAStoreClient

/// The feed's row: a simulated API server (HTTPS, in this process) holding `pods` pods, a fresh
/// `serve` child process, and the feed between them. Measures the initial LIST to fully ingested,
/// then the lag from a watch event's arrival to the store's acknowledgement under steady churn.
struct FeedBenchmark {
    struct Result {
        var pods: Int
        var initialSeconds: Double
        var eventsAppended: Int
        var churnPerSecond: Int
        var lag: Latencies
    }

    let executable: URL
    let pods: Int
    /// Pod spec changes per second during the churn phase, and for how long.
    let churnPerSecond: Int
    let churnDuration: Duration

    func run() async throws -> Result {
        let server = try ServerProcess(executable: executable, extraArguments: ["--usage-retention", "off"])
        defer {
            server.stop()
            server.removeFiles()
        }
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let scenario = Scenario(name: "bench-feed", start: .now, nodes: [NodeSpec(name: "node-a", cpuMillicores: 1 << 30,
                                                                                  memoryBytes: 1 << 50)], workloads: [])
        let api = try await SimulatedAPIServer.start(
            simulation: try ClusterSimulation(scenario: scenario),
            configuration: SimulatedAPIConfiguration(kubeconfigPath: server.directory.appendingPathComponent("kubeconfig").path,
                                                     historyLimit: max(100_000, pods * 2)),
            logger: quiet)
        await api.putPods((0..<pods).map { Self.pod($0, memoryMebibytes: 128) })
        let client = try KubernetesClient(connection: ClusterConnection.load(kubeconfig: api.kubeconfigPath, context: nil))
        let store = StoreClient(endpoint: server.endpoint, peerName: "vpa-store bench feed")
        var configuration = FeedConfiguration()
        configuration.pollMetrics = false
        let feed = ClusterFeed(api: client, store: store, configuration: configuration,
                               metrics: FeedMetrics(factory: NOOPMetricsHandler.instance), logger: quiet)
        let started = ContinuousClock.now
        let task = Task { await feed.run() }
        defer { task.cancel() }
        // Fully ingested: the store acknowledged an observation of every pod.
        while await feed.statistics.observationsSent < pods {
            try await Task.sleep(for: .milliseconds(20))
        }
        let initialSeconds = (ContinuousClock.now - started).seconds
        let afterList = await feed.statistics

        // Steady churn: `churnPerSecond` pods change their memory request each second, spread evenly.
        let interval = Duration.seconds(1) / churnPerSecond
        let clock = ContinuousClock()
        var next = clock.now
        let end = next + churnDuration
        var index = 0
        while next < end {
            await api.putPods([Self.pod(index % pods, memoryMebibytes: 129 + Int64(index / pods % 64))])
            index += 1
            next += interval
            try await clock.sleep(until: next)
        }
        try await Task.sleep(for: .milliseconds(500))
        let final = await feed.statistics
        task.cancel()
        await task.value
        await client.shutdown()
        await store.close()
        await api.stop()
        var lag = Latencies()
        for sample in final.lags.dropFirst(afterList.lags.count) { lag.record(sample) }
        return Result(pods: pods, initialSeconds: initialSeconds, eventsAppended: afterList.eventsAppended,
                      churnPerSecond: churnPerSecond, lag: lag)
    }

    static func pod(_ index: Int, memoryMebibytes: Int64) -> PodObservation {
        let resources = ResourceRequirements(requests: ResourceList(cpuMillicores: 100, memoryBytes: memoryMebibytes << 20))
        return PodObservation(uid: "bench-\(index)", namespace: "bench-\(index % 50)", name: "pod-\(index)", phase: "Running",
                              nodeName: "node-a",
                              containers: [ContainerObservation(name: "app", desired: resources,
                                                                status: ContainerStatusObservation(resources: resources,
                                                                                                   state: .running(startedAt: nil)))])
    }
}
