import Foundation
import Logging
import NIOCore
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer

// A copy of VPAStoreServerTests' TestServer pattern: test targets do not import each other.

/// A real `StoreServer` on 127.0.0.1 port 0 over its own temporary database, for one test.
final class TestServer: Sendable {
    let directory: URL
    let server: StoreServer
    let port: Int
    private let running: Task<Void, any Error>

    static let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Starts a server over a new temporary database.
    static func start() async throws -> TestServer {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vpa-recommender-runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = ServeConfiguration(databasePath: directory.appendingPathComponent("store.db").path,
                                               listen: .tcp(host: "127.0.0.1", port: 0),
                                               watchProgressInterval: .milliseconds(200), shutdownGrace: .seconds(5))
        let server = try await StoreServer(configuration: configuration, logger: quietLogger)
        let address = try await server.bind()
        let running = Task { try await server.run() }
        return TestServer(directory: directory, server: server, port: address?.port ?? 0, running: running)
    }

    private init(directory: URL, server: StoreServer, port: Int, running: Task<Void, any Error>) {
        self.directory = directory
        self.server = server
        self.port = port
        self.running = running
    }

    var endpoint: RPCEndpoint { .tcp(host: "127.0.0.1", port: port) }

    func client(timeout: Duration? = .seconds(30)) -> StoreClient {
        StoreClient(endpoint: endpoint, peerName: "test", defaultTimeout: timeout, logger: Self.quietLogger)
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

/// Runs `body` with a fresh server and a client of it, and always stops the server and removes its files.
func withServer(_ body: (TestServer, StoreClient) async throws -> Void) async throws {
    let server = try await TestServer.start()
    let client = server.client()
    do {
        try await body(server, client)
    } catch {
        await client.close()
        try? await server.stop()
        server.removeFiles()
        throw error
    }
    await client.close()
    try await server.stop()
    server.removeFiles()
}

/// Minute n after 2026-11-02T09:00:00Z.
func minute(_ n: Int64) -> Timestamp {
    Timestamp(unixMilliseconds: 1_793_610_000_000 + n * 60_000)
}

let mebibyte: Int64 = 1 << 20
