import EventStore
import Foundation
import StoreAPI
import Testing
import VPAModel
import VPAStoreServer
import VPAStoreTestSupport

/// The store in this process, as `--db` and the in-process tests use it.
@Suite struct LocalStoreTests {
    @Test func aCallAfterCloseIsUnavailableAndASecondCloseDoesNothing() async throws {
        try await withStore(.inProcess) { store in
            _ = try await store.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
            await store.close()
            await store.close()
            do throws(RPCStatus) {
                _ = try await store.vpas()
                Issue.record("a closed store answered")
            } catch {
                #expect(error.code == .unavailable && error.message.contains("is closed"), "\(error)")
            }
        }
    }

    /// The page size is checked as the wire decoder checks it: 0 is the default page, and a
    /// size the server would refuse is refused here too (0 or less once indexed an empty page).
    @Test func readEventsChecksThePageSizeAsTheWireDoes() async throws {
        try await withStore(.inProcess) { store in
            _ = try await store.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
            #expect(try await store.readEvents(ReadEventsRequest(fromPosition: 1, limit: 0)).events.count >= 1)
            for limit in [-1, ReadEventsRequest.maximumLimit + 1] {
                do throws(RPCStatus) {
                    _ = try await store.readEvents(ReadEventsRequest(fromPosition: 1, limit: limit))
                    Issue.record("limit \(limit) was read")
                } catch {
                    #expect(error.code == .invalidArgument && error.message.contains("ReadEventsRequest.limit"), "\(error)")
                }
            }
        }
    }

    /// `--db` reads next to a writer: a read-only LocalStore of the same file sees what the
    /// writing one committed, and refuses to write.
    @Test func aReaderOfTheFileSeesTheWritersCommitsAndCannotWrite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpa-store-local-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.db").path
        let writer = try LocalStore.open(path: path, access: .readWrite)
        let written = try await writer.ingest(IngestRequest(observedAt: minute(0), observations: [.pod(Pods.pod("web-0"))]))
        let reader = try LocalStore.open(path: path)
        #expect(try await reader.serverInfo().headPosition == written.headPosition)
        #expect(try await reader.actualResources(ActualResourcesRequest(namespace: "shop", pod: "web-0")).containers.count == 1)
        await #expect(throws: RPCStatus.self) {
            _ = try await reader.ingest(IngestRequest(observedAt: minute(1), observations: [.pod(Pods.pod("web-1"))]))
        }
        await reader.close()
        await writer.close()
    }
}
