import Foundation
import Logging
import NIOCore
import StoreRPC
import VPAModel
import VPAStoreClient
import VPAStoreServer

/// A real `StoreServer` on 127.0.0.1 port 0 over its own temporary database, for one test
/// (the pattern of Tests/VPAStoreServerTests/TestServer.swift).
final class TestServer: Sendable {
    let directory: URL
    let server: StoreServer
    let port: Int
    private let running: Task<Void, any Error>

    static let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func start() async throws -> TestServer {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("vpa-simulator-\(UUID().uuidString)")
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

    func client() -> StoreClient {
        StoreClient(endpoint: .tcp(host: "127.0.0.1", port: port), peerName: "simulator-test",
                    defaultTimeout: .seconds(10), logger: Self.quietLogger)
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
func withServer(_ body: (TestServer) async throws -> Void) async throws {
    let server = try await TestServer.start()
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
