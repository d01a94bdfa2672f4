import Foundation
import Logging
import SimulatedClusterSupport
import Simulator
import SimulatorAPI
import VPAModel

/// Logs nothing: tests read behaviour, not logs.
let quietLogger = Logger(label: "simulator-api-test") { _ in SwiftLogNoOpLogHandler() }

/// Runs `body` against a simulated API server on a free port (manual clock unless configured
/// otherwise) with a client that trusts its CA; both stop when `body` returns or throws.
func withSimulatedAPI<T>(scenario: Scenario = .standardDemo(),
                         configure: (inout SimulatedAPIConfiguration) -> Void = { _ in },
                         _ body: (SimulatedAPIServer, APITestClient, String) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { directory in
        let server = try await startSimulatedAPI(scenario: scenario, directory: directory, configure: configure)
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

/// `count` pods that no kubelet runs, for list and watch tests: `bulk/pod-00000`…
func bulkPods(_ count: Int, from first: Int = 0) -> [PodObservation] {
    (first..<(first + count)).map { index in
        let name = "pod-" + String(repeating: "0", count: max(0, 5 - String(index).count)) + String(index)
        return PodObservation(namespace: "bulk", name: name, generation: 1, phase: "Pending",
                              containers: [ContainerObservation(name: "app", desired: ResourceRequirements(
                                  requests: ResourceList(cpuMillicores: 100, memoryBytes: 64 << 20)))])
    }
}
