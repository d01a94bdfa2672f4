import EventStore
import Foundation
import NIOCore
import NIOPosix
import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// Issue 16's findings about what one client can make the server hold or do: each limit is answered
/// RESOURCE_EXHAUSTED naming its setting, a peer that does not read is no longer read from, shutdown
/// keeps its grace, NUL bytes are refused, and a retried Ingest gets exactly the first answer.
@Suite struct HardeningTests {
    /// A connection that writes and never reads: its receive buffer is small, so the server's
    /// writes to it block soon.
    final class SilentPeer: Sendable {
        let channel: any Channel

        init(port: Int) async throws {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.autoRead, value: false)
                .channelOption(.socketOption(.so_rcvbuf), value: 4096)
                .connect(host: "127.0.0.1", port: port).get()
        }

        func send(_ bytes: [UInt8]) async throws {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
        }

        func close() async {
            try? await channel.close().get()
        }
    }

    static func request(_ callID: UInt64, _ method: StoreMethod, _ payload: [UInt8]) -> [UInt8] {
        RawConnection.wire(Frame(callID: callID, .request(Frame.Request(method: method.rawValue, payload: payload))))
    }

    static func status(_ reply: RawConnection.Reply) -> RPCStatus? {
        reply.frames.compactMap { frame -> RPCStatus? in
            if case .status(let status) = frame.kind, frame.callID == 0 { return status }
            return nil
        }.first
    }

    // Finding 3: before the hello, a small frame limit and a cap on connections nobody vouched for.

    @Test func aLargeFirstFrameIsRefusedBeforeItIsBuffered() async throws {
        try await withServer { (server: TestServer) async throws in
            let reply = try await RawConnection.exchange(port: server.port, [0x00, 0x3f, 0xff, 0xff] + [UInt8](repeating: 0, count: 1024))
            #expect(reply.closed)
            let status = try #require(Self.status(reply))
            #expect(status.code == .resourceExhausted)
            #expect(status.message.contains("--max-hello-bytes"), "\(status)")
        }
    }

    @Test func connectionsBeforeTheHelloAreCapped() async throws {
        try await withServer({ configuration in
            configuration.limits.maximumConnectionsBeforeHello = 3
            // The silent peers must still be waiting when the probe comes, however slow the run.
            configuration.handshakeTimeout = .seconds(120)
        }) { (server: TestServer) async throws in
            // Welcomed before the silent peers connect, so it holds no place among those before the hello.
            let observer = server.client()
            _ = try await observer.health()
            var silent: [SilentPeer] = []
            for _ in 0..<3 { silent.append(try await SilentPeer(port: server.port)) }
            // A connect returns before the server has admitted the connection, and the server admits
            // its accepted connections in no fixed order: a probe sent now can be admitted before the
            // third silent peer, which is then the one refused, and the cap is never reached again.
            try #require(try await eventually { try await observer.serverInfo().openConnections == 4 })
            let reply = try await RawConnection.exchange(port: server.port, RawConnection.hello)
            #expect(reply.closed, "\(reply)")
            let status = try #require(Self.status(reply), "\(reply)")
            #expect(status.code == .resourceExhausted)
            #expect(status.message.contains("--max-pending-handshakes"), "\(status)")
            for peer in silent { await peer.close() }
            let probe = server.client()
            #expect(try await eventually { (try? await probe.health().serving) == true })
            await probe.close()
            await observer.close()
        }
    }

    @Test func connectionsInAllAreCapped() async throws {
        try await withServer({ $0.limits.maximumConnections = 2 }) { (server: TestServer) async throws in
            let first = server.client(), second = server.client()
            _ = try await first.health()
            _ = try await second.health()
            let reply = try await RawConnection.exchange(port: server.port, RawConnection.hello)
            #expect(reply.closed)
            let status = try #require(Self.status(reply))
            #expect(status.code == .resourceExhausted)
            #expect(status.message.contains("--max-connections"))
            await first.close()
            await second.close()
        }
    }

    // Finding 4: calls per connection, and a peer that does not read.

    @Test func callsInFlightPerConnectionAreCapped() async throws {
        try await withServer({ $0.limits.maximumCallsPerConnection = 4 }) { (server: TestServer) async throws in
            let rpc = server.rpcClient()
            let watches = (0..<4).map { _ in
                Task { for try await _ in rpc.serverStream(StoreMethod.watch.rawValue, WatchRequest().encoded()) {} }
            }
            let client = server.client()
            #expect(try await eventually { try await client.serverInfo().watchers == 4 })
            do {
                for try await _ in rpc.serverStream(StoreMethod.watch.rawValue, WatchRequest().encoded()) {}
                Issue.record("a fifth call on the connection was accepted")
            } catch let status as RPCStatus {
                #expect(status.code == .resourceExhausted)
                #expect(status.message.contains("--max-calls-per-connection"))
            }
            for watch in watches { watch.cancel() }
            await rpc.close()
            await client.close()
        }
    }

    @Test func aPeerThatDoesNotReadIsNoLongerRead() async throws {
        try await withServer({ configuration in
            configuration.limits.maximumCallsPerConnection = 10_000
            configuration.limits.maximumQueuedBytesPerConnection = 64 * 1024
        }) { (server: TestServer) async throws in
            let client = server.client()
            // Enough events that one Watch page from position 1 is several hundred kilobytes.
            for batch in 0..<5 {
                _ = try await client.ingest(IngestRequest(observedAt: minute(Int64(batch)), observations: (0..<400).map {
                    .pod(Pods.pod("web-\(batch)-\($0)"))
                }))
            }
            let peer = try await SilentPeer(port: server.port)
            let watch = WatchRequest(fromPosition: 1).encoded()
            try await peer.send(RawConnection.hello + (1...500).flatMap { Self.request(UInt64($0), .watch, watch) })
            try await Task.sleep(for: .seconds(2))
            // Without backpressure every one of the 500 Watches starts and holds its page.
            let watchers = try await client.serverInfo().watchers
            #expect(watchers < 100, "\(watchers) watches started for a peer that reads nothing")
            #expect(try await client.health().serving)
            await peer.close()
            #expect(try await eventually { try await client.serverInfo().watchers == 0 })
            await client.close()
        }
    }

    // Finding 5: shutdown keeps its grace whatever a client does.

    @Test func shutdownEndsWithinTheGraceWhenAClientReadsNothing() async throws {
        let server = try await TestServer.start { $0.shutdownGrace = .seconds(1) }
        defer { server.removeFiles() }
        let client = server.client()
        _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: (0..<400).map { .pod(Pods.pod("web-\($0)")) }))
        await client.close()
        let peer = try await SilentPeer(port: server.port)
        let read = ReadEventsRequest(fromPosition: 1, limit: 10_000).encoded()
        try await peer.send(RawConnection.hello + (1...50).flatMap { Self.request(UInt64($0), .readEvents, read) })
        try await Task.sleep(for: .milliseconds(500))
        let stopped = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await server.stop(); return true }
            group.addTask { try await Task.sleep(for: .seconds(30)); return false }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        #expect(stopped, "the server was still running 30 s after a shutdown with a 1 s grace")
        await peer.close()
    }

    // Finding 7: a minimum Watch progress interval.

    @Test func aWatchProgressIntervalBelowTheMinimumIsRefused() async throws {
        try await withServer({ $0.minimumWatchProgressInterval = .milliseconds(100) }) { (server: TestServer) async throws in
            let rpc = server.rpcClient()
            do {
                for try await _ in rpc.serverStream(StoreMethod.watch.rawValue, WatchRequest(progressIntervalMilliseconds: 1).encoded()) {}
                Issue.record("a 1 ms progress interval was accepted")
            } catch let status as RPCStatus {
                #expect(status.code == .resourceExhausted)
                #expect(status.message.contains("--min-watch-progress-interval"))
            }
            await rpc.close()
        }
    }

    // Finding 8: NUL bytes are refused, not cut off.

    @Test func aTokenWithANulByteIsRefused() async throws {
        try await withServer({ $0.token = "secret" }) { (server: TestServer) async throws in
            var hello = RawConnection.wire(Frame(callID: 0, .hello(Frame.Hello(peerName: "raw", token: "secretXjunk"))))
            hello[hello.firstIndex(of: UInt8(ascii: "X"))!] = 0
            let reply = try await RawConnection.exchange(port: server.port, hello)
            #expect(reply.closed)
            #expect(!reply.frames.contains { if case .welcome = $0.kind { true } else { false } })
            let status = try #require(Self.status(reply))
            #expect(status.message.contains("NUL"), "\(status)")
        }
    }

    @Test func aPodNameWithANulByteIsRefusedNamingTheField() async throws {
        try await withServer { (server: TestServer, client: StoreClient) async throws in
            var payload = IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("aXb", uid: "u-1"))]).encoded()
            let name = Array("aXb".utf8)
            let at = try #require((0...(payload.count - name.count)).first { Array(payload[$0..<$0 + name.count]) == name })
            payload[at + 1] = 0
            let rpc = server.rpcClient()
            do {
                _ = try await rpc.unary(StoreMethod.ingest.rawValue, payload)
                Issue.record("a pod name holding NUL was accepted")
            } catch let status as RPCStatus {
                #expect(status.code == .invalidArgument)
                #expect(status.message.contains(".name") && status.message.contains("NUL"), "\(status)")
            }
            #expect(try await client.pods().pods.isEmpty)
            await rpc.close()
        }
    }

    // Finding 9: the stored idempotent answer is exactly the answer sent.

    @Test func aRetriedIngestGetsExactlyTheFirstAnswer() async throws {
        try await withServer { (server: TestServer, client: StoreClient) async throws in
            let requests = (0..<40).map { index in
                IngestRequest(idempotencyKey: "key-\(index)", observedAt: minute(0), observations: [.pod(Pods.pod("web-\(index)"))])
            }
            // Concurrent calls share group commits, which is where the heads used to differ.
            let first = try await withThrowingTaskGroup(of: (Int, IngestResponse).self) { group in
                for (index, request) in requests.enumerated() { group.addTask { (index, try await client.ingest(request)) } }
                return try await group.reduce(into: [Int: IngestResponse]()) { $0[$1.0] = $1.1 }
            }
            for (index, request) in requests.enumerated() {
                var retried = try await client.ingest(request)
                #expect(retried.replayed)
                retried.replayed = false
                #expect(retried == first[index], "retry of call \(index)")
            }
        }
    }

    // Found by the soak fuzzer: an Ingest pod whose uid is present but empty was keyed on the store's
    // own stream, and verify then reported its stream links broken.
    @Test func anEmptyPodUIDIsNoUID() async throws {
        try await withServer { (server: TestServer, client: StoreClient) async throws in
            for minuteIndex in 0..<3 {
                _ = try await client.ingest(IngestRequest(observedAt: minute(Int64(minuteIndex)), observations: [
                    .pod(Pods.pod("web-0", uid: "", cpu: 250 + Int64(minuteIndex))), .pod(Pods.pod("web-1")),
                ]))
            }
            let pods = try await client.allPods()
            #expect(pods.map(\.pod.name) == ["web-0", "web-1"])
            #expect(pods.first?.pod.uid == nil)
            let report = try EventStore(path: server.configuration.databasePath, access: .readOnly).verify()
            #expect(report.isClean, "\(report.problems)")
        }
    }
}
