import Foundation
import NIOHTTP1
import SimulatorAPI
import SimulatedClusterSupport
import Testing

@Suite("Faults for the client's tests")
struct FaultTests {
    @Test("The next N requests answer 429 with Retry-After, or 500, then the server recovers")
    func failedRequests() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let injected = try await client.send(.POST, "/simulator/faults",
                                                 body: SimulatorFault.failRequests(count: 2, status: 429, retryAfterSeconds: 3).requestBody)
            #expect(injected.status == 200)
            for _ in 0..<2 {
                let refused = try await client.get("/api/v1/pods")
                #expect(refused.status == 429)
                #expect(refused.headers.first(name: "retry-after") == "3")
                #expect(try refused.json["reason"] as? String == "TooManyRequests")
            }
            #expect(try await client.get("/api/v1/pods").status == 200)

            await server.inject(.failRequests(count: 1, status: 500))
            let failed = try await client.get("/api/v1/pods?watch=true")
            #expect(failed.status == 500)
            #expect(try failed.json["reason"] as? String == "InternalError")
            #expect(try await client.get("/api/v1/pods").status == 200)

            let unknown = try await client.send(.POST, "/simulator/faults", body: #"{"meteor":true}"#)
            #expect(unknown.status == 400)
        }
    }

    @Test("closeWatches drops every open watch mid-stream")
    func closeWatches() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let first = try await client.watch("/api/v1/pods?watch=true")
            let second = try await client.watch("/apis/autoscaling.k8s.io/v1/verticalpodautoscalers?watch=true")
            #expect(await first.wait { $0.count == 2 })
            #expect(await second.wait { $0.count == 1 })
            #expect(server.openWatchCount == 2)
            #expect(try await client.send(.POST, "/simulator/faults", body: SimulatorFault.closeWatches.requestBody).status == 200)
            guard case .failed? = await first.waitForEnd() else {
                Issue.record("the first watch ended cleanly or not at all: \(String(describing: first.ending))")
                return
            }
            guard case .failed? = await second.waitForEnd() else {
                Issue.record("the second watch ended cleanly or not at all: \(String(describing: second.ending))")
                return
            }
            #expect(server.openWatchCount == 0)
            // New watches work.
            let third = try await client.watch("/api/v1/pods?watch=true")
            #expect(await third.wait { $0.count == 2 })
            third.cancel()
        }
    }

    @Test("dropHistory makes every older resourceVersion answer 410, while the current one still watches")
    func dropHistory() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let old = await server.resourceVersion
            await server.putPods(bulkPods(3))
            let current = await server.resourceVersion
            await server.inject(.dropHistory)
            let expired = try await client.watch("/api/v1/pods?watch=true&resourceVersion=\(old)")
            #expect(await expired.waitForEnd() == .clean)
            #expect(field(expired.events.first, "object", "code") as? Int64 == 410)
            #expect(field(expired.events.first, "object", "message") as? String == "too old resource version: \(old) (\(current))")
            let live = try await client.watch("/api/v1/pods?watch=true&resourceVersion=\(current)")
            await server.putPods(bulkPods(1, from: 50))
            #expect(await live.wait { $0.count == 1 })
            #expect(live.events.first?["type"] as? String == "ADDED")
            live.cancel()
        }
    }
}
