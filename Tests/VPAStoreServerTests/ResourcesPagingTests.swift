import StoreAPI
import Testing
import VPAModel
import VPAStoreServer
import VPAStoreTestSupport

/// GetActualResources in pages: any number of containers, each once, in order (in process; the
/// cursor's round trip on the wire is StoreMessagesTests').
@Suite struct ResourcesPagingTests {
    @Test func pagesGiveTheWholeAnswerOnceInOrder() async throws {
        try await withStore(.inProcess) { client in
            let pods = (0..<7).map { Pods.pod("web-\($0)", namespace: $0 % 2 == 0 ? "shop" : "blog") }
            _ = try await client.ingest(IngestRequest(observedAt: minute(0), observations: pods.map { .pod($0) }))
            let whole = try await client.actualResources()
            #expect(whole.containers.count == 7 && whole.nextPageAfter == nil)

            let first = try await client.actualResources(ActualResourcesRequest(limit: 3))
            #expect(first.containers == Array(whole.containers.prefix(3)))
            let cursor = try #require(first.nextPageAfter)
            let second = try await client.actualResources(ActualResourcesRequest(limit: 3, pageAfter: cursor))
            #expect(second.containers == Array(whole.containers[3..<6]))
            let last = try await client.actualResources(ActualResourcesRequest(limit: 3, pageAfter: second.nextPageAfter))
            #expect(last.containers == Array(whole.containers[6...]) && last.nextPageAfter == nil)

            for size in [1, 2, 7, 100] {
                #expect(try await client.allActualResources(pageSize: size).containers == whole.containers, "page size \(size)")
            }
            let timeTravel = ActualResourcesRequest(namespace: "shop", at: .time(minute(1)))
            #expect(try await client.allActualResources(timeTravel, pageSize: 1).containers
                == (try await client.actualResources(timeTravel)).containers)

            await #expect {
                _ = try await client.actualResources(ActualResourcesRequest(limit: 3, pageAfter: "not a cursor"))
            } throws: { error in
                (error as? RPCStatus)?.code == .invalidArgument && "\(error)".contains("page_after")
            }
        }
    }
}
