import Foundation
import KubernetesAPI
import KubernetesJSON
import Logging
import Simulator
import SimulatorAPI
import VPAModel

/// A simulated API server with no workloads of its own (tests put the pods), its kubeconfig in a
/// fresh folder, and a client of it; always stopped and removed.
func withSimulatedCluster(historyLimit: Int = 10_000, bookmarkInterval: Duration = .seconds(1),
                          _ body: (SimulatedAPIServer, KubernetesClient) async throws -> Void) async throws {
    let folder = NSTemporaryDirectory() + "vpa-store-api-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let scenario = Scenario(name: "empty", start: Timestamp(unixMilliseconds: 1_790_000_000_000),
                            nodes: [NodeSpec(name: "node-a", cpuMillicores: 64_000, memoryBytes: 256 << 30)], workloads: [])
    let server = try await SimulatedAPIServer.start(
        simulation: try ClusterSimulation(scenario: scenario),
        configuration: SimulatedAPIConfiguration(kubeconfigPath: folder + "/kubeconfig", historyLimit: historyLimit,
                                                 bookmarkInterval: bookmarkInterval),
        logger: quietLogger)
    let client = try KubernetesClient(connection: ClusterConnection.load(kubeconfig: server.kubeconfigPath, context: nil))
    do {
        try await body(server, client)
    } catch {
        await client.shutdown()
        await server.stop()
        throw error
    }
    await client.shutdown()
    await server.stop()
}

let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

/// `count` running pods `shop/pod-N` with one container each.
func samplePods(_ range: Range<Int>, memoryMebibytes: Int64 = 128, namespace: String = "shop") -> [PodObservation] {
    range.map { index in
        let resources = ResourceRequirements(requests: ResourceList(cpuMillicores: 100, memoryBytes: memoryMebibytes << 20))
        return PodObservation(uid: "uid-\(namespace)-\(index)", namespace: namespace, name: "pod-\(index)",
                              phase: "Running", nodeName: "node-a",
                              containers: [ContainerObservation(name: "app", desired: resources,
                                                                status: ContainerStatusObservation(resources: resources,
                                                                                                   state: .running(startedAt: nil)))])
    }
}

/// Collects a reflector's output for a test to look at.
actor ReflectorLog {
    private(set) var outputs: [ReflectorOutput] = []

    func append(_ output: ReflectorOutput) { outputs.append(output) }

    var lists: [(version: String, isRelist: Bool)] {
        outputs.compactMap { if case .listed(let version, let relist, _) = $0 { (version, relist) } else { nil } }
    }
    var listPages: [[APIItem]] {
        outputs.compactMap { if case .listPage(let items, _) = $0 { items } else { nil } }
    }
    var events: [(WatchEventType, APIItem)] {
        outputs.compactMap { if case .event(let type, let item) = $0 { (type, item) } else { nil } }
    }
    var incidents: [ReflectorIncident] {
        outputs.compactMap { if case .incident(let incident) = $0 { incident } else { nil } }
    }
    var bookmarks: Int {
        outputs.filter { if case .bookmark = $0 { true } else { false } }.count
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func waitFor(_ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    if try await condition() { return }
    throw WaitTimedOut(what: what)
}

struct WaitTimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}
