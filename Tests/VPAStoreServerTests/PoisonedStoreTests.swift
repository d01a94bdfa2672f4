import EventStore
import Foundation
import StoreAPI
import StoreWire
import Testing
import VPAModel
import VPAStoreClient
import VPAStoreServer
import VPAStoreTestSupport

/// Issue 16, findings 1 and 2: a log that already holds absurd times (written before requests were
/// range-checked, here through the library, which trusts its caller) is served on the server's own
/// clock, before and after a restart, and `verify` names the events.
@Suite struct PoisonedStoreTests {
    static let extremes: [Int64] = [.min, .min + 1, .max]

    @Test func extremeStoredTimesAreServedAndReportedByVerify() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vpa-store-poisoned-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("store.db").path
        do {
            let store = try EventStore(path: path)
            for (index, milliseconds) in Self.extremes.enumerated() {
                let pod = Pods.pod("web-\(index)", conditions: [PodCondition(
                    type: PodCondition.resizePending, reason: "Deferred", lastTransitionTime: Timestamp(unixMilliseconds: milliseconds))])
                _ = try store.ingest([.pod(pod)], observedAt: Timestamp(unixMilliseconds: milliseconds))
            }
            // Every state's timeout check and elapsed time, on a clock at either end too.
            for now in Self.extremes + [Timestamp.now.unixMilliseconds] {
                let resizes = try store.resizes(now: Timestamp(unixMilliseconds: now))
                #expect(resizes.count == Self.extremes.count)
            }
            let report = try store.verify()
            #expect(report.problems.filter { $0.contains("outside") }.count >= Self.extremes.count, "\(report.problems)")
            store.close()
        }

        let server = try await TestServer.start(directory: directory)
        let client = server.client()
        #expect(try await client.resizes().resizes.count == Self.extremes.count)
        for index in Self.extremes.indices {
            let state = try await client.resizeState(ResizeStateRequest(pod: PodKey(namespace: "shop", name: "web-\(index)")))
            #expect(state.resize.state == .pendingDeferred)
        }
        #expect(try await client.allPods().count == Self.extremes.count)
        await client.close()
        try await server.stop()
    }
}
