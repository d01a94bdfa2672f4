import Foundation
import Logging
import NIOCore
import StoreRPC
import VPAModel
import VPAStoreClient
import VPAStoreServer

// Shared by the test targets that need a real server: one copy of the harness instead of one per target.

/// A real `StoreServer` on 127.0.0.1 port 0 over its own temporary database, for one test.
public final class TestServer: Sendable {
    public let directory: URL
    public let configuration: ServeConfiguration
    public let server: StoreServer
    public let port: Int
    private let running: Task<Void, any Error>

    public static let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Starts a server; `configure` adjusts its settings. Reuses `directory` (and its database) when given.
    public static func start(directory: URL? = nil, port: Int = 0,
                      _ configure: (inout ServeConfiguration) -> Void = { _ in }) async throws -> TestServer {
        let directory = directory ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("vpa-store-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = ServeConfiguration(databasePath: directory.appendingPathComponent("store.db").path,
                                               listen: .tcp(host: "127.0.0.1", port: port),
                                               watchProgressInterval: .milliseconds(200), shutdownGrace: .seconds(5))
        // Tests watch with short progress intervals to finish quickly.
        configuration.minimumWatchProgressInterval = .milliseconds(10)
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

    public var endpoint: RPCEndpoint { .tcp(host: "127.0.0.1", port: port) }

    /// The handshake deadline of the test clients. The server shares the test process's two
    /// cooperative threads with every other test, and synchronous tests can hold both for many
    /// seconds (a full CI run once saw 9 hellos time out at the 5 s default): the deadline here
    /// bounds a wedged server, not the harness's scheduling. `ConnectionTests` checks the deadline
    /// itself with its own short setting.
    public static let handshakeDeadline: Duration = .seconds(60)

    public func client(token: String = "", timeout: Duration? = .seconds(10)) -> StoreClient {
        StoreClient(rpc: rpcClient(token: token, connectAttempts: 5), defaultTimeout: timeout)
    }

    public func rpcClient(token: String = "", connectAttempts: Int = 1) -> RPCClient {
        RPCClient(configuration: RPCClientConfiguration(endpoint: endpoint, peerName: "test", token: token,
                                                        connectTimeout: Self.handshakeDeadline, connectAttempts: connectAttempts),
                  logger: Self.quietLogger)
    }

    /// Graceful shutdown; returns when the server has stopped.
    public func stop() async throws {
        server.shutdown()
        try await running.value
    }

    public func removeFiles() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with a fresh server and always stops it and removes its files.
public func withServer(_ configure: (inout ServeConfiguration) -> Void = { _ in },
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

/// Polls `condition` until it holds or `timeout` passes.
public func eventually(timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Runs `body` with a fresh server and a client of it; always closes the client, stops the server
/// and removes its files.
public func withServer(_ body: (TestServer, StoreClient) async throws -> Void) async throws {
    try await withServer { (server: TestServer) async throws in
        let client = server.client()
        do {
            try await body(server, client)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
    }
}
