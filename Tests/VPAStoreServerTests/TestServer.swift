import Foundation
import Logging
import NIOCore
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer

/// A real `StoreServer` on 127.0.0.1 port 0 over its own temporary database, for one test.
final class TestServer: Sendable {
    let directory: URL
    let configuration: ServeConfiguration
    let server: StoreServer
    let port: Int
    private let running: Task<Void, any Error>

    static let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Starts a server; `configure` adjusts its settings. Reuses `directory` (and its database) when given.
    static func start(directory: URL? = nil, port: Int = 0,
                      _ configure: (inout ServeConfiguration) -> Void = { _ in }) async throws -> TestServer {
        let directory = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("vpa-store-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = ServeConfiguration(databasePath: directory.appendingPathComponent("store.db").path,
                                               listen: .tcp(host: "127.0.0.1", port: port),
                                               watchProgressInterval: .milliseconds(200), shutdownGrace: .seconds(5))
        configure(&configuration)
        let server = try await StoreServer(configuration: configuration, logger: quietLogger)
        let address = try await server.bind()
        let running = Task { try await server.run() }
        return TestServer(directory: directory, configuration: configuration, server: server,
                          port: address?.port ?? 0, running: running)
    }

    private init(directory: URL, configuration: ServeConfiguration, server: StoreServer, port: Int,
                 running: Task<Void, any Error>) {
        self.directory = directory
        self.configuration = configuration
        self.server = server
        self.port = port
        self.running = running
    }

    var endpoint: RPCEndpoint { .tcp(host: "127.0.0.1", port: port) }

    func client(token: String = "", timeout: Duration? = .seconds(10)) -> StoreClient {
        StoreClient(endpoint: endpoint, token: token, peerName: "test", defaultTimeout: timeout, logger: Self.quietLogger)
    }

    func rpcClient(token: String = "") -> RPCClient {
        RPCClient(configuration: RPCClientConfiguration(endpoint: endpoint, peerName: "test", token: token, connectAttempts: 1),
                  logger: Self.quietLogger)
    }

    /// Graceful shutdown; returns when the server has stopped.
    func stop() async throws {
        server.shutdown()
        try await running.value
    }

    func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with a fresh server and always stops it and removes its files.
func withServer(_ configure: (inout ServeConfiguration) -> Void = { _ in },
                _ body: (TestServer) async throws -> Void) async throws {
    let server = try await TestServer.start(configure)
    do {
        try await body(server)
    } catch {
        try? await server.stop()
        server.removeFiles()
        throw error
    }
    try await server.stop()
    server.removeFiles()
}

/// The pods the tests ingest.
enum Pods {
    static func pod(_ name: String, namespace: String = "shop", uid: String? = nil, cpu: Int64 = 250, memoryMi: Int64 = 256,
                    status: Bool = true, conditions: [PodCondition] = [], owner: String = "web-5d8f") -> PodObservation {
        let resources = ResourceRequirements(requests: ResourceList(cpuMillicores: cpu, memoryBytes: memoryMi << 20),
                                             limits: ResourceList(cpuMillicores: cpu * 2, memoryBytes: memoryMi << 21))
        return PodObservation(
            uid: uid ?? "uid-\(namespace)-\(name)", namespace: namespace, name: name, phase: "Running",
            owners: [OwnerReference(kind: "ReplicaSet", name: owner, uid: "rs-\(owner)", controller: true)],
            resizeConditions: conditions,
            containers: [ContainerObservation(
                name: "app", desired: resources,
                status: ContainerStatusObservation(resources: status ? resources : nil, restartCount: 0,
                                                   state: .running(startedAt: Timestamp(unixMilliseconds: 0))))])
    }

    static let deferred = [PodCondition(type: PodCondition.resizePending, reason: "Deferred", message: "no room")]
}

/// Minute n after 2026-11-02T09:00:00Z.
func minute(_ n: Int64) -> Timestamp {
    Timestamp(unixMilliseconds: 1_793_610_000_000 + n * 60_000)
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
