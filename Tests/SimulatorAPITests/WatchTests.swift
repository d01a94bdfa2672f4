import Foundation
import KubernetesJSON
import SimulatorAPI
import SimulatedClusterSupport
import Testing
import VPAModel

@Suite("Watches")
struct WatchTests {
    private func types(_ events: [[String: any Sendable]]) -> [String] {
        events.compactMap { $0["type"] as? String }
    }

    @Test("A watch from a compacted resourceVersion gets HTTP 200 and one ERROR event with a 410 Expired Status")
    func compactedResourceVersion() async throws {
        try await withSimulatedAPI(scenario: smallScenario(), configure: { $0.historyLimit = 20 }) { server, client, _ in
            let old = await server.resourceVersion
            await server.putPods(bulkPods(50))
            let current = await server.resourceVersion
            let watch = try await client.watch("/api/v1/pods?watch=true&resourceVersion=\(old)")
            #expect(watch.status == 200)
            #expect(await watch.waitForEnd() == .clean)
            let events = watch.events
            #expect(types(events) == ["ERROR"])
            let status = try #require(events.first?["object"] as? [String: any Sendable])
            #expect(status["kind"] as? String == "Status")
            #expect(status["code"] as? Int64 == 410)
            #expect(status["reason"] as? String == "Expired")
            // The watch cache's words: the asked version, then the oldest it can still serve from.
            #expect(status["message"] as? String == "too old resource version: \(old) (\(current - 20))")
            // The project's decoder reads it as a broken watch, not as pods.
            #expect(throws: KubernetesInputError.self) {
                try KubernetesInput.decode(Array(try jsonText(events[0]).utf8), file: "watch")
            }
        }
    }

    @Test("A watch from a kept resourceVersion gets ADDED, MODIFIED and DELETED in order, and timeoutSeconds ends it")
    func changesInOrder() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let start = await server.resourceVersion
            let watch = try await client.watch("/api/v1/pods?watch=1&resourceVersion=\(start)&timeoutSeconds=2")
            var pod = bulkPods(1)[0]
            await server.putPods([pod])
            pod.generation = 2
            await server.putPods([pod])
            await server.deletePod(namespace: pod.namespace, name: pod.name)
            #expect(await watch.wait { $0.count >= 3 })
            #expect(types(watch.events) == ["ADDED", "MODIFIED", "DELETED"])
            let versions = watch.events.compactMap { field($0, "object", "metadata", "resourceVersion") as? String }.compactMap(UInt64.init)
            #expect(versions == [start + 1, start + 2, start + 3])
            #expect(await watch.waitForEnd(timeout: .seconds(6)) == .clean)
        }
    }

    @Test("A watch without a resourceVersion starts with ADDED for every pod, then goes live")
    func initialEvents() async throws {
        try await withSimulatedAPI(scenario: smallScenario(replicas: 3)) { server, client, _ in
            await server.putPods(bulkPods(40))
            let watch = try await client.watch("/api/v1/pods?watch=true")
            #expect(await watch.wait { $0.count >= 43 })
            #expect(types(watch.events) == Array(repeating: "ADDED", count: 43))
            await server.putPods(bulkPods(1, from: 900))
            #expect(await watch.wait { $0.count >= 44 })
            #expect(field(watch.events.last, "object", "metadata", "name") as? String == "pod-00900")
            watch.cancel()
        }
    }

    @Test("Bookmarks arrive with the current resourceVersion and only the watched kind")
    func bookmarks() async throws {
        try await withSimulatedAPI(scenario: smallScenario(), configure: { $0.bookmarkInterval = .milliseconds(200) }) { server, client, _ in
            let start = await server.resourceVersion
            let watch = try await client.watch("/apis/autoscaling.k8s.io/v1/verticalpodautoscalers?watch=true&allowWatchBookmarks=true&resourceVersion=\(start)")
            await server.putPods(bulkPods(2))
            let current = await server.resourceVersion
            #expect(await watch.wait { events in
                events.contains { $0["type"] as? String == "BOOKMARK" && field($0, "object", "metadata", "resourceVersion") as? String == String(current) }
            })
            let bookmark = try #require(watch.events.first { $0["type"] as? String == "BOOKMARK" })
            #expect(field(bookmark, "object", "kind") as? String == "VerticalPodAutoscaler")
            #expect(field(bookmark, "object", "apiVersion") as? String == "autoscaling.k8s.io/v1")
            #expect(!types(watch.events).contains("ADDED"))
            let plain = try await client.watch("/api/v1/pods?watch=true&resourceVersion=\(current)&timeoutSeconds=1")
            #expect(await plain.waitForEnd() == .clean)
            #expect(plain.events.isEmpty)
            watch.cancel()
        }
    }

    @Test("A watch asking for an enormous timeoutSeconds is served, and the server goes on answering")
    func enormousTimeout() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let watch = try await client.watch("/api/v1/pods?watch=1&resourceVersion=\(await server.resourceVersion)&timeoutSeconds=9223372036854775807")
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await client.get("/api/v1/pods").status == 200)
            watch.cancel()
        }
    }

    @Test("Events can be listed and watched with fieldSelector=reason=Evicted")
    func evictedEvents() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let eviction = EvictionObservation(eventKey: "", podNamespace: "shop", podName: "web-1", podUID: "uid-1",
                                               at: Timestamp(unixMilliseconds: 1_793_577_660_000),
                                               offenders: [.init(container: "app", usageBytes: 300 << 20)])
            await server.recordEviction(eviction)
            try await server.putObject(.events, json: """
                {"metadata":{"namespace":"shop","name":"web-1.scheduled"},"reason":"Scheduled","involvedObject":{"kind":"Pod","name":"web-1"}}
                """)
            let all = try await client.get("/api/v1/events").json
            #expect((all["items"] as? [any Sendable])?.count == 2)
            let response = try await client.get("/api/v1/events?fieldSelector=reason%3DEvicted")
            let decoded = try KubernetesInput.decode(response.body, file: "events")
            guard case .eviction(let observed)? = decoded.first, decoded.count == 1 else {
                Issue.record("expected one eviction, got \(decoded)")
                return
            }
            #expect(observed.podName == "web-1" && observed.podUID == "uid-1" && observed.at == eviction.at)
            #expect(observed.offenders == eviction.offenders)
            let watch = try await client.watch("/api/v1/namespaces/shop/events?watch=true&fieldSelector=reason%3DEvicted")
            #expect(await watch.wait { $0.count == 1 })
            #expect(field(watch.events.first, "object", "reason") as? String == "Evicted")
            watch.cancel()
            #expect(try await client.get("/api/v1/limitranges").status == 200)
            #expect(try await client.get("/api/v1/events?fieldSelector=spec.unknown%3Dx").status == 400)
        }
    }

    @Test("LimitRanges are empty until one is written, then listed and watched like any resource")
    func limitRanges() async throws {
        try await withSimulatedAPI(scenario: smallScenario()) { server, client, _ in
            let empty = try await client.get("/api/v1/limitranges").json
            #expect(empty["kind"] as? String == "LimitRangeList")
            #expect((empty["items"] as? [any Sendable])?.isEmpty == true)
            let version = try #require(field(empty, "metadata", "resourceVersion") as? String)
            let watch = try await client.watch("/api/v1/namespaces/shop/limitranges?watch=true&resourceVersion=\(version)")
            try await server.putObject(.limitRanges, json: """
                {"metadata":{"namespace":"shop","name":"limits"},"spec":{"limits":[{"type":"Container","max":{"cpu":"2","memory":"2Gi"}}]}}
                """)
            #expect(await watch.wait { $0.count == 1 })
            #expect(watch.events.first?["type"] as? String == "ADDED")
            #expect(field(watch.events.first, "object", "spec", "limits", "0", "max", "memory") as? String == "2Gi")
            let list = try await client.get("/api/v1/namespaces/shop/limitranges").json
            #expect((list["items"] as? [any Sendable])?.count == 1)
            #expect(await server.deleteObject(.limitRanges, namespace: "shop", name: "limits"))
            #expect(await watch.wait { $0.count == 2 })
            #expect(watch.events.last?["type"] as? String == "DELETED")
            watch.cancel()
        }
    }
}
