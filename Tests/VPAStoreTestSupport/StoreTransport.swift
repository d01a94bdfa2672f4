import EventStore
import Foundation
import StoreAPI
import VPAStoreClient
import VPAStoreServer

/// How a test reaches its store: in this process (`LocalStore`, no sockets), or through a real
/// server on a loopback socket (`StoreClient`). A test that takes both as arguments shows that a
/// caller written against `StoreAPI` gets the same answers either way.
public enum StoreTransport: String, CaseIterable, Sendable {
    case inProcess
    case tcp
}

/// Runs `body` with a fresh store reached by `transport`; always closes it and removes its files.
public func withStore(_ transport: StoreTransport, _ body: (any StoreAPI) async throws -> Void) async throws {
    switch transport {
    case .tcp:
        try await withServer { (_: TestServer, client: StoreClient) async throws in try await body(client) }
    case .inProcess:
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpa-store-local-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try LocalStore.open(path: directory.appendingPathComponent("store.db").path, access: .readWrite,
                                        logger: TestServer.quietLogger)
        do {
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
