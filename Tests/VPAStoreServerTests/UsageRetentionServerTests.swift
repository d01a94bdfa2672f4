import StoreAPI
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// A server with a usage retention: the positions it removes are skipped alike by ReadEvents and
/// Watch, from the file and from the in-memory buffer.
@Suite struct UsageRetentionServerTests {
    func usage(_ pod: String, at: Timestamp) -> Observation {
        .usage(UsageObservation(namespace: "shop", pod: pod, sample: UsageSample(
            at: at, windowMilliseconds: 60_000, containers: [.init(name: "app", cpuMillicores: 100, memoryBytes: 100 << 20)])))
    }

    @Test func readEventsAndWatchSkipWhatRetentionRemoved() async throws {
        try await withServer({ $0.usageRetention = .seconds(3600) }) { (server: TestServer) async throws in
            let client = server.client()
            _ = try await client.ingest(IngestRequest(observedAt: minute(0),
                                                      observations: [.pod(Pods.pod("web-0")), .pod(Pods.pod("web-1"))]))
            _ = try await client.ingest(IngestRequest(observedAt: minute(1), observations: [usage("web-0", at: minute(1))]))
            // web-1's first sample is three hours older than web-0's newest: removed in the same call
            // that appended it, after it entered the server's Watch buffer.
            let last = try await client.ingest(IngestRequest(observedAt: minute(180), observations: [
                usage("web-0", at: minute(180)), usage("web-1", at: minute(1)),
            ]))
            // The call's own head: the UsageExpired marker (7) is the store's, appended after the commit,
            // and a retry of the call gets the same answer (issue 16, finding 9).
            #expect(last.headPosition == 6)
            let page = try await client.readEvents(ReadEventsRequest(fromPosition: 1))
            // 1–2 the pods, 3 auto in-place mode turning on, 4 and 6 the old samples, 5 the new one, 7 the marker.
            #expect(page.events.map(\.event.position) == [1, 2, 3, 5, 7])
            #expect(page.events.last?.event.body == .usageExpired(UsageExpiry(before: minute(120), eventsRemoved: 2)))
            for (from, expected) in [(Int64(1), [Int64(1), 2, 3, 5, 7]), (4, [5, 7]), (6, [7])] {
                var iterator = client.watch(WatchRequest(fromPosition: from)).makeAsyncIterator()
                var positions: [Int64] = []
                while positions.last != 7, let page = try await iterator.next() { positions += page.events.map(\.event.position) }
                #expect(positions == expected, "watch from \(from)")
            }
            // A log read (the buffer cannot hold it) agrees.
            let fromLog = try await client.readEvents(ReadEventsRequest(fromPosition: 4, selector: EventSelector(type: .usageSampled)))
            #expect(fromLog.events.map(\.event.position) == [5])
            await client.close()
        }
    }
}
