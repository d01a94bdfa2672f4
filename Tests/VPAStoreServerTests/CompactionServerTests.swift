import StoreAPI
import StoreRPC
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// A server with `--compact-keep`: it compacts as ingests arrive, and reads below the cut answer
/// OUT_OF_RANGE naming the first position, over ReadEvents, Watch and GetActualResources alike.
@Suite struct CompactionServerTests {
    func expectCompacted(_ body: () async throws -> Void, position: Int64, first: Int64,
                         sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await body()
            Issue.record("a read from position \(position) below the cut was answered", sourceLocation: sourceLocation)
        } catch let status as RPCStatus {
            #expect(status.code == .outOfRange, sourceLocation: sourceLocation)
            #expect(status.message.contains("position \(position) was compacted; the first position is \(first)"),
                    "\(status.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func readsBelowTheCutAreOutOfRangeNamingTheFirstPosition() async throws {
        try await withServer({ $0.compactionKeep = .seconds(3600) }) { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0")), .pod(Pods.pod("web-1"))]))
            let resized = try await client.ingest(IngestRequest(observedAt: minute(10), observations: [.pod(Pods.pod("web-0", cpu: 300))]))
            #expect(try await client.readEvents(ReadEventsRequest(fromPosition: 1)).events.count == Int(resized.headPosition))
            // Three hours later the cut (one hour before the newest event) passes everything above.
            let last = try await client.ingest(IngestRequest(observedAt: minute(180), observations: [.pod(Pods.pod("web-1", cpu: 400))]))
            let first = resized.headPosition + 1
            #expect(try await client.serverInfo().firstPosition == first)

            await expectCompacted({ _ = try await client.readEvents(ReadEventsRequest(fromPosition: 1)) }, position: 1, first: first)
            await expectCompacted({ _ = try await client.readEvents(ReadEventsRequest(fromPosition: first - 1)) }, position: first - 1, first: first)
            await expectCompacted({
                var iterator = client.watch(WatchRequest(fromPosition: 2)).makeAsyncIterator()
                _ = try await iterator.next()
            }, position: 2, first: first)
            await expectCompacted({
                _ = try await client.actualResources(ActualResourcesRequest(at: .position(3)))
            }, position: 3, first: first)

            // From the first position on, everything is served, and the current view is unchanged.
            let page = try await client.readEvents(ReadEventsRequest(fromPosition: first))
            #expect(page.events.map(\.event.position) == Array(first...last.headPosition))
            var iterator = client.watch(WatchRequest(fromPosition: first)).makeAsyncIterator()
            #expect(try await iterator.next()?.events.map(\.event.position) == Array(first...last.headPosition))
            let resources = try await client.actualResources(ActualResourcesRequest(namespace: "shop"))
            #expect(resources.containers.map(\.actual.requests.cpuMillicores) == [300, 400])
            // At the cut's time the history still answers, as before the compaction.
            let atCut = try await client.actualResources(ActualResourcesRequest(namespace: "shop", at: .time(minute(120))))
            #expect(atCut.containers.map(\.actual.requests.cpuMillicores) == [300, 250])
            await client.close()
        }
    }
}
