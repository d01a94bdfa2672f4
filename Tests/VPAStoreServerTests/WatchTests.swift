import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

@Suite struct WatchTests {
    @Test func aWatchCatchesUpThenSeesEventsAppendedAfterItStarted() async throws {
        try await withServer { (server: TestServer) async throws in
            let writer = server.client()
            _ = try await writer.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
            let watcher = server.client()
            var positions: [Int64] = []
            var iterator = watcher.watch(WatchRequest(fromPosition: 1)).makeAsyncIterator()
            // Catch-up: what is already in the log.
            while positions.count < 2, let page = try await iterator.next() { positions += page.events.map(\.event.position) }
            #expect(positions == [1, 2])
            // Live: appended after the watch started.
            var head: Int64 = 2
            for index in 1...3 {
                head = try await writer.ingest(IngestRequest(observedAt: minute(Int64(index)), observations: [
                    .pod(Pods.pod("web-0", cpu: Int64(100 * index))),
                ])).headPosition
            }
            while positions.last != head, let page = try await iterator.next() { positions += page.events.map(\.event.position) }
            #expect(positions == Array(1...head))
            await watcher.close()
            await writer.close()
        }
    }

    @Test func anIdleWatchGetsProgressWithTheHead() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
            var iterator = client.watch(WatchRequest(progressIntervalMilliseconds: 50)).makeAsyncIterator()
            let page = try #require(try await iterator.next())
            #expect(page.events.isEmpty)
            #expect(page.headPosition == 2)
            #expect(page.nextPosition == 3)
            await client.close()
        }
    }

    @Test func aFilteredWatchDeliversOnlyItsPod() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [
                .pod(Pods.pod("web-0")), .pod(Pods.pod("web-1")), .pod(Pods.pod("web-0", cpu: 300)),
            ]))
            var iterator = client.watch(WatchRequest(fromPosition: 1, selector: EventSelector(
                pod: PodKey(namespace: "shop", name: "web-0"), type: .podObserved))).makeAsyncIterator()
            let page = try #require(try await iterator.next())
            #expect(page.events.count == 2)
            #expect(page.events.allSatisfy { $0.stream?.name == "web-0" && $0.event.body.type == .podObserved })
            await client.close()
        }
    }

    @Test func aWatcherBehindTheMemoryBufferReadsTheLogWithoutGaps() async throws {
        try await withServer({ $0.watchBufferEvents = 4 }) { (server: TestServer) async throws in
            let client = server.client()
            for index in 0..<30 {
                _ = try await client.ingest(IngestRequest(observedAt: minute(Int64(index)),
                                                          observations: [.pod(Pods.pod("web-\(index % 3)", cpu: Int64(10 + index)))]))
            }
            let head = try await client.serverInfo().headPosition
            var positions: [Int64] = []
            var iterator = client.watch(WatchRequest(fromPosition: 1)).makeAsyncIterator()
            while positions.last != head, let page = try await iterator.next() { positions += page.events.map(\.event.position) }
            #expect(positions == Array(1...head))
            await client.close()
        }
    }

    @Test func aWatchBelowTheFirstPositionOrBeyondTheHeadIsOutOfRange() async throws {
        try await withServer { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
            var iterator = client.watch(WatchRequest(fromPosition: 50)).makeAsyncIterator()
            do {
                _ = try await iterator.next()
                Issue.record("a watch beyond the head was accepted")
            } catch let status as RPCStatus {
                #expect(status.code == .outOfRange)
                #expect(status.message.contains("beyond the head"))
            }
            await client.close()
        }
    }

    @Test func aWatchResumesAfterTheServerRestartsWithNoGapAndNoDuplicate() async throws {
        let first = try await TestServer.start()
        let directory = first.directory, port = first.port
        let writer = first.client()
        _ = try await writer.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
        let watcher = first.client()
        var positions: [Int64] = []
        var iterator = watcher.watch(WatchRequest(fromPosition: 1)).makeAsyncIterator()
        while positions.count < 2, let page = try await iterator.next() { positions += page.events.map(\.event.position) }

        // The server goes away (graceful shutdown ends the watch with UNAVAILABLE) and comes back on
        // the same port and database; meanwhile nobody reads.
        try await first.stop()
        let second = try await TestServer.start(directory: directory, port: port)
        let writer2 = second.client()
        var head: Int64 = 2
        for index in 1...3 {
            head = try await writer2.ingest(IngestRequest(observedAt: minute(Int64(index)), observations: [
                .pod(Pods.pod("web-0", cpu: Int64(100 * index))),
            ])).headPosition
        }
        #expect(head > 5)
        while positions.last != head, let page = try await iterator.next() { positions += page.events.map(\.event.position) }
        #expect(positions == Array(1...head))
        await watcher.close()
        await writer.close()
        await writer2.close()
        try await second.stop()
        second.removeFiles()
    }

    /// A page whose encoding is over the frame limit is read again with half as many events, from
    /// memory (a large buffer) and from the log (a buffer of 4), and the watcher still sees every
    /// position once.
    @Test(arguments: [4, 100_000])
    func aPageOverTheFrameLimitIsSplitWithoutGaps(bufferEvents: Int) async throws {
        try await withServer({ $0.maximumFrameBytes = 4096; $0.watchBufferEvents = bufferEvents }) { (server: TestServer) async throws in
            let client = server.client()
            for index in 0..<40 {
                _ = try await client.ingest(IngestRequest(observedAt: minute(Int64(index)), observations: [.pod(Pods.pod("web-\(index)"))]))
            }
            let head = try await client.serverInfo().headPosition
            var pages: [[Int64]] = []
            var iterator = client.watch(WatchRequest(fromPosition: 1)).makeAsyncIterator()
            while pages.last?.last != head, let page = try await iterator.next() {
                if !page.events.isEmpty { pages.append(page.events.map(\.event.position)) }
            }
            #expect(pages.flatMap { $0 } == Array(1...head))
            #expect(pages.count > 1, "\(head) events of a few hundred bytes fit one 4 KiB frame?")
            await client.close()
        }
    }

    /// An event that alone is over the frame limit (written under a larger limit) ends the watch with
    /// RESOURCE_EXHAUSTED naming the event, rather than a frame the client would refuse.
    @Test func anEventAloneOverTheFrameLimitEndsTheWatch() async throws {
        let first = try await TestServer.start()
        let writer = first.client()
        let owner = String(repeating: "w", count: 6000)
        _ = try await writer.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0", owner: owner))]))
        await writer.close()
        try await first.stop()
        let second = try await TestServer.start(directory: first.directory) { $0.maximumFrameBytes = 4096 }
        let watcher = second.client()
        do {
            for try await _ in watcher.watch(WatchRequest(fromPosition: 1)) {}
            Issue.record("the watch delivered an event larger than the frame limit")
        } catch let status as RPCStatus {
            #expect(status.code == .resourceExhausted)
            #expect(status.message.contains("alone encodes"), "\(status.message)")
            #expect(status.message.contains("--max-frame-bytes"))
        }
        await watcher.close()
        try await second.stop()
        second.removeFiles()
    }
}
