import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAStoreClient
import VPAStoreTestSupport

/// Issue 11, item 4: the client's frames leave in the order they were made. Each call's request and
/// cancel used to be written by two unstructured tasks, so a cancel could overtake its request (the
/// server ignored the cancel of a call it did not know, then started it: a Watch nobody reads, kept
/// running), and a stream ended before its call had started was never cancelled at all. `ping()`
/// checked for a closed connection and registered its continuation under two locks, so a close in
/// between left it waiting forever.
@Suite(.timeLimit(.minutes(1))) struct CallOrderingTests {
    /// Watches whose reader stopped before the call could start: each must still be cancelled.
    @Test func watchesDroppedBeforeTheyStartLeaveNoWatchRunning() async throws {
        try await leaveNoWatchRunning { stream in _ = stream }
    }

    /// Watches cancelled right after they started: each cancel races its own request to the wire,
    /// and must reach the server after it.
    @Test func watchesCancelledAsTheyStartLeaveNoWatchRunning() async throws {
        try await leaveNoWatchRunning(count: 40, progressMilliseconds: 100) { stream in
            // The first page (at the latest a progress page after 100 ms) proves the call started;
            // the cancel then follows its request at once.
            var pages = stream.makeAsyncIterator()
            _ = try? await pages.next()
        }
    }

    /// Many callers starting and cancelling at once on one connection: the cancel of each must
    /// still follow its request.
    @Test func concurrentCallersCancellingAsTheyStartLeaveNoWatchRunning() async throws {
        try await withServer { (server: TestServer, client: StoreClient) in
            let rpc = server.rpcClient()
            _ = try await rpc.welcome()
            let request = WatchRequest(progressIntervalMilliseconds: 60_000).encoded()
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<50 {
                            let reader = Task { for try await _ in rpc.serverStream(StoreMethod.watch.rawValue, request) { break } }
                            reader.cancel()
                            _ = await reader.result
                        }
                    }
                }
            }
            let ended = try await eventually(timeout: .seconds(10)) { try await client.serverInfo().watchers == 0 }
            let running = try await client.serverInfo().watchers
            #expect(ended, "watches still running on the server: \(running)")
            await rpc.close()
        }
    }

    /// Opens `count` Watches from the head (a page comes at the latest after the progress interval),
    /// each ended by `end`; then no Watch may be left running on the server.
    private func leaveNoWatchRunning(count: Int = 300, progressMilliseconds: UInt32 = 60_000,
                                     _ end: (AsyncThrowingStream<[UInt8], any Error>) async throws -> Void) async throws {
        try await withServer { (server: TestServer, client: StoreClient) in
            let rpc = server.rpcClient()
            _ = try await rpc.welcome()
            let request = WatchRequest(progressIntervalMilliseconds: progressMilliseconds).encoded()
            for _ in 0..<count { try await end(rpc.serverStream(StoreMethod.watch.rawValue, request)) }
            let ended = try await eventually(timeout: .seconds(10)) { try await client.serverInfo().watchers == 0 }
            let running = try await client.serverInfo().watchers
            #expect(ended, "watches still running on the server: \(running)")
            await rpc.close()
        }
    }

    /// A ping racing the connection's close ends either way, never waits forever.
    @Test func aPingRacingACloseAlwaysEnds() async throws {
        try await withServer { (server: TestServer) async throws in
            for _ in 0..<200 {
                let rpc = server.rpcClient()
                _ = try await rpc.welcome()
                let ended = try await withThrowingTaskGroup(of: Bool.self) { group in
                    group.addTask { _ = try? await rpc.ping(); return true }
                    group.addTask { await rpc.close(); return false }
                    group.addTask {
                        try await Task.sleep(for: .seconds(5))
                        throw RPCStatus(.deadlineExceeded, "a ping racing a close never ended")
                    }
                    var pingEnded = false
                    for try await result in group {
                        pingEnded = pingEnded || result
                        if pingEnded { group.cancelAll(); break }
                    }
                    return pingEnded
                }
                #expect(ended)
            }
        }
    }
}
