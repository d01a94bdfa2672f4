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
}
