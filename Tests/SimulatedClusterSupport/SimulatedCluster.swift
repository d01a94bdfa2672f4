import Foundation
import KubernetesAPI
import Logging
import NIOHTTP1
import Simulator
import SimulatorAPI
import VPAModel

/// One mebibyte.
public let mebibyte: Int64 = 1 << 20

/// One node and the Deployment `shop/web` of `replicas` pods at 200m / 256 Mi (limits 400m /
/// 512 Mi) under the VPA `shop/web`; resizes take the kubelet 2 s; nothing scripted.
public func smallScenario(replicas: Int = 2, mode: VPAUpdateMode = .inPlaceOrRecreate) -> Scenario {
    let resources = ResourceRequirements(requests: ResourceList(cpuMillicores: 200, memoryBytes: 256 * mebibyte),
                                         limits: ResourceList(cpuMillicores: 400, memoryBytes: 512 * mebibyte))
    return Scenario(
        name: "small", seed: 3, start: Timestamp(unixMilliseconds: 1_793_577_600_000),
        nodes: [NodeSpec(name: "node-a", cpuMillicores: 8000, memoryBytes: 16 << 30)],
        workloads: [WorkloadSpec(name: "web", namespace: "shop", replicas: replicas,
                                 containers: [ContainerSpec(name: "app", resources: resources,
                                                            usage: .steady(cpuMillicores: 150, memoryBytes: 200 * mebibyte))],
                                 vpa: VPASpec(name: "web", mode: mode))],
        kubelet: KubeletSettings(minimumResizeMilliseconds: 2000, maximumResizeMilliseconds: 2000, stuckFraction: 0, errorFraction: 0,
                                 usageIntervalMilliseconds: 10_000))
}

/// A cluster with one large node and nothing running: the test puts the pods.
public func emptyScenario() -> Scenario {
    Scenario(name: "empty", start: Timestamp(unixMilliseconds: 1_790_000_000_000),
             nodes: [NodeSpec(name: "node-a", cpuMillicores: 64_000, memoryBytes: 256 << 30)], workloads: [])
}

/// A folder of its own for one test, removed afterwards.
public func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vpa-store-api-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// A simulated API server of `scenario` on 127.0.0.1 port 0 (manual clock unless `configure` says
/// otherwise), its kubeconfig in `directory`.
public func startSimulatedAPI(scenario: Scenario, directory: String,
                              configure: (inout SimulatedAPIConfiguration) -> Void = { _ in }) async throws -> SimulatedAPIServer {
    var configuration = SimulatedAPIConfiguration(kubeconfigPath: directory + "/kubeconfig")
    configure(&configuration)
    return try await SimulatedAPIServer.start(simulation: ClusterSimulation(scenario: scenario), configuration: configuration,
                                              logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
}

/// Runs `body` with a simulated API server and a `KubernetesClient` configured from the kubeconfig
/// it wrote, as a user's would be; both are stopped afterwards.
public func withSimulatedAPI(scenario: Scenario = smallScenario(), configure: (inout SimulatedAPIConfiguration) -> Void = { _ in },
                             _ body: (SimulatedAPIServer, KubernetesClient) async throws -> Void) async throws {
    try await withTemporaryDirectory { directory in
        let server = try await startSimulatedAPI(scenario: scenario, directory: directory, configure: configure)
        let client = try KubernetesClient(connection: ClusterConnection.load(kubeconfig: server.kubeconfigPath, context: nil))
        do {
            try await body(server, client)
        } catch {
            await server.stop()
            await client.shutdown()
            throw error
        }
        await server.stop()
        await client.shutdown()
    }
}

/// Forwards to another sender, counting the requests the API accepted, by method and path.
public final class CountingSender: KubernetesRequestSending, @unchecked Sendable {
    // @unchecked: `counts` is read and written under `lock`.
    private let inner: any KubernetesRequestSending
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    public init(_ inner: any KubernetesRequestSending) { self.inner = inner }

    /// Accepted requests so far whose path ends with `suffix` (`/resize`, `/eviction`).
    public func count(_ suffix: String) -> Int {
        lock.withLock { counts.filter { $0.key.hasSuffix(suffix) }.values.reduce(0, +) }
    }

    public func send(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: [UInt8]?,
              contentType: String?) async throws(KubernetesAPIError) -> [UInt8] {
        let answer = try await inner.send(method, path, query: query, body: body, contentType: contentType)
        lock.withLock { counts["\(method.rawValue) \(path)", default: 0] += 1 }
        return answer
    }
}
