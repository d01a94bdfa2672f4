import Foundation
import Logging
import NIOConcurrencyHelpers
import StoreAPI
import StoreRPC
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// The client's one retry policy: what it tries again, and that a retried write applies once.
@Suite struct RetryPolicyTests {
    /// A client of `endpoint` that connects once per try (the retry policy, not the transport,
    /// decides how often) and records its log lines.
    private func client(_ endpoint: RPCEndpoint, _ retry: RetryPolicy, _ log: LineRecorder) -> StoreClient {
        StoreClient(rpc: RPCClient(configuration: RPCClientConfiguration(endpoint: endpoint, peerName: "retry-test",
                                                                         connectTimeout: TestServer.handshakeDeadline,
                                                                         connectAttempts: 1),
                                   logger: Logger(label: "retry-test") { _ in log }),
                    defaultTimeout: .seconds(30), retry: retry)
    }

    @Test func aKeyedAppendAcrossAServerRestartIsAppendedOnce() async throws {
        let first = try await TestServer.start()
        defer { first.removeFiles() }
        let port = first.port
        let setup = first.client()
        _ = try await setup.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
        await setup.close()
        let head = try await first.client().serverInfo().headPosition
        try await first.stop()

        // The server is down when the call starts; it comes back while the client waits to retry.
        let log = LineRecorder()
        let store = client(first.endpoint, RetryPolicy(attempts: 50, initialBackoff: .milliseconds(100),
                                                        maximumBackoff: .milliseconds(100)), log)
        let append = AppendRequest(idempotencyKey: "updater-run-1/web-0", events: [
            AppendEvent(podKey: "uid-shop-web-0", body: .resizeRequested(ResizeRequest(targets: [], requestedBy: "vpa-updater"))),
        ])
        let call = Task { try await store.append(append) }
        while log.count(containing: "trying again") < 2 { try await Task.sleep(for: .milliseconds(20)) }
        let second = try await TestServer.start(directory: first.directory, port: port)
        let answer = try await call.value
        #expect(!answer.replayed && answer.lastPosition == head + 1)
        // Tried again by hand with the same key: the stored answer, nothing appended.
        let again = try await store.append(append)
        #expect(again.replayed && again.lastPosition == answer.lastPosition)
        #expect(try await store.serverInfo().headPosition == head + 1)
        await store.close()
        try await second.stop()
    }

    @Test func readsAreTriedAgainAndWritesWithoutAKeyAreNot() async throws {
        let server = try await TestServer.start()
        defer { server.removeFiles() }
        try await server.stop()
        let log = LineRecorder()
        let store = client(server.endpoint, RetryPolicy(attempts: 3, initialBackoff: .milliseconds(10)), log)

        await #expect(throws: RPCStatus.self) { _ = try await store.vpas() }
        #expect(log.count(containing: "trying again") == 2, "\(log.lines)")

        let unkeyed = AppendRequest(events: [
            AppendEvent(podKey: "uid-shop-web-0", body: .resizeRequested(ResizeRequest(targets: [], requestedBy: "vpa-updater"))),
        ])
        do throws(RPCStatus) {
            _ = try await store.append(unkeyed)
            Issue.record("an append to a stopped server succeeded")
        } catch {
            #expect(error.code == .unavailable)
        }
        // It may have committed before the connection dropped: a second try could append twice.
        #expect(log.count(containing: "trying again") == 2, "\(log.lines)")

        let none = client(server.endpoint, .none, log)
        await #expect(throws: RPCStatus.self) { _ = try await none.vpas() }
        #expect(log.count(containing: "trying again") == 2, "\(log.lines)")
    }

    @Test func theBackoffDoublesUpToItsMaximum() {
        let policy = RetryPolicy(attempts: 10, initialBackoff: .milliseconds(200), maximumBackoff: .seconds(2))
        #expect((1...6).map { policy.backoff(after: $0) }
                == [.milliseconds(200), .milliseconds(400), .milliseconds(800), .milliseconds(1600), .seconds(2), .seconds(2)])
        #expect(policy.retries(RPCStatus(.unavailable), attempt: 9) && !policy.retries(RPCStatus(.unavailable), attempt: 10))
        #expect(policy.retries(RPCStatus(.deadlineExceeded), attempt: 1))
        for code in RPCStatus.Code.allCases where code != .unavailable && code != .deadlineExceeded {
            #expect(!policy.retries(RPCStatus(code), attempt: 1), "\(code.name) was retried")
        }
    }
}

/// A log handler that keeps every message, for tests that count what a client logged.
final class LineRecorder: LogHandler, Sendable {
    private let stored = NIOLockedValueBox<[String]>([])
    var lines: [String] { stored.withLockedValue { $0 } }

    func count(containing text: String) -> Int { lines.filter { $0.contains(text) }.count }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
             function: String, line: UInt) {
        stored.withLockedValue { $0.append("\(message)") }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
}
