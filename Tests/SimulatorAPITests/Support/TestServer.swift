import Foundation
import Logging
import Simulator
import SimulatorAPI
import VPAModel

/// A directory of its own for one test, removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("simulator-api-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Logs nothing: tests read behaviour, not logs.
let quietLogger = Logger(label: "simulator-api-test") { _ in SwiftLogNoOpLogHandler() }

/// Runs `body` against a simulated API server on a free port (manual clock unless configured
/// otherwise) with a client that trusts its CA; both stop when `body` returns or throws.
func withSimulatedAPI<T>(scenario: Scenario = .standardDemo(),
                         configure: (inout SimulatedAPIConfiguration) -> Void = { _ in },
                         _ body: (SimulatedAPIServer, APITestClient, String) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        var configuration = SimulatedAPIConfiguration(kubeconfigPath: directory + "/kubeconfig")
        configure(&configuration)
        let server = try await SimulatedAPIServer.start(simulation: ClusterSimulation(scenario: scenario),
                                                        configuration: configuration, logger: quietLogger)
        let client = try APITestClient(server: server)
        do {
            let result = try await body(server, client, directory)
            // The server first: it ends open watches cleanly, so the client has nothing in flight.
            await server.stop()
            await client.shutdown()
            return result
        } catch {
            await server.stop()
            await client.shutdown()
            throw error
        }
    }
}

/// A scenario with one node and one workload of `replicas` pods, no scripted events and no
/// resize faults, so a test knows exactly what happens.
func smallScenario(replicas: Int = 2, vpaMode: VPAUpdateMode = .inPlaceOrRecreate) -> Scenario {
    let mebibyte: Int64 = 1 << 20
    let resources = ResourceRequirements(requests: ResourceList(cpuMillicores: 200, memoryBytes: 256 * mebibyte),
                                         limits: ResourceList(cpuMillicores: 400, memoryBytes: 512 * mebibyte))
    return Scenario(
        name: "small", seed: 3, start: Timestamp(unixMilliseconds: 1_793_577_600_000),
        nodes: [NodeSpec(name: "node-a", cpuMillicores: 8000, memoryBytes: 16 << 30)],
        workloads: [WorkloadSpec(name: "web", namespace: "shop", replicas: replicas,
                                 containers: [ContainerSpec(name: "app", resources: resources,
                                                            usage: .steady(cpuMillicores: 150, memoryBytes: 200 * mebibyte))],
                                 vpa: VPASpec(name: "web", mode: vpaMode))],
        kubelet: KubeletSettings(minimumResizeMilliseconds: 2000, maximumResizeMilliseconds: 2000, stuckFraction: 0, errorFraction: 0,
                                 usageIntervalMilliseconds: 10_000))
}

/// `count` pods that no kubelet runs, for list and watch tests: `bulk/pod-00000`…
func bulkPods(_ count: Int, from first: Int = 0) -> [PodObservation] {
    (first..<(first + count)).map { index in
        let name = "pod-" + String(repeating: "0", count: max(0, 5 - String(index).count)) + String(index)
        return PodObservation(namespace: "bulk", name: name, generation: 1, phase: "Pending",
                              containers: [ContainerObservation(name: "app", desired: ResourceRequirements(
                                  requests: ResourceList(cpuMillicores: 100, memoryBytes: 64 << 20)))])
    }
}
